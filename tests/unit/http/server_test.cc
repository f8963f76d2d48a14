// A real Server on 127.0.0.1:0 with real TLS: certificates made by the openssl CLI in a temp
// dir, driven by net::HttpsClient, raw TLS/TCP sockets and `openssl s_client`.
#define BOOST_TEST_MODULE http_server_test
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include "net/https_client.h"
#include "server/http/problem.h"
#include "server/http/server.h"
#include "tests/support/temp_dir.h"

namespace cradle::http {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using namespace std::string_literals;
using SteadyClock = std::chrono::steady_clock;

// ---- test PKI, made once per run ----

std::string Run(const std::string& cmd, int* exit_code = nullptr) {
  std::string out;
  std::FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  if (!p) throw std::runtime_error("popen failed: " + cmd);
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int status = ::pclose(p);
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (exit_code) {
    *exit_code = code;
  } else if (code != 0) {
    throw std::runtime_error("command failed: " + cmd + "\n" + out);
  }
  return out;
}

struct Pki {
  testing::TempDir tmp{"cradle-http-test"};
  fs::path dir = tmp.path();
  std::string ca, server_crt, server_key, client_crt, client_key, other_crt, other_key;

  Pki() {
    auto p = [&](const char* name) { return (dir / name).string(); };
    MakeCa(p("ca"), "cradle test CA");
    MakeCa(p("other-ca"), "some other CA");
    std::ofstream(p("server.ext")) << "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                                      "extendedKeyUsage=serverAuth\n";
    std::ofstream(p("client.ext")) << "extendedKeyUsage=clientAuth\n";
    Issue(p("ca"), p("server"), "localhost", p("server.ext"));
    Issue(p("ca"), p("client"), "scanner-007", p("client.ext"));
    Issue(p("other-ca"), p("other"), "intruder", p("client.ext"));
    ca = p("ca.crt");
    server_crt = p("server.crt");
    server_key = p("server.key");
    client_crt = p("client.crt");
    client_key = p("client.key");
    other_crt = p("other.crt");
    other_key = p("other.key");
  }
  static void MakeCa(const std::string& base, const std::string& cn) {
    Run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2"
        " -keyout " +
        base + ".key -out " + base + ".crt -subj '/CN=" + cn + "'");
  }
  static void Issue(const std::string& ca, const std::string& base, const std::string& cn,
                    const std::string& ext) {
    Run("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout " + base +
        ".key -out " + base + ".csr -subj '/CN=" + cn + "'");
    Run("openssl x509 -req -in " + base + ".csr -CA " + ca + ".crt -CAkey " + ca +
        ".key -CAcreateserial -days 2 -out " + base + ".crt -extfile " + ext);
  }
};

Pki& TestPki() {
  static Pki pki;
  return pki;
}

// ---- a server with a handful of routes, a captured log and its own metrics ----

struct Harness {
  std::mutex log_mu;
  std::vector<std::string> log_lines;
  AccessLog log{[this](std::string_view line) {
    std::lock_guard<std::mutex> lock(log_mu);
    log_lines.emplace_back(line);
  }};
  MetricsRegistry metrics;
  std::atomic<int> body_handler_calls{0};
  std::atomic<bool> slow_started{false};
  std::atomic<bool> release_slow{false};  // /slow answers once the test sets this (or after 10 s)
  std::unique_ptr<Server> server;

  explicit Harness(const std::function<void(ServerOptions&)>& tweak = {}) {
    Router router;
    router.Add("GET", "/hello", [](Request&) {
      Response r;
      r.body = R"({"hello":"world"})";
      return r;
    });
    router.Add("GET", "/echo/{id}", [](Request& req) {
      boost::json::object o;
      o["id"] = req.Param("id");
      o["path"] = req.path;
      o["a"] = req.Query("a").value_or("-");
      o["b"] = req.Query("b").value_or("-");
      o["ip"] = req.remote_ip;
      o["cn"] = req.client_cert_cn.value_or("none");
      o["req_id"] = req.request_id;
      o["x_thing"] = req.Header("x-thing");
      Response r;
      r.body = boost::json::serialize(o);
      return r;
    });
    router.Add("POST", "/body", [this](Request& req) {
      ++body_handler_calls;
      Response r;
      r.body = std::to_string(req.body.size());
      return r;
    });
    router.Add(
        "POST", "/verify", [](Request&) { return Response{}; }, RouteOptions{.rate_limited = true});
    router.Add("GET", "/throw", [](Request&) -> Response { throw std::runtime_error("boom"); });
    router.Add("GET", "/slow", [this](Request&) {
      slow_started = true;
      const auto until = std::chrono::steady_clock::now() + 10s;
      while (!release_slow.load() && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(2ms);
      }
      Response r;
      r.body = "slow done";
      return r;
    });

    ServerOptions options;
    options.address = "127.0.0.1";
    options.port = 0;
    options.io_threads = 2;
    options.handler_threads = 4;
    options.cert_chain_file = TestPki().server_crt;
    options.key_file = TestPki().server_key;
    options.access_log = &log;
    options.metrics = &metrics;
    if (tweak) tweak(options);
    server = std::make_unique<Server>(options, std::move(router));
    Status s = server->Start();
    BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
    BOOST_REQUIRE(server->port() != 0);
  }

  net::ClientOptions ClientOpts(const std::string& host = "127.0.0.1") const {
    net::ClientOptions o;
    o.host = host;
    o.port = server->port();
    o.ca_file = TestPki().ca;
    o.connect_timeout = 3s;
    o.read_timeout = 5s;
    return o;
  }

  std::string Log() {
    std::lock_guard<std::mutex> lock(log_mu);
    std::string all;
    for (auto& l : log_lines) all += l + "\n";
    return all;
  }
};

boost::json::object Json(const net::ClientResponse& r) {
  return boost::json::parse(r.body).as_object();
}

void ExpectProblem(const net::ClientResponse& r, int status, const std::string& code) {
  BOOST_TEST(r.status == status);
  BOOST_TEST(r.Header("content-type") == "application/problem+json");
  auto o = Json(r);
  BOOST_TEST(o.at("status").as_int64() == status);
  BOOST_TEST(o.at("code").as_string() == code);
  BOOST_TEST(o.contains("type"));
  BOOST_TEST(o.contains("title"));
  BOOST_TEST(o.contains("detail"));
}

double Seconds(SteadyClock::time_point since) {
  return std::chrono::duration<double>(SteadyClock::now() - since).count();
}

// ---- tests ----

BOOST_AUTO_TEST_CASE(get_over_tls) {
  Harness h;
  net::HttpsClient client(h.ClientOpts());
  auto r = client.Get("/hello");
  BOOST_REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  BOOST_TEST(r->status == 200);
  BOOST_TEST(r->body == R"({"hello":"world"})");
  BOOST_TEST(r->Header("content-type") == "application/json; charset=utf-8");
  BOOST_TEST(r->Header("cache-control") == "no-store");
  BOOST_TEST(!r->Header("x-request-id").empty());
  // The certificate also verifies by name.
  net::HttpsClient by_name(h.ClientOpts("localhost"));
  auto r2 = by_name.Get("/hello");
  BOOST_REQUIRE_MESSAGE(r2.ok(), r2.status().ToString());
  BOOST_TEST(r2->status == 200);
  // A client that does not trust our CA refuses the server.
  auto untrusting = h.ClientOpts();
  untrusting.ca_file = TestPki().dir.string() + "/other-ca.crt";
  auto r3 = net::HttpsClient(untrusting).Get("/hello");
  BOOST_REQUIRE(!r3.ok());
  BOOST_TEST(r3.status().code() == "NETWORK");
}

BOOST_AUTO_TEST_CASE(request_fields_reach_handler) {
  Harness h;
  net::HttpsClient client(h.ClientOpts());
  auto r = client.Get("/echo/AB%2FC?a=x+y%21&b=%E6%B5%99&a=second", {{"X-Thing", "v"}});
  BOOST_REQUIRE(r.ok());
  auto o = Json(*r);
  BOOST_TEST(o.at("id").as_string() == "AB/C");
  BOOST_TEST(o.at("path").as_string() == "/echo/AB/C");
  BOOST_TEST(o.at("a").as_string() == "x y!");
  BOOST_TEST(o.at("b").as_string() == "\xE6\xB5\x99");
  BOOST_TEST(o.at("ip").as_string() == "127.0.0.1");
  BOOST_TEST(o.at("cn").as_string() == "none");
  BOOST_TEST(o.at("x_thing").as_string() == "v");
  BOOST_TEST(o.at("req_id").as_string() == r->Header("x-request-id"));
  auto bad = client.Get("/echo/x?a=%zz");
  BOOST_REQUIRE(bad.ok());
  ExpectProblem(*bad, 400, "MALFORMED");
}

BOOST_AUTO_TEST_CASE(keep_alive_reuses_one_connection) {
  Harness h;
  net::HttpsClient client(h.ClientOpts());
  std::set<std::string> ids;
  for (int i = 0; i < 25; ++i) {
    auto r = client.Get("/hello");
    BOOST_REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    BOOST_TEST(r->status == 200);
    ids.insert(r->Header("x-request-id"));
  }
  BOOST_TEST(client.connects() == 1);
  BOOST_TEST(ids.size() == 25u);
}

BOOST_AUTO_TEST_CASE(not_found_and_method_not_allowed) {
  Harness h;
  net::HttpsClient client(h.ClientOpts());
  auto r = client.Get("/no/such/thing");
  BOOST_REQUIRE(r.ok());
  ExpectProblem(*r, 404, "NOT_FOUND");
  auto r2 = client.Send("DELETE", "/hello");
  BOOST_REQUIRE(r2.ok());
  ExpectProblem(*r2, 405, "METHOD_NOT_ALLOWED");
  BOOST_TEST(r2->Header("allow") == "GET, HEAD");
  BOOST_TEST(client.connects() == 1);  // errors in handling keep the connection
}

BOOST_AUTO_TEST_CASE(body_over_limit_is_413_before_reading) {
  Harness h([](ServerOptions& o) { o.limits.body_bytes = 1024; });
  net::HttpsClient client(h.ClientOpts());
  auto ok = client.Post("/body", std::string(1024, 'x'));
  BOOST_REQUIRE(ok.ok());
  BOOST_TEST(ok->body == "1024");
  auto r = client.Post("/body", std::string(256 * 1024, 'x'));
  BOOST_REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  ExpectProblem(*r, 413, "BODY_TOO_LARGE");
  BOOST_TEST(r->Header("connection") == "close");
  BOOST_TEST(h.body_handler_calls.load() == 1);
  // The server closed that connection; the client reconnects transparently.
  auto again = client.Post("/body", "{}");
  BOOST_REQUIRE(again.ok());
  BOOST_TEST(again->status == 200);
  BOOST_TEST(client.connects() == 2);
}

BOOST_AUTO_TEST_CASE(header_over_limit_is_431) {
  Harness h([](ServerOptions& o) { o.limits.header_bytes = 1024; });
  net::HttpsClient client(h.ClientOpts());
  auto ok = client.Get("/hello", {{"X-Pad", std::string(500, 'p')}});
  BOOST_REQUIRE(ok.ok());
  BOOST_TEST(ok->status == 200);
  auto r = client.Get("/hello", {{"X-Pad", std::string(4096, 'p')}});
  BOOST_REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  ExpectProblem(*r, 431, "HEADERS_TOO_LARGE");
}

// Sends `request` one byte every `interval` over raw TLS; returns the seconds until the
// server closed the connection (or -1), and how many bytes were sent.
std::pair<double, size_t> Slowloris(uint16_t port, const std::string& request,
                                    std::chrono::milliseconds interval) {
  namespace asio = boost::asio;
  asio::io_context ioc;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.set_verify_mode(asio::ssl::verify_none);
  asio::ssl::stream<asio::ip::tcp::socket> stream(ioc, ctx);
  stream.next_layer().connect({asio::ip::make_address("127.0.0.1"), port});
  stream.handshake(asio::ssl::stream_base::client);
  const auto start = SteadyClock::now();
  double closed_at = -1;
  size_t sent = 0;
  asio::steady_timer timer(ioc);
  std::function<void()> tick = [&] {
    if (closed_at >= 0 || sent >= request.size()) return;
    asio::async_write(stream, asio::buffer(&request[sent], 1),
                      [&](boost::system::error_code ec, size_t) {
                        if (ec) return;
                        ++sent;
                        timer.expires_after(interval);
                        timer.async_wait([&](boost::system::error_code e) {
                          if (!e) tick();
                        });
                      });
  };
  char buf[1024];
  stream.async_read_some(asio::buffer(buf), [&](boost::system::error_code, size_t) {
    closed_at = Seconds(start);
    timer.cancel();
  });
  tick();
  ioc.run_for(6s);
  return {closed_at, sent};
}

// Appends what `stream` sends to `got` until it contains `needle`, the peer closes, or
// `timeout` passes (so a server that never answers fails the test instead of hanging it).
template <class Stream>
void ReadUntil(boost::asio::io_context& ioc, Stream& stream, std::string& got,
               const std::string& needle, std::chrono::milliseconds timeout) {
  char buf[4096];
  std::function<void()> read = [&] {
    stream.async_read_some(boost::asio::buffer(buf), [&](boost::system::error_code ec, size_t n) {
      got.append(buf, n);
      if (!ec && got.find(needle) == std::string::npos) read();
    });
  };
  read();
  ioc.restart();
  ioc.run_for(timeout);
}

BOOST_AUTO_TEST_CASE(expect_100_continue_is_answered) {
  namespace asio = boost::asio;
  Harness h;
  asio::io_context ioc;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.set_verify_mode(asio::ssl::verify_none);
  asio::ssl::stream<asio::ip::tcp::socket> stream(ioc, ctx);
  stream.next_layer().connect({asio::ip::make_address("127.0.0.1"), h.server->port()});
  stream.handshake(asio::ssl::stream_base::client);
  const std::string body(3000, 'b');
  asio::write(stream, asio::buffer("POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: 3000\r\n"
                                   "Expect: 100-continue\r\n\r\n"s));
  std::string got;
  ReadUntil(ioc, stream, got, "\r\n\r\n", 2000ms);
  BOOST_TEST(got.starts_with("HTTP/1.1 100 Continue\r\n"), got);
  BOOST_TEST(h.body_handler_calls.load() == 0);
  got.clear();
  asio::write(stream, asio::buffer(body));
  ReadUntil(ioc, stream, got, "\r\n\r\n3000", 2000ms);
  BOOST_TEST(got.starts_with("HTTP/1.1 200 OK\r\n"), got);
  BOOST_TEST(h.body_handler_calls.load() == 1);
}

BOOST_AUTO_TEST_CASE(slowloris_is_cut_off_at_read_deadline, *boost::unit_test::label("timing")) {
  Harness h([](ServerOptions& o) { o.timeouts.read = 1s; });
  std::string request =
      "GET /hello HTTP/1.1\r\nHost: x\r\nX-Slow: " + std::string(100, 's') + "\r\n\r\n";
  auto [closed_at, sent] = Slowloris(h.server->port(), request, 200ms);
  BOOST_TEST_MESSAGE("slowloris closed after " << closed_at << " s, " << sent << " bytes");
  BOOST_TEST(closed_at >= 0.8);
  BOOST_TEST(closed_at <= 2.0);
  BOOST_TEST(sent < request.size());
}

BOOST_AUTO_TEST_CASE(idle_keep_alive_connection_is_closed, *boost::unit_test::label("timing")) {
  Harness h([](ServerOptions& o) { o.timeouts.idle = 300ms; });
  net::HttpsClient client(h.ClientOpts());
  BOOST_REQUIRE(client.Get("/hello").ok());
  BOOST_REQUIRE(client.Get("/hello").ok());
  BOOST_TEST(client.connects() == 1);  // within the idle window: reused
  std::this_thread::sleep_for(700ms);
  auto r = client.Get("/hello");
  BOOST_REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  BOOST_TEST(client.connects() == 2);  // the server had closed it
}

BOOST_AUTO_TEST_CASE(mtls_client_certificates) {
  Harness h([](ServerOptions& o) { o.client_ca_file = TestPki().ca; });
  auto with_cert = h.ClientOpts();
  with_cert.cert_file = TestPki().client_crt;
  with_cert.key_file = TestPki().client_key;
  auto r = net::HttpsClient(with_cert).Get("/echo/1");
  BOOST_REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  BOOST_TEST(Json(*r).at("cn").as_string() == "scanner-007");

  auto r2 = net::HttpsClient(h.ClientOpts()).Get("/echo/1");
  BOOST_REQUIRE_MESSAGE(r2.ok(), r2.status().ToString());
  BOOST_TEST(Json(*r2).at("cn").as_string() == "none");

  auto other = h.ClientOpts();
  other.cert_file = TestPki().other_crt;
  other.key_file = TestPki().other_key;
  auto r3 = net::HttpsClient(other).Get("/echo/1");
  BOOST_REQUIRE(!r3.ok());
  BOOST_TEST(r3.status().code() == "NETWORK");
}

BOOST_AUTO_TEST_CASE(old_tls_is_refused) {
  Harness h;
  const std::string connect =
      "timeout 10 openssl s_client -connect 127.0.0.1:" + std::to_string(h.server->port()) +
      " -CAfile " + TestPki().ca;
  int code = -1;
  // Positive control: the same command with TLS 1.2 gets through.
  std::string out12 = Run(connect + " -tls1_2 </dev/null", &code);
  BOOST_TEST(code == 0, out12);
  BOOST_TEST(out12.find("TLSv1.2") != std::string::npos);
  BOOST_TEST(out12.find("ECDHE") != std::string::npos);
  // SECLEVEL=0 lets this client offer TLS 1.1 at all; the server must still refuse it.
  std::string out11 = Run(connect + " -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0' </dev/null", &code);
  BOOST_TEST(code != 0, out11);
  // The refusal comes from the server (a protocol_version alert), not from this client.
  BOOST_TEST(out11.find("alert protocol version") != std::string::npos, out11);
  BOOST_TEST(out11.find("Cipher is (NONE)") != std::string::npos);
  // Non-AEAD (CBC) TLS 1.2 suites are refused too.
  std::string cbc = Run(connect + " -tls1_2 -cipher ECDHE-ECDSA-AES128-SHA </dev/null", &code);
  BOOST_TEST(code != 0, cbc);
  BOOST_TEST(cbc.find("Cipher is (NONE)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(plain_http_to_tls_port_gets_no_answer, *boost::unit_test::label("timing")) {
  Harness h;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  BOOST_REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(h.server->port());
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  BOOST_REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  timeval tv{3, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  const std::string req = "GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  BOOST_REQUIRE(::send(fd, req.data(), req.size(), MSG_NOSIGNAL) ==
                static_cast<ssize_t>(req.size()));
  std::string got;
  char buf[1024];
  const auto start = SteadyClock::now();
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) got.append(buf, static_cast<size_t>(n));
  ::close(fd);
  BOOST_TEST(n == 0);  // closed by the server (not a timeout on our side)
  BOOST_TEST(Seconds(start) < 2.5);
  BOOST_TEST(got.find("HTTP/1.1 200") == std::string::npos);
  BOOST_TEST(got.find("world") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(rate_limited_route_gives_429_after_burst) {
  Harness h([](ServerOptions& o) { o.rate_limit = {.rate_per_second = 0.2, .burst = 3}; });
  net::HttpsClient client(h.ClientOpts());
  for (int i = 0; i < 3; ++i) {
    auto r = client.Post("/verify", "{}");
    BOOST_REQUIRE(r.ok());
    BOOST_TEST(r->status == 200);
  }
  auto r = client.Post("/verify", "{}");
  BOOST_REQUIRE(r.ok());
  ExpectProblem(*r, 429, "RATE_LIMITED");
  BOOST_TEST(std::atoi(r->Header("retry-after").c_str()) >= 1);
  // Routes without the option are not throttled.
  for (int i = 0; i < 10; ++i) BOOST_TEST(client.Get("/hello")->status == 200);
}

BOOST_AUTO_TEST_CASE(throwing_handler_gives_500_and_server_goes_on) {
  Harness h;
  net::HttpsClient client(h.ClientOpts());
  auto r = client.Get("/throw");
  BOOST_REQUIRE(r.ok());
  ExpectProblem(*r, 500, "INTERNAL");
  BOOST_TEST(r->body.find("boom") == std::string::npos);  // no internals leak to clients
  auto after = client.Get("/hello");
  BOOST_REQUIRE(after.ok());
  BOOST_TEST(after->status == 200);
  std::string log = h.Log();
  BOOST_TEST(log.find("\"level\":\"error\"") != std::string::npos);
  BOOST_TEST(log.find("boom") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(graceful_stop_waits_for_in_flight_handler) {
  Harness h;
  Result<net::ClientResponse> slow = Status("PENDING", "");
  std::thread t([&] { slow = net::HttpsClient(h.ClientOpts()).Get("/slow"); });
  const auto wait_start = SteadyClock::now();
  while (!h.slow_started.load() && Seconds(wait_start) < 5) std::this_thread::sleep_for(5ms);
  BOOST_REQUIRE(h.slow_started.load());
  // Stop() on its own thread: it must not return while the handler is held. No sleeps: the
  // handler is released by the test, so the order is fixed whatever the machine's speed.
  std::atomic<bool> stopped{false};
  std::thread stopper([&] {
    h.server->Stop();
    stopped = true;
  });
  const auto drain_start = SteadyClock::now();
  while (!h.server->draining() && Seconds(drain_start) < 5) std::this_thread::sleep_for(2ms);
  const bool draining = h.server->draining();
  const bool stopped_while_held = stopped.load();
  h.release_slow = true;
  stopper.join();
  t.join();
  BOOST_TEST(draining);
  BOOST_TEST(!stopped_while_held);  // Stop waited for the in-flight handler
  BOOST_REQUIRE_MESSAGE(slow.ok(), slow.status().ToString());
  BOOST_TEST(slow->status == 200);
  BOOST_TEST(slow->body == "slow done");
  BOOST_TEST(h.server->draining());
  // After the stop nothing listens.
  auto late = net::HttpsClient(h.ClientOpts()).Get("/hello");
  BOOST_TEST(!late.ok());
}

BOOST_AUTO_TEST_CASE(port_in_use_is_a_clear_error) {
  Harness h;
  ServerOptions options;
  options.port = h.server->port();
  options.cert_chain_file = TestPki().server_crt;
  options.key_file = TestPki().server_key;
  options.access_log = &h.log;
  Server second(options, Router());
  Status s = second.Start();
  BOOST_TEST(s.code() == "ADDRESS_IN_USE");

  ServerOptions bad_tls = options;
  bad_tls.port = 0;
  bad_tls.key_file = TestPki().client_key;  // does not match the certificate
  BOOST_TEST(Server(bad_tls, Router()).Start().code() == "TLS_CONFIG");
}

BOOST_AUTO_TEST_CASE(connections_past_the_limit_are_closed) {
  Harness h([](ServerOptions& o) { o.limits.max_connections = 2; });
  net::HttpsClient a(h.ClientOpts()), b(h.ClientOpts()), c(h.ClientOpts());
  BOOST_REQUIRE(a.Get("/hello").ok());
  BOOST_REQUIRE(b.Get("/hello").ok());
  auto refused = c.Get("/hello");
  BOOST_TEST(!refused.ok());
  a.Close();
  // The server frees the slot once it sees the close: poll (bounded) instead of sleeping.
  Result<net::ClientResponse> admitted = Status("PENDING", "");
  const auto start = SteadyClock::now();
  do {
    admitted = c.Get("/hello");
    if (!admitted.ok()) std::this_thread::sleep_for(10ms);
  } while (!admitted.ok() && Seconds(start) < 5);
  BOOST_REQUIRE_MESSAGE(admitted.ok(), admitted.status().ToString());
  BOOST_TEST(admitted->status == 200);
}

BOOST_AUTO_TEST_CASE(metrics_and_access_log) {
  Harness h;
  net::HttpsClient client(h.ClientOpts());
  for (int i = 0; i < 3; ++i) BOOST_REQUIRE(client.Get("/echo/ID42?token=s3cret-query").ok());
  BOOST_REQUIRE(client
                    .Get("/nothing-here", {{"Authorization", "Bearer s3cret-bearer"},
                                           {"Cookie", "sid=s3cret-cookie"}})
                    .ok());
  // The log line and the counters are written after the response: poll (bounded) for them.
  const std::string want =
      "cradle_http_requests_total{method=\"GET\",route=\"unmatched\","
      "status=\"404\"} 1\n";
  const auto start = SteadyClock::now();
  while (Seconds(start) < 5) {
    bool logged = false;
    {
      std::lock_guard<std::mutex> lock(h.log_mu);
      logged = h.log_lines.size() >= 4;
    }
    if (logged && h.metrics.Render().find(want) != std::string::npos) break;
    std::this_thread::sleep_for(5ms);
  }
  const std::string text = h.metrics.Render();
  BOOST_TEST(text.find("cradle_http_requests_total{method=\"GET\",route=\"/echo/{id}\","
                       "status=\"200\"} 3\n") != std::string::npos,
             text);
  BOOST_TEST(text.find("cradle_http_requests_total{method=\"GET\",route=\"unmatched\","
                       "status=\"404\"} 1\n") != std::string::npos);
  BOOST_TEST(text.find("cradle_http_request_duration_seconds_count{route=\"/echo/{id}\"} 3\n") !=
             std::string::npos);
  const std::string log = h.Log();
  BOOST_TEST(log.find("s3cret") == std::string::npos, log);
  BOOST_TEST(log.find("ID42") == std::string::npos);  // the template is logged, not the path
  size_t lines = 0;
  for (const auto& line : h.log_lines) {
    auto o = boost::json::parse(line).as_object();
    for (const char* key : {"ts", "method", "route", "status", "dur_ms", "req_id", "ip", "bytes"}) {
      BOOST_TEST(o.contains(key), key);
    }
    ++lines;
  }
  BOOST_TEST(lines == 4u);
}

}  // namespace
}  // namespace cradle::http
