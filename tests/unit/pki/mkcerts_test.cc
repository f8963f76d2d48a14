// certs/mkcerts.sh (the openssl CLI route) makes files that verify like the C++ ones, and that
// the C++ code accepts as a CA.
#define BOOST_TEST_MODULE pki_mkcerts_test
#include <boost/test/unit_test.hpp>

#include "server/pki/certs.h"
#include "server/pki/secrets.h"
#include "tests/unit/pki/pki_test_util.h"

namespace cradle::pki {
namespace {

using testing::FileMode;
using testing::Run;
using testing::ScratchDir;
using testing::VerifyChain;

const std::string kScript = std::string(CRADLE_SOURCE_DIR) + "/certs/mkcerts.sh";

int Mkcerts(const std::string& args) { return Run("bash " + kScript + " " + args); }

struct ScriptCa {
  ScriptCa() {
    BOOST_REQUIRE(!dir.path().empty());
    BOOST_REQUIRE(Mkcerts("ca " + dir.path()) == 0);
  }
  std::string ca() const { return dir / "ca.crt"; }
  ScratchDir dir;
};

BOOST_FIXTURE_TEST_SUITE(mkcerts, ScriptCa)

BOOST_AUTO_TEST_CASE(ca_is_a_ca_with_private_key) {
  testing::X509Ptr cert = testing::LoadCert(ca());
  BOOST_REQUIRE(cert);
  BOOST_TEST(X509_check_ca(cert.get()) >= 1);
  BOOST_TEST(FileMode(dir / "ca.key") == 0600);
  BOOST_TEST(FileMode(dir / "ca.crt") == 0644);
  BOOST_TEST(Mkcerts("ca " + dir.path()) == 2);  // refuses to overwrite the key
}

BOOST_AUTO_TEST_CASE(server_cert_verifies_and_names_hosts) {
  BOOST_REQUIRE(Mkcerts("server " + dir.path() + " localhost 127.0.0.1") == 0);
  BOOST_TEST(VerifyChain(ca(), dir / "server.crt", X509_PURPOSE_SSL_SERVER) == 0);
  BOOST_TEST(VerifyChain(ca(), dir / "server.crt", X509_PURPOSE_SSL_CLIENT) ==
             X509_V_ERR_INVALID_PURPOSE);
  const std::vector<std::string> expected = {"DNS:localhost", "IP:127.0.0.1"};
  BOOST_TEST(testing::SubjectAltNames(dir / "server.crt") == expected,
             boost::test_tools::per_element());
  BOOST_TEST(FileMode(dir / "server.key") == 0600);

  testing::TlsSetup setup{dir / "server.crt", dir / "server.key", ca(), "127.0.0.1", "", "", ""};
  const testing::TlsOutcome outcome = testing::Handshake(setup);
  BOOST_TEST(outcome.handshake_ok, outcome.error);
}

BOOST_AUTO_TEST_CASE(device_cert_verifies_for_clients_only_and_against_its_ca_only) {
  BOOST_REQUIRE(Mkcerts("device " + dir.path() + " SCN-0042") == 0);
  const std::string crt = dir / "devices/SCN-0042.crt";
  BOOST_TEST(*SubjectCn(*ReadFileToString(crt)) == "SCN-0042");
  BOOST_TEST(VerifyChain(ca(), crt, X509_PURPOSE_SSL_CLIENT) == 0);
  BOOST_TEST(VerifyChain(ca(), crt, X509_PURPOSE_SSL_SERVER) == X509_V_ERR_INVALID_PURPOSE);
  BOOST_TEST(FileMode(dir / "devices/SCN-0042.key") == 0600);

  ScratchDir other;
  BOOST_REQUIRE(CreateDevCa(other.path()).ok());
  BOOST_TEST(VerifyChain(other / "ca.crt", crt, X509_PURPOSE_SSL_CLIENT) != 0);
}

BOOST_AUTO_TEST_CASE(bad_arguments_are_refused) {
  BOOST_TEST(Mkcerts("device " + dir.path() + " ../evil") == 2);
  BOOST_TEST(Mkcerts("device " + dir.path() + " '" + std::string(65, 'a') + "'") == 2);
  BOOST_TEST(Mkcerts("server " + dir.path() + " 'bad host'") == 2);
  BOOST_TEST(Mkcerts("bogus") == 2);
  BOOST_TEST(FileMode(dir / "devices") == -1);
}

BOOST_AUTO_TEST_CASE(cpp_issues_from_a_script_ca_and_the_reverse) {
  // C++ device certificate from the script's CA.
  BOOST_REQUIRE(IssueDeviceCert(dir.path(), "SCN-9", dir / "cpp").ok());
  BOOST_TEST(VerifyChain(ca(), dir / "cpp/SCN-9.crt", X509_PURPOSE_SSL_CLIENT) == 0);
  // Script device certificate from a C++ CA, into an explicit output directory.
  ScratchDir cpp_ca;
  BOOST_REQUIRE(CreateDevCa(cpp_ca.path()).ok());
  BOOST_REQUIRE(Mkcerts("device " + cpp_ca.path() + " SCN-10 " + (cpp_ca / "out")) == 0);
  BOOST_TEST(VerifyChain(cpp_ca / "ca.crt", cpp_ca / "out/SCN-10.crt", X509_PURPOSE_SSL_CLIENT) ==
             0);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace cradle::pki
