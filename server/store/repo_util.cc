#include <boost/json.hpp>

#include <algorithm>

#include "server/store/sqlite_util.h"

namespace cradle::store::internal {

int ClampLimit(int limit) { return std::clamp(limit, 1, 1000); }

std::string EncodeStringArray(const std::vector<std::string>& values) {
  boost::json::array array;
  for (const std::string& v : values) array.emplace_back(v);
  return boost::json::serialize(array);
}

Result<std::vector<std::string>> DecodeStringArray(const std::string& json) {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(json, ec);
  if (ec || !value.is_array()) return Status("INTERNAL", "stored JSON array is malformed");
  std::vector<std::string> out;
  for (const boost::json::value& item : value.as_array()) {
    if (!item.is_string()) return Status("INTERNAL", "stored JSON array holds a non-string");
    out.emplace_back(item.as_string());
  }
  return out;
}

Status Rename(Status s, std::string_view code, std::string message) {
  if (s.code() == code) return Status(std::string(code), std::move(message));
  return s;
}

}  // namespace cradle::store::internal
