// The scanner's home directory: where enrollment puts the trust anchors, the device identity and
// the local database.
//
//   <home>/ca.crt       the deployment CA that signs the server's certificate (0644)
//   <home>/device.crt   this device's client certificate for mTLS (0644)
//   <home>/device.key   its private key (0600: it is the device's identity)
//   <home>/scanner.db   the SQLite outbox (keys, revocations, scans)
//   <home>/scanner.conf optional settings (settings.h)
//
// The directory itself is 0700. Resolution order: an explicit --home, then $CRADLE_SCAN_HOME,
// then $HOME/.cradle-scan.
//
// Ownership: a Home is a path value; it owns no open files. Thread safety: immutable after
// construction, safe to share; the filesystem calls are as safe as the filesystem.
#pragma once

#include <filesystem>
#include <string>

#include "core/status.h"

namespace cradle::scan {

class Home {
 public:
  explicit Home(std::filesystem::path dir) : dir_(std::move(dir)) {}

  // `explicit_dir` if not empty, else $CRADLE_SCAN_HOME, else $HOME/.cradle-scan.
  // Code SETUP when none can be determined.
  static Result<Home> Resolve(const std::string& explicit_dir);

  // Creates the directory (and parents) if needed and sets it to 0700. Code IO_ERROR.
  Status Create() const;

  // Copies `source` to `<home>/<name>` atomically (temporary file + rename) with `mode`.
  // Code IO_ERROR when the source cannot be read or the target written.
  Status Install(const std::filesystem::path& source, const std::string& name,
                 std::filesystem::perms mode) const;

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path ca_file() const { return dir_ / "ca.crt"; }
  std::filesystem::path cert_file() const { return dir_ / "device.crt"; }
  std::filesystem::path key_file() const { return dir_ / "device.key"; }
  std::filesystem::path database() const { return dir_ / "scanner.db"; }
  std::filesystem::path settings_file() const { return dir_ / "scanner.conf"; }

 private:
  std::filesystem::path dir_;
};

}  // namespace cradle::scan
