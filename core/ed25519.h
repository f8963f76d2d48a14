// Ed25519 (RFC 8032, pure) signing and verification with OpenSSL 3 EVP.
//
// SigningKey and VerifyingKey parse their raw key once and keep the EVP_PKEY, so bulk signing
// and verifying thousands of tokens a second pay only a per-call EVP_MD_CTX. Both are cheap to
// copy: copies share the immutable EVP_PKEY (reference counted).
//
// Thread safety: a key is immutable after construction; Sign/Verify may run concurrently on the
// same key from any number of threads. OpenSSL allocation failure throws std::bad_alloc (as any
// allocation would); bad input is reported as a value.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <openssl/types.h>

#include "core/status.h"

namespace cradle {

inline constexpr size_t kEd25519SeedSize = 32;
inline constexpr size_t kEd25519PublicKeySize = 32;
inline constexpr size_t kEd25519SignatureSize = 64;

class SigningKey {
 public:
  // From the 32-byte RFC 8032 private key ("seed"); code INVALID_KEY on a wrong size.
  static Result<SigningKey> FromSeed(std::string_view seed32);
  // A fresh key from OpenSSL's CSPRNG; code INTERNAL if the RNG fails.
  static Result<SigningKey> Generate();

  // 64-byte signature of `message`. Deterministic (same key and message, same signature).
  std::string Sign(std::string_view message) const;
  // 32 raw bytes.
  const std::string& PublicKey() const { return public_key_; }
  // The 32-byte seed, for persisting the key; handle with care.
  std::string Seed() const;

 private:
  SigningKey(std::shared_ptr<EVP_PKEY> pkey, std::string public_key)
      : pkey_(std::move(pkey)), public_key_(std::move(public_key)) {}
  std::shared_ptr<EVP_PKEY> pkey_;  // never null
  std::string public_key_;
};

class VerifyingKey {
 public:
  // From 32 raw bytes; code INVALID_KEY on a wrong size or a point OpenSSL rejects.
  static Result<VerifyingKey> FromRaw(std::string_view public32);

  // True iff `signature` is a valid 64-byte Ed25519 signature of `message`.
  bool Verify(std::string_view message, std::string_view signature) const;
  const std::string& raw() const { return raw_; }

 private:
  VerifyingKey(std::shared_ptr<EVP_PKEY> pkey, std::string raw)
      : pkey_(std::move(pkey)), raw_(std::move(raw)) {}
  std::shared_ptr<EVP_PKEY> pkey_;  // never null
  std::string raw_;
};

// One-shot verification (parses the key each call; prefer VerifyingKey in loops). False on any
// wrong size.
bool VerifyEd25519(std::string_view public32, std::string_view message,
                   std::string_view signature64);

}  // namespace cradle
