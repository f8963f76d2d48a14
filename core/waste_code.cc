#include "core/waste_code.h"

namespace cradle {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

Status Invalid(std::string message) { return Status("INVALID_WASTE_CODE", std::move(message)); }

}  // namespace

bool IsVacantCategory(int category) { return category >= 41 && category <= 44; }

bool IsValidCategory(int category) {
  return category >= kFirstWasteCategory && category <= kLastWasteCategory &&
         !IsVacantCategory(category);
}

std::string FormatCategory(int category) {
  std::string out = "HW";
  out += static_cast<char>('0' + category / 10 % 10);
  out += static_cast<char>('0' + category % 10);
  return out;
}

Result<int> ParseCategory(std::string_view text) {
  if (text.size() != 4 || text[0] != 'H' || text[1] != 'W' || !IsDigit(text[2]) ||
      !IsDigit(text[3])) {
    return Invalid("a category is written HW01..HW50");
  }
  int n = (text[2] - '0') * 10 + (text[3] - '0');
  if (!IsValidCategory(n)) return Invalid("no category " + std::string(text));
  return n;
}

bool IsDashedWasteCode(std::string_view text) {
  if (text.size() != 10 || text[3] != '-' || text[7] != '-') return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (i != 3 && i != 7 && !IsDigit(text[i])) return false;
  }
  return true;
}

bool IsCompactWasteCode(std::string_view text) {
  if (text.size() != 8) return false;
  for (char c : text) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

Result<std::string> WasteCodeToCompact(std::string_view dashed) {
  if (!IsDashedWasteCode(dashed)) return Invalid("a waste code is written NNN-NNN-NN");
  std::string out;
  out.reserve(8);
  out.append(dashed.substr(0, 3)).append(dashed.substr(4, 3)).append(dashed.substr(8, 2));
  return out;
}

Result<std::string> WasteCodeToDashed(std::string_view compact) {
  if (!IsCompactWasteCode(compact)) return Invalid("a compact waste code is 8 digits");
  std::string out;
  out.reserve(10);
  out.append(compact.substr(0, 3)).append("-").append(compact.substr(3, 3)).append("-");
  out.append(compact.substr(6, 2));
  return out;
}

int WasteCodeCategory(std::string_view code) {
  if (!IsDashedWasteCode(code) && !IsCompactWasteCode(code)) return 0;
  size_t n = code.size();
  return (code[n - 2] - '0') * 10 + (code[n - 1] - '0');
}

Status ValidateWasteCode(std::string_view code) {
  if (!IsDashedWasteCode(code) && !IsCompactWasteCode(code)) {
    return Invalid("a waste code is written NNN-NNN-NN (or 8 digits)");
  }
  int category = WasteCodeCategory(code);
  if (IsVacantCategory(category)) {
    return Invalid("category " + FormatCategory(category) + " is vacant");
  }
  if (!IsValidCategory(category)) {
    return Invalid("no category " + FormatCategory(category) + " (HW01..HW50)");
  }
  return Status::Ok();
}

}  // namespace cradle
