// API tokens, their hashes, constant-time comparison and secret files (server/pki/secrets.h).
#define BOOST_TEST_MODULE pki_secrets_test
#include <boost/test/unit_test.hpp>

#include <set>

#include "server/pki/secrets.h"
#include "tests/unit/pki/pki_test_util.h"

namespace cradle::pki {
namespace {

using testing::FileMode;
using testing::ScratchDir;

BOOST_AUTO_TEST_CASE(tokens_are_prefixed_base64url_and_distinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string token = NewApiToken();
    BOOST_REQUIRE(token.size() == 4u + 43u);  // 32 bytes -> 43 base64url characters
    BOOST_TEST(token.rfind("crd_", 0) == 0u);
    for (char c : token.substr(4))
      BOOST_TEST((std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'));
    seen.insert(token);
  }
  BOOST_TEST(seen.size() == 200u);
}

BOOST_AUTO_TEST_CASE(hash_is_sha256_hex) {
  // FIPS 180-2 test vector.
  BOOST_TEST(HashApiToken("abc") ==
             "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  BOOST_TEST(HashApiToken("") ==
             "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const std::string token = NewApiToken();
  BOOST_TEST(HashApiToken(token) == HashApiToken(token));
  BOOST_TEST(HashApiToken(token) != HashApiToken(token + "x"));
}

BOOST_AUTO_TEST_CASE(constant_time_equals) {
  BOOST_TEST(ConstantTimeEquals("", ""));
  BOOST_TEST(ConstantTimeEquals("abc", "abc"));
  BOOST_TEST(!ConstantTimeEquals("abc", "abd"));
  BOOST_TEST(!ConstantTimeEquals("abc", "ab"));
  BOOST_TEST(!ConstantTimeEquals("xbc", "abc"));
  BOOST_TEST(!ConstantTimeEquals(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
}

BOOST_AUTO_TEST_CASE(secret_files_are_0600_exclusive_and_complete) {
  ScratchDir dir;
  const std::string path = dir / "admin.token";
  const Status first = WriteSecretFile(path, "crd_secret\n");
  BOOST_REQUIRE_MESSAGE(first.ok(), first.ToString());
  BOOST_TEST(FileMode(path) == 0600);
  BOOST_TEST(*ReadFileToString(path) == "crd_secret\n");

  const Status second = WriteSecretFile(path, "other");
  BOOST_TEST(second.code() == "ALREADY_EXISTS");
  BOOST_TEST(*ReadFileToString(path) == "crd_secret\n");
  // No temporary file is left behind.
  BOOST_TEST(std::distance(std::filesystem::directory_iterator(dir.path()),
                           std::filesystem::directory_iterator()) == 1);
}

BOOST_AUTO_TEST_CASE(secret_file_mode_ignores_a_permissive_umask) {
  ScratchDir dir;
  const mode_t old = ::umask(0);
  const Status s = WriteSecretFile(dir / "k", "x");
  ::umask(old);
  BOOST_REQUIRE(s.ok());
  BOOST_TEST(FileMode(dir / "k") == 0600);
}

BOOST_AUTO_TEST_CASE(write_errors_are_values) {
  BOOST_TEST(WriteSecretFile("/nonexistent-dir/x", "x").code() == "IO_ERROR");
  BOOST_TEST(ReadFileToString("/nonexistent-dir/x").status().code() == "NOT_FOUND");
}

BOOST_AUTO_TEST_CASE(public_files_replace_atomically) {
  ScratchDir dir;
  BOOST_REQUIRE(WritePublicFile(dir / "ca.crt", "one").ok());
  BOOST_REQUIRE(WritePublicFile(dir / "ca.crt", "two").ok());
  BOOST_TEST(*ReadFileToString(dir / "ca.crt") == "two");
  BOOST_TEST(FileMode(dir / "ca.crt") == 0644);
}

}  // namespace
}  // namespace cradle::pki
