// The offline verifier with the shared WM1 vectors, a real outbox (SQLite file) for the
// revocations and the seen labels, and the scan session that prints verdicts on top of it.
#define BOOST_TEST_MODULE scanner_verifier
#include <boost/test/unit_test.hpp>

#include <sstream>

#include "core/clock.h"
#include "core/digital_id.h"
#include "scanner/offline_verifier.h"
#include "scanner/outbox.h"
#include "scanner/scan_session.h"
#include "tests/unit/scanner/test_util.h"

namespace cradle::scan {
namespace {

using testing::TempDir;

struct Fixture {
  TempDir dir;
  std::unique_ptr<Outbox> outbox = [this] {
    auto opened = Outbox::Open(dir.File("scanner.db"));
    BOOST_REQUIRE(opened.ok());
    return std::move(opened).value();
  }();
  KeySet keys = testing::VectorKeySet();
  OfflineVerifier verifier{keys, *outbox};
};

BOOST_FIXTURE_TEST_CASE(every_valid_vector_is_accepted, Fixture) {
  auto valid = testing::ValidVectors();
  BOOST_REQUIRE_GE(valid.size(), 1u);
  for (const auto& v : valid) {
    for (ScanKind kind : {ScanKind::kPickup, ScanKind::kReceive, ScanKind::kDispose}) {
      Verdict verdict = verifier.Check(v.token, kind);
      BOOST_CHECK_MESSAGE(verdict.accepted(), v.token << ": " << verdict.status.ToString());
      BOOST_CHECK_EQUAL(verdict.manifest_id, v.digital_id);
      BOOST_REQUIRE(verdict.fields);
      BOOST_CHECK_EQUAL(verdict.fields->mass_g, v.mass_g);
    }
    // A wedge that sends CR/LF still verifies.
    BOOST_CHECK(verifier.Check(v.token + "\r\n", ScanKind::kPickup).accepted());
  }
}

BOOST_FIXTURE_TEST_CASE(every_invalid_vector_has_its_code, Fixture) {
  auto invalid = testing::InvalidVectors();
  BOOST_REQUIRE_GE(invalid.size(), 4u);
  std::set<std::string> codes;
  for (const auto& v : invalid) {
    Verdict verdict = verifier.Check(v.token, ScanKind::kPickup);
    BOOST_CHECK_MESSAGE(verdict.status.code() == v.error,
                        v.note << ": want " << v.error << " got " << verdict.status.ToString());
    codes.insert(verdict.status.code());
  }
  for (const char* code : {"MALFORMED", "INVALID_FIELD", "UNKNOWN_KEY", "BAD_SIGNATURE"}) {
    BOOST_CHECK_MESSAGE(codes.count(code), "no vector produced " << code);
  }
}

BOOST_FIXTURE_TEST_CASE(no_keys_means_unknown_key, Fixture) {
  KeySet empty;
  OfflineVerifier bare(empty, *outbox);
  BOOST_CHECK_EQUAL(bare.Check(testing::ValidVectors()[0].token, ScanKind::kPickup).status.code(),
                    "UNKNOWN_KEY");
}

BOOST_FIXTURE_TEST_CASE(revoked_id_is_voided, Fixture) {
  auto v = testing::ValidVectors()[0];
  auto other = testing::ValidVectors()[2];
  BOOST_REQUIRE(outbox->AddRevocations({{v.digital_id, "2026-11-28T10:00:00+08:00"}}, "c1").ok());
  BOOST_CHECK_EQUAL(verifier.Check(v.token, ScanKind::kPickup).status.code(), "VOIDED");
  BOOST_CHECK(verifier.Check(other.token, ScanKind::kPickup).accepted());
  // A forged label of a voided manifest is still reported as forged first.
  std::string forged = v.token;
  forged[forged.size() - 1] = forged.back() == 'A' ? 'B' : 'A';
  BOOST_CHECK_NE(verifier.Check(forged, ScanKind::kPickup).status.code(), "VOIDED");
}

BOOST_FIXTURE_TEST_CASE(second_pickup_on_this_device_is_already_scanned, Fixture) {
  auto v = testing::ValidVectors()[0];
  ScanRecord scan = testing::SampleScan("e-1", v.digital_id);
  scan.token = v.token;
  BOOST_REQUIRE(outbox->Enqueue(scan).ok());
  BOOST_CHECK_EQUAL(verifier.Check(v.token, ScanKind::kPickup).status.code(), "ALREADY_SCANNED");
  // Another kind of the same label is a different event.
  BOOST_CHECK(verifier.Check(v.token, ScanKind::kReceive).accepted());
}

// --- the session: verdict lines and outbox rows --------------------------------------------

struct SessionFixture : Fixture {
  FakeClock clock{1'795'750'867'000'000};  // 2026-11-28T01:41:07Z
  std::ostringstream out;

  std::vector<std::string> Lines() {
    std::vector<std::string> lines;
    std::istringstream in(out.str());
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }
  int64_t Queued() { return outbox->Counts()->queued; }
};

BOOST_FIXTURE_TEST_CASE(pickup_waits_for_mass_then_queues_with_deviation, SessionFixture) {
  auto v = testing::ValidVectors()[0];  // 1250.5 kg declared
  ScanSession session({ScanKind::kPickup, "", "浙J12345", ""}, keys, *outbox, clock, out);
  session.OnLine(v.token + "\r\n");
  BOOST_CHECK_EQUAL(Queued(), 0);
  session.OnLine("1251.5 kg");
  session.End();
  auto lines = Lines();
  BOOST_REQUIRE_EQUAL(lines.size(), 2u);
  BOOST_CHECK(lines[0].starts_with("GENUINE"));
  BOOST_CHECK(lines[1].starts_with("ACCEPTED"));
  BOOST_CHECK_NE(lines[1].find("declared 1250.5 kg, measured 1251.5 kg (+0.08%)"),
                 std::string::npos);
  BOOST_CHECK_EQUAL(Queued(), 1);
  auto batch = outbox->ClaimBatch(10);
  BOOST_REQUIRE_EQUAL(batch->size(), 1u);
  const ScanRecord& scan = (*batch)[0].scan;
  BOOST_CHECK_EQUAL(scan.token, v.token);
  BOOST_CHECK_EQUAL(*scan.mass_g, 1251500);
  BOOST_CHECK_EQUAL(scan.vehicle, "浙J12345");
  BOOST_CHECK_EQUAL(scan.event_id.size(), 36u);
  BOOST_CHECK_EQUAL(scan.event_id[14], '4');
  BOOST_CHECK(ParseRfc3339(scan.scanned_at).ok());
  BOOST_CHECK_EQUAL(*ParseRfc3339(scan.scanned_at), clock.NowMicros());
  BOOST_CHECK_EQUAL(session.accepted(), 1);
  BOOST_CHECK_EQUAL(session.refused(), 0);
}

BOOST_FIXTURE_TEST_CASE(pickup_without_mass_is_never_queued, SessionFixture) {
  auto valid = testing::ValidVectors();
  ScanSession session({ScanKind::kPickup, "", "", ""}, keys, *outbox, clock, out);
  session.OnLine(valid[0].token);
  session.OnLine(valid[2].token);  // the first one keeps waiting
  session.OnLine("1251.5");        // ... and gets this mass
  session.End();                   // the second never got one
  auto lines = Lines();
  BOOST_REQUIRE_EQUAL(lines.size(), 5u);
  BOOST_CHECK(lines[0].starts_with("GENUINE"));
  BOOST_CHECK(lines[1].starts_with("WAITING"));
  BOOST_CHECK_NE(lines[1].find(valid[0].digital_id), std::string::npos);
  BOOST_CHECK(lines[2].starts_with("GENUINE"));
  BOOST_CHECK(lines[3].starts_with("ACCEPTED"));
  BOOST_CHECK_NE(lines[3].find(valid[0].digital_id), std::string::npos);
  BOOST_CHECK(lines[4].starts_with("DROPPED"));
  BOOST_CHECK_NE(lines[4].find(valid[2].digital_id), std::string::npos);
  BOOST_CHECK_EQUAL(Queued(), 1);
  BOOST_CHECK_EQUAL(session.refused(), 1);
}

BOOST_FIXTURE_TEST_CASE(rejected_tokens_print_their_code_and_take_no_mass, SessionFixture) {
  auto invalid = testing::InvalidVectors();
  ScanSession session({ScanKind::kPickup, "", "", ""}, keys, *outbox, clock, out);
  session.OnLine(invalid[0].token);
  session.OnLine("1000");
  session.End();
  auto lines = Lines();
  BOOST_REQUIRE_EQUAL(lines.size(), 2u);
  BOOST_CHECK(lines[0].starts_with("REJECTED  " + invalid[0].error));
  BOOST_CHECK(lines[1].starts_with("IGNORED"));
  BOOST_CHECK_EQUAL(Queued(), 0);
}

BOOST_FIXTURE_TEST_CASE(copied_label_on_second_pickup, SessionFixture) {
  auto v = testing::ValidVectors()[0];
  ScanSession session({ScanKind::kPickup, "", "", ""}, keys, *outbox, clock, out);
  for (int i = 0; i < 2; ++i) {
    session.OnLine(v.token);
    session.OnLine("1250");
  }
  session.End();
  auto lines = Lines();
  BOOST_REQUIRE_EQUAL(lines.size(), 4u);
  BOOST_CHECK(lines[1].starts_with("ACCEPTED"));
  BOOST_CHECK(lines[2].starts_with("REJECTED  ALREADY_SCANNED"));  // at once, at the read
  BOOST_CHECK(lines[3].starts_with("IGNORED"));  // so its mass has no scan to go to
  BOOST_CHECK_EQUAL(Queued(), 1);
}

BOOST_FIXTURE_TEST_CASE(dispose_queues_at_once_and_takes_a_late_mass, SessionFixture) {
  auto valid = testing::ValidVectors();
  ScanSession session({ScanKind::kDispose, "F-1", "", "D1"}, keys, *outbox, clock, out);
  session.OnLine(valid[0].token);
  BOOST_CHECK_EQUAL(Queued(), 1);  // committed before the verdict line
  session.OnLine("1240");
  session.OnLine(valid[2].token);
  session.End();
  auto lines = Lines();
  BOOST_REQUIRE_EQUAL(lines.size(), 3u);
  BOOST_CHECK(lines[0].starts_with("ACCEPTED"));
  BOOST_CHECK(lines[1].starts_with("MASS"));
  BOOST_CHECK_NE(lines[1].find("-0.84%"), std::string::npos);
  auto batch = outbox->ClaimBatch(10);
  BOOST_REQUIRE_EQUAL(batch->size(), 2u);
  BOOST_CHECK_EQUAL(*(*batch)[0].scan.mass_g, 1240000);
  BOOST_CHECK(!(*batch)[1].scan.mass_g);
  BOOST_CHECK_EQUAL((*batch)[0].scan.facility, "F-1");
  BOOST_CHECK_EQUAL((*batch)[0].scan.method, "D1");
}

BOOST_AUTO_TEST_CASE(deviation_format) {
  BOOST_CHECK_EQUAL(FormatDeviation(1250500, 1251500), "+0.08%");
  BOOST_CHECK_EQUAL(FormatDeviation(1000, 900), "-10.00%");
  BOOST_CHECK_EQUAL(FormatDeviation(1000, 1000), "+0.00%");
}

}  // namespace
}  // namespace cradle::scan
