// WT1, the signed transfer token printed as a QR code on the transfer manifest (docs/
// transfer-token.md):
//   "WT1:" kid "/" number "/" sender "/" carrier "/" receiver "/" vehicle "/" date "/"
//   lines "/" containers "/" issued "/" sig
// sig is the base45 of the Ed25519 signature over everything before it. It reuses WM1's
// primitives and KeySet (core/wm1.h), so an inspector's handheld verifies it offline against
// the same JWK Set as labels.
//
// Verification reports the FIRST failure in the order MALFORMED, INVALID_FIELD, UNKNOWN_KEY,
// BAD_SIGNATURE; the Status code is that string and the message a short reason.
//
// Ownership and thread safety: plain values and pure functions; safe from any thread (a
// SigningKey or KeySet used concurrently only through const calls).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/civil_time.h"
#include "core/ed25519.h"
#include "core/status.h"
#include "core/wm1.h"

namespace cradle {

inline constexpr std::string_view kWt1Prefix = "WT1:";
inline constexpr size_t kMaxTransferTokenLines = 32;

struct TransferTokenLine {
  std::string waste_code;  // dashed, "772-002-18"
  int64_t count = 0;       // containers of this code
  int64_t mass_g = 0;      // their declared net mass
  bool operator==(const TransferTokenLine&) const = default;
};

struct TransferTokenFields {
  std::string kid;
  std::string number;                    // 14 digits
  std::string sender;                    // USCC
  std::string carrier;                   // USCC
  std::string receiver;                  // facility id
  std::string vehicle;                   // UTF-8 plate, "浙J12345"
  CivilDate date;                        // planned day, or the day of an ad hoc trip
  std::vector<TransferTokenLine> lines;  // ascending waste code
  int64_t containers = 0;
  int64_t issued_at = 0;  // seconds since the epoch, UTC
  bool operator==(const TransferTokenFields&) const = default;
};

struct ParsedTransferToken {
  TransferTokenFields fields;
  std::string signed_part;  // the token up to and including the 10th '/'
  std::string signature;    // 64 raw bytes
};

// True when `text` starts with the WT1 prefix (a scanner's dispatch; not a verification).
bool IsTransferToken(std::string_view text);

// The token's percent-encoding of free text (bytes other than 0-9 A-Z - . as %XX).
std::string PercentEncodeTokenText(std::string_view text);

// Sorts the lines by waste code (the canonical order) and fills `containers` from them.
TransferTokenFields CanonicalTransferFields(TransferTokenFields fields);

// Grammar, then field rules (MALFORMED / INVALID_FIELD), of fields about to be signed.
Status ValidateTransferTokenFields(const TransferTokenFields& fields);

// The signed bytes ("WT1:...issued/"). Does not validate.
std::string TransferSignedPart(const TransferTokenFields& fields);

// Validates and signs; the fields must already be canonical (CanonicalTransferFields).
Result<std::string> BuildTransferToken(const TransferTokenFields& fields, const SigningKey& key);

// Grammar (MALFORMED) then field rules (INVALID_FIELD); no key involved. Trailing CR/LF is
// the caller's to strip (StripLineEnding).
Result<ParsedTransferToken> ParseTransferToken(std::string_view token);

// Fields of a genuine token, or the first failure.
Result<TransferTokenFields> VerifyTransferToken(std::string_view token, const KeySet& keys);

}  // namespace cradle
