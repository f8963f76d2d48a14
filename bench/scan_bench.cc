// scan_bench: load generator for POST /api/v1/scans over keep-alive HTTPS. Not a test.
//
//   scan_bench [--port N --data DIR] [--handler-threads N]
//   (default: starts its own cradle-server in a temp dir, with its default handler threads)
//
// Phases, each printed as name=value lines:
//   batch100_*  16 connections sending batches of 100 pickup scans
//   single_*    64 connections sending one scan per request
//   livez_*     64 connections of GET /livez (the bare HTTPS request rate)
//   sqlite_*    single-row BEGIN/INSERT/COMMIT with synchronous=FULL on a temp file
// Each client thread owns one net::HttpsClient (one keep-alive connection).
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/civil_time.h"
#include "core/clock.h"
#include "core/uscc.h"
#include "core/uuid.h"
#include "tests/blackbox/server_process.h"

namespace cradle::bench {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using testing::Bearer;

struct Target {
  uint16_t port = 0;
  std::string data_dir;
  std::string admin_token;
  net::HttpsClient Client() const {
    net::ClientOptions o;
    o.port = port;
    o.ca_file = data_dir + "/certs/ca.crt";
    return net::HttpsClient(o);
  }
};

std::string Uscc(const std::string& first17) { return first17 + UsccCheckChar(first17); }

std::optional<json::value> Call(net::HttpsClient& c, const std::string& method,
                                const std::string& target,
                                const std::map<std::string, std::string>& h,
                                const json::value& body) {
  auto r = c.Send(method, target, h, json::serialize(body));
  if (!r.ok() || r->status >= 300) {
    std::cerr << method << " " << target << " failed: "
              << (r.ok() ? std::to_string(r->status) + " " + r->body : r.status().ToString())
              << "\n";
    return std::nullopt;
  }
  return json::parse(r->body);
}

struct Fleet {
  std::string collector_token;
  std::vector<std::string> tokens;  // WM1 tokens of issued manifests
};

// Parties plus `count` issued manifests (999 a day per producer and code: many days).
std::optional<Fleet> Prepare(const Target& t, int count) {
  auto c = t.Client();
  const auto admin = Bearer(t.admin_token);
  const std::string suffix = std::to_string(SystemClock().NowMicros() % 100000);
  char buf[32];
  std::snprintf(buf, sizeof buf, "91331000BNP%06d", std::atoi(suffix.c_str()));
  const std::string producer = Uscc(buf);
  std::snprintf(buf, sizeof buf, "91331000BNC%06d", std::atoi(suffix.c_str()));
  const std::string collector = Uscc(buf);
  for (const auto& [uscc, role] :
       {std::pair{producer, "producer"}, std::pair{collector, "collector"}}) {
    if (!Call(c, "POST", "/api/v1/orgs", admin,
              json::object{{"uscc", uscc}, {"name", "bench"}, {"roles", {role}}})) {
      return std::nullopt;
    }
  }
  Fleet f;
  std::string producer_token;
  for (const auto& [uscc, role, out] : {std::tuple{producer, "producer", &producer_token},
                                        std::tuple{collector, "collector", &f.collector_token}}) {
    auto tok = Call(c, "POST", "/api/v1/orgs/" + uscc + "/tokens", admin,
                    json::object{{"role", role}, {"label", "bench"}});
    if (!tok) return std::nullopt;
    *out = std::string(tok->at("token").as_string());
  }
  const CivilDate first{2026, 1, 1};
  for (int day = 0; static_cast<int>(f.tokens.size()) < count; ++day) {
    const int n = std::min(999, count - static_cast<int>(f.tokens.size()));
    auto r = Call(c, "POST", "/api/v1/manifests", Bearer(producer_token),
                  json::object{{"producer", producer},
                               {"waste_code", "772-002-18"},
                               {"mass_g", 1000000},
                               {"packaging", "TB"},
                               {"count", n},
                               {"produced_on", FormatIsoDate(AddDays(first, day))}});
    if (!r) return std::nullopt;
    for (const auto& m : r->at("manifests").as_array()) {
      f.tokens.emplace_back(m.at("token").as_string());
    }
  }
  return f;
}

struct Latencies {
  std::mutex mu;
  std::vector<double> ms;
  void Add(double v) {
    std::lock_guard lock(mu);
    ms.push_back(v);
  }
  double Pct(double p) {
    if (ms.empty()) return 0;
    std::sort(ms.begin(), ms.end());
    return ms[std::min(ms.size() - 1, static_cast<size_t>(p * ms.size()))];
  }
};

// `conns` threads each send `requests` scan batches of `batch` pickups from their own slice.
void ScanPhase(const Target& t, const Fleet& f, const std::string& name, int conns, int requests,
               int batch, size_t offset) {
  Latencies lat;
  std::atomic<uint64_t> accepted{0}, errors{0};
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int w = 0; w < conns; ++w) {
    threads.emplace_back([&, w] {
      auto c = t.Client();
      const auto h = Bearer(f.collector_token);
      const std::string now = FormatRfc3339(SystemClock().NowMicros());
      for (int r = 0; r < requests; ++r) {
        json::array scans;
        for (int i = 0; i < batch; ++i) {
          const size_t idx = offset + (static_cast<size_t>(w) * requests + r) * batch + i;
          scans.push_back(json::object{{"event_id", NewUuidV4()},
                                       {"token", f.tokens[idx]},
                                       {"kind", "pickup"},
                                       {"mass_g", 1000000},
                                       {"scanned_at", now}});
        }
        const std::string body = json::serialize(json::object{{"scans", scans}});
        const auto t0 = Clock::now();
        auto resp = c.Post("/api/v1/scans", body, h);
        lat.Add(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        if (!resp.ok() || resp->status != 200) {
          ++errors;
          continue;
        }
        auto v = json::parse(resp->body);
        for (const auto& x : v.at("results").as_array()) {
          if (x.at("status").as_string() == "accepted") ++accepted;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  const double secs = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("%s_connections=%d\n%s_batch=%d\n%s_accepted=%llu\n%s_errors=%llu\n", name.c_str(),
              conns, name.c_str(), batch, name.c_str(),
              static_cast<unsigned long long>(accepted.load()), name.c_str(),
              static_cast<unsigned long long>(errors.load()));
  std::printf("%s_scans_per_s=%.0f\n%s_requests_per_s=%.1f\n%s_p50_ms=%.2f\n%s_p99_ms=%.2f\n",
              name.c_str(), accepted / secs, name.c_str(), conns * requests / secs, name.c_str(),
              lat.Pct(0.5), name.c_str(), lat.Pct(0.99));
  std::fflush(stdout);
}

void LivezPhase(const Target& t, int conns, double seconds) {
  Latencies lat;
  std::atomic<uint64_t> ok{0};
  const auto end = Clock::now() + std::chrono::duration<double>(seconds);
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int w = 0; w < conns; ++w) {
    threads.emplace_back([&] {
      auto c = t.Client();
      while (Clock::now() < end) {
        const auto t0 = Clock::now();
        auto r = c.Get("/livez");
        lat.Add(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        if (r.ok() && r->status == 200) ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  const double secs = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf(
      "livez_connections=%d\nlivez_requests_per_s=%.0f\nlivez_p50_ms=%.2f\nlivez_p99_ms=%.2f\n",
      conns, ok / secs, lat.Pct(0.5), lat.Pct(0.99));
  std::fflush(stdout);
}

void SqlitePhase(double seconds) {
  const std::string dir = testing::MakeTempDir("cradle-sqlite-bench");
  const std::string path = dir + "/bench.db";
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) return;
  sqlite3_exec(db,
               "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
               "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* ins = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO t (v) VALUES ('a scan-sized row of some sixty bytes .....')",
                     -1, &ins, nullptr);
  uint64_t n = 0;
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration<double>(seconds);
  while (Clock::now() < end) {
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    sqlite3_step(ins);
    sqlite3_reset(ins);
    if (sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK) ++n;
  }
  const double secs = std::chrono::duration<double>(Clock::now() - start).count();
  sqlite3_finalize(ins);
  sqlite3_close(db);
  std::printf("sqlite_durable_commits_per_s=%.0f\n", n / secs);
  testing::RunCommand("rm -rf " + dir);
}

}  // namespace
}  // namespace cradle::bench

int main(int argc, char** argv) {
  using namespace cradle;
  bench::Target t;
  std::unique_ptr<testing::ServerProcess> server;
  std::vector<std::string> server_args;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--port") == 0) t.port = static_cast<uint16_t>(std::atoi(argv[i + 1]));
    if (std::strcmp(argv[i], "--data") == 0) t.data_dir = argv[i + 1];
    if (std::strcmp(argv[i], "--handler-threads") == 0) {
      server_args = {"--handler-threads", argv[i + 1]};
      std::printf("handler_threads=%s\n", argv[i + 1]);
    }
  }
  if (t.port == 0) {
    server = std::make_unique<testing::ServerProcess>();
    Status s = server->Start(server_args);
    if (!s.ok()) {
      std::cerr << "scan_bench: " << s.ToString() << "\n";
      return 1;
    }
    t.port = server->port();
    t.data_dir = server->data_dir();
    t.admin_token = server->admin_token();
  } else {
    t.admin_token = testing::ReadFile(t.data_dir + "/admin.token");
    while (!t.admin_token.empty() && t.admin_token.back() == '\n') t.admin_token.pop_back();
  }
  constexpr int kBatchConns = 16, kBatchRequests = 8, kBatch = 100;
  constexpr int kSingleConns = 64, kSingleRequests = 40;
  const int need = kBatchConns * kBatchRequests * kBatch + kSingleConns * kSingleRequests;
  auto fleet = bench::Prepare(t, need);
  if (!fleet) return 1;
  bench::ScanPhase(t, *fleet, "batch100", kBatchConns, kBatchRequests, kBatch, 0);
  bench::ScanPhase(t, *fleet, "single", kSingleConns, kSingleRequests, 1,
                   static_cast<size_t>(kBatchConns) * kBatchRequests * kBatch);
  bench::LivezPhase(t, 64, 3.0);
  bench::SqlitePhase(2.0);
  if (server) server->Stop();
  return 0;
}
