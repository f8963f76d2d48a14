// Runs the time rules (RunRules as of today) on a background thread every `interval`, and
// forgets idempotency keys older than their retention (PruneIdempotencyKeys).
//
// Ownership and lifetime: borrows the Context, which must outlive the scheduler. Start() starts
// the thread; Stop() (also called by the destructor) wakes it and joins, waiting at most for a
// run in progress. A failed run is reported through `on_error` and retried next interval.
// Thread safety: Start/Stop from one owning thread; runs() from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "core/status.h"
#include "server/service/context.h"

namespace cradle::service {

class RulesScheduler {
 public:
  RulesScheduler(const Context& ctx, std::chrono::seconds interval,
                 std::function<void(const Status&)> on_error = nullptr);
  ~RulesScheduler();
  RulesScheduler(const RulesScheduler&) = delete;
  RulesScheduler& operator=(const RulesScheduler&) = delete;

  void Start();
  void Stop();
  uint64_t runs() const { return runs_.load(); }  // completed runs (ok or not)

 private:
  void Loop();

  const Context& ctx_;
  const std::chrono::seconds interval_;
  std::function<void(const Status&)> on_error_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::atomic<uint64_t> runs_{0};
  std::thread thread_;
};

}  // namespace cradle::service
