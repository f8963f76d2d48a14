// Scans: POST /api/v1/scans, a batch of 1..1000 scan events (api.md "Scans").
#include <cmath>
#include <map>
#include <utility>

#include "server/api/route.h"
#include "server/service/scans.h"

namespace cradle::api {
namespace {

using service::ScanInput;

// Reads one scan object. Type errors and unknown fields go to `invalid` (the first one wins):
// they reject that scan alone, never the batch.
class ScanReader {
 public:
  explicit ScanReader(const boost::json::object& obj) : obj_(obj) {}

  ScanInput Read() {
    for (const auto& kv : obj_) {
      if (!IsKnown(kv.key())) Fail(std::string(kv.key()) + ": unknown field");
    }
    in_.event_id = Str("event_id", 64).value_or("");
    in_.token = Str("token", 1024).value_or("");
    in_.kind = Str("kind", 16).value_or("");
    in_.scanned_at = Str("scanned_at", 64).value_or("");
    in_.mass_g = Int("mass_g");
    in_.facility = Str("facility", 64);
    in_.vehicle = Str("vehicle", 64);
    in_.lat = Num("lat");
    in_.lon = Num("lon");
    in_.method = Str("method", 16);
    in_.note = Str("note", 1000);
    return std::move(in_);
  }

 private:
  static bool IsKnown(std::string_view k) {
    for (const char* n : {"event_id", "token", "kind", "mass_g", "scanned_at", "facility",
                          "vehicle", "lat", "lon", "method", "note"}) {
      if (k == n) return true;
    }
    return false;
  }
  void Fail(std::string detail) {
    if (!in_.invalid) in_.invalid = std::move(detail);
  }
  const boost::json::value* Get(const char* name) {
    auto it = obj_.find(name);
    if (it == obj_.end() || it->value().is_null()) return nullptr;
    return &it->value();
  }
  std::optional<std::string> Str(const char* name, size_t max_len) {
    const auto* v = Get(name);
    if (!v) return std::nullopt;
    if (!v->is_string()) {
      Fail(std::string(name) + ": must be a string");
      return std::nullopt;
    }
    if (v->as_string().size() > max_len) {
      Fail(std::string(name) + ": too long");
      return std::nullopt;
    }
    return std::string(v->as_string());
  }
  std::optional<int64_t> Int(const char* name) {
    const auto* v = Get(name);
    if (!v) return std::nullopt;
    if (v->is_int64()) return v->as_int64();
    if (v->is_uint64()) {
      Fail(std::string(name) + ": out of range");
      return std::nullopt;
    }
    if (v->is_double()) {
      const double d = v->as_double();
      if (std::floor(d) == d && std::fabs(d) < 9e15) return static_cast<int64_t>(d);
    }
    Fail(std::string(name) + ": must be an integer (grams)");
    return std::nullopt;
  }
  std::optional<double> Num(const char* name) {
    const auto* v = Get(name);
    if (!v) return std::nullopt;
    if (v->is_number()) return v->to_number<double>();
    Fail(std::string(name) + ": must be a number");
    return std::nullopt;
  }

  const boost::json::object& obj_;
  ScanInput in_;
};

boost::json::object RenderResult(const service::ScanResult& r) {
  boost::json::object o{{"event_id", r.event_id}, {"status", r.status}};
  if (!r.code.empty()) o["code"] = r.code;
  if (!r.detail.empty()) o["detail"] = r.detail;
  if (!r.manifest.empty()) o["manifest"] = r.manifest;
  return o;
}

void CountResults(http::MetricsRegistry& metrics, const std::vector<service::ScanResult>& rs) {
  std::map<std::pair<std::string, std::string>, uint64_t> counts;
  for (const auto& r : rs) ++counts[{r.status, r.code.empty() ? "none" : r.code}];
  for (const auto& [key, n] : counts) {
    metrics
        .GetCounter("cradle_scans_total", "Scans ingested, by result.",
                    {{"status", key.first}, {"code", key.second}})
        .Inc(n);
  }
}

Input<std::vector<ScanInput>> ReadBatch(Call& c) {
  http::Response problem;
  auto body = ParseJsonObject(c.req(), &problem);
  if (!body) return problem;
  auto it = body->find("scans");
  if (it == body->end() || !it->value().is_array()) {
    return ValidationProblem({{"scans", "REQUIRED", "an array of 1..1000 scans"}});
  }
  if (body->size() != 1) {
    return ValidationProblem({{"scans", "UNKNOWN_FIELD", "the body holds only `scans`"}});
  }
  const auto& arr = it->value().as_array();
  if (arr.empty() || arr.size() > service::kMaxScansPerBatch) {
    return ValidationProblem({{"scans", "INVALID_COUNT", "1..1000 scans per request"}});
  }
  std::vector<ScanInput> scans;
  scans.reserve(arr.size());
  for (const auto& v : arr) {
    if (!v.is_object()) {
      ScanInput bad;
      bad.invalid = "scan: must be an object";
      scans.push_back(std::move(bad));
      continue;
    }
    scans.push_back(ScanReader(v.as_object()).Read());
  }
  return scans;
}

http::Response RenderResults(Call& c, const std::vector<service::ScanResult>& results) {
  CountResults(c.deps().metrics, results);
  boost::json::array out;
  out.reserve(results.size());
  for (const auto& r : results) out.push_back(RenderResult(r));
  return JsonResponse(200, boost::json::object{{"results", std::move(out)}});
}

}  // namespace

void ScanRoutes(http::Router& r, Deps& d) {
  Route(
      r, d, "POST", "/api/v1/scans", Who::SignedIn(), ReadBatch,
      [](Call& c, std::vector<ScanInput> scans) {
        return service::IngestScans(c.ctx(), c.p(), scans);
      },
      RenderResults);
}

}  // namespace cradle::api
