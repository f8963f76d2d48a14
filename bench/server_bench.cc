// server_bench: the issue-3 figures against the real cradle-server. Not a test.
//
//   server_bench [--quick] [--handler-threads N]
//
// Prints name=value lines:
//   ed25519_sign_per_s          bare signing rate of one thread, in this process (the reference)
//   issue_manifests_per_s       manifests issued via POST /api/v1/manifests (count=100), 4
//   connections issue_vs_sign_pct           the two above as a percentage
//   get_manifest_p50_ms/p99_ms  GET /api/v1/manifests/{id} at 64 keep-alive connections
//   get_manifest_per_s
//   server_rss_mb_after_N       the server's resident memory after issuing N manifests
#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/ed25519.h"
#include "core/uscc.h"
#include "core/wm1.h"
#include "tests/blackbox/server_process.h"

namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using cradle::testing::Bearer;
using cradle::testing::ServerProcess;

double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

double SignRate(double seconds) {
  auto key = cradle::SigningKey::Generate();
  cradle::TokenFields f{"K1", {"91331000MA2H0A1B3E", "77200218", {2026, 11, 28}, 1}, 1250500, "TB"};
  int n = 0;
  const auto start = Clock::now();
  while (Since(start) < seconds) {
    for (int i = 0; i < 100; ++i, ++n) {
      f.id.serial = n % 999 + 1;
      (void)cradle::BuildToken(f, *key);
    }
  }
  return n / Since(start);
}

long RssKb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return -1;
}

std::string Uscc(const char* body17) { return std::string(body17) + cradle::UsccCheckChar(body17); }

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  std::vector<std::string> server_args;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) quick = true;
    if (std::strcmp(argv[i], "--handler-threads") == 0 && i + 1 < argc) {
      server_args = {"--handler-threads", argv[++i]};
      std::printf("handler_threads=%s\n", argv[i]);
    }
  }
  const double phase_s = quick ? 3 : 10;
  const int rss_manifests = quick ? 20000 : 100000;

  ServerProcess server;
  if (auto s = server.Start(server_args); !s.ok()) {
    std::cerr << s.ToString() << "\n";
    return 1;
  }
  auto admin = server.Client();
  const auto admin_h = Bearer(server.admin_token());
  // Producers: one per issuing connection, each with its own serial space per day.
  const int kIssuers = 4;
  std::vector<std::string> producers, tokens;
  for (int i = 0; i < kIssuers; ++i) {
    char body[32];
    std::snprintf(body, sizeof body, "91331000BEN%06d", i + 1);
    producers.push_back(Uscc(body));
    json::object org{
        {"uscc", producers.back()}, {"name", "bench"}, {"roles", json::array{"producer"}}};
    auto r = admin.Post("/api/v1/orgs", json::serialize(org), admin_h);
    auto t = admin.Post("/api/v1/orgs/" + producers.back() + "/tokens", R"({"role":"producer"})",
                        admin_h);
    if (!r.ok() || r->status != 201 || !t.ok() || t->status != 201) {
      std::cerr << "setup failed\n";
      return 1;
    }
    tokens.push_back(std::string(json::parse(t->body).at("token").as_string()));
  }

  const double sign_rate = SignRate(phase_s / 2);
  std::printf("ed25519_sign_per_s=%.0f\n", sign_rate);

  // Issue: each connection issues count=100 for its producer, cycling days so serials never run
  // out.
  std::atomic<long> issued{0};
  std::vector<int> next_day(kIssuers, 0);  // per producer, so later phases start on fresh days
  std::vector<std::string> sample_ids;
  std::mutex mu;
  auto issue = [&](int who, double seconds, long limit) {
    auto c = server.Client();
    const auto h = Bearer(tokens[who]);
    int& day = next_day[who];
    const auto start = Clock::now();
    while (Since(start) < seconds && issued.load() < limit) {
      for (int batch = 0; batch < 9; ++batch) {
        char date[48];
        std::snprintf(date, sizeof date, "20%02d-%02d-%02d", 10 + day / 336, day / 28 % 12 + 1,
                      day % 28 + 1);
        json::object body{{"producer", producers[who]},
                          {"waste_code", "772-002-18"},
                          {"mass_g", 1250000},
                          {"packaging", "TB"},
                          {"count", 100},
                          {"produced_on", date}};
        auto r = c.Post("/api/v1/manifests", json::serialize(body), h);
        if (!r.ok() || r->status != 201) {
          std::cerr << "issue failed: " << (r.ok() ? r->body : r.status().ToString()) << "\n";
          return;
        }
        issued += 100;
        if (batch == 0) {
          auto v = json::parse(r->body);
          std::lock_guard<std::mutex> l(mu);
          for (const auto& m : v.at("manifests").as_array()) {
            sample_ids.push_back(std::string(m.at("id").as_string()));
          }
        }
      }
      ++day;
    }
  };
  {
    std::vector<std::thread> ts;
    const auto start = Clock::now();
    for (int i = 0; i < kIssuers; ++i) ts.emplace_back(issue, i, phase_s, 1L << 40);
    for (auto& t : ts) t.join();
    const double rate = issued.load() / Since(start);
    std::printf("issue_manifests_per_s=%.0f\nissue_vs_sign_pct=%.0f\n", rate,
                100.0 * rate / sign_rate);
  }

  // GET one manifest at 64 keep-alive connections.
  {
    const int kConns = 64;
    std::vector<std::vector<double>> lat(kConns);
    std::vector<std::thread> ts;
    const auto start = Clock::now();
    for (int i = 0; i < kConns; ++i) {
      ts.emplace_back([&, i] {
        auto c = server.Client();
        const auto h = Bearer(tokens[0]);
        size_t k = static_cast<size_t>(i);
        while (Since(start) < phase_s) {
          const auto t0 = Clock::now();
          auto r = c.Get("/api/v1/manifests/" + sample_ids[k++ % sample_ids.size()], h);
          if (!r.ok() || (r->status != 200 && r->status != 404)) break;
          lat[i].push_back(Since(t0) * 1000);
        }
      });
    }
    for (auto& t : ts) t.join();
    std::vector<double> all;
    for (auto& l : lat) all.insert(all.end(), l.begin(), l.end());
    std::sort(all.begin(), all.end());
    if (!all.empty()) {
      std::printf("get_manifest_per_s=%.0f\nget_manifest_p50_ms=%.2f\nget_manifest_p99_ms=%.2f\n",
                  all.size() / Since(start), all[all.size() / 2], all[all.size() * 99 / 100]);
    }
  }

  // Memory after N manifests in the database.
  {
    std::vector<std::thread> ts;
    for (int i = 0; i < kIssuers; ++i) ts.emplace_back(issue, i, 600.0, rss_manifests);
    for (auto& t : ts) t.join();
    std::printf("server_rss_mb_after_%ld=%.1f\n", issued.load(), RssKb(server.pid()) / 1024.0);
  }
  return server.Stop() == 0 ? 0 : 1;
}
