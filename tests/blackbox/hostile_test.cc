// Hostile and broken clients against the real cradle-server. Each attack runs in its own thread
// while a well-behaved client probes `GET /livez` and an authenticated `GET /api/v1/orgs` on a
// fresh TLS connection every 100 ms; any probe slower than 1 s, or failing, fails the attack.
// The server runs with short timeouts so the whole binary stays within about 90 s.
#define BOOST_TEST_MODULE blackbox_hostile_test
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/test/results_collector.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

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

// ---- the deployment under attack: one server for the whole binary ----

// The server with short timeouts and its parties. Ownership: owns the TempServer (killed and
// removed at exit). Lifetime: a function-local static made on first use. Thread safety: built
// once on the main thread, then only read.

struct Deployment {
  TempServer server;
  std::string admin, producer_a, producer_b, collector, collector_token;
  std::vector<IssuedManifest> a_manifests;

  Deployment() {
    ::signal(SIGPIPE, SIG_IGN);  // writes to connections the server cut off must not kill us
    Status s = server.Start(
        {"--read-timeout-s", "2", "--idle-timeout-s", "3", "--handshake-timeout-s", "2"});
    if (!s.ok()) throw std::runtime_error("server start: " + s.ToString());
    auto c = server.Client();
    admin = server.admin_token();
    producer_a = AddProducer(c, admin, UsccA());
    producer_b = AddProducer(c, admin, UsccB());
    collector = UsccFrom("91330100CLT000001");
    auto org = c.Send(
        "POST", "/api/v1/orgs", Bearer(admin),
        json::serialize(json::object{
            {"uscc", collector}, {"name", "Collector"}, {"roles", json::array{"collector"}}}));
    auto tok = c.Send("POST", "/api/v1/orgs/" + collector + "/tokens", Bearer(admin),
                      R"({"role":"collector","label":"hostile"})");
    if (!org.ok() || org->status != 201 || !tok.ok() || tok->status != 201) {
      throw std::runtime_error("collector set-up failed");
    }
    collector_token = std::string(ParseJson(tok->body).at("token").as_string());
    a_manifests = IssueManifests(c, producer_a, UsccA(), 2);
  }
  uint16_t port() const { return server.port(); }
};

Deployment& D() {
  static Deployment d;
  return d;
}

// ---- the well-behaved client ----

// Probes until stopped; records the slowest answer and the first failure. Ownership: owns its
// thread (joined by Stop() or the destructor). Thread safety: slowest() and rounds() from any
// thread; failure() only after Stop().
class Probe {
 public:
  Probe() : thread_([this] { Run(); }) {}
  ~Probe() { Stop(); }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  double slowest() const { return slowest_; }
  int rounds() const { return rounds_; }
  const std::string& failure() const { return failure_; }  // after Stop()

 private:
  void Run() {
    for (int i = 0; i < 100000 && !stop_; ++i) {
      net::ClientOptions o;
      o.port = D().port();
      o.ca_file = D().server.ca_file();
      o.connect_timeout = 3s;
      o.read_timeout = 3s;
      net::HttpsClient c(o);  // a fresh connection each round: accept and handshake are probed
      Check(c, "/livez", {});
      Check(c, "/api/v1/orgs?limit=1", Bearer(D().admin));
      ++rounds_;
      std::this_thread::sleep_for(100ms);
    }
  }
  void Check(net::HttpsClient& c, const std::string& target,
             const std::map<std::string, std::string>& headers) {
    const auto t0 = Clock::now();
    auto r = c.Get(target, headers);
    const double s = Since(t0);
    if (s > slowest_) slowest_ = s;
    if (failure_.empty() && (!r.ok() || r->status != 200)) {
      failure_ = target + ": " + (r.ok() ? std::to_string(r->status) : r.status().ToString());
    }
    if (failure_.empty() && s > 1.0) failure_ = target + " took " + std::to_string(s) + " s";
  }

  std::atomic<bool> stop_{false};
  std::atomic<double> slowest_{0};
  std::atomic<int> rounds_{0};
  std::string failure_;
  std::thread thread_;
};

// Runs `attack` in its own thread under the probe; the attack reports its own findings with
// BOOST_TEST (thread-safe enough for Boost.Test's assertions in practice: one attack thread at
// a time, and the probe thread records instead of asserting).
size_t FailedSoFar() {
  using namespace boost::unit_test;
  return results_collector.results(framework::current_test_case().p_id).p_assertions_failed;
}

void UnderProbe(const std::string& name, const std::function<void()>& attack) {
  D();
  const size_t failed_before = FailedSoFar();
  Probe probe;
  const auto t0 = Clock::now();
  // A failed BOOST_REQUIRE throws; it is carried to this thread rather than terminating.
  std::exception_ptr error;
  std::thread t([&] {
    try {
      attack();
    } catch (...) {
      error = std::current_exception();
    }
  });
  t.join();
  std::this_thread::sleep_for(200ms);  // at least a couple of probes after the attack too
  probe.Stop();
  const bool held = probe.failure().empty() && probe.rounds() > 0 && probe.slowest() <= 1.0 &&
                    !error && FailedSoFar() == failed_before;
  BOOST_TEST_MESSAGE("attack " << name << ": " << (held ? "held" : "NOT HELD") << " (" << Since(t0)
                               << " s, " << probe.rounds() << " probe rounds, slowest answer "
                               << probe.slowest() << " s)");
  BOOST_TEST(probe.failure().empty(), name << ": " << probe.failure());
  BOOST_TEST(probe.rounds() > 0);
  BOOST_TEST(probe.slowest() <= 1.0);
  if (error) std::rethrow_exception(error);
}

// ---- raw sockets and raw TLS for the misbehaving clients ----

// `source`: a loopback address to connect from (Linux routes all of 127.0.0.0/8 to lo), so an
// attack can come from an address of its own: the server caps connections and failed
// sign-ins per address, and the probe (127.0.0.1) must not share the attacker's budget.
int TcpConnect(uint16_t port, int rcvbuf = 0, const char* source = nullptr) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (rcvbuf > 0) ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  if (source) {
    sockaddr_in from{};
    from.sin_family = AF_INET;
    ::inet_pton(AF_INET, source, &from.sin_addr);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0) {
      ::close(fd);
      return -1;
    }
  }
  timeval tv{2, 0};  // no blocking call of ours outlives this
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// True once the peer has closed `fd` (or reset it): readable with nothing left to read.
bool PeerClosedTcp(int fd) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, 0) <= 0) return false;
  char buf[256];
  const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

// True when `raw` holds a response head and as much body as its Content-Length says.
bool HasWholeResponse(const std::string& raw) {
  const auto end = raw.find("\r\n\r\n");
  if (end == std::string::npos) return false;
  std::string head = raw.substr(0, end);
  for (auto& ch : head) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  const auto cl = head.find("content-length:");
  const size_t length =
      cl == std::string::npos ? 0 : std::strtoul(head.c_str() + cl + 15, nullptr, 10);
  return raw.size() >= end + 4 + length;
}

SSL_CTX* ClientCtx() {
  static SSL_CTX* ctx = [] {
    SSL_CTX* c = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(c, SSL_VERIFY_NONE, nullptr);  // attackers do not care who answers
    return c;
  }();
  return ctx;
}

// A blocking TLS connection (2 s socket timeouts) speaking raw bytes.
// Ownership: owns its socket and SSL. Thread safety: one thread.
class RawTls {
 public:
  explicit RawTls(uint16_t port, int rcvbuf = 0, const char* source = nullptr)
      : fd_(TcpConnect(port, rcvbuf, source)) {
    if (fd_ < 0) return;
    ssl_ = SSL_new(ClientCtx());
    SSL_set_fd(ssl_, fd_);
    ok_ = SSL_connect(ssl_) == 1;
    // From here on non-blocking: a readable socket may hold only a TLS 1.3 session ticket, and
    // a blocking SSL_read would then wait for data that never comes.
    if (ok_) ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
  }
  ~RawTls() {
    if (ssl_) SSL_free(ssl_);
    if (fd_ >= 0) ::close(fd_);
  }
  RawTls(const RawTls&) = delete;
  RawTls& operator=(const RawTls&) = delete;

  bool ok() const { return ok_; }
  int fd() const { return fd_; }

  // Writes all of `bytes`; false on an error or when the peer takes none for 2 s.
  bool Write(std::string_view bytes) {
    while (!bytes.empty()) {
      const int n = SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size()));
      if (n > 0) {
        bytes.remove_prefix(static_cast<size_t>(n));
        continue;
      }
      const int err = SSL_get_error(ssl_, n);
      pollfd p{fd_, static_cast<short>(err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT), 0};
      if ((err != SSL_ERROR_WANT_WRITE && err != SSL_ERROR_WANT_READ) || ::poll(&p, 1, 2000) <= 0) {
        ERR_clear_error();
        return false;
      }
    }
    return true;
  }

  // Reads until the peer closes or `timeout` passes; *closed tells which. With `one_response`,
  // stops early once a whole response (head and Content-Length body) is in.
  std::string ReadAll(std::chrono::milliseconds timeout, bool* closed, bool one_response = false) {
    std::string got;
    *closed = false;
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline && !(one_response && HasWholeResponse(got))) {
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
      if (err == SSL_ERROR_WANT_READ) continue;
      ERR_clear_error();
      *closed = true;
      break;
    }
    return got;
  }

  // True once the server has closed this connection (non-blocking: drains what is there).
  bool PeerClosed() {
    char buf[4096];
    for (int i = 0; i < 64; ++i) {
      const int n = SSL_read(ssl_, buf, sizeof buf);
      if (n > 0) continue;
      const int err = SSL_get_error(ssl_, n);
      if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) return false;
      ERR_clear_error();
      return true;
    }
    return false;
  }

 private:
  int fd_ = -1;
  SSL* ssl_ = nullptr;
  bool ok_ = false;
};

// The status code of the first response in `raw`, or 0.
int StatusOf(const std::string& raw) {
  if (raw.rfind("HTTP/1.1 ", 0) != 0 || raw.size() < 12) return 0;
  return std::atoi(raw.substr(9, 3).c_str());
}

// Sends `request` raw over TLS and returns the status the server answers with (0: none) and
// whether it closed the connection within 4 s (an answer that keeps it open returns at once).
std::pair<int, bool> RawExchange(const std::string& request) {
  RawTls t(D().port());
  BOOST_REQUIRE(t.ok());
  t.Write(request);
  bool closed = false;
  std::string got = t.ReadAll(4000ms, &closed, true);
  if (!closed) t.ReadAll(300ms, &closed);  // a close right after the answer counts
  return {StatusOf(got), closed};
}

// ---- attacks on the transport ----

BOOST_AUTO_TEST_CASE(slowloris) {
  UnderProbe("slowloris (60 connections, 1 byte/s)", [] {
    const std::string request =
        "GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + std::string(50, 's') + "\r\n\r\n";
    std::vector<std::unique_ptr<RawTls>> conns;
    for (int i = 0; i < 60; ++i) {
      conns.push_back(std::make_unique<RawTls>(D().port()));
      BOOST_REQUIRE(conns.back()->ok());
    }
    std::vector<double> closed_at(conns.size(), -1);
    const auto t0 = Clock::now();
    // One byte per connection per second; the read deadline is 2 s.
    for (size_t byte = 0; byte < 8 && Since(t0) < 8.0; ++byte) {
      for (size_t i = 0; i < conns.size(); ++i) {
        if (closed_at[i] >= 0) continue;
        if (conns[i]->PeerClosed() || !conns[i]->Write(request.substr(byte, 1))) {
          closed_at[i] = Since(t0);
        }
      }
      if (std::count(closed_at.begin(), closed_at.end(), -1.0) == 0) break;  // all cut off
      std::this_thread::sleep_for(1s);
    }
    size_t cut = 0;
    double latest = 0;
    for (double at : closed_at) {
      if (at >= 0) ++cut, latest = std::max(latest, at);
    }
    BOOST_TEST_MESSAGE("slowloris: " << cut << "/" << conns.size() << " cut off, the last after "
                                     << latest << " s");
    BOOST_TEST(cut == conns.size());
    BOOST_TEST(latest <= 5.0);
  });
}

// 500 connections from one address: the first max-connections-per-address (256, the default)
// are served, the rest closed at once, and everyone else (the probe) is still served.
constexpr size_t kPerAddressCap = 256;

BOOST_AUTO_TEST_CASE(five_hundred_idle_tls_connections_and_stalled_handshakes) {
  UnderProbe("500 idle TLS connections from one address + 100 stalled handshakes", [] {
    std::vector<std::unique_ptr<RawTls>> idle;
    size_t refused = 0;
    for (int i = 0; i < 500; ++i) {
      auto conn = std::make_unique<RawTls>(D().port(), 0, "127.0.0.2");
      if (conn->ok()) {
        idle.push_back(std::move(conn));
      } else {
        ++refused;
      }
    }
    BOOST_TEST_MESSAGE("500 from 127.0.0.2: " << idle.size() << " held, " << refused
                                              << " refused at once");
    BOOST_TEST(idle.size() == kPerAddressCap);
    BOOST_TEST(refused == 500 - kPerAddressCap);
    std::vector<int> stalled;  // TCP only, never a ClientHello
    for (int i = 0; i < 100; ++i) {
      stalled.push_back(TcpConnect(D().port(), 0, "127.0.0.4"));
      BOOST_REQUIRE(stalled.back() >= 0);
    }
    const auto t0 = Clock::now();
    size_t idle_closed = 0, stalled_closed = 0;
    std::vector<bool> idle_done(idle.size()), stalled_done(stalled.size());
    while (Since(t0) < 7.0 && (idle_closed < idle.size() || stalled_closed < stalled.size())) {
      for (size_t i = 0; i < idle.size(); ++i) {
        if (!idle_done[i] && idle[i]->PeerClosed()) idle_done[i] = true, ++idle_closed;
      }
      for (size_t i = 0; i < stalled.size(); ++i) {
        if (!stalled_done[i] && PeerClosedTcp(stalled[i])) stalled_done[i] = true, ++stalled_closed;
      }
      std::this_thread::sleep_for(100ms);
    }
    for (int fd : stalled) ::close(fd);
    BOOST_TEST_MESSAGE("idle: " << idle_closed << "/" << idle.size()
                                << " closed by the server, stalled handshakes: " << stalled_closed
                                << "/100, after " << Since(t0) << " s");
    BOOST_TEST(idle_closed == idle.size());
    BOOST_TEST(stalled_closed == stalled.size());
  });
}

BOOST_AUTO_TEST_CASE(client_that_never_reads) {
  UnderProbe("pipelined requests, responses never read", [] {
    std::vector<std::unique_ptr<RawTls>> conns;
    const std::string request = "GET /openapi.yaml HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    std::string many;
    for (int i = 0; i < 200; ++i) many += request;
    const auto t0 = Clock::now();
    for (int i = 0; i < 20; ++i) {
      conns.push_back(std::make_unique<RawTls>(D().port(), 4096));
      BOOST_REQUIRE(conns.back()->ok());
      conns.back()->Write(many);  // stops at the send timeout once both buffers are full
    }
    while (Since(t0) < 4.0) std::this_thread::sleep_for(100ms);
  });
}

BOOST_AUTO_TEST_CASE(oversized_headers_and_bodies) {
  UnderProbe("oversized headers and bodies", [] {
    auto [big_header, c1] = RawExchange(
        "GET /livez HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n");
    BOOST_TEST(big_header == 431);
    BOOST_TEST(c1);
    std::string headers = "GET /livez HTTP/1.1\r\nHost: x\r\n";
    for (int i = 0; i < 2000; ++i) headers += "X-H" + std::to_string(i) + ": v\r\n";
    auto [many_headers, c2] = RawExchange(headers + "\r\n");
    BOOST_TEST(many_headers == 431);
    BOOST_TEST(c2);
    // The 413 comes from Content-Length alone, before any body is sent.
    auto [big_body, c3] = RawExchange(
        "POST /api/v1/manifests HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Authorization: Bearer " +
        D().producer_a + "\r\nContent-Length: 50000000\r\n\r\n");
    BOOST_TEST(big_body == 413);
    BOOST_TEST(c3);
    // A chunked body that grows past the limit.
    RawTls t(D().port());
    BOOST_REQUIRE(t.ok());
    t.Write(
        "POST /api/v1/manifests HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Authorization: Bearer " +
        D().producer_a + "\r\nTransfer-Encoding: chunked\r\n\r\n");
    const std::string chunk = "10000\r\n" + std::string(0x10000, ' ') + "\r\n";
    for (int i = 0; i < 40 && t.Write(chunk); ++i) {
    }
    bool closed = false;
    const int chunked = StatusOf(t.ReadAll(4000ms, &closed));
    BOOST_TEST_MESSAGE("chunked past the limit: " << chunked);
    BOOST_TEST((chunked == 413 || chunked == 0));
    BOOST_TEST(closed);
  });
}

BOOST_AUTO_TEST_CASE(malformed_http_after_the_handshake) {
  UnderProbe("malformed HTTP", [] {
    const std::vector<std::string> garbage = {
        "\x01\x02\x03 garbage \xff\xfe\r\n\r\n",
        "GET\r\n\r\n",
        "GET / HTTP/9.9\r\nHost: x\r\n\r\n",
        "GET /livez HTTP/1.1\r\nNo colon here\r\n\r\n",
        "POST /api/v1/scans HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
        "chunked\r\n\r\nZZZ\r\nabc\r\n0\r\n\r\n",
        "POST /api/v1/scans HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        "5\r\nabcdefghij\r\n0\r\n\r\n",
        "POST /api/v1/scans HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: "
        "9\r\n\r\nabcde",
        "POST /api/v1/scans HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
        "POST /api/v1/scans HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n",
        "POST /api/v1/scans HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
        "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    };
    for (const auto& g : garbage) {
      const auto t0 = Clock::now();
      auto [status, closed] = RawExchange(g);
      BOOST_TEST_INFO("request " << json::serialize(json::string(g)));
      // Refused (400-class, or just closed); never served, never a 5xx, never left hanging.
      BOOST_TEST((status == 0 || (status >= 400 && status < 500)), "status " << status);
      BOOST_TEST((closed || status != 0));
      BOOST_TEST(Since(t0) < 3.5);
    }
  });
}

BOOST_AUTO_TEST_CASE(old_tls_and_weak_ciphers_are_refused) {
  UnderProbe("TLS 1.0/1.1 and weak ciphers", [] {
    const std::string connect =
        "timeout 10 openssl s_client -connect 127.0.0.1:" + std::to_string(D().port()) +
        " -CAfile " + D().server.ca_file();
    std::string out;
    BOOST_TEST(RunCommand(connect + " -tls1_2 </dev/null", &out) == 0, out);  // control
    BOOST_TEST(out.find("Cipher is (NONE)") == std::string::npos);
    for (const char* old : {"-tls1", "-tls1_1"}) {
      BOOST_TEST(
          RunCommand(connect + " " + old + " -cipher 'DEFAULT:@SECLEVEL=0' </dev/null", &out) != 0,
          out);
      BOOST_TEST(out.find("Cipher is (NONE)") != std::string::npos, out);
    }
    // CBC, plain RSA key exchange, 3DES, NULL and anonymous suites over TLS 1.2.
    for (const char* weak :
         {"ECDHE-ECDSA-AES128-SHA", "ECDHE-RSA-AES128-SHA", "AES128-SHA", "AES128-GCM-SHA256",
          "NULL-SHA256", "ADH-AES128-SHA", "ECDHE-ECDSA-AES128-SHA256"}) {
      BOOST_TEST(
          RunCommand(connect + " -tls1_2 -cipher '" + weak + ":@SECLEVEL=0' </dev/null", &out) != 0,
          weak << ": " << out);
      BOOST_TEST(out.find("Cipher is (NONE)") != std::string::npos, weak);
      BOOST_TEST(out.find("no cipher match") == std::string::npos, weak);  // offered, refused
    }
  });
}

BOOST_AUTO_TEST_CASE(plain_http_to_the_tls_port) {
  UnderProbe("plain HTTP to the TLS port", [] {
    for (int i = 0; i < 20; ++i) {
      const int fd = TcpConnect(D().port());
      BOOST_REQUIRE(fd >= 0);
      const std::string req = "GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
      ::send(fd, req.data(), req.size(), MSG_NOSIGNAL);
      std::string got;
      char buf[1024];
      const auto t0 = Clock::now();
      ssize_t n = 0;
      while (Since(t0) < 3.0 && (n = ::recv(fd, buf, sizeof buf, 0)) > 0) {
        got.append(buf, static_cast<size_t>(n));
      }
      ::close(fd);
      BOOST_TEST(n <= 0);
      BOOST_TEST(Since(t0) < 3.0);  // closed by the server, not our receive timeout
      BOOST_TEST(got.find("HTTP/1.1 200") == std::string::npos);
    }
  });
}

// ---- attacks on the application ----

BOOST_AUTO_TEST_CASE(another_partys_ids) {
  UnderProbe("another party's ids", [] {
    auto c = D().server.Client();
    const auto b = Bearer(D().producer_b);
    const std::string id = D().a_manifests[0].id;
    auto refused = [](const net::ClientResponse& r) { return r.status == 403 || r.status == 404; };
    auto get = MustSend(c, "GET", "/api/v1/manifests/" + id, b);
    BOOST_TEST(refused(get), get.status << " " << get.body);
    auto label = MustSend(c, "GET", "/api/v1/manifests/" + id + "/label.svg", b);
    BOOST_TEST(refused(label), label.status);
    auto vd =
        MustSend(c, "POST", "/api/v1/manifests/" + id + "/void", b, R"({"reason":"mine now"})");
    BOOST_TEST(refused(vd), vd.status << " " << vd.body);
    auto issue = MustSend(c, "POST", "/api/v1/manifests", b, IssueJson(UsccA(), 1));
    BOOST_TEST(refused(issue), issue.status << " " << issue.body);
    auto run = MustSend(
        c, "POST", "/api/v1/labels", b,
        json::serialize(json::object{{"ids", json::array{json::string(id)}}, {"format", "pdf"}}));
    BOOST_TEST(refused(run), run.status << " " << run.body);
    auto tok = MustSend(c, "POST", "/api/v1/orgs/" + UsccA() + "/tokens", b,
                        R"({"role":"producer","label":"stolen"})");
    BOOST_TEST(refused(tok), tok.status);
    auto list = MustSend(c, "GET", "/api/v1/manifests?producer=" + UsccA(), b);
    BOOST_TEST((refused(list) || list.body.find(id) == std::string::npos), list.body);
    auto audit = MustSend(c, "GET", "/api/v1/audit", b);
    BOOST_TEST(refused(audit), audit.status);
    // A collector is no producer: it cannot issue.
    auto col = MustSend(c, "POST", "/api/v1/manifests", Bearer(D().collector_token),
                        IssueJson(UsccA(), 1));
    BOOST_TEST(refused(col), col.status);
    // The manifest is untouched.
    auto own = MustSend(c, "GET", "/api/v1/manifests/" + id, Bearer(D().producer_a));
    BOOST_TEST(own.status == 200);
    BOOST_TEST(ParseJson(own.body).at("status").as_string() == "issued");
  });
}

// One GET over `t` (keep-alive) with a bearer token; the status, or 0 when none came.
int RawGet(RawTls& t, const std::string& target, const std::string& token) {
  if (!t.Write("GET " + target + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
               "\r\n\r\n")) {
    return 0;
  }
  bool closed = false;
  return StatusOf(t.ReadAll(3000ms, &closed, true));
}

// The guesser comes from an address of its own (127.0.0.3): the throttle is per address, and
// a throttled address is refused even with a genuine token (checked before the lookup).
BOOST_AUTO_TEST_CASE(token_brute_force_is_throttled_and_logged) {
  UnderProbe("token brute force", [] {
    RawTls t(D().port(), 0, "127.0.0.3");
    BOOST_REQUIRE(t.ok());
    std::mt19937_64 rng(42);
    int unauthorized = 0, limited = 0, first_limited = -1;
    for (int i = 0; i < 150; ++i) {
      const std::string guess = "ctk_" + std::to_string(rng()) + std::to_string(rng());
      const int status = RawGet(t, "/api/v1/orgs", guess);
      if (status == 401) ++unauthorized;
      if (status == 429) {
        if (first_limited < 0) first_limited = i;
        ++limited;
      }
      BOOST_TEST((status == 401 || status == 429), "status " << status);
    }
    BOOST_TEST_MESSAGE("brute force: " << unauthorized << " x 401, " << limited
                                       << " x 429 (first at attempt " << first_limited << ")");
    BOOST_TEST(unauthorized > 0);
    BOOST_TEST(first_limited > 0);
    BOOST_TEST(first_limited <= 50);
    BOOST_TEST(limited >= 100);
    // A right guess while throttled must not pass: 429 like the wrong ones.
    BOOST_TEST(RawGet(t, "/api/v1/orgs?limit=1", D().admin) == 429);
    // The failures are in the log (as statuses, never the guessed tokens).
    const std::string log = ReadFile(D().server.log_file());
    size_t logged_401 = 0, logged_429 = 0;
    for (size_t at = 0; (at = log.find("\"status\":401", at)) != std::string::npos; ++at)
      ++logged_401;
    for (size_t at = 0; (at = log.find("\"status\":429", at)) != std::string::npos; ++at)
      ++logged_429;
    BOOST_TEST(logged_401 >= static_cast<size_t>(unauthorized));
    BOOST_TEST(logged_429 >= static_cast<size_t>(limited));
    BOOST_TEST(log.find("ctk_") == std::string::npos);
  });
}

const std::vector<std::string>& EvilStrings() {
  static const std::vector<std::string> v = {"'; DROP TABLE manifests; --", "../../etc/passwd",
                                             "%00"};
  return v;
}

// The value under `key` in the first object (searched depth first) whose `match_key` equals
// `match_value` (or in any object when match_key is empty); null when absent.
const json::value* FindField(const json::value& v, const std::string& key,
                             const std::string& match_key = "", const std::string& match = "") {
  if (v.is_object()) {
    const auto& o = v.as_object();
    const auto* m = match_key.empty() ? nullptr : o.if_contains(match_key);
    if (o.contains(key) &&
        (match_key.empty() || (m && m->is_string() && m->as_string() == match))) {
      return o.if_contains(key);
    }
    for (const auto& kv : o) {
      if (const auto* f = FindField(kv.value(), key, match_key, match)) return f;
    }
  } else if (v.is_array()) {
    for (const auto& e : v.as_array()) {
      if (const auto* f = FindField(e, key, match_key, match)) return f;
    }
  }
  return nullptr;
}

struct Target {
  std::string path;       // POST here
  json::object base;      // a valid body
  std::string read_path;  // GET here after a 201 ("" = no read-back)
  std::string id_key;     // the identifying field in the read-back
};

BOOST_AUTO_TEST_CASE(sql_and_path_metacharacters_in_every_string_field) {
  UnderProbe("SQL and path metacharacters", [] {
    auto c = D().server.Client();
    const auto admin = Bearer(D().admin);
    int serial = 0;
    auto fresh_uscc = [&] {
      char buf[16];
      std::snprintf(buf, sizeof buf, "%04d", ++serial % 10000);
      return UsccFrom(std::string("9133010000000") + buf);
    };
    int checked = 0, stored = 0, refused = 0;
    auto attack = [&](const std::string& field, const Target& t, const json::value& evil,
                      const std::string& evil_text, const std::map<std::string, std::string>& h) {
      json::object body = t.base;
      body[field] = evil;
      auto r = MustSend(c, "POST", t.path, h, json::serialize(body));
      BOOST_TEST_INFO(t.path << " " << field << "=" << evil_text << " -> " << r.status << " "
                             << r.body);
      BOOST_TEST((r.status == 201 || r.status == 200 || r.status == 422));
      ++checked;
      if (r.status == 422) {
        ++refused;
        return;
      }
      ++stored;
      if (t.read_path.empty() || !evil.is_string()) return;
      std::string read = t.read_path;
      std::string id = t.id_key.empty() ? "" : std::string(body.at(t.id_key).as_string());
      if (t.read_path == "manifest") {
        read = "/api/v1/manifests/" + std::string(FindField(ParseJson(r.body), "id")->as_string());
        id.clear();
      }
      auto back = MustSend(c, "GET", read, admin);
      BOOST_REQUIRE_EQUAL(back.status, 200);
      const json::value back_json = ParseJson(back.body);  // outlives `got`
      const auto* got = FindField(back_json, field, id.empty() ? "" : t.id_key, id);
      BOOST_REQUIRE_MESSAGE(got && got->is_string(),
                            "read back " << field << " from " << back.body);
      BOOST_TEST(got->as_string() == evil_text);
    };
    for (const auto& evil_text : EvilStrings()) {
      const json::value evil = json::string(evil_text);
      // Organisations (admin).
      const std::vector<std::string> org_fields = {"uscc", "name", "district", "contact"};
      for (const auto& f : org_fields) {
        const std::string u = fresh_uscc();
        attack(f,
               {"/api/v1/orgs",
                {{"uscc", u},
                 {"name", "n"},
                 {"roles", json::array{"facility"}},
                 {"district", "331002"}},
                "/api/v1/orgs/" + u,
                ""},
               evil, evil_text, admin);
      }
      const std::string u = fresh_uscc();
      attack("roles", {"/api/v1/orgs", {{"uscc", u}, {"name", "n"}}, "", ""}, json::array{evil},
             evil_text, admin);
      // Manifests (producer A).
      const json::object issue = {{"producer", UsccA()}, {"waste_code", "900-041-49"},
                                  {"mass_g", 1000},      {"packaging", "DR"},
                                  {"count", 1},          {"produced_on", "2026-11-28"}};
      for (const char* f :
           {"producer", "waste_code", "packaging", "produced_on", "destination", "description"}) {
        attack(f, {"/api/v1/manifests", issue, "manifest", ""}, evil, evil_text,
               Bearer(D().producer_a));
      }
      // Facilities (admin): operated by a fresh facility org.
      const std::string op = fresh_uscc();
      MustSend(c, "POST", "/api/v1/orgs", admin,
               json::serialize(
                   json::object{{"uscc", op}, {"name", "op"}, {"roles", json::array{"facility"}}}));
      for (const char* f : {"id", "operator", "name", "kind", "regime"}) {
        const std::string fid = "FAC-EVIL-" + std::to_string(++serial);
        attack(f,
               {"/api/v1/facilities",
                {{"id", fid},
                 {"operator", op},
                 {"name", "F"},
                 {"kind", "incinerator"},
                 {"capacity", json::object{{"t_per_year", 100}}}},
                "/api/v1/facilities?limit=1000",
                "id"},
               evil, evil_text, admin);
      }
      attack("accepts",
             {"/api/v1/facilities",
              {{"id", "FAC-EVIL-" + std::to_string(++serial)},
               {"operator", op},
               {"name", "F"},
               {"kind", "incinerator"},
               {"capacity", json::object{{"t_per_year", 100}}}},
              "",
              ""},
             json::array{evil}, evil_text, admin);
      // Tokens, devices, programmes, void reasons, verification.
      for (const char* f : {"role", "label"}) {
        attack(
            f,
            {"/api/v1/orgs/" + UsccB() + "/tokens", {{"role", "producer"}, {"label", "x"}}, "", ""},
            evil, evil_text, admin);
      }
      for (const char* f : {"device_id", "org"}) {
        attack(f,
               {"/api/v1/devices",
                {{"device_id", "dev-" + std::to_string(++serial)}, {"org", D().collector}},
                "",
                ""},
               evil, evil_text, admin);
      }
      for (const char* f : {"id", "name", "collector"}) {
        attack(f,
               {"/api/v1/programmes",
                {{"id", "P-" + std::to_string(++serial)},
                 {"name", "P"},
                 {"collector", D().collector},
                 {"capacity_t_per_year", 10}},
                "",
                ""},
               evil, evil_text, admin);
      }
      auto fresh = IssueManifests(c, D().producer_a, UsccA(), 1);
      attack("reason", {"/api/v1/manifests/" + fresh[0].id + "/void", {{"reason", "x"}}, "", ""},
             evil, evil_text, Bearer(D().producer_a));
      auto v = MustSend(c, "POST", "/api/v1/verify", {{"Content-Type", "application/json"}},
                        json::serialize(json::object{{"token", evil}}));
      BOOST_TEST((v.status == 200 || v.status == 422 || v.status == 400), v.status);
      // Path metacharacters in the path itself.
      for (const std::string& p : std::vector<std::string>{
               "/api/v1/manifests/" + evil_text, "/api/v1/orgs/..%2f..%2fetc%2fpasswd",
               "/web/../../../../etc/passwd", "/web/..%2f..%2f..%2fetc%2fpasswd"}) {
        std::string target;
        for (char ch : p) target += ch == ' ' ? std::string("%20") : std::string(1, ch);
        auto g = c.Send("GET", target, admin);
        if (!g.ok()) continue;  // the client may refuse to send it; that is fine
        BOOST_TEST(g->status >= 400, target << " -> " << g->status);
        BOOST_TEST(g->body.find("root:") == std::string::npos, target);
      }
    }
    BOOST_TEST_MESSAGE("metacharacters: " << checked << " fields tried, " << stored
                                          << " stored verbatim, " << refused
                                          << " refused with 422");
    // The tables are all still there and the audit chain is intact.
    auto list = MustSend(c, "GET", "/api/v1/manifests?limit=1", admin);
    BOOST_TEST(list.status == 200);
    auto verify = MustSend(c, "GET", "/api/v1/audit/verify", admin);
    BOOST_TEST(verify.status == 200);
    BOOST_TEST(ParseJson(verify.body).at("ok").as_bool(), verify.body);
  });
}

BOOST_AUTO_TEST_CASE(invalid_utf8_and_nesting_bombs_are_400) {
  UnderProbe("invalid UTF-8 and JSON nesting bombs", [] {
    auto c = D().server.Client();
    const auto admin = Bearer(D().admin);
    for (const std::string& bad :
         {std::string("\xff\xfe"), std::string("\xc3\x28"), std::string("\xc0\xaf"),
          std::string("\xed\xa0\x80"), std::string("ok\xf8\x88\x80\x80\x80")}) {
      const std::string body = R"({"uscc":")" + UsccFrom("91330100UTF000001") + R"(","name":")" +
                               bad + R"(","roles":["producer"]})";
      auto r = MustSend(c, "POST", "/api/v1/orgs", admin, body);
      BOOST_TEST(r.status == 400, r.status << " " << r.body);
      auto s = MustSend(c, "POST", "/api/v1/scans", Bearer(D().collector_token),
                        R"({"scans":[{"event_id":")" + bad + R"("}]})");
      BOOST_TEST(s.status == 400, s.status << " " << s.body);
    }
    for (int depth : {100, 10000, 400000}) {
      for (const auto& [open, close] : {std::pair{"[", "]"}, std::pair{"{\"a\":", "}"}}) {
        std::string bomb;
        for (int i = 0; i < depth; ++i) bomb += open;
        bomb += "1";
        for (int i = 0; i < depth; ++i) bomb += close;
        if (bomb.size() > 900000) bomb.resize(900000);  // under the body limit; unbalanced is fine
        for (const char* path : {"/api/v1/manifests", "/api/v1/scans", "/api/v1/verify"}) {
          const auto t0 = Clock::now();
          auto r = MustSend(c, "POST", path,
                            std::string(path) == "/api/v1/scans" ? Bearer(D().collector_token)
                                                                 : Bearer(D().producer_a),
                            bomb);
          BOOST_TEST_INFO(path << " depth " << depth << " " << open);
          BOOST_TEST(r.status == 400, r.status << " " << r.body.substr(0, 200));
          BOOST_TEST(Since(t0) < 1.0);
        }
      }
    }
  });
}

BOOST_AUTO_TEST_CASE(a_thousand_garbage_scans_are_all_rejected) {
  UnderProbe("1000-scan garbage batch", [] {
    auto c = D().server.Client();
    std::mt19937 rng(7);
    json::array scans;
    for (int i = 0; i < 1000; ++i) {
      std::string junk(40 + rng() % 200, ' ');
      for (auto& ch : junk) ch = static_cast<char>(33 + rng() % 94);
      json::object s{{"event_id", NewUuidV4()},
                     {"token", (i % 2 ? "WM1:" : "") + junk},
                     {"kind", i % 3 ? "pickup" : "dispose"},
                     {"mass_g", 1000},
                     {"scanned_at", "2026-11-28T09:41:07+08:00"}};
      if (i % 7 == 0) s["lat"] = "north";  // a wrong type rejects that scan alone
      if (i % 11 == 0) s["extra"] = junk;  // so does an unknown field
      if (i % 13 == 0) s["token"] = D().a_manifests[0].token.substr(0, 30);  // truncated
      scans.push_back(std::move(s));
    }
    const auto t0 = Clock::now();
    auto r = MustSend(c, "POST", "/api/v1/scans", Bearer(D().collector_token),
                      json::serialize(json::object{{"scans", std::move(scans)}}));
    BOOST_TEST_MESSAGE("1000 garbage scans answered in " << Since(t0) << " s");
    BOOST_REQUIRE_MESSAGE(r.status == 200, r.status << " " << r.body.substr(0, 300));
    const auto results = ParseJson(r.body).at("results").as_array();
    BOOST_TEST(results.size() == 1000u);
    size_t rejected = 0;
    for (const auto& res : results) rejected += res.at("status").as_string() == "rejected";
    BOOST_TEST(rejected == 1000u);
    // 1001 scans are refused as a whole.
    json::array too_many(1001, json::object{{"event_id", "x"}});
    auto big = MustSend(c, "POST", "/api/v1/scans", Bearer(D().collector_token),
                        json::serialize(json::object{{"scans", too_many}}));
    BOOST_TEST((big.status == 422 || big.status == 400 || big.status == 413), big.status);
  });
}

// Everything at once, for good measure: slowloris, idle connections and a non-reader together.
BOOST_AUTO_TEST_CASE(transport_attacks_together) {
  UnderProbe("slowloris + idle + non-reader together", [] {
    std::vector<std::unique_ptr<RawTls>> conns;
    for (int i = 0; i < 200; ++i) {
      conns.push_back(std::make_unique<RawTls>(D().port(), 4096));
      BOOST_REQUIRE(conns.back()->ok());
    }
    std::string many;
    for (int i = 0; i < 100; ++i) many += "GET /openapi.yaml HTTP/1.1\r\nHost: x\r\n\r\n";
    for (int i = 0; i < 10; ++i) conns[static_cast<size_t>(i)]->Write(many);
    const auto t0 = Clock::now();
    const std::string slow = "GET /livez HTTP/1.1\r\nHost: x\r\n";
    for (size_t byte = 0; byte < slow.size() && Since(t0) < 4.0; ++byte) {
      for (size_t i = 10; i < 60; ++i) conns[i]->Write(slow.substr(byte, 1));
      std::this_thread::sleep_for(1s);
    }
  });
}

}  // namespace
}  // namespace cradle::testing
