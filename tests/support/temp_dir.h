// Test support: the one way tests make a scratch directory. Header-only, so any test target
// can use it without linking another library.
//
// MakeTempDir makes a fresh directory $TMPDIR/<prefix>-XXXXXX (mkdtemp: unique even across
// parallel test processes) and leaves it to the caller. TempDir owns one: its destructor removes
// it with its contents, unless CRADLE_KEEP_TEST_DATA is set (kept for inspecting a failure).
//
// Ownership: a TempDir owns its directory; it is neither copied nor moved.
// Thread safety: one test thread per TempDir; MakeTempDir is safe from any thread.
#pragma once

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

namespace cradle::testing {

// The new directory's path; "" when it cannot be made.
inline std::string MakeTempDir(const std::string& prefix) {
  std::error_code ec;
  std::filesystem::path base = std::filesystem::temp_directory_path(ec);
  if (ec) base = "/tmp";
  std::string tmpl = (base / (prefix + "-XXXXXX")).string();
  if (::mkdtemp(tmpl.data()) == nullptr) return "";
  return tmpl;
}

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "cradle-test") : path_(MakeTempDir(prefix)) {
    if (path_.empty()) throw std::runtime_error("cannot make a temporary directory " + prefix);
  }
  ~TempDir() {
    if (std::getenv("CRADLE_KEEP_TEST_DATA")) return;
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // The path of `name` inside the directory (nothing is created).
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace cradle::testing
