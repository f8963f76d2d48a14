// API tokens (stored only as SHA-256 hashes) and scanner devices. Plain functions on a Txn.
// Thread safety: as the Txn they are given.
#pragma once

#include <optional>
#include <string>

#include "core/status.h"
#include "server/store/database.h"
#include "server/store/records.h"

namespace cradle::store {

// Stores a token hash; returns the new token's id. CONFLICT when the hash exists;
// INVALID_FIELD for an unknown role or org.
Result<int64_t> InsertToken(Txn& txn, const std::string& token_hash,
                            const std::optional<std::string>& org, const std::string& role,
                            const std::string& label);
// NOT_FOUND when absent. Revoked tokens are returned too (check revoked_at).
Result<ApiToken> FindTokenByHash(Txn& txn, const std::string& token_hash);
// Sets revoked_at (now); NOT_FOUND when no such token.
Status RevokeToken(Txn& txn, int64_t token_id);
// True when any token exists (the server creates the bootstrap admin when there is none).
Result<bool> AnyToken(Txn& txn);

// CONFLICT when the device id exists; INVALID_FIELD for an unknown org.
Status InsertDevice(Txn& txn, const std::string& device_id, const std::string& org);
// NOT_FOUND when absent. Revoked devices are returned too.
Result<Device> FindDevice(Txn& txn, const std::string& device_id);
// Sets revoked_at (now) unless already revoked; NOT_FOUND when no such device.
Status RevokeDevice(Txn& txn, const std::string& device_id);

}  // namespace cradle::store
