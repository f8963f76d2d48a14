// GET /api/v1/me (api.md "Who may do what"): the caller's organisation, name, role, device and
// what the role may do. Any signed-in caller; the sign-in page needs nothing but the token.
#include <boost/json.hpp>

#include "server/api/api.h"
#include "server/api/json_io.h"
#include "server/service/parties.h"

namespace cradle::api {

void MeRoutes(http::Router& router, Deps& d) {
  router.Add("GET", "/api/v1/me", Authed(d, [&d](http::Request&, const service::Principal& p) {
               auto me = service::WhoAmI(d.ctx, p);
               if (!me.ok()) return FromStatus(me.status());
               boost::json::array may;
               for (const auto& m : me->may) may.push_back(boost::json::string(m));
               boost::json::object o{{"org", me->org},
                                     {"name", me->name},
                                     {"role", service::RoleName(me->role)},
                                     {"may", std::move(may)}};
               if (!me->device.empty()) o["device"] = me->device;
               return JsonResponse(200, o);
             }));
}

}  // namespace cradle::api
