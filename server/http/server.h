// The HTTPS server: a listener that accepts TLS connections and sessions that speak
// HTTP/1.1 keep-alive, turning each request into a plain Request for the Router.
//
// Contract:
// - TLS 1.2+ only, ECDHE key exchange with AEAD ciphers, no compression, no renegotiation.
//   With `client_ca_file`, a client certificate is verified if presented (never required); a
//   certificate that fails verification fails the handshake. Its subject CN reaches handlers
//   as Request::client_cert_cn.
// - Handlers run on a pool of `handler_threads`, never on an io thread (they may block on a
//   group commit); a handler that throws gets a 500 problem and an error log line.
// - Limits are answered as problem+json and the connection is closed: header bytes -> 431,
//   body bytes -> 413 (from Content-Length, before reading the body). Timeouts close the
//   connection: TLS handshake, reading one request (first byte to last; a slowloris is cut
//   off at the deadline), keep-alive idle, writing a response. Past `max_connections`, or past
//   `max_connections_per_address` from one client address, new connections are closed at once.
// - A body that may exceed `unauthenticated_body_bytes` (a larger Content-Length, or chunked)
//   is read only after `pre_authenticate` has accepted the request's credentials, judged from
//   its headers on the handler pool; otherwise its answer (401/429/403) is sent and the
//   connection closed, so an unknown client cannot make the server buffer large bodies.
// - HEAD on a GET route is answered with the GET's status and headers (Content-Length
//   included) and no body.
// - Each response carries X-Request-Id, Cache-Control: no-store and X-Content-Type-Options:
//   nosniff; each request is logged (access_log.h) and counted in
//   cradle_http_requests_total{method,route,status} and
//   cradle_http_request_duration_seconds{route}.
//
// Lifecycle: construct -> Start() (binds; errors out on a port in use) -> RunUntilSignal() or
// Stop(). Stopping drains: no new connections, in-flight requests finish (up to
// `drain_deadline`; connections still busy past it are closed), then the io threads and
// handler pool are joined. A handler still running after the deadline is waited for, because
// it may hold the database; its response is discarded.
//
// Ownership: the Server owns its threads, sockets and TLS context; the Router is moved in.
// `access_log` and `metrics`, if given, are borrowed and must outlive the Server.
// Thread safety: Stop(), draining(), port() are safe from any thread (including handlers).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/status.h"
#include "server/http/access_log.h"
#include "server/http/metrics.h"
#include "server/http/rate_limiter.h"
#include "server/http/router.h"

namespace cradle::http {

struct ServerLimits {
  size_t header_bytes = 16 * 1024;                // request line + headers; beyond -> 431
  size_t body_bytes = 4 * 1024 * 1024;            // beyond -> 413
  size_t max_connections = 10000;                 // beyond, new connections are closed at once
  size_t max_connections_per_address = 256;       // per client IP; beyond, closed at once
  size_t unauthenticated_body_bytes = 64 * 1024;  // larger bodies need accepted credentials
};

struct ServerTimeouts {
  std::chrono::milliseconds handshake{10000};
  std::chrono::milliseconds read{30000};   // from a request's first byte to its last
  std::chrono::milliseconds idle{60000};   // keep-alive: waiting for the next request
  std::chrono::milliseconds write{30000};  // writing one response
  std::chrono::milliseconds drain{10000};  // graceful stop: wait this long for in-flight work
};

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8443;  // 0 = an ephemeral port; see Server::port()
  int io_threads = 0;    // 0 = std::thread::hardware_concurrency()
  int handler_threads = 32;
  std::string cert_chain_file;  // PEM: server certificate then intermediates
  std::string key_file;         // PEM private key
  std::string client_ca_file;   // optional: CA(s) for client certificates (mTLS)
  ServerLimits limits;
  ServerTimeouts timeouts;
  RateLimiterOptions rate_limit;       // for routes with RouteOptions::rate_limited
  AccessLog* access_log = nullptr;     // null = a log on stderr
  MetricsRegistry* metrics = nullptr;  // null = DefaultMetrics()
  // Judges a request's credentials from its headers (body empty) before a large body is read:
  // nullopt accepts, a Response is answered instead. Runs on the handler pool. Unset: every
  // body up to limits.body_bytes is read.
  std::function<std::optional<Response>(const Request&)> pre_authenticate;
  // Install the SIGINT/SIGTERM handlers in Start() rather than in RunUntilSignal(), so a
  // signal right after start-up drains instead of killing the process (production: true).
  bool handle_signals = false;
};

class Server {
 public:
  Server(ServerOptions options, Router router);
  ~Server();  // Stop()s if running
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Loads the TLS material, binds and listens, and starts the io and handler threads. Errors:
  // TLS_CONFIG (unreadable or mismatched cert/key/CA), ADDRESS_IN_USE, BIND_FAILED.
  Status Start();

  // Blocks until SIGINT or SIGTERM (or Stop() from another thread), then drains and returns.
  void RunUntilSignal();

  // Drains and stops; blocks until done. Idempotent.
  void Stop();

  // True once a stop has begun (/readyz answers 503 then).
  bool draining() const;
  // The bound port (after Start()).
  uint16_t port() const;
  // The per-IP limiter used for rate-limited routes; auth code may share it.
  RateLimiter& rate_limiter();

 private:
  class Impl;
  friend class Session;  // the per-connection state machine in server.cc
  std::shared_ptr<Impl> impl_;
};

}  // namespace cradle::http
