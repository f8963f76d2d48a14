// The label-signing keys on disk: one Ed25519 key per file under `<data>/keys/`.
//
// Layout: `<kid>.key` holds the key's 32-byte RFC 8032 seed as hex (mode 0600, created with
// O_EXCL, never rewritten); `active` holds the kid that signs new labels. Kids are K1, K2, ...
// (1-8 of [0-9A-Z]). Rotation adds a key and switches `active`; old keys stay on disk and stay
// published so labels they signed keep verifying (label-token.md "Keys").
//
// Load refuses, with code INSECURE_PERMISSIONS, a key file any group/other permission bit or a
// keys directory writable by group/others; and with KEY_STORE_CORRUPT anything inconsistent
// (a bad file name or seed, `active` naming a missing key). I/O failures are IO_ERROR.
//
// Ownership and thread safety: the store owns its keys. All methods are safe to call
// concurrently: readers get immutable snapshots, Rotate() swaps the snapshot under a mutex.
// Two processes must not rotate the same directory at once (`rotate-key` runs offline).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/ed25519.h"
#include "core/jwks.h"
#include "core/status.h"

namespace cradle::pki {

class SigningKeyStore {
 public:
  struct ActiveKey {
    std::string kid;
    SigningKey key;
  };

  // Opens dir (created 0700 with a first key K1 when missing or empty) and loads every key.
  static Result<std::unique_ptr<SigningKeyStore>> LoadOrCreate(const std::string& dir);

  SigningKeyStore(const SigningKeyStore&) = delete;
  SigningKeyStore& operator=(const SigningKeyStore&) = delete;

  // The key that signs new labels, with its kid.
  ActiveKey Active() const;
  std::string ActiveKid() const { return Active().kid; }

  // Creates the next K<n> key on disk, makes it active, keeps the old ones. Returns its kid.
  Result<std::string> Rotate();

  // Every key's public half (kid order K1, K2, ..., K10), for the JWK Set.
  std::vector<PublicJwk> PublicKeys() const;
  // WriteJwks(PublicKeys()): the body of GET /.well-known/jwks.json.
  std::string Jwks() const;

  const std::string& dir() const { return dir_; }

 private:
  struct Entry {
    std::string kid;
    SigningKey key;
  };
  struct State {
    std::vector<Entry> keys;  // sorted by kid (shorter first, then lexicographic)
    size_t active = 0;        // index into keys
  };

  SigningKeyStore(std::string dir, std::shared_ptr<const State> state)
      : dir_(std::move(dir)), state_(std::move(state)) {}
  std::shared_ptr<const State> Snapshot() const;

  const std::string dir_;
  mutable std::mutex mu_;               // guards state_ (the pointer, not the State)
  std::shared_ptr<const State> state_;  // never null
};

}  // namespace cradle::pki
