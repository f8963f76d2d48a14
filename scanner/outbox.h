// The scanner's durable local state in one SQLite file (<home>/scanner.db):
//   meta      key/value: server URL, the last JWK Set and when it was fetched, the revocation
//             cursor, the last successful sync;
//   revoked   voided manifest ids from GET /api/v1/revocations;
//   seen      (manifest id, kind) pairs queued on this device, so a second scan of the same
//             label with the same kind is caught offline (a copied label); a scan for a return
//             trip is seen as (manifest id, "kind@trip") instead (scan_record.h repeat_scope);
//   outbox    scans with state queued -> done | parked (parked keeps the server's code);
//             a queued scan the server refused as OUT_OF_ORDER is *held*: it stays queued with
//             held_since / retry_at / attempts, is re-sent with backoff once retry_at passes,
//             and is parked only when it has been held for HoldPolicy::hold_for (its
//             predecessor, e.g. the collector's pickup, may simply not have been synced yet);
//   trips, trip_containers
//             the open transfers of the device's organisation as carrier or receiver, with
//             their containers (trips.h), replaced whole by each refresh (version 3).
//
// Every write is one transaction committed with synchronous=FULL before the call returns, so a
// caller may print "accepted" right after Enqueue. A batch of server answers is settled in one
// transaction (Settle) with prepared statements, which keeps a 100k-scan sync fast.
//
// Ownership: Outbox owns its connection and statements. Thread safety: none; use it from one
// thread. Another process (a concurrent `cradle-scan sync`) may use the same file: SQLite
// serialises the writers.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "scanner/scan_record.h"
#include "scanner/sqlite.h"
#include "scanner/trips.h"

namespace cradle::scan {

enum class OutboxState { kQueued, kHeld, kDone, kParked };

struct QueuedScan {
  int64_t seq = 0;  // outbox order
  ScanRecord scan;
};

// The server's answer for one event.
struct ScanOutcome {
  std::string event_id;
  bool parked = false;     // false: accepted or duplicate (done)
  bool duplicate = false;  // the server had stored this event before
  std::string code;        // the rejection code when parked
};

struct ParkedScan {
  std::string event_id;
  std::string manifest_id;
  ScanKind kind = ScanKind::kPickup;
  std::string code;
};

// A refused scan with a holdable code waits and is retried; see the file comment.
struct HoldPolicy {
  int64_t hold_for_micros = 24LL * 3600 * 1'000'000;  // then parked; 0 parks at once
  int64_t first_retry_micros = 60LL * 1'000'000;      // doubles with every refusal ...
  int64_t max_retry_micros = 3600LL * 1'000'000;      // ... up to this
};

// The codes that mean "not yet" rather than "never": only the order of arrival is wrong.
bool IsHoldableCode(const std::string& code);

struct HeldScan {
  std::string event_id;
  std::string manifest_id;
  ScanKind kind = ScanKind::kPickup;
  std::string code;
  int64_t held_since_micros = 0;  // first refusal
  int64_t retry_at_micros = 0;    // not sent again before this
  int64_t attempts = 0;           // refusals so far
};

struct OutboxCounts {
  int64_t queued = 0;  // waiting for their first send (held ones not included)
  int64_t held = 0;
  int64_t done = 0;
  int64_t parked = 0;
};

struct Revocation {
  std::string manifest_id;
  std::string voided_at;
};

// Meta keys.
inline constexpr char kMetaServerUrl[] = "server_url";
inline constexpr char kMetaJwks[] = "jwks";
inline constexpr char kMetaJwksFetchedAt[] = "jwks_fetched_at";  // micros UTC
inline constexpr char kMetaRevocationCursor[] = "revocation_cursor";
inline constexpr char kMetaLastSyncAt[] = "last_sync_at";  // micros UTC
inline constexpr char kMetaOrg[] = "org";  // the device's organisation (USCC), from /api/v1/me
inline constexpr char kMetaTripsFetchedAt[] = "trips_fetched_at";  // micros UTC

class Outbox {
 public:
  // Opens or creates the database and its tables. Code STORAGE.
  static Result<std::unique_ptr<Outbox>> Open(const std::string& path);

  Status SetMeta(const std::string& key, const std::string& value);
  Result<std::optional<std::string>> GetMeta(const std::string& key);

  // Adds voided ids (existing ones are kept) and records the cursor, in one transaction.
  Status AddRevocations(const std::vector<Revocation>& items, const std::string& cursor);
  Result<bool> IsRevoked(const std::string& manifest_id);
  Result<int64_t> RevokedCount();

  // Within `repeat_scope` (ScanRecord::repeat_scope; empty: the whole device).
  Result<bool> WasScanned(const std::string& manifest_id, ScanKind kind,
                          const std::string& repeat_scope = "");

  // Queues a scan and marks (manifest id, kind) as seen, atomically. Code ALREADY_SCANNED when
  // the pair was seen before (nothing is written), STORAGE otherwise.
  Status Enqueue(const ScanRecord& scan);
  // The same for many scans in one transaction (imports, tests, benchmarks); all or nothing.
  Status EnqueueMany(const std::vector<ScanRecord>& scans);

  // Sets the mass of a queued scan that was never handed to sync. False when the scan was
  // already claimed by a sync (it may be on the server: changing it would be a new content
  // for the same event_id).
  Result<bool> AttachMass(const std::string& event_id, int64_t mass_g);

  // The oldest `limit` queued scans with seq > after_seq in order, marked as claimed; held
  // scans only once their retry_at <= now_micros. A batch that got no answer stays queued and
  // comes back from the next call with the same event_ids.
  Result<std::vector<QueuedScan>> ClaimBatch(size_t limit, int64_t now_micros = INT64_MAX,
                                             int64_t after_seq = 0);
  // Applies the server's answers in one transaction: done; held (a holdable code, while
  // `hold` allows: retry_at moves out with backoff); or parked with its code (a parked scan no
  // longer counts as seen, so the label may be scanned again). Returns the state each outcome
  // left its scan in, in order.
  Result<std::vector<OutboxState>> Settle(const std::vector<ScanOutcome>& outcomes,
                                          int64_t now_micros, const HoldPolicy& hold);

  Result<OutboxCounts> Counts();
  Result<std::vector<ParkedScan>> Parked(size_t limit);
  Result<std::vector<HeldScan>> Held(size_t limit);
  Result<std::optional<ScanRecord>> Find(const std::string& event_id);
  Result<std::optional<OutboxState>> StateOf(const std::string& event_id);

  // Replaces the stored trips by `trips` (a trip no longer listed is closed: it goes) and
  // records the organisation and the time, in one transaction. PROTOCOL for a repeated id.
  Status ReplaceTrips(const std::vector<Trip>& trips, const std::string& org,
                      int64_t fetched_at_micros);
  // The stored trips by id, each with its containers in the server's order.
  Result<std::vector<Trip>> Trips();
  Result<std::optional<Trip>> FindTrip(const std::string& id);

 private:
  explicit Outbox(std::unique_ptr<Database> db) : db_(std::move(db)) {}
  Status Prepare();
  Status InsertOne(const ScanRecord& scan);
  Status Migrate();

  std::unique_ptr<Database> db_;
  Statement insert_scan_;
  Statement insert_seen_;
  Statement set_done_;
  Statement set_parked_;
  Statement find_hold_;
  Statement set_held_;
  Statement unsee_;
  Statement insert_revoked_;
  Statement find_revoked_;  // prepared once: the verifier asks for every token read
  Statement find_seen_;
};

}  // namespace cradle::scan
