#include "core/sha256.h"

#include <openssl/evp.h>

#include <new>

#include "core/hex.h"

namespace cradle {

std::string Sha256Raw(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  // EVP_Digest fails only when OpenSSL cannot allocate its context.
  if (EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr) != 1) {
    throw std::bad_alloc();
  }
  return std::string(reinterpret_cast<const char*>(digest), size);
}

std::string Sha256Hex(std::string_view data) { return HexEncode(Sha256Raw(data)); }

}  // namespace cradle
