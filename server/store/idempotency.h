// Stored first responses for POSTs with an Idempotency-Key. Plain functions on a Txn.
// Thread safety: as the Txn they are given.
#pragma once

#include <optional>
#include <string>

#include "core/status.h"
#include "server/store/database.h"
#include "server/store/records.h"

namespace cradle::store {

// nullopt when no response is stored under (actor, route, key).
Result<std::optional<IdempotencyRecord>> FindIdempotent(Txn& txn, const std::string& actor,
                                                        const std::string& route,
                                                        const std::string& key);
// Stores the first response (created_at set by the store). CONFLICT when the key exists:
// the service should have looked first, in the same Write.
Status InsertIdempotent(Txn& txn, const IdempotencyRecord& record);
// Deletes records created before `before` (micros); returns how many.
Result<int64_t> PruneIdempotent(Txn& txn, int64_t before);

}  // namespace cradle::store
