// Unified Social Credit Code (统一社会信用代码, GB 32100-2015): the 18-character id of every
// organisation in cradle (an organisation's id on the API, and the first segment of the digital
// identification code).
//
// Layout: 1 registration authority, 2 organisation type, 3-8 administrative division (digits),
// 9-17 subject id, 18 check character (mod 31 over the 31-character alphabet, weights
// 3^(i-1) mod 31). The alphabet excludes I, O, S, V, Z.
//
// Thread safety: pure functions; safe from any thread.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace cradle {

inline constexpr std::string_view kUsccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
inline constexpr size_t kUsccLength = 18;

// What a person typed -> canonical form: trims ASCII and ideographic (U+3000) spaces, maps
// full-width ASCII (U+FF01..U+FF5E) to half-width, upper-cases. Does not validate.
std::string NormaliseUscc(std::string_view input);

// The check character for the first 17 characters, or '\0' when `first17` is not 17 characters
// of the alphabet.
char UsccCheckChar(std::string_view first17);

// OK, or code INVALID_USCC with the reason (length, character at position, division digits,
// check character expected). Expects normalised input; does not normalise.
Status ValidateUscc(std::string_view uscc);
bool IsValidUscc(std::string_view uscc);

}  // namespace cradle
