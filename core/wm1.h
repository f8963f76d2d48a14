// WM1, the signed label token (shared/spec/label-token.md):
//   "WM1:" kid "/" digital-id "/" mass-g "/" pack "/" sig
// where sig is the base45 of the Ed25519 signature over everything before it (up to and
// including the fourth '/'). A scanner with no network tells a genuine label from a forged or
// altered one from the token alone, given a KeySet of trusted public keys.
//
// Verification reports the FIRST failure in the order MALFORMED (grammar), INVALID_FIELD (field
// rules), UNKNOWN_KEY, BAD_SIGNATURE; the Status code is that string and the message a short
// human reason.
//
// Ownership and thread safety: TokenFields/ParsedToken are plain values. KeySet owns its keys;
// concurrent const use (Find, VerifyToken) is safe, mutation (Add) needs external exclusion.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/digital_id.h"
#include "core/ed25519.h"
#include "core/status.h"

namespace cradle {

inline constexpr std::string_view kWm1Prefix = "WM1:";
inline constexpr size_t kWm1SignatureChars = 96;  // base45 of 64 bytes
inline constexpr size_t kMaxKidLength = 8;
inline constexpr int64_t kMaxTokenMassGrams = 50'000'000;  // 50 t

// Packaging codes with their names for labels.
struct Packaging {
  std::string_view code;     // "TB"
  std::string_view english;  // "tonne bag"
  std::string_view chinese;  // "吨袋"
};
// DR BG TB BX IB TK BK OT, in that order.
std::span<const Packaging> PackagingCodes();
const Packaging* FindPackaging(std::string_view code);  // nullptr when unknown

// 1..8 of 0-9 A-Z.
bool IsValidKid(std::string_view kid);
// True iff every character is in the QR alphanumeric set (0-9 A-Z space $ % * + - . / :).
bool IsQrAlphanumeric(std::string_view text);

struct TokenFields {
  std::string kid;
  DigitalId id;
  int64_t mass_g = 0;
  std::string packaging;  // a PackagingCodes() code
  bool operator==(const TokenFields&) const = default;
};

struct ParsedToken {
  TokenFields fields;
  std::string signed_part;  // the token up to and including the 4th '/'
  std::string signature;    // 64 raw bytes
};

// Grammar then field rules of fields about to be signed (MALFORMED / INVALID_FIELD), so an
// issuer never signs a token that no verifier accepts.
Status ValidateTokenFields(const TokenFields& fields);

// "WM1:K1/<digital id>/<mass>/<pack>/" — the signed bytes.
std::string SignedPart(const TokenFields& fields);
// SignedPart + base45(signature). Does not validate: call ValidateTokenFields first.
std::string BuildToken(const TokenFields& fields, const SigningKey& key);

// What a reader hands over, minus any trailing CR/LF (spaces are part of base45 and are kept).
std::string_view StripLineEnding(std::string_view text);

// Grammar (MALFORMED) then field rules (INVALID_FIELD). No key is involved.
Result<ParsedToken> ParseToken(std::string_view token);

// Trusted public keys by kid (a scanner's last fetched JWK Set, or the server's own keys).
class KeySet {
 public:
  // Adds or replaces the key for `kid`.
  void Add(std::string kid, VerifyingKey key);
  // From raw 32 bytes; code INVALID_KEY on a bad key or kid.
  Status AddRaw(std::string kid, std::string_view public32);
  const VerifyingKey* Find(std::string_view kid) const;  // nullptr when absent
  size_t size() const { return keys_.size(); }
  bool empty() const { return keys_.empty(); }
  const std::map<std::string, VerifyingKey, std::less<>>& keys() const { return keys_; }

 private:
  std::map<std::string, VerifyingKey, std::less<>> keys_;
};

// The full verdict: `status` is OK or the first failure; `fields` is set whenever the grammar
// held (also for INVALID_FIELD, UNKNOWN_KEY and BAD_SIGNATURE, so a server can tell which
// manifest a forged label claims to be).
struct VerifyOutcome {
  Status status;
  std::optional<TokenFields> fields;
  bool valid() const { return status.ok(); }
};
VerifyOutcome Verify(std::string_view token, const KeySet& keys);

// Fields of a genuine token, or the first failure.
Result<TokenFields> VerifyToken(std::string_view token, const KeySet& keys);

}  // namespace cradle
