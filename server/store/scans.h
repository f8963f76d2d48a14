// Scan findings: the evidence a scan raised (forged_label, copied_label, weight_mismatch,
// clock_skew), recorded in the same Write as the scan batch that raised it. Plain functions on
// a Txn.
// Thread safety: as the Txn they are given.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "server/store/database.h"

namespace cradle::store {

struct ScanFinding {
  int64_t seq = 0;   // assigned by the store
  std::string kind;  // forged_label | copied_label | weight_mismatch | clock_skew
  std::optional<std::string> manifest_id;
  std::string actor;  // USCC of the scanning organisation
  std::optional<std::string> device;
  std::string event_id;
  std::string detail = "{}";  // JSON object text
  int64_t at = 0;             // set by the store
};

// Inserts `f` (at = the Txn clock) and returns its seq. INVALID_FIELD for a bad kind or detail.
Result<int64_t> InsertFinding(Txn& txn, const ScanFinding& f);
// Findings with seq > after, ascending, at most `limit` (1..1000).
Result<std::vector<ScanFinding>> ListFindings(Txn& txn, int64_t after, int limit);
// True when a finding of `kind` was recorded for `event_id` before (a retried batch must not
// record the same evidence twice).
Result<bool> FindingExists(Txn& txn, const std::string& event_id, const std::string& kind);
// The content hash stored for `event_id`, or nullopt when no such event exists.
Result<std::optional<std::string>> FindEventContent(Txn& txn, const std::string& event_id);

}  // namespace cradle::store
