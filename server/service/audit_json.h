// Small helpers to describe a change for the audit log as canonical JSON.
#pragma once

#include <boost/json.hpp>
#include <string>

namespace cradle::service {

inline std::string ChangeText(const boost::json::object& change) {
  return boost::json::serialize(change);
}

}  // namespace cradle::service
