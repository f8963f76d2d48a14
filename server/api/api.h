// The HTTP API's adapters: each route reads the request, calls one use case in server/service
// and renders the result (route.h declares them). No SQL and no business rules live here.
//
// Ownership: RegisterRoutes stores a reference to `deps` in every handler; deps must outlive
// the router (main keeps both for the life of the process).
// Thread safety: handlers are called concurrently; everything in Deps is thread-safe.
#pragma once

#include <cstdio>
#include <functional>
#include <optional>
#include <string>

#include "core/status.h"
#include "server/http/message.h"
#include "server/http/metrics.h"
#include "server/http/rate_limiter.h"
#include "server/http/router.h"
#include "server/service/context.h"
#include "server/service/principal.h"

namespace cradle::api {

struct Deps {
  service::Context& ctx;
  http::MetricsRegistry& metrics;
  // Throttles failed authentication per client address (brute force of tokens).
  http::RateLimiter& auth_failures;
  std::function<bool()> draining = [] { return false; };
  // Where the web pages are served from (/web/); empty = the source tree's web/.
  std::string web_root;
  // Where internal error details go (with the request id); the client sees a generic detail.
  std::function<void(const std::string&)> log_error = [](const std::string& line) {
    std::fprintf(stderr, "cradle: %s\n", line.c_str());
  };
};

// Every route the server has: the API, operations and the web pages. main and the OpenAPI test
// both call this, so the document is checked against exactly what is served.
void RegisterRoutes(http::Router& router, Deps& deps);

// The OpenAPI 3.1 document served at /openapi.yaml (embedded at build time).
const std::string& OpenApiYaml();

// Maps a use case's error to problem+json through the error table (errors.h). Internal
// details (5xx, private messages) are logged through `log` with the request id, not answered.
http::Response FromStatus(const Status& status, const std::string& request_id,
                          const std::function<void(const std::string&)>& log);
// As above without a log (tests, and codes known to be client-facing).
http::Response FromStatus(const Status& status);

// The caller, from a verified client certificate or a bearer token; or the 401/429 to answer
// (403 when a device certificate calls a route that is not a scanner's).
std::optional<service::Principal> Authenticate(Deps& deps, const http::Request& req,
                                               http::Response* problem);

// For http::ServerOptions::pre_authenticate: judges the credentials of a request whose large
// body is not read yet (nullopt: accepted; else the 401/429 to answer).
std::optional<http::Response> PreAuthenticate(Deps& deps, const http::Request& req);

// The deployment's UTC offset in minutes, for rendering times.
inline int Tz(const Deps& deps) { return deps.ctx.settings.tz_offset_minutes; }

}  // namespace cradle::api
