// POST /api/v1/scans: the HTTP adapter over service::IngestScans (api.md "Scans").
//
// Ownership: the handler keeps a reference to `deps`, which must outlive the router.
// Thread safety: the handler is called concurrently; it holds no state of its own.
#pragma once

#include "server/api/api.h"
#include "server/http/router.h"

namespace cradle::api {

void ScanRoutes(http::Router& router, Deps& deps);

}  // namespace cradle::api
