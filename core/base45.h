// Base45 (RFC 9285): bytes <-> text in the QR alphanumeric alphabet.
//
// Used for the WM1 token's signature so a whole token fits QR alphanumeric mode. Decoding is
// strict: a character outside the 45-character alphabet, a length of 1 mod 3, a triple above
// 65535 or a trailing pair above 255 is MALFORMED (no lenient decoding: a signature has exactly
// one spelling).
//
// Thread safety: pure functions; safe from any thread.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace cradle {

inline constexpr std::string_view kBase45Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

bool IsBase45Char(char c);
// Length of the base45 text for `byte_count` bytes (64 -> 96).
size_t Base45EncodedSize(size_t byte_count);

std::string Base45Encode(std::string_view bytes);
Result<std::string> Base45Decode(std::string_view text);  // code MALFORMED

}  // namespace cradle
