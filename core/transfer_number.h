// The transfer number (转移联单编号) of the 2021 Transfer Measures, Art. 13: 14 digits,
//   year (4) | province and city of the sender (4) | serial per sending city and year (6),
// e.g. 2026 3310 000042. The province and city are the first four digits of the sender's
// administrative division code: characters 3-6 of its USCC (GB 32100-2015).
//
// This is the only place that knows the rule; the store only keeps the last serial per prefix.
// Thread safety: pure functions; safe from any thread.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace cradle {

inline constexpr int kTransferSerialMax = 999'999;
inline constexpr size_t kTransferNumberLength = 14;

// The 8-digit prefix (year, province, city) of a transfer sent by `sender_uscc` in `year`.
// INVALID_FIELD when the year is outside 2000..9999 or the USCC's characters 3-6 are not
// digits (the USCC itself is validated where it is registered).
Result<std::string> TransferNumberPrefix(int year, std::string_view sender_uscc);
// The whole number: prefix + the serial as 6 digits. INVALID_FIELD for a bad prefix or a serial
// outside 1..999999 (SERIALS_EXHAUSTED is the store's to report when the year's run out).
Result<std::string> FormatTransferNumber(std::string_view prefix, int serial);
// True for 14 ASCII digits with a plausible year and a serial of at least 1 (the shape only).
bool IsTransferNumber(std::string_view text);

}  // namespace cradle
