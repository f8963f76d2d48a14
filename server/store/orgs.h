// Organisations. Plain functions on a Txn; call inside Database::Write (changes) or Read.
// Thread safety: as the Txn they are given (one thread at a time).
#pragma once

#include <optional>
#include <string>

#include "core/status.h"
#include "server/store/database.h"
#include "server/store/records.h"

namespace cradle::store {

// Inserts `org` (created_at set by the store). CONFLICT when the USCC exists.
Status InsertOrg(Txn& txn, const Org& org);
// NOT_FOUND when absent.
Result<Org> FindOrg(Txn& txn, const std::string& uscc);
// Orgs ordered by USCC, starting after `after` (exclusive; nullopt = from the start).
// `limit` is clamped to 1..1000. next = last USCC of the page when more rows follow.
Result<Page<Org>> ListOrgs(Txn& txn, const std::optional<std::string>& after, int limit);

}  // namespace cradle::store
