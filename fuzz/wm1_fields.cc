// Fuzz target: the issuing side of WM1. Arbitrary token fields are validated; whatever
// ValidateTokenFields accepts is signed with the vector key K1 (trusted under the fields' kid) and
// must then parse and verify to exactly the same fields (an issuer never prints a label its own
// scanners refuse), and a token with one signature character changed must not verify.
//
// Input layout: kid '/' uscc '/' waste-code '/' yyyy '/' mm '/' dd '/' serial '/' mass '/' pack
// (numbers in decimal; a missing or non-numeric number reads as 0).
#include <charconv>
#include <cstdint>
#include <string>
#include <vector>

#include "core/hex.h"
#include "core/wm1.h"
#include "fuzz/fuzz_check.h"

namespace {

using cradle::fuzz::Printable;

const cradle::SigningKey& K1() {
  static const cradle::SigningKey key = *cradle::SigningKey::FromSeed(
      *cradle::HexDecode("0761a41b52d375a2aecdac4b379d496fd81c6fb0d5106cd5401805c64b2b864b"));
  return key;
}

// K1's public key under the fields' own kid (any valid kid may name a key).
cradle::KeySet KeysFor(const std::string& kid) {
  cradle::KeySet set;
  FUZZ_CHECK(set.AddRaw(kid, K1().PublicKey()).ok(), Printable(kid));
  return set;
}

std::vector<std::string_view> Split(std::string_view text, size_t max_parts) {
  std::vector<std::string_view> parts;
  while (parts.size() + 1 < max_parts) {
    size_t slash = text.find('/');
    if (slash == std::string_view::npos) break;
    parts.push_back(text.substr(0, slash));
    text.remove_prefix(slash + 1);
  }
  parts.push_back(text);
  parts.resize(max_parts);
  return parts;
}

int64_t Number(std::string_view text) {
  int64_t n = 0;
  std::from_chars(text.data(), text.data() + text.size(), n);
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = cradle::fuzz::AsText(data, size);
  auto p = Split(input, 9);
  cradle::TokenFields f;
  f.kid = std::string(p[0]);
  f.id.uscc = std::string(p[1]);
  f.id.waste_code = std::string(p[2]);
  f.id.date = {static_cast<int>(Number(p[3])), static_cast<int>(Number(p[4])),
               static_cast<int>(Number(p[5]))};
  f.id.serial = static_cast<int>(Number(p[6]));
  f.mass_g = Number(p[7]);
  f.packaging = std::string(p[8]);

  cradle::Status valid = cradle::ValidateTokenFields(f);
  FUZZ_CHECK(valid.ok() || valid.code() == "MALFORMED" || valid.code() == "INVALID_FIELD",
             valid.ToString());
  if (!valid.ok()) return 0;

  const std::string token = cradle::BuildToken(f, K1());
  FUZZ_CHECK(cradle::IsQrAlphanumeric(token), Printable(token));
  auto parsed = cradle::ParseToken(token);
  FUZZ_CHECK(parsed.ok(), Printable(token) + ": " + parsed.status().ToString());
  FUZZ_CHECK(parsed->fields == f, Printable(input) + " -> " + Printable(token));
  const cradle::KeySet keys = KeysFor(f.kid);
  auto verified = cradle::VerifyToken(token, keys);
  FUZZ_CHECK(verified.ok() && *verified == f,
             Printable(token) + ": " + verified.status().ToString());

  // Altering the last signature character (to another base45 character) must break it.
  std::string forged = token;
  forged.back() = forged.back() == '0' ? '1' : '0';
  cradle::VerifyOutcome outcome = cradle::Verify(forged, keys);
  FUZZ_CHECK(!outcome.valid(), Printable(forged));
  return 0;
}
