// `cradle-scan verify-transfer`: an inspector's handheld checks a transfer token offline
// against the key set it fetched from the real server. The token is signed with the server's
// own active key, read from its data directory the way the server keeps it (<data>/keys/);
// the server is stopped before the check, so nothing but the cached JWK Set is involved.
#define BOOST_TEST_MODULE blackbox_scanner_verify_transfer
#include <boost/test/unit_test.hpp>

#include "core/hex.h"
#include "core/transfer_token.h"
#include "tests/blackbox/scanner_harness.h"

namespace cradle::testing {

BOOST_AUTO_TEST_CASE(genuine_forged_and_unknown_transfer_tokens_offline) {
  ServerProcess server;
  BOOST_REQUIRE_MESSAGE(server.Start().ok(), "server start");
  const Deployment d = SetUpDeployment(server);
  ScannerCli inspector("scanner-c2");
  BOOST_REQUIRE(inspector.Enroll(server, d).rc == 0);
  BOOST_REQUIRE(server.Stop() == 0);  // offline from here

  std::ifstream active_file(server.data_dir() + "/keys/active");
  std::string kid;
  active_file >> kid;
  BOOST_REQUIRE(!kid.empty());
  std::ifstream seed_file(server.data_dir() + "/keys/" + kid + ".key");
  std::string seed_hex;
  seed_file >> seed_hex;
  auto seed = HexDecode(seed_hex);
  BOOST_REQUIRE(seed.ok());
  auto key = SigningKey::FromSeed(*seed);
  BOOST_REQUIRE(key.ok());

  TransferTokenFields f;
  f.kid = kid;
  f.number = "20263310000042";
  f.sender = d.producer;
  f.carrier = d.collector;
  f.receiver = "FAC-F";
  f.vehicle = "浙J12345";
  f.date = {2026, 12, 3};
  f.lines = {{"772-002-18", 12, 15'000'000}, {"900-041-49", 2, 40'500}};
  f.issued_at = DaysFromCivil({2026, 12, 3}) * 86400 + 3600;
  f = CanonicalTransferFields(f);
  auto token = BuildTransferToken(f, *key);
  BOOST_REQUIRE_MESSAGE(token.ok(), token.status().ToString());

  // Tokens hold spaces and '$' (base45): quoted for the shell.
  auto verify = [&](const std::string& t) { return inspector.Run("verify-transfer '" + t + "'"); };
  CliRun genuine = verify(*token);
  BOOST_TEST_MESSAGE(genuine.out);
  BOOST_TEST(genuine.rc == 0, genuine.out);
  BOOST_TEST(genuine.Has("GENUINE transfer 20263310000042"), genuine.out);
  BOOST_TEST(genuine.Has("vehicle  浙J12345"), genuine.out);
  BOOST_TEST(genuine.Has("carrier " + d.collector), genuine.out);
  BOOST_TEST(genuine.Has("containers 14"), genuine.out);
  BOOST_TEST(genuine.Has("772-002-18  12 containers  15000 kg declared"), genuine.out);

  std::string altered = *token;
  altered.replace(altered.find("*12*"), 4, "*11*");
  altered.replace(altered.find("/14/"), 4, "/13/");
  CliRun forged = verify(altered);
  BOOST_TEST(forged.rc == 1, forged.out);
  BOOST_TEST(forged.Has("BAD_SIGNATURE"), forged.out);

  // A key the deployment never published (a forger's own).
  auto other = SigningKey::FromSeed(std::string(32, '\x07'));
  TransferTokenFields g = f;
  g.kid = "K9";
  CliRun unknown = verify(*BuildTransferToken(g, *other));
  BOOST_TEST(unknown.rc == 1, unknown.out);
  BOOST_TEST(unknown.Has("UNKNOWN_KEY"), unknown.out);

  CliRun garbage = verify("WT1:nonsense");
  BOOST_TEST(garbage.rc == 1, garbage.out);
  BOOST_TEST(garbage.Has("MALFORMED"), garbage.out);

  ScannerCli fresh("never-enrolled");
  BOOST_TEST(fresh.Run("verify-transfer '" + *token + "'").rc == 2);
}

}  // namespace cradle::testing
