// The transfer endpoints (../shared/spec/transfers.md "Endpoints"): HTTP adapters over
// service/transfers. GET /api/v1/transfers/{id}.pdf is registered elsewhere (the renderer
// and the signed transfer token): it reads the same service::GetTransfer.
//
// Ownership: handlers keep a reference to `deps`, which must outlive the router.
// Thread safety: handlers are called concurrently; they hold no state of their own.
#pragma once

#include <boost/json.hpp>

#include "server/api/api.h"
#include "server/http/router.h"
#include "server/service/transfers.h"

namespace cradle::api {

void TransferRoutes(http::Router& router, Deps& deps);

// The transfer as the API shows it (also for the printed manifest's renderer).
boost::json::object RenderTransfer(const service::TransferView& v, int tz_offset_minutes);

}  // namespace cradle::api
