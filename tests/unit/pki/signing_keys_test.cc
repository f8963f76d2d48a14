// The label-signing key store (server/pki/signing_keys.h) over real files, checked with the
// core WM1 signer and verifier and the published JWK Set.
#define BOOST_TEST_MODULE pki_signing_keys_test
#include <boost/test/unit_test.hpp>

#include <fstream>

#include "core/hex.h"
#include "core/jwks.h"
#include "core/wm1.h"
#include "server/pki/secrets.h"
#include "server/pki/signing_keys.h"
#include "tests/unit/pki/pki_test_util.h"

namespace cradle::pki {
namespace {

using testing::FileMode;
using testing::ScratchDir;

// A genuine token from shared/spec/vectors/wm1.json, for its fields.
constexpr char kVectorToken[] =
    "WM1:K1/91331000MA2H0A1B3E7720021820261128001/1250500/TB/"
    "7+G6H7L0H$E5RCI+$G6P4KOH0DABO2$0PQ8ARHMFAPZ76RROTCD9QA+S1AK8FQ9JUP$L1S2KPB9RYJ7CTJZNQDMTY7U"
    "VNJAK";

std::unique_ptr<SigningKeyStore> Open(const std::string& dir) {
  auto store = SigningKeyStore::LoadOrCreate(dir);
  BOOST_REQUIRE_MESSAGE(store.ok(), store.status().ToString());
  return std::move(*store);
}

// A WM1 token for the vector's fields, signed by the store's active key.
std::string SignToken(const SigningKeyStore& store) {
  Result<ParsedToken> parsed = ParseToken(kVectorToken);
  BOOST_REQUIRE_MESSAGE(parsed.ok(), parsed.status().ToString());
  TokenFields fields = parsed->fields;
  const SigningKeyStore::ActiveKey active = store.Active();
  fields.kid = active.kid;
  return BuildToken(fields, active.key);
}

BOOST_AUTO_TEST_CASE(first_use_creates_k1_privately) {
  ScratchDir dir;
  auto store = Open(dir / "keys");
  BOOST_TEST(store->ActiveKid() == "K1");
  BOOST_TEST(FileMode(dir / "keys") == 0700);
  BOOST_TEST(FileMode(dir / "keys/K1.key") == 0600);
  const Result<std::string> text = ReadFileToString(dir / "keys/K1.key");
  BOOST_TEST(text->size() == 65u);  // 64 hex digits and a newline
  BOOST_TEST(*ReadFileToString(dir / "keys/active") == "K1\n");
  BOOST_TEST(store->PublicKeys().size() == 1u);
}

BOOST_AUTO_TEST_CASE(reload_gives_the_same_key) {
  ScratchDir dir;
  const std::string public_key = Open(dir / "keys")->Active().key.PublicKey();
  auto again = Open(dir / "keys");
  BOOST_TEST(again->ActiveKid() == "K1");
  BOOST_TEST(again->Active().key.PublicKey() == public_key);
  BOOST_TEST(again->PublicKeys().size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_known_seed_loads_to_its_known_public_key) {
  // Vector key K1 from wm1.json: seed and the JWK "x" it must publish.
  ScratchDir dir;
  BOOST_REQUIRE(::mkdir((dir / "keys").c_str(), 0700) == 0);
  BOOST_REQUIRE(
      WriteSecretFile(dir / "keys/K1.key",
                      "0761a41b52d375a2aecdac4b379d496fd81c6fb0d5106cd5401805c64b2b864b\n")
          .ok());
  BOOST_REQUIRE(WritePublicFile(dir / "keys/active", "K1\n").ok());
  auto store = Open(dir / "keys");
  BOOST_TEST(store->Jwks().find("\"x\":\"iyf-D4Qr6p18pdvNjGDFMNWd5C3ziwP46FOJ3OTJufw\"") !=
             std::string::npos);
  // And it signs the vector token bit for bit.
  BOOST_TEST(SignToken(*store) == kVectorToken);
}

BOOST_AUTO_TEST_CASE(rotate_publishes_both_and_old_tokens_keep_verifying) {
  ScratchDir dir;
  auto store = Open(dir / "keys");
  const std::string k1_token = SignToken(*store);

  Result<std::string> kid = store->Rotate();
  BOOST_REQUIRE_MESSAGE(kid.ok(), kid.status().ToString());
  BOOST_TEST(*kid == "K2");
  BOOST_TEST(store->ActiveKid() == "K2");
  BOOST_TEST(FileMode(dir / "keys/K2.key") == 0600);
  const std::string k2_token = SignToken(*store);
  BOOST_TEST(k2_token.rfind("WM1:K2/", 0) == 0u);

  // What a scanner does: parse the published JWK Set and verify offline.
  Result<KeySet> published = ReadJwks(store->Jwks());
  BOOST_REQUIRE_MESSAGE(published.ok(), published.status().ToString());
  BOOST_TEST(published->size() == 2u);
  BOOST_TEST(VerifyToken(k1_token, *published).ok());
  BOOST_TEST(VerifyToken(k2_token, *published).ok());

  // The rotation survives a restart.
  auto reloaded = Open(dir / "keys");
  BOOST_TEST(reloaded->ActiveKid() == "K2");
  BOOST_TEST((reloaded->PublicKeys() == store->PublicKeys()));
  Result<KeySet> after_restart = ReadJwks(reloaded->Jwks());
  BOOST_TEST(VerifyToken(k1_token, *after_restart).ok());

  // A set holding only K2 rejects the K1 token: the published K1 is what makes it verify.
  KeySet only_k2;
  BOOST_REQUIRE(only_k2.AddRaw("K2", reloaded->Active().key.PublicKey()).ok());
  BOOST_TEST(VerifyToken(k1_token, only_k2).status().code() == "UNKNOWN_KEY");
}

BOOST_AUTO_TEST_CASE(kids_continue_past_nine_in_numeric_order) {
  ScratchDir dir;
  auto store = Open(dir / "keys");
  for (int i = 2; i <= 11; ++i) BOOST_REQUIRE(*store->Rotate() == "K" + std::to_string(i));
  const std::vector<PublicJwk> keys = store->PublicKeys();
  BOOST_REQUIRE(keys.size() == 11u);
  BOOST_TEST(keys[8].kid == "K9");
  BOOST_TEST(keys[9].kid == "K10");
  BOOST_TEST(Open(dir / "keys")->ActiveKid() == "K11");
}

BOOST_AUTO_TEST_CASE(refuses_key_files_readable_by_others) {
  ScratchDir dir;
  Open(dir / "keys");
  for (mode_t mode : {0644, 0640, 0604, 0660}) {
    BOOST_REQUIRE(::chmod((dir / "keys/K1.key").c_str(), mode) == 0);
    auto store = SigningKeyStore::LoadOrCreate(dir / "keys");
    BOOST_REQUIRE(!store.ok());
    BOOST_TEST(store.status().code() == "INSECURE_PERMISSIONS");
    BOOST_TEST(store.status().message().find("K1.key") != std::string::npos);
    BOOST_TEST(store.status().message().find("chmod 600") != std::string::npos);
  }
  BOOST_REQUIRE(::chmod((dir / "keys/K1.key").c_str(), 0600) == 0);
  BOOST_TEST(SigningKeyStore::LoadOrCreate(dir / "keys").ok());
}

BOOST_AUTO_TEST_CASE(refuses_a_directory_others_can_write) {
  ScratchDir dir;
  Open(dir / "keys");
  BOOST_REQUIRE(::chmod((dir / "keys").c_str(), 0777) == 0);
  BOOST_TEST(SigningKeyStore::LoadOrCreate(dir / "keys").status().code() == "INSECURE_PERMISSIONS");
}

BOOST_AUTO_TEST_CASE(inconsistent_directories_are_refused) {
  ScratchDir dir;
  Open(dir / "keys");
  BOOST_REQUIRE(WritePublicFile(dir / "keys/active", "K7\n", 0600).ok());
  auto missing = SigningKeyStore::LoadOrCreate(dir / "keys");
  BOOST_TEST(missing.status().code() == "KEY_STORE_CORRUPT");
  BOOST_TEST(missing.status().message().find("K7") != std::string::npos);

  ScratchDir bad_seed;
  BOOST_REQUIRE(::mkdir((bad_seed / "keys").c_str(), 0700) == 0);
  BOOST_REQUIRE(WriteSecretFile(bad_seed / "keys/K1.key", "abcd\n").ok());
  BOOST_TEST(SigningKeyStore::LoadOrCreate(bad_seed / "keys").status().code() ==
             "KEY_STORE_CORRUPT");

  ScratchDir bad_name;
  BOOST_REQUIRE(::mkdir((bad_name / "keys").c_str(), 0700) == 0);
  BOOST_REQUIRE(WriteSecretFile(bad_name / "keys/k1.key", std::string(64, 'a')).ok());
  BOOST_TEST(SigningKeyStore::LoadOrCreate(bad_name / "keys").status().code() ==
             "KEY_STORE_CORRUPT");
}

BOOST_AUTO_TEST_CASE(interrupted_first_start_is_finished) {
  ScratchDir dir;
  Open(dir / "keys");
  BOOST_REQUIRE(::unlink((dir / "keys/active").c_str()) == 0);
  BOOST_TEST(Open(dir / "keys")->ActiveKid() == "K1");
}

}  // namespace
}  // namespace cradle::pki
