// Black-box tests of operations: health, metrics, logs, clean shutdown, startup failures,
// audit tamper detection, key rotation and catalogue import, on the real binary.
#define BOOST_TEST_MODULE blackbox_server_ops_test
#include <sqlite3.h>

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <sstream>

#include "tests/blackbox/server_test_helpers.h"

namespace cradle::testing {
namespace {

namespace json = boost::json;

std::string ServerBinary() { return Binary("server/cradle-server"); }

void StartOrFail(ServerProcess& s, const std::vector<std::string>& extra = {}) {
  Status st = s.Start(extra);
  BOOST_REQUIRE_MESSAGE(st.ok(), st.ToString());
}

// The value of a Prometheus sample line `name{...} value` or `name value`, or -1.
double Sample(const std::string& text, const std::string& name_and_labels) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name_and_labels + " ", 0) == 0) {
      return std::stod(line.substr(name_and_labels.size() + 1));
    }
  }
  return -1;
}

size_t Lines(const std::string& text) {
  size_t n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

BOOST_AUTO_TEST_CASE(health_metrics_openapi_shutdown_and_log) {
  TempServer s;
  StartOrFail(s);
  auto c = s.Client();
  auto live = MustSend(c, "GET", "/livez");
  BOOST_TEST(live.status == 200);
  auto ready = MustSend(c, "GET", "/readyz");
  BOOST_TEST(ready.status == 200);
  auto rj = ParseJson(ready.body);
  BOOST_TEST(rj.at("status").as_string() == "ready");
  BOOST_TEST(rj.at("active_kid").as_string() == "K1");
  BOOST_TEST(rj.at("catalogue").as_string() == "2016");
  const KeySet keys = FetchKeys(c);
  BOOST_TEST(keys.Find("K1") != nullptr);

  const std::string admin = s.admin_token();
  const std::string a = AddProducer(c, admin, UsccA());
  IssueManifests(c, a, UsccA(), 3);
  IssueManifests(c, a, UsccA(), 4);
  MustSend(c, "GET", "/api/v1/orgs", Bearer("wrong-token-for-the-log"));

  auto metrics = MustSend(c, "GET", "/metrics", Bearer(admin));  // private: a token
  BOOST_TEST(metrics.status == 200);
  BOOST_TEST(metrics.Header("content-type").rfind("text/plain", 0) == 0u);
  BOOST_TEST(metrics.body.find("cradle_http_requests_total") != std::string::npos);
  BOOST_TEST(Sample(metrics.body, "cradle_manifests_issued_total") == 7.0);

  auto yaml = MustSend(c, "GET", "/openapi.yaml");
  BOOST_TEST(yaml.status == 200);
  BOOST_TEST(yaml.body.rfind("openapi: 3.1", 0) == 0u);
  BOOST_TEST(yaml.body.find("/api/v1/manifests/{id}/label.{format}:") != std::string::npos);

  BOOST_TEST(s.Stop() == 0);
  const std::string log = ReadFile(s.log_file());
  BOOST_REQUIRE(!log.empty());
  std::istringstream in(log);
  std::string line;
  size_t json_lines = 0;
  bool saw_template = false, saw_issue_route = false;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto v = ParseJson(line);
    BOOST_TEST_INFO(line);
    BOOST_TEST(v.is_object());
    if (!v.is_object()) continue;
    ++json_lines;
    const auto* route = v.as_object().if_contains("route");
    if (route && route->is_string()) {
      saw_template |= route->as_string() == "/api/v1/orgs/{uscc}/tokens";
      saw_issue_route |= route->as_string() == "/api/v1/manifests";
    }
  }
  BOOST_TEST(json_lines >= 8u);
  BOOST_TEST(saw_template);
  BOOST_TEST(saw_issue_route);
  // Credentials never reach the log.
  BOOST_TEST(log.find(admin) == std::string::npos);
  BOOST_TEST(log.find(a) == std::string::npos);
  BOOST_TEST(log.find("wrong-token-for-the-log") == std::string::npos);
  BOOST_TEST(log.find("Bearer") == std::string::npos);
  const std::string stderr_text = ReadFile(s.data_dir() + "/test-server.stderr");
  BOOST_TEST(stderr_text.find("stopped cleanly") != std::string::npos, stderr_text);
  BOOST_TEST(stderr_text.find(admin) == std::string::npos);
  BOOST_TEST(stderr_text.find(a) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(startup_failures) {
  std::string out;
  // A data directory that cannot exist, even for root: a path below a character device.
  const int unwritable = RunCommand(
      "timeout 20 " + ServerBinary() + " --data /dev/null/cradle --listen 127.0.0.1:0", &out);
  BOOST_TEST(unwritable != 0);
  BOOST_TEST(unwritable != 124);  // exited by itself, did not hang
  BOOST_TEST(Lines(out) == 1u, out);
  BOOST_TEST(out.find("/dev/null/cradle") != std::string::npos, out);

  // The port already in use.
  TempServer first;
  StartOrFail(first);
  const std::string other = MakeTempDir("cradle-bb-port");
  const int busy = RunCommand("timeout 20 " + ServerBinary() + " --data " + other +
                                  " --listen 127.0.0.1:" + std::to_string(first.port()),
                              &out);
  BOOST_TEST(busy != 0);
  BOOST_TEST(busy != 124);
  BOOST_TEST(!out.empty());
  BOOST_TEST(out.find("READY") == std::string::npos, out);
  // The first server is unharmed.
  auto c = first.Client();
  BOOST_TEST(MustSend(c, "GET", "/livez").status == 200);
  RunCommand("rm -rf '" + other + "'");

  // --check-config: bad values exit 2 with each error; good ones exit 0.
  const int bad = RunCommand(ServerBinary() + " --data /tmp/unused --check-config " +
                                 "--max-body-bytes 0 --io-threads many",
                             &out);
  BOOST_TEST(bad == 2);
  BOOST_TEST(out.find("max-body-bytes") != std::string::npos, out);
  BOOST_TEST(out.find("io-threads") != std::string::npos, out);
  const int good = RunCommand(ServerBinary() + " --data /tmp/unused --check-config", &out);
  BOOST_TEST(good == 0, out);
  // An unknown flag is bad usage too.
  BOOST_TEST(RunCommand(ServerBinary() + " --data /tmp/unused --check-config --no-such 1") == 2);
}

BOOST_AUTO_TEST_CASE(audit_tamper_is_found_at_the_edited_row) {
  TempServer s;
  StartOrFail(s);
  const std::string admin = s.admin_token();
  {
    auto c = s.Client();
    const std::string a = AddProducer(c, admin, UsccA());
    AddProducer(c, admin, UsccB());
    const auto ms = IssueManifests(c, a, UsccA(), 2);
    MustSend(c, "POST", "/api/v1/manifests/" + ms[0].id + "/void", Bearer(a),
             R"({"reason":"test"})");
    auto v = ParseJson(MustSend(c, "GET", "/api/v1/audit/verify", Bearer(admin)).body);
    BOOST_TEST(v.at("ok").as_bool());
    BOOST_REQUIRE(v.at("length").as_int64() >= 5);
  }
  BOOST_REQUIRE(s.Stop() == 0);

  // Rewrite one row's actor, as someone with file access would.
  sqlite3* db = nullptr;
  BOOST_REQUIRE(sqlite3_open((s.data_dir() + "/cradle.db").c_str(), &db) == SQLITE_OK);
  sqlite3_int64 target = 0;
  {
    sqlite3_stmt* st = nullptr;
    BOOST_REQUIRE(sqlite3_prepare_v2(db, "SELECT seq FROM audit_log ORDER BY seq LIMIT 1 OFFSET 2",
                                     -1, &st, nullptr) == SQLITE_OK);
    BOOST_REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    target = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
  }
  const std::string sql =
      "UPDATE audit_log SET actor = 'token:1' || actor WHERE seq = " + std::to_string(target);
  char* err = nullptr;
  BOOST_REQUIRE_MESSAGE(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) == SQLITE_OK,
                        (err ? err : ""));
  BOOST_TEST(sqlite3_changes(db) == 1);
  sqlite3_close(db);

  StartOrFail(s);
  auto c = s.Client();
  auto v = ParseJson(MustSend(c, "GET", "/api/v1/audit/verify", Bearer(admin)).body);
  BOOST_TEST(!v.at("ok").as_bool());
  BOOST_REQUIRE(v.as_object().contains("first_bad_seq"));
  BOOST_TEST(v.at("first_bad_seq").as_int64() == target);
  BOOST_TEST(s.Stop() == 0);
}

BOOST_AUTO_TEST_CASE(key_rotation_keeps_old_tokens_valid) {
  TempServer s;
  StartOrFail(s);
  const std::string admin = s.admin_token();
  std::string a;
  IssuedManifest old;
  {
    auto c = s.Client();
    a = AddProducer(c, admin, UsccA());
    old = IssueManifests(c, a, UsccA(), 1)[0];
    BOOST_TEST(old.token.rfind("WM1:K1/", 0) == 0u);
  }
  BOOST_REQUIRE(s.Stop() == 0);
  std::string out;
  BOOST_REQUIRE_MESSAGE(
      RunCommand(ServerBinary() + " rotate-key --data " + s.data_dir(), &out) == 0, out);
  BOOST_TEST(out.find("K2") != std::string::npos, out);

  StartOrFail(s);
  auto c = s.Client();
  BOOST_TEST(ParseJson(MustSend(c, "GET", "/readyz").body).at("active_kid").as_string() == "K2");
  const auto fresh = IssueManifests(c, a, UsccA(), 1)[0];
  BOOST_TEST(fresh.token.rfind("WM1:K2/", 0) == 0u);
  BOOST_TEST(fresh.id.substr(34) == "002");
  const KeySet keys = FetchKeys(c);
  BOOST_TEST(keys.size() == 2u);
  BOOST_TEST(keys.Find("K1") != nullptr);
  BOOST_TEST(keys.Find("K2") != nullptr);
  BOOST_TEST(VerifyToken(old.token, keys).ok());
  BOOST_TEST(VerifyToken(fresh.token, keys).ok());
  auto online = ParseJson(
      MustSend(c, "POST", "/api/v1/verify", {}, json::serialize(json::object{{"token", old.token}}))
          .body);
  BOOST_TEST(online.at("valid").as_bool());
  BOOST_TEST(online.at("fields").at("kid").as_string() == "K1");
  BOOST_TEST(s.Stop() == 0);
}

BOOST_AUTO_TEST_CASE(catalogue_import_changes_the_active_edition) {
  TempServer s;
  StartOrFail(s);
  const std::string admin = s.admin_token();
  std::string a;
  {
    auto c = s.Client();
    a = AddProducer(c, admin, UsccA());
  }
  BOOST_REQUIRE(s.Stop() == 0);

  const std::string dir = MakeTempDir("cradle-cat");
  const std::string good = dir + "/hw-2025.csv";
  {
    std::ofstream f(good);
    f << "code,category,category_name,industry,description,hazards\n"
         "772-002-18,HW18,焚烧处置残渣,环境治理业,生活垃圾焚烧飞灰,T\n"
         "900-249-08,HW08,废矿物油与含矿物油废物,非特定行业,"
         "\"其他生产、销售、使用过程中产生的废矿物油\",\"T,I\"\n";
  }
  std::string out;
  BOOST_REQUIRE_MESSAGE(RunCommand(ServerBinary() + " catalogue-import --data " + s.data_dir() +
                                       " --edition 2025 " + good,
                                   &out) == 0,
                        out);
  const std::string active = ReadFile(s.data_dir() + "/catalogue/active.csv");

  // A malformed file: the category of line 3 does not match its code. Nothing changes.
  const std::string bad = dir + "/bad.csv";
  {
    std::ofstream f(bad);
    f << "code,category,category_name,industry,description,hazards\n"
         "772-002-18,HW18,焚烧处置残渣,,飞灰,T\n"
         "900-041-49,HW18,其他废物,,包装物,T\n";
  }
  const int rc = RunCommand(
      ServerBinary() + " catalogue-import --data " + s.data_dir() + " --edition 2026 " + bad, &out);
  BOOST_TEST(rc != 0);
  BOOST_TEST(out.find("line 3") != std::string::npos, out);
  BOOST_TEST(ReadFile(s.data_dir() + "/catalogue/active.csv") == active);

  StartOrFail(s);
  auto c = s.Client();
  auto ready = ParseJson(MustSend(c, "GET", "/readyz").body);
  BOOST_TEST(ready.at("catalogue").as_string() == "2025");
  auto outside = MustSend(c, "POST", "/api/v1/manifests", Bearer(a), IssueJson(UsccA(), 1));
  BOOST_TEST(outside.status == 422);
  BOOST_TEST(HasFieldError(outside, "waste_code", "UNKNOWN_WASTE_CODE"));
  auto inside = MustSend(c, "POST", "/api/v1/manifests", Bearer(a),
                         IssueJson(UsccA(), 1, "772-002-18", 1250000));
  BOOST_TEST(inside.status == 201, inside.body);
  BOOST_TEST(s.Stop() == 0);
  RunCommand("rm -rf '" + dir + "'");
}

}  // namespace
}  // namespace cradle::testing
