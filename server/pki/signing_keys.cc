#include "server/pki/signing_keys.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <optional>

#include "core/hex.h"
#include "core/wm1.h"
#include "server/pki/secrets.h"

namespace cradle::pki {
namespace {

constexpr char kKeySuffix[] = ".key";
constexpr char kActiveFile[] = "active";

std::string ModeText(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

std::string Trim(std::string text) {
  const auto not_space = [](unsigned char c) { return !std::isspace(c); };
  text.erase(std::find_if(text.rbegin(), text.rend(), not_space).base(), text.end());
  text.erase(text.begin(), std::find_if(text.begin(), text.end(), not_space));
  return text;
}

bool KidLess(const std::string& a, const std::string& b) {
  return a.size() != b.size() ? a.size() < b.size() : a < b;
}

// n for a kid "K<n>", so the next rotation continues the sequence.
std::optional<unsigned long> KidNumber(const std::string& kid) {
  if (kid.size() < 2 || kid[0] != 'K') return std::nullopt;
  unsigned long n = 0;
  const char* end = kid.data() + kid.size();
  auto [ptr, ec] = std::from_chars(kid.data() + 1, end, n);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return n;
}

// Creates dir 0700 when missing; refuses a non-directory or one others can write into.
Status CheckOrMakeDir(const std::string& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    if (errno != ENOENT || ::mkdir(dir.c_str(), 0700) != 0)
      return Status("IO_ERROR", "cannot create key directory " + dir + ": " + std::strerror(errno));
    return Status();
  }
  if (!S_ISDIR(st.st_mode)) return Status("KEY_STORE_CORRUPT", dir + " is not a directory");
  if (st.st_mode & 022)
    return Status("INSECURE_PERMISSIONS", "key directory " + dir + " is writable by group/others" +
                                              " (mode " + ModeText(st.st_mode) + "); chmod 700 " +
                                              dir);
  return Status();
}

// Loads one <kid>.key file after checking it is a private regular file.
Result<SigningKey> LoadKeyFile(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0)
    return Status("IO_ERROR", "cannot stat " + path + ": " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return Status("KEY_STORE_CORRUPT", path + " is not a regular file");
  if (st.st_mode & 077)
    return Status("INSECURE_PERMISSIONS", "key file " + path + " is accessible by group/others" +
                                              " (mode " + ModeText(st.st_mode) + "); chmod 600 " +
                                              path);
  Result<std::string> text = ReadFileToString(path);
  if (!text) return text.status();
  Result<std::string> seed = HexDecode(Trim(std::move(*text)));
  if (!seed || seed->size() != kEd25519SeedSize)
    return Status("KEY_STORE_CORRUPT", path + " does not hold a 64-hex-digit Ed25519 seed");
  Result<SigningKey> key = SigningKey::FromSeed(*seed);
  std::fill(seed->begin(), seed->end(), '\0');
  if (!key) return Status("KEY_STORE_CORRUPT", path + ": " + key.status().message());
  return key;
}

// Every <kid>.key in dir, sorted by kid. Other names (temporaries, `active`) are skipped.
Result<std::vector<std::string>> ListKids(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return Status("IO_ERROR", "cannot list " + dir + ": " + std::strerror(errno));
  std::vector<std::string> kids;
  Status status;
  const size_t suffix_len = std::strlen(kKeySuffix);
  while (const dirent* entry = ::readdir(d)) {
    const std::string name = entry->d_name;
    if (name.size() <= suffix_len || name.compare(name.size() - suffix_len, suffix_len, kKeySuffix))
      continue;
    std::string kid = name.substr(0, name.size() - suffix_len);
    if (!IsValidKid(kid)) {
      status = Status("KEY_STORE_CORRUPT", dir + "/" + name + ": key id must be 1-8 of 0-9 A-Z");
      break;
    }
    kids.push_back(std::move(kid));
  }
  ::closedir(d);
  if (!status.ok()) return status;
  std::sort(kids.begin(), kids.end(), KidLess);
  return kids;
}

// A fresh key, written to dir/<kid>.key before it is returned.
Result<SigningKey> CreateKey(const std::string& dir, const std::string& kid) {
  Result<SigningKey> key = SigningKey::Generate();
  if (!key) return key.status();
  std::string seed_hex = HexEncode(key->Seed()) + "\n";
  Status status = WriteSecretFile(dir + "/" + kid + kKeySuffix, seed_hex);
  std::fill(seed_hex.begin(), seed_hex.end(), '\0');
  if (!status.ok()) return status;
  return key;
}

Status WriteActive(const std::string& dir, const std::string& kid) {
  return WritePublicFile(dir + "/" + kActiveFile, kid + "\n", 0600);
}

// The kid named by `active`; absent file -> empty string.
Result<std::string> ReadActive(const std::string& dir) {
  Result<std::string> text = ReadFileToString(dir + "/" + kActiveFile);
  if (!text) {
    if (text.status().code() == "NOT_FOUND") return std::string();
    return text.status();
  }
  return Trim(std::move(*text));
}

}  // namespace

Result<std::unique_ptr<SigningKeyStore>> SigningKeyStore::LoadOrCreate(const std::string& dir) {
  if (Status s = CheckOrMakeDir(dir); !s.ok()) return s;
  Result<std::vector<std::string>> kids = ListKids(dir);
  if (!kids) return kids.status();
  Result<std::string> active = ReadActive(dir);
  if (!active) return active.status();

  auto state = std::make_shared<State>();
  for (const std::string& kid : *kids) {
    Result<SigningKey> key = LoadKeyFile(dir + "/" + kid + kKeySuffix);
    if (!key) return key.status();
    state->keys.push_back(Entry{kid, std::move(*key)});
  }
  if (state->keys.empty()) {
    if (!active->empty())
      return Status("KEY_STORE_CORRUPT", dir + "/active names " + *active + " but no key exists");
    Result<SigningKey> first = CreateKey(dir, "K1");
    if (!first) return first.status();
    state->keys.push_back(Entry{"K1", std::move(*first)});
    *active = "K1";
    if (Status s = WriteActive(dir, *active); !s.ok()) return s;
  } else if (active->empty() && state->keys.size() == 1) {
    // A first start interrupted between writing the key and `active`: finish it.
    *active = state->keys[0].kid;
    if (Status s = WriteActive(dir, *active); !s.ok()) return s;
  }
  const auto it = std::find_if(state->keys.begin(), state->keys.end(),
                               [&](const Entry& e) { return e.kid == *active; });
  if (it == state->keys.end())
    return Status("KEY_STORE_CORRUPT",
                  active->empty() ? dir + "/active is missing"
                                  : dir + "/active names " + *active + ", which has no key file");
  state->active = static_cast<size_t>(it - state->keys.begin());
  return std::unique_ptr<SigningKeyStore>(new SigningKeyStore(dir, std::move(state)));
}

std::shared_ptr<const SigningKeyStore::State> SigningKeyStore::Snapshot() const {
  std::lock_guard lock(mu_);
  return state_;
}

SigningKeyStore::ActiveKey SigningKeyStore::Active() const {
  const auto state = Snapshot();
  const Entry& e = state->keys[state->active];
  return ActiveKey{e.kid, e.key};
}

Result<std::string> SigningKeyStore::Rotate() {
  std::lock_guard lock(mu_);
  unsigned long max_n = 0;
  for (const Entry& e : state_->keys) max_n = std::max(max_n, KidNumber(e.kid).value_or(0));
  const std::string kid = "K" + std::to_string(max_n + 1);
  if (!IsValidKid(kid))
    return Status("KEY_STORE_CORRUPT", "no key id left after K" + std::to_string(max_n));

  auto next = std::make_shared<State>(*state_);
  Result<SigningKey> key = CreateKey(dir_, kid);
  if (!key) return key.status();
  // The new key is on disk before `active` names it, so a crash in between leaves the old key
  // active and the new one merely published.
  if (Status s = WriteActive(dir_, kid); !s.ok()) return s;
  next->keys.push_back(Entry{kid, std::move(*key)});
  std::sort(next->keys.begin(), next->keys.end(),
            [](const Entry& a, const Entry& b) { return KidLess(a.kid, b.kid); });
  const auto it = std::find_if(next->keys.begin(), next->keys.end(),
                               [&](const Entry& e) { return e.kid == kid; });
  next->active = static_cast<size_t>(it - next->keys.begin());
  state_ = std::move(next);
  return kid;
}

std::vector<PublicJwk> SigningKeyStore::PublicKeys() const {
  const auto state = Snapshot();
  std::vector<PublicJwk> out;
  out.reserve(state->keys.size());
  for (const Entry& e : state->keys) out.push_back(PublicJwk{e.kid, e.key.PublicKey()});
  return out;
}

std::string SigningKeyStore::Jwks() const { return WriteJwks(PublicKeys()); }

}  // namespace cradle::pki
