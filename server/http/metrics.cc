#include "server/http/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <mutex>

namespace cradle::http {
namespace {

std::string FormatDouble(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

// HELP text escapes '\' and newline; label values also escape '"'.
std::string Escape(const std::string& in, bool quote) {
  std::string out;
  out.reserve(in.size());
  for (char c : in) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote) {
      out += "\\\"";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// {a="x",b="y"} with an optional extra trailing label (histogram `le`); "" when empty.
std::string RenderLabels(const Labels& labels, const char* extra_name = nullptr,
                         const std::string& extra_value = {}) {
  if (labels.empty() && !extra_name) return {};
  std::string out = "{";
  bool first = true;
  for (const auto& [name, value] : labels) {
    if (!first) out += ',';
    first = false;
    out += name + "=\"" + Escape(value, true) + "\"";
  }
  if (extra_name) {
    if (!first) out += ',';
    out += std::string(extra_name) + "=\"" + Escape(extra_value, true) + "\"";
  }
  return out + "}";
}

std::string EncodeKey(const Labels& labels) {
  std::string key;
  for (const auto& [name, value] : labels) {
    key += name;
    key += '\x1f';
    key += value;
    key += '\x1e';
  }
  return key;
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds) : bounds_(std::move(bounds)) {
  std::sort(bounds_.begin(), bounds_.end());
  bounds_.erase(std::unique(bounds_.begin(), bounds_.end()), bounds_.end());
  counts_ = std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1);
}

void Histogram::Observe(double v) {
  size_t i = std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin();  // le
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

std::vector<double> DefaultLatencyBuckets() {
  return {.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5};
}

MetricsRegistry::Series* MetricsRegistry::Detached(Type type, const std::vector<double>& bounds) {
  auto series = std::make_unique<Series>();
  if (type == Type::kCounter) series->counter = std::make_unique<Counter>();
  if (type == Type::kGauge) series->gauge = std::make_unique<Gauge>();
  if (type == Type::kHistogram) series->histogram = std::make_unique<Histogram>(bounds);
  detached_.push_back(std::move(series));
  return detached_.back().get();
}

MetricsRegistry::Series* MetricsRegistry::GetSeries(const std::string& name,
                                                    const std::string& help, Type type,
                                                    const std::vector<double>& bounds,
                                                    const Labels& labels) {
  const std::string key = EncodeKey(labels);
  {
    std::shared_lock<std::shared_mutex> lock(mu_);
    auto fam = families_.find(name);
    if (fam != families_.end() && fam->second.type == type) {
      auto it = fam->second.index.find(key);
      if (it != fam->second.index.end()) return it->second;
    }
  }
  std::unique_lock<std::shared_mutex> lock(mu_);
  auto [fam_it, inserted] = families_.try_emplace(name, Family{type, help, bounds, {}, {}});
  Family& family = fam_it->second;
  if (family.type != type) return Detached(type, bounds);
  if (auto it = family.index.find(key); it != family.index.end()) return it->second;
  auto series = std::make_unique<Series>();
  series->labels = labels;
  if (type == Type::kCounter) series->counter = std::make_unique<Counter>();
  if (type == Type::kGauge) series->gauge = std::make_unique<Gauge>();
  if (type == Type::kHistogram) series->histogram = std::make_unique<Histogram>(family.bounds);
  Series* raw = series.get();
  family.series.push_back(std::move(series));
  family.index.emplace(key, raw);
  return raw;
}

Counter& MetricsRegistry::GetCounter(const std::string& name, const std::string& help,
                                     const Labels& labels) {
  return *GetSeries(name, help, Type::kCounter, {}, labels)->counter;
}

Gauge& MetricsRegistry::GetGauge(const std::string& name, const std::string& help,
                                 const Labels& labels) {
  return *GetSeries(name, help, Type::kGauge, {}, labels)->gauge;
}

Histogram& MetricsRegistry::GetHistogram(const std::string& name, const std::string& help,
                                         const std::vector<double>& bounds, const Labels& labels) {
  return *GetSeries(name, help, Type::kHistogram, bounds, labels)->histogram;
}

std::string MetricsRegistry::Render() const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  std::string out;
  for (const auto& [name, family] : families_) {
    static const char* kTypeNames[] = {"counter", "gauge", "histogram"};
    out += "# HELP " + name + " " + Escape(family.help, false) + "\n";
    out += "# TYPE " + name + " " + kTypeNames[static_cast<int>(family.type)] + "\n";
    for (const auto& series : family.series) {
      if (series->counter) {
        out += name + RenderLabels(series->labels) + " " +
               std::to_string(series->counter->value()) + "\n";
      } else if (series->gauge) {
        out +=
            name + RenderLabels(series->labels) + " " + FormatDouble(series->gauge->value()) + "\n";
      } else {
        const Histogram& h = *series->histogram;
        uint64_t cumulative = 0;
        for (size_t i = 0; i <= h.bounds().size(); ++i) {
          cumulative += h.bucket_count(i);
          std::string le = i < h.bounds().size() ? FormatDouble(h.bounds()[i]) : "+Inf";
          out += name + "_bucket" + RenderLabels(series->labels, "le", le) + " " +
                 std::to_string(cumulative) + "\n";
        }
        out += name + "_sum" + RenderLabels(series->labels) + " " + FormatDouble(h.sum()) + "\n";
        out += name + "_count" + RenderLabels(series->labels) + " " + std::to_string(cumulative) +
               "\n";
      }
    }
  }
  return out;
}

MetricsRegistry& DefaultMetrics() {
  static MetricsRegistry* registry = new MetricsRegistry();  // never destroyed: used at exit
  return *registry;
}

}  // namespace cradle::http
