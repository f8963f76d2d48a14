#include "server/http/server.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <cmath>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <unordered_map>

#include "server/http/problem.h"
#include "server/http/query.h"

namespace cradle::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// TLS 1.2 suites: ECDHE key exchange with AEAD only. TLS 1.3 suites are all AEAD already.
constexpr char kTls12Ciphers[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// How long a closing connection is given for a TLS close_notify or to drain unread input.
constexpr std::chrono::milliseconds kCloseGrace{1000};
constexpr size_t kLingerMaxBytes = 1 << 20;

// Metric label values must come from a small set, whatever a client sends.
std::string MethodLabel(std::string_view m) {
  static const char* kKnown[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
  for (const char* k : kKnown) {
    if (m == k) return k;
  }
  return "OTHER";
}

int64_t WallMicros() { return SystemClock().NowMicros(); }

// Subject CN of the peer's certificate, if one was presented and verified.
std::optional<std::string> VerifiedPeerCn(SSL* ssl) {
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (!cert) return std::nullopt;
  std::optional<std::string> cn;
  if (SSL_get_verify_result(ssl) == X509_V_OK) {
    X509_NAME* subject = X509_get_subject_name(cert);
    int idx = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
    if (idx >= 0) {
      ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, idx));
      unsigned char* utf8 = nullptr;
      int len = ASN1_STRING_to_UTF8(&utf8, data);
      if (len >= 0) {
        cn = std::string(reinterpret_cast<char*>(utf8), static_cast<size_t>(len));
        OPENSSL_free(utf8);
      }
    }
  }
  X509_free(cert);
  return cn;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Server::Impl: owns the io_context, TLS context, acceptor, threads and shared counters.
// Sessions hold a raw pointer to it: the Impl destroys the io_context (and with it every
// session) before any other member.
class Server::Impl {
 public:
  Impl(ServerOptions options, Router router);
  ~Impl();

  Status Start();
  void RunUntilSignal();
  // Installs the SIGINT/SIGTERM handlers (once); caller holds stop_mu_.
  void WatchSignals();
  void Stop();
  void RequestStop();

  // Shared with sessions.
  const ServerOptions options_;
  const Router router_;
  RateLimiter limiter_;
  AccessLog* log_;
  MetricsRegistry* metrics_;
  Gauge* open_connections_;
  std::atomic<size_t> connections_{0};
  // Open connections per client address, for max_connections_per_address.
  std::mutex per_address_mu_;
  std::unordered_map<std::string, size_t> per_address_;
  bool AcquireAddress(const std::string& ip);
  void ReleaseAddress(const std::string& ip);
  std::atomic<int> in_flight_{0};
  std::atomic<bool> draining_{false};
  std::unique_ptr<asio::io_context> ioc_;
  std::unique_ptr<asio::thread_pool> handler_pool_;
  ssl::context ssl_ctx_{ssl::context::tls_server};
  uint16_t bound_port_ = 0;

  std::string NextRequestId();
  void Record(const std::string& method, const std::string& route, int status,
              Clock::time_point started, int64_t started_wall, const std::string& req_id,
              const std::string& ip, uint64_t bytes);

 private:
  Status ConfigureTls();
  void Accept();
  void OnAccept(beast::error_code ec, tcp::socket socket);

  std::unique_ptr<AccessLog> own_log_;
  std::optional<asio::strand<asio::io_context::executor_type>> accept_strand_;
  std::unique_ptr<tcp::acceptor> acceptor_;
  std::unique_ptr<asio::steady_timer> accept_retry_;
  std::unique_ptr<asio::signal_set> signals_;
  // Keeps run() going while a session has no I/O pending (its handler is on the pool).
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::vector<std::thread> io_threads_;
  std::atomic<uint64_t> request_seq_{0};
  std::string request_prefix_;

  std::mutex stop_mu_;  // serialises Stop(); held for its whole duration
  bool started_ = false;
  bool stopped_ = false;
  std::mutex request_mu_;
  std::condition_variable request_cv_;
  bool stop_requested_ = false;
};

// ---------------------------------------------------------------------------------------------
// Session: one TLS connection. Owns only its stream and the request in progress; all its
// handlers run on the stream's strand, so it needs no locks. Lives as long as an operation
// (or a handler-pool task) holds its shared_ptr.
class Session : public std::enable_shared_from_this<Session> {
 public:
  // `remote_ip` has been counted with AcquireAddress(); the session releases it.
  Session(Server::Impl* server, tcp::socket socket, std::string remote_ip)
      : server_(server),
        stream_(std::move(socket), server->ssl_ctx_),
        remote_ip_(std::move(remote_ip)) {
    server_->connections_.fetch_add(1);
    server_->open_connections_->Add(1);
  }
  ~Session() {
    if (request_active_) server_->in_flight_.fetch_sub(1);
    server_->connections_.fetch_sub(1);
    server_->open_connections_->Add(-1);
    server_->ReleaseAddress(remote_ip_);
  }

  void Run() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->Handshake(); });
  }

 private:
  beast::tcp_stream& Tcp() { return beast::get_lowest_layer(stream_); }
  const ServerTimeouts& Timeouts() const { return server_->options_.timeouts; }

  void Handshake() {
    Tcp().expires_after(Timeouts().handshake);
    stream_.async_handshake(ssl::stream_base::server,
                            [self = shared_from_this()](beast::error_code ec) {
                              if (ec) return self->CloseNow();  // incl. plain HTTP, bad certs
                              self->client_cn_ = VerifiedPeerCn(self->stream_.native_handle());
                              self->WaitForRequest();
                            });
  }

  // Waits for the first byte of the next request: the idle timeout applies until it arrives
  // (the read timeout for a new connection's first request), then the read timeout runs from
  // there to the request's last byte.
  void WaitForRequest() {
    if (server_->draining_.load()) return GracefulClose();
    method_ = "OTHER";
    route_ = "unmatched";
    head_ = false;
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(server_->options_.limits.header_bytes));
    parser_->body_limit(server_->options_.limits.body_bytes);
    if (buffer_.size() > 0) return ReadHeader();  // a pipelined request is already here
    Tcp().expires_after(first_request_ ? Timeouts().read : Timeouts().idle);
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              if (ec) return self->CloseNow();
                              self->buffer_.commit(n);
                              self->ReadHeader();
                            });
  }

  void ReadHeader() {
    Tcp().expires_after(Timeouts().read);
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    started_ = Clock::now();
    started_wall_ = WallMicros();
    if (ec) return OnReadError(ec);
    const auto& header = parser_->get();
    method_ = MethodLabel(header.method_string());
    auto length = parser_->content_length();
    if (length && *length > server_->options_.limits.body_bytes) return RejectBody();
    if (parser_->is_done()) return OnRequest();
    const bool large = !length || *length > server_->options_.limits.unauthenticated_body_bytes;
    if (large && server_->options_.pre_authenticate) return PreAuthenticate();
    ContinueBody();
  }

  void ContinueBody() {
    if (beast::iequals(parser_->get()[bhttp::field::expect], "100-continue")) {
      return SendContinue();
    }
    ReadBody();
  }

  // Credentials first, body second: the check may block (a token lookup), so it runs on the
  // handler pool; the read deadline keeps running meanwhile.
  void PreAuthenticate() {
    auto request = std::make_shared<Request>();
    FillHead(parser_->get(), request.get());
    asio::post(*server_->handler_pool_, [self = shared_from_this(), request] {
      std::optional<Response> refusal;
      try {
        refusal = self->server_->options_.pre_authenticate(*request);
      } catch (const std::exception& e) {
        self->server_->log_->Error(std::string("pre-authentication threw: ") + e.what(), "");
        refusal = Problem(500, "INTERNAL", "The server failed to handle this request.");
      }
      asio::post(self->stream_.get_executor(), [self, refusal = std::move(refusal)]() mutable {
        if (refusal) return self->SendAndClose(std::move(*refusal));
        self->ContinueBody();
      });
    });
  }

  // Method, target, headers (names lower-cased), peer address and certificate.
  template <class Header>
  void FillHead(const Header& message, Request* request) const {
    request->method = std::string(message.method_string());
    request->target = std::string(message.target());
    request->remote_ip = remote_ip_;
    request->client_cert_cn = client_cn_;
    for (const auto& field : message) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto [it, inserted] = request->headers.emplace(name, std::string(field.value()));
      if (!inserted) it->second += ", " + std::string(field.value());
    }
  }

  // curl and others wait (about a second) for this before sending a larger body.
  void SendContinue() {
    continue_ = {bhttp::status::continue_, 11};
    bhttp::async_write(stream_, continue_,
                       [self = shared_from_this()](beast::error_code ec, size_t) {
                         if (ec) return self->CloseNow();
                         self->ReadBody();
                       });
  }

  void ReadBody() {
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        if (ec) return self->OnReadError(ec);
                        self->OnRequest();
                      });
  }

  void OnReadError(beast::error_code ec) {
    if (ec == bhttp::error::header_limit) {
      return SendAndClose(Problem(431, "HEADERS_TOO_LARGE", ReasonPhrase(431),
                                  "The request headers exceed the server's limit."));
    }
    if (ec == bhttp::error::body_limit) return RejectBody();
    if (ec.category() == bhttp::make_error_code(bhttp::error::end_of_stream).category() &&
        ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
      return SendAndClose(Problem(400, "MALFORMED", "The request is not valid HTTP/1.1."));
    }
    CloseNow();  // timeout, reset, truncated: nobody to answer
  }

  void RejectBody() {
    SendAndClose(Problem(413, "BODY_TOO_LARGE", ReasonPhrase(413),
                         "The request body exceeds " +
                             std::to_string(server_->options_.limits.body_bytes) + " bytes."));
  }

  // An error found while reading: answer, then close without reading the rest.
  void SendAndClose(Response response) {
    close_after_write_ = true;
    route_ = "unmatched";
    request_id_ = server_->NextRequestId();
    if (started_wall_ == 0) {
      started_ = Clock::now();
      started_wall_ = WallMicros();
    }
    Write(std::move(response), /*keep_alive=*/false);
  }

  void OnRequest() {
    Tcp().expires_never();  // the handler may take its time; the write sets its own deadline
    request_active_ = true;
    server_->in_flight_.fetch_add(1);
    auto message = parser_->release();
    keep_alive_ = message.keep_alive();

    head_ = message.method() == bhttp::verb::head;

    auto request = std::make_shared<Request>();
    FillHead(message, request.get());
    request->request_id = request_id_ = server_->NextRequestId();
    request->body = std::move(message.body());

    std::string_view raw_path, raw_query;
    SplitTarget(request->target, &raw_path, &raw_query);
    auto path = PercentDecode(raw_path, /*plus_as_space=*/false);
    auto query = ParseQuery(raw_query);
    if (!path || !query || raw_path.empty() || raw_path.front() != '/') {
      route_ = "unmatched";
      return Write(Problem(400, "MALFORMED", "The request target is malformed."), keep_alive_);
    }
    request->path = std::move(*path);
    request->query = std::move(*query);

    RouteMatch match = server_->router_.Find(*request);
    route_ = match.route;
    if (match.error) return Write(std::move(*match.error), keep_alive_);
    if (match.options.rate_limited) {
      auto decision = server_->limiter_.Acquire(remote_ip_);
      if (!decision.allowed) {
        Response r = Problem(429, "RATE_LIMITED", ReasonPhrase(429),
                             "Too many requests from this address; retry later.");
        r.Header("Retry-After", std::to_string(std::max(
                                    1, static_cast<int>(std::ceil(decision.retry_after_seconds)))));
        return Write(std::move(r), keep_alive_);
      }
    }
    RunHandler(match.handler, std::move(request));
  }

  // Runs the handler on the pool (it may block) and posts the response back to the strand.
  void RunHandler(const Handler* handler, std::shared_ptr<Request> request) {
    asio::post(*server_->handler_pool_, [self = shared_from_this(), handler, request] {
      Response response;
      try {
        response = (*handler)(*request);
      } catch (const std::exception& e) {
        self->server_->log_->Error(std::string("handler threw: ") + e.what(), request->request_id);
        response = Problem(500, "INTERNAL", "The server failed to handle this request.");
      } catch (...) {
        self->server_->log_->Error("handler threw a non-exception", request->request_id);
        response = Problem(500, "INTERNAL", "The server failed to handle this request.");
      }
      asio::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
        self->Write(std::move(response), self->keep_alive_);
      });
    });
  }

  void Write(Response response, bool keep_alive) {
    keep_alive = keep_alive && !close_after_write_ && !server_->draining_.load();
    res_ = {};
    res_.version(11);
    res_.result(static_cast<unsigned>(response.status));
    if (!response.content_type.empty()) res_.set(bhttp::field::content_type, response.content_type);
    bool has_cache_control = false;
    for (auto& [name, value] : response.headers) {
      if (beast::iequals(name, "cache-control")) has_cache_control = true;
      res_.insert(name, value);
    }
    if (!has_cache_control) res_.set(bhttp::field::cache_control, "no-store");
    res_.set("X-Content-Type-Options", "nosniff");
    res_.set("X-Request-Id", request_id_);
    res_.body() = std::move(response.body);
    res_.keep_alive(keep_alive);
    res_.prepare_payload();
    if (head_) {  // the GET's head, Content-Length included, without its body
      const auto length = res_.body().size();
      res_.body().clear();
      res_.content_length(length);
    }
    status_ = response.status;

    Tcp().expires_after(Timeouts().write);
    bhttp::async_write(stream_, res_,
                       [self = shared_from_this(), keep_alive](beast::error_code ec, size_t) {
                         self->OnWrite(ec, keep_alive);
                       });
  }

  void OnWrite(beast::error_code ec, bool keep_alive) {
    server_->Record(method_, route_, status_, started_, started_wall_, request_id_, remote_ip_,
                    res_.body().size());
    if (request_active_) {
      request_active_ = false;
      server_->in_flight_.fetch_sub(1);
    }
    started_wall_ = 0;
    if (ec) return CloseNow();
    if (close_after_write_) return LingerClose();
    if (!keep_alive) return GracefulClose();
    first_request_ = false;
    WaitForRequest();
  }

  // Sends close_notify and closes; bounded so a silent peer cannot hold the socket.
  void GracefulClose() {
    Tcp().expires_after(kCloseGrace);
    stream_.async_shutdown([self = shared_from_this()](beast::error_code) { self->CloseNow(); });
  }

  // After an error answer the client may still be sending (a large body): stop sending, then
  // read and discard for a moment, so that closing does not reset the connection and destroy
  // the answer before the client reads it.
  void LingerClose() {
    beast::error_code ignored;
    Tcp().socket().shutdown(tcp::socket::shutdown_send, ignored);
    Tcp().expires_after(kCloseGrace);
    Discard();
  }

  void Discard() {
    Tcp().async_read_some(asio::buffer(discard_),
                          [self = shared_from_this()](beast::error_code ec, size_t n) {
                            self->discarded_ += n;
                            if (ec || self->discarded_ > kLingerMaxBytes) return self->CloseNow();
                            self->Discard();
                          });
  }

  void CloseNow() {
    beast::error_code ignored;
    Tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
    Tcp().close();
  }

  Server::Impl* server_;
  beast::ssl_stream<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::string_body> res_;
  bhttp::response<bhttp::empty_body> continue_;
  std::string remote_ip_;
  std::optional<std::string> client_cn_;
  bool first_request_ = true;
  bool keep_alive_ = false;
  bool close_after_write_ = false;
  bool request_active_ = false;
  bool head_ = false;  // the request in progress is a HEAD: its response goes without a body
  // The request in progress, for the log line and metrics.
  std::string method_ = "OTHER";
  std::string route_ = "unmatched";
  std::string request_id_;
  int status_ = 0;
  Clock::time_point started_;
  int64_t started_wall_ = 0;
  std::array<char, 16384> discard_;
  size_t discarded_ = 0;
};

// ---------------------------------------------------------------------------------------------

Server::Impl::Impl(ServerOptions options, Router router)
    : options_(std::move(options)),
      router_(std::move(router)),
      limiter_(options_.rate_limit),
      log_(options_.access_log),
      metrics_(options_.metrics ? options_.metrics : &DefaultMetrics()),
      open_connections_(
          &metrics_->GetGauge("cradle_http_connections_open", "TLS connections currently open.")) {
  if (!log_) {
    own_log_ = AccessLog::Stderr();
    log_ = own_log_.get();
  }
  std::random_device rd;
  char prefix[16];
  std::snprintf(prefix, sizeof prefix, "%08x", rd());
  request_prefix_ = prefix;
  ioc_ = std::make_unique<asio::io_context>();
}

Server::Impl::~Impl() {
  Stop();
  // Destroy everything that refers to the io_context first, then the io_context itself (which
  // destroys the remaining sessions) while the counters they touch are still alive.
  handler_pool_.reset();
  signals_.reset();
  accept_retry_.reset();
  acceptor_.reset();
  work_.reset();
  // The strand's implementation belongs to the io_context's strand service: release it before
  // the io_context destroys that service (ASan caught the use after free the other way round).
  accept_strand_.reset();
  ioc_.reset();
}

std::string Server::Impl::NextRequestId() {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s-%06llx", request_prefix_.c_str(),
                static_cast<unsigned long long>(request_seq_.fetch_add(1) + 1));
  return buf;
}

void Server::Impl::Record(const std::string& method, const std::string& route, int status,
                          Clock::time_point started, int64_t started_wall,
                          const std::string& req_id, const std::string& ip, uint64_t bytes) {
  double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  metrics_
      ->GetCounter("cradle_http_requests_total", "HTTP requests answered.",
                   {{"method", method}, {"route", route}, {"status", std::to_string(status)}})
      .Inc();
  metrics_
      ->GetHistogram("cradle_http_request_duration_seconds",
                     "Time from a request's headers to the end of its response.",
                     DefaultLatencyBuckets(), {{"route", route}})
      .Observe(seconds);
  AccessRecord record;
  record.ts_micros = started_wall;
  record.method = method;
  record.route = route;
  record.status = status;
  record.dur_ms = seconds * 1000;
  record.req_id = req_id;
  record.ip = ip;
  record.bytes = bytes;
  log_->Write(record);
}

Status Server::Impl::ConfigureTls() {
  SSL_CTX* ctx = ssl_ctx_.native_handle();
  ssl_ctx_.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                       ssl::context::no_compression | ssl::context::single_dh_use);
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  if (SSL_CTX_set_cipher_list(ctx, kTls12Ciphers) != 1) {
    return Status("TLS_CONFIG", "no usable TLS 1.2 cipher suite");
  }
  beast::error_code ec;
  ssl_ctx_.use_certificate_chain_file(options_.cert_chain_file, ec);
  if (ec) return Status("TLS_CONFIG", options_.cert_chain_file + ": " + ec.message());
  ssl_ctx_.use_private_key_file(options_.key_file, ssl::context::pem, ec);
  if (ec) return Status("TLS_CONFIG", options_.key_file + ": " + ec.message());
  if (SSL_CTX_check_private_key(ctx) != 1) {
    return Status("TLS_CONFIG", "the private key does not match the certificate");
  }
  if (!options_.client_ca_file.empty()) {
    ssl_ctx_.load_verify_file(options_.client_ca_file, ec);
    if (ec) return Status("TLS_CONFIG", options_.client_ca_file + ": " + ec.message());
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(options_.client_ca_file.c_str());
    if (names) SSL_CTX_set_client_CA_list(ctx, names);  // takes ownership
    // Verify a certificate when one is offered; a client without one still connects.
    ssl_ctx_.set_verify_mode(ssl::verify_peer, ec);
    static const unsigned char kSessionContext[] = "cradle";
    SSL_CTX_set_session_id_context(ctx, kSessionContext, sizeof kSessionContext - 1);
  }
  return Status::Ok();
}

Status Server::Impl::Start() {
  std::lock_guard<std::mutex> lock(stop_mu_);
  if (started_) return Status("ALREADY_STARTED", "Start() was called twice");
  if (Status s = ConfigureTls(); !s.ok()) return s;

  beast::error_code ec;
  auto address = asio::ip::make_address(options_.address, ec);
  if (ec) return Status("BIND_FAILED", "bad listen address '" + options_.address + "'");
  tcp::endpoint endpoint(address, options_.port);
  accept_strand_.emplace(asio::make_strand(*ioc_));
  acceptor_ = std::make_unique<tcp::acceptor>(*accept_strand_);
  accept_retry_ = std::make_unique<asio::steady_timer>(*accept_strand_);
  acceptor_->open(endpoint.protocol(), ec);
  if (!ec) acceptor_->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_->bind(endpoint, ec);
  if (ec == asio::error::address_in_use) {
    return Status("ADDRESS_IN_USE",
                  options_.address + ":" + std::to_string(options_.port) + " is already in use");
  }
  if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status("BIND_FAILED",
                  options_.address + ":" + std::to_string(options_.port) + ": " + ec.message());
  }
  bound_port_ = acceptor_->local_endpoint(ec).port();

  int io_threads = options_.io_threads > 0
                       ? options_.io_threads
                       : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  handler_pool_ = std::make_unique<asio::thread_pool>(std::max(1, options_.handler_threads));
  work_.emplace(ioc_->get_executor());
  asio::post(*accept_strand_, [this] { Accept(); });
  for (int i = 0; i < io_threads; ++i) io_threads_.emplace_back([this] { ioc_->run(); });
  started_ = true;
  // A signal that arrives between Start() and RunUntilSignal() (say systemd stopping the unit
  // just after READY=1) must drain like any other, not kill the process.
  if (options_.handle_signals) WatchSignals();
  return Status::Ok();
}

void Server::Impl::Accept() {
  acceptor_->async_accept(
      asio::make_strand(*ioc_),
      [this](beast::error_code ec, tcp::socket socket) { OnAccept(ec, std::move(socket)); });
}

void Server::Impl::OnAccept(beast::error_code ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted || !acceptor_->is_open()) return;
  if (ec) {
    // E.g. out of file descriptors: back off briefly instead of spinning.
    accept_retry_->expires_after(std::chrono::milliseconds(50));
    accept_retry_->async_wait([this](beast::error_code e) {
      if (!e) Accept();
    });
    return;
  }
  beast::error_code peer_ec;
  auto peer = socket.remote_endpoint(peer_ec);
  std::string ip = peer_ec ? std::string() : peer.address().to_string();
  if (connections_.load() >= options_.limits.max_connections || !AcquireAddress(ip)) {
    beast::error_code ignored;
    socket.close(ignored);  // over capacity: refuse at once rather than queue
  } else {
    std::make_shared<Session>(this, std::move(socket), std::move(ip))->Run();
  }
  Accept();
}

// One address may not hold every connection: a second client must still get in.
bool Server::Impl::AcquireAddress(const std::string& ip) {
  std::lock_guard<std::mutex> lock(per_address_mu_);
  size_t& n = per_address_[ip];
  if (n >= options_.limits.max_connections_per_address) {
    if (n == 0) per_address_.erase(ip);
    return false;
  }
  ++n;
  return true;
}

void Server::Impl::ReleaseAddress(const std::string& ip) {
  std::lock_guard<std::mutex> lock(per_address_mu_);
  auto it = per_address_.find(ip);
  if (it == per_address_.end()) return;
  if (--it->second == 0) per_address_.erase(it);
}

void Server::Impl::RequestStop() {
  std::lock_guard<std::mutex> lock(request_mu_);
  stop_requested_ = true;
  request_cv_.notify_all();
}

void Server::Impl::WatchSignals() {
  if (signals_) return;
  signals_ = std::make_unique<asio::signal_set>(*ioc_, SIGINT, SIGTERM);
  signals_->async_wait([this](beast::error_code ec, int) {
    if (!ec) RequestStop();
  });
}

void Server::Impl::RunUntilSignal() {
  {
    std::lock_guard<std::mutex> lock(stop_mu_);
    if (!started_ || stopped_) return;
    WatchSignals();
  }
  {
    std::unique_lock<std::mutex> lock(request_mu_);
    request_cv_.wait(lock, [this] { return stop_requested_; });
  }
  Stop();
}

void Server::Impl::Stop() {
  RequestStop();
  std::lock_guard<std::mutex> lock(stop_mu_);
  if (!started_ || stopped_) return;
  draining_.store(true);
  asio::post(*accept_strand_, [this] {
    beast::error_code ignored;
    acceptor_->close(ignored);
    accept_retry_->cancel();
  });
  auto deadline = Clock::now() + options_.timeouts.drain;
  while (in_flight_.load() > 0 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  work_.reset();
  ioc_->stop();
  for (std::thread& t : io_threads_) t.join();
  io_threads_.clear();
  handler_pool_->join();  // a handler past the deadline may hold the database: wait for it
  stopped_ = true;
}

// ---------------------------------------------------------------------------------------------

Server::Server(ServerOptions options, Router router)
    : impl_(std::make_shared<Impl>(std::move(options), std::move(router))) {}
Server::~Server() = default;
Status Server::Start() { return impl_->Start(); }
void Server::RunUntilSignal() { impl_->RunUntilSignal(); }
void Server::Stop() { impl_->Stop(); }
bool Server::draining() const { return impl_->draining_.load(); }
uint16_t Server::port() const { return impl_->bound_port_; }
RateLimiter& Server::rate_limiter() { return impl_->limiter_; }

}  // namespace cradle::http
