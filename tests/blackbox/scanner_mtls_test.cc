// Who may sync: the real cradle-scan against the real server over mTLS. No certificate, a
// certificate from another CA, a scanner told to trust another CA, and a device of one
// organisation receiving at a facility it does not operate.
#define BOOST_TEST_MODULE blackbox_scanner_mtls
#include <boost/test/unit_test.hpp>
#include <filesystem>

#include "tests/blackbox/scanner_harness.h"

namespace cradle::testing {
namespace {

// A self-signed CA and a client certificate with CN `cn` from it, in a new directory.
std::string ForeignCa(const std::string& cn) {
  const std::string dir = MakeTempDir("cradle-foreign-ca");
  const std::string ssl = "openssl ";
  std::string out;
  const int rc = RunCommand(
      "cd " + dir + " && " + ssl +
          "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key "
          "-out ca.crt -subj /CN=foreign-ca -days 2 && " +
          ssl +
          "req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout d.key -out d.csr "
          "-subj /CN=" +
          cn + " && " + ssl +
          "x509 -req -in d.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out d.crt -days 2",
      &out);
  BOOST_REQUIRE_MESSAGE(rc == 0, out);
  return dir;
}

}  // namespace

BOOST_AUTO_TEST_CASE(no_certificate_or_a_foreign_one_is_refused) {
  ServerProcess server;
  BOOST_REQUIRE_MESSAGE(server.Start().ok(), "server start");
  const Deployment d = SetUpDeployment(server);
  const auto labels = IssueLabels(server, d, 1);

  // A client with neither a certificate nor a token gets no revocations and posts no scans.
  auto anonymous = server.Client();
  auto revocations = anonymous.Get("/api/v1/revocations");
  BOOST_REQUIRE(revocations.ok());
  BOOST_TEST(revocations->status == 401);
  auto scans =
      anonymous.Post("/api/v1/scans", R"({"scans":[]})", {{"Content-Type", "application/json"}});
  BOOST_REQUIRE(scans.ok());
  BOOST_TEST(scans->status == 401);

  // Enrolling with an empty certificate is a setup error (exit 2), reported at once.
  const std::string empty = server.data_dir() + "/empty.pem";
  std::ofstream(empty) << "";
  ScannerCli blank("scanner-blank");
  const auto t0 = std::chrono::steady_clock::now();
  CliRun no_cert = blank.Enroll(server, empty, empty);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  BOOST_TEST(no_cert.rc == 2, no_cert.out);
  BOOST_TEST(no_cert.Has("TLS_CONFIG"), no_cert.out);
  BOOST_TEST(!no_cert.Has("enrolled with"), no_cert.out);
  BOOST_TEST(took < 5.0, "a broken certificate file was retried like a network fault: " << took);

  // A certificate from another CA, with a registered device's name, fails the handshake.
  const std::string foreign = ForeignCa("scanner-c1");
  ScannerCli impostor("scanner-impostor");
  CliRun refused = impostor.Enroll(server, foreign + "/d.crt", foreign + "/d.key");
  BOOST_TEST(refused.rc == 3, refused.out);
  BOOST_TEST(!refused.Has("enrolled with"), refused.out);
  // And a scanner told to trust another CA does not trust this server.
  ScannerCli misled("scanner-misled");
  CliRun untrusted =
      misled.Enroll(server, d.Cert("scanner-c1"), d.Key("scanner-c1"), foreign + "/ca.crt");
  BOOST_TEST(untrusted.rc == 3, untrusted.out);

  // An enrolled scanner whose identity is swapped for the foreign one cannot sync: its scan
  // stays queued.
  ScannerCli scanner("scanner-c1");
  BOOST_REQUIRE(scanner.Enroll(server, d).rc == 0);
  BOOST_REQUIRE(scanner.Scan("pickup", PickupLines(labels)).rc == 0);
  namespace fs = std::filesystem;
  fs::copy_file(foreign + "/d.crt", scanner.home() + "/device.crt",
                fs::copy_options::overwrite_existing);
  fs::copy_file(foreign + "/d.key", scanner.home() + "/device.key",
                fs::copy_options::overwrite_existing);
  CliRun sync = scanner.Sync();
  BOOST_TEST(sync.rc == 3, sync.out);
  BOOST_TEST(scanner.StatusCmd().Has("1 queued, 0 synced, 0 parked"));
  BOOST_TEST(JsonString(GetManifest(server, labels[0].id), "status") == "issued");
  RunCommand("rm -rf " + foreign);
  BOOST_TEST(server.Stop() == 0);
}

BOOST_AUTO_TEST_CASE(device_of_another_org_cannot_receive_at_a_facility_it_does_not_operate) {
  ServerProcess server;
  BOOST_REQUIRE_MESSAGE(server.Start().ok(), "server start");
  const Deployment d = SetUpDeployment(server);
  const auto labels = IssueLabels(server, d, 1);
  ScannerCli collector("scanner-c1"), g("scanner-g1"), f("scanner-f1");
  BOOST_REQUIRE(collector.Enroll(server, d).rc == 0);
  BOOST_REQUIRE(g.Enroll(server, d).rc == 0);
  BOOST_REQUIRE(f.Enroll(server, d).rc == 0);
  BOOST_REQUIRE(collector.Scan("pickup", PickupLines(labels)).rc == 0);
  BOOST_REQUIRE(collector.Sync().rc == 0);

  // Facility G's scanner claims to receive at FAC-F: fine offline, parked by the server.
  CliRun g_scan = g.Scan("receive --facility FAC-F", PickupLines(labels, "1250"));
  BOOST_TEST(g_scan.rc == 0, g_scan.out);
  CliRun g_sync = g.Sync();
  BOOST_TEST(g_sync.rc == 1, g_sync.out);
  BOOST_TEST(g_sync.Has("FORBIDDEN_FACILITY=1"), g_sync.out);
  BOOST_TEST(g.StatusCmd().Has("parked:      FORBIDDEN_FACILITY receive " + labels[0].id));
  BOOST_TEST(JsonString(GetManifest(server, labels[0].id), "status") == "collected");

  // Facility F's own scanner receives it there.
  BOOST_TEST(f.Scan("receive --facility FAC-F", PickupLines(labels, "1250")).rc == 0);
  CliRun f_sync = f.Sync();
  BOOST_TEST(f_sync.rc == 0, f_sync.out);
  auto m = GetManifest(server, labels[0].id);
  BOOST_TEST(JsonString(m, "status") == "received");
  const auto& timeline = m.at("timeline").as_array();
  BOOST_REQUIRE_EQUAL(timeline.size(), 3u);
  BOOST_TEST(JsonString(timeline[2], "device") == "scanner-f1");
  BOOST_TEST(JsonString(timeline[2], "facility") == "FAC-F");
  BOOST_TEST(server.Stop() == 0);
}

}  // namespace cradle::testing
