// The HTTP API's adapters: each handler parses the request, calls one use case in
// server/service and renders the result. No SQL and no business rules live here.
//
// Ownership: RegisterRoutes stores a reference to `deps` in every handler; deps must outlive
// the router (main keeps both for the life of the process).
// Thread safety: handlers are called concurrently; everything in Deps is thread-safe.
#pragma once

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
};

// Every route the server has: the API, operations and the web pages. main and the OpenAPI test
// both call this, so the document is checked against exactly what is served.
void RegisterRoutes(http::Router& router, Deps& deps);

// GET /api/v1/me (me_routes.cc).
void MeRoutes(http::Router& router, Deps& deps);

// The OpenAPI 3.1 document served at /openapi.yaml (embedded at build time).
const std::string& OpenApiYaml();

// Maps a use case's error to problem+json: NOT_FOUND 404, FORBIDDEN 403, UNAUTHENTICATED 401,
// CONFLICT/INVALID_STATE/SERIALS_EXHAUSTED 409, field-like codes 422, STORAGE_UNAVAILABLE 503.
http::Response FromStatus(const Status& status);

// The caller, from a verified client certificate or a bearer token; or the 401/429 to answer.
std::optional<service::Principal> Authenticate(Deps& deps, const http::Request& req,
                                               http::Response* problem);

// A handler that first authenticates the caller (answering 401/429 itself) and then runs `fn`.
using AuthedHandler = std::function<http::Response(http::Request&, const service::Principal&)>;
http::Handler Authed(Deps& deps, AuthedHandler fn);

// The deployment's UTC offset in minutes, for rendering times.
inline int Tz(const Deps& deps) { return deps.ctx.settings.tz_offset_minutes; }

}  // namespace cradle::api
