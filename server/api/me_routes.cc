// GET /api/v1/me (api.md "Who may do what"): the caller's organisation, name, role, device and
// what the role may do. Any signed-in caller; the sign-in page needs nothing but the token.
#include "server/api/route.h"
#include "server/service/parties.h"

namespace cradle::api {
namespace {

boost::json::object RenderMe(const service::Me& me) {
  boost::json::array may;
  for (const auto& m : me.may) may.push_back(boost::json::string(m));
  boost::json::object o{{"org", me.org},
                        {"name", me.name},
                        {"role", service::RoleName(me.role)},
                        {"may", std::move(may)}};
  if (!me.device.empty()) o["device"] = me.device;
  return o;
}

}  // namespace

void MeRoutes(http::Router& r, Deps& d) {
  Route(
      r, d, "GET", "/api/v1/me", Who::SignedIn(), NoInput(),
      [](Call& c, auto) { return service::WhoAmI(c.ctx(), c.p()); }, Json(200, RenderMe));
}

}  // namespace cradle::api
