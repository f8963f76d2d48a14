// Seams for time and randomness, injected wherever behaviour depends on them, so tests can
// pin "now" and ids without waiting or guessing.
//
// Thread safety: implementations must be safe to call from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <climits>
#include <cstdint>

namespace cradle {

// Wall-clock source. SystemClock is the production one; FakeClock is for tests.
class Clock {
 public:
  virtual ~Clock() = default;
  // Microseconds since the Unix epoch (UTC).
  virtual int64_t NowMicros() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t NowMicros() const override {
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
  }
};

// A clock that only moves when told to.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t now_micros) : now_(now_micros) {}
  int64_t NowMicros() const override { return now_.load(); }
  void Set(int64_t now_micros) { now_.store(now_micros); }
  void Advance(int64_t micros) { now_.fetch_add(micros); }

 private:
  std::atomic<int64_t> now_;
};

// Real time (or a given clock), except while pinned to a moment. The demo seed writes its
// history through the production use cases with this as both the Context's and the Database's
// clock, pinned to each simulated moment in turn, and releases it before the server serves.
class PinnableClock final : public Clock {
 public:
  PinnableClock() : base_(&system_) {}
  // Reads `base` (borrowed: it must outlive this clock) while unpinned.
  explicit PinnableClock(const Clock& base) : base_(&base) {}
  int64_t NowMicros() const override {
    const int64_t pinned = pinned_.load();
    return pinned != kUnpinned ? pinned : base_->NowMicros();
  }
  void Pin(int64_t now_micros) { pinned_.store(now_micros); }
  void Release() { pinned_.store(kUnpinned); }
  bool pinned() const { return pinned_.load() != kUnpinned; }

 private:
  static constexpr int64_t kUnpinned = INT64_MIN;
  SystemClock system_;
  const Clock* base_;
  std::atomic<int64_t> pinned_{kUnpinned};
};

}  // namespace cradle
