// Who is calling: a verified client certificate (a scanner) or a bearer token.
//
// Order matters for guessing: a client address that has failed to sign in too often is
// refused (429) before its token is even looked up, so a right guess made while throttled
// tells the guesser nothing. A device certificate acts for its organisation only on a
// scanner's routes (kDeviceRoutes); everything else needs one of the organisation's tokens.
#include <set>
#include <string>
#include <utility>

#include "server/api/api.h"
#include "server/http/problem.h"
#include "server/service/auth.h"

namespace cradle::api {
namespace {

// What a scanner does: post scans, read revocations and who it is, read its own trips (the
// transfer use cases show an organisation only its own). JWKS is public.
bool DeviceMayCall(const http::Request& req) {
  static const std::set<std::pair<std::string, std::string>> kDeviceRoutes = {
      {"POST", "/api/v1/scans"},
      {"GET", "/api/v1/revocations"},
      {"GET", "/api/v1/me"},
      {"GET", "/api/v1/transfers"},
      {"GET", "/api/v1/transfers/{id}"}};
  const std::string method = req.method == "HEAD" ? "GET" : req.method;
  return kDeviceRoutes.count({method, req.route}) > 0;
}

http::Response Unauthenticated(const std::string& detail, const std::string& challenge) {
  http::Response r = http::Problem(401, "UNAUTHENTICATED", "Unauthorized", detail);
  r.Header("WWW-Authenticate", challenge);
  return r;
}

// The credentials alone, without the route: shared by Authenticate and PreAuthenticate.
std::optional<service::Principal> Identify(Deps& deps, const http::Request& req,
                                           http::Response* problem) {
  const std::string auth = req.Header("authorization");
  constexpr std::string_view kBearer = "Bearer ";
  const bool has_bearer =
      auth.size() > kBearer.size() && auth.compare(0, kBearer.size(), kBearer) == 0;
  // A verified client certificate identifies a scanner; it takes precedence over a header.
  if (req.client_cert_cn) {
    auto p = service::AuthenticateDevice(deps.ctx, *req.client_cert_cn);
    if (p.ok()) return *p;
    if (p.status().code() != "UNAUTHENTICATED") {
      *problem = FromStatus(p.status());
      return std::nullopt;
    }
    // An unknown device may still carry a valid bearer token; without one, say what is wrong.
    if (!has_bearer) {
      *problem = Unauthenticated("the client certificate names device '" + *req.client_cert_cn +
                                     "', which is not registered (or is revoked): register it "
                                     "with POST /api/v1/devices or `cradle-server device-cert`",
                                 "Bearer");
      return std::nullopt;
    }
  }
  if (!has_bearer) {
    *problem =
        Unauthenticated("send Authorization: Bearer <token> or a device certificate", "Bearer");
    return std::nullopt;
  }
  // Failed attempts draw from a per-address bucket; an empty bucket refuses before the lookup.
  const std::string key = "auth:" + req.remote_ip;
  if (!deps.auth_failures.Peek(key).allowed) {
    *problem = http::Problem(429, "RATE_LIMITED", "Too Many Requests",
                             "too many failed sign-ins from this address");
    problem->Header("Retry-After", "60");
    return std::nullopt;
  }
  auto p = service::AuthenticateBearer(deps.ctx, std::string_view(auth).substr(kBearer.size()));
  if (p.ok()) return *p;
  if (p.status().code() != "UNAUTHENTICATED") {
    *problem = FromStatus(p.status());
    return std::nullopt;
  }
  deps.auth_failures.TryAcquire(key);  // counts this failure
  *problem = Unauthenticated("unknown or revoked token", "Bearer error=\"invalid_token\"");
  return std::nullopt;
}

}  // namespace

std::optional<service::Principal> Authenticate(Deps& deps, const http::Request& req,
                                               http::Response* problem) {
  auto p = Identify(deps, req, problem);
  if (p && !p->device.empty() && !DeviceMayCall(req)) {
    *problem = FromStatus(Status("FORBIDDEN",
                                 "a device certificate may only scan, read revocations and its "
                                 "own trips; use one of the organisation's tokens for this"));
    return std::nullopt;
  }
  return p;
}

std::optional<http::Response> PreAuthenticate(Deps& deps, const http::Request& req) {
  http::Response problem;
  if (Identify(deps, req, &problem)) return std::nullopt;
  return problem;
}

}  // namespace cradle::api
