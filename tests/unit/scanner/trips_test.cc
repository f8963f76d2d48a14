// The handheld's trips (scanner/trips.h): reading the server's transfer JSON, the warnings of a
// binding, their storage in the scanner's SQLite file (and the in-place migration of a
// version-2 file), the refresh against a scripted server, and a scan session bound to a trip
// (the shared WM1 vectors as labels) that says OFF-TRIP for a label not on it, and only then.
#define BOOST_TEST_MODULE scanner_trips
#include <sqlite3.h>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <deque>
#include <map>
#include <sstream>

#include "core/clock.h"
#include "scanner/outbox.h"
#include "scanner/scan_session.h"
#include "scanner/sync.h"
#include "scanner/trips.h"
#include "tests/unit/scanner/test_util.h"

namespace cradle::scan {
namespace {

namespace json = boost::json;
using testing::TempDir;

constexpr char kCarrier[] = "91331000CLT0000010";
constexpr char kLandfillOrg[] = "91331000LFL0000012";
constexpr char kSender[] = "91331000NCP0000015";

// A transfer as GET /api/v1/transfers/{id} renders it (the fields the scanner reads, and some
// it ignores).
json::object TransferJson(const std::string& id, const std::string& status,
                          const std::vector<std::string>& manifests,
                          const std::string& carrier = kCarrier) {
  json::array containers;
  for (const auto& m : manifests) {
    containers.push_back(json::object{{"manifest", m},
                                      {"status", "listed"},
                                      {"waste_code", "772-002-18"},
                                      {"packaging", "TB"},
                                      {"declared_g", 1'250'500},
                                      {"pickup_g", nullptr},
                                      {"refusal", nullptr}});
  }
  return json::object{{"id", id},
                      {"sender", kSender},
                      {"carrier", carrier},
                      {"receiver", "FAC-F"},
                      {"receiver_org", kLandfillOrg},
                      {"vehicle", "浙J12345"},
                      {"driver", nullptr},
                      {"purpose", "disposal"},
                      {"planned_on", "2026-12-03"},
                      {"status", status},
                      {"ad_hoc", false},
                      {"containers", std::move(containers)},
                      {"lines", json::array()},
                      {"revisions", json::array()}};
}

// A list item: the same without containers.
json::object Summary(json::object transfer) {
  transfer.erase("containers");
  transfer.erase("lines");
  transfer.erase("revisions");
  return transfer;
}

Trip SampleTrip(const std::string& id, const std::vector<std::string>& manifests) {
  Result<Trip> trip = ParseTrip(json::serialize(TransferJson(id, "submitted", manifests)));
  BOOST_REQUIRE(trip.ok());
  return *trip;
}

BOOST_AUTO_TEST_CASE(parses_a_transfer_with_its_containers) {
  Result<Trip> trip =
      ParseTrip(json::serialize(TransferJson("20263310000042", "in_transit", {"A", "B"})));
  BOOST_REQUIRE_MESSAGE(trip.ok(), trip.status().ToString());
  BOOST_CHECK_EQUAL(trip->id, "20263310000042");
  BOOST_CHECK_EQUAL(trip->status, "in_transit");
  BOOST_CHECK_EQUAL(trip->carrier, kCarrier);
  BOOST_CHECK_EQUAL(trip->receiver, "FAC-F");
  BOOST_CHECK_EQUAL(trip->receiver_org, kLandfillOrg);
  BOOST_CHECK_EQUAL(trip->vehicle, "浙J12345");
  BOOST_CHECK_EQUAL(trip->planned_on, "2026-12-03");
  BOOST_REQUIRE_EQUAL(trip->containers.size(), 2u);
  BOOST_CHECK_EQUAL(trip->containers[1].manifest_id, "B");
  BOOST_CHECK_EQUAL(trip->containers[1].declared_g, 1'250'500);
  BOOST_CHECK(trip->Find("A") != nullptr);
  BOOST_CHECK(trip->Find("C") == nullptr);
  BOOST_CHECK_EQUAL(trip->RoleOf(kCarrier), "carrier");
  BOOST_CHECK_EQUAL(trip->RoleOf(kLandfillOrg), "receiver");
  BOOST_CHECK_EQUAL(trip->RoleOf(kSender), "");
  BOOST_CHECK_EQUAL(trip->RoleOf(""), "");
}

BOOST_AUTO_TEST_CASE(odd_answers_are_protocol_errors) {
  BOOST_CHECK_EQUAL(ParseTrip("[]").status().code(), "PROTOCOL");
  BOOST_CHECK_EQUAL(ParseTrip("{\"status\":\"submitted\"}").status().code(), "PROTOCOL");
  json::object no_manifest = TransferJson("20263310000042", "submitted", {"A"});
  no_manifest["containers"].as_array()[0].as_object().erase("manifest");
  BOOST_CHECK_EQUAL(ParseTrip(json::serialize(no_manifest)).status().code(), "PROTOCOL");
  BOOST_CHECK_EQUAL(ParseTripPage("{\"next\":null}").status().code(), "PROTOCOL");
  BOOST_CHECK_EQUAL(ParseTripPage("not json").status().code(), "PROTOCOL");

  Result<TripPage> page = ParseTripPage(json::serialize(json::object{
      {"items", json::array{Summary(TransferJson("1", "x", {}))}}, {"next", nullptr}}));
  BOOST_REQUIRE(page.ok());
  BOOST_CHECK_EQUAL(page->items.size(), 1u);
  BOOST_CHECK(page->next.empty());
}

BOOST_AUTO_TEST_CASE(binding_warns_about_what_the_server_will_refuse) {
  Trip trip = SampleTrip("20263310000042", {"A"});
  // The carrier's own truck, the trip's vehicle: nothing to say.
  BOOST_CHECK(TripBindingWarnings(trip, kCarrier, ScanKind::kPickup, "浙J12345", "").empty());
  BOOST_CHECK(TripBindingWarnings(trip, "", ScanKind::kPickup, "", "").empty());
  auto other_org = TripBindingWarnings(trip, kLandfillOrg, ScanKind::kPickup, "", "");
  BOOST_REQUIRE_EQUAL(other_org.size(), 1u);
  BOOST_CHECK_NE(other_org[0].find("NOT_CARRIER"), std::string::npos);
  auto other_truck = TripBindingWarnings(trip, kCarrier, ScanKind::kPickup, "浙J99999", "");
  BOOST_REQUIRE_EQUAL(other_truck.size(), 1u);
  BOOST_CHECK_NE(other_truck[0].find("浙J12345"), std::string::npos);

  trip.status = "in_transit";
  BOOST_CHECK(TripBindingWarnings(trip, kLandfillOrg, ScanKind::kReceive, "", "FAC-F").empty());
  auto wrong_gate = TripBindingWarnings(trip, kLandfillOrg, ScanKind::kReceive, "", "FAC-G");
  BOOST_REQUIRE_EQUAL(wrong_gate.size(), 1u);
  BOOST_CHECK_NE(wrong_gate[0].find("WRONG_RECEIVER"), std::string::npos);
  // Received before any pickup reached the server: the scans will be held, say so.
  trip.status = "submitted";
  auto early = TripBindingWarnings(trip, kLandfillOrg, ScanKind::kReceive, "", "FAC-F");
  BOOST_REQUIRE_EQUAL(early.size(), 1u);
  BOOST_CHECK_NE(early[0].find("OUT_OF_ORDER"), std::string::npos);
}

// --- storage -----------------------------------------------------------------------------

std::unique_ptr<Outbox> OpenOutbox(const std::string& path) {
  auto opened = Outbox::Open(path);
  BOOST_REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
  return std::move(opened).value();
}

BOOST_AUTO_TEST_CASE(trips_are_stored_replaced_whole_and_survive_a_reopen) {
  TempDir dir;
  const std::string path = dir.File("scanner.db");
  {
    auto outbox = OpenOutbox(path);
    BOOST_CHECK(outbox->Trips()->empty());
    Trip a = SampleTrip("20263310000001", {"A1", "A2"});
    Trip b = SampleTrip("20263310000002", {"B1"});
    b.ad_hoc = true;
    BOOST_REQUIRE(outbox->ReplaceTrips({a, b}, kCarrier, 42).ok());
    auto trips = outbox->Trips();
    BOOST_REQUIRE(trips.ok());
    BOOST_REQUIRE_EQUAL(trips->size(), 2u);
    BOOST_CHECK(trips->at(0) == a);
    BOOST_CHECK(trips->at(1) == b);
    // A second refresh that no longer lists `a` (received meanwhile) removes it.
    b.containers.push_back({"B2", "listed", "772-002-18", 5});
    BOOST_REQUIRE(outbox->ReplaceTrips({b}, kCarrier, 43).ok());
  }
  auto outbox = OpenOutbox(path);
  auto trips = outbox->Trips();
  BOOST_REQUIRE_EQUAL(trips->size(), 1u);
  BOOST_CHECK_EQUAL(trips->at(0).containers.size(), 2u);
  BOOST_CHECK(!outbox->FindTrip("20263310000001")->has_value());
  BOOST_REQUIRE(outbox->FindTrip("20263310000002")->has_value());
  BOOST_CHECK(outbox->FindTrip("20263310000002")->value().ad_hoc);
  BOOST_CHECK_EQUAL(outbox->GetMeta(kMetaOrg)->value_or(""), kCarrier);
  BOOST_CHECK_EQUAL(outbox->GetMeta(kMetaTripsFetchedAt)->value_or(""), "43");
  // The same id twice in one answer is the server's error, and nothing changes.
  BOOST_CHECK_EQUAL(outbox->ReplaceTrips({trips->at(0), trips->at(0)}, kCarrier, 44).code(),
                    "PROTOCOL");
  BOOST_CHECK_EQUAL(outbox->Trips()->size(), 1u);
  BOOST_CHECK_EQUAL(outbox->GetMeta(kMetaTripsFetchedAt)->value_or(""), "43");
}

void ExecRaw(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  BOOST_REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &error);
  BOOST_REQUIRE_MESSAGE(rc == SQLITE_OK, (error ? error : "?"));
  sqlite3_close(db);
}

BOOST_AUTO_TEST_CASE(a_version_2_file_migrates_in_place_keeping_its_scans) {
  TempDir dir;
  const std::string path = dir.File("scanner.db");
  // A handheld's file as the previous release left it: version 2, one queued scan, one held.
  ExecRaw(path, R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE revoked(manifest_id TEXT PRIMARY KEY, voided_at TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE seen(manifest_id TEXT NOT NULL, kind TEXT NOT NULL,
  PRIMARY KEY(manifest_id, kind)) WITHOUT ROWID;
CREATE TABLE outbox(seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL, token TEXT NOT NULL, manifest_id TEXT NOT NULL, mass_g INTEGER,
  scanned_at TEXT NOT NULL, facility TEXT, vehicle TEXT, method TEXT,
  state TEXT NOT NULL DEFAULT 'queued' CHECK(state IN ('queued', 'done', 'parked')),
  claimed INTEGER NOT NULL DEFAULT 0, code TEXT, held_since INTEGER, retry_at INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0);
INSERT INTO meta VALUES('server_url', 'https://127.0.0.1:8443');
INSERT INTO seen VALUES('M1', 'pickup'), ('M2', 'receive');
INSERT INTO outbox(event_id, kind, token, manifest_id, mass_g, scanned_at, vehicle)
  VALUES('e1', 'pickup', 'WM1:x', 'M1', 1000, '2026-12-03T09:00:00+08:00', 'V');
INSERT INTO outbox(event_id, kind, token, manifest_id, mass_g, scanned_at, facility, code,
  held_since, retry_at, attempts)
  VALUES('e2', 'receive', 'WM1:y', 'M2', 900, '2026-12-03T10:00:00+08:00', 'FAC-F',
  'OUT_OF_ORDER', 5, 6, 1);
PRAGMA user_version = 2;
)sql");
  auto outbox = OpenOutbox(path);
  auto counts = outbox->Counts();
  BOOST_REQUIRE(counts.ok());
  BOOST_CHECK_EQUAL(counts->queued, 1);
  BOOST_CHECK_EQUAL(counts->held, 1);
  BOOST_CHECK_EQUAL(outbox->Find("e1")->value().mass_g.value_or(0), 1000);
  BOOST_CHECK_EQUAL(outbox->GetMeta(kMetaServerUrl)->value_or(""), "https://127.0.0.1:8443");
  BOOST_CHECK(*outbox->WasScanned("M1", ScanKind::kPickup));
  BOOST_REQUIRE(outbox->ReplaceTrips({SampleTrip("20263310000001", {"M1"})}, kCarrier, 1).ok());
  outbox.reset();
  // Opening again does not migrate twice.
  outbox = OpenOutbox(path);
  BOOST_CHECK_EQUAL(outbox->Trips()->size(), 1u);
  sqlite3* db = nullptr;
  BOOST_REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, nullptr);
  BOOST_REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  BOOST_CHECK_EQUAL(sqlite3_column_int(st, 0), 3);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

// --- the refresh against a scripted server ------------------------------------------------

// Answers GET requests from a table of target -> (status, body); anything else is a 404, and
// `down` makes every request a network failure.
class TableTransport final : public Transport {
 public:
  Result<HttpAnswer> Send(const std::string& method, const std::string& target,
                          const std::string&) override {
    requests.push_back(method + " " + target);
    if (down) return Status("NETWORK", "connection refused");
    auto it = answers.find(target);
    if (it == answers.end()) return HttpAnswer{404, "{\"code\":\"NOT_FOUND\"}", ""};
    return it->second;
  }
  void Set(const std::string& target, const json::value& body, int status = 200) {
    answers[target] = HttpAnswer{status, json::serialize(body), ""};
  }

  std::map<std::string, HttpAnswer> answers;
  std::vector<std::string> requests;
  bool down = false;
};

struct RefreshFixture {
  TempDir dir;
  std::unique_ptr<Outbox> outbox = OpenOutbox(dir.File("scanner.db"));
  TableTransport transport;
  FakeClock clock{1'795'750'867'000'000};
  Syncer syncer{*outbox, transport,
                [] {
                  RetryPolicy p;
                  p.max_attempts = 2;
                  return p;
                }(),
                [this] {
                  SyncDeps deps;
                  deps.sleep = [](std::chrono::milliseconds) {};
                  deps.random = [] { return uint64_t{0}; };
                  deps.clock = &clock;
                  return deps;
                }()};

  void ListPage(const std::string& status, const std::string& after,
                const std::vector<json::object>& items, const std::string& next) {
    json::array list;
    for (const auto& t : items) list.push_back(Summary(t));
    transport.Set(TripsTarget(kCarrier, status, after),
                  json::object{{"items", std::move(list)},
                               {"next", next.empty() ? json::value(nullptr) : json::value(next)}});
  }
};

BOOST_FIXTURE_TEST_CASE(refresh_lists_every_open_status_page_by_page, RefreshFixture) {
  transport.Set("/api/v1/me", json::object{{"org", kCarrier}, {"device", "scanner-c1"}});
  const json::object t1 = TransferJson("20263310000001", "submitted", {"A1", "A2"});
  const json::object t2 = TransferJson("20263310000002", "submitted", {"B1"});
  const json::object t3 = TransferJson("20263310000003", "in_transit", {"C1"});
  // The organisation's own shipment from its station, carried by someone else: not its trip.
  const json::object sent = TransferJson("20263310000004", "submitted", {"D1"}, kSender);
  ListPage("submitted", "", {t1}, "20263310000001");
  ListPage("submitted", "20263310000001", {t2, sent}, "");
  ListPage("in_transit", "", {t3}, "");
  ListPage("delivered", "", {}, "");
  for (const auto& t : {t1, t2, t3, sent}) {
    transport.Set("/api/v1/transfers/" + std::string(t.at("id").as_string()), t);
  }

  auto trips = syncer.RefreshTrips();
  BOOST_REQUIRE_MESSAGE(trips.ok(), trips.status().ToString());
  BOOST_REQUIRE_EQUAL(trips->size(), 3u);
  BOOST_CHECK_EQUAL(trips->at(0).containers.size(), 2u);
  BOOST_CHECK_EQUAL(trips->at(2).status, "in_transit");
  for (const auto& r : transport.requests) BOOST_TEST_MESSAGE(r);
  BOOST_CHECK(std::find(transport.requests.begin(), transport.requests.end(),
                        "GET /api/v1/transfers/20263310000004") == transport.requests.end());
  BOOST_CHECK_EQUAL(transport.requests.front(), "GET /api/v1/me");
  BOOST_CHECK_EQUAL(
      TripsTarget(kCarrier, "in_transit", ""),
      std::string("/api/v1/transfers?party=") + kCarrier + "&status=in_transit&limit=200");
  auto stored = outbox->Trips();
  BOOST_REQUIRE_EQUAL(stored->size(), 3u);
  BOOST_CHECK(stored->at(1) == trips->at(1));
  BOOST_CHECK_EQUAL(outbox->GetMeta(kMetaOrg)->value_or(""), kCarrier);
  BOOST_CHECK_EQUAL(outbox->GetMeta(kMetaTripsFetchedAt)->value_or(""),
                    std::to_string(clock.NowMicros()));

  // t1 is received between the list and its detail: it is not stored. t2's detail fails:
  // nothing is replaced at all.
  transport.Set("/api/v1/transfers/20263310000001",
                TransferJson("20263310000001", "received", {"A1", "A2"}));
  transport.Set("/api/v1/transfers/20263310000002", json::object{{"code", "INTERNAL"}}, 500);
  auto failed = syncer.RefreshTrips();
  BOOST_CHECK_EQUAL(failed.status().code(), "NETWORK");
  BOOST_CHECK_EQUAL(outbox->Trips()->size(), 3u);
  transport.Set("/api/v1/transfers/20263310000002", t2);
  auto again = syncer.RefreshTrips();
  BOOST_REQUIRE(again.ok());
  BOOST_CHECK_EQUAL(again->size(), 2u);
  BOOST_CHECK(!outbox->FindTrip("20263310000001")->has_value());

  // Offline: NETWORK, and the stored list stays for the next session.
  transport.down = true;
  BOOST_CHECK_EQUAL(syncer.RefreshTrips().status().code(), "NETWORK");
  BOOST_CHECK_EQUAL(outbox->Trips()->size(), 2u);
}

BOOST_FIXTURE_TEST_CASE(refresh_refused_by_the_server_says_so, RefreshFixture) {
  transport.Set("/api/v1/me", json::object{{"code", "UNAUTHENTICATED"}}, 401);
  BOOST_CHECK_EQUAL(syncer.RefreshTrips().status().code(), "UNAUTHORIZED");
  transport.Set("/api/v1/me", json::object{{"role", "collector"}});
  BOOST_CHECK_EQUAL(syncer.RefreshTrips().status().code(), "PROTOCOL");
}

// --- a session bound to a trip ------------------------------------------------------------

struct SessionFixture {
  TempDir dir;
  std::unique_ptr<Outbox> outbox = OpenOutbox(dir.File("scanner.db"));
  KeySet keys = testing::VectorKeySet();
  FakeClock clock{1'795'750'867'000'000};
  std::ostringstream out;
  std::vector<testing::ValidVector> labels = testing::ValidVectors();

  std::vector<std::string> Lines(const std::string& word) const {
    std::vector<std::string> lines;
    std::istringstream in(out.str());
    for (std::string line; std::getline(in, line);) {
      if (line.rfind(word, 0) == 0) lines.push_back(line);
    }
    return lines;
  }
};

BOOST_FIXTURE_TEST_CASE(pickup_of_an_off_trip_label_is_warned_before_its_mass, SessionFixture) {
  BOOST_REQUIRE_GE(labels.size(), 3u);
  // The trip lists labels 0 and 2 (and one more container never scanned); label 1 is not on it.
  Trip trip = SampleTrip("20263310000042", {labels[0].digital_id, labels[2].digital_id, "X"});
  ScanSession session({ScanKind::kPickup, "", "浙J12345", ""}, keys, *outbox, clock, out);
  session.BindTrip(&trip, kCarrier);
  BOOST_REQUIRE_EQUAL(Lines("TRIP").size(), 1u);
  BOOST_CHECK_NE(Lines("TRIP")[0].find("20263310000042"), std::string::npos);
  BOOST_CHECK_NE(Lines("TRIP")[0].find("as its carrier"), std::string::npos);
  BOOST_CHECK(Lines("WARNING").empty());

  session.OnLine(labels[0].token);
  session.OnLine("1250 kg");
  BOOST_CHECK(Lines("OFF-TRIP").empty());
  session.OnLine(labels[1].token);
  // Said at once, before the mass is typed and the container loaded.
  auto warned = Lines("OFF-TRIP");
  BOOST_REQUIRE_EQUAL(warned.size(), 1u);
  BOOST_CHECK_NE(warned[0].find(labels[1].digital_id), std::string::npos);
  BOOST_CHECK_NE(warned[0].find("NOT on transfer 20263310000042"), std::string::npos);
  session.OnLine("1250 kg");
  session.OnLine(labels[2].token);
  session.OnLine("1250 kg");
  session.End();
  BOOST_CHECK_EQUAL(Lines("OFF-TRIP").size(), 1u);  // once per label
  BOOST_CHECK_EQUAL(Lines("ACCEPTED").size(), 3u);
  // Still queued: the server decides custody.
  BOOST_CHECK_EQUAL(outbox->Counts()->queued, 3);
  BOOST_CHECK_EQUAL(session.accepted(), 3);
  BOOST_CHECK_EQUAL(session.on_trip(), 2);
  BOOST_CHECK_EQUAL(session.off_trip(), 1);
  BOOST_CHECK_EQUAL(session.trip_unscanned(), 1);
  BOOST_CHECK_EQUAL(session.refused(), 0);
}

BOOST_FIXTURE_TEST_CASE(dispose_and_image_scans_are_checked_too, SessionFixture) {
  Trip trip = SampleTrip("20263310000042", {labels[0].digital_id});
  trip.status = "delivered";
  ScanSession session({ScanKind::kReject, "FAC-G", "", ""}, keys, *outbox, clock, out);
  session.BindTrip(&trip, kLandfillOrg);
  // Not the trip's receiver: warned once, at the start.
  BOOST_REQUIRE_EQUAL(Lines("WARNING").size(), 1u);
  BOOST_CHECK_NE(Lines("WARNING")[0].find("WRONG_RECEIVER"), std::string::npos);
  session.OnToken(labels[0].token, std::nullopt);
  session.OnToken(labels[1].token, 1000);
  BOOST_REQUIRE_EQUAL(Lines("OFF-TRIP").size(), 1u);
  BOOST_CHECK_NE(Lines("OFF-TRIP")[0].find(labels[1].digital_id), std::string::npos);
  BOOST_CHECK_EQUAL(session.on_trip(), 1);
  BOOST_CHECK_EQUAL(session.off_trip(), 1);
  BOOST_CHECK_EQUAL(session.trip_unscanned(), 0);
}

BOOST_FIXTURE_TEST_CASE(an_unbound_session_counts_nothing_and_never_warns, SessionFixture) {
  ScanSession session({ScanKind::kDispose, "FAC-F", "", "D1"}, keys, *outbox, clock, out);
  session.OnLine(labels[0].token);
  session.End();
  BOOST_CHECK_EQUAL(session.accepted(), 1);
  BOOST_CHECK(Lines("OFF-TRIP").empty());
  BOOST_CHECK(Lines("TRIP").empty());
  BOOST_CHECK_EQUAL(session.on_trip() + session.off_trip() + session.trip_unscanned(), 0);
}

BOOST_FIXTURE_TEST_CASE(a_return_trip_takes_a_label_already_picked_up, SessionFixture) {
  // The drum went out on an earlier trip (picked up by this handheld), was refused, and goes
  // back on a return trip: its second pickup is not a copied label.
  {
    ScanSession out_bound({ScanKind::kPickup, "", "浙J12345", ""}, keys, *outbox, clock, out);
    out_bound.OnToken(labels[0].token, 1000);
    out_bound.OnToken(labels[1].token, 1000);
    BOOST_REQUIRE_EQUAL(out_bound.accepted(), 2);
  }
  json::object back = TransferJson("20263310000043", "submitted", {labels[0].digital_id});
  back["return_of"] = "20263310000042";
  back["receiver"] = nullptr;
  Result<Trip> trip = ParseTrip(json::serialize(back));
  BOOST_REQUIRE(trip.ok());
  BOOST_CHECK_EQUAL(trip->return_of, "20263310000042");
  BOOST_CHECK_EQUAL(trip->Destination(), kLandfillOrg);
  BOOST_CHECK_EQUAL(RepeatScope(&*trip, labels[0].digital_id), "20263310000043");
  BOOST_CHECK_EQUAL(RepeatScope(&*trip, labels[1].digital_id), "");
  BOOST_CHECK_EQUAL(RepeatScope(nullptr, labels[0].digital_id), "");

  out.str("");
  ScanSession session({ScanKind::kPickup, "", "浙J12345", ""}, keys, *outbox, clock, out);
  session.BindTrip(&*trip, kCarrier);
  BOOST_CHECK_NE(Lines("TRIP")[0].find("(return of 20263310000042)"), std::string::npos);
  session.OnToken(labels[0].token, 1000);
  // Within the return trip a repeat is still caught, and a label not on it keeps the device's
  // own rule (picked up here before: a copy).
  session.OnToken(labels[0].token, 1000);
  session.OnToken(labels[1].token, 1000);
  BOOST_CHECK_EQUAL(session.accepted(), 1);
  BOOST_CHECK_EQUAL(session.refused(), 2);
  auto rejected = Lines("REJECTED");
  BOOST_REQUIRE_EQUAL(rejected.size(), 2u);
  BOOST_CHECK_NE(rejected[0].find("ALREADY_SCANNED " + labels[0].digital_id), std::string::npos);
  BOOST_CHECK_NE(rejected[1].find("ALREADY_SCANNED " + labels[1].digital_id), std::string::npos);
  BOOST_CHECK_EQUAL(session.on_trip(), 1);

  // The return scan keeps its scope across a reopen; when the server parks it, only its own
  // seen row goes: the out-bound pickup still counts as scanned.
  auto batch = outbox->ClaimBatch(10);
  BOOST_REQUIRE_EQUAL(batch->size(), 3u);
  BOOST_CHECK_EQUAL(batch->at(0).scan.repeat_scope, "");
  BOOST_CHECK_EQUAL(batch->at(2).scan.repeat_scope, "20263310000043");
  ScanOutcome parked{batch->at(2).scan.event_id, true, false, "NOT_CARRIER"};
  BOOST_REQUIRE(outbox->Settle({parked}, clock.NowMicros(), HoldPolicy{}).ok());
  BOOST_CHECK(!*outbox->WasScanned(labels[0].digital_id, ScanKind::kPickup, "20263310000043"));
  BOOST_CHECK(*outbox->WasScanned(labels[0].digital_id, ScanKind::kPickup));
}

}  // namespace
}  // namespace cradle::scan
