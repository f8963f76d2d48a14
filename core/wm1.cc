#include "core/wm1.h"

#include <array>

#include "core/base45.h"

namespace cradle {
namespace {

constexpr std::array<Packaging, 8> kPackaging = {{
    {"DR", "drum", "桶"},
    {"BG", "bag", "袋"},
    {"TB", "tonne bag", "吨袋"},
    {"BX", "box", "箱"},
    {"IB", "intermediate bulk container", "中型散装容器"},
    {"TK", "tank", "罐"},
    {"BK", "bulk", "散装"},
    {"OT", "other", "其他"},
}};

constexpr size_t kMaxMassDigits = 8;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

Status Malformed(std::string message) { return Status("MALFORMED", std::move(message)); }
Status InvalidField(std::string message) { return Status("INVALID_FIELD", std::move(message)); }

// mass-g = %x31-39 *7 DIGIT
bool IsMassGrammar(std::string_view s) {
  return !s.empty() && s.size() <= kMaxMassDigits && s[0] != '0' && AllDigits(s);
}

bool IsPackGrammar(std::string_view s) { return s.size() == 2 && IsUpper(s[0]) && IsUpper(s[1]); }

// The digital id's shape as the token grammar states it: 18 characters (the character set is
// already checked), then 8 + 8 + 3 digits.
bool IsDigitalIdGrammar(std::string_view s) {
  return s.size() == kDigitalIdLength && s.find('/') == std::string_view::npos &&
         AllDigits(s.substr(18));
}

// Field rules of fields whose grammar holds.
Status CheckFieldRules(const TokenFields& f) {
  if (Status s = ValidateDigitalId(f.id); !s.ok()) return s;
  if (f.mass_g > kMaxTokenMassGrams) return InvalidField("mass: above 50 t");
  if (FindPackaging(f.packaging) == nullptr) {
    return InvalidField("packaging: unknown code " + f.packaging);
  }
  return Status::Ok();
}

// Grammar then field rules; `out` holds the fields as soon as the grammar holds (so a caller
// can report which manifest an invalid or forged token names).
Status ParseInto(std::string_view token, ParsedToken& out, bool& grammar_ok) {
  grammar_ok = false;
  if (token.size() < kWm1Prefix.size() + kWm1SignatureChars) return Malformed("too short");
  if (!IsQrAlphanumeric(token)) return Malformed("character outside the QR alphanumeric set");
  if (!token.starts_with(kWm1Prefix)) return Malformed("does not start with WM1:");
  std::string_view sig_text = token.substr(token.size() - kWm1SignatureChars);
  std::string_view signed_part = token.substr(0, token.size() - kWm1SignatureChars);
  std::string_view rest = signed_part.substr(kWm1Prefix.size());
  if (rest.empty() || rest.back() != '/') return Malformed("no '/' before the signature");
  rest.remove_suffix(1);

  std::array<std::string_view, 4> parts;
  size_t count = 0;
  for (size_t start = 0;;) {
    size_t slash = rest.find('/', start);
    if (count == parts.size()) return Malformed("more than four fields before the signature");
    parts[count++] = rest.substr(start, slash == std::string_view::npos ? slash : slash - start);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (count != parts.size()) return Malformed("fewer than four fields before the signature");
  auto [kid, id_text, mass_text, pack] = parts;
  if (!IsValidKid(kid)) return Malformed("kid: 1 to 8 of 0-9 A-Z");
  if (!IsDigitalIdGrammar(id_text)) return Malformed("digital id: 18 characters and 19 digits");
  if (!IsMassGrammar(mass_text)) return Malformed("mass: 1 to 8 digits, no leading zero");
  if (!IsPackGrammar(pack)) return Malformed("packaging: two letters A-Z");
  auto sig = Base45Decode(sig_text);
  if (!sig.ok()) return Malformed("signature: " + sig.status().message());

  TokenFields& f = out.fields;
  f.kid = std::string(kid);
  f.id.uscc = std::string(id_text.substr(0, 18));
  f.id.waste_code = std::string(id_text.substr(18, 8));
  int64_t mass = 0;
  for (char c : mass_text) mass = mass * 10 + (c - '0');
  f.mass_g = mass;
  f.packaging = std::string(pack);
  out.signed_part = std::string(signed_part);
  out.signature = std::move(*sig);
  auto date_digits = id_text.substr(26, 8);
  auto value = [](std::string_view s) {
    int v = 0;
    for (char c : s) v = v * 10 + (c - '0');
    return v;
  };
  f.id.date = CivilDate{value(date_digits.substr(0, 4)), value(date_digits.substr(4, 2)),
                        value(date_digits.substr(6, 2))};
  f.id.serial = value(id_text.substr(34, 3));
  grammar_ok = true;
  return CheckFieldRules(f);
}

}  // namespace

std::span<const Packaging> PackagingCodes() { return kPackaging; }

const Packaging* FindPackaging(std::string_view code) {
  for (const Packaging& p : kPackaging) {
    if (p.code == code) return &p;
  }
  return nullptr;
}

bool IsValidKid(std::string_view kid) {
  if (kid.empty() || kid.size() > kMaxKidLength) return false;
  for (char c : kid) {
    if (!IsDigit(c) && !IsUpper(c)) return false;
  }
  return true;
}

bool IsQrAlphanumeric(std::string_view text) {
  // The QR alphanumeric set is exactly the base45 alphabet.
  for (char c : text) {
    if (!IsBase45Char(c)) return false;
  }
  return true;
}

Status ValidateTokenFields(const TokenFields& f) {
  if (!IsValidKid(f.kid)) return Malformed("kid: 1 to 8 of 0-9 A-Z");
  std::string id = BuildDigitalId(f.id);
  if (f.id.uscc.size() != 18 || !IsQrAlphanumeric(f.id.uscc) ||
      f.id.uscc.find('/') != std::string::npos || f.id.waste_code.size() != 8 ||
      f.id.date.year < 0 || f.id.date.year > 9999 || f.id.date.month < 0 || f.id.date.month > 99 ||
      f.id.date.day < 0 || f.id.date.day > 99 || f.id.serial < 0 || f.id.serial > kMaxSerial ||
      !IsDigitalIdGrammar(id)) {
    return Malformed("digital id: 18 characters and 19 digits");
  }
  if (f.mass_g < 1 || f.mass_g > 99'999'999) return Malformed("mass: 1 to 8 digits");
  if (!IsPackGrammar(f.packaging)) return Malformed("packaging: two letters A-Z");
  return CheckFieldRules(f);
}

std::string SignedPart(const TokenFields& f) {
  std::string out;
  out.reserve(64);
  out += kWm1Prefix;
  out += f.kid;
  out += '/';
  out += BuildDigitalId(f.id);
  out += '/';
  out += std::to_string(f.mass_g);
  out += '/';
  out += f.packaging;
  out += '/';
  return out;
}

std::string BuildToken(const TokenFields& fields, const SigningKey& key) {
  std::string token = SignedPart(fields);
  token += Base45Encode(key.Sign(token));
  return token;
}

std::string_view StripLineEnding(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

Result<ParsedToken> ParseToken(std::string_view token) {
  ParsedToken parsed;
  bool grammar_ok = false;
  if (Status s = ParseInto(token, parsed, grammar_ok); !s.ok()) return s;
  return parsed;
}

void KeySet::Add(std::string kid, VerifyingKey key) {
  keys_.insert_or_assign(std::move(kid), std::move(key));
}

Status KeySet::AddRaw(std::string kid, std::string_view public32) {
  if (!IsValidKid(kid)) return Status("INVALID_KEY", "kid: 1 to 8 of 0-9 A-Z");
  auto key = VerifyingKey::FromRaw(public32);
  if (!key.ok()) return key.status();
  Add(std::move(kid), std::move(*key));
  return Status::Ok();
}

const VerifyingKey* KeySet::Find(std::string_view kid) const {
  auto it = keys_.find(kid);
  return it == keys_.end() ? nullptr : &it->second;
}

VerifyOutcome Verify(std::string_view token, const KeySet& keys) {
  VerifyOutcome outcome;
  ParsedToken parsed;
  bool grammar_ok = false;
  Status s = ParseInto(token, parsed, grammar_ok);
  if (grammar_ok) outcome.fields = parsed.fields;
  if (!s.ok()) {
    outcome.status = std::move(s);
    return outcome;
  }
  const VerifyingKey* key = keys.Find(parsed.fields.kid);
  if (key == nullptr) {
    outcome.status = Status("UNKNOWN_KEY", "no trusted key " + parsed.fields.kid);
  } else if (!key->Verify(parsed.signed_part, parsed.signature)) {
    outcome.status = Status("BAD_SIGNATURE", "the signature does not match the label");
  }
  return outcome;
}

Result<TokenFields> VerifyToken(std::string_view token, const KeySet& keys) {
  VerifyOutcome outcome = Verify(token, keys);
  if (!outcome.valid()) return outcome.status;
  return std::move(*outcome.fields);
}

}  // namespace cradle
