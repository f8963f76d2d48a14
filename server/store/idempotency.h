// What a use case did for an idempotency key: (actor, scope, key) -> request hash and a result
// reference. No HTTP here: the API layer turns a replayed result into a response.
// Plain functions on a Txn.
// Thread safety: as the Txn they are given.
#pragma once

#include <optional>
#include <string>

#include "core/status.h"
#include "server/store/database.h"
#include "server/store/records.h"

namespace cradle::store {

// nullopt when nothing is stored under (actor, scope, key).
Result<std::optional<IdempotencyRecord>> FindIdempotent(Txn& txn, const std::string& actor,
                                                        const std::string& scope,
                                                        const std::string& key);
// Stores the first result (created_at set by the store). CONFLICT when the key exists:
// the service should have looked first, in the same Write.
Status InsertIdempotent(Txn& txn, const IdempotencyRecord& record);
// Deletes records created before `before` (micros); returns how many.
Result<int64_t> PruneIdempotent(Txn& txn, int64_t before);

}  // namespace cradle::store
