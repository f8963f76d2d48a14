// WT1 transfer tokens (docs/transfer-token.md) against the committed vectors in
// tests/vectors/transfer-token.json: every valid token verifies to its fields and is rebuilt
// byte for byte from them; every invalid one gives its error; a label token and a transfer
// token are never taken for each other.
#define BOOST_TEST_MODULE core_transfer_token
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <map>

#include "core/hex.h"
#include "core/jwks.h"
#include "core/transfer_token.h"
#include "core/wm1.h"
#include "tests/unit/core/read_file.h"

namespace cradle {
namespace {

namespace json = boost::json;

const json::object& Vectors() {
  static const json::value v = [] {
    std::string text = testing::ReadFile(CRADLE_SOURCE_DIR "/tests/vectors/transfer-token.json");
    BOOST_REQUIRE_MESSAGE(!text.empty(), "cannot read tests/vectors/transfer-token.json");
    return json::parse(text);
  }();
  return v.as_object();
}

std::string Str(const json::value& v, const char* name) {
  return std::string(v.at(name).as_string());
}

KeySet Keys() {
  json::array keys;
  for (const auto& k : Vectors().at("keys").as_array()) keys.push_back(k.at("jwk"));
  Result<KeySet> set = ReadJwks(json::serialize(json::object{{"keys", keys}}));
  BOOST_REQUIRE_MESSAGE(set.ok(), set.status().ToString());
  return *set;
}

SigningKey Key(const std::string& kid) {
  for (const auto& k : Vectors().at("keys").as_array()) {
    if (Str(k, "kid") == kid) return *SigningKey::FromSeed(*HexDecode(Str(k, "seed")));
  }
  BOOST_FAIL("no key " + kid);
  std::abort();
}

TransferTokenFields FieldsOf(const json::value& v) {
  TransferTokenFields f;
  f.kid = Str(v, "kid");
  f.number = Str(v, "number");
  f.sender = Str(v, "sender");
  f.carrier = Str(v, "carrier");
  f.receiver = Str(v, "receiver");
  f.vehicle = Str(v, "vehicle");
  f.date = *ParseIsoDate(Str(v, "date"));
  for (const auto& l : v.at("lines").as_array()) {
    f.lines.push_back({Str(l, "waste_code"), l.at("count").to_number<int64_t>(),
                       l.at("mass_g").to_number<int64_t>()});
  }
  f.containers = v.at("containers").to_number<int64_t>();
  f.issued_at = *ParseRfc3339(Str(v, "issued_at")) / kMicrosPerSecond;
  return f;
}

BOOST_AUTO_TEST_CASE(valid_vectors_verify_and_rebuild_byte_for_byte) {
  const KeySet keys = Keys();
  const auto& valid = Vectors().at("valid").as_array();
  BOOST_REQUIRE_GE(valid.size(), 4u);
  for (const auto& v : valid) {
    const std::string token = Str(v, "token");
    const TransferTokenFields want = FieldsOf(v.at("fields"));
    BOOST_TEST_CONTEXT(Str(v, "note")) {
      Result<TransferTokenFields> got = VerifyTransferToken(token, keys);
      BOOST_REQUIRE_MESSAGE(got.ok(), got.status().ToString());
      BOOST_CHECK(*got == want);
      BOOST_CHECK(IsQrAlphanumeric(token));
      BOOST_CHECK(IsTransferToken(token));
      Result<std::string> rebuilt = BuildTransferToken(want, Key(want.kid));
      BOOST_REQUIRE(rebuilt.ok());
      BOOST_CHECK_EQUAL(*rebuilt, token);
      // Never a label: the label verifier refuses it at the grammar.
      BOOST_CHECK_EQUAL(Verify(token, keys).status.code(), "MALFORMED");
    }
  }
}

BOOST_AUTO_TEST_CASE(invalid_vectors_give_their_error) {
  const KeySet keys = Keys();
  const auto& invalid = Vectors().at("invalid").as_array();
  std::map<std::string, int> per_code;
  for (const auto& v : invalid) {
    BOOST_TEST_CONTEXT(Str(v, "note") << ": " << Str(v, "token")) {
      Result<TransferTokenFields> got = VerifyTransferToken(Str(v, "token"), keys);
      BOOST_REQUIRE(!got.ok());
      BOOST_CHECK_EQUAL(got.status().code(), Str(v, "error"));
      ++per_code[Str(v, "error")];
    }
  }
  for (const char* code : {"MALFORMED", "INVALID_FIELD", "UNKNOWN_KEY", "BAD_SIGNATURE"}) {
    BOOST_CHECK_MESSAGE(per_code[code] > 0, "no vector for " << code);
  }
}

TransferTokenFields Sample() {
  TransferTokenFields f = FieldsOf(Vectors().at("valid").as_array()[0].at("fields"));
  return f;
}

BOOST_AUTO_TEST_CASE(issuer_refuses_fields_no_verifier_accepts) {
  const SigningKey key = Key("K1");
  auto code_of = [&](TransferTokenFields f) {
    Result<std::string> t = BuildTransferToken(f, key);
    return t.ok() ? std::string("OK") : t.status().code();
  };
  BOOST_CHECK_EQUAL(code_of(Sample()), "OK");
  TransferTokenFields f = Sample();
  f.lines.push_back({"261-151-50", 1, 10});  // not sorted, containers stale
  BOOST_CHECK_EQUAL(code_of(f), "MALFORMED");
  BOOST_CHECK_EQUAL(code_of(CanonicalTransferFields(f)), "OK");
  f = Sample();
  f.containers = 99;
  BOOST_CHECK_EQUAL(code_of(f), "INVALID_FIELD");
  f = Sample();
  f.kid = "k1";
  BOOST_CHECK_EQUAL(code_of(f), "MALFORMED");
  f = Sample();
  f.vehicle = "";
  BOOST_CHECK_EQUAL(code_of(f), "MALFORMED");
  f = Sample();
  f.vehicle = "浙J12345浙J12345浙J12345";  // 24 characters
  BOOST_CHECK_EQUAL(code_of(f), "INVALID_FIELD");
  f = Sample();
  f.lines = {};
  BOOST_CHECK_EQUAL(code_of(CanonicalTransferFields(f)), "MALFORMED");
  f = Sample();
  f.lines[0].waste_code = "77200218";  // the compact shape is not the field's spelling
  BOOST_CHECK_EQUAL(code_of(f), "MALFORMED");
  f = Sample();
  f.receiver = "a/b";  // would be a field separator: encoded, then refused as no facility id
  BOOST_CHECK_EQUAL(code_of(f), "INVALID_FIELD");
}

BOOST_AUTO_TEST_CASE(any_changed_character_is_caught) {
  const KeySet keys = Keys();
  const std::string token = Str(Vectors().at("valid").as_array()[0], "token");
  // Every position, every alphanumeric replacement: never a genuine other token.
  const std::string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
  for (size_t i = 0; i < token.size(); ++i) {
    for (char c : alphabet) {
      if (c == token[i]) continue;
      std::string changed = token;
      changed[i] = c;
      BOOST_REQUIRE_MESSAGE(!VerifyTransferToken(changed, keys).ok(), "accepted a change at " << i);
    }
  }
}

BOOST_AUTO_TEST_CASE(percent_encoding_round_trip) {
  BOOST_CHECK_EQUAL(PercentEncodeTokenText("浙J12345"), "%E6%B5%99J12345");
  BOOST_CHECK_EQUAL(PercentEncodeTokenText("fac_1/A.-"), "%66%61%63%5F1%2FA.-");
}

}  // namespace
}  // namespace cradle
