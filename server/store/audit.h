// The hash-chained audit log. Plain functions on a Txn.
//
// Chain: hash(seq) = hex SHA-256 over the concatenation of these fields, in order, each encoded
// as "<decimal byte length>:<bytes>," (netstring style, so field boundaries cannot shift):
//   prev_hash, seq (decimal), at, actor, action, object, change_sha256[, rows_sha256]
// rows_sha256 (the digest of the row seals the entry wrote, server/store/seal.h) is appended only
// when not empty, so entries that seal no row (and every entry older than schema 005) hash as
// they always did.
// prev_hash of seq 1 is 64 '0' characters; seqs run 1, 2, 3, ... without gaps.
// change_sha256 = hex SHA-256 of the change text (e.g. the change as JSON).
//
// Thread safety: as the Txn they are given.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"
#include "server/store/database.h"
#include "server/store/records.h"

namespace cradle::store {

inline constexpr std::string_view kAuditGenesis =
    "0000000000000000000000000000000000000000000000000000000000000000";

// Appends one entry in the caller's transaction; `at` comes from the Txn's clock. Call it in
// the same Write as the change it records, so both commit or neither does.
Result<AuditEntry> AppendAudit(Txn& txn, const std::string& actor, const std::string& action,
                               const std::string& object, std::string_view change_json);
// Recomputes the whole chain row by row (streaming). ok=false with first_bad_seq at the first
// row whose seq, prev_hash or hash does not follow, or whose rows_sha256 does not match the row
// seals stored under it (or that has seals it does not name). Then compares every sealed table's
// rows with their seals (seal.h VerifyRows): ok=false when any row problem is found.
Result<AuditVerification> VerifyAudit(Txn& txn);
// Entries with seq > after, ascending; next = last seq when more follow. limit clamped 1..1000.
Result<Page<AuditEntry, int64_t>> ListAudit(Txn& txn, int64_t after, int limit);

// Store-internal (seal.cc): sets the rows_sha256 of entry `seq`, which must be the chain head,
// and recomputes its hash.
Status SetAuditRowsDigest(Txn& txn, int64_t seq, const std::string& rows_sha256);

// The hash of one entry from its fields (as described above).
std::string AuditHash(const AuditEntry& entry);

}  // namespace cradle::store
