// Random (version 4) UUIDs for event ids, from OpenSSL's CSPRNG.
//
// Thread safety: safe to call from any thread.
#pragma once

#include <string>
#include <string_view>

namespace cradle {

// "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", lower-case hex.
std::string NewUuidV4();

// True for the canonical 36-character textual form (any version, either case).
bool IsUuid(std::string_view text);

}  // namespace cradle
