// Monthly roll-ups for the reconciliation report (schema/003_reconciliation.sql).
//
// The hooks (RollupIssue, RollupEvent) are called inside the same Write as the issuance or the
// event they count, so the roll-ups can never disagree with manifests/manifest_events. The month
// of a fact is the "YYYY-MM" of its server time (manifests.issued_at, manifest_events.received_at)
// at the deployment's UTC offset `tz_offset_minutes`. Reading a month costs a few rows per party,
// however many events the database holds.
//
// The Insert*At functions write history with explicit times (demo seed, benchmark only): they
// bypass the clock but call the same roll-up code, so seeded data reconciles like live data.
//
// Plain functions on a Txn. Thread safety: as the Txn they are given.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "server/store/database.h"
#include "server/store/records.h"
#include "server/store/scans.h"

namespace cradle::store {

// Counts the stored manifest `manifest_id` as issued in the month of its issued_at.
Status RollupIssue(Txn& txn, const std::string& manifest_id, int tz_offset_minutes);
// Counts the stored event `seq` (void, pickup, receive, dispose, reject) in the month of its
// received_at: per producer, per facility (receive, dispose) and per programme (a member's
// pickup by the programme's collector). Issue events are ignored (RollupIssue counts those).
Status RollupEvent(Txn& txn, int64_t seq, int tz_offset_minutes);

// History with explicit times (the benchmark): as InsertManifest/InsertEvent but keeping
// m.issued_at / e.received_at, and rolling up as the hooks do. InsertEventAt
// does not change the manifest's status (the caller writes the final status).
Status InsertManifestAt(Txn& txn, const Manifest& m, int tz_offset_minutes);
Result<int64_t> InsertEventAt(Txn& txn, const ManifestEvent& e, int tz_offset_minutes);

// One producer's month. Counts are events in the month; outstanding is a stock: manifests
// issued up to the end of the month and neither voided nor received by then.
struct ProducerRollup {
  std::string producer;
  int64_t issued = 0, issued_declared_g = 0, voided = 0;
  int64_t collected = 0, collected_measured_g = 0;
  int64_t received = 0, received_declared_g = 0, received_measured_g = 0;
  int64_t disposed = 0, rejected = 0;
  int64_t outstanding = 0;
};
// Producers with activity in `month` or something outstanding at its end, ordered by USCC.
Result<std::vector<ProducerRollup>> ProducerRollups(Txn& txn, const std::string& month);

struct FacilityRollup {
  std::string facility;
  int64_t received = 0, received_g = 0, disposed = 0;  // in the month
  int64_t cumulative_g = 0;  // received up to the end of the month (all time)
  int64_t ytd_g = 0;         // received from January to the end of the month
};
// Every facility with any receipt up to the end of `month`, ordered by id.
Result<std::vector<FacilityRollup>> FacilityRollups(Txn& txn, const std::string& month);
// Grams received by `facility` in months first..last (inclusive, "YYYY-MM").
Result<int64_t> FacilityReceivedGrams(Txn& txn, const std::string& facility,
                                      const std::string& first, const std::string& last);
struct MonthGrams {
  std::string month;
  int64_t grams = 0;
};
// Grams received per month by `facility`, months ascending (months without receipts omitted).
Result<std::vector<MonthGrams>> FacilityMonthlyGrams(Txn& txn, const std::string& facility);

struct ProgrammeRollup {
  std::string programme;
  int64_t pickups = 0, collected_g = 0;  // in the month
  int64_t served_month = 0;              // distinct members served in the month
  int64_t served_year = 0;               // distinct members served January..month
  int64_t ytd_collected_g = 0;           // January..month
};
// Every programme with a pickup in the year up to `month`, ordered by id.
Result<std::vector<ProgrammeRollup>> ProgrammeRollups(Txn& txn, const std::string& month);

}  // namespace cradle::store
