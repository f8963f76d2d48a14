// Manifests: issue (idempotent), list, read with timeline, void; the revocations feed.
#include "core/sha256.h"
#include "server/api/requests.h"
#include "server/api/route.h"
#include "server/service/manifests.h"

namespace cradle::api {
namespace {

using boost::json::object;

struct IssueInput {
  service::IssueRequest req;
  service::IdempotencyKey idem;
};

Input<IssueInput> ReadIssue(Call& c) {
  auto body =
      Body([](FieldReader& r, Call& c) { return ReadIssueRequest(r, c.ctx().catalogue); })(c);
  if (!body.ok()) return std::move(body.problem());
  IssueInput in{std::move(body.value()), {}};
  in.idem.key = c.req().Header("idempotency-key");
  if (in.idem.key.size() > 200) {
    return ValidationProblem({{"Idempotency-Key", "TOO_LONG", "at most 200 characters"}});
  }
  in.idem.request_sha256 = Sha256Hex(c.req().body);
  return in;
}

// The first response and every replay are rendered from the same manifests; a replay says so.
http::Response RenderIssued(Call& c, const service::IssueResult& res) {
  c.deps()
      .metrics.GetCounter("cradle_manifests_issued_total", "Manifests issued (labels signed).")
      .Inc(static_cast<uint64_t>(res.issued));
  boost::json::array arr;
  for (const auto& m : res.manifests) arr.push_back(RenderManifest(m, c.tz()));
  http::Response out = JsonResponse(201, object{{"manifests", std::move(arr)}});
  if (res.replayed) out.Header("Idempotent-Replayed", "true");
  return out;
}

struct ListInput {
  Paging paging;
  store::ManifestFilter filter;
};

Input<ListInput> ReadList(Call& c) {
  auto paging = ReadPage(c);
  if (!paging.ok()) return std::move(paging.problem());
  ListInput in{paging.value(), {}};
  in.filter.producer = c.Query("producer");
  in.filter.status = c.Query("status");
  in.filter.month = c.Query("month");
  if (auto order = c.Query("order")) {
    if (*order != "newest" && *order != "id") {
      return ValidationProblem({{"order", "INVALID_ORDER", "newest or id"}});
    }
    in.filter.newest_first = *order == "newest";
  }
  return in;
}

object RenderWithTimeline(const service::ManifestWithTimeline& m, int tz) {
  object o = RenderManifest(m.manifest, tz);
  boost::json::array timeline;
  // Issuance is the first entry of every timeline; scans and voids follow in commit order.
  timeline.push_back(object{{"kind", "issue"},
                            {"actor", m.manifest.producer},
                            {"received_at", FormatRfc3339(m.manifest.issued_at, tz)},
                            {"mass_g", m.manifest.mass_g}});
  for (const auto& e : m.events) timeline.push_back(RenderEvent(e, tz));
  o["timeline"] = std::move(timeline);
  return o;
}

std::string ReadVoidReason(FieldReader& r) {
  r.OnlyKnown({"reason"});
  auto reason = r.String("reason", true, 500);
  if (reason && reason->empty()) r.Add("reason", "REQUIRED", "say why");
  return reason.value_or("");
}

object RenderRevocation(const store::VoidedManifest& v, int tz) {
  return object{{"id", v.manifest_id}, {"voided_at", FormatRfc3339(v.voided_at, tz)}};
}

}  // namespace

void ManifestRoutes(http::Router& r, Deps& d) {
  const Who any = Who::SignedIn();
  Route(
      r, d, "POST", "/api/v1/manifests", any, ReadIssue,
      [](Call& c, IssueInput in) {
        return service::IssueManifests(c.ctx(), c.p(), in.req, in.idem);
      },
      RenderIssued);
  Route(
      r, d, "GET", "/api/v1/manifests", any, ReadList,
      [](Call& c, ListInput in) {
        return service::ListManifests(c.ctx(), c.p(), in.filter, in.paging.after, in.paging.limit);
      },
      PageOf(RenderManifest));
  Route(
      r, d, "GET", "/api/v1/manifests/{id}", any, NoInput(),
      [](Call& c, auto) { return service::GetManifest(c.ctx(), c.p(), c.Param("id")); },
      Json(200, RenderWithTimeline));
  Route(
      r, d, "POST", "/api/v1/manifests/{id}/void", any, Body(ReadVoidReason),
      [](Call& c, std::string reason) {
        return service::VoidManifest(c.ctx(), c.p(), c.Param("id"), reason);
      },
      Json(200, RenderManifest));
  Route(
      r, d, "GET", "/api/v1/revocations", any, PagedById(),
      [](Call& c, IdPaging pg) { return service::Revocations(c.ctx(), c.p(), pg.after, pg.limit); },
      PageOf(RenderRevocation));
}

}  // namespace cradle::api
