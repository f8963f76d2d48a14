// systemd readiness notification (Type=notify) without libsystemd: one datagram to
// $NOTIFY_SOCKET. A no-op when the variable is unset (not started by systemd).
#pragma once

#include <string_view>

namespace cradle {

// Sends e.g. "READY=1" or "STOPPING=1". Returns false only when the send itself failed.
bool NotifySystemd(std::string_view state);

}  // namespace cradle
