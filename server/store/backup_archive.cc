#include "server/store/backup_archive.h"

#include <fcntl.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

namespace cradle::store {

namespace {

constexpr char kMagic[] = "CRADLE-BACKUP 1\n";
constexpr size_t kMagicLen = sizeof(kMagic) - 1;
constexpr uint8_t kDatabase = 1, kFile = 2, kCheck = 3;
constexpr size_t kSaltLen = 16, kNonceLen = 12, kTagLen = 16, kKeyLen = 32;
// scrypt at N = 2^15, r = 8, p = 1: 32 MiB and about 0.1 s, the parameters RFC 7914 suggests
// for interactive use; written into the archive so a later version may raise them.
constexpr uint32_t kLogN = 15, kR = 8, kP = 1;
constexpr uint32_t kMaxLogN = 20;  // refuse archives that would ask for > 1 GiB

void PutU32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void PutU64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

// A bounds-checked reader over the archive bytes.
struct Reader {
  const std::string& s;
  size_t at = 0;
  bool Take(size_t n, std::string* out) {
    if (n > s.size() - at) return false;
    if (out) *out = s.substr(at, n);
    at += n;
    return true;
  }
  bool U(int bytes, uint64_t* v) {
    if (static_cast<size_t>(bytes) > s.size() - at) return false;
    *v = 0;
    for (int i = 0; i < bytes; ++i) {
      *v |= static_cast<uint64_t>(static_cast<unsigned char>(s[at + i])) << (8 * i);
    }
    at += bytes;
    return true;
  }
};

Result<std::string> DeriveKey(const std::string& passphrase, const std::string& salt,
                              uint32_t log_n, uint32_t r, uint32_t p) {
  EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "SCRYPT", nullptr);
  if (kdf == nullptr) return Status("INTERNAL", "scrypt is not available in this OpenSSL");
  EVP_KDF_CTX* kctx = EVP_KDF_CTX_new(kdf);
  EVP_KDF_free(kdf);
  if (kctx == nullptr) return Status("INTERNAL", "EVP_KDF_CTX_new failed");
  uint64_t n = uint64_t{1} << log_n;
  uint64_t maxmem = (uint64_t{128} * r * (n + p + 2)) + (uint64_t{1} << 20);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD,
                                        const_cast<char*>(passphrase.data()), passphrase.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<char*>(salt.data()),
                                        salt.size()),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem),
      OSSL_PARAM_construct_end()};
  std::string key(kKeyLen, '\0');
  const int ok =
      EVP_KDF_derive(kctx, reinterpret_cast<unsigned char*>(key.data()), key.size(), params);
  EVP_KDF_CTX_free(kctx);
  if (ok != 1) return Status("INTERNAL", "scrypt failed");
  return key;
}

struct CipherDeleter {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};

Result<std::string> Seal(const std::string& key, const std::string& aad, const std::string& in) {
  std::string nonce(kNonceLen, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(nonce.data()), kNonceLen) != 1) {
    return Status("INTERNAL", "RAND_bytes failed");
  }
  std::unique_ptr<EVP_CIPHER_CTX, CipherDeleter> c(EVP_CIPHER_CTX_new());
  std::string out = nonce;
  out.resize(kNonceLen + in.size() + kTagLen);
  auto u = [](std::string& s, size_t at) { return reinterpret_cast<unsigned char*>(&s[at]); };
  const auto* k = reinterpret_cast<const unsigned char*>(key.data());
  const auto* iv = reinterpret_cast<const unsigned char*>(nonce.data());
  int len = 0;
  bool ok =
      c && EVP_EncryptInit_ex(c.get(), EVP_aes_256_gcm(), nullptr, k, iv) == 1 &&
      EVP_EncryptUpdate(c.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()),
                        static_cast<int>(aad.size())) == 1;
  ok = ok && EVP_EncryptUpdate(c.get(), u(out, kNonceLen), &len,
                               reinterpret_cast<const unsigned char*>(in.data()),
                               static_cast<int>(in.size())) == 1;
  ok = ok && EVP_EncryptFinal_ex(c.get(), u(out, kNonceLen + len), &len) == 1;
  ok = ok && EVP_CIPHER_CTX_ctrl(c.get(), EVP_CTRL_GCM_GET_TAG, kTagLen,
                                 u(out, kNonceLen + in.size())) == 1;
  if (!ok) return Status("INTERNAL", "AES-256-GCM encryption failed");
  return out;
}

Result<std::string> Open(const std::string& key, const std::string& aad, const std::string& in) {
  if (in.size() < kNonceLen + kTagLen) return Status("MALFORMED", "sealed entry too short");
  const size_t n = in.size() - kNonceLen - kTagLen;
  std::unique_ptr<EVP_CIPHER_CTX, CipherDeleter> c(EVP_CIPHER_CTX_new());
  std::string out(n, '\0');
  std::string tag = in.substr(kNonceLen + n);
  const auto* k = reinterpret_cast<const unsigned char*>(key.data());
  const auto* iv = reinterpret_cast<const unsigned char*>(in.data());
  int len = 0;
  bool ok =
      c && EVP_DecryptInit_ex(c.get(), EVP_aes_256_gcm(), nullptr, k, iv) == 1 &&
      EVP_DecryptUpdate(c.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()),
                        static_cast<int>(aad.size())) == 1;
  ok = ok && EVP_DecryptUpdate(c.get(), reinterpret_cast<unsigned char*>(out.data()), &len,
                               reinterpret_cast<const unsigned char*>(in.data()) + kNonceLen,
                               static_cast<int>(n)) == 1;
  ok = ok && EVP_CIPHER_CTX_ctrl(c.get(), EVP_CTRL_GCM_SET_TAG, kTagLen, tag.data()) == 1;
  int final_len = 0;
  ok = ok && EVP_DecryptFinal_ex(c.get(), reinterpret_cast<unsigned char*>(out.data()) + len,
                                 &final_len) == 1;
  if (!ok) {
    return Status("BAD_PASSPHRASE",
                  "cannot decrypt " + aad + ": wrong passphrase or a tampered archive");
  }
  return out;
}

std::string Sha256(const std::string& bytes) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), d);
  return std::string(reinterpret_cast<const char*>(d), sizeof d);
}

void PutEntry(std::string& out, uint8_t kind, const std::string& name, const std::string& data) {
  out.push_back(static_cast<char>(kind));
  PutU32(out, static_cast<uint32_t>(name.size()));
  out += name;
  PutU64(out, data.size());
  out += data;
}

Status WriteDurably(const std::string& dest, const std::string& bytes) {
  const std::string temp = dest + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status("IO_ERROR", "create " + temp + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t w = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      ::unlink(temp.c_str());
      return Status("IO_ERROR", "write " + temp + ": " + why);
    }
    done += static_cast<size_t>(w);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced || ::rename(temp.c_str(), dest.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(temp.c_str());
    return Status("IO_ERROR", "write " + dest + ": " + why);
  }
  // The rename is durable only once its directory is synced.
  std::string dir = std::filesystem::path(dest).parent_path().string();
  if (dir.empty()) dir = ".";
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Status();
}

}  // namespace

bool SafeArchiveName(const std::string& name) {
  if (name.empty() || name.front() == '/') return false;
  for (const auto& part : std::filesystem::path(name)) {
    if (part == ".." || part == ".") return false;
  }
  return true;
}

Status WriteBackupArchive(const std::string& dest, const BackupContents& contents,
                          const std::string& passphrase) {
  if (passphrase.empty()) return Status("MALFORMED", "the backup passphrase is empty");
  std::string salt(kSaltLen, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(salt.data()), kSaltLen) != 1) {
    return Status("INTERNAL", "RAND_bytes failed");
  }
  auto key = DeriveKey(passphrase, salt, kLogN, kR, kP);
  if (!key.ok()) return key.status();
  std::string out = kMagic;
  PutU32(out, kLogN);
  PutU32(out, kR);
  PutU32(out, kP);
  out += salt;
  PutU32(out, static_cast<uint32_t>(contents.files.size() + 2));
  auto check = Seal(*key, "check", Sha256(contents.database));
  if (!check.ok()) return check.status();
  PutEntry(out, kCheck, "check", *check);
  PutEntry(out, kDatabase, "cradle.db", contents.database);
  for (const auto& f : contents.files) {
    if (!SafeArchiveName(f.name)) return Status("MALFORMED", "unsafe file name " + f.name);
    auto sealed = Seal(*key, f.name, f.bytes);
    if (!sealed.ok()) return sealed.status();
    PutEntry(out, kFile, f.name, *sealed);
  }
  return WriteDurably(dest, out);
}

Result<BackupContents> ReadBackupArchive(const std::string& path, const std::string& passphrase) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status("IO_ERROR", "cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string bytes = ss.str();
  Reader r{bytes};
  std::string magic, salt;
  uint64_t log_n = 0, cost_r = 0, cost_p = 0, count = 0;
  if (!r.Take(kMagicLen, &magic) || magic != kMagic) {
    return Status("MALFORMED", path + " is not a cradle backup archive");
  }
  if (!r.U(4, &log_n) || !r.U(4, &cost_r) || !r.U(4, &cost_p) || !r.Take(kSaltLen, &salt) ||
      !r.U(4, &count)) {
    return Status("MALFORMED", path + ": truncated header");
  }
  if (log_n < 10 || log_n > kMaxLogN || cost_r == 0 || cost_r > 32 || cost_p == 0 || cost_p > 16) {
    return Status("MALFORMED", path + ": scrypt parameters out of range");
  }
  auto key = DeriveKey(passphrase, salt, static_cast<uint32_t>(log_n),
                       static_cast<uint32_t>(cost_r), static_cast<uint32_t>(cost_p));
  if (!key.ok()) return key.status();
  BackupContents out;
  std::string check;
  bool have_db = false;
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t kind = 0, name_len = 0, data_len = 0;
    std::string name, data;
    if (!r.U(1, &kind) || !r.U(4, &name_len) || !r.Take(name_len, &name) || !r.U(8, &data_len) ||
        !r.Take(data_len, &data)) {
      return Status("MALFORMED", path + ": truncated entry");
    }
    if (kind == kCheck) {
      auto plain = Open(*key, "check", data);
      if (!plain.ok()) return plain.status();
      check = std::move(*plain);
    } else if (kind == kDatabase && !have_db) {
      out.database = std::move(data);
      have_db = true;
    } else if (kind == kFile && SafeArchiveName(name)) {
      auto plain = Open(*key, name, data);
      if (!plain.ok()) return plain.status();
      out.files.push_back(ArchivedFile{name, std::move(*plain)});
    } else {
      return Status("MALFORMED", path + ": unexpected entry " + name);
    }
  }
  if (r.at != bytes.size()) return Status("MALFORMED", path + ": bytes after the last entry");
  if (!have_db || check.empty()) return Status("MALFORMED", path + ": no database or check");
  if (check != Sha256(out.database)) {
    return Status("BAD_PASSPHRASE", path + ": the database does not match its checksum");
  }
  return out;
}

}  // namespace cradle::store
