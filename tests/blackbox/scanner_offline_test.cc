// cradle-scan end to end: enroll against the real server, scan pickups with the server down
// (keyboard-wedge lines on stdin), start the server, sync, and find the scans on the server
// with the device that made them.
#define BOOST_TEST_MODULE blackbox_scanner_offline
#include <boost/test/unit_test.hpp>

#include "tests/blackbox/scanner_harness.h"

namespace cradle::testing {

BOOST_AUTO_TEST_CASE(enroll_scan_offline_then_sync) {
  ServerProcess server;
  BOOST_REQUIRE_MESSAGE(server.Start().ok(), "server start");
  const Deployment d = SetUpDeployment(server);
  const auto labels = IssueLabels(server, d, 5);  // 1250 kg each

  ScannerCli scanner("scanner-c1");
  CliRun enrolled = scanner.Enroll(server, d);
  BOOST_REQUIRE_MESSAGE(enrolled.rc == 0, enrolled.out);
  BOOST_TEST(enrolled.Has("1 signing key(s)"), enrolled.out);

  // Offline from here: the server is down.
  BOOST_REQUIRE(server.Stop() == 0);

  // Three labels each followed by its mass; then two labels read before either was weighed:
  // the first mass belongs to the first of them.
  std::vector<std::string> lines = PickupLines({labels[0], labels[1], labels[2]});
  lines.push_back("");  // a blank line from the wedge is ignored
  lines.push_back(labels[3].token);
  lines.push_back(labels[4].token);
  lines.push_back("1200");
  lines.push_back("1300 kg\r");
  CliRun scanned = scanner.Scan("pickup --vehicle ZJ-J12345", lines);
  BOOST_TEST_MESSAGE(scanned.out);
  BOOST_TEST(scanned.rc == 0, scanned.out);
  const auto accepted = scanned.Lines("ACCEPTED");
  BOOST_REQUIRE_EQUAL(accepted.size(), 5u);
  BOOST_TEST(accepted[0].find(labels[0].id) != std::string::npos, accepted[0]);
  BOOST_TEST(accepted[0].find("+0.12%") != std::string::npos, accepted[0]);
  BOOST_TEST(scanned.Lines("GENUINE").size() == 5u);
  BOOST_TEST(scanned.Lines("WAITING").size() == 1u, scanned.out);
  BOOST_TEST(accepted[3].find(labels[3].id) != std::string::npos, accepted[3]);
  BOOST_TEST(accepted[3].find("-4.00%") != std::string::npos, accepted[3]);
  BOOST_TEST(accepted[4].find(labels[4].id) != std::string::npos, accepted[4]);
  BOOST_TEST(accepted[4].find("+4.00%") != std::string::npos, accepted[4]);

  CliRun before = scanner.StatusCmd();
  BOOST_TEST(before.rc == 0);
  BOOST_TEST(before.Has("5 queued, 0 synced, 0 parked"), before.out);

  // Back online.
  BOOST_REQUIRE_MESSAGE(server.Start().ok(), "server restart");
  CliRun synced = scanner.Sync();
  BOOST_TEST(synced.rc == 0, synced.out);
  BOOST_TEST(synced.Has("5 sent, 5 accepted, 0 already stored, 0 parked"), synced.out);

  const int64_t want_mass[] = {1'251'500, 1'251'500, 1'251'500, 1'200'000, 1'300'000};
  for (size_t i = 0; i < labels.size(); ++i) {
    auto m = GetManifest(server, labels[i].id);
    BOOST_TEST(JsonString(m, "status") == "collected");
    const auto& timeline = m.at("timeline").as_array();
    BOOST_REQUIRE_EQUAL(timeline.size(), 2u);
    const auto& pickup = timeline[1];
    BOOST_TEST(JsonString(pickup, "kind") == "pickup");
    BOOST_TEST(JsonString(pickup, "device") == "scanner-c1");
    BOOST_TEST(JsonString(pickup, "actor") == d.collector);
    BOOST_TEST(JsonString(pickup, "vehicle") == "ZJ-J12345");
    BOOST_TEST(pickup.at("mass_g").to_number<int64_t>() == want_mass[i]);
  }

  CliRun after = scanner.StatusCmd();
  BOOST_TEST(after.rc == 0);
  BOOST_TEST(after.Has("0 queued, 5 synced, 0 parked"), after.out);
  BOOST_TEST(!after.Has("last sync:   never"), after.out);
  BOOST_TEST(!after.Has("parked:      "), after.out);

  // Nothing left to send: a second sync is a no-op.
  CliRun again = scanner.Sync();
  BOOST_TEST(again.rc == 0, again.out);
  BOOST_TEST(again.Has("0 sent"), again.out);
  BOOST_TEST(CountEvents(server, "pickup").size() == 5u);
  BOOST_TEST(server.Stop() == 0);
}

// What the operator sees for input that is not a clean token + mass pair.
BOOST_AUTO_TEST_CASE(wedge_input_errors_have_verdicts_and_exit_codes) {
  ServerProcess server;
  BOOST_REQUIRE_MESSAGE(server.Start().ok(), "server start");
  const Deployment d = SetUpDeployment(server);
  const auto labels = IssueLabels(server, d, 2);
  ScannerCli scanner("scanner-c1");
  BOOST_REQUIRE(scanner.Enroll(server, d).rc == 0);
  BOOST_REQUIRE(server.Stop() == 0);

  // A stray mass, a bad mass, a double trigger, then a token whose mass never comes.
  CliRun run = scanner.Scan("pickup", {"12.5 kg", labels[0].token, "1.2.3 kg", labels[0].token,
                                       "1250 kg", labels[1].token});
  BOOST_TEST_MESSAGE(run.out);
  BOOST_TEST(run.rc == 1, "a dropped scan must give exit code 1: " << run.out);
  BOOST_TEST(run.Lines("ACCEPTED").size() == 1u);
  BOOST_TEST(run.Lines("IGNORED").size() == 3u, run.out);  // stray, unreadable, repeat
  BOOST_TEST(run.Lines("DROPPED").size() == 1u, run.out);
  BOOST_TEST(run.Lines("DROPPED")[0].find(labels[1].id) != std::string::npos);

  // Usage errors exit 2; scanning before enrolment too.
  BOOST_TEST(scanner.Run("scan --kind unload").rc == 2);
  BOOST_TEST(scanner.Run("scan --kind receive").rc == 2);  // receive needs --facility
  ScannerCli fresh("not-enrolled");
  CliRun unenrolled = fresh.Scan("pickup", PickupLines({labels[1]}));
  BOOST_TEST(unenrolled.rc == 2, unenrolled.out);
  BOOST_TEST(unenrolled.Has("enroll"), unenrolled.out);
}

}  // namespace cradle::testing
