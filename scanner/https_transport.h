// The real Transport: net::HttpsClient with the device's client certificate (mTLS) and the
// deployment CA from the scanner's home, against the enrolled server URL.
//
// Ownership: owns its HttpsClient (one keep-alive TLS connection, reused across batches).
// Thread safety: none; one per thread.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"
#include "net/https_client.h"
#include "scanner/home.h"
#include "scanner/sync.h"

namespace cradle::scan {

struct ServerUrl {
  std::string host;
  uint16_t port = 443;
  std::string ToString() const;  // "https://host:port"
};

// "https://HOST[:PORT][/]"; code USAGE for anything else (plain http is refused: the scanner
// authenticates with its certificate and trusts only the CA it was given).
Result<ServerUrl> ParseServerUrl(const std::string& text);

class HttpsTransport final : public Transport {
 public:
  // The CA, certificate and key files from `home`.
  HttpsTransport(const ServerUrl& server, const Home& home);

  Result<HttpAnswer> Send(const std::string& method, const std::string& target,
                          const std::string& body) override;

 private:
  net::HttpsClient client_;
};

}  // namespace cradle::scan
