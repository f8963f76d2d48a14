// The case ledger (problems found -> dispatched -> answered -> closed) and the rules' cursors.
// A case is unique per cause: (kind, subject, threshold). Status changes are recorded in
// case_actions; the service also appends the hash-chained audit entry in the same Write.
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

namespace cradle::store {

struct Case {
  int64_t id = 0;               // assigned by the store
  std::string kind;             // weight_mismatch | uncollected | unreceived | forged_label | ...
  std::string subject;          // manifest id, facility id or programme id
  std::string threshold;        // "80" / "95" for capacity, else ""
  std::string party;            // USCC of the responsible party
  std::string status = "open";  // open | dispatched | responded | closed
  std::string detail = "{}";    // JSON object text
  int64_t opened_at = 0;
  std::string opened_month;  // "YYYY-MM" of opened_at in the deployment's zone
  int64_t updated_at = 0;
};

struct CaseAction {
  int64_t seq = 0;
  int64_t case_id = 0;
  std::string action;  // open | dispatch | respond | close | reopen
  std::string actor;
  std::string note;
  std::optional<std::string> from_status;
  std::string to_status;
  int64_t at = 0;
};

// Opens `c` unless a case with the same (kind, subject, threshold) exists. Returns the new id,
// or nullopt when the cause already has a case (nothing written). Records the "open" action.
Result<std::optional<int64_t>> OpenCase(Txn& txn, const Case& c, const std::string& actor);
Result<Case> FindCase(Txn& txn, int64_t id);  // NOT_FOUND
// Moves the case from `expected` to `next`, recording the action. CONFLICT if it moved meanwhile.
Status MoveCase(Txn& txn, int64_t id, const std::string& expected, const std::string& next,
                const std::string& action, const std::string& actor, const std::string& note);
Result<std::vector<CaseAction>> ListCaseActions(Txn& txn, int64_t case_id);

struct CaseFilter {
  std::optional<std::string> status, kind, party, opened_month;
};
// Ordered by id, keyset-paged (after = last id of the previous page), limit 1..1000.
Result<Page<Case, int64_t>> ListCases(Txn& txn, const CaseFilter& filter, int64_t after, int limit);
struct CaseCount {
  std::string kind, status;
  int64_t count = 0;
};
// Counts by (kind, status); `party` restricts when set.
Result<std::vector<CaseCount>> CountCases(Txn& txn, const std::optional<std::string>& party);

// Inputs of the time rules. `at` is issued_at (IssuedBefore) or the last pickup's received_at
// (CollectedNotReceived); `actor` the last pickup's actor (empty for IssuedBefore).
struct RuleCandidate {
  std::string manifest_id, producer, actor;
  int64_t at = 0;
};
// Manifests still `issued` whose issued_at < before.
Result<std::vector<RuleCandidate>> IssuedBefore(Txn& txn, int64_t before);
// Manifests still `collected` whose last pickup was received before `before`.
Result<std::vector<RuleCandidate>> CollectedBefore(Txn& txn, int64_t before);
// The organisation that last picked `manifest_id` up, if any.
Result<std::optional<std::string>> LastPickupActor(Txn& txn, const std::string& manifest_id);

// Cursor of an incremental rule; 0 when never run.
Result<int64_t> RuleCursor(Txn& txn, const std::string& name);
Status SetRuleCursor(Txn& txn, const std::string& name, int64_t last_seq);

}  // namespace cradle::store
