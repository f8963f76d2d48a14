// Fuzz target: request targets and query strings (SplitTarget, ParseQuery, PercentDecode).
//
// Properties: PercentDecode never yields a NUL when it reports success and never grows the
// text; re-encoding its output (every byte as %XX) decodes back to it; '+' is a space only in
// query mode; ParseQuery fails exactly when a pair fails to decode, and yields at most one entry
// per '&'-separated part with no NUL in any key or value; SplitTarget's path has no '?' and its
// query no '#', and both are pieces of the target.
#include <cstdint>
#include <string>

#include "fuzz/fuzz_check.h"
#include "server/http/query.h"

namespace {

using cradle::fuzz::Printable;

std::string EncodeAll(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    out.push_back('%');
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

void CheckDecode(std::string_view input, bool plus_as_space) {
  auto decoded = cradle::http::PercentDecode(input, plus_as_space);
  if (!decoded) return;
  FUZZ_CHECK(decoded->find('\0') == std::string::npos, Printable(input));
  FUZZ_CHECK(decoded->size() <= input.size(), Printable(input));
  auto again = cradle::http::PercentDecode(EncodeAll(*decoded), plus_as_space);
  FUZZ_CHECK(again && *again == *decoded, Printable(input));
  if (input.find('%') == std::string_view::npos) {
    std::string expected(input);
    if (plus_as_space) {
      for (char& c : expected) c = c == '+' ? ' ' : c;
    }
    FUZZ_CHECK(*decoded == expected, Printable(input));
  }
}

void CheckQuery(std::string_view input) {
  auto query = cradle::http::ParseQuery(input);
  size_t parts = 1;
  for (char c : input) parts += c == '&';
  bool all_decode = true;
  for (size_t start = 0; start <= input.size();) {
    size_t amp = input.find('&', start);
    std::string_view pair = input.substr(start, amp == std::string_view::npos ? amp : amp - start);
    all_decode = all_decode && cradle::http::PercentDecode(pair, true).has_value();
    if (amp == std::string_view::npos) break;
    start = amp + 1;
  }
  // '=' itself never fails to decode, so a pair decodes iff its key and value both do.
  FUZZ_CHECK(query.has_value() == all_decode, Printable(input));
  if (!query) return;
  FUZZ_CHECK(query->size() <= parts, Printable(input));
  for (const auto& [key, value] : *query) {
    FUZZ_CHECK(key.find('\0') == std::string::npos && value.find('\0') == std::string::npos,
               Printable(input));
  }
}

void CheckSplit(std::string_view input) {
  std::string_view path;
  std::string_view query;
  cradle::http::SplitTarget(input, &path, &query);
  FUZZ_CHECK(path.find('?') == std::string_view::npos, Printable(input));
  FUZZ_CHECK(query.find('#') == std::string_view::npos, Printable(input));
  FUZZ_CHECK(input.starts_with(path), Printable(input));
  if (path.size() < input.size()) {
    FUZZ_CHECK(input.substr(path.size() + 1).starts_with(query), Printable(input));
  } else {
    FUZZ_CHECK(query.empty(), Printable(input));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = cradle::fuzz::AsText(data, size);
  CheckDecode(input, false);
  CheckDecode(input, true);
  CheckQuery(input);
  CheckSplit(input);
  return 0;
}
