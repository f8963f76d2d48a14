// A synchronous HTTPS/1.1 client with keep-alive, for black-box tests, the scanner's sync and
// the load generators in bench/.
//
// Contract: one HttpsClient owns at most one TLS connection at a time. Send() connects lazily,
// reuses the connection while the server keeps it open, and when a reused connection turns out
// to have been closed by the server (keep-alive race) it reconnects and retries once. Every
// failure of the network or TLS layer is a Status with code "NETWORK" (retryable); an HTTP
// error status (4xx/5xx) is not a failure: it is a ClientResponse.
//
// Ownership and lifetime: the client owns its io_context, TLS context and socket (pimpl, so
// this header pulls in no Beast or Asio). Destroying it closes the connection.
// Thread safety: none; use one client per thread. Movable, not copyable.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "core/status.h"

namespace cradle::net {

struct ClientOptions {
  std::string host = "127.0.0.1";  // name or address; also the name verified in the cert
  uint16_t port = 8443;
  std::string ca_file;      // PEM CA bundle to trust; empty = the system's default paths
  bool verify_peer = true;  // false only for diagnostics: skips server cert verification
  std::string cert_file;    // optional client certificate chain (PEM) for mTLS
  std::string key_file;     // its private key (PEM); required when cert_file is set
  std::chrono::milliseconds connect_timeout{5000};  // TCP connect + TLS handshake
  std::chrono::milliseconds read_timeout{30000};    // writing the request + reading the answer
  uint64_t max_response_bytes = 256ull << 20;       // larger bodies fail with NETWORK
};

struct ClientResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased; repeated names joined ", "
  std::string body;

  // Header value or "" (name lower case).
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class HttpsClient {
 public:
  explicit HttpsClient(ClientOptions options);
  ~HttpsClient();
  HttpsClient(HttpsClient&&) noexcept;
  HttpsClient& operator=(HttpsClient&&) noexcept;
  HttpsClient(const HttpsClient&) = delete;
  HttpsClient& operator=(const HttpsClient&) = delete;

  // Sends one request and reads the whole response. `headers` are sent as given (Host,
  // Content-Length and User-Agent are added unless present). A POST/PUT/PATCH with a body and
  // no Content-Type header gets "application/json".
  Result<ClientResponse> Send(const std::string& method, const std::string& target,
                              const std::map<std::string, std::string>& headers = {},
                              const std::string& body = std::string());

  Result<ClientResponse> Get(const std::string& target,
                             const std::map<std::string, std::string>& headers = {}) {
    return Send("GET", target, headers);
  }
  Result<ClientResponse> Post(const std::string& target, const std::string& body,
                              const std::map<std::string, std::string>& headers = {}) {
    return Send("POST", target, headers, body);
  }

  // Closes the connection now (the next Send reconnects).
  void Close();
  // How many TLS connections this client has opened so far (tests check keep-alive with it).
  int connects() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cradle::net
