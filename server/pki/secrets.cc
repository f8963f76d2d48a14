#include "server/pki/secrets.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "core/base64url.h"
#include "core/sha256.h"

namespace cradle::pki {
namespace {

// Random bytes as text, with core's base64url (no padding).
std::string Base64Url(const unsigned char* data, size_t size) {
  return Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(data), size));
}

Status ErrnoStatus(const std::string& what, const std::string& path) {
  const int err = errno;
  return Status(err == EEXIST ? "ALREADY_EXISTS" : "IO_ERROR",
                what + " " + path + ": " + std::strerror(err));
}

// Writes all of `content` to fd, retrying on short writes and EINTR.
bool WriteAll(int fd, std::string_view content) {
  while (!content.empty()) {
    const ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    content.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// A unique sibling name for a temporary file (same directory, so link/rename stay atomic).
std::string TempSibling(const std::string& path) {
  std::array<unsigned char, 8> r{};
  RAND_bytes(r.data(), static_cast<int>(r.size()));
  return path + ".tmp-" + Base64Url(r.data(), r.size());
}

// Creates `tmp` exclusively with `mode`, writes and fsyncs `content`.
Status WriteNewFile(const std::string& tmp, std::string_view content, int mode) {
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return ErrnoStatus("cannot create", tmp);
  const bool ok = WriteAll(fd, content) && ::fsync(fd) == 0;
  Status status = ok ? Status() : ErrnoStatus("cannot write", tmp);
  if (::close(fd) != 0 && status.ok()) status = ErrnoStatus("cannot close", tmp);
  if (!status.ok()) ::unlink(tmp.c_str());
  return status;
}

// fsyncs the directory holding `path`, so that a name just linked or renamed into it survives
// power loss (the file's own fsync covers its data, not its directory entry).
Status SyncParentDirectory(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  const std::string dir =
      slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("cannot open directory", dir);
  Status status = ::fsync(fd) == 0 ? Status() : ErrnoStatus("cannot fsync directory", dir);
  ::close(fd);
  return status;
}

}  // namespace

std::string NewApiToken() {
  std::array<unsigned char, 32> bytes{};
  // RAND_bytes only fails when the OS entropy source is broken; a token from a broken RNG must
  // never be issued, and there is no sensible value to return instead.
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) std::abort();
  return "crd_" + Base64Url(bytes.data(), bytes.size());
}

std::string HashApiToken(std::string_view token) { return Sha256Hex(token); }

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;  // lengths are not secret (hashes, fixed formats)
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Status WriteSecretFile(const std::string& path, std::string_view content) {
  const std::string tmp = TempSibling(path);
  Status status = WriteNewFile(tmp, content, 0600);
  if (!status.ok()) return status;
  // link() fails with EEXIST instead of replacing, unlike rename().
  if (::link(tmp.c_str(), path.c_str()) != 0) status = ErrnoStatus("cannot create", path);
  ::unlink(tmp.c_str());
  if (status.ok()) status = SyncParentDirectory(path);
  return status;
}

Status WritePublicFile(const std::string& path, std::string_view content, int mode) {
  const std::string tmp = TempSibling(path);
  Status status = WriteNewFile(tmp, content, mode);
  if (!status.ok()) return status;
  // The umask may have narrowed the mode; public files get exactly what was asked.
  if (::chmod(tmp.c_str(), static_cast<mode_t>(mode)) != 0) {
    status = ErrnoStatus("cannot chmod", tmp);
  } else if (::rename(tmp.c_str(), path.c_str()) != 0) {
    status = ErrnoStatus("cannot rename to", path);
  }
  if (!status.ok()) {
    ::unlink(tmp.c_str());
    return status;
  }
  return SyncParentDirectory(path);
}

Result<std::string> ReadFileToString(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status("NOT_FOUND", "no such file: " + path);
    return ErrnoStatus("cannot open", path);
  }
  std::string out;
  std::array<char, 8192> buffer{};
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      Status status = ErrnoStatus("cannot read", path);
      ::close(fd);
      return status;
    }
    out.append(buffer.data(), static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

}  // namespace cradle::pki
