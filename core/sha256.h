// SHA-256 (OpenSSL 3 EVP) of a byte string: raw 32 bytes or 64 lower-case hex characters.
// Used for API token hashes, the audit hash chain and content fingerprints.
//
// Thread safety: pure functions; safe from any thread. OpenSSL allocation failure throws
// std::bad_alloc (as any allocation would); there is no other failure.
#pragma once

#include <string>
#include <string_view>

namespace cradle {

inline constexpr size_t kSha256Size = 32;

std::string Sha256Raw(std::string_view data);  // 32 bytes
std::string Sha256Hex(std::string_view data);  // 64 hex characters, lower case

}  // namespace cradle
