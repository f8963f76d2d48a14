// The review's findings at the edge (issue 11), each against the real cradle-server over real
// TLS: per-address connection cap and pre-authentication body limit, the sign-in throttle
// before the token lookup, the CSV formula guard, produced_on and rules/run dates bounded,
// device certificates limited to a scanner's routes, event_id case, HEAD, the admin token
// written before its hash is kept, device-cert registering the device, and /metrics private.
#define BOOST_TEST_MODULE blackbox_edge_test
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <thread>

#include "core/civil_time.h"
#include "core/clock.h"
#include "core/uuid.h"
#include "tests/blackbox/server_test_helpers.h"

namespace cradle::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// A blocking TLS connection from a chosen loopback source address (Linux routes all of
// 127.0.0.0/8 to lo), speaking raw bytes. Ownership: owns its socket and SSL. One thread.
class RawTls {
 public:
  RawTls(uint16_t port, const char* source) {
    ::signal(SIGPIPE, SIG_IGN);
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return;
    timeval tv{2, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in from{};
    from.sin_family = AF_INET;
    ::inet_pton(AF_INET, source, &from.sin_addr);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0 ||
        ::connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
      return;
    }
    static SSL_CTX* ctx = [] {
      SSL_CTX* c = SSL_CTX_new(TLS_client_method());
      SSL_CTX_set_verify(c, SSL_VERIFY_NONE, nullptr);
      return c;
    }();
    ssl_ = SSL_new(ctx);
    SSL_set_fd(ssl_, fd_);
    ok_ = SSL_connect(ssl_) == 1;
    ERR_clear_error();
  }
  ~RawTls() {
    if (ssl_) SSL_free(ssl_);
    if (fd_ >= 0) ::close(fd_);
  }
  RawTls(const RawTls&) = delete;
  RawTls& operator=(const RawTls&) = delete;

  bool ok() const { return ok_; }

  bool Write(std::string_view bytes) {
    while (!bytes.empty()) {
      const int n = SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size()));
      if (n <= 0) {
        ERR_clear_error();
        return false;
      }
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Reads until `done(got)`, the peer closes, or `timeout` passes.
  std::string ReadUntil(std::chrono::milliseconds timeout,
                        const std::function<bool(const std::string&)>& done) {
    std::string got;
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline && !done(got)) {
      if (SSL_pending(ssl_) == 0) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) continue;
      }
      char buf[4096];
      const int n = SSL_read(ssl_, buf, sizeof buf);
      if (n > 0) {
        got.append(buf, static_cast<size_t>(n));
        continue;
      }
      const int err = SSL_get_error(ssl_, n);
      ERR_clear_error();
      if (err == SSL_ERROR_WANT_READ) continue;
      break;
    }
    return got;
  }

 private:
  int fd_ = -1;
  SSL* ssl_ = nullptr;
  bool ok_ = false;
};

// True once `raw` holds one response head and the Content-Length bytes of its body.
bool WholeResponse(const std::string& raw) {
  const auto end = raw.find("\r\n\r\n");
  if (end == std::string::npos) return false;
  std::string head = raw.substr(0, end);
  for (auto& ch : head) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  const auto cl = head.find("content-length:");
  const size_t length =
      cl == std::string::npos ? 0 : std::strtoul(head.c_str() + cl + 15, nullptr, 10);
  return raw.size() >= end + 4 + length;
}

int StatusOf(const std::string& raw) {
  if (raw.rfind("HTTP/1.1 ", 0) != 0 || raw.size() < 12) return 0;
  return std::atoi(raw.substr(9, 3).c_str());
}

std::string TodayIso(int days_ahead = 0) {
  return FormatIsoDate(AddDays(LocalCivilDate(SystemClock().NowMicros(), 480), days_ahead));
}

// As admin: an organisation with `roles` and a token in `role`.
std::string AddOrg(net::HttpsClient& c, const std::string& admin, const std::string& uscc,
                   const std::string& name, const std::string& role) {
  auto org =
      MustSend(c, "POST", "/api/v1/orgs", Bearer(admin),
               json::serialize(json::object{
                   {"uscc", uscc}, {"name", name}, {"roles", json::array{json::string(role)}}}));
  BOOST_REQUIRE_MESSAGE(org.status == 201, org.body);
  auto tok = MustSend(c, "POST", "/api/v1/orgs/" + uscc + "/tokens", Bearer(admin),
                      json::serialize(json::object{{"role", role}, {"label", "edge"}}));
  BOOST_REQUIRE_MESSAGE(tok.status == 201, tok.body);
  return std::string(ParseJson(tok.body).at("token").as_string());
}

json::object Scan(const std::string& event_id, const std::string& token) {
  return json::object{{"event_id", event_id},
                      {"token", token},
                      {"kind", "pickup"},
                      {"mass_g", 25000},
                      {"scanned_at", FormatRfc3339(SystemClock().NowMicros())}};
}

// ---- finding 2: one address cannot take every connection or buffer large bodies unsigned ----

BOOST_AUTO_TEST_CASE(a_second_address_is_served_while_one_holds_its_cap) {
  TempServer s;
  BOOST_REQUIRE(s.Start({"--max-connections-per-address", "8"}).ok());
  std::vector<std::unique_ptr<RawTls>> held;
  for (int i = 0; i < 8; ++i) {
    held.push_back(std::make_unique<RawTls>(s.port(), "127.0.0.2"));
    BOOST_REQUIRE_MESSAGE(held.back()->ok(), "connection " << i << " within the cap");
  }
  // The ninth from the same address is closed at once: its handshake fails.
  RawTls over(s.port(), "127.0.0.2");
  BOOST_TEST(!over.ok());
  // Another address is served meanwhile.
  auto c = s.Client();
  auto live = MustSend(c, "GET", "/livez");
  BOOST_TEST(live.status == 200);
  // Once the holder lets one go, its address may connect again.
  held.pop_back();
  bool again = false;
  for (int i = 0; i < 40 && !again; ++i) {
    std::this_thread::sleep_for(50ms);
    again = RawTls(s.port(), "127.0.0.2").ok();
  }
  BOOST_TEST(again);
}

BOOST_AUTO_TEST_CASE(a_large_body_is_refused_before_authentication) {
  TempServer s;
  BOOST_REQUIRE(s.Start().ok());
  const std::string head =
      "POST /api/v1/manifests HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 500000\r\n";
  // No credentials, or a wrong token: answered from the headers alone, without waiting for
  // the 500 kB the client announced.
  for (const char* auth : {"", "Authorization: Bearer crd_nope\r\n"}) {
    RawTls t(s.port(), "127.0.0.5");
    BOOST_REQUIRE(t.ok());
    BOOST_REQUIRE(t.Write(head + auth + "\r\n"));
    const auto t0 = Clock::now();
    const std::string got = t.ReadUntil(3000ms, WholeResponse);
    BOOST_TEST(StatusOf(got) == 401, got);
    BOOST_TEST(Since(t0) < 2.0);
  }
  // A genuine token may send it: the body is read and judged (not JSON: 400).
  RawTls t(s.port(), "127.0.0.5");
  BOOST_REQUIRE(t.ok());
  BOOST_REQUIRE(t.Write(head + "Authorization: Bearer " + s.admin_token() + "\r\n\r\n"));
  BOOST_REQUIRE(t.Write(std::string(500000, 'x')));
  const std::string got = t.ReadUntil(5000ms, WholeResponse);
  BOOST_TEST(StatusOf(got) == 400, got.substr(0, 300));
  // A small unauthenticated body is still read and answered by the route (401 there).
  auto c = s.Client();
  auto small = MustSend(c, "POST", "/api/v1/manifests", {{"Content-Type", "application/json"}},
                        std::string(1000, ' '));
  BOOST_TEST(small.status == 401);
}

// ---- finding 4: a throttled address is refused even with a genuine token ----

BOOST_AUTO_TEST_CASE(a_throttled_address_cannot_sign_in_with_a_genuine_token) {
  TempServer s;
  BOOST_REQUIRE(s.Start().ok());
  auto c = s.Client();
  int limited = 0;
  for (int i = 0; i < 40; ++i) {
    auto r = MustSend(c, "GET", "/api/v1/orgs", Bearer("crd_guess" + std::to_string(i)));
    BOOST_TEST((r.status == 401 || r.status == 429));
    if (r.status == 429) ++limited;
  }
  BOOST_REQUIRE(limited > 0);
  // A correct guess now must not pass: it would tell the guesser it is right.
  auto genuine = MustSend(c, "GET", "/api/v1/orgs", Bearer(s.admin_token()));
  BOOST_TEST(genuine.status == 429, genuine.body);
}

// ---- finding 6: the CSV guard covers a leading TAB and CR ----

BOOST_AUTO_TEST_CASE(csv_cells_starting_with_tab_or_cr_are_neutralised) {
  TempServer s;
  BOOST_REQUIRE(s.Start().ok());
  auto c = s.Client();
  const std::string admin = s.admin_token();
  const std::string tab_org = UsccFrom("91330100TAB000001");
  const std::string cr_org = UsccFrom("91330100CRR000001");
  const std::string t1 = AddOrg(c, admin, tab_org, "\t=HYPERLINK(\"http://x\")", "producer");
  const std::string t2 = AddOrg(c, admin, cr_org, "\r=1+1", "producer");
  IssueManifests(c, t1, tab_org, 1);
  IssueManifests(c, t2, cr_org, 1);
  const std::string month = MonthKey(SystemClock().NowMicros(), 480);
  auto csv = MustSend(c, "GET", "/api/v1/reconciliation/" + month + "?format=csv", Bearer(admin));
  BOOST_REQUIRE_MESSAGE(csv.status == 200, csv.body);
  BOOST_TEST(csv.body.find(tab_org + ",\"'\t=HYPERLINK(\"\"http://x\"\")\",") != std::string::npos,
             csv.body);
  BOOST_TEST(csv.body.find(cr_org + ",\"'\r=1+1\",") != std::string::npos, csv.body);
}

// ---- finding 8: produced_on and rules/run cannot be in the future ----

BOOST_AUTO_TEST_CASE(produced_on_and_rules_as_of_are_bounded) {
  TempServer s;
  BOOST_REQUIRE(s.Start().ok());
  auto c = s.Client();
  const std::string admin = s.admin_token();
  const std::string producer = AddProducer(c, admin, UsccA());
  auto issue = [&](const std::string& day) {
    return MustSend(c, "POST", "/api/v1/manifests", Bearer(producer),
                    json::serialize(json::object{{"producer", UsccA()},
                                                 {"waste_code", "900-041-49"},
                                                 {"mass_g", 1000},
                                                 {"packaging", "DR"},
                                                 {"count", 1},
                                                 {"produced_on", day}}));
  };
  for (const std::string& day : {std::string("2099-12-31"), TodayIso(2)}) {
    auto r = issue(day);
    BOOST_TEST(r.status == 422, day << ": " << r.body);
    BOOST_TEST(ProblemCode(r) == "DATE_OUT_OF_RANGE", r.body);
  }
  BOOST_TEST(issue(TodayIso(-1)).status == 201);
  auto list = MustSend(c, "GET", "/api/v1/manifests?producer=" + UsccA(), Bearer(admin));
  BOOST_TEST(ParseJson(list.body).at("items").as_array().size() == 1u);  // nothing else stored

  auto run = [&](const std::string& day) {
    return MustSend(c, "POST", "/api/v1/rules/run", Bearer(admin),
                    json::serialize(json::object{{"date", day}}));
  };
  auto future = run(TodayIso(40));
  BOOST_TEST(future.status == 422, future.body);
  BOOST_TEST(ProblemCode(future) == "DATE_OUT_OF_RANGE", future.body);
  auto cases = MustSend(c, "GET", "/api/v1/cases", Bearer(admin));
  BOOST_TEST(ParseJson(cases.body).at("items").as_array().empty(), cases.body);
  BOOST_TEST(run(TodayIso()).status == 200);
}

// ---- findings 10 and 14: device certificates ----

struct DeviceWorld {
  TempServer s;
  std::string admin, collector = UsccFrom("91330100CLT000009"), collector_token, out_dir;
  DeviceWorld() {
    BOOST_REQUIRE(s.Start().ok());
    auto c = s.Client();
    admin = s.admin_token();
    collector_token = AddOrg(c, admin, collector, "Collector", "collector");
    out_dir = s.data_dir() + "/device-certs";
  }
  // `cradle-server device-cert` with extra words; returns the exit status.
  int DeviceCert(const std::string& words, std::string* out) {
    return RunCommand(Binary("server/cradle-server") + " device-cert --data " + s.data_dir() + " " +
                          words + " 2>&1",
                      out);
  }
  net::HttpsClient Device(const std::string& id) {
    return s.Client(out_dir + "/" + id + ".crt", out_dir + "/" + id + ".key");
  }
};

BOOST_AUTO_TEST_CASE(device_cert_registers_the_device_and_unknown_devices_are_told_so) {
  DeviceWorld w;
  std::string out;
  // Without the organisation: a certificate only (a deployment registering devices itself).
  BOOST_REQUIRE_MESSAGE(w.DeviceCert("stray-01 " + w.out_dir, &out) == 0, out);
  auto stray = w.Device("stray-01");
  auto refused = MustSend(stray, "GET", "/api/v1/revocations");
  BOOST_TEST(refused.status == 401);
  BOOST_TEST(refused.body.find("not registered") != std::string::npos, refused.body);
  BOOST_TEST(refused.body.find("send Authorization") == std::string::npos, refused.body);

  // With the organisation: issued and registered in one step, usable at once.
  BOOST_REQUIRE_MESSAGE(w.DeviceCert("scanner-01 " + w.out_dir + " " + w.collector, &out) == 0,
                        out);
  auto dev = w.Device("scanner-01");
  auto me = MustSend(dev, "GET", "/api/v1/me");
  BOOST_REQUIRE_MESSAGE(me.status == 200, me.body);
  BOOST_TEST(ParseJson(me.body).at("device").as_string() == "scanner-01");
  BOOST_TEST(MustSend(dev, "GET", "/api/v1/revocations").status == 200);
  // An organisation that does not exist: nothing registered, no certificate issued.
  BOOST_TEST(w.DeviceCert("scanner-02 " + w.out_dir + " " + UsccB(), &out) != 0, out);
  BOOST_TEST(!std::filesystem::exists(w.out_dir + "/scanner-02.crt"));
}

BOOST_AUTO_TEST_CASE(a_device_certificate_reaches_only_a_scanners_routes) {
  DeviceWorld w;
  std::string out;
  BOOST_REQUIRE_MESSAGE(w.DeviceCert("scanner-01 " + w.out_dir + " " + w.collector, &out) == 0,
                        out);
  auto c = w.s.Client();
  const std::string producer = AddProducer(c, w.admin, UsccA());
  auto labels = IssueManifests(c, producer, UsccA(), 1);
  auto dev = w.Device("scanner-01");
  // What a scanner does.
  BOOST_TEST(MustSend(dev, "GET", "/.well-known/jwks.json").status == 200);
  BOOST_TEST(MustSend(dev, "GET", "/api/v1/revocations").status == 200);
  BOOST_TEST(MustSend(dev, "GET", "/api/v1/me").status == 200);
  BOOST_TEST(MustSend(dev, "GET", "/api/v1/transfers").status == 200);
  auto scan = MustSend(
      dev, "POST", "/api/v1/scans", {{"Content-Type", "application/json"}},
      json::serialize(json::object{{"scans", json::array{Scan(NewUuidV4(), labels[0].token)}}}));
  BOOST_TEST(scan.status == 200, scan.body);
  // What its organisation's token may do, a device may not.
  const std::map<std::string, std::string> js = {{"Content-Type", "application/json"}};
  BOOST_TEST(MustSend(dev, "GET", "/api/v1/orgs").status == 403);
  BOOST_TEST(MustSend(dev, "GET", "/api/v1/manifests/" + labels[0].id).status == 403);
  BOOST_TEST(MustSend(dev, "GET", "/api/v1/cases").status == 403);
  BOOST_TEST(MustSend(dev, "GET", "/api/v1/audit").status == 403);
  BOOST_TEST(MustSend(dev, "POST", "/api/v1/transfers", js, "{}").status == 403);
  BOOST_TEST(
      MustSend(dev, "GET", "/api/v1/reconciliation/" + MonthKey(SystemClock().NowMicros(), 480))
          .status == 403);
  // The collector's own token is not limited.
  BOOST_TEST(MustSend(c, "GET", "/api/v1/orgs", Bearer(w.collector_token)).status == 200);
}

// ---- finding 11: event_id is one id whatever its case ----

BOOST_AUTO_TEST_CASE(an_event_id_retried_in_another_case_is_a_duplicate) {
  TempServer s;
  BOOST_REQUIRE(s.Start().ok());
  auto c = s.Client();
  const std::string admin = s.admin_token();
  const std::string producer = AddProducer(c, admin, UsccA());
  const std::string collector =
      AddOrg(c, admin, UsccFrom("91330100CLT000007"), "Collector", "collector");
  auto labels = IssueManifests(c, producer, UsccA(), 1);
  std::string upper = NewUuidV4();
  for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  std::string lower = upper;
  for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  json::object scan = Scan(upper, labels[0].token);
  auto post = [&](const json::object& one) {
    auto r = MustSend(c, "POST", "/api/v1/scans", Bearer(collector),
                      json::serialize(json::object{{"scans", json::array{one}}}));
    BOOST_REQUIRE_MESSAGE(r.status == 200, r.body);
    return ParseJson(r.body).at("results").at(0).as_object();
  };
  auto first = post(scan);
  BOOST_TEST(first.at("status").as_string() == "accepted", json::serialize(first));
  BOOST_TEST(first.at("event_id").as_string() == upper);  // echoed as sent
  scan["event_id"] = lower;
  auto retry = post(scan);
  BOOST_TEST(retry.at("status").as_string() == "duplicate", json::serialize(retry));
  BOOST_TEST(retry.at("event_id").as_string() == lower);
  MustSend(c, "POST", "/api/v1/rules/run", Bearer(admin), "{}");
  auto cases = MustSend(c, "GET", "/api/v1/cases", Bearer(admin));
  BOOST_TEST(ParseJson(cases.body).at("items").as_array().empty(), cases.body);
}

// ---- finding 13: HEAD is GET without the body ----

BOOST_AUTO_TEST_CASE(head_answers_like_get_without_a_body) {
  TempServer s;
  BOOST_REQUIRE(s.Start().ok());
  RawTls t(s.port(), "127.0.0.1");
  BOOST_REQUIRE(t.ok());
  // HEAD then GET pipelined: the GET's status line must follow the HEAD's head directly.
  BOOST_REQUIRE(
      t.Write("HEAD /openapi.yaml HTTP/1.1\r\nHost: x\r\n\r\n"
              "GET /livez HTTP/1.1\r\nHost: x\r\n\r\n"));
  const std::string got = t.ReadUntil(3000ms, [](const std::string& g) {
    const auto second = g.find("HTTP/1.1", 1);
    return second != std::string::npos && WholeResponse(g.substr(second));
  });
  BOOST_TEST(StatusOf(got) == 200, got.substr(0, 400));
  const auto end = got.find("\r\n\r\n");
  BOOST_REQUIRE(end != std::string::npos);
  std::string head = got.substr(0, end);
  for (auto& ch : head) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  BOOST_TEST(head.find("content-type: application/yaml") != std::string::npos, head);
  const auto cl = head.find("content-length:");
  BOOST_REQUIRE(cl != std::string::npos);
  BOOST_TEST(std::strtoul(head.c_str() + cl + 15, nullptr, 10) > 1000u);  // GET's length
  BOOST_TEST(got.compare(end + 4, 12, "HTTP/1.1 200") == 0, got.substr(end, 200));
  // A HEAD on a route without GET is still 405.
  RawTls t2(s.port(), "127.0.0.1");
  BOOST_REQUIRE(t2.ok());
  BOOST_REQUIRE(t2.Write("HEAD /api/v1/scans HTTP/1.1\r\nHost: x\r\n\r\n"));
  const std::string post_only = t2.ReadUntil(
      3000ms, [](const std::string& g) { return g.find("\r\n\r\n") != std::string::npos; });
  BOOST_TEST(StatusOf(post_only) == 405, post_only);
}

// ---- finding 1: the admin token file is written before its hash is kept ----

BOOST_AUTO_TEST_CASE(a_failed_admin_token_write_does_not_lock_the_admin_out) {
  const std::string dir = MakeTempDir("cradle-edge-admin");
  // A directory where admin.token should go: the first start cannot write the file.
  BOOST_REQUIRE(::mkdir((dir + "/admin.token").c_str(), 0700) == 0);
  BOOST_REQUIRE(::mkdir((dir + "/admin.token/x").c_str(), 0700) == 0);
  {
    ServerProcess first(dir);
    BOOST_TEST(!first.Start().ok());
  }
  std::filesystem::remove_all(dir + "/admin.token");
  {
    ServerProcess second(dir);
    BOOST_REQUIRE(second.Start().ok());
    const std::string token = second.admin_token();
    BOOST_REQUIRE_MESSAGE(!token.empty(), "no admin.token after the restart");
    auto c = second.Client();
    BOOST_TEST(MustSend(c, "GET", "/api/v1/orgs", Bearer(token)).status == 200);
    second.Stop();
  }
  std::filesystem::remove_all(dir);
}

// ---- finding 9 (first sentence): /metrics is private by default ----

BOOST_AUTO_TEST_CASE(metrics_need_a_token) {
  TempServer s;
  BOOST_REQUIRE(s.Start().ok());
  auto c = s.Client();
  auto anonymous = MustSend(c, "GET", "/metrics");
  BOOST_TEST(anonymous.status == 401);
  BOOST_TEST(anonymous.body.find("cradle_") == std::string::npos);
  const std::string producer = AddProducer(c, s.admin_token(), UsccA());
  BOOST_TEST(MustSend(c, "GET", "/metrics", Bearer(producer)).status == 403);
  auto admin = MustSend(c, "GET", "/metrics", Bearer(s.admin_token()));
  BOOST_TEST(admin.status == 200);
  BOOST_TEST(admin.body.find("cradle_http_requests_total") != std::string::npos);
}

}  // namespace
}  // namespace cradle::testing
