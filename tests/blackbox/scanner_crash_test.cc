// A sync of a few thousand scans while the server is killed (SIGKILL) and restarted, then the
// same outbox replayed from a backup of the handheld: every scan is stored exactly once, a scan
// the server had already is reported as done (duplicate), none is parked.
#define BOOST_TEST_MODULE blackbox_scanner_crash
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <thread>

#include "tests/blackbox/scanner_harness.h"

namespace cradle::testing {
namespace {

constexpr int kScans = 3000;

// Waits until `log` holds `text` or the child exits; true when the text came.
bool WaitForOutput(const std::string& log, const std::string& text, pid_t child,
                   std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (ReadFile(log).find(text) != std::string::npos) return true;
    if (ChildExited(child)) return ReadFile(log).find(text) != std::string::npos;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

// Every manifest has exactly one pickup event.
void ExpectOnePickupEach(const ServerProcess& server, const std::vector<IssuedLabel>& labels) {
  const auto counts = CountEvents(server, "pickup");
  size_t missing = 0, doubled = 0;
  for (const auto& l : labels) {
    auto it = counts.find(l.id);
    if (it == counts.end()) {
      ++missing;
    } else if (it->second != 1) {
      ++doubled;
    }
  }
  BOOST_TEST(missing == 0u, missing << " scans were never stored");
  BOOST_TEST(doubled == 0u, doubled << " manifests have more than one pickup");
  BOOST_TEST(counts.size() == labels.size());
}

}  // namespace

BOOST_AUTO_TEST_CASE(server_killed_during_sync_stores_every_scan_once) {
  ServerProcess server;
  BOOST_REQUIRE_MESSAGE(server.Start().ok(), "server start");
  const Deployment d = SetUpDeployment(server);
  const auto labels = IssueLabels(server, d, kScans);
  ScannerCli scanner("scanner-c1");
  CliRun enrolled = scanner.Enroll(server, d);
  BOOST_REQUIRE_MESSAGE(enrolled.rc == 0, enrolled.out);

  const auto t0 = std::chrono::steady_clock::now();
  CliRun scanned = scanner.Scan("pickup", PickupLines(labels));
  BOOST_REQUIRE_MESSAGE(scanned.rc == 0, scanned.out.substr(0, 2000));
  BOOST_REQUIRE_EQUAL(scanned.Lines("ACCEPTED").size(), static_cast<size_t>(kScans));
  BOOST_TEST_MESSAGE(
      kScans << " scans queued in "
             << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()
             << " s");
  // A copy of the handheld as it was before any sync: replayed below.
  const std::string backup = MakeTempDir("cradle-scan-backup");
  BOOST_REQUIRE(RunCommand("cp -a " + scanner.home() + "/. " + backup) == 0);

  // Sync in the background; kill the server once the first batches are through.
  const std::string log = scanner.home() + "/sync1.log";
  pid_t sync = SpawnScanner("sync --home " + scanner.home(), log);
  BOOST_REQUIRE(sync > 0);
  const bool progressed = WaitForOutput(log, "synced ", sync, std::chrono::seconds(30));
  BOOST_TEST(progressed, "the sync never reported progress: " << ReadFile(log));
  server.Kill();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  BOOST_REQUIRE_MESSAGE(server.Start().ok(), "restart");
  // The running sync retries with backoff and may finish against the restarted server, or
  // give up with exit code 3; either way a second sync completes the job.
  const int first_rc = WaitChild(sync);
  BOOST_TEST_MESSAGE("first sync exit " << first_rc << ": " << ReadFile(log));
  BOOST_TEST((first_rc == 0 || first_rc == 3), "first sync: " << first_rc << ReadFile(log));
  BOOST_TEST((first_rc == 3 || ReadFile(log).find(" retries)") != std::string::npos),
             "the kill missed the sync: " << ReadFile(log));

  CliRun second = scanner.Sync();
  BOOST_TEST(second.rc == 0, second.out);
  BOOST_TEST(second.Has(" 0 parked"), second.out);
  CliRun status = scanner.StatusCmd();
  BOOST_TEST(status.Has("0 queued, " + std::to_string(kScans) + " synced, 0 parked"), status.out);
  ExpectOnePickupEach(server, labels);

  // The backup still holds all of them as queued. Replaying it, killing the scanner itself
  // (SIGKILL) in the middle, sends every event again: the server answers duplicate, which the
  // scanner counts as done, and stores nothing twice.
  const std::string log2 = backup + "/sync2.log";
  pid_t replay = SpawnScanner("sync --home " + backup, log2);
  BOOST_REQUIRE(replay > 0);
  BOOST_TEST(WaitForOutput(log2, "synced ", replay, std::chrono::seconds(30)), ReadFile(log2));
  ::kill(replay, SIGKILL);
  WaitChild(replay);
  CliRun replayed = ScannerCli::AtHome(backup).Sync();
  BOOST_TEST(replayed.rc == 0, replayed.out);
  BOOST_TEST(replayed.Has(" 0 accepted, "), replayed.out);
  BOOST_TEST(replayed.Has(" 0 parked"), replayed.out);
  CliRun backup_status = ScannerCli::AtHome(backup).StatusCmd();
  BOOST_TEST(backup_status.Has("0 queued, " + std::to_string(kScans) + " synced, 0 parked"),
             backup_status.out);
  ExpectOnePickupEach(server, labels);

  auto c = server.Client();
  auto verify =
      CallJson(c, "GET", "/api/v1/audit/verify", Bearer(server.admin_token()), nullptr, 200);
  BOOST_TEST(verify.at("ok").as_bool());
  BOOST_TEST(server.Stop() == 0);
  if (!std::getenv("CRADLE_KEEP_TEST_DATA")) RunCommand("rm -rf " + backup);
}

}  // namespace cradle::testing
