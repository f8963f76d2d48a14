// Readiness: whether the store answers a read and the writer commits (GET /readyz).
// Thread safety: a stateless function over the thread-safe Context.
#pragma once

#include "core/status.h"
#include "server/service/context.h"

namespace cradle::service {

// OK when a read transaction runs and an (empty) write transaction commits; otherwise the
// store's error (STORAGE_UNAVAILABLE, BUSY, ...).
Status CheckReady(const Context& ctx);

}  // namespace cradle::service
