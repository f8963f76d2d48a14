// Use case: the case ledger (api.md "Reconciliation, cases, audit"). Rules open cases; the
// regulator dispatches, closes and reopens them; the responsible party responds. Every step is
// written with its audit entry in one Write.
//
// Who sees what: regulators and admins every case; any other caller only the cases naming its
// organisation as the responsible party (others read as NOT_FOUND).
// Thread safety: stateless functions over the thread-safe Context.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/civil_time.h"
#include "core/status.h"
#include "server/service/context.h"
#include "server/service/principal.h"
#include "server/store/cases.h"

namespace cradle::service {

struct CaseWithHistory {
  store::Case c;
  std::vector<store::CaseAction> actions;
};

// status/kind/party filters; a party's own cases only unless the caller reads all.
Result<store::Page<store::Case, int64_t>> ListCases(const Context& ctx, const Principal& p,
                                                    store::CaseFilter filter, int64_t after,
                                                    int limit);
Result<CaseWithHistory> GetCase(const Context& ctx, const Principal& p, int64_t id);
// action: dispatch | close | reopen (regulator or admin), respond (the responsible party).
// FORBIDDEN for the wrong caller, INVALID_STATE for an illegal transition, INVALID_FIELD for an
// unknown action or a note over 2000 bytes.
Result<CaseWithHistory> ActOnCase(const Context& ctx, const Principal& p, int64_t id,
                                  const std::string& action, const std::string& note);

// The problem ledger in the district report's terms: found = every case, rectified = closed,
// in_progress = not closed; with counts by kind and by status.
struct CaseSummary {
  int64_t found = 0, rectified = 0, in_progress = 0;
  std::map<std::string, int64_t> by_status;
  std::map<std::string, std::map<std::string, int64_t>> by_kind;  // kind -> status -> count
};
Result<CaseSummary> SummariseCases(const Context& ctx, const Principal& p);

struct RulesRun {
  CivilDate as_of;
  int64_t opened = 0;
  std::map<std::string, int64_t> opened_by_kind;
};
// Runs every rule as of the local day `as_of` in one Write: scan findings not yet seen
// (weight_mismatch, forged_label, copied_label, custody_refused), uncollected, unreceived, the
// transfer rules and capacity. A cause that already has a case opens nothing, however often this
// runs. `actor` is audited.
//
// Transfer rules, one case per transfer (subject = its number), working days by the deployment's
// calendar (rules.h TransferCaseParty says who answers). A deadline made up late is still a
// missed deadline (rules.h MissedDeadline), so the same cases open however seldom this runs:
//   receipt_overdue       delivered and unconfirmed after receipt_due (or confirmed on a later
//                         day); also counted once in the `overdue` transfer roll-up, in the month
//                         of its first overdue day;
//   transfer_discrepancy  a receipt that reported discrepancies or refused containers (stamped
//                         at the receipt);
//   transfer_unsigned     an ad hoc trip its sender had not signed kAdHocSignWorkingDays working
//                         days after its trip day;
//   refused_not_returned  refused containers on no return trip kRefusedReturnWorkingDays
//                         working days after the receipt.
Result<RulesRun> RunRules(const Context& ctx, const CivilDate& as_of,
                          const std::string& actor = "system:rules");
// POST /rules/run: RunRules for regulators and admins only (FORBIDDEN otherwise).
Result<RulesRun> RunRulesAs(const Context& ctx, const Principal& p, const CivilDate& as_of);

}  // namespace cradle::service
