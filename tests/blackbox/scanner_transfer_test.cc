// Issue 10's scanner part against the real cradle-server over TLS and the real cradle-scan: a
// transfer made and submitted through the API is learnt by the carrier's and the receiver's
// handhelds (`cradle-scan transfers`), a session bound to it (`scan --transfer`) with the
// server down warns OFF-TRIP for the labels not on the trip and for those only, queues them
// all, and the sync delivers them to the server, whose custody check has the last word: the
// label on another carrier's trip is refused NOT_CARRIER, the one on no trip goes on an ad hoc
// trip, the one on the trip loads it.
#define BOOST_TEST_MODULE blackbox_scanner_transfer
#include <boost/test/unit_test.hpp>

#include "tests/blackbox/scanner_harness.h"

namespace cradle::testing {
namespace {

// POST /api/v1/transfers as the producer, then submit; the transfer's number.
std::string SubmitTransfer(ServerProcess& server, const Deployment& d, const std::string& carrier,
                           const std::vector<IssuedLabel>& labels) {
  auto c = server.Client();
  sbb_json::array ids;
  for (const auto& l : labels) ids.emplace_back(l.id);
  auto created = CallJson(c, "POST", "/api/v1/transfers", Bearer(d.producer_token),
                          sbb_json::object{{"sender", d.producer},
                                           {"carrier", carrier},
                                           {"receiver", "FAC-F"},
                                           {"vehicle", "浙J12345"},
                                           {"purpose", "disposal"},
                                           {"planned_on", "2026-12-03"},
                                           {"containers", std::move(ids)}},
                          201);
  const std::string id = JsonString(created, "id");
  BOOST_REQUIRE_EQUAL(id.size(), 14u);
  auto submitted = CallJson(c, "POST", "/api/v1/transfers/" + id + "/submit",
                            Bearer(d.producer_token), nullptr, 200);
  BOOST_REQUIRE_EQUAL(JsonString(submitted, "status"), "submitted");
  return id;
}

sbb_json::value GetTransfer(ServerProcess& server, const std::string& id) {
  auto c = server.Client();
  return CallJson(c, "GET", "/api/v1/transfers/" + id, Bearer(server.admin_token()), nullptr, 200);
}

// The status of `manifest` on transfer `t`, or "" when it is not on it.
std::string ContainerStatus(const sbb_json::value& t, const std::string& manifest) {
  for (const auto& c : t.at("containers").as_array()) {
    if (JsonString(c, "manifest") == manifest) return JsonString(c, "status");
  }
  return "";
}

size_t CountLinesWith(const std::vector<std::string>& lines, const std::string& text) {
  return static_cast<size_t>(std::count_if(lines.begin(), lines.end(), [&](const auto& l) {
    return l.find(text) != std::string::npos;
  }));
}

BOOST_AUTO_TEST_CASE(a_trip_bound_session_warns_off_trip_labels_and_the_server_decides) {
  ServerProcess server;
  BOOST_REQUIRE_MESSAGE(server.Start().ok(), "server start");
  const Deployment d = SetUpDeployment(server);
  // A second carrier, with a trip of its own from the same producer to the same landfill.
  const std::string other_carrier = Deployment::Uscc("91331000CLT000002");
  {
    auto c = server.Client();
    CallJson(c, "POST", "/api/v1/orgs", Bearer(server.admin_token()),
             sbb_json::object{{"uscc", other_carrier},
                              {"name", "another carrier"},
                              {"roles", sbb_json::array{"collector"}}},
             201);
  }
  // 0 and 1 on our trip, 2 on the other carrier's, 3 on none.
  const auto labels = IssueLabels(server, d, 4);
  const std::string trip = SubmitTransfer(server, d, d.collector, {labels[0], labels[1]});
  const std::string other_trip = SubmitTransfer(server, d, other_carrier, {labels[2]});

  ScannerCli truck("scanner-c1");
  ScannerCli gate("scanner-f1");
  ScannerCli other_gate("scanner-g1");
  for (const ScannerCli* s : {&truck, &gate, &other_gate}) {
    CliRun enrolled = s->Enroll(server, d);
    BOOST_REQUIRE_MESSAGE(enrolled.rc == 0, enrolled.out);
  }

  // Online: each handheld learns the trips of its organisation, with their containers.
  CliRun listed = truck.Run("transfers");
  BOOST_TEST_MESSAGE(listed.out);
  BOOST_REQUIRE_MESSAGE(listed.rc == 0, listed.out);
  BOOST_TEST(listed.Has("1 open transfer(s) of " + d.collector + " as carrier or receiver"),
             listed.out);
  BOOST_TEST(listed.Lines(trip).size() == 1u, listed.out);
  BOOST_TEST(listed.Lines(trip)[0].find("submitted  carrier  浙J12345") != std::string::npos);
  BOOST_TEST(listed.Has(labels[0].id + "  listed  772-002-18  1250 kg"), listed.out);
  BOOST_TEST(listed.Has(labels[1].id), listed.out);
  BOOST_TEST(!listed.Has(other_trip), "another carrier's trip is not ours: " << listed.out);
  CliRun at_gate = gate.Run("transfers");
  BOOST_REQUIRE_MESSAGE(at_gate.rc == 0, at_gate.out);
  BOOST_TEST(at_gate.Has("2 open transfer(s) of " + d.fac_f), at_gate.out);
  BOOST_TEST(at_gate.Lines(other_trip)[0].find("receiver") != std::string::npos, at_gate.out);
  CliRun elsewhere = other_gate.Run("transfers");
  BOOST_REQUIRE_MESSAGE(elsewhere.rc == 0, elsewhere.out);
  BOOST_TEST(elsewhere.Has("0 open transfer(s) of " + d.fac_g), elsewhere.out);

  // The truck leaves coverage: the server is down while it loads.
  BOOST_REQUIRE_EQUAL(server.Stop(), 0);
  std::vector<std::string> lines = PickupLines({labels[0], labels[2], labels[3]}, "1251 kg");
  CliRun loaded = truck.Run("scan --kind pickup --transfer " + trip, [&] {
    std::string text;
    for (const auto& l : lines) text += l + "\n";
    return text;
  }());
  BOOST_TEST_MESSAGE(loaded.out);
  BOOST_TEST(loaded.rc == 0, "an off-trip label is queued, not refused: " << loaded.out);
  BOOST_TEST(loaded.Lines("TRIP").size() == 1u, loaded.out);
  BOOST_TEST(loaded.Lines("WARNING").empty(), loaded.out);
  const auto off = loaded.Lines("OFF-TRIP");
  BOOST_TEST(off.size() == 2u, loaded.out);
  BOOST_TEST(CountLinesWith(off, labels[2].id) == 1u, loaded.out);
  BOOST_TEST(CountLinesWith(off, labels[3].id) == 1u, loaded.out);
  BOOST_TEST(CountLinesWith(off, labels[0].id) == 0u, loaded.out);
  BOOST_TEST(loaded.Lines("ACCEPTED").size() == 3u, loaded.out);
  BOOST_TEST(loaded.Has("transfer " + trip +
                        ": 1 on the trip, 2 OFF-TRIP, 1 of its 2 container(s) not scanned"),
             loaded.out);

  // Offline the list is the stored one, said to be so (exit 3: no network).
  CliRun offline = truck.Run("transfers");
  BOOST_TEST(offline.rc == 3, offline.out);
  BOOST_TEST(offline.Has("offline"), offline.out);
  BOOST_TEST(offline.Has(labels[0].id), offline.out);
  CliRun stored = truck.Run("transfers --stored");
  BOOST_TEST(stored.rc == 0, stored.out);
  BOOST_TEST(stored.Lines(trip).size() == 1u, stored.out);

  // A trip the handheld does not know, and one of another organisation: clear errors, nothing
  // queued.
  CliRun unknown = truck.Run("scan --kind pickup --transfer 20263310999999", labels[1].token);
  BOOST_TEST(unknown.rc == 2, unknown.out);
  BOOST_TEST(unknown.Has("UNKNOWN_TRANSFER"), unknown.out);
  BOOST_TEST(unknown.Has("transfer 20263310999999 is not among the open trips"), unknown.out);
  BOOST_TEST(unknown.Has(trip), "the stored trips are named: " << unknown.out);
  CliRun not_ours =
      other_gate.Run("scan --kind receive --facility FAC-G --transfer " + trip, labels[0].token);
  BOOST_TEST(not_ours.rc == 2, not_ours.out);
  BOOST_TEST(not_ours.Has("UNKNOWN_TRANSFER"), not_ours.out);
  BOOST_TEST(truck.StatusCmd().Has("3 queued"));

  // Back in coverage: the sync delivers all three, and the server's custody answers.
  BOOST_REQUIRE(server.Start().ok());
  CliRun synced = truck.Sync();
  BOOST_TEST_MESSAGE(synced.out);
  BOOST_TEST(synced.rc == 1, "a parked scan: " << synced.out);
  BOOST_TEST(synced.Has("3 sent, 2 accepted, 0 already stored, 1 parked NOT_CARRIER=1"),
             synced.out);
  BOOST_TEST(synced.Has("trips: 2 open transfer(s) stored"),
             "ours and the ad hoc one: " << synced.out);
  BOOST_TEST(truck.StatusCmd().Has("parked:      NOT_CARRIER pickup " + labels[2].id));
  auto t = GetTransfer(server, trip);
  BOOST_TEST(JsonString(t, "status") == "in_transit");
  BOOST_TEST(ContainerStatus(t, labels[0].id) == "loaded");
  BOOST_TEST(ContainerStatus(t, labels[1].id) == "listed");
  BOOST_TEST(ContainerStatus(t, labels[3].id) == "");
  auto other = GetTransfer(server, other_trip);
  BOOST_TEST(JsonString(other, "status") == "submitted");
  BOOST_TEST(ContainerStatus(other, labels[2].id) == "listed");
  BOOST_TEST(JsonString(GetManifest(server, labels[2].id), "status") == "issued");
  BOOST_TEST(JsonString(GetManifest(server, labels[3].id), "status") != "issued");

  // The landfill's gate: the refreshed list shows the trip in transit; the receive of the
  // ad hoc label is off this trip (warned) and still accepted by the server.
  CliRun refreshed = gate.Run("transfers");
  BOOST_REQUIRE_MESSAGE(refreshed.rc == 0, refreshed.out);
  BOOST_TEST(refreshed.Lines(trip)[0].find("in_transit") != std::string::npos, refreshed.out);
  BOOST_TEST(refreshed.Has(labels[0].id + "  loaded"), refreshed.out);
  CliRun received = gate.Run("scan --kind receive --transfer " + trip,
                             labels[0].token + "\n1250 kg\n" + labels[3].token + "\n1249 kg\n");
  BOOST_TEST_MESSAGE(received.out);
  BOOST_TEST(received.rc == 0, received.out);
  BOOST_TEST(received.Lines("OFF-TRIP").size() == 1u, received.out);
  BOOST_TEST(CountLinesWith(received.Lines("OFF-TRIP"), labels[3].id) == 1u, received.out);
  BOOST_TEST(received.Has("1 on the trip, 1 OFF-TRIP"), received.out);
  CliRun gate_sync = gate.Sync();
  BOOST_TEST(gate_sync.rc == 0, gate_sync.out);
  BOOST_TEST(gate_sync.Has("2 sent, 2 accepted"), gate_sync.out);
  t = GetTransfer(server, trip);
  BOOST_TEST(JsonString(t, "status") == "delivered");
  BOOST_TEST(ContainerStatus(t, labels[0].id) == "received");
  BOOST_TEST(JsonString(GetManifest(server, labels[0].id), "status") == "received");
  BOOST_TEST(JsonString(GetManifest(server, labels[3].id), "status") == "received");
  BOOST_TEST(server.Stop() == 0);
}

// A refused drum goes back on a return trip: the truck's handheld, which picked it up on the
// way out, takes it again on the return trip (not a copied label there), and the server agrees.
BOOST_AUTO_TEST_CASE(a_refused_container_is_picked_up_again_on_its_return_trip) {
  ServerProcess server;
  BOOST_REQUIRE_MESSAGE(server.Start().ok(), "server start");
  const Deployment d = SetUpDeployment(server);
  const auto labels = IssueLabels(server, d, 2);
  const std::string trip = SubmitTransfer(server, d, d.collector, labels);
  ScannerCli truck("scanner-c1");
  ScannerCli gate("scanner-f1");
  for (const ScannerCli* s : {&truck, &gate}) {
    CliRun enrolled = s->Enroll(server, d);
    BOOST_REQUIRE_MESSAGE(enrolled.rc == 0, enrolled.out);
    BOOST_REQUIRE(s->Run("transfers").rc == 0);
  }
  CliRun out_bound = truck.Run("scan --kind pickup --transfer " + trip,
                               labels[0].token + "\n1250 kg\n" + labels[1].token + "\n1250 kg\n");
  BOOST_REQUIRE_MESSAGE(out_bound.rc == 0, out_bound.out);
  BOOST_REQUIRE(truck.Sync().rc == 0);
  CliRun in = gate.Run("scan --kind receive --transfer " + trip,
                       labels[0].token + "\n1250 kg\n" + labels[1].token + "\n1250 kg\n");
  BOOST_REQUIRE_MESSAGE(in.rc == 0, in.out);
  BOOST_REQUIRE(gate.Sync().rc == 0);

  // The receipt refuses the second drum; the carrier takes it back to the sender.
  auto c = server.Client();
  const std::string f_token = [&] {
    auto t =
        CallJson(c, "POST", "/api/v1/orgs/" + d.fac_f + "/tokens", Bearer(server.admin_token()),
                 sbb_json::object{{"role", "facility"}, {"label", "weighbridge"}}, 201);
    return JsonString(t, "token");
  }();
  auto receipt = CallJson(
      c, "POST", "/api/v1/transfers/" + trip + "/receipt", Bearer(f_token),
      sbb_json::object{{"refused", sbb_json::array{sbb_json::object{{"manifest", labels[1].id},
                                                                    {"reason", "桶体破损渗漏"}}}}},
      200);
  BOOST_REQUIRE_EQUAL(JsonString(receipt, "status"), "received");
  auto back = CallJson(c, "POST", "/api/v1/transfers/" + trip + "/return", Bearer(f_token),
                       sbb_json::object{{"to", "sender"}}, 201);
  const std::string return_trip = JsonString(back, "id");
  BOOST_REQUIRE_EQUAL(JsonString(back, "return_of"), trip);

  CliRun listed = truck.Run("transfers");
  BOOST_REQUIRE_MESSAGE(listed.rc == 0, listed.out);
  BOOST_TEST(listed.Lines(return_trip).size() == 1u, listed.out);
  BOOST_TEST(listed.Has("return of " + trip), listed.out);
  BOOST_TEST(listed.Lines(trip).empty(), "the received trip is closed: " << listed.out);
  // Without the return trip the handheld still calls a second pickup a copy ...
  CliRun unbound = truck.Run("scan --kind pickup", labels[1].token + "\n1250 kg\n");
  BOOST_TEST(unbound.rc == 1, unbound.out);
  BOOST_TEST(unbound.Has("REJECTED  ALREADY_SCANNED " + labels[1].id), unbound.out);
  // ... bound to it, it takes the drum, once.
  CliRun again = truck.Run("scan --kind pickup --transfer " + return_trip,
                           labels[1].token + "\n1250 kg\n" + labels[1].token + "\n");
  BOOST_TEST_MESSAGE(again.out);
  BOOST_TEST(again.Lines("ACCEPTED").size() == 1u, again.out);
  BOOST_TEST(again.Has("REJECTED  ALREADY_SCANNED " + labels[1].id), again.out);
  BOOST_TEST(again.Lines("OFF-TRIP").empty(), again.out);
  CliRun synced = truck.Sync();
  BOOST_TEST(synced.rc == 0, synced.out);
  BOOST_TEST(synced.Has("1 sent, 1 accepted"), synced.out);
  auto r = GetTransfer(server, return_trip);
  BOOST_TEST(JsonString(r, "status") == "in_transit");
  BOOST_TEST(ContainerStatus(r, labels[1].id) == "loaded");
  BOOST_TEST(server.Stop() == 0);
}

}  // namespace
}  // namespace cradle::testing
