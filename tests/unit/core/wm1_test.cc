// WM1 tokens against shared/spec/vectors/wm1.json (read at run time) and property tests.
#define BOOST_TEST_MODULE core_wm1
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <map>
#include <random>
#include <set>

#include "core/base45.h"
#include "core/base64url.h"
#include "core/ed25519.h"
#include "core/hex.h"
#include "core/jwks.h"
#include "core/uscc.h"
#include "core/waste_code.h"
#include "core/wm1.h"
#include "tests/unit/core/read_file.h"

namespace cradle {
namespace {

namespace json = boost::json;

const json::object& Vectors() {
  static const json::value v = [] {
    std::string text = testing::ReadFile(CRADLE_SHARED_DIR "/spec/vectors/wm1.json");
    BOOST_REQUIRE_MESSAGE(!text.empty(), "cannot read wm1.json");
    return json::parse(text);
  }();
  return v.as_object();
}

std::string Str(const json::value& v) { return std::string(v.as_string()); }

SigningKey KeyFromSeedHex(const std::string& hex) {
  auto seed = HexDecode(hex);
  BOOST_REQUIRE(seed.ok());
  auto key = SigningKey::FromSeed(*seed);
  BOOST_REQUIRE(key.ok());
  return *key;
}

std::map<std::string, SigningKey> VectorKeys() {
  std::map<std::string, SigningKey> keys;
  for (const auto& k : Vectors().at("keys").as_array()) {
    keys.emplace(Str(k.at("kid")), KeyFromSeedHex(Str(k.at("seed_hex"))));
  }
  return keys;
}

KeySet VectorKeySet() {
  KeySet set;
  for (const auto& [kid, key] : VectorKeys()) BOOST_REQUIRE(set.AddRaw(kid, key.PublicKey()).ok());
  return set;
}

TokenFields FieldsOf(const json::object& v) {
  TokenFields f;
  f.kid = Str(v.at("kid"));
  f.id.uscc = Str(v.at("uscc"));
  f.id.waste_code = *WasteCodeToCompact(Str(v.at("waste_code")));
  f.id.date = *ParseIsoDate(Str(v.at("produced_on")));
  f.id.serial = static_cast<int>(v.at("serial").as_int64());
  f.mass_g = v.at("mass_g").as_int64();
  f.packaging = Str(v.at("packaging"));
  return f;
}

BOOST_AUTO_TEST_SUITE(vectors)

BOOST_AUTO_TEST_CASE(seeds_give_the_listed_jwk_x) {
  const auto& keys = Vectors().at("keys").as_array();
  BOOST_REQUIRE_GE(keys.size(), 2u);
  for (const auto& k : keys) {
    SigningKey key = KeyFromSeedHex(Str(k.at("seed_hex")));
    BOOST_TEST(Base64UrlEncode(key.PublicKey()) == Str(k.at("jwk").at("x")));
    BOOST_TEST(HexEncode(key.Seed()) == Str(k.at("seed_hex")));
  }
}

BOOST_AUTO_TEST_CASE(jwks_of_the_vector_keys_round_trips) {
  std::vector<PublicJwk> jwks;
  for (const auto& k : Vectors().at("keys").as_array()) {
    jwks.push_back({Str(k.at("kid")), *Base64UrlDecode(Str(k.at("jwk").at("x")))});
  }
  auto parsed = ParseJwks(WriteJwks(jwks));
  BOOST_REQUIRE_MESSAGE(parsed.ok(), parsed.status().ToString());
  BOOST_TEST((*parsed == jwks));
  // The vector's own JWK objects, wrapped as a set, read as well.
  json::array array;
  for (const auto& k : Vectors().at("keys").as_array()) array.push_back(k.at("jwk"));
  auto set = ReadJwks(json::serialize(json::object{{"keys", array}}));
  BOOST_REQUIRE_MESSAGE(set.ok(), set.status().ToString());
  BOOST_TEST(set->size() == jwks.size());
}

BOOST_AUTO_TEST_CASE(valid_tokens_parse_verify_and_rebuild) {
  auto keys = VectorKeys();
  KeySet set = VectorKeySet();
  const auto& valid = Vectors().at("valid").as_array();
  BOOST_REQUIRE_GE(valid.size(), 6u);
  for (const auto& item : valid) {
    const auto& v = item.as_object();
    std::string token = Str(v.at("token"));
    BOOST_TEST_CONTEXT(Str(v.at("note"))) {
      TokenFields expected = FieldsOf(v);
      BOOST_TEST(BuildDigitalId(expected.id) == Str(v.at("digital_id")));
      auto parsed = ParseToken(token);
      BOOST_REQUIRE_MESSAGE(parsed.ok(), parsed.status().ToString());
      BOOST_TEST((parsed->fields == expected));
      BOOST_TEST(parsed->signature.size() == 64u);
      auto verified = VerifyToken(token, set);
      BOOST_REQUIRE_MESSAGE(verified.ok(), verified.status().ToString());
      BOOST_TEST((*verified == expected));
      BOOST_TEST(ValidateTokenFields(expected).ok());
      BOOST_TEST(BuildToken(expected, keys.at(expected.kid)) == token);
      BOOST_TEST(SignedPart(expected) == token.substr(0, token.size() - 96));
      auto split = SplitDigitalId(Str(v.at("digital_id")));
      BOOST_REQUIRE(split.ok());
      BOOST_TEST((*split == expected.id));
    }
  }
}

BOOST_AUTO_TEST_CASE(invalid_tokens_fail_with_the_listed_error) {
  KeySet set = VectorKeySet();
  const auto& invalid = Vectors().at("invalid").as_array();
  BOOST_REQUIRE_GE(invalid.size(), 21u);
  for (const auto& item : invalid) {
    const auto& v = item.as_object();
    BOOST_TEST_CONTEXT(Str(v.at("note"))) {
      auto result = VerifyToken(Str(v.at("token")), set);
      BOOST_TEST(!result.ok());
      BOOST_TEST(result.status().code() == Str(v.at("error")));
      BOOST_TEST(!result.status().message().empty());
      // ParseToken alone agrees on the grammar and field errors and accepts the rest.
      auto parsed = ParseToken(Str(v.at("token")));
      std::string err = Str(v.at("error"));
      if (err == "MALFORMED" || err == "INVALID_FIELD") {
        BOOST_TEST(parsed.status().code() == err);
      } else {
        BOOST_TEST(parsed.ok());
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(uscc_sets) {
  for (const auto& u : Vectors().at("uscc").at("valid").as_array()) {
    BOOST_TEST_CONTEXT(Str(u)) {
      BOOST_TEST(IsValidUscc(Str(u)));
      BOOST_TEST(UsccCheckChar(Str(u).substr(0, 17)) == Str(u)[17]);
    }
  }
  for (const auto& u : Vectors().at("uscc").at("invalid").as_array()) {
    BOOST_TEST_CONTEXT(Str(u)) {
      BOOST_TEST(!IsValidUscc(Str(u)));
      BOOST_TEST(ValidateUscc(Str(u)).code() == "INVALID_USCC");
    }
  }
}

BOOST_AUTO_TEST_CASE(base45_vectors) {
  for (const auto& item : Vectors().at("base45").as_array()) {
    std::string bytes = *HexDecode(Str(item.at("bytes_hex")));
    std::string text = Str(item.at("text"));
    BOOST_TEST_CONTEXT(text) {
      BOOST_TEST(Base45Encode(bytes) == text);
      auto decoded = Base45Decode(text);
      BOOST_REQUIRE(decoded.ok());
      BOOST_TEST(*decoded == bytes);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(properties)

// Random valid fields from a fixed-seed PRNG.
TokenFields RandomFields(std::mt19937_64& rng) {
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  TokenFields f;
  f.kid = pick(0, 1) ? "K1" : "T2";
  std::string first17;
  first17 += kUsccAlphabet[pick(0, 30)];
  first17 += kUsccAlphabet[pick(0, 30)];
  for (int i = 0; i < 6; ++i) first17 += static_cast<char>('0' + pick(0, 9));
  for (int i = 0; i < 9; ++i) first17 += kUsccAlphabet[pick(0, 30)];
  f.id.uscc = first17 + UsccCheckChar(first17);
  int category = 0;
  do {
    category = pick(1, 50);
  } while (IsVacantCategory(category));
  char code[16];
  std::snprintf(code, sizeof code, "%03d%03d%02d", pick(0, 999), pick(0, 999), category);
  f.id.waste_code = code;
  f.id.date = CivilFromDays(pick(0, 40000));
  f.id.serial = pick(1, 999);
  f.mass_g = std::uniform_int_distribution<int64_t>(1, kMaxTokenMassGrams)(rng);
  f.packaging = std::string(PackagingCodes()[pick(0, 7)].code);
  return f;
}

BOOST_AUTO_TEST_CASE(random_fields_sign_and_verify) {
  auto keys = VectorKeys();
  KeySet set = VectorKeySet();
  std::mt19937_64 rng(20261128);
  for (int i = 0; i < 500; ++i) {
    TokenFields f = RandomFields(rng);
    BOOST_REQUIRE_MESSAGE(ValidateTokenFields(f).ok(), ValidateTokenFields(f).ToString());
    std::string token = BuildToken(f, keys.at(f.kid));
    BOOST_TEST(IsQrAlphanumeric(token));
    auto verified = VerifyToken(token, set);
    BOOST_REQUIRE_MESSAGE(verified.ok(), token + " " + verified.status().ToString());
    BOOST_TEST((*verified == f));
  }
}

BOOST_AUTO_TEST_CASE(any_single_character_change_is_rejected) {
  auto keys = VectorKeys();
  KeySet set = VectorKeySet();
  std::mt19937_64 rng(7);
  std::set<std::string> codes_seen;
  const std::string alphabet(kBase45Alphabet);
  for (int t = 0; t < 4; ++t) {
    TokenFields f = RandomFields(rng);
    std::string token = BuildToken(f, keys.at(f.kid));
    BOOST_REQUIRE(VerifyToken(token, set).ok());
    for (size_t pos = 0; pos < token.size(); ++pos) {
      for (int k = 0; k < 3; ++k) {
        std::string altered = token;
        char c;
        do {
          c = alphabet[std::uniform_int_distribution<size_t>(0, alphabet.size() - 1)(rng)];
        } while (c == token[pos]);
        altered[pos] = c;
        auto result = VerifyToken(altered, set);
        BOOST_TEST_CONTEXT("position " << pos << " -> '" << c << "'") {
          BOOST_TEST(!result.ok());
          std::string code = result.status().code();
          BOOST_TEST((code == "MALFORMED" || code == "INVALID_FIELD" || code == "UNKNOWN_KEY" ||
                      code == "BAD_SIGNATURE"));
          codes_seen.insert(code);
        }
      }
      // Dropping or duplicating a character is rejected too.
      std::string shorter = token;
      shorter.erase(pos, 1);
      BOOST_TEST(!VerifyToken(shorter, set).ok());
    }
  }
  // The mutations reach every stage of the verifier.
  BOOST_TEST(codes_seen.size() == 4u);
}

BOOST_AUTO_TEST_CASE(reader_line_endings_are_stripped_spaces_kept) {
  BOOST_TEST(StripLineEnding("WM1:A B\r\n") == "WM1:A B");
  BOOST_TEST(StripLineEnding("x \n\n") == "x ");
  BOOST_TEST(StripLineEnding("") == "");
}

BOOST_AUTO_TEST_CASE(verify_outcome_names_the_claimed_manifest) {
  KeySet set = VectorKeySet();
  // "declared mass changed after signing": fields are reported with BAD_SIGNATURE.
  for (const auto& item : Vectors().at("invalid").as_array()) {
    std::string err = Str(item.at("error"));
    VerifyOutcome outcome = Verify(Str(item.at("token")), set);
    BOOST_TEST(outcome.status.code() == err);
    BOOST_TEST(outcome.fields.has_value() == (err != "MALFORMED"));
  }
}

BOOST_AUTO_TEST_CASE(validate_fields_before_signing) {
  std::mt19937_64 rng(1);
  TokenFields f = RandomFields(rng);
  BOOST_TEST(ValidateTokenFields(f).ok());
  TokenFields g = f;
  g.kid = "k1";
  BOOST_TEST(ValidateTokenFields(g).code() == "MALFORMED");
  g = f;
  g.mass_g = 0;
  BOOST_TEST(ValidateTokenFields(g).code() == "MALFORMED");
  g = f;
  g.mass_g = kMaxTokenMassGrams + 1;
  BOOST_TEST(ValidateTokenFields(g).code() == "INVALID_FIELD");
  g = f;
  g.packaging = "ZZ";
  BOOST_TEST(ValidateTokenFields(g).code() == "INVALID_FIELD");
  g = f;
  g.id.serial = 0;
  BOOST_TEST(ValidateTokenFields(g).code() == "INVALID_FIELD");
  g = f;
  g.id.uscc = "91/31000MA2H0A1B3E";
  BOOST_TEST(ValidateTokenFields(g).code() == "MALFORMED");
}

BOOST_AUTO_TEST_CASE(first_failure_wins_in_the_stated_order) {
  KeySet set = VectorKeySet();
  const std::string sig(
      Vectors().at("valid").as_array()[0].at("token").as_string().subview().substr(
          kWm1Prefix.size() + 3 + 37 + 1 + 7 + 1 + 3));
  BOOST_REQUIRE(sig.size() == 96u);
  const std::string id_bad_serial = "91331000MA2H0A1B3E7720021820261128000";
  const std::string id_ok = "91331000MA2H0A1B3E7720021820261128001";
  auto code = [&](const std::string& signed_part) {
    return VerifyToken(signed_part + sig, set).status().code();
  };
  // Grammar (leading zero in mass) beats a field rule (serial 000).
  BOOST_TEST(code("WM1:K1/" + id_bad_serial + "/01/TB/") == "MALFORMED");
  // A field rule beats an unknown key.
  BOOST_TEST(code("WM1:K9/" + id_bad_serial + "/1/TB/") == "INVALID_FIELD");
  // An unknown key beats a bad signature.
  BOOST_TEST(code("WM1:K9/" + id_ok + "/1/TB/") == "UNKNOWN_KEY");
  BOOST_TEST(code("WM1:K1/" + id_ok + "/1/TB/") == "BAD_SIGNATURE");
  // Grammar corner cases.
  BOOST_TEST(code("WM1:K1/" + id_ok + "/123456789/TB/") == "MALFORMED");  // 9 digits
  BOOST_TEST(code("WM1:K1/" + id_ok + "/99999999/TB/") == "INVALID_FIELD");
  BOOST_TEST(code("WM1:K123456789/" + id_ok + "/1/TB/") == "MALFORMED");
  BOOST_TEST(code("WM1:K1/" + id_ok + "/1/T/") == "MALFORMED");
  BOOST_TEST(code("WM1:K1/" + id_ok + "/1/TB") == "MALFORMED");
  BOOST_TEST(code("WM1:K1/" + id_ok + "/1/") == "MALFORMED");
  BOOST_TEST(code("WM1:K1/" + id_ok.substr(1) + "/1/TB/") == "MALFORMED");
  BOOST_TEST(code("WM1:K1/" + id_ok + "/1/TB/ ") == "MALFORMED");  // 97 trailing chars
  BOOST_TEST(code("WM1:K1/" + id_ok.substr(0, 17) + "$" + id_ok.substr(18) + "/1/TB/") ==
             "INVALID_FIELD");  // a QR character outside the USCC alphabet
  BOOST_TEST(VerifyToken("", set).status().code() == "MALFORMED");
  BOOST_TEST(VerifyToken(sig, set).status().code() == "MALFORMED");
}

BOOST_AUTO_TEST_CASE(packaging_table) {
  BOOST_TEST(PackagingCodes().size() == 8u);
  BOOST_TEST(FindPackaging("TB")->chinese == "吨袋");
  BOOST_TEST(FindPackaging("IB")->chinese == "中型散装容器");
  BOOST_TEST(FindPackaging("OT")->chinese == "其他");
  BOOST_TEST(FindPackaging("ZZ") == nullptr);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace cradle
