// Operations: health (livez, readyz), metrics, the OpenAPI document, the signing keys (JWKS),
// online token verification, and the audit log.
#include "core/digital_id.h"
#include "core/waste_code.h"
#include "server/api/route.h"
#include "server/service/audit_service.h"
#include "server/service/health.h"
#include "server/service/manifests.h"

namespace cradle::api {
namespace {

using boost::json::object;

object RenderVerification(const service::OnlineVerification& v) {
  object o{{"valid", v.valid}};
  if (!v.valid) o["error"] = v.error;
  if (v.fields) {
    const auto& f = *v.fields;
    auto dashed = WasteCodeToDashed(f.id.waste_code);
    o["fields"] = object{{"kid", f.kid},
                         {"id", BuildDigitalId(f.id)},
                         {"uscc", f.id.uscc},
                         {"waste_code", dashed.ok() ? *dashed : f.id.waste_code},
                         {"produced_on", FormatIsoDate(f.id.date)},
                         {"serial", f.id.serial},
                         {"mass_g", f.mass_g},
                         {"packaging", f.packaging}};
  }
  if (v.status) o["status"] = *v.status;
  return o;
}

std::string ReadToken(FieldReader& r) {
  r.OnlyKnown({"token"});
  return r.String("token", true, 1024).value_or("");
}

// Operations answer without a use case of their own: the "use case" is the response.
template <class F>
void Plain(http::Router& r, Deps& d, std::string path, F answer, http::RouteOptions opts = {}) {
  Route(
      r, d, "GET", std::move(path), Who::Anyone(), NoInput(),
      [answer](Call& c, auto) -> http::Response { return answer(c); }, nullptr, opts);
}

}  // namespace

void OperationsRoutes(http::Router& r, Deps& d) {
  Route(
      r, d, "GET", "/api/v1/audit", Who::SignedIn(), PagedById(),
      [](Call& c, IdPaging pg) { return service::ListAudit(c.ctx(), c.p(), pg.after, pg.limit); },
      PageOf(RenderAudit));
  Route(
      r, d, "GET", "/api/v1/audit/verify", Who::SignedIn(), NoInput(),
      [](Call& c, auto) { return service::VerifyAuditChain(c.ctx(), c.p()); },
      Json(200, [](const auto& v) {
        object o{{"ok", v.ok}, {"length", v.length}, {"head", v.head}};
        if (v.first_bad_seq) o["first_bad_seq"] = *v.first_bad_seq;
        return o;
      }));
  // Public, so rate limited per client (like the JWKS).
  Route(
      r, d, "POST", "/api/v1/verify", Who::Anyone(), Body(ReadToken),
      [](Call& c, std::string token) -> Result<service::OnlineVerification> {
        return service::VerifyOnline(c.ctx(), token);
      },
      Json(200, RenderVerification), http::RouteOptions{.rate_limited = true});
  Plain(
      r, d, "/.well-known/jwks.json",
      [](Call& c) {
        return Bytes(200, "application/jwk-set+json", c.ctx().keys.Jwks())
            .Header("Cache-Control", "public, max-age=300");
      },
      http::RouteOptions{.rate_limited = true});
  Plain(r, d, "/livez", [](Call&) { return JsonResponse(200, object{{"status", "ok"}}); });
  Plain(r, d, "/readyz", [](Call& c) {
    if (c.deps().draining()) {
      return http::Problem(503, "DRAINING", "Service Unavailable", "the server is shutting down");
    }
    if (Status s = service::CheckReady(c.ctx()); !s.ok()) {
      return c.Fail(Status::Private("STORAGE_UNAVAILABLE", s.ToString()));
    }
    return JsonResponse(200, object{{"status", "ready"},
                                    {"active_kid", c.ctx().keys.ActiveKid()},
                                    {"catalogue", c.ctx().catalogue.edition()}});
  });
  // Private: the counters show business volume (issuance, scans per route). A scraper uses an
  // admin or regulator token (Prometheus `authorization` with a bearer token).
  Route(
      r, d, "GET", "/metrics", Who::Roles({service::Role::kAdmin, service::Role::kRegulator}),
      NoInput(),
      [](Call& c, auto) -> http::Response {
        return Bytes(200, "text/plain; version=0.0.4; charset=utf-8", c.deps().metrics.Render());
      },
      nullptr);
  Plain(r, d, "/openapi.yaml",
        [](Call&) { return Bytes(200, "application/yaml; charset=utf-8", OpenApiYaml()); });
}

}  // namespace cradle::api
