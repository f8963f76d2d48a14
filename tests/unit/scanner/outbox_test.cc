// The outbox on real SQLite files: durability across reopen, state transitions, speed.
#define BOOST_TEST_MODULE scanner_outbox
#include <boost/test/unit_test.hpp>

#include "core/uuid.h"
#include "scanner/outbox.h"
#include "scanner/sqlite.h"
#include "tests/unit/scanner/test_util.h"

namespace cradle::scan {
namespace {

using testing::SampleScan;
using testing::TempDir;

std::unique_ptr<Outbox> OpenAt(const std::string& path) {
  auto opened = Outbox::Open(path);
  BOOST_REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
  return std::move(opened).value();
}

std::string Id(int i) {
  std::string serial = std::to_string(1 + i % 999);
  return "91331000MA2H0A1B3E77200218" + std::to_string(20260101 + i / 999 % 28) +
         std::string(3 - serial.size(), '0') + serial;
}

BOOST_AUTO_TEST_CASE(durable_across_reopen) {
  TempDir dir;
  const std::string path = dir.File("scanner.db");
  ScanRecord scan = SampleScan("ev-1", Id(1));
  {
    auto outbox = OpenAt(path);
    BOOST_REQUIRE(outbox->Enqueue(scan).ok());
    BOOST_REQUIRE(outbox->SetMeta(kMetaServerUrl, "https://127.0.0.1:8443").ok());
    BOOST_REQUIRE(outbox->AddRevocations({{Id(7), "2026-11-28T10:00:00+08:00"}}, "cur-1").ok());
  }
  auto outbox = OpenAt(path);
  auto found = outbox->Find("ev-1");
  BOOST_REQUIRE(found.ok() && found->has_value());
  BOOST_CHECK(**found == scan);
  BOOST_CHECK_EQUAL(outbox->GetMeta(kMetaServerUrl)->value_or(""), "https://127.0.0.1:8443");
  BOOST_CHECK_EQUAL(outbox->GetMeta(kMetaRevocationCursor)->value_or(""), "cur-1");
  BOOST_CHECK(*outbox->IsRevoked(Id(7)));
  BOOST_CHECK(!*outbox->IsRevoked(Id(8)));
  BOOST_CHECK(*outbox->WasScanned(Id(1), ScanKind::kPickup));
  BOOST_CHECK(!*outbox->WasScanned(Id(1), ScanKind::kReceive));
  BOOST_CHECK_EQUAL(outbox->Counts()->queued, 1);
  BOOST_CHECK(!outbox->GetMeta("absent")->has_value());
}

BOOST_AUTO_TEST_CASE(optional_fields_round_trip_as_absent) {
  TempDir dir;
  auto outbox = OpenAt(dir.File("scanner.db"));
  ScanRecord scan = SampleScan("ev-2", Id(2), ScanKind::kReject);
  scan.mass_g.reset();
  scan.vehicle.clear();
  scan.facility = "F-1";
  BOOST_REQUIRE(outbox->Enqueue(scan).ok());
  auto found = outbox->Find("ev-2");
  BOOST_CHECK(**found == scan);
}

BOOST_AUTO_TEST_CASE(same_label_same_kind_is_refused_atomically) {
  TempDir dir;
  auto outbox = OpenAt(dir.File("scanner.db"));
  BOOST_REQUIRE(outbox->Enqueue(SampleScan("a", Id(1))).ok());
  Status again = outbox->Enqueue(SampleScan("b", Id(1)));
  BOOST_CHECK_EQUAL(again.code(), "ALREADY_SCANNED");
  BOOST_CHECK(!outbox->Find("b")->has_value());
  BOOST_CHECK(outbox->Enqueue(SampleScan("c", Id(1), ScanKind::kReceive)).ok());
  // All or nothing for many.
  Status many = outbox->EnqueueMany({SampleScan("d", Id(2)), SampleScan("e", Id(1))});
  BOOST_CHECK_EQUAL(many.code(), "ALREADY_SCANNED");
  BOOST_CHECK(!outbox->Find("d")->has_value());
  BOOST_CHECK(!*outbox->WasScanned(Id(2), ScanKind::kPickup));
  // A duplicate event id is a storage error, not a silent merge.
  BOOST_CHECK(!outbox->Enqueue(SampleScan("a", Id(3))).ok());
}

BOOST_AUTO_TEST_CASE(state_transitions) {
  TempDir dir;
  auto outbox = OpenAt(dir.File("scanner.db"));
  for (int i = 0; i < 5; ++i) {
    BOOST_REQUIRE(outbox->Enqueue(SampleScan("ev-" + std::to_string(i), Id(i))).ok());
  }
  auto batch = outbox->ClaimBatch(3);
  BOOST_REQUIRE_EQUAL(batch->size(), 3u);
  BOOST_CHECK_EQUAL((*batch)[0].scan.event_id, "ev-0");
  BOOST_CHECK_EQUAL((*batch)[2].scan.event_id, "ev-2");
  // Unanswered: the same batch again, same ids, same order.
  auto again = outbox->ClaimBatch(3);
  BOOST_REQUIRE_EQUAL(again->size(), 3u);
  for (size_t i = 0; i < 3; ++i) BOOST_CHECK((*again)[i].scan == (*batch)[i].scan);

  ScanOutcome done{"ev-0", false, false, ""};
  ScanOutcome duplicate{"ev-1", false, true, ""};
  ScanOutcome parked{"ev-2", true, false, "NOT_ACCEPTED"};
  auto states = outbox->Settle({done, duplicate, parked}, 0, HoldPolicy{});
  BOOST_REQUIRE(states.ok());
  BOOST_CHECK(*states == (std::vector<OutboxState>{OutboxState::kDone, OutboxState::kDone,
                                                   OutboxState::kParked}));
  BOOST_CHECK(**outbox->StateOf("ev-0") == OutboxState::kDone);
  BOOST_CHECK(**outbox->StateOf("ev-1") == OutboxState::kDone);
  BOOST_CHECK(**outbox->StateOf("ev-2") == OutboxState::kParked);
  BOOST_CHECK(**outbox->StateOf("ev-3") == OutboxState::kQueued);
  OutboxCounts counts = *outbox->Counts();
  BOOST_CHECK_EQUAL(counts.queued, 2);
  BOOST_CHECK_EQUAL(counts.done, 2);
  BOOST_CHECK_EQUAL(counts.parked, 1);
  auto parked_list = outbox->Parked(10);
  BOOST_REQUIRE_EQUAL(parked_list->size(), 1u);
  BOOST_CHECK_EQUAL((*parked_list)[0].code, "NOT_ACCEPTED");
  BOOST_CHECK_EQUAL((*parked_list)[0].manifest_id, Id(2));
  // A parked scan frees its label for another try; done ones stay seen.
  BOOST_CHECK(!*outbox->WasScanned(Id(2), ScanKind::kPickup));
  BOOST_CHECK(*outbox->WasScanned(Id(0), ScanKind::kPickup));
  // Settling is only from queued: a late answer cannot revive a parked or done scan.
  BOOST_REQUIRE(
      outbox->Settle({{"ev-2", false, false, ""}, {"ev-0", true, false, "X"}}, 0, {}).ok());
  BOOST_CHECK(**outbox->StateOf("ev-2") == OutboxState::kParked);
  BOOST_CHECK(**outbox->StateOf("ev-0") == OutboxState::kDone);

  auto rest = outbox->ClaimBatch(10);
  BOOST_REQUIRE_EQUAL(rest->size(), 2u);
  BOOST_CHECK_EQUAL((*rest)[0].scan.event_id, "ev-3");
}

BOOST_AUTO_TEST_CASE(late_mass_only_before_sync_claims_the_scan) {
  TempDir dir;
  auto outbox = OpenAt(dir.File("scanner.db"));
  ScanRecord scan = SampleScan("ev-1", Id(1), ScanKind::kDispose);
  scan.mass_g.reset();
  BOOST_REQUIRE(outbox->Enqueue(scan).ok());
  BOOST_CHECK(*outbox->AttachMass("ev-1", 900000));
  BOOST_CHECK_EQUAL(*(*outbox->Find("ev-1"))->mass_g, 900000);
  BOOST_REQUIRE_EQUAL(outbox->ClaimBatch(1)->size(), 1u);
  BOOST_CHECK(!*outbox->AttachMass("ev-1", 1000));
  BOOST_CHECK_EQUAL(*(*outbox->Find("ev-1"))->mass_g, 900000);
  BOOST_CHECK(!*outbox->AttachMass("nope", 1000));
}

// Behaviour only: the rate is the scanner benchmark's to measure (bench/scanner_bench.cc), not a
// wall-clock bound that fails on a loaded machine.
BOOST_AUTO_TEST_CASE(enqueue_100k_and_claim_in_order) {
  TempDir dir;
  auto outbox = OpenAt(dir.File("scanner.db"));
  constexpr int kScans = 100'000;
  std::vector<ScanRecord> scans;
  scans.reserve(kScans);
  for (int i = 0; i < kScans; ++i) {
    // Four kinds over 25k labels: every (manifest, kind) pair distinct.
    scans.push_back(SampleScan(NewUuidV4(), Id(i / 4), static_cast<ScanKind>(i % 4)));
  }
  BOOST_REQUIRE(outbox->EnqueueMany(scans).ok());
  BOOST_CHECK_EQUAL(outbox->Counts()->queued, kScans);

  int64_t settled = 0;
  for (;;) {
    auto batch = outbox->ClaimBatch(500);
    BOOST_REQUIRE(batch.ok());
    if (batch->empty()) break;
    std::vector<ScanOutcome> outcomes;
    for (const QueuedScan& q : *batch) {
      BOOST_REQUIRE_EQUAL(q.scan.event_id, scans[static_cast<size_t>(settled)].event_id);
      outcomes.push_back({q.scan.event_id, false, false, ""});
      ++settled;
    }
    BOOST_REQUIRE(outbox->Settle(outcomes, 0, {}).ok());
  }
  BOOST_CHECK_EQUAL(settled, kScans);
  BOOST_CHECK_EQUAL(outbox->Counts()->done, kScans);
}

BOOST_AUTO_TEST_CASE(uuid_v4_shape_and_uniqueness) {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewUuidV4();
    BOOST_REQUIRE_EQUAL(id.size(), 36u);
    BOOST_CHECK_EQUAL(id[14], '4');
    BOOST_CHECK(std::string("89ab").find(id[19]) != std::string::npos);
    ids.insert(id);
  }
  BOOST_CHECK_EQUAL(ids.size(), 1000u);
}

// A handheld in the field has a version-1 file with scans waiting: opening it with this
// version adds the hold columns and keeps every scan queued.
BOOST_AUTO_TEST_CASE(version_1_file_migrates_with_its_queue) {
  TempDir dir;
  const std::string path = dir.File("scanner.db");
  {
    auto db = Database::Open(path);
    BOOST_REQUIRE(db.ok());
    BOOST_REQUIRE((*db)
                      ->Exec(R"sql(
CREATE TABLE outbox(
  seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
  token TEXT NOT NULL, manifest_id TEXT NOT NULL, mass_g INTEGER, scanned_at TEXT NOT NULL,
  facility TEXT, vehicle TEXT, method TEXT,
  state TEXT NOT NULL DEFAULT 'queued' CHECK(state IN ('queued', 'done', 'parked')),
  claimed INTEGER NOT NULL DEFAULT 0, code TEXT);
INSERT INTO outbox(event_id, kind, token, manifest_id, scanned_at, claimed)
  VALUES('ev-old', 'receive', 'WM1:K1/x', 'M1', '2026-11-28T09:41:07+08:00', 1);
PRAGMA user_version = 1;
)sql")
                      .ok());
  }
  auto outbox = OpenAt(path);
  BOOST_CHECK_EQUAL(outbox->Counts()->queued, 1);
  auto states = outbox->Settle({{"ev-old", true, false, "OUT_OF_ORDER"}}, 1000, HoldPolicy{});
  BOOST_REQUIRE_MESSAGE(states.ok(), states.status().ToString());
  BOOST_CHECK((*states)[0] == OutboxState::kHeld);
  BOOST_CHECK_EQUAL(outbox->Counts()->held, 1);
  // Not due before its retry time, due after it.
  BOOST_CHECK(outbox->ClaimBatch(10, 1000)->empty());
  BOOST_CHECK_EQUAL(outbox->ClaimBatch(10, 1000 + HoldPolicy{}.first_retry_micros)->size(), 1u);
  outbox.reset();
  OpenAt(path);  // a second open of a migrated file changes nothing
}

}  // namespace
}  // namespace cradle::scan
