// Fuzz target: the WT1 transfer token (docs/transfer-token.md) as an inspector's handheld reads
// it from any paper (ParseTransferToken, VerifyTransferToken).
//
// Properties beyond "no crash":
//   - a token that parses re-serialises (TransferSignedPart) to its own signed prefix, and that
//     prefix plus base45(signature) is the whole token: one token, one spelling;
//   - parsed fields pass ValidateTransferTokenFields (issuer and verifier agree on the rules);
//   - VerifyTransferToken fails with a documented code, the same as ParseTransferToken's when
//     that fails, and succeeds only with a trusted kid, giving the parsed fields.
#include <cstdint>
#include <string>

#include "core/base45.h"
#include "core/hex.h"
#include "core/transfer_token.h"
#include "fuzz/fuzz_check.h"

namespace {

using cradle::fuzz::Printable;

// The keys of tests/vectors/transfer-token.json, so the seeded genuine tokens verify.
const cradle::KeySet& TrustedKeys() {
  static const cradle::KeySet keys = [] {
    cradle::KeySet set;
    const char* const seeds[][2] = {
        {"K1", "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"},
        {"K2", "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"}};
    for (const auto& [kid, seed_hex] : seeds) {
      auto key = cradle::SigningKey::FromSeed(*cradle::HexDecode(seed_hex));
      if (!set.AddRaw(kid, key->PublicKey()).ok()) std::abort();
    }
    return set;
  }();
  return keys;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view token = cradle::fuzz::AsText(data, size);
  auto parsed = cradle::ParseTransferToken(token);
  auto verified = cradle::VerifyTransferToken(token, TrustedKeys());
  const std::string code = verified.ok() ? "" : verified.status().code();
  FUZZ_CHECK(code.empty() || code == "MALFORMED" || code == "INVALID_FIELD" ||
                 code == "UNKNOWN_KEY" || code == "BAD_SIGNATURE",
             Printable(token) + ": " + code);
  if (!parsed.ok()) {
    FUZZ_CHECK(parsed.status().code() == code, Printable(token));
    FUZZ_CHECK(!parsed.status().message().empty(), Printable(token));
    return 0;
  }
  const std::string signed_part = cradle::TransferSignedPart(parsed->fields);
  FUZZ_CHECK(signed_part == parsed->signed_part, Printable(token) + " -> " + signed_part);
  FUZZ_CHECK(signed_part + cradle::Base45Encode(parsed->signature) == token, Printable(token));
  FUZZ_CHECK(cradle::ValidateTransferTokenFields(parsed->fields).ok(), Printable(token));
  FUZZ_CHECK(cradle::IsTransferToken(token), Printable(token));
  if (verified.ok()) {
    FUZZ_CHECK(TrustedKeys().Find(verified->kid) != nullptr, Printable(token));
    FUZZ_CHECK(*verified == parsed->fields, Printable(token));
  } else {
    FUZZ_CHECK(code == "UNKNOWN_KEY" || code == "BAD_SIGNATURE", Printable(token));
  }
  return 0;
}
