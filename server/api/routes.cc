// Route table and handlers. Each handler: authenticate, parse, call one use case, render.
#include <boost/json.hpp>

#include "core/sha256.h"
#include "core/wm1.h"
#include "core/digital_id.h"
#include "core/waste_code.h"
#include "server/api/api.h"
#include "server/api/json_io.h"
#include "server/api/recon_routes.h"
#include "server/api/static_routes.h"
#include "server/api/render.h"
#include "server/api/scan_routes.h"
#include "server/api/requests.h"
#include "server/http/problem.h"
#include "server/labels/label.h"
#include "server/service/audit_service.h"
#include "server/service/label_service.h"
#include "server/service/manifests.h"
#include "server/service/parties.h"

namespace cradle::api {
namespace {

using http::Request;
using http::Response;
using service::Principal;


Response Text(int status, std::string content_type, std::string body) {
  Response r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

// ---- parties -----------------------------------------------------------------------------

void PartyRoutes(http::Router& router, Deps& d) {
  router.Add("POST", "/api/v1/orgs", Authed(d, [&d](Request& req, const Principal& p) {
    Response problem;
    auto body = ParseJsonObject(req, &problem);
    if (!body) return problem;
    FieldReader r(*body);
    store::Org org = ReadOrg(r);
    if (!r.ok()) return ValidationProblem(std::move(r.errors()));
    auto created = service::CreateOrg(d.ctx, p, std::move(org));
    if (!created.ok()) return FromStatus(created.status());
    return JsonResponse(201, RenderOrg(*created, Tz(d)));
  }));
  router.Add("GET", "/api/v1/orgs", Authed(d, [&d](Request& req, const Principal& p) {
    Response problem;
    auto paging = ReadPaging(req, &problem);
    if (!paging) return problem;
    auto page = service::ListOrgs(d.ctx, p, paging->after, paging->limit);
    if (!page.ok()) return FromStatus(page.status());
    return JsonResponse(200, RenderPage(*page, [&](const store::Org& o) {
                          return RenderOrg(o, Tz(d));
                        }));
  }));
  router.Add("GET", "/api/v1/orgs/{uscc}", Authed(d, [&d](Request& req, const Principal& p) {
    auto org = service::GetOrg(d.ctx, p, req.Param("uscc"));
    if (!org.ok()) return FromStatus(org.status());
    return JsonResponse(200, RenderOrg(*org, Tz(d)));
  }));
  router.Add("POST", "/api/v1/orgs/{uscc}/tokens",
             Authed(d, [&d](Request& req, const Principal& p) {
               Response problem;
               auto body = ParseJsonObject(req, &problem);
               if (!body) return problem;
               FieldReader r(*body);
               TokenInput in = ReadTokenRequest(r);
               if (!r.ok()) return ValidationProblem(std::move(r.errors()));
               auto t = service::CreateToken(d.ctx, p, req.Param("uscc"),
                                             *service::ParseRole(in.role), in.label);
               if (!t.ok()) return FromStatus(t.status());
               return JsonResponse(201, boost::json::object{{"id", t->id},
                                                            {"token", t->token},
                                                            {"role", t->role},
                                                            {"org", t->org}});
             }));
  router.Add("POST", "/api/v1/devices", Authed(d, [&d](Request& req, const Principal& p) {
    Response problem;
    auto body = ParseJsonObject(req, &problem);
    if (!body) return problem;
    FieldReader r(*body);
    DeviceInput in = ReadDevice(r);
    if (!r.ok()) return ValidationProblem(std::move(r.errors()));
    auto dev = service::CreateDevice(d.ctx, p, in.device_id, in.org);
    if (!dev.ok()) return FromStatus(dev.status());
    return JsonResponse(201, boost::json::object{{"device_id", dev->device_id}, {"org", dev->org}});
  }));
  router.Add("POST", "/api/v1/devices/{id}/revoke",
             Authed(d, [&d](Request& req, const Principal& p) {
               Status s = service::RevokeDevice(d.ctx, p, req.Param("id"));
               if (!s.ok()) return FromStatus(s);
               return JsonResponse(200, boost::json::object{{"device_id", req.Param("id")},
                                                            {"revoked", true}});
             }));
  router.Add("POST", "/api/v1/tokens/{id}/revoke",
             Authed(d, [&d](Request& req, const Principal& p) {
               const std::string id = req.Param("id");
               bool numeric = !id.empty() && id.size() <= 18;
               for (char c : id) numeric = numeric && c >= '0' && c <= '9';
               if (!numeric) return http::Problem(404, "NOT_FOUND", "Not Found", "no token " + id);
               Status s = service::RevokeToken(d.ctx, p, std::stoll(id));
               if (!s.ok()) return FromStatus(s);
               return JsonResponse(200, boost::json::object{{"id", std::stoll(id)},
                                                            {"revoked", true}});
             }));
  router.Add("POST", "/api/v1/facilities", Authed(d, [&d](Request& req, const Principal& p) {
    Response problem;
    auto body = ParseJsonObject(req, &problem);
    if (!body) return problem;
    FieldReader r(*body);
    store::Facility f = ReadFacility(r);
    if (!r.ok()) return ValidationProblem(std::move(r.errors()));
    auto created = service::CreateFacility(d.ctx, p, std::move(f));
    if (!created.ok()) return FromStatus(created.status());
    return JsonResponse(201, RenderFacility(*created, Tz(d)));
  }));
  router.Add("GET", "/api/v1/facilities", Authed(d, [&d](Request& req, const Principal& p) {
    Response problem;
    auto paging = ReadPaging(req, &problem);
    if (!paging) return problem;
    auto page = service::ListFacilities(d.ctx, p, paging->after, paging->limit);
    if (!page.ok()) return FromStatus(page.status());
    return JsonResponse(200, RenderPage(*page, [&](const store::Facility& f) {
                          return RenderFacility(f, Tz(d));
                        }));
  }));
  router.Add("POST", "/api/v1/programmes", Authed(d, [&d](Request& req, const Principal& p) {
    Response problem;
    auto body = ParseJsonObject(req, &problem);
    if (!body) return problem;
    FieldReader r(*body);
    ProgrammeInput in = ReadProgramme(r);
    if (!r.ok()) return ValidationProblem(std::move(r.errors()));
    auto created = service::CreateProgramme(d.ctx, p, in.programme, in.members);
    if (!created.ok()) return FromStatus(created.status());
    return JsonResponse(201, RenderProgramme(*created, Tz(d)));
  }));
  router.Add("GET", "/api/v1/programmes/{id}", Authed(d, [&d](Request& req, const Principal& p) {
    auto prog = service::GetProgramme(d.ctx, p, req.Param("id"));
    if (!prog.ok()) return FromStatus(prog.status());
    return JsonResponse(200, RenderProgramme(*prog, Tz(d)));
  }));
}

// ---- manifests and labels ----------------------------------------------------------------

void ManifestRoutes(http::Router& router, Deps& d) {
  router.Add("POST", "/api/v1/manifests", Authed(d, [&d](Request& req, const Principal& p) {
    Response problem;
    auto body = ParseJsonObject(req, &problem);
    if (!body) return problem;
    FieldReader r(*body);
    service::IssueRequest in = ReadIssueRequest(r, d.ctx.catalogue);
    if (!r.ok()) return ValidationProblem(std::move(r.errors()));
    service::Idempotency idem;
    idem.key = req.Header("idempotency-key");
    if (idem.key.size() > 200) {
      return ValidationProblem({{"Idempotency-Key", "TOO_LONG", "at most 200 characters"}});
    }
    idem.request_sha256 = Sha256Hex(req.body);
    const int tz = Tz(d);
    auto res = service::IssueManifests(
        d.ctx, p, in, idem, [tz](const std::vector<store::Manifest>& ms) {
          boost::json::array arr;
          for (const auto& m : ms) arr.push_back(RenderManifest(m, tz));
          return boost::json::serialize(boost::json::object{{"manifests", std::move(arr)}});
        });
    if (!res.ok()) return FromStatus(res.status());
    auto& issued = d.metrics.GetCounter("cradle_manifests_issued_total",
                                               "Manifests issued (labels signed).");
    issued.Inc(static_cast<uint64_t>(res->issued));
    Response out = Text(res->status, "application/json; charset=utf-8", std::move(res->body));
    if (res->replayed) out.Header("Idempotent-Replayed", "true");
    return out;
  }));
  router.Add("GET", "/api/v1/manifests", Authed(d, [&d](Request& req, const Principal& p) {
    Response problem;
    auto paging = ReadPaging(req, &problem);
    if (!paging) return problem;
    store::ManifestFilter f;
    f.producer = req.Query("producer");
    f.status = req.Query("status");
    f.month = req.Query("month");
    if (auto order = req.Query("order")) {
      if (*order != "newest" && *order != "id") {
        return ValidationProblem({{"order", "INVALID_ORDER", "newest or id"}});
      }
      f.newest_first = *order == "newest";
    }
    auto page = service::ListManifests(d.ctx, p, f, paging->after, paging->limit);
    if (!page.ok()) return FromStatus(page.status());
    return JsonResponse(200, RenderPage(*page, [&](const store::Manifest& m) {
                          return RenderManifest(m, Tz(d));
                        }));
  }));
  router.Add("GET", "/api/v1/manifests/{id}", Authed(d, [&d](Request& req, const Principal& p) {
    auto m = service::GetManifest(d.ctx, p, req.Param("id"));
    if (!m.ok()) return FromStatus(m.status());
    boost::json::object o = RenderManifest(m->manifest, Tz(d));
    boost::json::array timeline;
    // Issuance is the first entry of every timeline; scans and voids follow in commit order.
    timeline.push_back(boost::json::object{
        {"kind", "issue"},
        {"actor", m->manifest.producer},
        {"received_at", FormatRfc3339(m->manifest.issued_at, Tz(d))},
        {"mass_g", m->manifest.mass_g}});
    for (const auto& e : m->events) timeline.push_back(RenderEvent(e, Tz(d)));
    o["timeline"] = std::move(timeline);
    return JsonResponse(200, o);
  }));
  router.Add("POST", "/api/v1/manifests/{id}/void",
             Authed(d, [&d](Request& req, const Principal& p) {
               Response problem;
               auto body = ParseJsonObject(req, &problem);
               if (!body) return problem;
               FieldReader r(*body);
               r.OnlyKnown({"reason"});
               auto reason = r.String("reason", true, 500);
               if (reason && reason->empty()) r.Add("reason", "REQUIRED", "say why");
               if (!r.ok()) return ValidationProblem(std::move(r.errors()));
               auto m = service::VoidManifest(d.ctx, p, req.Param("id"), *reason);
               if (!m.ok()) return FromStatus(m.status());
               return JsonResponse(200, RenderManifest(*m, Tz(d)));
             }));
  router.Add("GET", "/api/v1/manifests/{id}/label.{format}",
             Authed(d, [&d](Request& req, const Principal& p) {
               auto format = labels::ParseLabelFormat(req.Param("format"));
               if (!format) {
                 return http::Problem(404, "NOT_FOUND", "Not Found",
                                      "labels come as .svg, .png, .pdf or .zpl");
               }
               int size_mm = 100;
               if (auto s = req.Query("size")) {
                 size_mm = (*s == "100") ? 100 : (*s == "150") ? 150 : (*s == "200") ? 200 : 0;
               }
               auto size = labels::ParseLabelSize(size_mm);
               if (!size) return ValidationProblem({{"size", "INVALID_SIZE", "100, 150 or 200"}});
               auto bytes = service::RenderManifestLabel(d.ctx, p, req.Param("id"), *size, *format);
               if (!bytes.ok()) return FromStatus(bytes.status());
               d.metrics
                   .GetCounter("cradle_labels_rendered_total", "Labels rendered.",
                               {{"format", req.Param("format")}})
                   .Inc();
               return Text(200, labels::MimeType(*format), std::move(*bytes));
             }));
  router.Add("POST", "/api/v1/labels", Authed(d, [&d](Request& req, const Principal& p) {
    Response problem;
    auto body = ParseJsonObject(req, &problem);
    if (!body) return problem;
    FieldReader r(*body);
    LabelRunInput in = ReadLabelRun(r);
    if (!r.ok()) return ValidationProblem(std::move(r.errors()));
    const auto format = *labels::ParseLabelFormat(in.format);
    auto bytes =
        service::RenderLabelRun(d.ctx, p, in.ids, *labels::ParseLabelSize(in.size), format);
    if (!bytes.ok()) return FromStatus(bytes.status());
    d.metrics
        .GetCounter("cradle_labels_rendered_total", "Labels rendered.", {{"format", in.format}})
        .Inc(in.ids.size());
    return Text(200, labels::MimeType(format), std::move(*bytes));
  }));
  router.Add("GET", "/api/v1/revocations", Authed(d, [&d](Request& req, const Principal& p) {
    Response problem;
    auto paging = ReadPaging(req, &problem);
    if (!paging) return problem;
    int64_t after = 0;
    if (paging->after) {
      const std::string& a = *paging->after;
      bool ok = a.size() <= 18 && !a.empty();
      for (char c : a) ok = ok && c >= '0' && c <= '9';
      if (!ok) return ValidationProblem({{"after", "INVALID_CURSOR", "a cursor from `next`"}});
      after = std::stoll(a);
    }
    auto page = service::Revocations(d.ctx, p, after, paging->limit);
    if (!page.ok()) return FromStatus(page.status());
    return JsonResponse(200, RenderPage(*page, [&](const store::VoidedManifest& v) {
                          return boost::json::object{
                              {"id", v.manifest_id},
                              {"voided_at", FormatRfc3339(v.voided_at, Tz(d))}};
                        }));
  }));
  router.Add(
      "POST", "/api/v1/verify",
      [&d](Request& req) -> Response {
        Response problem;
        auto body = ParseJsonObject(req, &problem);
        if (!body) return problem;
        FieldReader r(*body);
        r.OnlyKnown({"token"});
        auto token = r.String("token", true, 1024);
        if (!r.ok()) return ValidationProblem(std::move(r.errors()));
        auto v = service::VerifyOnline(d.ctx, *token);
        boost::json::object o{{"valid", v.valid}};
        if (!v.valid) o["error"] = v.error;
        if (v.fields) {
          const auto& f = *v.fields;
          auto dashed = WasteCodeToDashed(f.id.waste_code);
          o["fields"] = boost::json::object{{"kid", f.kid},
                                            {"id", BuildDigitalId(f.id)},
                                            {"uscc", f.id.uscc},
                                            {"waste_code", dashed.ok() ? *dashed : f.id.waste_code},
                                            {"produced_on", FormatIsoDate(f.id.date)},
                                            {"serial", f.id.serial},
                                            {"mass_g", f.mass_g},
                                            {"packaging", f.packaging}};
        }
        if (v.status) o["status"] = *v.status;
        return JsonResponse(200, o);
      },
      http::RouteOptions{.rate_limited = true});
}

// ---- audit and operations ----------------------------------------------------------------

void OpsRoutes(http::Router& router, Deps& d) {
  router.Add("GET", "/api/v1/audit", Authed(d, [&d](Request& req, const Principal& p) {
    Response problem;
    auto paging = ReadPaging(req, &problem);
    if (!paging) return problem;
    int64_t after = 0;
    if (paging->after) {
      const std::string& a = *paging->after;
      bool ok = a.size() <= 18 && !a.empty();
      for (char c : a) ok = ok && c >= '0' && c <= '9';
      if (!ok) return ValidationProblem({{"after", "INVALID_CURSOR", "a cursor from `next`"}});
      after = std::stoll(a);
    }
    auto page = service::ListAudit(d.ctx, p, after, paging->limit);
    if (!page.ok()) return FromStatus(page.status());
    return JsonResponse(200, RenderPage(*page, [](const store::AuditEntry& a) {
                          return RenderAudit(a);
                        }));
  }));
  router.Add("GET", "/api/v1/audit/verify", Authed(d, [&d](Request&, const Principal& p) {
    auto v = service::VerifyAuditChain(d.ctx, p);
    if (!v.ok()) return FromStatus(v.status());
    boost::json::object o{{"ok", v->ok}, {"length", v->length}, {"head", v->head}};
    if (v->first_bad_seq) o["first_bad_seq"] = *v->first_bad_seq;
    return JsonResponse(200, o);
  }));
  // Public, so rate limited per client like /api/v1/verify.
  router.Add(
      "GET", "/.well-known/jwks.json",
      [&d](Request&) {
        Response r = Text(200, "application/jwk-set+json", d.ctx.keys.Jwks());
        r.Header("Cache-Control", "public, max-age=300");
        return r;
      },
      http::RouteOptions{.rate_limited = true});
  router.Add("GET", "/livez", [](Request&) {
    return JsonResponse(200, boost::json::object{{"status", "ok"}});
  });
  router.Add("GET", "/readyz", [&d](Request&) {
    if (d.draining()) {
      return http::Problem(503, "DRAINING", "Service Unavailable", "the server is shutting down");
    }
    // Ready means the store answers a read and the writer commits.
    Status s = d.ctx.db.Read([](store::Txn& txn) { return txn.Exec("SELECT 1"); });
    if (s.ok()) s = d.ctx.db.Write([](store::Txn&) { return Status(); });
    if (!s.ok()) return http::Problem(503, "STORAGE_UNAVAILABLE", "Service Unavailable", s.message());
    return JsonResponse(200, boost::json::object{{"status", "ready"},
                                                 {"active_kid", d.ctx.keys.ActiveKid()},
                                                 {"catalogue", d.ctx.catalogue.edition()}});
  });
  router.Add("GET", "/metrics", [&d](Request&) {
    return Text(200, "text/plain; version=0.0.4; charset=utf-8", d.metrics.Render());
  });
  router.Add("GET", "/openapi.yaml", [](Request&) {
    return Text(200, "application/yaml; charset=utf-8", OpenApiYaml());
  });
}

}  // namespace

void RegisterRoutes(http::Router& router, Deps& deps) {
  PartyRoutes(router, deps);
  ManifestRoutes(router, deps);
  ScanRoutes(router, deps);
  ReconRoutes(router, deps);
  OpsRoutes(router, deps);
  MeRoutes(router, deps);
  StaticRoutes(router, deps.web_root.empty() ? DefaultWebRoot() : deps.web_root);
}

}  // namespace cradle::api
