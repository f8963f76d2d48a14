// Seams for time and randomness, injected wherever behaviour depends on them, so tests can
// pin "now" and ids without waiting or guessing.
//
// Thread safety: implementations must be safe to call from any thread.
#pragma once

#include <atomic>
#include <chrono>
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

}  // namespace cradle
