// Reconciliation, cases and rules endpoints (api.md "Reconciliation, cases, audit"): HTTP
// adapters over service/reconciliation.h and service/cases.h.
//
// Ownership: the handlers keep a reference to `deps`, which must outlive the router.
// Thread safety: handlers are called concurrently; they hold no state of their own.
#pragma once

#include "server/api/api.h"
#include "server/http/router.h"

namespace cradle::api {

void ReconRoutes(http::Router& router, Deps& deps);

}  // namespace cradle::api
