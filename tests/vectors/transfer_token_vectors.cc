// Writes tests/vectors/transfer-token.json (docs/transfer-token.md) to stdout from fixed
// Ed25519 seeds, so the committed vectors can be regenerated and reviewed:
//   build/tests/unit/core/transfer_token_vectors > tests/vectors/transfer-token.json
// Ed25519 is deterministic: the same seeds give the same file byte for byte.
#include <boost/json.hpp>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "core/base45.h"
#include "core/hex.h"
#include "core/jwks.h"
#include "core/transfer_token.h"
#include "core/uscc.h"

namespace {

namespace json = boost::json;
using namespace cradle;

std::string Uscc(const std::string& first17) { return first17 + UsccCheckChar(first17); }

struct Key {
  std::string kid;
  std::string seed_hex;
};

const Key kKeys[] = {
    {"K1", "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"},
    {"K2", "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"},
};

SigningKey KeyOf(const std::string& kid) {
  for (const Key& k : kKeys) {
    if (k.kid == kid) return *SigningKey::FromSeed(*HexDecode(k.seed_hex));
  }
  std::abort();
}

json::object FieldsJson(const TransferTokenFields& f) {
  json::array lines;
  for (const auto& l : f.lines) {
    lines.push_back(
        json::object{{"waste_code", l.waste_code}, {"count", l.count}, {"mass_g", l.mass_g}});
  }
  return json::object{{"kid", f.kid},
                      {"number", f.number},
                      {"sender", f.sender},
                      {"carrier", f.carrier},
                      {"receiver", f.receiver},
                      {"vehicle", f.vehicle},
                      {"date", FormatIsoDate(f.date)},
                      {"lines", lines},
                      {"containers", f.containers},
                      {"issued_at", FormatRfc3339(f.issued_at * kMicrosPerSecond, 0)}};
}

TransferTokenFields Base() {
  TransferTokenFields f;
  f.kid = "K1";
  f.number = "20263310000042";
  f.sender = Uscc("91331000NCP000001");
  f.carrier = Uscc("91331000CLT000001");
  f.receiver = "FAC-F";
  f.vehicle = "浙J12345";
  f.date = {2026, 12, 3};
  f.lines = {{"772-002-18", 12, 15'000'000}};
  f.issued_at = DaysFromCivil({2026, 12, 3}) * 86400 + 1 * 3600 + 12 * 60 + 9;
  return CanonicalTransferFields(f);
}

// A signed part edited by hand, signed with K1: an invalid field behind a good signature.
std::string SignRaw(const std::string& signed_part, const std::string& kid = "K1") {
  return signed_part + Base45Encode(KeyOf(kid).Sign(signed_part));
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at == std::string::npos) std::abort();
  return text.replace(at, from.size(), to);
}

}  // namespace

int main() {
  json::array keys;
  std::vector<PublicJwk> jwks;
  for (const Key& k : kKeys) {
    const SigningKey key = KeyOf(k.kid);
    jwks.push_back({k.kid, key.PublicKey()});
    keys.push_back(json::object{{"kid", k.kid}, {"seed", k.seed_hex}});
  }
  const json::value set = json::parse(WriteJwks(jwks));
  for (size_t i = 0; i < keys.size(); ++i) {
    keys[i].as_object()["jwk"] = set.at("keys").at(i);
  }

  json::array valid;
  auto add_valid = [&](const TransferTokenFields& f, const char* note) {
    Result<std::string> token = BuildTransferToken(f, KeyOf(f.kid));
    if (!token.ok()) {
      std::cerr << note << ": " << token.status().ToString() << "\n";
      std::exit(1);
    }
    valid.push_back(json::object{{"token", *token}, {"fields", FieldsJson(f)}, {"note", note}});
  };
  const TransferTokenFields base = Base();
  add_valid(base, "one line: 12 tonne bags of fly ash to the landfill");
  TransferTokenFields several = base;
  several.number = "20263310000043";
  several.vehicle = "沪AD12345";  // a new-energy plate
  several.receiver = "landfill_01.b";
  several.lines = {
      {"900-041-49", 3, 95'500}, {"772-002-18", 40, 50'125'000}, {"900-249-08", 1, 200'000}};
  several = CanonicalTransferFields(several);
  add_valid(several, "three codes (sorted), a facility id with lower case and '_'");
  TransferTokenFields rotated = base;
  rotated.kid = "K2";
  rotated.number = "20263310000044";
  add_valid(rotated, "signed with the second key (after a rotation)");
  TransferTokenFields heavy = base;
  heavy.number = "20263310999999";
  heavy.vehicle = "ZJ-J12345";
  heavy.lines = {{"772-002-18", 2, 100'000'000}};  // exactly 50 t per container
  heavy = CanonicalTransferFields(heavy);
  add_valid(heavy, "the mass bound exactly (50 t per container); an ASCII plate");

  const std::string token = json::value_to<std::string>(valid[0].at("token"));
  const std::string part = TransferSignedPart(base);
  json::array invalid;
  auto bad = [&](const std::string& t, const char* error, const char* note) {
    invalid.push_back(json::object{{"token", t}, {"error", error}, {"note", note}});
  };
  const std::string label =
      "WM1:K1/91331000NCP000001L7720021820261128001/1250500/TB/"
      "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      "000000";
  bad(label, "MALFORMED", "a label (WM1) token is not a transfer token");
  bad(Replace(token, "WT1:", "WT2:"), "MALFORMED", "unknown prefix");
  bad(Replace(token, "WT1:", "wt1:"), "MALFORMED", "lower case outside the QR alphanumeric set");
  bad(token.substr(0, token.size() - 3), "MALFORMED", "truncated signature");
  bad(SignRaw(Replace(part, "/FAC-F/", "/FAC-F/X/")), "MALFORMED", "eleven fields");
  bad(SignRaw(Replace(part, "/FAC-F/", "/FAC%2DF/")), "MALFORMED",
      "percent-encoding of a character that is written plainly");
  bad(SignRaw(Replace(part, "%E6%B5%99", "%e6%b5%99")), "MALFORMED", "lower-case hex");
  bad(SignRaw(Replace(part, "*12*", "*012*")), "MALFORMED", "a leading zero in a count");
  bad(SignRaw(
          Replace(part, "/77200218*12*15000000/12/", "/90004149*2*1000+77200218*10*15000000/12/")),
      "MALFORMED", "lines not in ascending waste-code order");
  bad(SignRaw(Replace(part, "/12/", "//")), "MALFORMED", "no container count");
  bad(Replace(token, "T011209Z", "T0112Z"), "MALFORMED", "issued without seconds");
  bad(token.substr(0, token.size() - 96) + std::string(93, '0') + "GGW", "MALFORMED",
      "a base45 triple above 65535");
  bad(SignRaw(Replace(part, base.sender, base.sender.substr(0, 17) + "0")), "INVALID_FIELD",
      "the sender's USCC check character is wrong");
  bad(SignRaw(Replace(part, "77200218", "77200242")), "INVALID_FIELD",
      "vacant waste category HW42");
  bad(SignRaw(Replace(part, "/12/", "/13/")), "INVALID_FIELD",
      "container count is not the sum of the lines");
  bad(SignRaw(Replace(part, "/20261203/", "/20260230/")), "INVALID_FIELD", "no 30 February");
  bad(SignRaw(Replace(part, "T011209Z", "T241209Z")), "INVALID_FIELD", "hour 24");
  bad(SignRaw(Replace(part, "20263310000042", "20263310000000")), "INVALID_FIELD", "serial 000000");
  bad(SignRaw(Replace(part, "/FAC-F/", "/FAC%20F/")), "INVALID_FIELD",
      "a receiver that is not a facility id (a space)");
  bad(SignRaw(Replace(part, "%E6%B5%99J12345", "%0A")), "INVALID_FIELD",
      "a vehicle that is a control character");
  bad(SignRaw(Replace(part, "%E6%B5%99J12345", "%E6%B5")), "INVALID_FIELD",
      "a vehicle that is not UTF-8");
  bad(SignRaw(
          Replace(part, "/77200218*12*15000000/12/", "/77200218*2*1000+77200218*10*15000000/12/")),
      "INVALID_FIELD", "the same waste code on two lines");
  bad(SignRaw(Replace(part, "*12*15000000", "*12*600000001")), "INVALID_FIELD",
      "above 50 t per container");
  bad(SignRaw(Replace(part, "WT1:K1/", "WT1:K9/")), "UNKNOWN_KEY", "no trusted key K9");
  bad(Replace(token, "*15000000/", "*15000001/"), "BAD_SIGNATURE",
      "the declared mass altered by one gram");
  bad(Replace(token, "J12345", "J12346"), "BAD_SIGNATURE", "another vehicle");
  bad(Replace(token, "WT1:K1/", "WT1:K2/"), "BAD_SIGNATURE", "signed by K1, claims K2");

  // One entry a line, so a diff of the file shows which vector changed.
  std::cout << "{\"about\": "
            << json::serialize(
                   json::value("WT1 transfer token vectors (docs/transfer-token.md); generated by "
                               "tests/vectors/transfer_token_vectors.cc"));
  for (auto [name, array] :
       {std::pair{"keys", &keys}, std::pair{"valid", &valid}, std::pair{"invalid", &invalid}}) {
    std::cout << ",\n\"" << name << "\": [";
    for (size_t i = 0; i < array->size(); ++i) {
      std::cout << (i ? ",\n  " : "\n  ") << json::serialize((*array)[i]);
    }
    std::cout << "\n]";
  }
  std::cout << "}\n";
  return 0;
}
