#include "core/ed25519.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <new>

namespace cradle {
namespace {

std::shared_ptr<EVP_PKEY> Own(EVP_PKEY* pkey) {
  return std::shared_ptr<EVP_PKEY>(pkey, EVP_PKEY_free);
}

struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

MdCtx NewMdCtx() {
  MdCtx ctx(EVP_MD_CTX_new());
  if (!ctx) throw std::bad_alloc();
  return ctx;
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// Verification with an already parsed key; a fresh context per call keeps it thread-safe.
bool VerifyWith(EVP_PKEY* pkey, std::string_view message, std::string_view signature) {
  if (signature.size() != kEd25519SignatureSize) return false;
  MdCtx ctx = NewMdCtx();
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey) != 1) return false;
  return EVP_DigestVerify(ctx.get(), Bytes(signature), signature.size(), Bytes(message),
                          message.size()) == 1;
}

}  // namespace

Result<SigningKey> SigningKey::FromSeed(std::string_view seed32) {
  if (seed32.size() != kEd25519SeedSize) {
    return Status("INVALID_KEY", "an Ed25519 seed is 32 bytes");
  }
  auto pkey =
      Own(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, Bytes(seed32), seed32.size()));
  if (!pkey) return Status("INVALID_KEY", "OpenSSL rejected the Ed25519 seed");
  std::string pub(kEd25519PublicKeySize, '\0');
  size_t len = pub.size();
  if (EVP_PKEY_get_raw_public_key(pkey.get(), reinterpret_cast<unsigned char*>(pub.data()), &len) !=
          1 ||
      len != kEd25519PublicKeySize) {
    return Status("INVALID_KEY", "cannot derive the Ed25519 public key");
  }
  return SigningKey(std::move(pkey), std::move(pub));
}

Result<SigningKey> SigningKey::Generate() {
  unsigned char seed[kEd25519SeedSize];
  if (RAND_bytes(seed, sizeof seed) != 1) return Status("INTERNAL", "OpenSSL RNG failed");
  auto key = FromSeed(std::string_view(reinterpret_cast<char*>(seed), sizeof seed));
  OPENSSL_cleanse(seed, sizeof seed);
  return key;
}

std::string SigningKey::Sign(std::string_view message) const {
  MdCtx ctx = NewMdCtx();
  std::string sig(kEd25519SignatureSize, '\0');
  size_t len = sig.size();
  // With a valid key these fail only when OpenSSL cannot allocate.
  if (EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, pkey_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, Bytes(message),
                     message.size()) != 1 ||
      len != kEd25519SignatureSize) {
    throw std::bad_alloc();
  }
  return sig;
}

std::string SigningKey::Seed() const {
  std::string seed(kEd25519SeedSize, '\0');
  size_t len = seed.size();
  if (EVP_PKEY_get_raw_private_key(pkey_.get(), reinterpret_cast<unsigned char*>(seed.data()),
                                   &len) != 1) {
    throw std::bad_alloc();
  }
  return seed;
}

Result<VerifyingKey> VerifyingKey::FromRaw(std::string_view public32) {
  if (public32.size() != kEd25519PublicKeySize) {
    return Status("INVALID_KEY", "an Ed25519 public key is 32 bytes");
  }
  auto pkey =
      Own(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, Bytes(public32), public32.size()));
  if (!pkey) return Status("INVALID_KEY", "OpenSSL rejected the Ed25519 public key");
  return VerifyingKey(std::move(pkey), std::string(public32));
}

bool VerifyingKey::Verify(std::string_view message, std::string_view signature) const {
  return VerifyWith(pkey_.get(), message, signature);
}

bool VerifyEd25519(std::string_view public32, std::string_view message,
                   std::string_view signature64) {
  auto key = VerifyingKey::FromRaw(public32);
  return key.ok() && key->Verify(message, signature64);
}

}  // namespace cradle
