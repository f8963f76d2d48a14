#include "core/transfer_token.h"

#include <algorithm>
#include <array>
#include <optional>

#include "core/base45.h"
#include "core/uscc.h"
#include "core/waste_code.h"

namespace cradle {
namespace {

constexpr size_t kFieldCount = 10;  // kid .. issued
constexpr size_t kMaxReceiverChars = 192;
constexpr size_t kMaxVehicleChars = 96;
constexpr size_t kMaxFacilityIdLength = 64;
constexpr size_t kMaxPlateCodePoints = 16;
constexpr int64_t kMaxMassPerContainer = kMaxTokenMassGrams;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsHexUpper(char c) { return IsDigit(c) || (c >= 'A' && c <= 'F'); }
bool IsUnreserved(unsigned char c) { return IsDigit(c) || IsUpper(c) || c == '-' || c == '.'; }

bool AllDigits(std::string_view s) { return std::all_of(s.begin(), s.end(), IsDigit); }

Status Malformed(std::string message) { return Status("MALFORMED", std::move(message)); }
Status InvalidField(std::string message) { return Status("INVALID_FIELD", std::move(message)); }

// %x31-39 *(max-1) DIGIT, parsed; nullopt when not that grammar.
std::optional<int64_t> PositiveNumber(std::string_view s, size_t max_digits) {
  if (s.empty() || s.size() > max_digits || s[0] == '0' || !AllDigits(s)) return std::nullopt;
  int64_t value = 0;
  for (char c : s) value = value * 10 + (c - '0');
  return value;
}

// Canonical percent-decoding; nullopt when `s` is not the canonical spelling of its bytes.
std::optional<std::string> PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c != '%') {
      if (!IsUnreserved(static_cast<unsigned char>(c))) return std::nullopt;
      out.push_back(c);
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    if (!IsHexUpper(s[i + 1]) || !IsHexUpper(s[i + 2])) return std::nullopt;
    auto nibble = [](char h) { return IsDigit(h) ? h - '0' : h - 'A' + 10; };
    const auto byte = static_cast<unsigned char>(nibble(s[i + 1]) * 16 + nibble(s[i + 2]));
    if (IsUnreserved(byte)) return std::nullopt;  // must have been written plainly
    out.push_back(static_cast<char>(byte));
    i += 2;
  }
  return out;
}

// Code points of valid UTF-8 without control characters; -1 otherwise.
int64_t PrintableUtf8Length(std::string_view s) {
  int64_t count = 0;
  for (size_t i = 0; i < s.size();) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    uint32_t cp = 0;
    size_t len = 0;
    if (b0 < 0x80) {
      cp = b0, len = 1;
    } else if ((b0 & 0xE0) == 0xC0) {
      cp = b0 & 0x1F, len = 2;
    } else if ((b0 & 0xF0) == 0xE0) {
      cp = b0 & 0x0F, len = 3;
    } else if ((b0 & 0xF8) == 0xF0) {
      cp = b0 & 0x07, len = 4;
    } else {
      return -1;
    }
    if (i + len > s.size()) return -1;
    for (size_t k = 1; k < len; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0) != 0x80) return -1;
      cp = (cp << 6) | (b & 0x3F);
    }
    static constexpr uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) return -1;
    ++count;
    i += len;
  }
  return count;
}

bool IsFacilityIdText(std::string_view s) {
  if (s.empty() || s.size() > kMaxFacilityIdLength) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return IsDigit(c) || IsUpper(c) || (c >= 'a' && c <= 'z') || c == '-' || c == '_' || c == '.';
  });
}

std::vector<std::string_view> Split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    const size_t at = text.find(sep, start);
    parts.push_back(text.substr(start, at == std::string_view::npos ? at : at - start));
    if (at == std::string_view::npos) return parts;
    start = at + 1;
  }
}

std::string TwoDigits(int v) {
  return {static_cast<char>('0' + v / 10), static_cast<char>('0' + v % 10)};
}

std::string FormatIssued(int64_t seconds) {
  const int64_t days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
  const int64_t rest = seconds - days * 86400;
  return FormatCompactDate(CivilFromDays(days)) + "T" + TwoDigits(static_cast<int>(rest / 3600)) +
         TwoDigits(static_cast<int>(rest / 60 % 60)) + TwoDigits(static_cast<int>(rest % 60)) + "Z";
}

// What the grammar read, beyond the typed fields, for the field rules.
struct Raw {
  std::string_view date;
  std::string_view issued;
  std::vector<std::string> compact_codes;
};

Status ParseGrammar(std::string_view token, ParsedTransferToken& out, Raw& raw) {
  if (token.size() < kWt1Prefix.size() + kWm1SignatureChars) return Malformed("too short");
  if (!IsQrAlphanumeric(token)) return Malformed("character outside the QR alphanumeric set");
  if (!token.starts_with(kWt1Prefix)) return Malformed("does not start with WT1:");
  const std::string_view sig_text = token.substr(token.size() - kWm1SignatureChars);
  const std::string_view signed_part = token.substr(0, token.size() - kWm1SignatureChars);
  std::string_view body = signed_part.substr(kWt1Prefix.size());
  if (body.empty() || body.back() != '/') return Malformed("no '/' before the signature");
  body.remove_suffix(1);
  const std::vector<std::string_view> parts = Split(body, '/');
  if (parts.size() != kFieldCount) {
    return Malformed("expected 10 fields before the signature, found " +
                     std::to_string(parts.size()));
  }
  TransferTokenFields& f = out.fields;
  if (!IsValidKid(parts[0])) return Malformed("kid: 1-8 of 0-9 A-Z");
  f.kid = parts[0];
  if (parts[1].size() != 14 || !AllDigits(parts[1])) return Malformed("number: 14 digits");
  f.number = parts[1];
  for (size_t i : {size_t{2}, size_t{3}}) {
    if (parts[i].size() != 18 || !std::all_of(parts[i].begin(), parts[i].end(),
                                              [](char c) { return IsDigit(c) || IsUpper(c); })) {
      return Malformed(std::string(i == 2 ? "sender" : "carrier") + ": 18 of 0-9 A-Z");
    }
  }
  f.sender = parts[2];
  f.carrier = parts[3];
  auto receiver = PercentDecode(parts[4]);
  if (parts[4].empty() || parts[4].size() > kMaxReceiverChars || !receiver) {
    return Malformed("receiver: not canonical percent-encoded text of 1-192 characters");
  }
  f.receiver = *receiver;
  auto vehicle = PercentDecode(parts[5]);
  if (parts[5].empty() || parts[5].size() > kMaxVehicleChars || !vehicle) {
    return Malformed("vehicle: not canonical percent-encoded text of 1-96 characters");
  }
  f.vehicle = *vehicle;
  if (parts[6].size() != 8 || !AllDigits(parts[6])) return Malformed("date: 8 digits");
  raw.date = parts[6];

  const std::vector<std::string_view> lines = Split(parts[7], '+');
  if (lines.size() > kMaxTransferTokenLines) return Malformed("more than 32 lines");
  for (std::string_view line : lines) {
    const std::vector<std::string_view> cells = Split(line, '*');
    if (cells.size() != 3) return Malformed("line: code*count*mass");
    if (cells[0].size() != 8 || !AllDigits(cells[0])) return Malformed("line: 8-digit waste code");
    auto count = PositiveNumber(cells[1], 5);
    if (!count) return Malformed("line: count 1-99999 without leading zeros");
    auto mass = PositiveNumber(cells[2], 13);
    if (!mass) return Malformed("line: mass in grams without leading zeros");
    if (!raw.compact_codes.empty() && std::string(cells[0]) < raw.compact_codes.back()) {
      return Malformed("lines: not in ascending waste-code order");
    }
    raw.compact_codes.emplace_back(cells[0]);
    auto dashed = WasteCodeToDashed(cells[0]);
    f.lines.push_back({dashed.ok() ? *dashed : std::string(cells[0]), *count, *mass});
  }
  auto containers = PositiveNumber(parts[8], 6);
  if (!containers) return Malformed("containers: 1-999999 without leading zeros");
  f.containers = *containers;
  const std::string_view issued = parts[9];
  if (issued.size() != 16 || !AllDigits(issued.substr(0, 8)) || issued[8] != 'T' ||
      !AllDigits(issued.substr(9, 6)) || issued[15] != 'Z') {
    return Malformed("issued: YYYYMMDDTHHMMSSZ");
  }
  raw.issued = issued;
  auto signature = Base45Decode(sig_text);
  if (!signature.ok() || signature->size() != kEd25519SignatureSize) {
    return Malformed("signature: base45 of 64 bytes");
  }
  out.signed_part = signed_part;
  out.signature = std::move(*signature);
  return Status::Ok();
}

Status CheckFieldRules(ParsedTransferToken& out, const Raw& raw) {
  TransferTokenFields& f = out.fields;
  const int year = std::stoi(f.number.substr(0, 4));
  if (year < 2000 || year > 2099) return InvalidField("number: year outside 2000-2099");
  if (f.number.substr(8) == "000000") return InvalidField("number: serial 000000");
  if (Status s = ValidateUscc(f.sender); !s.ok()) return InvalidField("sender: " + s.message());
  if (Status s = ValidateUscc(f.carrier); !s.ok()) return InvalidField("carrier: " + s.message());
  if (!IsFacilityIdText(f.receiver)) return InvalidField("receiver: not a facility id");
  const int64_t plate = PrintableUtf8Length(f.vehicle);
  if (plate < 1 || plate > static_cast<int64_t>(kMaxPlateCodePoints)) {
    return InvalidField("vehicle: not 1-16 printable UTF-8 characters");
  }
  auto date = ParseCompactDate(raw.date);
  if (!date.ok()) return InvalidField("date: no such day");
  f.date = *date;
  auto day = ParseCompactDate(raw.issued.substr(0, 8));
  const int hh = std::stoi(std::string(raw.issued.substr(9, 2)));
  const int mm = std::stoi(std::string(raw.issued.substr(11, 2)));
  const int ss = std::stoi(std::string(raw.issued.substr(13, 2)));
  if (!day.ok() || hh > 23 || mm > 59 || ss > 59) return InvalidField("issued: no such time");
  f.issued_at = DaysFromCivil(*day) * 86400 + hh * 3600 + mm * 60 + ss;
  int64_t total = 0;
  for (size_t i = 0; i < f.lines.size(); ++i) {
    const TransferTokenLine& line = f.lines[i];
    if (Status s = ValidateWasteCode(raw.compact_codes[i]); !s.ok()) {
      return InvalidField("waste code " + raw.compact_codes[i] + ": " + s.message());
    }
    if (i > 0 && raw.compact_codes[i] == raw.compact_codes[i - 1]) {
      return InvalidField("waste code " + line.waste_code + " on two lines");
    }
    if (line.mass_g / line.count > kMaxMassPerContainer ||
        (line.mass_g / line.count == kMaxMassPerContainer && line.mass_g % line.count != 0)) {
      return InvalidField("line " + line.waste_code + ": above 50 t per container");
    }
    total += line.count;
  }
  if (total != f.containers) {
    return InvalidField("containers: " + std::to_string(f.containers) + " but the lines count " +
                        std::to_string(total));
  }
  return Status::Ok();
}

}  // namespace

bool IsTransferToken(std::string_view text) { return text.starts_with(kWt1Prefix); }

std::string PercentEncodeTokenText(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (IsUnreserved(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

TransferTokenFields CanonicalTransferFields(TransferTokenFields fields) {
  std::stable_sort(fields.lines.begin(), fields.lines.end(),
                   [](const TransferTokenLine& a, const TransferTokenLine& b) {
                     return a.waste_code < b.waste_code;  // dashed order = compact order
                   });
  fields.containers = 0;
  for (const TransferTokenLine& line : fields.lines) fields.containers += line.count;
  return fields;
}

std::string TransferSignedPart(const TransferTokenFields& f) {
  std::string out(kWt1Prefix);
  out += f.kid + "/" + f.number + "/" + f.sender + "/" + f.carrier + "/" +
         PercentEncodeTokenText(f.receiver) + "/" + PercentEncodeTokenText(f.vehicle) + "/" +
         FormatCompactDate(f.date) + "/";
  for (size_t i = 0; i < f.lines.size(); ++i) {
    const TransferTokenLine& line = f.lines[i];
    auto compact = WasteCodeToCompact(line.waste_code);
    if (i > 0) out += "+";
    out += (compact.ok() ? *compact : line.waste_code) + "*" + std::to_string(line.count) + "*" +
           std::to_string(line.mass_g);
  }
  out += "/" + std::to_string(f.containers) + "/" + FormatIssued(f.issued_at) + "/";
  return out;
}

Status ValidateTransferTokenFields(const TransferTokenFields& fields) {
  // One grammar: the fields must survive a round trip through the parser unchanged (with a
  // well-formed placeholder signature), so an issuer never signs what no verifier accepts.
  const std::string probe = TransferSignedPart(fields) + std::string(kWm1SignatureChars, '0');
  Result<ParsedTransferToken> parsed = ParseTransferToken(probe);
  if (!parsed.ok()) return parsed.status();
  if (!(parsed->fields == fields)) {
    return Malformed("fields do not have a canonical token spelling");
  }
  return Status::Ok();
}

Result<std::string> BuildTransferToken(const TransferTokenFields& fields, const SigningKey& key) {
  if (Status s = ValidateTransferTokenFields(fields); !s.ok()) return s;
  const std::string signed_part = TransferSignedPart(fields);
  return signed_part + Base45Encode(key.Sign(signed_part));
}

Result<ParsedTransferToken> ParseTransferToken(std::string_view token) {
  ParsedTransferToken out;
  Raw raw;
  if (Status s = ParseGrammar(token, out, raw); !s.ok()) return s;
  if (Status s = CheckFieldRules(out, raw); !s.ok()) return s;
  return out;
}

Result<TransferTokenFields> VerifyTransferToken(std::string_view token, const KeySet& keys) {
  Result<ParsedTransferToken> parsed = ParseTransferToken(token);
  if (!parsed.ok()) return parsed.status();
  const VerifyingKey* key = keys.Find(parsed->fields.kid);
  if (key == nullptr) return Status("UNKNOWN_KEY", "no trusted key " + parsed->fields.kid);
  if (!key->Verify(parsed->signed_part, parsed->signature)) {
    return Status("BAD_SIGNATURE", "the signature does not verify with key " + parsed->fields.kid);
  }
  return std::move(parsed->fields);
}

}  // namespace cradle
