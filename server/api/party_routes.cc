// Parties: organisations, their tokens, devices, facilities and collection programmes.
#include "server/api/requests.h"
#include "server/api/route.h"
#include "server/service/parties.h"

namespace cradle::api {
namespace {

using boost::json::object;

object RenderToken(const service::IssuedToken& t) {
  return object{{"id", t.id}, {"token", t.token}, {"role", t.role}, {"org", t.org}};
}

// A numeric path id, or 404 as for any other unknown id.
Input<int64_t> PathRowId(Call& c, const char* what) {
  auto id = ParseRowId(c.Param("id"));
  if (!id)
    return http::Problem(404, "NOT_FOUND", "Not Found",
                         std::string("no ") + what + " " + c.Param("id"));
  return *id;
}

}  // namespace

void PartyRoutes(http::Router& r, Deps& d) {
  const Who any = Who::SignedIn();
  Route(
      r, d, "POST", "/api/v1/orgs", any, Body(ReadOrg),
      [](Call& c, store::Org in) { return service::CreateOrg(c.ctx(), c.p(), std::move(in)); },
      Json(201, RenderOrg));
  Route(
      r, d, "GET", "/api/v1/orgs", any, Paged(),
      [](Call& c, Paging pg) { return service::ListOrgs(c.ctx(), c.p(), pg.after, pg.limit); },
      PageOf(RenderOrg));
  Route(
      r, d, "GET", "/api/v1/orgs/{uscc}", any, NoInput(),
      [](Call& c, auto) { return service::GetOrg(c.ctx(), c.p(), c.Param("uscc")); },
      Json(200, RenderOrg));
  Route(
      r, d, "POST", "/api/v1/orgs/{uscc}/tokens", any, Body(ReadTokenRequest),
      [](Call& c, TokenInput in) {
        return service::CreateToken(c.ctx(), c.p(), c.Param("uscc"), *service::ParseRole(in.role),
                                    in.label);
      },
      Json(201, RenderToken));
  Route(
      r, d, "POST", "/api/v1/devices", any, Body(ReadDevice),
      [](Call& c, DeviceInput in) {
        return service::CreateDevice(c.ctx(), c.p(), in.device_id, in.org);
      },
      Json(201, [](const auto& dev) {
        return object{{"device_id", dev.device_id}, {"org", dev.org}};
      }));
  Route(
      r, d, "POST", "/api/v1/devices/{id}/revoke", any, NoInput(),
      [](Call& c, auto) { return service::RevokeDevice(c.ctx(), c.p(), c.Param("id")); },
      [](Call& c, auto) {
        return JsonResponse(200, object{{"device_id", c.Param("id")}, {"revoked", true}});
      });
  Route(
      r, d, "POST", "/api/v1/tokens/{id}/revoke", any,
      [](Call& c) { return PathRowId(c, "token"); },
      [](Call& c, int64_t id) -> Result<int64_t> {
        if (Status s = service::RevokeToken(c.ctx(), c.p(), id); !s.ok()) return s;
        return id;
      },
      Json(200, [](int64_t id) {
        return object{{"id", id}, {"revoked", true}};
      }));
  Route(
      r, d, "POST", "/api/v1/facilities", any, Body(ReadFacility),
      [](Call& c, store::Facility f) {
        return service::CreateFacility(c.ctx(), c.p(), std::move(f));
      },
      Json(201, RenderFacility));
  Route(
      r, d, "GET", "/api/v1/facilities", any, Paged(),
      [](Call& c, Paging pg) {
        return service::ListFacilities(c.ctx(), c.p(), pg.after, pg.limit);
      },
      PageOf(RenderFacility));
  Route(
      r, d, "POST", "/api/v1/programmes", any, Body(ReadProgramme),
      [](Call& c, ProgrammeInput in) {
        return service::CreateProgramme(c.ctx(), c.p(), in.programme, in.members);
      },
      Json(201, RenderProgramme));
  Route(
      r, d, "GET", "/api/v1/programmes/{id}", any, NoInput(),
      [](Call& c, auto) { return service::GetProgramme(c.ctx(), c.p(), c.Param("id")); },
      Json(200, RenderProgramme));
}

}  // namespace cradle::api
