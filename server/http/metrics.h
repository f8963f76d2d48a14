// A small metrics registry: counters, gauges and histograms with labels, rendered in the
// Prometheus text exposition format 0.0.4 (# HELP, # TYPE, escaped label values).
//
// Usage: look a metric up once and keep the reference (stable for the registry's lifetime):
//   static auto& issued = http::DefaultMetrics().GetCounter(
//       "cradle_manifests_issued_total", "Manifests issued.");
//   issued.Inc();
// Updating a metric is a relaxed atomic operation; lookups take a shared lock (an exclusive one
// only the first time a label set is seen).
//
// Thread safety: everything is safe from any thread. A name registered as one type and then
// asked for as another is a programming error: the second caller gets a detached metric that
// is never rendered, rather than a crash.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

namespace cradle::http {

// Label (name, value) pairs, rendered in the order given. Names must match [a-zA-Z_][a-zA-Z0-9_]*.
using Labels = std::vector<std::pair<std::string, std::string>>;

inline constexpr char kMetricsContentType[] = "text/plain; version=0.0.4; charset=utf-8";

class Counter {
 public:
  void Inc(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double v) { value_.fetch_add(v, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Cumulative buckets with upper bounds `bounds` (ascending) plus +Inf.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void Observe(double v);

  const std::vector<double>& bounds() const { return bounds_; }
  // Non-cumulative count of bucket i (i == bounds().size() is the +Inf overflow bucket).
  uint64_t bucket_count(size_t i) const { return counts_[i].load(std::memory_order_relaxed); }
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;
  std::atomic<uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

// The HTTP latency buckets: .001 .0025 .005 .01 .025 .05 .1 .25 .5 1 2.5 5 (seconds).
std::vector<double> DefaultLatencyBuckets();

class MetricsRegistry {
 public:
  MetricsRegistry() = default;
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // The metric for (name, labels), created on first use; `help` is taken from the first call.
  Counter& GetCounter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge& GetGauge(const std::string& name, const std::string& help, const Labels& labels = {});
  // `bounds` are taken from the first call for this name.
  Histogram& GetHistogram(const std::string& name, const std::string& help,
                          const std::vector<double>& bounds, const Labels& labels = {});

  // Prometheus text format 0.0.4; families sorted by name, series in creation order.
  std::string Render() const;

 private:
  enum class Type { kCounter, kGauge, kHistogram };
  struct Series {
    Labels labels;
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
  };
  struct Family {
    Type type;
    std::string help;
    std::vector<double> bounds;
    std::vector<std::unique_ptr<Series>> series;  // creation order
    std::map<std::string, Series*> index;         // by encoded labels
  };

  Series* GetSeries(const std::string& name, const std::string& help, Type type,
                    const std::vector<double>& bounds, const Labels& labels);
  Series* Detached(Type type, const std::vector<double>& bounds);

  mutable std::shared_mutex mu_;
  std::map<std::string, Family> families_;
  std::vector<std::unique_ptr<Series>> detached_;
};

// The process-wide registry that the server renders at GET /metrics by default.
MetricsRegistry& DefaultMetrics();

}  // namespace cradle::http
