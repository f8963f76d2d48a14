// Manifests, their serials and their event timeline. Plain functions on a Txn.
// Thread safety: as the Txn they are given.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "server/store/database.h"
#include "server/store/records.h"

namespace cradle::store {

inline constexpr int kMaxSerial = 999;

// Reserves `count` consecutive serials for (producer, waste code digits, day "YYYY-MM-DD") and
// returns the first; serials start at 1 and are never handed out twice (a rollback of the
// same transaction also rolls back the reservation, which is safe: nothing was handed out).
// SERIALS_EXHAUSTED when the last would pass 999 (nothing is reserved then);
// INVALID_FIELD when count < 1.
Result<int> AllocateSerials(Txn& txn, const std::string& producer,
                            const std::string& waste_code_digits, const std::string& day,
                            int count);

// Inserts `m` (issued_at and updated_at set by the store). CONFLICT when the id exists;
// INVALID_FIELD for a bad status/producer/field.
Status InsertManifest(Txn& txn, const Manifest& m);
// InsertManifest with the stored times given rather than taken from the clock (seeding history).
Status InsertManifestWithTimes(Txn& txn, const Manifest& m, int64_t issued_at, int64_t updated_at);
Result<Manifest> FindManifest(Txn& txn, const std::string& id);  // NOT_FOUND when absent

struct ManifestFilter {
  std::optional<std::string> producer;
  std::optional<std::string> status;
  std::optional<std::string> month;  // "YYYY-MM" of produced_on; INVALID_FIELD if malformed
  // Newest first: by produced_on descending, then id descending (what a person scanning a list
  // expects); otherwise by id ascending (stable exports).
  bool newest_first = false;
};
// Keyset-paged: `after` is the last id of the previous page (the produced_on of a newest-first
// cursor is read from the id itself: the date is part of every digital id). limit 1..1000.
Result<Page<Manifest>> ListManifests(Txn& txn, const ManifestFilter& filter,
                                     const std::optional<std::string>& after, int limit);

// Moves `id` from `expected` to `next` (updated_at = now). NOT_FOUND when absent; CONFLICT
// when the current status is not `expected` (someone else moved it first).
Status UpdateManifestStatus(Txn& txn, const std::string& id, const std::string& expected,
                            const std::string& next);

// Inserts an event (received_at set by the store) and returns its seq.
// If event_id already exists: DUPLICATE when its content_sha256 equals e.content_sha256,
// else CONFLICT. INVALID_FIELD for an unknown manifest or bad kind.
Result<int64_t> InsertEvent(Txn& txn, const ManifestEvent& e);
// InsertEvent with the server receive time given rather than the clock's (seeding history).
Result<int64_t> InsertEventReceivedAt(Txn& txn, const ManifestEvent& e, int64_t received_at);
// The manifest's events in seq order (its timeline).
Result<std::vector<ManifestEvent>> ListEvents(Txn& txn, const std::string& manifest_id);
Result<ManifestEvent> FindEventById(Txn& txn, const std::string& event_id);  // NOT_FOUND
// Void events with seq > after, ascending (the revocations feed); next = last seq when more.
Result<Page<VoidedManifest, int64_t>> ListVoidedSince(Txn& txn, int64_t after, int limit);

}  // namespace cradle::store
