// Scan ingest (service::IngestScans) on a real SQLite file with real signing keys and a
// FakeClock: lifecycle, idempotency, forged and copied labels, weights, clock skew, facilities.
#define BOOST_TEST_MODULE service_scans
#include <sqlite3.h>
#include <stdlib.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/civil_time.h"
#include "core/uuid.h"
#include "core/wm1.h"
#include "server/pki/signing_keys.h"
#include "server/service/catalogue_source.h"
#include "server/service/demo.h"
#include "server/service/manifests.h"
#include "server/service/parties.h"
#include "server/service/scans.h"
#include "server/store/audit.h"
#include "server/store/database.h"
#include "server/store/scans.h"
#include "tests/unit/service/service_deployment.h"

namespace cradle::service {
namespace {

constexpr int64_t kT0 = 1'795'000'000'000'000;  // 2026-11-18, micros UTC

// A deployment with a producer, a collector, two facility operators and three facilities:
// FAC-A (ours, takes 071-001-08 and 772-002-18), FAC-B (operated by another org, takes all),
// FAC-C (ours, takes only 900-041-49).
struct World : testing::Deployment {
  Principal admin, collector, facility, other_facility, producer_p;
  std::string producer = DemoUscc("91331000NCP000001");
  std::string collector_org = DemoUscc("91331000CLT000001");
  std::string fac_org = DemoUscc("91331000LFL000001");
  std::string other_org = DemoUscc("91331000UTL000001");

  World() : Deployment(kT0, 4) {
    admin.role = Role::kAdmin;
    Org(producer, {"producer"});
    Org(collector_org, {"collector"});
    Org(fac_org, {"facility"});
    Org(other_org, {"facility"});
    Facility("FAC-A", fac_org, {"071-001-08", "772-002-18"});
    Facility("FAC-B", other_org, {});
    Facility("FAC-C", fac_org, {"900-041-49"});
    BOOST_REQUIRE(CreateDevice(*ctx, admin, "dev-1", collector_org).ok());
    collector = {Role::kCollector, collector_org, "dev-1", 0};
    facility = {Role::kFacility, fac_org, "", 7};
    other_facility = {Role::kFacility, other_org, "", 8};
    producer_p = {Role::kProducer, producer, "", 9};
  }

  void Org(const std::string& uscc, std::vector<std::string> roles) {
    store::Org o;
    o.uscc = uscc;
    o.name = "org " + uscc;
    o.roles = std::move(roles);
    auto r = CreateOrg(*ctx, admin, o);
    BOOST_REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  }
  void Facility(const std::string& id, const std::string& op, std::vector<std::string> accepts) {
    store::Facility f;
    f.id = id;
    f.operator_org = op;
    f.name = id;
    f.kind = "landfill";
    f.accepts = std::move(accepts);
    auto r = CreateFacility(*ctx, admin, f);
    BOOST_REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  }

  std::vector<store::Manifest> Issue(int count, const std::string& code = "071-001-08",
                                     int64_t mass_g = 1'000'000) {
    IssueRequest req;
    req.producer = producer;
    req.waste_code = code;
    req.mass_g = mass_g;
    req.packaging = "DR";
    req.count = count;
    auto r = IssueManifests(*ctx, producer_p, req);
    BOOST_REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    return r->manifests;
  }
  store::Manifest IssueOne(const std::string& code = "071-001-08", int64_t mass_g = 1'000'000) {
    return Issue(1, code, mass_g).front();
  }

  ScanInput Scan(const std::string& kind, const store::Manifest& m) const {
    ScanInput s;
    s.event_id = NewUuidV4();
    s.token = m.token;
    s.kind = kind;
    s.scanned_at = FormatRfc3339(clock.NowMicros());
    if (kind == "pickup" || kind == "receive") s.mass_g = m.mass_g;
    if (kind != "pickup") s.facility = "FAC-A";
    if (kind == "dispose") s.method = "D1";
    return s;
  }
  const Principal& For(const std::string& kind) const {
    return kind == "pickup" ? collector : facility;
  }
  std::vector<ScanResult> Send(const Principal& p, const std::vector<ScanInput>& scans) {
    auto r = IngestScans(*ctx, p, scans);
    BOOST_REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    BOOST_REQUIRE_EQUAL(r->size(), scans.size());
    return *r;
  }
  ScanResult One(const ScanInput& s) { return Send(For(s.kind), {s}).front(); }
  ScanResult One(const Principal& p, const ScanInput& s) { return Send(p, {s}).front(); }

  void SetStatus(const std::string& id, const std::string& status) {
    Status s = db->Write([&](store::Txn& txn) -> Status {
      // A received or disposed container is held by the facility that received it (custody).
      auto st = txn.Prepare(
          "UPDATE manifests SET status = ?1, holder_facility = CASE WHEN ?1 IN ('received', "
          "'disposed') THEN 'FAC-A' END WHERE id = ?2");
      if (!st.ok()) return st.status();
      st->Bind(1, status).Bind(2, id);
      return st->Run();
    });
    BOOST_REQUIRE(s.ok());
  }
  std::string StatusOf(const std::string& id) {
    auto m = GetManifest(*ctx, admin, id);
    BOOST_REQUIRE(m.ok());
    return m->manifest.status;
  }
  std::vector<store::ScanFinding> Findings() {
    std::vector<store::ScanFinding> out;
    Status s = db->Read([&](store::Txn& txn) -> Status {
      auto f = store::ListFindings(txn, 0, 1000);
      if (!f.ok()) return f.status();
      out = *f;
      return Status();
    });
    BOOST_REQUIRE(s.ok());
    return out;
  }
  int64_t Count(const std::string& sql) {
    int64_t n = -1;
    Status s = db->Read([&](store::Txn& txn) -> Status {
      auto st = txn.Prepare(sql);
      if (!st.ok()) return st.status();
      auto row = st->Step();
      if (!row.ok()) return row.status();
      n = st->Int(0);
      return Status();
    });
    BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
    return n;
  }
};

// Replaces the '/'-separated segment `index` of a token (0 = "WM1:kid").
std::string WithSegment(const std::string& token, int index, const std::string& value) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t slash = token.find('/', start);
    parts.push_back(token.substr(start, slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  parts.at(index) = value;
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? "/" : "") + parts[i];
  return out;
}

void ExpectRejected(const ScanResult& r, const std::string& code) {
  BOOST_TEST(r.status == "rejected");
  BOOST_TEST(r.code == code, "code " << r.code << " (" << r.detail << "), want " << code);
}

}  // namespace

BOOST_AUTO_TEST_CASE(lifecycle_table_every_kind_by_every_status) {
  World w;
  struct Row {
    const char* kind;
    const char* status;
    const char* expect;  // "accepted" or a rejection code
    const char* next;    // status after an accepted scan
  };
  const std::vector<Row> rows = {
      {"pickup", "issued", "accepted", "collected"},
      {"pickup", "collected", "ALREADY_COLLECTED", ""},
      {"pickup", "received", "ALREADY_COLLECTED", ""},
      {"pickup", "disposed", "ALREADY_COLLECTED", ""},
      {"pickup", "voided", "VOIDED", ""},
      {"pickup", "rejected", "accepted", "collected"},
      {"receive", "issued", "OUT_OF_ORDER", ""},
      {"receive", "collected", "accepted", "received"},
      {"receive", "received", "OUT_OF_ORDER", ""},
      {"receive", "disposed", "OUT_OF_ORDER", ""},
      {"receive", "voided", "VOIDED", ""},
      {"receive", "rejected", "OUT_OF_ORDER", ""},
      {"dispose", "issued", "OUT_OF_ORDER", ""},
      {"dispose", "collected", "OUT_OF_ORDER", ""},
      {"dispose", "received", "accepted", "disposed"},
      {"dispose", "disposed", "OUT_OF_ORDER", ""},
      {"dispose", "voided", "VOIDED", ""},
      {"dispose", "rejected", "OUT_OF_ORDER", ""},
      {"reject", "issued", "OUT_OF_ORDER", ""},
      {"reject", "collected", "accepted", "rejected"},
      {"reject", "received", "OUT_OF_ORDER", ""},
      {"reject", "disposed", "OUT_OF_ORDER", ""},
      {"reject", "voided", "VOIDED", ""},
      {"reject", "rejected", "OUT_OF_ORDER", ""},
  };
  auto manifests = w.Issue(static_cast<int>(rows.size()));
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row& row = rows[i];
    BOOST_TEST_CONTEXT(row.kind << " on " << row.status) {
      const auto& m = manifests[i];
      w.SetStatus(m.id, row.status);
      ScanResult r = w.One(w.Scan(row.kind, m));
      if (std::string(row.expect) == "accepted") {
        BOOST_TEST(r.status == "accepted", r.code << " " << r.detail);
        BOOST_TEST(w.StatusOf(m.id) == row.next);
      } else {
        ExpectRejected(r, row.expect);
        BOOST_TEST(w.StatusOf(m.id) == row.status);  // a rejection changes nothing
      }
      BOOST_TEST(r.manifest == m.id);
    }
  }
}

BOOST_AUTO_TEST_CASE(full_chain_writes_events_and_one_audit_entry_per_batch) {
  World w;
  auto m = w.IssueOne();
  const int64_t audit_before = w.Count("SELECT count(*) FROM audit_log");
  BOOST_TEST(w.One(w.Scan("pickup", m)).status == "accepted");
  BOOST_TEST(w.One(w.Scan("receive", m)).status == "accepted");
  BOOST_TEST(w.One(w.Scan("dispose", m)).status == "accepted");
  auto t = GetManifest(*w.ctx, w.admin, m.id);
  BOOST_REQUIRE(t.ok());
  BOOST_TEST(t->manifest.status == "disposed");
  BOOST_REQUIRE_EQUAL(t->events.size(), 3u);
  BOOST_TEST(t->events[0].kind == "pickup");
  BOOST_TEST(t->events[0].actor == w.collector_org);
  BOOST_TEST(t->events[0].device.value_or("") == "dev-1");
  BOOST_TEST(t->events[2].method.value_or("") == "D1");
  BOOST_TEST(w.Count("SELECT count(*) FROM audit_log WHERE action = 'scans.ingest'") == 3);
  // Besides one entry per batch, the ad hoc trip the pickup opened and its delivery.
  BOOST_TEST(w.Count("SELECT count(*) FROM audit_log WHERE action IN ('transfer.adhoc', "
                     "'transfer.deliver')") == 2);
  BOOST_TEST(w.Count("SELECT count(*) FROM audit_log") == audit_before + 5);
  Status v = w.db->Read([](store::Txn& txn) -> Status {
    auto r = store::VerifyAudit(txn);
    if (!r.ok()) return r.status();
    return r->ok ? Status() : Status("BAD", "chain broken");
  });
  BOOST_TEST(v.ok());
}

BOOST_AUTO_TEST_CASE(retries_are_duplicates_and_other_content_is_conflict) {
  World w;
  auto m = w.IssueOne();
  ScanInput s = w.Scan("pickup", m);
  BOOST_TEST(w.One(s).status == "accepted");
  ScanResult again = w.One(s);
  BOOST_TEST(again.status == "duplicate");
  BOOST_TEST(again.manifest == m.id);
  // The same instant spelt in UTC is the same content.
  ScanInput utc = s;
  utc.scanned_at = FormatRfc3339(w.clock.NowMicros(), 0);
  BOOST_TEST(w.One(utc).status == "duplicate");
  ScanInput other = s;
  other.mass_g = *s.mass_g + 1;
  ExpectRejected(w.One(other), "CONFLICT");
  BOOST_TEST(w.Count("SELECT count(*) FROM manifest_events") == 1);
  BOOST_TEST(w.Count("SELECT count(*) FROM audit_log WHERE action = 'scans.ingest'") == 1);
}

BOOST_AUTO_TEST_CASE(in_batch_duplicate_follows_the_first) {
  World w;
  auto ms = w.Issue(2);
  ScanInput a = w.Scan("pickup", ms[0]);
  ScanInput b = w.Scan("pickup", ms[1]);
  ScanInput b_changed = b;
  b_changed.vehicle = "浙J12345";
  auto r = w.Send(w.collector, {a, a, b, b_changed});
  BOOST_TEST(r[0].status == "accepted");
  BOOST_TEST(r[1].status == "duplicate");
  BOOST_TEST(r[2].status == "accepted");
  ExpectRejected(r[3], "CONFLICT");
  BOOST_TEST(w.Count("SELECT count(*) FROM manifest_events") == 2);
}

BOOST_AUTO_TEST_CASE(forged_labels_are_rejected_with_the_precise_code_and_recorded) {
  World w;
  auto m = w.IssueOne();
  // Tampered mass: the signature no longer covers the bytes.
  ScanInput tampered = w.Scan("pickup", m);
  tampered.token = WithSegment(m.token, 2, "999000");
  ExpectRejected(w.One(tampered), "BAD_SIGNATURE");
  // A kid nobody published.
  ScanInput unknown_key = w.Scan("pickup", m);
  unknown_key.token = WithSegment(m.token, 0, "WM1:K9");
  ExpectRejected(w.One(unknown_key), "UNKNOWN_KEY");
  // Validly signed for an id the server never issued.
  auto parsed = ParseToken(m.token);
  BOOST_REQUIRE(parsed.ok());
  TokenFields f = parsed->fields;
  f.id.serial = 777;
  ScanInput unknown_manifest = w.Scan("pickup", m);
  unknown_manifest.token = BuildToken(f, w.keys->Active().key);
  ExpectRejected(w.One(unknown_manifest), "UNKNOWN_MANIFEST");
  // Not even a token: rejected, but no evidence of forgery.
  ScanInput garbage = w.Scan("pickup", m);
  garbage.token = "WM1:nonsense";
  ExpectRejected(w.One(garbage), "MALFORMED");

  auto findings = w.Findings();
  BOOST_REQUIRE_EQUAL(findings.size(), 3u);
  for (const auto& fd : findings) {
    BOOST_TEST(fd.kind == "forged_label");
    BOOST_TEST(fd.actor == w.collector_org);
    BOOST_TEST(fd.device.value_or("") == "dev-1");
  }
  BOOST_TEST(findings[0].event_id == tampered.event_id);
  BOOST_TEST(findings[0].manifest_id.value_or("") == m.id);
  BOOST_TEST(findings[0].detail.find("BAD_SIGNATURE") != std::string::npos);
  BOOST_TEST(findings[2].detail.find("UNKNOWN_MANIFEST") != std::string::npos);
  // A retried batch adds no second piece of evidence; the manifest is untouched.
  ExpectRejected(w.One(tampered), "BAD_SIGNATURE");
  BOOST_TEST(w.Findings().size() == 3u);
  BOOST_TEST(w.StatusOf(m.id) == "issued");
  BOOST_TEST(w.Count("SELECT count(*) FROM manifest_events") == 0);
}

BOOST_AUTO_TEST_CASE(copied_label_is_already_collected_with_a_finding) {
  World w;
  auto m = w.IssueOne();
  BOOST_TEST(w.One(w.Scan("pickup", m)).status == "accepted");
  ScanInput copy = w.Scan("pickup", m);
  ExpectRejected(w.One(copy), "ALREADY_COLLECTED");
  auto findings = w.Findings();
  BOOST_REQUIRE_EQUAL(findings.size(), 1u);
  BOOST_TEST(findings[0].kind == "copied_label");
  BOOST_TEST(findings[0].event_id == copy.event_id);
  BOOST_TEST(findings[0].manifest_id.value_or("") == m.id);
}

BOOST_AUTO_TEST_CASE(voided_manifest_is_voided) {
  World w;
  auto m = w.IssueOne();
  BOOST_REQUIRE(VoidManifest(*w.ctx, w.producer_p, m.id, "misprint").ok());
  ExpectRejected(w.One(w.Scan("pickup", m)), "VOIDED");
}

BOOST_AUTO_TEST_CASE(weight_rule_table) {
  Settings s;  // 5 %
  struct Row {
    int64_t reference, measured;
    const char* code;
    bool flagged;
  };
  const std::vector<Row> rows = {
      {1'000'000, 1'000'000, "071-001-08", false}, {1'000'000, 1'050'000, "071-001-08", false},
      {1'000'000, 1'050'001, "071-001-08", true},  {1'000'000, 950'000, "071-001-08", false},
      {1'000'000, 949'999, "071-001-08", true},    {1'000'000, 2'000'000, "07100108", true},
      {1'000'000, 970'000, "772-002-18", false},   {1'000'000, 969'999, "772-002-18", true},
      {1'000'000, 1'010'000, "77200218", false},   {1'000'000, 1'010'001, "772-002-18", true},
      {1'000'000, 1'040'000, "772-002-18", true},
  };
  for (const auto& r : rows) {
    BOOST_TEST_CONTEXT(r.measured << " vs " << r.reference << " " << r.code) {
      auto dev = WeightFinding(r.reference, r.measured, r.code, s);
      BOOST_TEST(dev.has_value() == r.flagged);
    }
  }
  auto dev = WeightFinding(1'000'000, 1'100'000, "071-001-08", s);
  BOOST_REQUIRE(dev.has_value());
  BOOST_TEST(*dev == 10.0, boost::test_tools::tolerance(1e-9));
  s.weight_tolerance_pct = 12;
  BOOST_TEST(!WeightFinding(1'000'000, 1'100'000, "071-001-08", s).has_value());
}

BOOST_AUTO_TEST_CASE(weight_mismatch_is_accepted_and_recorded) {
  World w;
  auto m = w.IssueOne("071-001-08", 1'000'000);
  ScanInput pickup = w.Scan("pickup", m);
  pickup.mass_g = 1'200'000;  // +20 % against declared
  BOOST_TEST(w.One(pickup).status == "accepted");
  ScanInput receive = w.Scan("receive", m);
  receive.mass_g = 1'000'000;  // matches declared, -16.7 % against pickup
  BOOST_TEST(w.One(receive).status == "accepted");
  auto findings = w.Findings();
  BOOST_REQUIRE_EQUAL(findings.size(), 2u);
  BOOST_TEST(findings[0].kind == "weight_mismatch");
  BOOST_TEST(findings[0].event_id == pickup.event_id);
  BOOST_TEST(findings[0].detail.find("\"against\":\"declared\"") != std::string::npos);
  BOOST_TEST(findings[1].event_id == receive.event_id);
  BOOST_TEST(findings[1].detail.find("\"against\":\"pickup\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(device_clock_ahead_is_flagged_not_rejected) {
  World w;
  auto ms = w.Issue(2);
  ScanInput near = w.Scan("pickup", ms[0]);
  near.scanned_at = FormatRfc3339(w.clock.NowMicros() + 599 * kMicrosPerSecond);
  ScanInput ahead = w.Scan("pickup", ms[1]);
  ahead.scanned_at = FormatRfc3339(w.clock.NowMicros() + 601 * kMicrosPerSecond);
  auto r = w.Send(w.collector, {near, ahead});
  BOOST_TEST(r[0].status == "accepted");
  BOOST_TEST(r[1].status == "accepted");
  auto findings = w.Findings();
  BOOST_REQUIRE_EQUAL(findings.size(), 1u);
  BOOST_TEST(findings[0].kind == "clock_skew");
  BOOST_TEST(findings[0].event_id == ahead.event_id);
}

BOOST_AUTO_TEST_CASE(facility_must_be_operated_by_the_caller_and_take_the_code) {
  World w;
  auto ms = w.Issue(3);
  for (const auto& m : ms) BOOST_REQUIRE(w.One(w.Scan("pickup", m)).status == "accepted");
  ScanInput elsewhere = w.Scan("receive", ms[0]);
  elsewhere.facility = "FAC-B";  // operated by other_org
  ExpectRejected(w.One(w.facility, elsewhere), "FORBIDDEN_FACILITY");
  ScanInput wrong_code = w.Scan("receive", ms[1]);
  wrong_code.facility = "FAC-C";  // ours, but takes only 900-041-49
  ExpectRejected(w.One(w.facility, wrong_code), "NOT_ACCEPTED");
  ScanInput nowhere = w.Scan("receive", ms[2]);
  nowhere.facility = "FAC-X";
  ScanResult r = w.One(w.facility, nowhere);
  ExpectRejected(r, "INVALID_SCAN");
  BOOST_TEST(r.detail.find("facility") != std::string::npos);
  // The other operator may receive at its own facility (it takes every code).
  ScanInput own = w.Scan("receive", ms[0]);
  own.facility = "FAC-B";
  BOOST_TEST(w.One(w.other_facility, own).status == "accepted");
}

BOOST_AUTO_TEST_CASE(field_errors_reject_only_their_scan) {
  World w;
  auto ms = w.Issue(2);
  struct Case {
    const char* field;
    std::function<void(ScanInput&)> spoil;
  };
  const std::vector<Case> cases = {
      {"event_id", [](ScanInput& s) { s.event_id = "not-a-uuid"; }},
      {"kind", [](ScanInput& s) { s.kind = "teleport"; }},
      {"mass_g", [](ScanInput& s) { s.mass_g.reset(); }},
      {"mass_g", [](ScanInput& s) { s.mass_g = 0; }},
      {"mass_g", [](ScanInput& s) { s.mass_g = 50'000'001; }},
      {"scanned_at", [](ScanInput& s) { s.scanned_at = "2026-11-28 09:41:07"; }},
      {"lat",
       [](ScanInput& s) {
         s.lat = 91;
         s.lon = 0;
       }},
      {"note", [](ScanInput& s) { s.invalid = "note: must be a string"; }},
  };
  std::vector<ScanInput> batch;
  for (const auto& c : cases) {
    ScanInput s = w.Scan("pickup", ms[0]);
    c.spoil(s);
    batch.push_back(s);
  }
  batch.push_back(w.Scan("pickup", ms[1]));  // a good one in the same batch
  auto r = w.Send(w.collector, batch);
  for (size_t i = 0; i < cases.size(); ++i) {
    BOOST_TEST_CONTEXT("case " << i) {
      ExpectRejected(r[i], "INVALID_SCAN");
      BOOST_TEST(r[i].detail.find(cases[i].field) != std::string::npos, r[i].detail);
    }
  }
  BOOST_TEST(r.back().status == "accepted");
  // Receive without a facility; dispose without a method; a collector may not receive.
  ScanInput no_fac = w.Scan("receive", ms[1]);
  no_fac.facility.reset();
  ScanResult a = w.One(w.facility, no_fac);
  ExpectRejected(a, "INVALID_SCAN");
  BOOST_TEST(a.detail.find("facility") != std::string::npos);
  ScanInput no_method = w.Scan("dispose", ms[1]);
  no_method.method.reset();
  ScanResult b = w.One(w.facility, no_method);
  ExpectRejected(b, "INVALID_SCAN");
  BOOST_TEST(b.detail.find("method") != std::string::npos);
  ExpectRejected(w.One(w.collector, w.Scan("receive", ms[1])), "INVALID_SCAN");
  ExpectRejected(w.One(w.facility, w.Scan("pickup", ms[0])), "INVALID_SCAN");
}

BOOST_AUTO_TEST_CASE(callers_other_than_collectors_and_facilities_are_forbidden) {
  World w;
  auto m = w.IssueOne();
  auto r = IngestScans(*w.ctx, w.producer_p, {w.Scan("pickup", m)});
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.status().code() == "FORBIDDEN");
  auto empty = IngestScans(*w.ctx, w.collector, {});
  BOOST_TEST(empty.status().code() == "INVALID_BATCH");
}

BOOST_AUTO_TEST_CASE(a_batch_of_1000_scans_commits_together) {
  World w;
  auto ms = w.Issue(500, "071-001-08");
  auto more = w.Issue(500, "772-002-18");
  ms.insert(ms.end(), more.begin(), more.end());
  std::vector<ScanInput> batch;
  for (const auto& m : ms) batch.push_back(w.Scan("pickup", m));
  const auto start = std::chrono::steady_clock::now();
  auto r = w.Send(w.collector, batch);
  const auto ms_taken = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - start)
                            .count();
  BOOST_TEST_MESSAGE("1000-scan batch took " << ms_taken << " ms");
  for (const auto& x : r) BOOST_TEST(x.status == "accepted");
  BOOST_TEST(w.Count("SELECT count(*) FROM manifest_events WHERE kind = 'pickup'") == 1000);
  BOOST_TEST(w.Count("SELECT count(*) FROM manifests WHERE status = 'collected'") == 1000);
  BOOST_TEST(w.Count("SELECT count(*) FROM audit_log WHERE action = 'scans.ingest'") == 1);
  auto too_many = batch;
  too_many.push_back(batch.front());
  BOOST_TEST(IngestScans(*w.ctx, w.collector, too_many).status().code() == "INVALID_BATCH");
}

}  // namespace cradle::service
