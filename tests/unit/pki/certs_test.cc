// The dev CA, server and device certificates made by server/pki/certs.h, checked with
// OpenSSL's verifier, a real TLS handshake, and the openssl CLI.
#define BOOST_TEST_MODULE pki_certs_test
#include <boost/test/unit_test.hpp>

#include "server/pki/certs.h"
#include "server/pki/secrets.h"
#include "tests/unit/pki/pki_test_util.h"

namespace cradle::pki {
namespace {

using testing::FileMode;
using testing::Handshake;
using testing::Run;
using testing::ScratchDir;
using testing::TlsSetup;
using testing::VerifyChain;

// A CA with a localhost server certificate in one scratch directory.
struct CaFixture {
  CaFixture() {
    BOOST_REQUIRE(!dir.path().empty());
    const Status ca = CreateDevCa(dir / "ca");
    BOOST_REQUIRE_MESSAGE(ca.ok(), ca.ToString());
    const Status server = IssueServerCert(dir / "ca", dir / "server.crt", dir / "server.key");
    BOOST_REQUIRE_MESSAGE(server.ok(), server.ToString());
  }
  std::string ca() const { return dir / "ca/ca.crt"; }
  ScratchDir dir;
};

BOOST_FIXTURE_TEST_SUITE(server_certificate, CaFixture)

BOOST_AUTO_TEST_CASE(chain_verifies_for_server_purpose) {
  BOOST_TEST(VerifyChain(ca(), dir / "server.crt", X509_PURPOSE_SSL_SERVER) == 0);
  // EKU serverAuth only: not usable as a client certificate.
  BOOST_TEST(VerifyChain(ca(), dir / "server.crt", X509_PURPOSE_SSL_CLIENT) ==
             X509_V_ERR_INVALID_PURPOSE);
}

BOOST_AUTO_TEST_CASE(ca_is_a_ca_and_self_verifies) {
  testing::X509Ptr ca_cert = testing::LoadCert(ca());
  BOOST_REQUIRE(ca_cert);
  BOOST_TEST(X509_check_ca(ca_cert.get()) >= 1);
  BOOST_TEST((X509_get_key_usage(ca_cert.get()) & (KU_KEY_CERT_SIGN | KU_CRL_SIGN)) ==
             static_cast<uint32_t>(KU_KEY_CERT_SIGN | KU_CRL_SIGN));
  for (int nid : {NID_basic_constraints, NID_key_usage}) {
    const int index = X509_get_ext_by_NID(ca_cert.get(), nid, -1);
    BOOST_REQUIRE(index >= 0);
    BOOST_TEST(X509_EXTENSION_get_critical(X509_get_ext(ca_cert.get(), index)) == 1);
  }
  BOOST_TEST(VerifyChain(ca(), ca(), X509_PURPOSE_ANY) == 0);
  // Ten years, give or take the backdating.
  int days = 0, seconds = 0;
  BOOST_REQUIRE(ASN1_TIME_diff(&days, &seconds, X509_get0_notBefore(ca_cert.get()),
                               X509_get0_notAfter(ca_cert.get())));
  BOOST_TEST(days == 3650);
}

BOOST_AUTO_TEST_CASE(serials_are_random_and_128_bits) {
  testing::X509Ptr a = testing::LoadCert(ca());
  testing::X509Ptr b = testing::LoadCert(dir / "server.crt");
  BIGNUM* sa = ASN1_INTEGER_to_BN(X509_get0_serialNumber(a.get()), nullptr);
  BIGNUM* sb = ASN1_INTEGER_to_BN(X509_get0_serialNumber(b.get()), nullptr);
  BOOST_TEST(BN_cmp(sa, sb) != 0);
  BOOST_TEST(BN_num_bits(sa) <= 128);
  BOOST_TEST(BN_num_bits(sa) > 64);  // fails with probability 2^-64
  BN_free(sa);
  BN_free(sb);
}

BOOST_AUTO_TEST_CASE(san_holds_localhost_and_loopback) {
  const std::vector<std::string> sans = testing::SubjectAltNames(dir / "server.crt");
  const std::vector<std::string> expected = {"DNS:localhost", "IP:127.0.0.1"};
  BOOST_TEST(sans == expected, boost::test_tools::per_element());
  Result<std::string> pem = ReadFileToString(dir / "server.crt");
  BOOST_REQUIRE(pem.ok());
  BOOST_TEST(*SubjectCn(*pem) == "localhost");
}

BOOST_AUTO_TEST_CASE(private_keys_are_0600_and_certs_public) {
  BOOST_TEST(FileMode(dir / "ca/ca.key") == 0600);
  BOOST_TEST(FileMode(dir / "server.key") == 0600);
  BOOST_TEST(FileMode(dir / "ca/ca.crt") == 0644);
  BOOST_TEST(FileMode(dir / "server.crt") == 0644);
  BOOST_TEST(FileMode(dir / "ca") == 0700);
}

BOOST_AUTO_TEST_CASE(existing_keys_are_never_overwritten) {
  const Result<std::string> before = ReadFileToString(dir / "ca/ca.key");
  const Status again = CreateDevCa(dir / "ca");
  BOOST_TEST(again.code() == "ALREADY_EXISTS");
  BOOST_TEST(*ReadFileToString(dir / "ca/ca.key") == *before);
  BOOST_TEST(IssueServerCert(dir / "ca", dir / "server.crt", dir / "server.key").code() ==
             "ALREADY_EXISTS");
}

BOOST_AUTO_TEST_CASE(tls_handshake_by_name_and_by_ip) {
  for (const std::string host : {"localhost", "127.0.0.1"}) {
    TlsSetup setup{dir / "server.crt", dir / "server.key", ca(), host, "", "", ""};
    const testing::TlsOutcome outcome = Handshake(setup);
    BOOST_TEST(outcome.handshake_ok, host << ": " << outcome.error);
    BOOST_TEST(outcome.echoed == "ping");
  }
}

BOOST_AUTO_TEST_CASE(tls_handshake_fails_for_wrong_name_or_untrusted_ca) {
  TlsSetup wrong_host{dir / "server.crt", dir / "server.key", ca(), "example.com", "", "", ""};
  BOOST_TEST(!Handshake(wrong_host).handshake_ok);

  BOOST_REQUIRE(CreateDevCa(dir / "other").ok());
  TlsSetup wrong_ca{
      dir / "server.crt", dir / "server.key", dir / "other/ca.crt", "localhost", "", "", ""};
  BOOST_TEST(!Handshake(wrong_ca).handshake_ok);
}

BOOST_AUTO_TEST_CASE(openssl_cli_agrees) {
  const std::string verify = "openssl verify -CAfile " + ca() + " ";
  BOOST_TEST(Run(verify + "-purpose sslserver " + (dir / "server.crt")) == 0);
  BOOST_TEST(Run(verify + "-purpose sslclient " + (dir / "server.crt")) != 0);
  BOOST_REQUIRE(CreateDevCa(dir / "other").ok());
  BOOST_TEST(Run("openssl verify -CAfile " + (dir / "other/ca.crt") + " " + (dir / "server.crt")) !=
             0);
  // The key files are readable PEM keys that match their certificates.
  BOOST_TEST(Run("openssl pkey -in " + (dir / "server.key") + " -noout") == 0);
  BOOST_TEST(Run("test \"$(openssl x509 -in " + (dir / "server.crt") +
                 " -noout -pubkey)\" = \"$(openssl pkey -in " + (dir / "server.key") +
                 " -pubout)\"") == 0);
}

BOOST_AUTO_TEST_CASE(custom_hosts_and_bad_hosts) {
  BOOST_TEST(IssueServerCert(dir / "ca", dir / "s2.crt", dir / "s2.key",
                             {"cradle.example.org", "10.1.2.3", "::1"})
                 .ok());
  const std::vector<std::string> sans = testing::SubjectAltNames(dir / "s2.crt");
  const std::vector<std::string> expected = {"DNS:cradle.example.org", "IP:10.1.2.3", "IP:::1"};
  BOOST_TEST(sans == expected, boost::test_tools::per_element());
  BOOST_TEST(IssueServerCert(dir / "ca", dir / "s3.crt", dir / "s3.key", {}).code() ==
             "INVALID_ARGUMENT");
  BOOST_TEST(IssueServerCert(dir / "ca", dir / "s3.crt", dir / "s3.key", {"bad host"}).code() ==
             "INVALID_ARGUMENT");
  BOOST_TEST(FileMode(dir / "s3.key") == -1);
}

BOOST_AUTO_TEST_CASE(missing_or_mismatched_ca) {
  BOOST_TEST(IssueServerCert(dir / "nope", dir / "x.crt", dir / "x.key").code() == "NOT_FOUND");
  // ca.crt of one CA with the key of another.
  BOOST_REQUIRE(CreateDevCa(dir / "other").ok());
  BOOST_REQUIRE(std::filesystem::create_directory(dir / "mixed"));
  std::filesystem::copy_file(dir / "ca/ca.crt", dir / "mixed/ca.crt");
  std::filesystem::copy_file(dir / "other/ca.key", dir / "mixed/ca.key");
  const Status mixed = IssueDeviceCert(dir / "mixed", "SCN-1", dir / "devices");
  BOOST_TEST(mixed.code() == "MALFORMED");
  BOOST_TEST(mixed.message().find("does not match") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(device_certificate, CaFixture)

BOOST_AUTO_TEST_CASE(cn_is_the_device_id_and_chain_is_client_only) {
  const Status s = IssueDeviceCert(dir / "ca", "SCN-0001.a_b", dir / "devices");
  BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
  const std::string crt = dir / "devices/SCN-0001.a_b.crt";
  BOOST_TEST(*SubjectCn(*ReadFileToString(crt)) == "SCN-0001.a_b");
  BOOST_TEST(FileMode(dir / "devices/SCN-0001.a_b.key") == 0600);
  BOOST_TEST(VerifyChain(ca(), crt, X509_PURPOSE_SSL_CLIENT) == 0);
  BOOST_TEST(VerifyChain(ca(), crt, X509_PURPOSE_SSL_SERVER) == X509_V_ERR_INVALID_PURPOSE);
  BOOST_TEST(Run("openssl verify -CAfile " + ca() + " -purpose sslclient " + crt) == 0);
}

BOOST_AUTO_TEST_CASE(does_not_verify_against_another_ca) {
  BOOST_REQUIRE(IssueDeviceCert(dir / "ca", "SCN-2", dir / "devices").ok());
  BOOST_REQUIRE(CreateDevCa(dir / "other").ok());
  BOOST_TEST(
      VerifyChain(dir / "other/ca.crt", dir / "devices/SCN-2.crt", X509_PURPOSE_SSL_CLIENT) != 0);
  BOOST_TEST(Run("openssl verify -CAfile " + (dir / "other/ca.crt") + " " +
                 (dir / "devices/SCN-2.crt")) != 0);
}

BOOST_AUTO_TEST_CASE(mutual_tls_accepts_own_device_and_rejects_foreign_one) {
  BOOST_REQUIRE(IssueDeviceCert(dir / "ca", "SCN-7", dir / "devices").ok());
  TlsSetup good{dir / "server.crt",        dir / "server.key",        ca(), "localhost",
                dir / "devices/SCN-7.crt", dir / "devices/SCN-7.key", ca()};
  const testing::TlsOutcome ok = Handshake(good);
  BOOST_TEST(ok.handshake_ok, ok.error);
  BOOST_TEST(ok.client_cn == "SCN-7");

  BOOST_REQUIRE(CreateDevCa(dir / "other").ok());
  BOOST_REQUIRE(IssueDeviceCert(dir / "other", "SCN-7", dir / "foreign").ok());
  TlsSetup foreign = good;
  foreign.client_cert = dir / "foreign/SCN-7.crt";
  foreign.client_key = dir / "foreign/SCN-7.key";
  BOOST_TEST(!Handshake(foreign).handshake_ok);

  TlsSetup none = good;
  none.client_cert.clear();
  BOOST_TEST(!Handshake(none).handshake_ok);
}

BOOST_AUTO_TEST_CASE(bad_device_ids_are_refused_before_any_file_is_written) {
  for (const std::string& bad : std::vector<std::string>{
           "", "a/b", "..", ".", "../x", "SCN 1", "SCN\n1", "设备", std::string(65, 'a'), "a;rm"}) {
    const Status s = IssueDeviceCert(dir / "ca", bad, dir / "devices");
    BOOST_TEST(s.code() == "INVALID_ARGUMENT", "'" << bad << "' gave " << s.ToString());
  }
  BOOST_TEST(FileMode(dir / "devices") == -1);
  BOOST_TEST(IsValidDeviceId(std::string(64, 'a')));
  BOOST_TEST(IsValidDeviceId("a.b-c_D9"));
}

BOOST_AUTO_TEST_CASE(same_device_twice_is_refused) {
  BOOST_REQUIRE(IssueDeviceCert(dir / "ca", "SCN-3", dir / "devices").ok());
  BOOST_TEST(IssueDeviceCert(dir / "ca", "SCN-3", dir / "devices").code() == "ALREADY_EXISTS");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(subject_cn_of_garbage_is_malformed) {
  BOOST_TEST(SubjectCn("not a certificate").status().code() == "MALFORMED");
}

BOOST_AUTO_TEST_CASE(ensure_dev_certs_creates_once) {
  ScratchDir dir;
  const std::string certs = dir / "certs";
  const Status first = EnsureDevCerts(certs);
  BOOST_REQUIRE_MESSAGE(first.ok(), first.ToString());
  BOOST_TEST(VerifyChain(certs + "/ca.crt", certs + "/server.crt", X509_PURPOSE_SSL_SERVER) == 0);
  const std::string ca_before = *ReadFileToString(certs + "/ca.crt");
  BOOST_TEST(EnsureDevCerts(certs).ok());  // second start: nothing changes
  BOOST_TEST(*ReadFileToString(certs + "/ca.crt") == ca_before);
}

}  // namespace
}  // namespace cradle::pki
