#include "server/http/rate_limiter.h"

#include <algorithm>
#include <functional>

namespace cradle::http {

RateLimiter::RateLimiter(RateLimiterOptions options, const Clock* clock)
    : options_(options), clock_(clock), shards_(kShards) {
  if (!clock_) {
    own_clock_ = std::make_unique<SystemClock>();
    clock_ = own_clock_.get();
  }
  options_.burst = std::max(options_.burst, 1.0);
  options_.rate_per_second = std::max(options_.rate_per_second, 1e-9);
  options_.max_keys = std::max<size_t>(options_.max_keys, kShards);
}

void RateLimiter::Refill(Bucket* bucket, int64_t now) const {
  double elapsed_s = static_cast<double>(std::max<int64_t>(now - bucket->updated_micros, 0)) / 1e6;
  bucket->tokens = std::min(options_.burst, bucket->tokens + elapsed_s * options_.rate_per_second);
  bucket->updated_micros = now;
}

// Keeps each shard within its share of max_keys. Full buckets carry no state (a new key
// starts full), so dropping them is free; only if none is full do we drop the stalest.
void RateLimiter::EvictLocked(Shard* shard, int64_t now) {
  const size_t cap = options_.max_keys / kShards;
  if (shard->buckets.size() < cap) return;
  for (auto it = shard->buckets.begin(); it != shard->buckets.end();) {
    Refill(&it->second, now);
    it = it->second.tokens >= options_.burst ? shard->buckets.erase(it) : std::next(it);
  }
  while (shard->buckets.size() >= cap) {
    auto stalest = std::min_element(
        shard->buckets.begin(), shard->buckets.end(),
        [](const auto& a, const auto& b) { return a.second.tokens > b.second.tokens; });
    shard->buckets.erase(stalest);  // the fullest bucket is the one idle the longest
  }
}

RateLimiter::Decision RateLimiter::Acquire(const std::string& key) {
  Shard& shard = shards_[std::hash<std::string>{}(key) % kShards];
  const int64_t now = clock_->NowMicros();
  std::lock_guard<std::mutex> lock(shard.mu);
  auto it = shard.buckets.find(key);
  if (it == shard.buckets.end()) {
    EvictLocked(&shard, now);
    it = shard.buckets.emplace(key, Bucket{options_.burst, now}).first;
  } else {
    Refill(&it->second, now);
  }
  Bucket& bucket = it->second;
  if (bucket.tokens >= 1.0) {
    bucket.tokens -= 1.0;
    return Decision{true, 0};
  }
  return Decision{false, (1.0 - bucket.tokens) / options_.rate_per_second};
}

RateLimiter::Decision RateLimiter::Peek(const std::string& key) const {
  const Shard& shard = shards_[std::hash<std::string>{}(key) % kShards];
  const int64_t now = clock_->NowMicros();
  std::lock_guard<std::mutex> lock(shard.mu);
  auto it = shard.buckets.find(key);
  if (it == shard.buckets.end()) return Decision{true, 0};  // a new key starts full
  Bucket bucket = it->second;
  Refill(&bucket, now);
  if (bucket.tokens >= 1.0) return Decision{true, 0};
  return Decision{false, (1.0 - bucket.tokens) / options_.rate_per_second};
}

size_t RateLimiter::size() const {
  size_t n = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard.mu);
    n += shard.buckets.size();
  }
  return n;
}

}  // namespace cradle::http
