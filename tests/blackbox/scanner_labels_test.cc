// Bad labels through the real cradle-scan and the real server: forged (another key, a tampered
// mass), altered, voided and copied labels are caught offline at the scanner where it can know,
// and by the server in every case; the verdict lines, the parked codes and the exit codes are
// what the collector's guide (docs/collector.md) promises.
#define BOOST_TEST_MODULE blackbox_scanner_labels
#include <boost/test/unit_test.hpp>

#include "core/uuid.h"
#include "core/wm1.h"
#include "tests/blackbox/scanner_harness.h"

namespace cradle::testing {
namespace {

// What the server says of one pickup of `token`, sent directly with scanner-c1's certificate.
std::string ServerVerdict(ServerProcess& server, const Deployment& d, const std::string& token) {
  auto c = server.Client(d.Cert("scanner-c1"), d.Key("scanner-c1"));
  sbb_json::object scan{{"event_id", NewUuidV4()},
                        {"token", token},
                        {"kind", "pickup"},
                        {"mass_g", 1'250'000},
                        {"scanned_at", "2026-11-28T09:41:07+08:00"}};
  auto r = CallJson(c, "POST", "/api/v1/scans", {{"Content-Type", "application/json"}},
                    sbb_json::object{{"scans", {scan}}}, 200);
  const auto& result = r.at("results").as_array().at(0);
  if (JsonString(result, "status") != "rejected") return JsonString(result, "status");
  return JsonString(result, "code");
}

// `token` with its signed part changed by `edit` and the original signature kept.
std::string Tampered(const std::string& token, const std::string& from, const std::string& to) {
  std::string t = token;
  const size_t at = t.find(from);
  BOOST_REQUIRE(at != std::string::npos && at + from.size() < t.size() - kWm1SignatureChars);
  t.replace(at, from.size(), to);
  return t;
}

}  // namespace

BOOST_AUTO_TEST_CASE(forged_and_altered_labels_are_rejected_offline_and_online) {
  ServerProcess server;
  BOOST_REQUIRE_MESSAGE(server.Start().ok(), "server start");
  const Deployment d = SetUpDeployment(server);
  const auto labels = IssueLabels(server, d, 3);
  ScannerCli scanner("scanner-c1");
  BOOST_REQUIRE(scanner.Enroll(server, d).rc == 0);

  auto parsed = ParseToken(labels[0].token);
  BOOST_REQUIRE(parsed.ok());
  auto other_key = SigningKey::Generate();
  BOOST_REQUIRE(other_key.ok());
  // The server's kid and fields, signed by someone else's key: a forger who copied a label.
  const std::string forged = BuildToken(parsed->fields, *other_key);
  TokenFields unknown_kid = parsed->fields;
  unknown_kid.kid = "ZZ9";
  const std::string foreign = BuildToken(unknown_kid, *other_key);
  const std::string heavier = Tampered(labels[1].token, "/1250000/", "/1350000/");
  // The producer's USCC check character changed: the field rules fail before the signature.
  std::string altered_id = labels[2].token;
  altered_id[4 + parsed->fields.kid.size() + 1 + 17] =
      altered_id[4 + parsed->fields.kid.size() + 1 + 17] == '0' ? '1' : '0';
  const std::string truncated = labels[2].token.substr(0, 60);

  struct Case {
    std::string what, token, code;
  };
  const std::vector<Case> cases = {{"signed by another key", forged, "BAD_SIGNATURE"},
                                   {"an unknown key id", foreign, "UNKNOWN_KEY"},
                                   {"mass changed", heavier, "BAD_SIGNATURE"},
                                   {"id changed", altered_id, "INVALID_FIELD"},
                                   {"truncated", truncated, "MALFORMED"}};
  BOOST_REQUIRE(server.Stop() == 0);  // the scanner decides offline
  for (const Case& c : cases) {
    CliRun run = scanner.Scan("pickup", {c.token, "1250 kg"});
    BOOST_TEST(run.rc == 1, c.what << ": " << run.out);
    const auto rejected = run.Lines("REJECTED");
    BOOST_REQUIRE_MESSAGE(rejected.size() == 1u, c.what << ": " << run.out);
    BOOST_TEST(rejected[0].rfind("REJECTED  " + c.code, 0) == 0, c.what << ": " << rejected[0]);
    BOOST_TEST(run.Lines("ACCEPTED").empty(), c.what);
    // The mass line after a refused token has nobody to go to.
    BOOST_TEST(run.Lines("IGNORED").size() == 1u, c.what << ": " << run.out);
  }
  CliRun status = scanner.StatusCmd();
  BOOST_TEST(status.Has("0 queued, 0 synced, 0 parked"), status.out);

  // The server, asked directly, says the same: it never relies on the scanner.
  BOOST_REQUIRE_MESSAGE(server.Start().ok(), "server restart");
  for (const Case& c : cases) {
    BOOST_TEST(ServerVerdict(server, d, c.token) == c.code, c.what);
  }
  for (const auto& l : labels)
    BOOST_TEST(JsonString(GetManifest(server, l.id), "status") == "issued");
  BOOST_TEST(server.Stop() == 0);
}

BOOST_AUTO_TEST_CASE(voided_labels_caught_offline_after_a_sync_and_parked_otherwise) {
  ServerProcess server;
  BOOST_REQUIRE_MESSAGE(server.Start().ok(), "server start");
  const Deployment d = SetUpDeployment(server);
  const auto labels = IssueLabels(server, d, 2);
  ScannerCli scanner("scanner-c1");
  BOOST_REQUIRE(scanner.Enroll(server, d).rc == 0);

  auto producer = server.Client();
  CallJson(producer, "POST", "/api/v1/manifests/" + labels[0].id + "/void",
           Bearer(d.producer_token), sbb_json::object{{"reason", "label misprinted"}}, 200);
  // A sync refreshes the revocation list.
  CliRun synced = scanner.Sync();
  BOOST_REQUIRE_MESSAGE(synced.rc == 0, synced.out);
  BOOST_TEST(scanner.StatusCmd().Has("revocations: 1 voided manifest(s)"));
  // Voided after that sync: the scanner cannot know.
  CallJson(producer, "POST", "/api/v1/manifests/" + labels[1].id + "/void",
           Bearer(d.producer_token), sbb_json::object{{"reason", "container split"}}, 200);
  BOOST_REQUIRE(server.Stop() == 0);

  CliRun run = scanner.Scan("pickup", PickupLines(labels));
  BOOST_TEST(run.rc == 1, run.out);
  const auto rejected = run.Lines("REJECTED");
  BOOST_REQUIRE_EQUAL(rejected.size(), 1u);
  BOOST_TEST(rejected[0].rfind("REJECTED  VOIDED " + labels[0].id, 0) == 0, rejected[0]);
  const auto accepted = run.Lines("ACCEPTED");
  BOOST_REQUIRE_EQUAL(accepted.size(), 1u);
  BOOST_TEST(accepted[0].find(labels[1].id) != std::string::npos);

  BOOST_REQUIRE_MESSAGE(server.Start().ok(), "server restart");
  CliRun parked = scanner.Sync();
  BOOST_TEST(parked.rc == 1, "a parked scan gives exit code 1: " << parked.out);
  BOOST_TEST(parked.Has("1 parked VOIDED=1"), parked.out);
  CliRun status = scanner.StatusCmd();
  BOOST_TEST(status.Has("0 queued, 0 synced, 1 parked"), status.out);
  BOOST_TEST(status.Has("parked:      VOIDED pickup " + labels[1].id), status.out);
  BOOST_TEST(status.Has("revocations: 2 voided manifest(s)"), status.out);
  BOOST_TEST(ServerVerdict(server, d, labels[0].token) == "VOIDED");
  for (const auto& l : labels) {
    auto m = GetManifest(server, l.id);
    BOOST_TEST(JsonString(m, "status") == "voided");
    BOOST_TEST(CountEvents(server, "pickup").count(l.id) == 0u);
  }
  BOOST_TEST(server.Stop() == 0);
}

BOOST_AUTO_TEST_CASE(copied_label_on_two_devices_is_parked_already_collected) {
  ServerProcess server;
  BOOST_REQUIRE_MESSAGE(server.Start().ok(), "server start");
  const Deployment d = SetUpDeployment(server);
  const auto labels = IssueLabels(server, d, 1);
  ScannerCli first("scanner-c1"), second("scanner-c2");
  BOOST_REQUIRE(first.Enroll(server, d).rc == 0);
  BOOST_REQUIRE(second.Enroll(server, d).rc == 0);
  BOOST_REQUIRE(server.Stop() == 0);

  // The same device reading the label twice under one kind: caught offline.
  CliRun one = first.Scan("pickup", PickupLines(labels));
  BOOST_TEST(one.rc == 0, one.out);
  CliRun twice = first.Scan("pickup", PickupLines(labels));
  BOOST_TEST(twice.rc == 1, twice.out);
  BOOST_REQUIRE_EQUAL(twice.Lines("REJECTED").size(), 1u);
  BOOST_TEST(twice.Lines("REJECTED")[0].rfind("REJECTED  ALREADY_SCANNED " + labels[0].id, 0) == 0);
  // A copy of it on another truck: the second device cannot know and accepts it.
  CliRun copy = second.Scan("pickup", PickupLines(labels, "1249 kg"));
  BOOST_TEST(copy.rc == 0, copy.out);
  BOOST_TEST(copy.Lines("ACCEPTED").size() == 1u);

  BOOST_REQUIRE_MESSAGE(server.Start().ok(), "server restart");
  CliRun synced = first.Sync();
  BOOST_TEST(synced.rc == 0, synced.out);
  BOOST_TEST(synced.Has("1 accepted"), synced.out);
  CliRun refused = second.Sync();
  BOOST_TEST(refused.rc == 1, refused.out);
  BOOST_TEST(refused.Has("1 parked ALREADY_COLLECTED=1"), refused.out);
  CliRun status = second.StatusCmd();
  BOOST_TEST(status.Has("0 queued, 0 synced, 1 parked"), status.out);
  BOOST_TEST(status.Has("parked:      ALREADY_COLLECTED pickup " + labels[0].id), status.out);
  // The copy stays seen on the second device: reading it again is refused offline.
  CliRun again = second.Scan("pickup", PickupLines(labels));
  BOOST_TEST(again.rc == 1, again.out);
  BOOST_TEST(again.Has("REJECTED  ALREADY_SCANNED"), again.out);

  auto m = GetManifest(server, labels[0].id);
  BOOST_TEST(JsonString(m, "status") == "collected");
  const auto& timeline = m.at("timeline").as_array();
  BOOST_REQUIRE_EQUAL(timeline.size(), 2u);
  BOOST_TEST(JsonString(timeline[1], "device") == "scanner-c1");
  BOOST_TEST(server.Stop() == 0);
}

}  // namespace cradle::testing
