#include "scanner/home.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace cradle::scan {

namespace fs = std::filesystem;

namespace {

Status IoError(const std::string& what, const fs::path& path) {
  return Status("IO_ERROR", what + " " + path.string() + ": " + std::strerror(errno));
}

// Writes all of `data` to `fd`; false on any short write.
bool WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

Result<Home> Home::Resolve(const std::string& explicit_dir) {
  if (!explicit_dir.empty()) return Home(fs::path(explicit_dir));
  if (const char* env = std::getenv("CRADLE_SCAN_HOME"); env != nullptr && *env != '\0') {
    return Home(fs::path(env));
  }
  if (const char* user_home = std::getenv("HOME"); user_home != nullptr && *user_home != '\0') {
    return Home(fs::path(user_home) / ".cradle-scan");
  }
  return Status("SETUP", "no home directory: pass --home or set CRADLE_SCAN_HOME");
}

Status Home::Create() const {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return Status("IO_ERROR", "cannot create " + dir_.string() + ": " + ec.message());
  // The key lives here: nobody else may list or read the directory.
  fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::replace, ec);
  if (ec) return Status("IO_ERROR", "cannot chmod " + dir_.string() + ": " + ec.message());
  return Status::Ok();
}

Status Home::Install(const fs::path& source, const std::string& name, fs::perms mode) const {
  std::ifstream in(source, std::ios::binary);
  if (!in) return IoError("cannot read", source);
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) return IoError("cannot read", source);

  const fs::path target = dir_ / name;
  const fs::path temp = dir_ / (name + ".tmp");
  // Created with the final mode so a private key is never readable by others, not even briefly.
  int fd =
      ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, static_cast<mode_t>(mode));
  if (fd < 0) return IoError("cannot create", temp);
  bool written = WriteAll(fd, content.str()) && ::fchmod(fd, static_cast<mode_t>(mode)) == 0 &&
                 ::fsync(fd) == 0;
  ::close(fd);
  if (!written) {
    Status error = IoError("cannot write", temp);
    ::unlink(temp.c_str());
    return error;
  }
  if (::rename(temp.c_str(), target.c_str()) != 0) {
    Status error = IoError("cannot rename into", target);
    ::unlink(temp.c_str());
    return error;
  }
  return Status::Ok();
}

}  // namespace cradle::scan
