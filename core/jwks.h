// Ed25519 JWK Sets (RFC 7517, RFC 8037) as published at GET /.well-known/jwks.json:
//   {"keys":[{"kty":"OKP","crv":"Ed25519","kid":"K1","x":"<b64url>","use":"sig","alg":"EdDSA"}]}
//
// Reading is strict, because a scanner trusts what it reads: not JSON, no "keys" array, an entry
// that is not an object, kty other than OKP, crv other than Ed25519, a missing or invalid kid,
// an x that is not base64url of 32 bytes, "use" other than "sig", "alg" other than "EdDSA"
// (both optional), or a duplicate kid are code JWKS_INVALID with the entry's index in the
// message.
//
// Thread safety: pure functions; safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/wm1.h"

namespace cradle {

struct PublicJwk {
  std::string kid;
  std::string public_key;  // 32 raw bytes
  bool operator==(const PublicJwk&) const = default;
};

// Keys in the order given.
std::string WriteJwks(const std::vector<PublicJwk>& keys);
// The same JSON, parsed; keys in document order.
Result<std::vector<PublicJwk>> ParseJwks(std::string_view json);
// ParseJwks into a KeySet ready for VerifyToken.
Result<KeySet> ReadJwks(std::string_view json);

}  // namespace cradle
