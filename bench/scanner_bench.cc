// scanner_bench: what the handheld client does per second. Not a test.
//
//   scanner_bench [--tokens N] [--scans N]     (defaults 20000 and 100000)
//
// Printed as name=value lines:
//   verify_*  the scanner's OfflineVerifier (signature, revocation list and seen-before lookups
//             in its SQLite outbox) over N distinct genuine tokens, one thread
//   issue_*   preparing the sync: N manifests issued on a fresh local cradle-server
//   sync_*    `cradle-scan sync` of N queued pickups (queued with Outbox::EnqueueMany) against
//             that server over mTLS on loopback, wall clock of the real binary
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "core/civil_time.h"
#include "core/clock.h"
#include "core/uscc.h"
#include "core/uuid.h"
#include "core/wm1.h"
#include "scanner/offline_verifier.h"
#include "scanner/outbox.h"
#include "tests/blackbox/server_process.h"

namespace cradle::bench {
namespace {

namespace json = boost::json;
using Steady = std::chrono::steady_clock;

double Since(Steady::time_point t0) {
  return std::chrono::duration<double>(Steady::now() - t0).count();
}

std::string Uscc(const std::string& first17) { return first17 + UsccCheckChar(first17); }

// N distinct genuine tokens signed by `key` (999 serials a day, then the next day).
std::vector<std::string> MakeTokens(const SigningKey& key, int n) {
  std::vector<std::string> tokens;
  tokens.reserve(n);
  const std::string producer = Uscc("91331000BNP000001");
  for (int i = 0; i < n; ++i) {
    TokenFields f{
        "K1", DigitalId{producer, "77200218", AddDays(CivilDate{2026, 1, 1}, i / 999), 1 + i % 999},
        1'250'000, "TB"};
    tokens.push_back(BuildToken(f, key));
  }
  return tokens;
}

bool VerifyPhase(int n) {
  auto key = SigningKey::Generate();
  if (!key.ok()) return false;
  KeySet keys;
  if (!keys.AddRaw("K1", key->PublicKey()).ok()) return false;
  const std::vector<std::string> tokens = MakeTokens(*key, n);
  const std::string dir = testing::MakeTempDir("cradle-scanner-bench");
  auto outbox = scan::Outbox::Open(dir + "/scanner.db");
  if (!outbox.ok()) return false;
  // A realistic revocation list to look through.
  std::vector<scan::Revocation> voided;
  for (int i = 0; i < 2000; ++i) {
    voided.push_back({"91331000BNP00000X77200218" + std::to_string(20250000 + i) + "001", ""});
  }
  if (!(*outbox)->AddRevocations(voided, "2000").ok()) return false;
  // The signature check alone (core), for comparison with the scanner's whole verdict.
  int genuine = 0;
  auto t_core = Steady::now();
  for (const std::string& t : tokens) genuine += Verify(t, keys).valid();
  const double core_s = Since(t_core);
  std::printf("verify_core_tokens_per_s=%.0f\n", genuine / core_s);

  scan::OfflineVerifier verifier(keys, **outbox);
  int accepted = 0;
  const auto t0 = Steady::now();
  for (const std::string& t : tokens)
    accepted += verifier.Check(t, scan::ScanKind::kPickup).accepted();
  const double s = Since(t0);
  std::printf("verify_tokens=%d\nverify_accepted=%d\nverify_s=%.3f\nverify_tokens_per_s=%.0f\n", n,
              accepted, s, n / s);
  testing::RunCommand("rm -rf " + dir);
  return accepted == n;
}

std::optional<json::value> Call(net::HttpsClient& c, const std::string& method,
                                const std::string& target, const std::string& token,
                                const json::value& body) {
  auto r = c.Send(method, target, testing::Bearer(token), json::serialize(body));
  if (!r.ok() || r->status >= 300) {
    std::cerr << method << " " << target << " failed: "
              << (r.ok() ? std::to_string(r->status) + " " + r->body : r.status().ToString())
              << "\n";
    return std::nullopt;
  }
  return json::parse(r->body);
}

struct Issued {
  std::string id, token;
};

// A producer, a collector with device bench-c1 (certificate in <data>/device-certs), and `n`
// issued manifests.
std::optional<std::vector<Issued>> Prepare(testing::ServerProcess& server, int n) {
  auto c = server.Client();
  const std::string admin = server.admin_token();
  const std::string producer = Uscc("91331000BNP000001");
  const std::string collector = Uscc("91331000BNC000001");
  for (const auto& [uscc, role] :
       {std::pair{producer, "producer"}, std::pair{collector, "collector"}}) {
    if (!Call(c, "POST", "/api/v1/orgs", admin,
              json::object{{"uscc", uscc}, {"name", "bench"}, {"roles", {role}}})) {
      return std::nullopt;
    }
  }
  auto tok = Call(c, "POST", "/api/v1/orgs/" + producer + "/tokens", admin,
                  json::object{{"role", "producer"}, {"label", "bench"}});
  if (!tok) return std::nullopt;
  const std::string producer_token(tok->at("token").as_string());
  if (!Call(c, "POST", "/api/v1/devices", admin,
            json::object{{"device_id", "bench-c1"}, {"org", collector}})) {
    return std::nullopt;
  }
  std::string out;
  if (testing::RunCommand(testing::Binary("server/cradle-server") + " device-cert --data " +
                              server.data_dir() + " bench-c1 " + server.data_dir() +
                              "/device-certs",
                          &out) != 0) {
    std::cerr << out;
    return std::nullopt;
  }
  std::vector<Issued> issued;
  const auto t0 = Steady::now();
  for (int day = 0; static_cast<int>(issued.size()) < n; ++day) {
    const int count = std::min(999, n - static_cast<int>(issued.size()));
    auto r =
        Call(c, "POST", "/api/v1/manifests", producer_token,
             json::object{{"producer", producer},
                          {"waste_code", "772-002-18"},
                          {"mass_g", 1'250'000},
                          {"packaging", "TB"},
                          {"count", count},
                          {"produced_on", FormatIsoDate(AddDays(CivilDate{2026, 1, 1}, day))}});
    if (!r) return std::nullopt;
    for (const auto& m : r->at("manifests").as_array()) {
      issued.push_back(
          {std::string(m.at("id").as_string()), std::string(m.at("token").as_string())});
    }
  }
  std::printf("issue_manifests=%d\nissue_s=%.2f\n", n, Since(t0));
  return issued;
}

bool SyncPhase(int n) {
  testing::ServerProcess server;
  if (Status s = server.Start(); !s.ok()) {
    std::cerr << "scanner_bench: " << s.ToString() << "\n";
    return false;
  }
  auto issued = Prepare(server, n);
  if (!issued) return false;
  const std::string home = testing::MakeTempDir("cradle-scanner-bench-home");
  const std::string certs = server.data_dir() + "/device-certs/bench-c1";
  const std::string scan = testing::Binary("scanner/cradle-scan");
  std::string out;
  if (testing::RunCommand(scan + " enroll --home " + home + " --server https://127.0.0.1:" +
                              std::to_string(server.port()) + " --ca " + server.ca_file() +
                              " --cert " + certs + ".crt --key " + certs + ".key",
                          &out) != 0) {
    std::cerr << out;
    return false;
  }
  {
    auto outbox = scan::Outbox::Open(home + "/scanner.db");
    if (!outbox.ok()) return false;
    std::vector<scan::ScanRecord> scans;
    scans.reserve(issued->size());
    const std::string at =
        FormatRfc3339(SystemClock().NowMicros() / kMicrosPerSecond * kMicrosPerSecond);
    for (const Issued& m : *issued) {
      scans.push_back(scan::ScanRecord{NewUuidV4(), scan::ScanKind::kPickup, m.token, m.id,
                                       1'251'500, at, "", "ZJ-J12345", "", ""});
    }
    const auto t0 = Steady::now();
    if (Status s = (*outbox)->EnqueueMany(scans); !s.ok()) {
      std::cerr << s.ToString() << "\n";
      return false;
    }
    std::printf("queue_scans=%d\nqueue_s=%.2f\n", n, Since(t0));
  }
  const auto t0 = Steady::now();
  const int rc = testing::RunCommand(scan + " sync --home " + home, &out);
  const double s = Since(t0);
  const std::string want = std::to_string(n) + " sent, " + std::to_string(n) + " accepted";
  const bool ok = rc == 0 && out.find(want) != std::string::npos;
  if (!ok)
    std::cerr << "sync exit " << rc << ": "
              << out.substr(out.size() > 2000 ? out.size() - 2000 : 0);
  std::printf("sync_scans=%d\nsync_ok=%d\nsync_s=%.2f\nsync_scans_per_s=%.0f\n", n, ok ? 1 : 0, s,
              n / s);
  server.Stop();
  testing::RunCommand("rm -rf " + home);
  return ok;
}

}  // namespace
}  // namespace cradle::bench

int main(int argc, char** argv) {
  int tokens = 20'000, scans = 100'000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--tokens") == 0) tokens = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--scans") == 0) scans = std::atoi(argv[i + 1]);
  }
  bool ok = cradle::bench::VerifyPhase(tokens);
  if (scans > 0) ok = cradle::bench::SyncPhase(scans) && ok;
  return ok ? 0 : 1;
}
