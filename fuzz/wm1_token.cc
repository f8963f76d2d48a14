// Fuzz target: the WM1 label token as a scanner reads it (ParseToken, Verify, VerifyToken).
//
// Properties beyond "no crash":
//   - a token that parses re-serialises (SignedPart) to its own signed prefix, and that prefix
//     plus base45(signature) is the whole token: one token, one spelling;
//   - parsed fields pass ValidateTokenFields (issuer and verifier agree on the rules);
//   - Verify reports the same first failure as ParseToken, a code from the documented set, and
//     fields whenever the grammar held (always for UNKNOWN_KEY / BAD_SIGNATURE);
//   - a token that verifies names a trusted kid, and VerifyToken agrees with Verify;
//   - StripLineEnding only ever removes CR/LF.
#include <cstdint>
#include <string>

#include "core/base45.h"
#include "core/hex.h"
#include "core/wm1.h"
#include "fuzz/fuzz_check.h"

namespace {

using cradle::fuzz::Printable;

// The two keys of shared/spec/vectors/wm1.json, so seeded genuine tokens verify.
const cradle::KeySet& TrustedKeys() {
  static const cradle::KeySet keys = [] {
    cradle::KeySet set;
    const char* const seeds[][2] = {
        {"K1", "0761a41b52d375a2aecdac4b379d496fd81c6fb0d5106cd5401805c64b2b864b"},
        {"T2", "79f4c5187084524186d44147f32d05dc166921c41088f1ccf83e10633aa591dd"}};
    for (const auto& [kid, seed_hex] : seeds) {
      auto seed = cradle::HexDecode(seed_hex);
      auto key = cradle::SigningKey::FromSeed(*seed);
      if (!set.AddRaw(kid, key->PublicKey()).ok()) std::abort();
    }
    return set;
  }();
  return keys;
}

bool IsVerifyCode(const std::string& code) {
  return code.empty() || code == "MALFORMED" || code == "INVALID_FIELD" || code == "UNKNOWN_KEY" ||
         code == "BAD_SIGNATURE";
}

void CheckParsed(std::string_view token, const cradle::ParsedToken& parsed) {
  const std::string signed_part = cradle::SignedPart(parsed.fields);
  FUZZ_CHECK(signed_part == parsed.signed_part, Printable(token) + " -> " + signed_part);
  FUZZ_CHECK(parsed.signature.size() == cradle::kEd25519SignatureSize, Printable(token));
  FUZZ_CHECK(signed_part + cradle::Base45Encode(parsed.signature) == token, Printable(token));
  FUZZ_CHECK(cradle::ValidateTokenFields(parsed.fields).ok(),
             Printable(token) + ": " + cradle::ValidateTokenFields(parsed.fields).ToString());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = cradle::fuzz::AsText(data, size);
  const std::string_view stripped = cradle::StripLineEnding(input);
  FUZZ_CHECK(input.starts_with(stripped), Printable(input));
  for (char c : input.substr(stripped.size())) FUZZ_CHECK(c == '\r' || c == '\n', Printable(input));

  auto parsed = cradle::ParseToken(stripped);
  cradle::VerifyOutcome outcome = cradle::Verify(stripped, TrustedKeys());
  const std::string& code = outcome.status.code();
  FUZZ_CHECK(IsVerifyCode(code), Printable(stripped) + ": " + code);

  if (parsed.ok()) {
    CheckParsed(stripped, *parsed);
    FUZZ_CHECK(code != "MALFORMED" && code != "INVALID_FIELD", Printable(stripped));
    FUZZ_CHECK(outcome.fields && *outcome.fields == parsed->fields, Printable(stripped));
  } else {
    FUZZ_CHECK(parsed.status().code() == code,
               Printable(stripped) + ": " + parsed.status().code() + " vs " + code);
    FUZZ_CHECK(!outcome.status.message().empty(), Printable(stripped));
    if (code == "MALFORMED") FUZZ_CHECK(!outcome.fields, Printable(stripped));
    if (code == "INVALID_FIELD") FUZZ_CHECK(outcome.fields.has_value(), Printable(stripped));
  }
  if (outcome.valid()) {
    FUZZ_CHECK(TrustedKeys().Find(outcome.fields->kid) != nullptr, Printable(stripped));
  }
  auto verified = cradle::VerifyToken(stripped, TrustedKeys());
  FUZZ_CHECK(verified.ok() == outcome.valid(), Printable(stripped));
  if (verified.ok()) FUZZ_CHECK(*verified == *outcome.fields, Printable(stripped));
  return 0;
}
