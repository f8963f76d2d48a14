// POST /api/v1/scans against the real cradle-server over real TLS: device certificates (mTLS)
// and bearer tokens, retries, a foreign CA, facility ownership, and durability under kill -9.
#define BOOST_TEST_MODULE blackbox_scans
#include <sqlite3.h>

#include <atomic>
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "core/civil_time.h"
#include "core/clock.h"
#include "core/uscc.h"
#include "core/uuid.h"
#include "tests/blackbox/server_process.h"

namespace cradle::testing {
namespace {

namespace json = boost::json;
using Headers = std::map<std::string, std::string>;

std::string Uscc(const std::string& first17) { return first17 + UsccCheckChar(first17); }

json::value Call(net::HttpsClient& c, const std::string& method, const std::string& target,
                 const Headers& headers, const json::value& body, int want) {
  auto r = c.Send(method, target, headers, body.is_null() ? "" : json::serialize(body));
  BOOST_REQUIRE_MESSAGE(r.ok(), method << " " << target << ": " << r.status().ToString());
  BOOST_REQUIRE_MESSAGE(r->status == want,
                        method << " " << target << " -> " << r->status << " " << r->body);
  return r->body.empty() ? json::value() : json::parse(r->body);
}

// A deployment: producer, collector (device scanner-c1), facility F (operates FAC-F, bearer
// token), facility G (operates FAC-G, device scanner-g1).
struct Parties {
  std::string producer = Uscc("91331000NCP000001");
  std::string collector = Uscc("91331000CLT000001");
  std::string fac_f = Uscc("91331000LFL000001");
  std::string fac_g = Uscc("91331000UTL000001");
  std::string producer_token, collector_token, facility_token;
  std::string certs_dir;
  std::string Cert(const std::string& device) const { return certs_dir + "/" + device + ".crt"; }
  std::string Key(const std::string& device) const { return certs_dir + "/" + device + ".key"; }
};

Parties Setup(ServerProcess& server) {
  Parties p;
  auto c = server.Client();
  const Headers admin = Bearer(server.admin_token());
  auto org = [&](const std::string& uscc, json::array roles) {
    Call(c, "POST", "/api/v1/orgs", admin,
         json::object{{"uscc", uscc}, {"name", "org " + uscc}, {"roles", roles}}, 201);
  };
  org(p.producer, {"producer"});
  org(p.collector, {"collector"});
  org(p.fac_f, {"facility"});
  org(p.fac_g, {"facility"});
  auto token = [&](const std::string& uscc, const char* role) {
    auto t = Call(c, "POST", "/api/v1/orgs/" + uscc + "/tokens", admin,
                  json::object{{"role", role}, {"label", "test"}}, 201);
    return std::string(t.at("token").as_string());
  };
  p.producer_token = token(p.producer, "producer");
  p.collector_token = token(p.collector, "collector");
  p.facility_token = token(p.fac_f, "facility");
  for (const auto& [id, uscc] : {std::pair{"FAC-F", p.fac_f}, std::pair{"FAC-G", p.fac_g}}) {
    Call(c, "POST", "/api/v1/facilities", admin,
         json::object{{"id", id},
                      {"operator", uscc},
                      {"name", id},
                      {"kind", "incinerator"},
                      {"capacity", json::object{{"t_per_year", 10000}}}},
         201);
  }
  p.certs_dir = server.data_dir() + "/device-certs";
  for (const auto& [dev, uscc] :
       {std::pair{"scanner-c1", p.collector}, std::pair{"scanner-g1", p.fac_g}}) {
    Call(c, "POST", "/api/v1/devices", admin, json::object{{"device_id", dev}, {"org", uscc}}, 201);
    std::string out;
    const int rc = RunCommand(Binary("server/cradle-server") + " device-cert --data " +
                                  server.data_dir() + " " + dev + " " + p.certs_dir,
                              &out);
    BOOST_REQUIRE_MESSAGE(rc == 0, out);
  }
  return p;
}

struct Issued {
  std::string id, token;
};

std::vector<Issued> Issue(ServerProcess& server, const Parties& p, int count) {
  auto c = server.Client();
  std::vector<Issued> out;
  while (count > 0) {
    const int n = std::min(count, 500);
    auto r = Call(c, "POST", "/api/v1/manifests", Bearer(p.producer_token),
                  json::object{{"producer", p.producer},
                               {"waste_code", "772-002-18"},
                               {"mass_g", 1000000},
                               {"packaging", "TB"},
                               {"count", n},
                               {"produced_on", "2026-11-" + std::to_string(10 + out.size() / 500)}},
                  201);
    for (const auto& m : r.at("manifests").as_array()) {
      out.push_back({std::string(m.at("id").as_string()), std::string(m.at("token").as_string())});
    }
    count -= n;
  }
  return out;
}

json::object Scan(const std::string& kind, const Issued& m, const std::string& event_id = "") {
  json::object s{{"event_id", event_id.empty() ? NewUuidV4() : event_id},
                 {"token", m.token},
                 {"kind", kind},
                 {"scanned_at", FormatRfc3339(SystemClock().NowMicros())}};
  if (kind == "pickup" || kind == "receive") s["mass_g"] = 1000000;
  if (kind != "pickup") s["facility"] = "FAC-F";
  if (kind == "dispose") s["method"] = "D10";
  return s;
}

json::array Results(const json::value& v) { return v.at("results").as_array(); }
std::string Field(const json::value& r, const char* name) {
  const auto* f = r.as_object().if_contains(name);
  return f && f->is_string() ? std::string(f->as_string()) : std::string();
}

}  // namespace

BOOST_AUTO_TEST_CASE(scans_over_mtls_and_bearer_with_retries_and_refusals) {
  ServerProcess server;
  BOOST_REQUIRE_MESSAGE(server.Start().ok(), "server start");
  Parties p = Setup(server);
  auto ms = Issue(server, p, 3);

  // Pickup with the collector's device certificate, no bearer token.
  auto device = server.Client(p.Cert("scanner-c1"), p.Key("scanner-c1"));
  json::array pickups{Scan("pickup", ms[0]), Scan("pickup", ms[1]), Scan("pickup", ms[2])};
  auto r = Call(device, "POST", "/api/v1/scans", {{"Content-Type", "application/json"}},
                json::object{{"scans", pickups}}, 200);
  for (const auto& x : Results(r)) BOOST_TEST(Field(x, "status") == "accepted");
  BOOST_TEST(Field(Results(r)[0], "manifest") == ms[0].id);

  // The same batch again (a scanner retrying after a lost answer): all duplicates.
  r = Call(device, "POST", "/api/v1/scans", {{"Content-Type", "application/json"}},
           json::object{{"scans", pickups}}, 200);
  for (const auto& x : Results(r)) BOOST_TEST(Field(x, "status") == "duplicate");

  // A second pickup of the same label under a new event id: a copied label.
  r = Call(device, "POST", "/api/v1/scans", {}, json::object{{"scans", {Scan("pickup", ms[0])}}},
           200);
  BOOST_TEST(Field(Results(r)[0], "code") == "ALREADY_COLLECTED");

  // Receive and dispose over bearer (facility F at its own facility).
  auto fac = server.Client();
  r = Call(fac, "POST", "/api/v1/scans", Bearer(p.facility_token),
           json::object{{"scans", {Scan("receive", ms[0]), Scan("receive", ms[1])}}}, 200);
  for (const auto& x : Results(r)) BOOST_TEST(Field(x, "status") == "accepted", json::serialize(x));
  r = Call(fac, "POST", "/api/v1/scans", Bearer(p.facility_token),
           json::object{{"scans", {Scan("dispose", ms[0])}}}, 200);
  BOOST_TEST(Field(Results(r)[0], "status") == "accepted");

  // Facility G's device cannot receive at FAC-F, which G does not operate.
  auto g = server.Client(p.Cert("scanner-g1"), p.Key("scanner-g1"));
  r = Call(g, "POST", "/api/v1/scans", {}, json::object{{"scans", {Scan("receive", ms[2])}}}, 200);
  BOOST_TEST(Field(Results(r)[0], "status") == "rejected");
  BOOST_TEST(Field(Results(r)[0], "code") == "FORBIDDEN_FACILITY");

  // A tampered token, a malformed body, an empty batch, a producer.
  json::object forged = Scan("pickup", ms[2]);
  std::string t = ms[2].token;
  t[t.size() - 3] = t[t.size() - 3] == 'A' ? 'B' : 'A';
  forged["token"] = t;
  r = Call(device, "POST", "/api/v1/scans", {}, json::object{{"scans", {forged}}}, 200);
  BOOST_TEST(Field(Results(r)[0], "status") == "rejected");
  BOOST_TEST(Field(Results(r)[0], "code") != "");
  auto bad = device.Post("/api/v1/scans", "{\"scans\": [", {{"Content-Type", "application/json"}});
  BOOST_REQUIRE(bad.ok());
  BOOST_TEST(bad->status == 400);
  Call(device, "POST", "/api/v1/scans", {}, json::object{{"scans", json::array()}}, 422);
  Call(fac, "POST", "/api/v1/scans", Bearer(p.producer_token),
       json::object{{"scans", {Scan("pickup", ms[2])}}}, 403);

  // The timeline holds issue, pickup, receive, dispose.
  auto m =
      Call(fac, "GET", "/api/v1/manifests/" + ms[0].id, Bearer(server.admin_token()), nullptr, 200);
  BOOST_TEST(std::string(m.at("status").as_string()) == "disposed");
  std::vector<std::string> kinds;
  for (const auto& e : m.at("timeline").as_array()) kinds.emplace_back(e.at("kind").as_string());
  BOOST_TEST(kinds == (std::vector<std::string>{"issue", "pickup", "receive", "dispose"}),
             boost::test_tools::per_element());

  // Metrics count scans by result.
  auto metrics = fac.Get("/metrics", Bearer(server.admin_token()));  // private: a token
  BOOST_REQUIRE(metrics.ok());
  BOOST_TEST(metrics->body.find("cradle_scans_total{") != std::string::npos);

  // A device certificate from another CA (same CN) is refused at the handshake.
  const std::string evil = MakeTempDir("cradle-evil-ca");
  std::string out;
  const std::string ssl = "openssl ";
  int rc = RunCommand(
      "cd " + evil + " && " + ssl +
          "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key "
          "-out ca.crt -subj /CN=evil-ca -days 2 && " +
          ssl +
          "req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout d.key -out d.csr "
          "-subj /CN=scanner-c1 && " +
          ssl + "x509 -req -in d.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out d.crt -days 2",
      &out);
  BOOST_REQUIRE_MESSAGE(rc == 0, out);
  auto foreign = server.Client(evil + "/d.crt", evil + "/d.key");
  auto refused = foreign.Post("/api/v1/scans",
                              json::serialize(json::object{{"scans", {Scan("pickup", ms[2])}}}));
  BOOST_TEST(!refused.ok(), "a foreign CA's certificate got an HTTP answer");
  RunCommand("rm -rf " + evil);
  BOOST_TEST(server.Stop() == 0);
}

// Several clients send scan batches while the server is killed (SIGKILL) and restarted; every
// scan it acknowledged must be in the database afterwards, which must be intact.
BOOST_AUTO_TEST_CASE(acknowledged_scans_survive_kill_9) {
  ServerProcess server;
  BOOST_REQUIRE_MESSAGE(server.Start().ok(), "server start");
  Parties p = Setup(server);
  constexpr int kThreads = 4, kPerThread = 250, kBatch = 5;
  auto ms = Issue(server, p, kThreads * kPerThread);

  std::mutex mu;
  std::set<std::string> acked;  // event ids answered accepted or duplicate
  std::atomic<int> done{0};
  std::atomic<int> failures{0};
  std::atomic<int> retries{0};  // requests that met a dead server
  std::atomic<bool> give_up{false};
  auto worker = [&](int w) {
    const bool mtls = w % 2 == 0;
    auto collector =
        mtls ? server.Client(p.Cert("scanner-c1"), p.Key("scanner-c1")) : server.Client();
    auto facility = server.Client();
    const Headers col_h = mtls ? Headers{} : Bearer(p.collector_token);
    const Headers fac_h = Bearer(p.facility_token);
    for (const char* kind : {"pickup", "receive"}) {
      const bool pickup = std::string(kind) == "pickup";
      for (int start = 0; start < kPerThread && !give_up; start += kBatch) {
        json::array batch;
        for (int i = start; i < start + kBatch; ++i) {
          batch.push_back(Scan(kind, ms[w * kPerThread + i]));
        }
        const std::string body = json::serialize(json::object{{"scans", batch}});
        while (!give_up) {  // the same batch until answered: event ids make retries safe
          auto& c = pickup ? collector : facility;
          auto r = c.Post("/api/v1/scans", body, pickup ? col_h : fac_h);
          if (!r.ok() || r->status == 503) {
            c.Close();
            ++retries;
            std::this_thread::sleep_for(std::chrono::milliseconds(30));
            continue;
          }
          if (r->status != 200) {
            ++failures;
            BOOST_ERROR("status " << r->status << " " << r->body);
            break;
          }
          auto results = Results(json::parse(r->body));
          std::lock_guard lock(mu);
          for (const auto& x : results) {
            const std::string st = Field(x, "status");
            if (st == "accepted" || st == "duplicate") {
              acked.insert(Field(x, "event_id"));
            } else {
              ++failures;
            }
          }
          break;
        }
      }
    }
    ++done;
  };
  std::vector<std::thread> threads;
  for (int w = 0; w < kThreads; ++w) threads.emplace_back(worker, w);

  // Kills are driven by progress, not by the wall clock: the k-th kill happens once a random
  // share of the work within the k-th band has been acknowledged, so every kill lands while
  // clients are still sending, however fast or loaded the machine is.
  std::mt19937 rng(std::random_device{}());
  const int kills = 3 + static_cast<int>(rng() % 3);
  const size_t total = static_cast<size_t>(2 * kThreads * kPerThread);
  int killed = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(50);
  for (; killed < kills && std::chrono::steady_clock::now() < deadline; ++killed) {
    const double lo = 0.85 * killed / kills, hi = 0.85 * (killed + 1) / kills;
    const size_t at = static_cast<size_t>(total * (lo + (hi - lo) * (rng() % 1000) / 1000.0));
    for (;;) {
      {
        std::lock_guard lock(mu);
        if (acked.size() >= at) break;
      }
      if (done == kThreads || std::chrono::steady_clock::now() >= deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (done == kThreads) break;
    server.Kill();
    std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 100));
    Status s = server.Start();
    BOOST_REQUIRE_MESSAGE(s.ok(), "restart: " << s.ToString());
  }
  while (done < kThreads && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (done < kThreads) give_up = true;
  for (auto& t : threads) t.join();
  BOOST_TEST_MESSAGE("killed " << killed << " times; " << retries.load()
                               << " requests retried; acknowledged " << acked.size());
  BOOST_TEST(killed >= 3, "the clients finished before the third kill");
  BOOST_TEST(retries.load() > 0, "no request ever met a killed server");
  BOOST_TEST(!give_up.load(), "clients did not finish in time");
  BOOST_TEST(failures.load() == 0);
  BOOST_TEST(acked.size() == static_cast<size_t>(2 * kThreads * kPerThread));

  auto c = server.Client();
  auto v = Call(c, "GET", "/api/v1/audit/verify", Bearer(server.admin_token()), nullptr, 200);
  BOOST_TEST(v.at("ok").as_bool());
  BOOST_TEST(server.Stop() == 0);

  // Read the file directly, read-only, after a clean stop.
  sqlite3* db = nullptr;
  BOOST_REQUIRE(sqlite3_open_v2((server.data_dir() + "/cradle.db").c_str(), &db,
                                SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  BOOST_REQUIRE(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, nullptr) == SQLITE_OK);
  BOOST_REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  BOOST_TEST(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))) == "ok");
  sqlite3_finalize(st);
  std::set<std::string> stored;
  BOOST_REQUIRE(sqlite3_prepare_v2(db, "SELECT event_id FROM manifest_events", -1, &st, nullptr) ==
                SQLITE_OK);
  while (sqlite3_step(st) == SQLITE_ROW) {
    stored.insert(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
  }
  sqlite3_finalize(st);
  sqlite3_close_v2(db);
  size_t missing = 0;
  for (const auto& id : acked) missing += stored.count(id) == 0;
  BOOST_TEST(missing == 0u, missing << " acknowledged scans were lost");
}

}  // namespace cradle::testing
