#include "core/mass.h"

#include <array>

namespace cradle {
namespace {

struct Unit {
  std::string_view name;
  int64_t grams_per_unit;
  int max_decimals;
};

constexpr std::array<Unit, 8> kUnits = {{
    {"kg", 1000, 3},
    {"千克", 1000, 3},
    {"公斤", 1000, 3},
    {"t", 1'000'000, 6},
    {"吨", 1'000'000, 6},
    {"g", 1, 3},
    {"克", 1, 3},
    {"", 1000, 3},  // kilograms by default
}};

Status Invalid(std::string message) { return Status("INVALID_MASS", std::move(message)); }

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

const Unit* FindUnit(std::string_view name) {
  std::string lower = Lower(name);
  for (const Unit& u : kUnits) {
    if (u.name == lower) return &u;
  }
  return nullptr;
}

int64_t Pow10(int n) {
  int64_t v = 1;
  while (n-- > 0) v *= 10;
  return v;
}

// Divides, rounding half away from zero.
int64_t RoundDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  int64_t r = a % b;
  if (2 * (r < 0 ? -r : r) >= b) q += a < 0 ? -1 : 1;
  return q;
}

std::string Trimmed(std::string digits_with_point) {
  if (digits_with_point.find('.') == std::string::npos) return digits_with_point;
  while (digits_with_point.back() == '0') digits_with_point.pop_back();
  if (digits_with_point.back() == '.') digits_with_point.pop_back();
  return digits_with_point;
}

// |value| / 10^decimals printed with `decimals` places then trimmed.
std::string FixedPoint(int64_t value, int decimals) {
  bool negative = value < 0;
  uint64_t a = negative ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  uint64_t scale = static_cast<uint64_t>(Pow10(decimals));
  std::string out = (negative ? "-" : "") + std::to_string(a / scale);
  if (decimals > 0) {
    std::string frac = std::to_string(a % scale);
    out += '.';
    out.append(static_cast<size_t>(decimals) - frac.size(), '0');
    out += frac;
  }
  return Trimmed(out);
}

}  // namespace

Result<int64_t> ParseMass(std::string_view text) {
  std::string_view s = Trim(text);
  size_t i = 0;
  int64_t integer = 0;
  size_t int_digits = 0;
  while (i < s.size() && IsDigit(s[i])) {
    if (++int_digits > 9) return Invalid("mass above 50 t");
    integer = integer * 10 + (s[i++] - '0');
  }
  int64_t fraction = 0;
  int decimals = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && IsDigit(s[i])) {
      if (++decimals > 6) return Invalid("too many decimals");
      fraction = fraction * 10 + (s[i++] - '0');
    }
    if (decimals == 0) return Invalid("a decimal point needs digits after it");
  }
  if (int_digits == 0) return Invalid("a mass is a number, optionally with kg, t or g");
  const Unit* unit = FindUnit(Trim(s.substr(i)));
  if (unit == nullptr) return Invalid("unknown unit \"" + std::string(Trim(s.substr(i))) + "\"");
  if (decimals > unit->max_decimals) {
    return Invalid("at most " + std::to_string(unit->max_decimals) + " decimals in " +
                   std::string(unit->name.empty() ? "kg" : unit->name));
  }
  // Bound the whole part first so the scaled value below cannot overflow.
  if (integer * unit->grams_per_unit > kMaxMassGrams) return Invalid("mass above 50 t");
  int64_t scaled = (integer * Pow10(decimals) + fraction) * unit->grams_per_unit;
  int64_t grams = RoundDiv(scaled, Pow10(decimals));
  if (grams <= 0) return Invalid("a mass must be above zero");
  if (grams > kMaxMassGrams) return Invalid("mass above 50 t");
  return grams;
}

std::string FormatKg(int64_t grams) { return FixedPoint(grams, 3) + " kg"; }

std::string FormatTonnes(int64_t grams, int max_decimals) {
  if (max_decimals < 0) max_decimals = 0;
  if (max_decimals > 6) max_decimals = 6;
  int64_t units = RoundDiv(grams, Pow10(6 - max_decimals));
  return FixedPoint(units, max_decimals) + " t";
}

}  // namespace cradle
