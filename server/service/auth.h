// Authentication: turns a bearer token or a verified client certificate's CN into a Principal.
//
// Tokens are looked up by their SHA-256 (the plain token is never stored). A device must be
// registered and belong to a collector or facility organisation.
// Thread safety: stateless functions over the thread-safe Context.
#pragma once

#include <string_view>

#include "core/status.h"
#include "server/service/context.h"
#include "server/service/principal.h"

namespace cradle::service {

// UNAUTHENTICATED when the token is unknown or revoked.
Result<Principal> AuthenticateBearer(const Context& ctx, std::string_view token);

// UNAUTHENTICATED when the CN names no registered, unrevoked device.
Result<Principal> AuthenticateDevice(const Context& ctx, std::string_view device_id);

}  // namespace cradle::service
