// Fuzz target: masses as typed on a scale terminal or keyboard (ParseMass), and FormatKg /
// FormatTonnes of what was accepted.
//
// Properties: an accepted mass is 1 g..50 t; FormatKg of it parses back to the same grams
// (what the UI shows can be typed back); leading/trailing spaces do not change the result;
// a rejection is INVALID_MASS with a message; FormatTonnes never throws and ends in " t".
#include <cstdint>
#include <string>

#include "core/mass.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using cradle::fuzz::Printable;
  const std::string_view input = cradle::fuzz::AsText(data, size);
  auto mass = cradle::ParseMass(input);
  if (!mass.ok()) {
    FUZZ_CHECK(mass.status().code() == "INVALID_MASS", mass.status().ToString());
    FUZZ_CHECK(!mass.status().message().empty(), Printable(input));
    return 0;
  }
  const int64_t g = *mass;
  FUZZ_CHECK(g >= 1 && g <= cradle::kMaxMassGrams, Printable(input) + " -> " + std::to_string(g));
  const std::string kg = cradle::FormatKg(g);
  auto back = cradle::ParseMass(kg);
  FUZZ_CHECK(back.ok() && *back == g, Printable(input) + " -> " + kg);
  auto padded = cradle::ParseMass(" " + std::string(input) + " ");
  FUZZ_CHECK(padded.ok() && *padded == g, Printable(input));
  for (int decimals = 0; decimals <= 6; ++decimals) {
    FUZZ_CHECK(cradle::FormatTonnes(g, decimals).ends_with(" t"), std::to_string(g));
  }
  return 0;
}
