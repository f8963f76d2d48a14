// Fuzz target: base45 (RFC 9285), strict decoding.
//
// Properties: decode(encode(x)) == x with the predicted length for any bytes; a text that
// decodes re-encodes to itself (strictness: one spelling per byte string); a text with a
// character outside the alphabet or a length of 1 mod 3 never decodes; failures are MALFORMED.
#include <cstdint>
#include <string>

#include "core/base45.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using cradle::fuzz::Printable;
  const std::string_view input = cradle::fuzz::AsText(data, size);

  const std::string encoded = cradle::Base45Encode(input);
  FUZZ_CHECK(encoded.size() == cradle::Base45EncodedSize(input.size()), Printable(input));
  for (char c : encoded) FUZZ_CHECK(cradle::IsBase45Char(c), Printable(encoded));
  auto round = cradle::Base45Decode(encoded);
  FUZZ_CHECK(round.ok() && *round == input, Printable(input) + " -> " + Printable(encoded));

  auto decoded = cradle::Base45Decode(input);
  if (decoded.ok()) {
    FUZZ_CHECK(cradle::Base45Encode(*decoded) == input,
               Printable(input) + " -> " + Printable(*decoded));
  } else {
    FUZZ_CHECK(decoded.status().code() == "MALFORMED", decoded.status().ToString());
  }
  bool all_alphabet = true;
  for (char c : input) all_alphabet = all_alphabet && cradle::IsBase45Char(c);
  if (!all_alphabet || input.size() % 3 == 1) FUZZ_CHECK(!decoded.ok(), Printable(input));
  return 0;
}
