// Fuzz target: ZPL ^FH_ escaping of label text (labels::internal::ZplHexEscape), the guard
// against a label field injecting printer commands.
//
// Properties: the output is printable ASCII without '^' or '~' (no command can start inside a
// field); every '_' starts a _XX escape of two upper-case hex digits; un-escaping gives back
// the input byte for byte; text needing no escape passes unchanged.
#include <cstdint>
#include <string>

#include "fuzz/fuzz_check.h"
#include "server/labels/zpl.h"

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;  // ZplHexEscape writes upper case only
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using cradle::fuzz::Printable;
  const std::string input(cradle::fuzz::AsText(data, size));
  const std::string out = cradle::labels::internal::ZplHexEscape(input);
  std::string back;
  bool plain = true;
  for (unsigned char c : input)
    plain = plain && c >= 0x20 && c <= 0x7E && c != '_' && c != '^' && c != '~';
  for (size_t i = 0; i < out.size(); ++i) {
    const char c = out[i];
    FUZZ_CHECK(c >= 0x20 && c <= 0x7E && c != '^' && c != '~', Printable(out));
    if (c != '_') {
      back.push_back(c);
      continue;
    }
    FUZZ_CHECK(i + 2 < out.size(), Printable(out));
    const int hi = HexValue(out[i + 1]);
    const int lo = HexValue(out[i + 2]);
    FUZZ_CHECK(hi >= 0 && lo >= 0, Printable(out));
    back.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  FUZZ_CHECK(back == input, Printable(input) + " -> " + Printable(out));
  if (plain) FUZZ_CHECK(out == input, Printable(input));
  return 0;
}
