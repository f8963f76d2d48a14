// Test helper: a whole file as a string (empty on failure, which the caller's checks catch).
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace cradle::testing {

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace cradle::testing
