// A token bucket per key (a client IP, or "ip:purpose" for auth throttling).
//
// Each key's bucket holds up to `burst` tokens and refills at `rate_per_second`; TryAcquire()
// takes one token or reports how long until one is available. Memory is bounded: at most
// `max_keys` buckets; when full, buckets that have refilled completely (idle keys, which are
// indistinguishable from new ones) are evicted, and failing that the least recently used.
//
// Thread safety: all methods are safe from any thread (sharded mutexes). The clock, if given,
// is borrowed and must outlive the limiter.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/clock.h"

namespace cradle::http {

struct RateLimiterOptions {
  double rate_per_second = 5;  // sustained requests per second per key
  double burst = 20;           // tokens a fresh or idle key starts with
  size_t max_keys = 100000;    // bound on tracked keys (memory)
};

class RateLimiter {
 public:
  struct Decision {
    bool allowed = false;
    double retry_after_seconds = 0;  // when !allowed: time until the next token
  };

  // `clock` null = the system clock.
  explicit RateLimiter(RateLimiterOptions options = {}, const Clock* clock = nullptr);
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Takes one token from `key`'s bucket if there is one.
  Decision Acquire(const std::string& key);
  bool TryAcquire(const std::string& key) { return Acquire(key).allowed; }
  // Whether Acquire(key) would be allowed now, taking nothing (check first, count later).
  Decision Peek(const std::string& key) const;

  // Number of buckets currently tracked (for tests and metrics).
  size_t size() const;
  const RateLimiterOptions& options() const { return options_; }

 private:
  struct Bucket {
    double tokens = 0;
    int64_t updated_micros = 0;
  };
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<std::string, Bucket> buckets;
  };
  static constexpr size_t kShards = 16;

  void Refill(Bucket* bucket, int64_t now) const;
  void EvictLocked(Shard* shard, int64_t now);

  RateLimiterOptions options_;
  const Clock* clock_;
  std::unique_ptr<SystemClock> own_clock_;
  std::vector<Shard> shards_;
};

}  // namespace cradle::http
