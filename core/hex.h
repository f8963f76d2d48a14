// Lower-case hexadecimal <-> bytes, for digests, seeds and test vectors.
//
// Thread safety: pure functions; safe from any thread.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace cradle {

std::string HexEncode(std::string_view bytes);  // lower case
// Either case; odd length or a non-hex character is MALFORMED.
Result<std::string> HexDecode(std::string_view hex);
// The value of one hex digit (either case), or -1.
int HexDigitValue(char c);

}  // namespace cradle
