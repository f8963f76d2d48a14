#define BOOST_TEST_MODULE http_units_test
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <thread>

#include "core/clock.h"
#include "server/http/access_log.h"
#include "server/http/metrics.h"
#include "server/http/problem.h"
#include "server/http/query.h"
#include "server/http/rate_limiter.h"

namespace cradle::http {
namespace {

// ---- problem+json ----

BOOST_AUTO_TEST_CASE(problem_shape) {
  Response r = Problem(422, "INVALID_FIELD", "Invalid field", "mass_g must be positive",
                       {{"mass_g", "OUT_OF_RANGE", "must be > 0"}});
  BOOST_TEST(r.status == 422);
  BOOST_TEST(r.content_type == "application/problem+json");
  auto o = boost::json::parse(r.body).as_object();
  BOOST_TEST(o.at("type").as_string() == "https://cradle.invalid/problems/invalid_field");
  BOOST_TEST(o.at("title").as_string() == "Invalid field");
  BOOST_TEST(o.at("status").as_int64() == 422);
  BOOST_TEST(o.at("detail").as_string() == "mass_g must be positive");
  BOOST_TEST(o.at("code").as_string() == "INVALID_FIELD");
  auto errors = o.at("errors").as_array();
  BOOST_REQUIRE(errors.size() == 1u);
  BOOST_TEST(errors[0].at("field").as_string() == "mass_g");
  BOOST_TEST(errors[0].at("code").as_string() == "OUT_OF_RANGE");
  BOOST_TEST(errors[0].at("detail").as_string() == "must be > 0");
}

BOOST_AUTO_TEST_CASE(problem_without_errors_and_escaping) {
  Response r = Problem(404, "NOT_FOUND", "no \"such\" thing\n");
  auto o = boost::json::parse(r.body).as_object();
  BOOST_TEST(!o.contains("errors"));
  BOOST_TEST(o.at("title").as_string() == "Not Found");
  BOOST_TEST(o.at("detail").as_string() == "no \"such\" thing\n");
  BOOST_TEST(o.size() == 5u);
  Response blank = Problem(500, "", "t", "d");
  BOOST_TEST(boost::json::parse(blank.body).at("type").as_string() == "about:blank");
}

// ---- query parsing ----

BOOST_AUTO_TEST_CASE(percent_decode) {
  BOOST_TEST(*PercentDecode("a%20b+c", false) == "a b+c");
  BOOST_TEST(*PercentDecode("a%20b+c", true) == "a b c");
  BOOST_TEST(*PercentDecode("%E6%B5%99J", false) == "\xE6\xB5\x99J");  // 浙J
  BOOST_TEST(!PercentDecode("%4", false).has_value());
  BOOST_TEST(!PercentDecode("abc%", false).has_value());
  BOOST_TEST(!PercentDecode("%zz", false).has_value());
  BOOST_TEST(!PercentDecode("a%00b", false).has_value());
}

BOOST_AUTO_TEST_CASE(parse_query) {
  auto q = ParseQuery("producer=9133&status=issued&status=voided&month=2026-11&x=a+b%26c&flag&&");
  BOOST_REQUIRE(q.has_value());
  BOOST_TEST(q->size() == 6u);
  BOOST_TEST(q->find("producer")->second == "9133");
  BOOST_TEST(q->count("status") == 2u);
  BOOST_TEST(q->find("x")->second == "a b&c");
  BOOST_TEST(q->find("flag")->second == "");
  BOOST_TEST(!ParseQuery("a=%G1").has_value());
  BOOST_TEST(ParseQuery("")->empty());
}

BOOST_AUTO_TEST_CASE(split_target) {
  std::string_view path, query;
  SplitTarget("/a/b?c=1#frag", &path, &query);
  BOOST_TEST(path == "/a/b");
  BOOST_TEST(query == "c=1");
  SplitTarget("/only", &path, &query);
  BOOST_TEST(path == "/only");
  BOOST_TEST(query.empty());
}

// ---- rate limiter ----

BOOST_AUTO_TEST_CASE(token_bucket_burst_then_refill) {
  FakeClock clock(1'000'000'000);
  RateLimiter limiter({.rate_per_second = 2, .burst = 3, .max_keys = 1000}, &clock);
  for (int i = 0; i < 3; ++i) BOOST_TEST(limiter.TryAcquire("10.0.0.1"));
  auto denied = limiter.Acquire("10.0.0.1");
  BOOST_TEST(!denied.allowed);
  BOOST_TEST(denied.retry_after_seconds == 0.5, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(limiter.TryAcquire("10.0.0.2"));  // other keys are independent
  clock.Advance(250'000);
  BOOST_TEST(!limiter.TryAcquire("10.0.0.1"));
  clock.Advance(250'000);
  BOOST_TEST(limiter.TryAcquire("10.0.0.1"));
  BOOST_TEST(!limiter.TryAcquire("10.0.0.1"));
  clock.Advance(100'000'000);  // a long idle refills to burst, not beyond
  for (int i = 0; i < 3; ++i) BOOST_TEST(limiter.TryAcquire("10.0.0.1"));
  BOOST_TEST(!limiter.TryAcquire("10.0.0.1"));
}

// Peek answers what Acquire would, without taking a token (the sign-in throttle checks first
// and counts only failures).
BOOST_AUTO_TEST_CASE(peek_takes_nothing) {
  FakeClock clock(1'000'000'000);
  RateLimiter limiter({.rate_per_second = 2, .burst = 2, .max_keys = 1000}, &clock);
  BOOST_TEST(limiter.Peek("k").allowed);  // a new key starts full
  for (int i = 0; i < 10; ++i) BOOST_TEST(limiter.Peek("k").allowed);
  BOOST_TEST(limiter.TryAcquire("k"));
  BOOST_TEST(limiter.TryAcquire("k"));
  auto peek = limiter.Peek("k");
  BOOST_TEST(!peek.allowed);
  BOOST_TEST(peek.retry_after_seconds == 0.5, boost::test_tools::tolerance(1e-9));
  clock.Advance(500'000);
  BOOST_TEST(limiter.Peek("k").allowed);
  BOOST_TEST(limiter.Peek("k").allowed);  // still there: peeking took nothing
  BOOST_TEST(limiter.TryAcquire("k"));
  BOOST_TEST(!limiter.Peek("k").allowed);
}

BOOST_AUTO_TEST_CASE(memory_is_bounded) {
  FakeClock clock(0);
  RateLimiter limiter({.rate_per_second = 1, .burst = 2, .max_keys = 160}, &clock);
  for (int i = 0; i < 5000; ++i) limiter.TryAcquire("ip" + std::to_string(i));
  BOOST_TEST(limiter.size() <= 160u);
  BOOST_TEST(limiter.size() > 0u);
  // A key that is being throttled right now survives eviction of idle (refilled) keys.
  for (int i = 0; i < 2; ++i) limiter.TryAcquire("hot");
  clock.Advance(10'000'000);
  for (int i = 0; i < 2; ++i) limiter.TryAcquire("hot");  // refilled 2, spent 2: empty now
  for (int i = 0; i < 5000; ++i) limiter.TryAcquire("new" + std::to_string(i));
  BOOST_TEST(limiter.size() <= 160u);
}

BOOST_AUTO_TEST_CASE(limiter_is_thread_safe) {
  RateLimiter limiter({.rate_per_second = 0.001, .burst = 1000, .max_keys = 1000});
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) allowed += limiter.TryAcquire("shared") ? 1 : 0;
    });
  }
  for (auto& t : threads) t.join();
  BOOST_TEST(allowed.load() == 1000);  // exactly the burst, never more
}

// ---- metrics ----

BOOST_AUTO_TEST_CASE(counter_and_gauge_text) {
  MetricsRegistry reg;
  reg.GetCounter("cradle_labels_rendered_total", "Labels rendered.", {{"format", "svg"}}).Inc();
  reg.GetCounter("cradle_labels_rendered_total", "ignored", {{"format", "svg"}}).Inc(2);
  reg.GetCounter("cradle_labels_rendered_total", "", {{"format", "p\"d\\f\n"}}).Inc();
  reg.GetGauge("cradle_up", "Up.\nSecond \\ line").Set(1.5);
  const std::string text = reg.Render();
  const std::string expected =
      "# HELP cradle_labels_rendered_total Labels rendered.\n"
      "# TYPE cradle_labels_rendered_total counter\n"
      "cradle_labels_rendered_total{format=\"svg\"} 3\n"
      "cradle_labels_rendered_total{format=\"p\\\"d\\\\f\\n\"} 1\n"
      "# HELP cradle_up Up.\\nSecond \\\\ line\n"
      "# TYPE cradle_up gauge\n"
      "cradle_up 1.5\n";
  BOOST_TEST(text == expected);
}

BOOST_AUTO_TEST_CASE(histogram_text) {
  MetricsRegistry reg;
  auto& h = reg.GetHistogram("lat_seconds", "Latency.", DefaultLatencyBuckets(), {{"route", "/x"}});
  h.Observe(0.001);  // on a bound: counts in that bucket (le)
  h.Observe(0.003);
  h.Observe(7);
  const std::string text = reg.Render();
  BOOST_TEST(text.find("# TYPE lat_seconds histogram\n") != std::string::npos);
  BOOST_TEST(text.find("lat_seconds_bucket{route=\"/x\",le=\"0.001\"} 1\n") != std::string::npos);
  BOOST_TEST(text.find("lat_seconds_bucket{route=\"/x\",le=\"0.0025\"} 1\n") != std::string::npos);
  BOOST_TEST(text.find("lat_seconds_bucket{route=\"/x\",le=\"0.005\"} 2\n") != std::string::npos);
  BOOST_TEST(text.find("lat_seconds_bucket{route=\"/x\",le=\"5\"} 2\n") != std::string::npos);
  BOOST_TEST(text.find("lat_seconds_bucket{route=\"/x\",le=\"+Inf\"} 3\n") != std::string::npos);
  BOOST_TEST(text.find("lat_seconds_sum{route=\"/x\"} 7.004\n") != std::string::npos);
  BOOST_TEST(text.find("lat_seconds_count{route=\"/x\"} 3\n") != std::string::npos);
  // 12 bounds + Inf.
  size_t buckets = 0;
  for (size_t p = text.find("_bucket"); p != std::string::npos; p = text.find("_bucket", p + 1)) {
    ++buckets;
  }
  BOOST_TEST(buckets == 13u);
}

BOOST_AUTO_TEST_CASE(type_conflict_is_detached_not_rendered) {
  MetricsRegistry reg;
  reg.GetCounter("m", "a counter").Inc();
  reg.GetGauge("m", "a gauge").Set(42);
  const std::string text = reg.Render();
  BOOST_TEST(text.find("42") == std::string::npos);
  BOOST_TEST(text.find("m 1\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(metrics_concurrent_updates) {
  MetricsRegistry reg;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&reg, t] {
      for (int i = 0; i < 1000; ++i) {
        reg.GetCounter("c_total", "c", {{"t", std::to_string(i % 3)}}).Inc();
        reg.GetHistogram("h", "h", {1}, {}).Observe(t);
      }
    });
  }
  for (auto& t : threads) t.join();
  uint64_t total = 0;
  for (int k = 0; k < 3; ++k)
    total += reg.GetCounter("c_total", "", {{"t", std::to_string(k)}}).value();
  BOOST_TEST(total == 4000u);
  BOOST_TEST(reg.GetHistogram("h", "", {1}).count() == 4000u);
}

// ---- access log ----

BOOST_AUTO_TEST_CASE(access_line_fields) {
  std::vector<std::string> lines;
  AccessLog log([&](std::string_view l) { lines.emplace_back(l); });
  AccessRecord r;
  r.ts_micros = 1'795'830'067'123'456;  // 2026-11-28T01:41:07.123Z
  r.method = "GET";
  r.route = "/api/v1/manifests/{id}";
  r.status = 200;
  r.dur_ms = 1.23456;
  r.req_id = "abc-1";
  r.ip = "127.0.0.1";
  r.bytes = 42;
  log.Write(r);
  log.Error("handler threw: boom", "abc-2");
  BOOST_REQUIRE(lines.size() == 2u);
  auto o = boost::json::parse(lines[0]).as_object();
  BOOST_TEST(o.size() == 8u);
  BOOST_TEST(o.at("ts").as_string() == "2026-11-28T01:41:07.123Z");
  BOOST_TEST(o.at("route").as_string() == "/api/v1/manifests/{id}");
  BOOST_TEST(o.at("status").as_int64() == 200);
  BOOST_TEST(o.at("dur_ms").as_double() == 1.235, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(o.at("bytes").to_number<uint64_t>() == 42u);
  auto e = boost::json::parse(lines[1]).as_object();
  BOOST_TEST(e.at("level").as_string() == "error");
  BOOST_TEST(e.at("req_id").as_string() == "abc-2");
}

BOOST_AUTO_TEST_CASE(access_log_file) {
  std::string path = std::string(CRADLE_BINARY_DIR) + "/http_units_access.log";
  std::remove(path.c_str());
  {
    auto log = AccessLog::OpenFile(path);
    BOOST_REQUIRE(log.ok());
    AccessRecord r;
    r.method = "POST";
    (*log)->Write(r);
    (*log)->Write(r);
  }
  std::FILE* f = std::fopen(path.c_str(), "r");
  BOOST_REQUIRE(f);
  char buf[4096];
  size_t n = std::fread(buf, 1, sizeof buf, f);
  std::fclose(f);
  std::string text(buf, n);
  BOOST_TEST(std::count(text.begin(), text.end(), '\n') == 2);
  BOOST_TEST(!AccessLog::OpenFile("/nonexistent-dir/x.log").ok());
}

}  // namespace
}  // namespace cradle::http
