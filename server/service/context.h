// What every use case needs: the store, the signing keys, the catalogue, the clock and the
// deployment's calendar. Built once by main (or a test) and shared by all handlers.
//
// Ownership: borrows everything; all referents must outlive the context.
// Thread safety: every member is safe for concurrent use (Database and SigningKeyStore are
// internally synchronised; Catalogue and Clock are read-only).
#pragma once

#include "core/catalogue.h"
#include "core/clock.h"
#include "core/wm1.h"
#include "core/working_calendar.h"
#include "server/pki/signing_keys.h"
#include "server/store/database.h"

namespace cradle::service {

struct Settings {
  int tz_offset_minutes = 480;  // Asia/Shanghai
  double weight_tolerance_pct = 5;
  int clock_skew_max_s = 600;
  int uncollected_days = 30;        // issued and not collected after this many days: a case
  int unreceived_working_days = 5;  // collected and not received after this many working days

  // Label print runs rendering at once: per organisation, and in all (label_service.h).
  int print_runs_per_org = 2;
  int print_runs_total = 4;
};

struct Context {
  store::Database& db;
  pki::SigningKeyStore& keys;
  const Catalogue& catalogue;
  const Clock& clock;
  Settings settings;
  // Working days (holidays, make-up days); nullptr = weekends only. Borrowed, like the rest.
  const WorkingCalendar* calendar = nullptr;

  // The published keys as a verifier's key set (every kid the store holds, active or not).
  KeySet TrustedKeys() const;
  // The calendar, or a weekends-only one when none was given.
  const WorkingCalendar& Calendar() const;
};

}  // namespace cradle::service
