// Every route the server has, one file per resource (route.h says how a route is declared).
#include "server/api/route.h"
#include "server/api/static_routes.h"
#include "server/api/transfer_routes.h"

namespace cradle::api {

void RegisterRoutes(http::Router& router, Deps& deps) {
  PartyRoutes(router, deps);
  ManifestRoutes(router, deps);
  LabelRoutes(router, deps);
  ScanRoutes(router, deps);
  TransferRoutes(router, deps);
  ReconciliationRoutes(router, deps);
  CaseRoutes(router, deps);
  OperationsRoutes(router, deps);
  MeRoutes(router, deps);
  StaticRoutes(router, deps.web_root.empty() ? DefaultWebRoot() : deps.web_root);
}

}  // namespace cradle::api
