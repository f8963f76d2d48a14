#include "core/transfer_number.h"

#include <algorithm>
#include <cstdio>

namespace cradle {
namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

Result<std::string> TransferNumberPrefix(int year, std::string_view sender_uscc) {
  if (year < 2000 || year > 9999) return Status("INVALID_FIELD", "year: 2000..9999");
  if (sender_uscc.size() < 6 || !AllDigits(sender_uscc.substr(2, 4))) {
    return Status("INVALID_FIELD", "sender: its USCC has no division code (characters 3-6)");
  }
  return std::to_string(year) + std::string(sender_uscc.substr(2, 4));
}

Result<std::string> FormatTransferNumber(std::string_view prefix, int serial) {
  if (prefix.size() != 8 || !AllDigits(prefix)) {
    return Status("INVALID_FIELD", "prefix: 8 digits (year, province, city)");
  }
  if (serial < 1 || serial > kTransferSerialMax) {
    return Status("INVALID_FIELD", "serial: 1..999999");
  }
  char buf[8];
  std::snprintf(buf, sizeof buf, "%06d", serial);
  return std::string(prefix) + buf;
}

bool IsTransferNumber(std::string_view text) {
  if (text.size() != kTransferNumberLength || !AllDigits(text)) return false;
  const int year = std::stoi(std::string(text.substr(0, 4)));
  return year >= 2000 && text.substr(8) != "000000";
}

}  // namespace cradle
