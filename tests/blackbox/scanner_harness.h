// Shared by the scanner_*_test.cc black-box tests: a deployment on a real cradle-server (parties,
// facilities, devices with certificates from the server's CA via `cradle-server device-cert`)
// and a real `cradle-scan` binary driven through its command line, stdin and home directory.
// Header-only so tests/blackbox/CMakeLists.txt need not change.
//
// Ownership: Deployment holds copies of paths and tokens; a ScannerCli owns the temporary home
// it made (removed by its destructor unless CRADLE_KEEP_TEST_DATA is set, like the server's).
// Thread safety: one test thread (HttpsClient and the helpers are single-threaded).
#pragma once

#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/civil_time.h"
#include "core/uscc.h"
#include "tests/blackbox/server_process.h"

extern char** environ;

namespace cradle::testing {

namespace sbb_json = boost::json;
using SbbHeaders = std::map<std::string, std::string>;

// The answer of one request as JSON, failing the test unless its status is `want`.
inline sbb_json::value CallJson(net::HttpsClient& c, const std::string& method,
                                const std::string& target, const SbbHeaders& headers,
                                const sbb_json::value& body, int want) {
  auto r = c.Send(method, target, headers, body.is_null() ? "" : sbb_json::serialize(body));
  BOOST_REQUIRE_MESSAGE(r.ok(), method << " " << target << ": " << r.status().ToString());
  BOOST_REQUIRE_MESSAGE(r->status == want,
                        method << " " << target << " -> " << r->status << " " << r->body);
  return r->body.empty() ? sbb_json::value() : sbb_json::parse(r->body);
}

inline std::string JsonString(const sbb_json::value& v, const char* name) {
  const auto* f = v.is_object() ? v.as_object().if_contains(name) : nullptr;
  return f && f->is_string() ? std::string(f->as_string()) : std::string();
}

struct IssuedLabel {
  std::string id, token;
};

// A deployment: a producer; collector C with devices scanner-c1 and scanner-c2; facility F
// operating FAC-F (device scanner-f1); facility G operating FAC-G (device scanner-g1).
struct Deployment {
  std::string producer = Uscc("91331000NCP000001");
  std::string collector = Uscc("91331000CLT000001");
  std::string fac_f = Uscc("91331000LFL000001");
  std::string fac_g = Uscc("91331000UTL000001");
  std::string producer_token;
  std::string certs_dir;

  static std::string Uscc(const std::string& first17) { return first17 + UsccCheckChar(first17); }
  std::string Cert(const std::string& device) const { return certs_dir + "/" + device + ".crt"; }
  std::string Key(const std::string& device) const { return certs_dir + "/" + device + ".key"; }
};

inline Deployment SetUpDeployment(ServerProcess& server) {
  Deployment d;
  auto c = server.Client();
  const SbbHeaders admin = Bearer(server.admin_token());
  auto org = [&](const std::string& uscc, sbb_json::array roles) {
    CallJson(c, "POST", "/api/v1/orgs", admin,
             sbb_json::object{{"uscc", uscc}, {"name", "org " + uscc}, {"roles", roles}}, 201);
  };
  org(d.producer, {"producer"});
  org(d.collector, {"collector"});
  org(d.fac_f, {"facility"});
  org(d.fac_g, {"facility"});
  auto t = CallJson(c, "POST", "/api/v1/orgs/" + d.producer + "/tokens", admin,
                    sbb_json::object{{"role", "producer"}, {"label", "scanner-bb"}}, 201);
  d.producer_token = JsonString(t, "token");
  for (const auto& [id, uscc] : {std::pair{"FAC-F", d.fac_f}, std::pair{"FAC-G", d.fac_g}}) {
    CallJson(c, "POST", "/api/v1/facilities", admin,
             sbb_json::object{{"id", id},
                              {"operator", uscc},
                              {"name", id},
                              {"kind", "incinerator"},
                              {"capacity", sbb_json::object{{"t_per_year", 100000}}}},
             201);
  }
  d.certs_dir = server.data_dir() + "/device-certs";
  for (const auto& [dev, uscc] :
       {std::pair{"scanner-c1", d.collector}, std::pair{"scanner-c2", d.collector},
        std::pair{"scanner-f1", d.fac_f}, std::pair{"scanner-g1", d.fac_g}}) {
    CallJson(c, "POST", "/api/v1/devices", admin,
             sbb_json::object{{"device_id", dev}, {"org", uscc}}, 201);
    std::string out;
    const int rc = RunCommand(Binary("server/cradle-server") + " device-cert --data " +
                                  server.data_dir() + " " + dev + " " + d.certs_dir,
                              &out);
    BOOST_REQUIRE_MESSAGE(rc == 0, out);
  }
  return d;
}

// Issues `count` manifests of `mass_g` each (packaging TB), 999 per request and packing day
// (serials run 001-999 per producer, waste code and day).
inline std::vector<IssuedLabel> IssueLabels(ServerProcess& server, const Deployment& d, int count,
                                            int64_t mass_g = 1'250'000) {
  auto c = server.Client();
  std::vector<IssuedLabel> out;
  for (int day = 0; count > 0; ++day) {
    const int n = std::min(count, 999);
    auto r = CallJson(
        c, "POST", "/api/v1/manifests", Bearer(d.producer_token),
        sbb_json::object{{"producer", d.producer},
                         {"waste_code", "772-002-18"},
                         {"mass_g", mass_g},
                         {"packaging", "TB"},
                         {"count", n},
                         {"produced_on", FormatIsoDate(AddDays(CivilDate{2026, 10, 1}, day))}},
        201);
    for (const auto& m : r.at("manifests").as_array()) {
      out.push_back({JsonString(m, "id"), JsonString(m, "token")});
    }
    count -= n;
  }
  return out;
}

// GET /api/v1/manifests/{id} as admin.
inline sbb_json::value GetManifest(ServerProcess& server, const std::string& id) {
  auto c = server.Client();
  return CallJson(c, "GET", "/api/v1/manifests/" + id, Bearer(server.admin_token()), nullptr, 200);
}

// The result of one cradle-scan run: exit status and merged stdout+stderr.
struct CliRun {
  int rc = -1;
  std::string out;
  // The output lines that start with `word` (a verdict: ACCEPTED, REJECTED, ...).
  std::vector<std::string> Lines(const std::string& word) const {
    std::vector<std::string> lines;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) {
      if (line.rfind(word, 0) == 0) lines.push_back(line);
    }
    return lines;
  }
  bool Has(const std::string& text) const { return out.find(text) != std::string::npos; }
};

// One handheld: a home directory and the cradle-scan binary.
class ScannerCli {
 public:
  explicit ScannerCli(std::string device) : device_(std::move(device)) {
    home_ = MakeTempDir("cradle-scan-" + device_);
    owns_home_ = true;
  }
  ScannerCli(ScannerCli&& other) noexcept
      : device_(std::move(other.device_)),
        home_(std::move(other.home_)),
        owns_home_(std::exchange(other.owns_home_, false)) {}
  ScannerCli& operator=(ScannerCli&&) = delete;
  // Removes a home it made, as ServerProcess does, unless CRADLE_KEEP_TEST_DATA is set.
  ~ScannerCli() {
    if (owns_home_ && !std::getenv("CRADLE_KEEP_TEST_DATA")) {
      std::error_code ec;
      std::filesystem::remove_all(home_, ec);
    }
  }

  // A handheld whose home already exists (a restored backup); the caller keeps it.
  static ScannerCli AtHome(std::string home) {
    ScannerCli cli;
    cli.home_ = std::move(home);
    return cli;
  }

  const std::string& home() const { return home_; }
  std::string Binary() const { return cradle::testing::Binary("scanner/cradle-scan"); }

  CliRun Run(const std::string& args, const std::string& stdin_text = "") const {
    const std::string input = home_ + "/input.txt";
    std::ofstream(input, std::ios::binary) << stdin_text;
    CliRun r;
    r.rc = RunCommand(Binary() + " " + args + " --home " + home_ + " < " + input, &r.out);
    return r;
  }

  CliRun Enroll(const ServerProcess& server, const std::string& cert, const std::string& key,
                const std::string& ca = "") const {
    return Run("enroll --server https://127.0.0.1:" + std::to_string(server.port()) + " --ca " +
               (ca.empty() ? server.ca_file() : ca) + " --cert " + cert + " --key " + key);
  }
  CliRun Enroll(const ServerProcess& server, const Deployment& d) const {
    return Enroll(server, d.Cert(device_), d.Key(device_));
  }
  // Keyboard-wedge input, one line each.
  CliRun Scan(const std::string& kind_args, const std::vector<std::string>& lines) const {
    std::string text;
    for (const auto& l : lines) text += l + "\n";
    return Run("scan --kind " + kind_args, text);
  }
  CliRun Sync() const { return Run("sync"); }
  CliRun StatusCmd() const { return Run("status"); }

 private:
  ScannerCli() = default;
  std::string device_;
  std::string home_;
  bool owns_home_ = false;
};

// `cradle-scan ARGS` in the background with its output in `log`; the child's pid.
inline pid_t SpawnScanner(const std::string& args, const std::string& log) {
  const std::string cmd =
      "exec " + Binary("scanner/cradle-scan") + " " + args + " > " + log + " 2>&1 < /dev/null";
  const char* argv[] = {"/bin/sh", "-c", cmd.c_str(), nullptr};
  pid_t pid = -1;
  if (::posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ) != 0) {
    return -1;
  }
  return pid;
}

// Waits for a spawned child; its exit status, or -signal.
inline int WaitChild(pid_t pid) {
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) return -1000;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

// True once a spawned child has exited; it is left to WaitChild to reap.
inline bool ChildExited(pid_t pid) {
  siginfo_t info{};
  if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
    return true;
  }
  return info.si_pid == pid;
}

// Events per (manifest, kind) in the server's database, read-only (the server may run: WAL).
inline std::map<std::string, int> CountEvents(const ServerProcess& server,
                                              const std::string& kind) {
  std::map<std::string, int> counts;
  sqlite3* db = nullptr;
  const std::string path = server.data_dir() + "/cradle.db";
  BOOST_REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* st = nullptr;
  BOOST_REQUIRE(sqlite3_prepare_v2(db,
                                   "SELECT manifest_id, COUNT(*) FROM manifest_events WHERE kind = "
                                   "?1 GROUP BY manifest_id",
                                   -1, &st, nullptr) == SQLITE_OK);
  sqlite3_bind_text(st, 1, kind.c_str(), -1, SQLITE_TRANSIENT);
  while (sqlite3_step(st) == SQLITE_ROW) {
    counts[reinterpret_cast<const char*>(sqlite3_column_text(st, 0))] = sqlite3_column_int(st, 1);
  }
  sqlite3_finalize(st);
  sqlite3_close_v2(db);
  return counts;
}

// Token + mass lines for keyboard-wedge input.
inline std::vector<std::string> PickupLines(const std::vector<IssuedLabel>& labels,
                                            const std::string& mass = "1251.5 kg") {
  std::vector<std::string> lines;
  for (const auto& l : labels) {
    lines.push_back(l.token);
    lines.push_back(mass);
  }
  return lines;
}

}  // namespace cradle::testing
