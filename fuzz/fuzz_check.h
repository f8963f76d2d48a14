// Property checks for fuzz targets. A failed check prints what broke and aborts, so libFuzzer
// saves the input as a crash and the replay test (built with NDEBUG) fails too: assert() would
// vanish in RelWithDebInfo, hence a macro of our own.
//
// Thread safety: stateless; fuzz targets run single-threaded.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#define FUZZ_CHECK(cond, what)                                                              \
  do {                                                                                      \
    if (!(cond)) {                                                                          \
      std::fprintf(stderr, "%s:%d: property failed: %s\n  %s\n", __FILE__, __LINE__, #cond, \
                   std::string(what).c_str());                                              \
      std::abort();                                                                         \
    }                                                                                       \
  } while (false)

namespace cradle::fuzz {

// Printable form of arbitrary bytes for failure messages: \xNN for anything not printable.
inline std::string Printable(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    if (c >= 0x20 && c < 0x7F && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

// True for a non-empty UPPER_SNAKE code ("INVALID_MASS"), what clients may see.
inline bool IsUpperSnake(std::string_view code) {
  if (code.empty() || code.front() == '_' || code.back() == '_') return false;
  for (char c : code) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

}  // namespace cradle::fuzz
