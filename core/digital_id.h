// The digital identification code of HJ 1276-2022 (数字识别码): 37 characters,
//   USCC (18) + waste code digits (8) + date YYYYMMDD (8) + serial 001-999 (3),
// e.g. "91331000MA2H0A1B3E7720021820261128001". It is a manifest's id everywhere in cradle and
// the second field of the WM1 token.
//
// Serials are allocated by the server's store (per producer, waste code and day); core only
// formats and validates them.
//
// Errors follow the token's two levels: MALFORMED when the shape is wrong (length, a
// non-digit in the waste code, date or serial), INVALID_FIELD when a field breaks its rule
// (USCC check, vacant or out-of-range category, no such date, serial 000). The message names
// the field.
//
// Thread safety: plain values and pure functions; safe from any thread.
#pragma once

#include <string>
#include <string_view>

#include "core/civil_time.h"
#include "core/status.h"

namespace cradle {

inline constexpr size_t kDigitalIdLength = 37;
inline constexpr int kMinSerial = 1;
inline constexpr int kMaxSerial = 999;

struct DigitalId {
  std::string uscc;        // 18 characters
  std::string waste_code;  // 8 digits, no dashes
  CivilDate date;          // the day the waste was packed
  int serial = 0;          // 1..999
  bool operator==(const DigitalId&) const = default;
};

// "%03d" of 0..999 ("007"); other values are clamped into 0..999 (callers validate first).
std::string FormatSerial(int serial);

// Concatenates the four segments; does not validate (see ValidateDigitalId).
std::string BuildDigitalId(const DigitalId& id);

// Field rules of an assembled DigitalId (MALFORMED / INVALID_FIELD as above).
Status ValidateDigitalId(const DigitalId& id);

// Parses and validates a 37-character code.
Result<DigitalId> SplitDigitalId(std::string_view text);

}  // namespace cradle
