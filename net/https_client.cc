#include "net/https_client.h"

#include <openssl/ssl.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <optional>

namespace cradle::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

Status NetworkError(const std::string& what, const beast::error_code& ec) {
  return Status("NETWORK", what + ": " + ec.message());
}

bool IsAddress(const std::string& host) {
  beast::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

}  // namespace

// Impl: the io_context is run only inside Send(), on the caller's thread; async operations with
// a tcp_stream deadline give the synchronous calls their timeouts.
class HttpsClient::Impl {
 public:
  explicit Impl(ClientOptions options) : options_(std::move(options)) { ctx_status_ = Configure(); }

  Result<ClientResponse> Send(const std::string& method, const std::string& target,
                              const std::map<std::string, std::string>& headers,
                              const std::string& body) {
    if (!ctx_status_.ok()) return ctx_status_;
    const bool reused = stream_.has_value();
    if (!reused) {
      if (Status s = Connect(); !s.ok()) return s;
    }
    bool got_response_bytes = false;
    Result<ClientResponse> result = SendOnce(method, target, headers, body, &got_response_bytes);
    if (!result.ok() && reused && !got_response_bytes) {
      // The server probably closed the idle connection just before we used it: retry once on
      // a fresh one.
      Close();
      if (Status s = Connect(); !s.ok()) return s;
      result = SendOnce(method, target, headers, body, &got_response_bytes);
    }
    if (!result.ok()) Close();
    return result;
  }

  void Close() {
    if (!stream_) return;
    beast::error_code ignored;
    beast::get_lowest_layer(*stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(*stream_).close();
    stream_.reset();
    buffer_.clear();
  }

  int connects() const { return connects_; }

 private:
  Status Configure() {
    SSL_CTX_set_min_proto_version(ctx_.native_handle(), TLS1_2_VERSION);
    beast::error_code ec;
    if (options_.verify_peer) {
      if (options_.ca_file.empty()) {
        ctx_.set_default_verify_paths(ec);
      } else {
        ctx_.load_verify_file(options_.ca_file, ec);
      }
      if (ec) return Status("TLS_CONFIG", "CA file " + options_.ca_file + ": " + ec.message());
      ctx_.set_verify_mode(ssl::verify_peer, ec);
    } else {
      ctx_.set_verify_mode(ssl::verify_none, ec);
    }
    if (!options_.cert_file.empty()) {
      ctx_.use_certificate_chain_file(options_.cert_file, ec);
      if (ec) return Status("TLS_CONFIG", options_.cert_file + ": " + ec.message());
      ctx_.use_private_key_file(options_.key_file, ssl::context::pem, ec);
      if (ec) return Status("TLS_CONFIG", options_.key_file + ": " + ec.message());
    }
    return Status::Ok();
  }

  // Runs the io_context until the started operation completes.
  void RunIo() {
    ioc_.restart();
    ioc_.run();
  }

  Status Connect() {
    stream_.emplace(ioc_, ctx_);
    buffer_.clear();
    auto& tcp_stream = beast::get_lowest_layer(*stream_);
    if (!IsAddress(options_.host)) {
      SSL_set_tlsext_host_name(stream_->native_handle(), options_.host.c_str());
    }
    if (options_.verify_peer) {
      stream_->set_verify_callback(ssl::host_name_verification(options_.host));
    }
    beast::error_code ec;
    tcp::resolver resolver(ioc_);
    auto endpoints = resolver.resolve(options_.host, std::to_string(options_.port), ec);
    if (ec) {
      stream_.reset();
      return NetworkError("resolve " + options_.host, ec);
    }
    tcp_stream.expires_after(options_.connect_timeout);
    tcp_stream.async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
    RunIo();
    if (!ec) {
      stream_->async_handshake(ssl::stream_base::client, [&](beast::error_code e) { ec = e; });
      RunIo();
    }
    if (ec) {
      Close();
      return NetworkError("connect " + options_.host + ":" + std::to_string(options_.port), ec);
    }
    tcp_stream.expires_never();
    ++connects_;
    return Status::Ok();
  }

  Result<ClientResponse> SendOnce(const std::string& method, const std::string& target,
                                  const std::map<std::string, std::string>& headers,
                                  const std::string& body, bool* got_response_bytes) {
    bhttp::request<bhttp::string_body> req;
    req.version(11);
    req.method_string(method);
    req.target(target);
    for (const auto& [name, value] : headers) req.set(name, value);
    if (req.find(bhttp::field::host) == req.end()) {
      req.set(bhttp::field::host, options_.host + ":" + std::to_string(options_.port));
    }
    if (req.find(bhttp::field::user_agent) == req.end()) {
      req.set(bhttp::field::user_agent, "cradle-net/0.1");
    }
    bool has_body_method = method == "POST" || method == "PUT" || method == "PATCH";
    if (!body.empty() && has_body_method && req.find(bhttp::field::content_type) == req.end()) {
      req.set(bhttp::field::content_type, "application/json");
    }
    req.body() = body;
    req.keep_alive(true);
    req.prepare_payload();

    auto& tcp_stream = beast::get_lowest_layer(*stream_);
    beast::error_code ec;
    tcp_stream.expires_after(options_.read_timeout);
    bhttp::async_write(*stream_, req, [&](beast::error_code e, size_t) { ec = e; });
    RunIo();
    // A server that rejects the request early (413) may close while we write: still try to
    // read its answer.
    beast::error_code write_ec = ec;

    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(options_.max_response_bytes);
    parser.header_limit(64 * 1024);
    ec = {};
    tcp_stream.expires_after(options_.read_timeout);
    bhttp::async_read(*stream_, buffer_, parser, [&](beast::error_code e, size_t) { ec = e; });
    RunIo();
    *got_response_bytes = parser.got_some();
    if (ec) return NetworkError(write_ec ? "write" : "read", write_ec ? write_ec : ec);
    tcp_stream.expires_never();

    auto message = parser.release();
    ClientResponse out;
    out.status = static_cast<int>(message.result_int());
    for (const auto& field : message) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto [it, inserted] = out.headers.emplace(name, std::string(field.value()));
      if (!inserted) it->second += ", " + std::string(field.value());
    }
    out.body = std::move(message.body());
    if (!message.keep_alive()) Close();
    return out;
  }

  ClientOptions options_;
  asio::io_context ioc_;
  ssl::context ctx_{ssl::context::tls_client};
  Status ctx_status_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> stream_;
  beast::flat_buffer buffer_;
  int connects_ = 0;
};

HttpsClient::HttpsClient(ClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}
HttpsClient::~HttpsClient() = default;
HttpsClient::HttpsClient(HttpsClient&&) noexcept = default;
HttpsClient& HttpsClient::operator=(HttpsClient&&) noexcept = default;

Result<ClientResponse> HttpsClient::Send(const std::string& method, const std::string& target,
                                         const std::map<std::string, std::string>& headers,
                                         const std::string& body) {
  return impl_->Send(method, target, headers, body);
}
void HttpsClient::Close() { impl_->Close(); }
int HttpsClient::connects() const { return impl_->connects(); }

}  // namespace cradle::net
