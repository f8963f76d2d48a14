// Fuzz target: the identifiers people type or scanners read: the USCC (NormaliseUscc,
// ValidateUscc), waste codes (ValidateWasteCode and shape conversions) and the 37-character
// digital identification code (SplitDigitalId).
//
// Properties: NormaliseUscc is idempotent; a valid USCC is 18 characters of the alphabet whose
// last is UsccCheckChar of the first 17; a valid waste code converts compact <-> dashed and
// back to itself with the same category; a digital id that splits rebuilds to the very input
// and validates; errors carry the documented codes.
#include <cstdint>
#include <string>

#include "core/digital_id.h"
#include "core/uscc.h"
#include "core/waste_code.h"
#include "fuzz/fuzz_check.h"

namespace {

using cradle::fuzz::Printable;

void CheckUscc(std::string_view input) {
  const std::string norm = cradle::NormaliseUscc(input);
  FUZZ_CHECK(cradle::NormaliseUscc(norm) == norm, Printable(input) + " -> " + Printable(norm));
  cradle::Status s = cradle::ValidateUscc(input);
  FUZZ_CHECK(s.ok() == cradle::IsValidUscc(input), Printable(input));
  if (!s.ok()) {
    FUZZ_CHECK(s.code() == "INVALID_USCC", s.ToString());
    return;
  }
  FUZZ_CHECK(input.size() == cradle::kUsccLength, Printable(input));
  for (char c : input) {
    FUZZ_CHECK(cradle::kUsccAlphabet.find(c) != std::string_view::npos, Printable(input));
  }
  FUZZ_CHECK(cradle::UsccCheckChar(input.substr(0, 17)) == input[17], Printable(input));
  FUZZ_CHECK(norm == input, Printable(input));
}

void CheckWasteCode(std::string_view input) {
  cradle::Status s = cradle::ValidateWasteCode(input);
  if (!s.ok()) {
    FUZZ_CHECK(s.code() == "INVALID_WASTE_CODE", s.ToString());
    return;
  }
  const int category = cradle::WasteCodeCategory(input);
  FUZZ_CHECK(cradle::IsValidCategory(category), Printable(input));
  if (cradle::IsDashedWasteCode(input)) {
    auto compact = cradle::WasteCodeToCompact(input);
    FUZZ_CHECK(compact.ok(), Printable(input));
    FUZZ_CHECK(cradle::WasteCodeCategory(*compact) == category, Printable(input));
    auto dashed = cradle::WasteCodeToDashed(*compact);
    FUZZ_CHECK(dashed.ok() && *dashed == input, Printable(input));
  } else {
    FUZZ_CHECK(cradle::IsCompactWasteCode(input), Printable(input));
    auto dashed = cradle::WasteCodeToDashed(input);
    FUZZ_CHECK(dashed.ok(), Printable(input));
    auto compact = cradle::WasteCodeToCompact(*dashed);
    FUZZ_CHECK(compact.ok() && *compact == input, Printable(input));
  }
}

void CheckDigitalId(std::string_view input) {
  auto id = cradle::SplitDigitalId(input);
  if (!id.ok()) {
    const std::string code = id.status().code();
    FUZZ_CHECK(code == "MALFORMED" || code == "INVALID_FIELD", id.status().ToString());
    return;
  }
  FUZZ_CHECK(cradle::BuildDigitalId(*id) == input, Printable(input));
  FUZZ_CHECK(cradle::ValidateDigitalId(*id).ok(), Printable(input));
  FUZZ_CHECK(cradle::IsValidUscc(id->uscc), Printable(input));
  FUZZ_CHECK(cradle::IsValidDate(id->date), Printable(input));
  FUZZ_CHECK(id->serial >= cradle::kMinSerial && id->serial <= cradle::kMaxSerial,
             Printable(input));
  FUZZ_CHECK(cradle::ValidateWasteCode(id->waste_code).ok(), Printable(input));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = cradle::fuzz::AsText(data, size);
  CheckUscc(input);
  CheckWasteCode(input);
  CheckDigitalId(input);
  return 0;
}
