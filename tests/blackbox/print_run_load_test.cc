// Print runs cannot starve the server (issue 11, finding 3): 64 clients each ask for a
// 1000-label ZPL print run at once, on the real binary. Beyond print-runs-per-org (and
// print-runs-total) a run is refused at once with 429 PRINT_RUNS_BUSY and Retry-After; the runs
// admitted complete whole; and while they render, /livez and a scan batch still answer within a
// bound. (Without the limit the 64 runs take every handler thread for minutes.) The admitted
// runs are streamed (chunked) as they render, not buffered whole.
#define BOOST_TEST_MODULE blackbox_print_run_load_test
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <mutex>
#include <thread>

#include "core/clock.h"
#include "core/uuid.h"
#include "tests/blackbox/server_test_helpers.h"

namespace cradle::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int kRuns = 64;
constexpr int kLabels = 1000;

// `count` manifests of one producer issued on `day` (the serial cap is 999 a day).
std::vector<IssuedManifest> Issue(net::HttpsClient& c, const std::string& token, int count,
                                  const std::string& day) {
  auto r = MustSend(c, "POST", "/api/v1/manifests", Bearer(token),
                    json::serialize(json::object{{"producer", UsccA()},
                                                 {"waste_code", "900-041-49"},
                                                 {"mass_g", 25000},
                                                 {"packaging", "DR"},
                                                 {"count", count},
                                                 {"produced_on", day}}));
  BOOST_REQUIRE_MESSAGE(r.status == 201, r.body);
  std::vector<IssuedManifest> out;
  const json::value body = ParseJson(r.body);
  for (const auto& m : body.at("manifests").as_array()) {
    out.push_back({std::string(m.at("id").as_string()), std::string(m.at("token").as_string())});
  }
  return out;
}

std::string CollectorToken(net::HttpsClient& c, const std::string& admin) {
  auto org = MustSend(c, "POST", "/api/v1/orgs", Bearer(admin),
                      json::serialize(json::object{{"uscc", UsccB()},
                                                   {"name", "Collector"},
                                                   {"roles", json::array{"collector"}},
                                                   {"district", "331002"}}));
  BOOST_REQUIRE_MESSAGE(org.status == 201, org.body);
  auto tok = MustSend(c, "POST", "/api/v1/orgs/" + UsccB() + "/tokens", Bearer(admin),
                      R"({"role":"collector","label":"load test"})");
  BOOST_REQUIRE_MESSAGE(tok.status == 201, tok.body);
  return std::string(ParseJson(tok.body).at("token").as_string());
}

struct RunOutcome {
  int status = 0;
  std::string code, retry_after;
  size_t blocks = 0;  // ^XA..^XZ label blocks in a 200 body
  std::string transfer_encoding, content_length;
  bool transport_error = false;
};

BOOST_AUTO_TEST_CASE(livez_and_scans_answer_under_64_concurrent_large_print_runs) {
  TempServer s;
  BOOST_REQUIRE_MESSAGE(s.Start().ok(), "server start");
  auto c = s.Client();
  const std::string producer = AddProducer(c, s.admin_token(), UsccA());
  const std::string collector = CollectorToken(c, s.admin_token());
  std::vector<IssuedManifest> run = Issue(c, producer, kLabels / 2, "2026-11-27");
  for (auto& m : Issue(c, producer, kLabels / 2, "2026-11-28")) run.push_back(m);
  const IssuedManifest to_scan = Issue(c, producer, 1, "2026-11-26").front();
  json::array ids;
  for (const auto& m : run) ids.push_back(json::string(m.id));
  const std::string body =
      json::serialize(json::object{{"ids", std::move(ids)}, {"format", "zpl"}, {"size", 100}});

  std::vector<RunOutcome> outcomes(kRuns);
  std::atomic<int> answered{0}, rendered{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> clients;
  for (int i = 0; i < kRuns; ++i) {
    clients.emplace_back([&, i] {
      net::ClientOptions o;
      o.port = s.port();
      o.ca_file = s.ca_file();
      o.read_timeout = 240s;  // an admitted run on two busy cores
      net::HttpsClient client(o);
      while (!go.load()) std::this_thread::sleep_for(1ms);
      auto r = client.Send("POST", "/api/v1/labels", Bearer(producer), body);
      RunOutcome& out = outcomes[i];  // each thread its own slot; read after join
      if (!r.ok()) {
        out.transport_error = true;
      } else {
        out.status = r->status;
        out.retry_after = r->Header("retry-after");
        out.transfer_encoding = r->Header("transfer-encoding");
        out.content_length = r->Header("content-length");
        if (r->status == 200) {
          for (size_t at = r->body.find("^XA"); at != std::string::npos;
               at = r->body.find("^XA", at + 3)) {
            ++out.blocks;
          }
          ++rendered;
        } else {
          out.code = ProblemCode(*r);
        }
      }
      ++answered;
    });
  }
  go = true;
  // The refused runs answer at once; wait for them (polling, bounded) before probing.
  const auto start = Clock::now();
  while (answered.load() < kRuns - 8 && Clock::now() - start < 20s)
    std::this_thread::sleep_for(20ms);

  // While admitted runs are still rendering: /livez within 2 s and a scan batch within 10 s.
  net::ClientOptions probe_options;
  probe_options.port = s.port();
  probe_options.ca_file = s.ca_file();
  probe_options.read_timeout = 10s;
  net::HttpsClient probe(probe_options);
  const auto livez_at = Clock::now();
  auto livez = probe.Send("GET", "/livez", {});
  const auto livez_took = Clock::now() - livez_at;
  const int in_flight_at_livez = kRuns - answered.load();
  const auto scan_at = Clock::now();
  json::object scan{{"event_id", NewUuidV4()},
                    {"token", to_scan.token},
                    {"kind", "pickup"},
                    {"mass_g", 25000},
                    {"scanned_at", FormatRfc3339(SystemClock().NowMicros())}};
  auto scans = probe.Send("POST", "/api/v1/scans", Bearer(collector),
                          json::serialize(json::object{{"scans", json::array{scan}}}));
  const auto scan_took = Clock::now() - scan_at;
  const int in_flight_at_scan = kRuns - answered.load();

  BOOST_TEST_MESSAGE(
      "livez " << std::chrono::duration_cast<std::chrono::milliseconds>(livez_took).count()
               << " ms with " << in_flight_at_livez << " runs in flight; scan "
               << std::chrono::duration_cast<std::chrono::milliseconds>(scan_took).count()
               << " ms with " << in_flight_at_scan << "; " << rendered.load() << " runs rendered");
  // Checked before the joins, and never fatal here: the client threads must still be joined.
  BOOST_TEST(livez.ok(), (livez.ok() ? "" : livez.status().ToString()));
  BOOST_TEST((livez.ok() && livez->status == 200));
  BOOST_TEST(livez_took < 2s);
  BOOST_TEST(scans.ok(), (scans.ok() ? "" : scans.status().ToString()));
  BOOST_TEST((scans.ok() && scans->status == 200));
  BOOST_TEST(scan_took < 10s);
  BOOST_TEST((scans.ok() && scans->status == 200 &&
              ParseJson(scans->body).at("results").at(0).at("status").as_string() == "accepted"));
  // The probes ran while runs were rendering, or they prove nothing.
  BOOST_TEST(in_flight_at_livez > 0);

  for (auto& t : clients) t.join();
  int ok = 0, busy = 0;
  for (const auto& o : outcomes) {
    BOOST_TEST(!o.transport_error);
    if (o.status == 200) {
      ++ok;
      BOOST_TEST(o.blocks == static_cast<size_t>(kLabels));
      // Streamed as it renders, not buffered whole first.
      BOOST_TEST(o.transfer_encoding == "chunked");
      BOOST_TEST(o.content_length.empty());
    } else {
      ++busy;
      BOOST_TEST(o.status == 429);
      BOOST_TEST(o.code == "PRINT_RUNS_BUSY");
      BOOST_TEST(!o.retry_after.empty());
    }
  }
  BOOST_TEST(ok >= 1);
  BOOST_TEST(ok <= 2);  // print-runs-per-org's default: one organisation asked
  BOOST_TEST(busy == kRuns - ok);
  BOOST_TEST(s.Stop() == 0);
}

}  // namespace
}  // namespace cradle::testing
