// Issue 10's "fix this first": a facility's handheld that syncs its receive before the
// collector's handheld has synced the pickup got OUT_OF_ORDER, and the scan was parked for
// good (the receive was lost unless someone scanned the container again). Now the real
// cradle-scan holds it, retries it with backoff on later syncs, and the real server accepts it
// once the pickup is there; parking happens only after the hold time (scanner.conf / option).
#define BOOST_TEST_MODULE blackbox_scanner_hold
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <thread>

#include "tests/blackbox/scanner_harness.h"

namespace cradle::testing {

BOOST_AUTO_TEST_CASE(receive_synced_before_pickup_is_held_then_accepted) {
  ServerProcess server;
  BOOST_REQUIRE_MESSAGE(server.Start().ok(), "server start");
  const Deployment d = SetUpDeployment(server);
  const auto labels = IssueLabels(server, d, 2);

  ScannerCli truck("scanner-c1");
  ScannerCli gate("scanner-f1");
  BOOST_REQUIRE(truck.Enroll(server, d).rc == 0);
  BOOST_REQUIRE(gate.Enroll(server, d).rc == 0);
  // The deployment's setting: retry after 2 s (doubling), instead of the default minute.
  std::ofstream(gate.home() + "/scanner.conf") << "# test deployment\nhold_retry = 2s\n";

  // The truck picks both up but is out of coverage; the landfill's gate scans the first one
  // in and syncs at once.
  CliRun picked = truck.Scan("pickup --vehicle ZJ-J12345", PickupLines(labels));
  BOOST_REQUIRE_MESSAGE(picked.rc == 0, picked.out);
  CliRun received = gate.Scan("receive --facility FAC-F", {labels[0].token, "1249 kg"});
  BOOST_REQUIRE_MESSAGE(received.rc == 0, received.out);

  CliRun early = gate.Sync();
  BOOST_TEST_MESSAGE(early.out);
  BOOST_TEST(early.rc == 0, "a held scan is not a failure: " << early.out);
  BOOST_TEST(early.Has("1 sent, 0 accepted, 0 already stored, 0 parked, 1 held OUT_OF_ORDER"),
             early.out);
  BOOST_TEST(JsonString(GetManifest(server, labels[0].id), "status") == "issued");
  CliRun status = gate.StatusCmd();
  BOOST_TEST(status.Has("0 queued, 0 synced, 0 parked, 1 held"), status.out);
  BOOST_TEST(status.Has("held:        OUT_OF_ORDER receive " + labels[0].id), status.out);
  BOOST_TEST(status.Has("refused 1x"), status.out);

  // Still before its retry time (2 s): a second sync keeps it held and does not lose it.
  CliRun again = gate.Sync();
  BOOST_TEST(again.rc == 0, again.out);
  BOOST_TEST(gate.StatusCmd().Has("0 parked, 1 held"));

  // The truck comes back into coverage.
  CliRun truck_sync = truck.Sync();
  BOOST_REQUIRE_MESSAGE(truck_sync.rc == 0, truck_sync.out);
  BOOST_TEST(truck_sync.Has("2 sent, 2 accepted"), truck_sync.out);

  // After the (at most 4 s) wait the gate's next sync delivers the receive.
  std::this_thread::sleep_for(std::chrono::milliseconds(4500));
  CliRun late = gate.Sync();
  BOOST_TEST_MESSAGE(late.out);
  BOOST_TEST(late.rc == 0, late.out);
  BOOST_TEST(late.Has("1 sent, 1 accepted, 0 already stored, 0 parked"), late.out);
  BOOST_TEST(!late.Has("held"), late.out);
  auto m = GetManifest(server, labels[0].id);
  BOOST_TEST(JsonString(m, "status") == "received");
  const auto& timeline = m.at("timeline").as_array();
  BOOST_REQUIRE_EQUAL(timeline.size(), 3u);
  BOOST_TEST(JsonString(timeline[2], "kind") == "receive");
  BOOST_TEST(JsonString(timeline[2], "device") == "scanner-f1");
  BOOST_TEST(timeline[2].at("mass_g").to_number<int64_t>() == 1'249'000);
  BOOST_TEST(gate.StatusCmd().Has("0 queued, 1 synced, 0 parked, 0 held"));

  // With --hold-for 0 (no waiting) an out-of-order dispose is parked at once, exit 1.
  CliRun disposed = gate.Scan("dispose --facility FAC-F --method D1", {labels[1].token, "1250 kg"});
  BOOST_REQUIRE_MESSAGE(disposed.rc == 0, disposed.out);
  CliRun strict = gate.Run("sync --hold-for 0");
  BOOST_TEST(strict.rc == 1, strict.out);
  BOOST_TEST(strict.Has("1 parked OUT_OF_ORDER=1"), strict.out);
  BOOST_TEST(gate.StatusCmd().Has("parked:      OUT_OF_ORDER dispose " + labels[1].id));

  // A bad setting is a setup error naming the line, and sends nothing.
  std::ofstream(gate.home() + "/scanner.conf") << "hold_for = forever\n";
  CliRun bad = gate.Sync();
  BOOST_TEST(bad.rc == 2, bad.out);
  BOOST_TEST(bad.Has("scanner.conf line 1"), bad.out);
  std::filesystem::remove(gate.home() + "/scanner.conf");
  CliRun bad_option = gate.Run("sync --hold-retry 5x");
  BOOST_TEST(bad_option.rc == 2, bad_option.out);
  BOOST_TEST(bad_option.Has("--hold-retry"), bad_option.out);
  BOOST_TEST(server.Stop() == 0);
}

}  // namespace cradle::testing
