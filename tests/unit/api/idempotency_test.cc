// Idempotency as response caching: the service records (actor, key, request hash) -> the ids
// it issued; the API replays the response from them. Keys are forgotten after the retention by
// the scheduler (PruneIdempotencyKeys), so the table does not grow for ever. And the service
// and store hold no HTTP: no route strings, no statuses.
#define BOOST_TEST_MODULE api_idempotency_test
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "server/service/manifests.h"
#include "server/service/scheduler.h"
#include "tests/unit/api/api_harness.h"

namespace cradle::testing {
namespace {

const std::string kA = UsccFrom("91330100MA2H0F1A3");

int64_t Rows(ApiHarness& h) {
  int64_t n = -1;
  Status s = h.ctx().db.Read([&](store::Txn& txn) -> Status {
    auto stmt = txn.Prepare("SELECT count(*) FROM idempotency");
    if (!stmt.ok()) return stmt.status();
    auto row = stmt->Step();
    if (!row.ok()) return row.status();
    n = stmt->Int(0);
    return Status();
  });
  BOOST_REQUIRE(s.ok());
  return n;
}

bool Replayed(const http::Response& r) {
  for (const auto& [k, v] : r.headers) {
    if (k == "Idempotent-Replayed" && v == "true") return true;
  }
  return false;
}

// Makes every stored key look `age` old.
void Age(ApiHarness& h, int64_t age_micros) {
  Status s = h.ctx().db.Write([&](store::Txn& txn) {
    return txn.Exec("UPDATE idempotency SET created_at = created_at - " +
                    std::to_string(age_micros));
  });
  BOOST_REQUIRE(s.ok());
}

BOOST_AUTO_TEST_CASE(the_scheduler_forgets_keys_older_than_the_retention) {
  ApiHarness h;
  const std::string a = h.AddOrgWithToken(kA, "producer");
  const std::map<std::string, std::string> key{{"idempotency-key", "k-old"}};
  auto first = h.Call("POST", "/api/v1/manifests", a, IssueBody(kA, 2), "application/json", key);
  BOOST_REQUIRE(first.status == 201);
  auto again = h.Call("POST", "/api/v1/manifests", a, IssueBody(kA, 2), "application/json", key);
  BOOST_TEST(Replayed(again));
  BOOST_TEST(again.body == first.body);
  BOOST_TEST(Rows(h) == 1);

  // Younger than the retention: pruning keeps it.
  Age(h, service::kIdempotencyRetentionMicros - 3600'000'000LL);
  auto kept = service::PruneIdempotencyKeys(h.ctx());
  BOOST_REQUIRE(kept.ok());
  BOOST_TEST(*kept == 0);
  BOOST_TEST(Rows(h) == 1);

  // Older: the scheduler's next run forgets it.
  Age(h, 2 * 3600'000'000LL);
  service::RulesScheduler scheduler(h.ctx(), std::chrono::hours(1));
  scheduler.Start();
  for (int i = 0; i < 200 && scheduler.runs() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  scheduler.Stop();
  BOOST_REQUIRE(scheduler.runs() >= 1u);
  BOOST_TEST(Rows(h) == 0);

  // The same key now issues anew.
  auto later = h.Call("POST", "/api/v1/manifests", a, IssueBody(kA, 2), "application/json", key);
  BOOST_TEST(later.status == 201);
  BOOST_TEST(!Replayed(later));
  BOOST_TEST(later.body != first.body);
}

BOOST_AUTO_TEST_CASE(a_replay_renders_the_first_requests_manifests) {
  ApiHarness h;
  const std::string a = h.AddOrgWithToken(kA, "producer");
  const std::map<std::string, std::string> key{{"idempotency-key", "k-1"}};
  auto first = h.Call("POST", "/api/v1/manifests", a, IssueBody(kA, 3), "application/json", key);
  BOOST_REQUIRE(first.status == 201);
  // Another actor's same key is its own.
  const std::string b = h.AddOrgWithToken(UsccFrom("91330100MA2H0F2B4"), "producer");
  auto other = h.Call("POST", "/api/v1/manifests", b, IssueBody(UsccFrom("91330100MA2H0F2B4"), 3),
                      "application/json", key);
  BOOST_TEST(other.status == 201);
  BOOST_TEST(!Replayed(other));
  auto again = h.Call("POST", "/api/v1/manifests", a, IssueBody(kA, 3), "application/json", key);
  BOOST_TEST(again.status == 201);
  BOOST_TEST(again.body == first.body);
  BOOST_TEST(Json(again).at("manifests").as_array().size() == 3u);
}

std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

BOOST_AUTO_TEST_CASE(service_and_store_hold_no_http) {
  for (const char* dir : {"server/service", "server/store"}) {
    for (const auto& e : std::filesystem::recursive_directory_iterator(
             std::filesystem::path(CRADLE_SOURCE_DIR) / dir)) {
      if (e.path().extension() != ".cc" && e.path().extension() != ".h") continue;
      const std::string text = ReadAll(e.path());
      BOOST_TEST(text.find("\"POST /api") == std::string::npos, e.path());
      BOOST_TEST(text.find("\"GET /api") == std::string::npos, e.path());
      BOOST_TEST(text.find("server/http/") == std::string::npos, e.path());
      BOOST_TEST(text.find("status = 201") == std::string::npos, e.path());
    }
  }
}

}  // namespace
}  // namespace cradle::testing
