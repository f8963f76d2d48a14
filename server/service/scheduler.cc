#include "server/service/scheduler.h"

#include "core/civil_time.h"
#include "server/service/cases.h"
#include "server/service/manifests.h"

namespace cradle::service {

RulesScheduler::RulesScheduler(const Context& ctx, std::chrono::seconds interval,
                               std::function<void(const Status&)> on_error)
    : ctx_(ctx), interval_(interval), on_error_(std::move(on_error)) {}

RulesScheduler::~RulesScheduler() { Stop(); }

void RulesScheduler::Start() {
  if (thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = false;
  }
  thread_ = std::thread([this] { Loop(); });
}

void RulesScheduler::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RulesScheduler::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    lock.unlock();
    const CivilDate today = LocalCivilDate(ctx_.clock.NowMicros(), ctx_.settings.tz_offset_minutes);
    auto run = RunRules(ctx_, today);
    if (!run.ok() && on_error_) on_error_(run.status());
    // Idempotency keys are a retry window, not records: forget them after the retention.
    auto pruned = PruneIdempotencyKeys(ctx_);
    if (!pruned.ok() && on_error_) on_error_(pruned.status());
    runs_.fetch_add(1);
    lock.lock();
    cv_.wait_for(lock, interval_, [this] { return stop_; });
  }
}

}  // namespace cradle::service
