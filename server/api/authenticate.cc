#include <string>

#include "server/api/api.h"
#include "server/http/problem.h"
#include "server/service/auth.h"

namespace cradle::api {

std::optional<service::Principal> Authenticate(Deps& deps, const http::Request& req,
                                               http::Response* problem) {
  // A verified client certificate identifies a scanner; it takes precedence over a header.
  if (req.client_cert_cn) {
    auto p = service::AuthenticateDevice(deps.ctx, *req.client_cert_cn);
    if (p.ok()) return *p;
    if (p.status().code() != "UNAUTHENTICATED") {
      *problem = FromStatus(p.status());
      return std::nullopt;
    }
    // An unknown device may still carry a valid bearer token; fall through.
  }
  const std::string auth = req.Header("authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (auth.size() <= kBearer.size() || auth.compare(0, kBearer.size(), kBearer) != 0) {
    *problem = http::Problem(401, "UNAUTHENTICATED", "Unauthorized",
                             "send Authorization: Bearer <token> or a device certificate");
    problem->Header("WWW-Authenticate", "Bearer");
    return std::nullopt;
  }
  // Failed attempts draw from a per-address bucket: guessing tokens is throttled (429).
  const std::string key = "auth:" + req.remote_ip;
  auto p = service::AuthenticateBearer(deps.ctx, std::string_view(auth).substr(kBearer.size()));
  if (p.ok()) return *p;
  if (p.status().code() != "UNAUTHENTICATED") {
    *problem = FromStatus(p.status());
    return std::nullopt;
  }
  if (!deps.auth_failures.TryAcquire(key)) {
    *problem = http::Problem(429, "RATE_LIMITED", "Too Many Requests",
                             "too many failed sign-ins from this address");
    problem->Header("Retry-After", "60");
    return std::nullopt;
  }
  *problem = http::Problem(401, "UNAUTHENTICATED", "Unauthorized", "unknown or revoked token");
  problem->Header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
  return std::nullopt;
}

}  // namespace cradle::api
