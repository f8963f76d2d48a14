// base64url without padding (RFC 4648 §5, as JOSE/RFC 7515 uses it) for JWK "x" values.
//
// Decoding is strict: characters outside A-Z a-z 0-9 - _, '=' padding, a length of 1 mod 4 and
// non-zero unused trailing bits are MALFORMED (one spelling per byte string).
//
// Thread safety: pure functions; safe from any thread.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace cradle {

std::string Base64UrlEncode(std::string_view bytes);
Result<std::string> Base64UrlDecode(std::string_view text);  // code MALFORMED

}  // namespace cradle
