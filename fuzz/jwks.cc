// Fuzz target: the JWK Set a scanner fetches and trusts (ParseJwks, ReadJwks).
//
// Properties: an accepted set has valid, distinct kids and 32-byte keys; WriteJwks of it parses
// back to the same keys in the same order; ReadJwks never accepts what ParseJwks refuses, and
// when it accepts holds exactly one key per entry; every rejection of either is JWKS_INVALID.
#include <cstdint>
#include <set>
#include <string>

#include "core/jwks.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using cradle::fuzz::Printable;
  const std::string_view input = cradle::fuzz::AsText(data, size);
  auto keys = cradle::ParseJwks(input);
  auto key_set = cradle::ReadJwks(input);
  if (!keys.ok()) {
    FUZZ_CHECK(keys.status().code() == "JWKS_INVALID", keys.status().ToString());
    FUZZ_CHECK(!key_set.ok(), Printable(input));
    return 0;
  }
  std::set<std::string> kids;
  for (const auto& k : *keys) {
    FUZZ_CHECK(cradle::IsValidKid(k.kid), Printable(k.kid));
    FUZZ_CHECK(k.public_key.size() == 32, k.kid);
    FUZZ_CHECK(kids.insert(k.kid).second, "duplicate kid " + k.kid);
  }
  const std::string written = cradle::WriteJwks(*keys);
  auto again = cradle::ParseJwks(written);
  FUZZ_CHECK(again.ok() && *again == *keys, written);
  // ReadJwks may still refuse a key that is not a point on the curve; it never adds others.
  if (key_set.ok()) {
    FUZZ_CHECK(key_set->size() == keys->size(), Printable(input));
    for (const auto& k : *keys) FUZZ_CHECK(key_set->Find(k.kid) != nullptr, k.kid);
  } else {
    FUZZ_CHECK(key_set.status().code() == "JWKS_INVALID", key_set.status().ToString());
  }
  return 0;
}
