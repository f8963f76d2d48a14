#include "core/uscc.h"

#include <array>

namespace cradle {
namespace {

constexpr std::array<int, 17> kWeights = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                          29, 25, 13, 8,  24, 10, 30, 28};

int AlphabetIndex(char c) {
  size_t pos = kUsccAlphabet.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

// Decodes one UTF-8 sequence at `i` (advancing it); returns U+FFFD for broken input so that
// it survives unchanged into validation, which then rejects it.
char32_t NextCodePoint(std::string_view s, size_t& i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  int extra = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xE ? 2 : (c >> 3) == 0x1E ? 3 : -1;
  if (extra < 0 || i + extra >= s.size()) {
    ++i;
    return 0xFFFD;
  }
  char32_t cp = extra == 0 ? c : c & (0x3F >> extra);
  for (int k = 1; k <= extra; ++k) {
    unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (cc & 0x3F);
  }
  i += extra + 1;
  return cp;
}

void AppendUtf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool IsSpace(char32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' || cp == 0x3000;
}

}  // namespace

std::string NormaliseUscc(std::string_view input) {
  std::u32string cps;
  for (size_t i = 0; i < input.size();) cps += NextCodePoint(input, i);
  size_t begin = 0;
  size_t end = cps.size();
  while (begin < end && IsSpace(cps[begin])) ++begin;
  while (end > begin && IsSpace(cps[end - 1])) --end;
  std::string out;
  for (size_t k = begin; k < end; ++k) {
    char32_t cp = cps[k];
    if (cp >= 0xFF01 && cp <= 0xFF5E) cp = cp - 0xFF01 + 0x21;  // full-width ASCII
    if (cp >= 'a' && cp <= 'z') cp = cp - 'a' + 'A';
    AppendUtf8(out, cp);
  }
  return out;
}

char UsccCheckChar(std::string_view first17) {
  if (first17.size() != kWeights.size()) return '\0';
  int sum = 0;
  for (size_t i = 0; i < first17.size(); ++i) {
    int v = AlphabetIndex(first17[i]);
    if (v < 0) return '\0';
    sum += v * kWeights[i];
  }
  return kUsccAlphabet[(31 - sum % 31) % 31];
}

Status ValidateUscc(std::string_view uscc) {
  auto invalid = [](std::string message) { return Status("INVALID_USCC", std::move(message)); };
  if (uscc.size() != kUsccLength) {
    return invalid("a USCC has 18 characters, not " + std::to_string(uscc.size()));
  }
  for (size_t i = 0; i < uscc.size(); ++i) {
    if (AlphabetIndex(uscc[i]) < 0) {
      return invalid("character " + std::to_string(i + 1) + " is not in the USCC alphabet");
    }
  }
  for (size_t i = 2; i < 8; ++i) {
    if (uscc[i] < '0' || uscc[i] > '9') {
      return invalid("characters 3-8 (administrative division) must be digits");
    }
  }
  char expected = UsccCheckChar(uscc.substr(0, 17));
  if (uscc[17] != expected) {
    return invalid(std::string("check character should be ") + expected + ", not " + uscc[17]);
  }
  return Status::Ok();
}

bool IsValidUscc(std::string_view uscc) { return ValidateUscc(uscc).ok(); }

}  // namespace cradle
