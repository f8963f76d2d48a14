#include "scanner/https_transport.h"

#include <charconv>

namespace cradle::scan {

namespace {

net::ClientOptions OptionsFor(const ServerUrl& server, const Home& home) {
  net::ClientOptions options;
  options.host = server.host;
  options.port = server.port;
  options.ca_file = home.ca_file().string();
  options.cert_file = home.cert_file().string();
  options.key_file = home.key_file().string();
  options.connect_timeout = std::chrono::seconds(10);
  options.read_timeout = std::chrono::seconds(60);  // a 500-scan batch is verified server-side
  return options;
}

}  // namespace

std::string ServerUrl::ToString() const {
  std::string shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return "https://" + shown + ":" + std::to_string(port);
}

Result<ServerUrl> ParseServerUrl(const std::string& text) {
  constexpr std::string_view kScheme = "https://";
  std::string_view rest = text;
  if (rest.substr(0, kScheme.size()) != kScheme) {
    return Status("USAGE", "the server URL must start with https://: " + text);
  }
  rest.remove_prefix(kScheme.size());
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find('/') != std::string_view::npos) {
    return Status("USAGE", "the server URL takes no path: " + text);
  }
  ServerUrl url;
  std::string_view port_text;
  if (!rest.empty() && rest.front() == '[') {  // [IPv6]:port
    size_t close = rest.find(']');
    if (close == std::string_view::npos) return Status("USAGE", "bad server URL: " + text);
    url.host = std::string(rest.substr(1, close - 1));
    rest.remove_prefix(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return Status("USAGE", "bad server URL: " + text);
      port_text = rest.substr(1);
    }
  } else {
    size_t colon = rest.rfind(':');
    url.host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) port_text = rest.substr(colon + 1);
  }
  if (url.host.empty()) return Status("USAGE", "the server URL has no host: " + text);
  if (!port_text.empty() || rest.find(':') != std::string_view::npos) {
    unsigned port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
        port > 65535) {
      return Status("USAGE", "bad port in server URL: " + text);
    }
    url.port = static_cast<uint16_t>(port);
  }
  return url;
}

HttpsTransport::HttpsTransport(const ServerUrl& server, const Home& home)
    : client_(OptionsFor(server, home)) {}

Result<HttpAnswer> HttpsTransport::Send(const std::string& method, const std::string& target,
                                        const std::string& body) {
  std::map<std::string, std::string> headers = {{"Accept", "application/json"}};
  Result<net::ClientResponse> response = client_.Send(method, target, headers, body);
  if (!response.ok()) {
    // A certificate, key or CA file that does not load is the device's setup, not the network:
    // no retry can help, so it keeps its own code.
    if (response.status().code() == "TLS_CONFIG") return response.status();
    return Status("NETWORK", response.status().message());
  }
  HttpAnswer answer;
  answer.status = response->status;
  answer.body = std::move(response->body);
  answer.retry_after = response->Header("retry-after");
  return answer;
}

}  // namespace cradle::scan
