// Waste codes of the National Hazardous Waste List (国家危险废物名录): "NNN-NNN-NN", digits 1-3
// the industry, 4-6 a sequence, 7-8 the category HWxx. The digital identification code and the
// WM1 token carry the 8 digits without dashes ("772-002-18" <-> "77200218").
//
// Categories are HW01-HW50, of which HW41-HW44 are vacant. These functions check only form and
// category; whether a code is listed is the catalogue's question (core/catalogue.h).
//
// Thread safety: pure functions; safe from any thread.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace cradle {

inline constexpr int kFirstWasteCategory = 1;
inline constexpr int kLastWasteCategory = 50;

bool IsVacantCategory(int category);               // 41..44
bool IsValidCategory(int category);                // 1..50 and not vacant
std::string FormatCategory(int category);          // 18 -> "HW18"
Result<int> ParseCategory(std::string_view text);  // "HW18" -> 18; code INVALID_WASTE_CODE

bool IsDashedWasteCode(std::string_view text);   // shape "NNN-NNN-NN" only
bool IsCompactWasteCode(std::string_view text);  // shape "NNNNNNNN" only

// Shape conversions (code INVALID_WASTE_CODE when the input has the wrong shape).
Result<std::string> WasteCodeToCompact(std::string_view dashed);  // "772-002-18" -> "77200218"
Result<std::string> WasteCodeToDashed(std::string_view compact);  // "77200218" -> "772-002-18"

// The category number of a code in either shape, or 0 when the shape is wrong.
int WasteCodeCategory(std::string_view code);

// Shape (either) and a valid category; code INVALID_WASTE_CODE with the reason.
Status ValidateWasteCode(std::string_view code);

}  // namespace cradle
