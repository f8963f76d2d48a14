// The transfer endpoints (../shared/spec/transfers.md "Endpoints"), declared with route.h:
// HTTP adapters over service/transfers (and service/transfer_document for the printed manifest,
// GET /api/v1/transfers/{id}.pdf). Readers are in transfer_requests.h, renderers in render.h.
//
// Ownership: handlers keep a reference to `deps`, which must outlive the router.
// Thread safety: handlers are called concurrently; they hold no state of their own.
#pragma once

#include "server/api/api.h"
#include "server/http/router.h"

namespace cradle::api {

void TransferRoutes(http::Router& router, Deps& deps);

}  // namespace cradle::api
