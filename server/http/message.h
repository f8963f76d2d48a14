// Plain HTTP request and response values: what a handler sees and returns.
//
// Handlers are plain functions Request -> Response, testable without a socket; the Beast
// session converts to and from these. No Beast or Asio types appear here, so service and
// handler code never includes their headers.
//
// Thread safety: plain values.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cradle::http {

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // raw request target, e.g. "/api/v1/manifests?limit=10"
  std::string path;    // percent-decoded path without the query
  std::multimap<std::string, std::string> query;  // percent-decoded query parameters
  std::map<std::string, std::string> headers;     // header names lower-cased
  std::string body;
  std::string remote_ip;
  // Subject CN of a verified TLS client certificate (mTLS), if one was presented.
  std::optional<std::string> client_cert_cn;
  std::string request_id;  // set by the session; echoed as X-Request-Id
  // The matched route template ("/api/v1/manifests/{id}"), filled by the router; handlers
  // that grant by route (device certificates) read it.
  std::string route;
  // Path parameters filled by the router from the route template, e.g. {"id": "..."}.
  std::map<std::string, std::string> params;

  // Header value or empty string; `name` must be lower case.
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
  // First query value for `name`, if present.
  std::optional<std::string> Query(const std::string& name) const {
    auto it = query.find(name);
    if (it == query.end()) return std::nullopt;
    return it->second;
  }
  std::string Param(const std::string& name) const {
    auto it = params.find(name);
    return it == params.end() ? std::string() : it->second;
  }
};

struct Response {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  std::string body;

  Response& Header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

}  // namespace cradle::http
