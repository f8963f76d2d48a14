// The subcommand table and the helpers several subcommands share.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "server/cmd/command.h"

namespace cradle::cmd {

const std::vector<Command>& Commands() {
  static const std::vector<Command> table = {
      {"serve", &Serve},          {"device-cert", &DeviceCert},
      {"rotate-key", &RotateKey}, {"catalogue-import", &CatalogueImport},
      {"backup", &Backup},        {"restore", &Restore},
  };
  return table;
}

int Fail(const std::string& why) {
  std::cerr << "cradle-server: " << why << "\n";
  return 1;
}

std::string InstalledShareDir() {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  const fs::path share = exe.parent_path().parent_path() / "share" / "cradle";
  return fs::is_directory(share / "web", ec) ? share.string() : "";
}

Status PrepareDataDir(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return Status("IO_ERROR", "cannot create data directory " + dir + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    // access() below would pass for root on an executable file.
    return Status("IO_ERROR", "data directory " + dir + " is not a directory");
  }
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    return Status("IO_ERROR",
                  "data directory " + dir + " is not writable: " + std::strerror(errno));
  }
  return Status();
}

}  // namespace cradle::cmd
