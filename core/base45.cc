#include "core/base45.h"

#include <array>
#include <cstdint>

namespace cradle {
namespace {

// Character -> value, -1 outside the alphabet.
constexpr std::array<int8_t, 256> MakeBase45Table() {
  std::array<int8_t, 256> table{};
  for (auto& v : table) v = -1;
  for (size_t i = 0; i < kBase45Alphabet.size(); ++i) {
    table[static_cast<unsigned char>(kBase45Alphabet[i])] = static_cast<int8_t>(i);
  }
  return table;
}
constexpr std::array<int8_t, 256> kBase45Values = MakeBase45Table();

Status Malformed(std::string message) { return Status("MALFORMED", std::move(message)); }

}  // namespace

bool IsBase45Char(char c) { return kBase45Values[static_cast<unsigned char>(c)] >= 0; }

size_t Base45EncodedSize(size_t byte_count) { return byte_count / 2 * 3 + byte_count % 2 * 2; }

std::string Base45Encode(std::string_view bytes) {
  std::string out;
  out.reserve(Base45EncodedSize(bytes.size()));
  size_t i = 0;
  for (; i + 1 < bytes.size(); i += 2) {
    unsigned n =
        static_cast<unsigned char>(bytes[i]) * 256u + static_cast<unsigned char>(bytes[i + 1]);
    out += kBase45Alphabet[n % 45];
    out += kBase45Alphabet[n / 45 % 45];
    out += kBase45Alphabet[n / 2025];
  }
  if (i < bytes.size()) {
    unsigned n = static_cast<unsigned char>(bytes[i]);
    out += kBase45Alphabet[n % 45];
    out += kBase45Alphabet[n / 45];
  }
  return out;
}

Result<std::string> Base45Decode(std::string_view text) {
  if (text.size() % 3 == 1) return Malformed("base45 length leaves a single character");
  std::string out;
  out.reserve(text.size() / 3 * 2 + 1);
  for (size_t i = 0; i < text.size(); i += 3) {
    size_t chunk = std::min<size_t>(3, text.size() - i);
    unsigned n = 0;
    unsigned weight = 1;
    for (size_t j = 0; j < chunk; ++j) {
      int v = kBase45Values[static_cast<unsigned char>(text[i + j])];
      if (v < 0) return Malformed("character outside the base45 alphabet");
      n += static_cast<unsigned>(v) * weight;
      weight *= 45;
    }
    if (chunk == 3) {
      if (n > 0xFFFF) return Malformed("base45 triple above 65535");
      out += static_cast<char>(n >> 8);
      out += static_cast<char>(n & 0xFF);
    } else {
      if (n > 0xFF) return Malformed("base45 pair above 255");
      out += static_cast<char>(n);
    }
  }
  return out;
}

}  // namespace cradle
