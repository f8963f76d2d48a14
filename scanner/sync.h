// Uploading the outbox and refreshing what the scanner trusts (shared/spec/api.md, "Scans").
//
// Syncer::Upload claims the oldest queued scans in batches (up to 500 per
// POST /api/v1/scans), and settles each batch's answer in one outbox transaction: accepted and
// duplicate are done, rejected is parked with its code, except OUT_OF_ORDER, which is held and
// re-sent with backoff by later syncs until RetryPolicy::hold ends it (outbox.h). A batch that got
// no answer stays queued and is re-sent with the same event_ids (after a restart too), so the
// server stores no scan twice; it answers duplicate for those it had, which counts as done.
//
// RefreshTrips keeps the device's open trips (trips.h) for `scan --transfer` offline.
//
// Network failures, 5xx and 429 are retried with exponential backoff and full jitter
// (sleep = uniform(0, min(cap, base * 2^attempt))), or Retry-After seconds when the server
// gives them; after max_attempts the call fails with code NETWORK. Any other non-200 answer
// stops the sync: UNAUTHORIZED for 401/403 (the device is not accepted), REFUSED otherwise.
// An answer that does not match the batch is PROTOCOL.
//
// Transport is the seam: HttpsTransport (https_transport.h) is the real one, tests script one.
// Sleep and randomness are injected so retry timing is tested without waiting.
//
// Ownership: Syncer borrows the Outbox and the Transport, which must outlive it.
// Thread safety: none; one Syncer per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "scanner/outbox.h"

namespace cradle::scan {

struct HttpAnswer {
  int status = 0;
  std::string body;
  std::string retry_after;  // the Retry-After header, if any
};

class Transport {
 public:
  virtual ~Transport() = default;
  // One request; a network or TLS failure is code NETWORK (retried), a local certificate, key
  // or CA file that does not load is TLS_CONFIG (not retried). An HTTP error is an answer.
  virtual Result<HttpAnswer> Send(const std::string& method, const std::string& target,
                                  const std::string& body) = 0;
};

struct RetryPolicy {
  int max_attempts = 8;  // sends per request, the first included
  std::chrono::milliseconds base{250};
  std::chrono::milliseconds cap{30'000};
  std::chrono::milliseconds max_retry_after{300'000};  // a longer Retry-After is capped
  HoldPolicy hold;  // refused as OUT_OF_ORDER: retried by later syncs, then parked
};

// Full-jitter exponential backoff. `random` returns uniformly distributed 64-bit values.
class Backoff {
 public:
  Backoff(RetryPolicy policy, std::function<uint64_t()> random)
      : policy_(policy), random_(std::move(random)) {}
  // The wait before retry number `retry` (0 for the first retry); a Retry-After of delta
  // seconds, when present, wins.
  std::chrono::milliseconds Delay(int retry, const std::string& retry_after) const;
  const RetryPolicy& policy() const { return policy_; }

 private:
  RetryPolicy policy_;
  std::function<uint64_t()> random_;
};

struct SyncReport {
  int64_t sent = 0;  // scans answered by the server in this run
  int64_t accepted = 0;
  int64_t duplicates = 0;  // stored before (a re-sent batch): done
  int64_t parked = 0;
  std::map<std::string, int64_t> parked_codes;
  int64_t held = 0;  // refused for now (OUT_OF_ORDER), to be retried by a later sync
  int retries = 0;
};

// The list request for one open status, page after `cursor` (exposed for tests).
std::string TripsTarget(const std::string& org, std::string_view status, const std::string& cursor);

// Request bodies and answers, exposed for tests.
std::string ScansRequestBody(const std::vector<QueuedScan>& batch);
// Outcomes in batch order; PROTOCOL when an event is missing or a status unknown.
Result<std::vector<ScanOutcome>> ParseScansAnswer(const std::string& body,
                                                  const std::vector<QueuedScan>& batch);

struct SyncDeps {
  std::function<void(std::chrono::milliseconds)> sleep;
  std::function<uint64_t()> random;
  const Clock* clock = nullptr;  // for last_sync_at / jwks_fetched_at; SystemClock when null
  std::function<void(int64_t done, int64_t total)> progress;  // after each batch; optional
};

class Syncer {
 public:
  static constexpr size_t kMaxBatch = 500;

  Syncer(Outbox& outbox, Transport& transport, RetryPolicy policy, SyncDeps deps,
         size_t batch_size = kMaxBatch);

  // Sends every queued scan and every held scan whose retry time has come, each at most once
  // per call; records last_sync_at when done.
  Result<SyncReport> Upload();
  // GET /.well-known/jwks.json, checked with core's strict reader, stored with its time.
  Status RefreshKeys();
  // GET /api/v1/revocations?after=<cursor>, page by page, each page stored with its cursor.
  Result<int64_t> RefreshRevocations();
  // The device's organisation (GET /api/v1/me), then its open trips as carrier or receiver
  // (GET /api/v1/transfers?party=&status= for each open status, paged, then each transfer
  // with its containers), stored whole (Outbox::ReplaceTrips) only when every request
  // succeeded: a failed refresh keeps the previous list. Returns the trips stored.
  Result<std::vector<Trip>> RefreshTrips();

  // One request with the retry policy: the final answer (2xx/3xx/4xx other than 429) or
  // NETWORK after max_attempts.
  Result<HttpAnswer> SendWithRetry(const std::string& method, const std::string& target,
                                   const std::string& body);

 private:
  Status CheckAnswer(const HttpAnswer& answer, const std::string& what) const;
  Status SendBatch(const std::vector<QueuedScan>& batch, SyncReport& report);
  int64_t NowMicros() const;

  Outbox& outbox_;
  Transport& transport_;
  Backoff backoff_;
  SyncDeps deps_;
  size_t batch_size_;
  int retries_ = 0;
};

}  // namespace cradle::scan
