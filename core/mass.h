// Masses as typed on a scale terminal or keyboard, and as shown to people.
//
// On the wire and in storage masses are integer grams. Input: a decimal number with an optional
// unit, kilograms by default: "1251.5", "1251.5 kg", "1.2515 t", "1251500 g" (units are
// case-insensitive; 千克, 公斤, 吨 and 克 are accepted too; surrounding spaces are ignored).
// Decimals allowed: kg 3, t 6 (both exact to the gram), g 3 (rounded half up to the gram).
// Rejected with code INVALID_MASS: empty, signs, exponents, thousands separators, more
// decimals than allowed, an unknown unit, zero (after rounding), or above 50 t.
//
// Thread safety: pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace cradle {

inline constexpr int64_t kMaxMassGrams = 50'000'000;  // 50 t, the token's bound

Result<int64_t> ParseMass(std::string_view text);

// Exact kilograms with trailing zeros removed: 1250500 -> "1250.5 kg", 1000 -> "1 kg",
// 1 -> "0.001 kg", negative values keep their sign.
std::string FormatKg(int64_t grams);
// Tonnes rounded half away from zero to `max_decimals` (0..6), trailing zeros removed:
// FormatTonnes(1250500) -> "1.251 t", FormatTonnes(324100000, 1) -> "324.1 t".
std::string FormatTonnes(int64_t grams, int max_decimals = 3);

}  // namespace cradle
