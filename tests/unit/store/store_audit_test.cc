// The hash-chained audit log: a fixed vector pins the documented encoding; tampering with or
// deleting a row behind the store's back is found at exactly that seq.
#define BOOST_TEST_MODULE store_audit_test
#include <boost/test/unit_test.hpp>

#include <set>
#include <string>

#include "server/store/audit.h"
#include "server/store/database.h"
#include "tests/unit/store/store_test_util.h"

namespace cradle::store {
namespace {

using testing::OpenOrDie;
using testing::RawDb;
using testing::TempDir;

constexpr int64_t kStart = 1795830067000123;  // 2026-11-28T01:41:07.000123Z

AuditVerification Verify(const Database& db) {
  AuditVerification out;
  Status s = db.Read([&](Txn& txn) -> Status {
    auto v = VerifyAudit(txn);
    if (!v.ok()) return v.status();
    out = *v;
    return Status::Ok();
  });
  BOOST_REQUIRE(s.ok());
  return out;
}

// Appends `count` entries, several per Write, and returns the last one.
AuditEntry AppendMany(Database& db, FakeClock& clock, int count) {
  AuditEntry last;
  for (int i = 0; i < count; i += 4) {
    Status s = db.Write([&](Txn& txn) -> Status {
      for (int j = i; j < std::min(count, i + 4); ++j) {
        clock.Advance(1000);
        auto e = AppendAudit(txn, "actor-" + std::to_string(j % 3), "manifest.issue",
                             "manifest/" + std::to_string(j), "{\"n\":" + std::to_string(j) + "}");
        if (!e.ok()) return e.status();
        last = *e;
      }
      return Status::Ok();
    });
    BOOST_REQUIRE(s.ok());
  }
  return last;
}

BOOST_AUTO_TEST_CASE(the_first_entry_matches_the_documented_encoding) {
  TempDir dir;
  FakeClock clock(kStart);
  auto db = OpenOrDie({.path = dir.File("cradle.db"), .clock = &clock});
  AuditEntry entry;
  BOOST_REQUIRE(db->Write([&](Txn& txn) -> Status {
                    auto e = AppendAudit(txn, "admin", "org.create", "org/91110108551385082Q",
                                         "{\"uscc\":\"91110108551385082Q\"}");
                    if (e.ok()) entry = *e;
                    return e.status();
                  }).ok());
  BOOST_TEST(entry.seq == 1);
  BOOST_TEST(entry.at == "2026-11-28T01:41:07.000123Z");
  BOOST_TEST(entry.prev_hash == std::string(kAuditGenesis));
  BOOST_TEST(entry.change_sha256 ==
             "467d31baac50e3cc4f4489d03b1c4d0f1fc4e4a5442a795628d6d5b7130923cb");
  // Computed independently (Python hashlib) from the netstring encoding in audit.h.
  BOOST_TEST(entry.hash == "2aa694be768e4d9768c5e85bd08684763f881280bf5953dccbb17334bcacf57b");
}

BOOST_AUTO_TEST_CASE(field_boundaries_cannot_shift) {
  AuditEntry a{1, "t", "ab", "c", "o", "x", std::string(kAuditGenesis), ""};
  AuditEntry b{1, "t", "a", "bc", "o", "x", std::string(kAuditGenesis), ""};
  BOOST_TEST(AuditHash(a) != AuditHash(b));
}

BOOST_AUTO_TEST_CASE(a_hundred_entries_verify_and_page) {
  TempDir dir;
  FakeClock clock(kStart);
  auto db = OpenOrDie({.path = dir.File("cradle.db"), .clock = &clock});
  BOOST_TEST(Verify(*db).ok);
  BOOST_TEST(Verify(*db).length == 0);
  AuditEntry last = AppendMany(*db, clock, 100);
  AuditVerification v = Verify(*db);
  BOOST_TEST(v.ok);
  BOOST_TEST(v.length == 100);
  BOOST_TEST(v.head == last.hash);
  BOOST_TEST(!v.first_bad_seq.has_value());

  std::set<int64_t> seen;
  int64_t after = 0;
  int pages = 0;
  while (true) {
    Page<AuditEntry, int64_t> page;
    BOOST_REQUIRE(db->Read([&](Txn& txn) -> Status {
                      auto p = ListAudit(txn, after, 7);
                      if (p.ok()) page = *p;
                      return p.status();
                    }).ok());
    ++pages;
    for (const auto& e : page.items) BOOST_TEST(seen.insert(e.seq).second);
    if (!page.next) break;
    after = *page.next;
  }
  BOOST_TEST(seen.size() == 100u);
  BOOST_TEST(*seen.begin() == 1);
  BOOST_TEST(*seen.rbegin() == 100);
  BOOST_TEST(pages == 15);
}

BOOST_AUTO_TEST_CASE(an_edited_row_fails_at_its_seq) {
  TempDir dir;
  FakeClock clock(kStart);
  const std::string path = dir.File("cradle.db");
  auto db = OpenOrDie({.path = path, .clock = &clock});
  AppendMany(*db, clock, 100);
  {
    RawDb raw(path);
    raw.Exec("UPDATE audit_log SET actor = 'mallory' WHERE seq = 37");
  }
  AuditVerification v = Verify(*db);
  BOOST_TEST(!v.ok);
  BOOST_REQUIRE(v.first_bad_seq.has_value());
  BOOST_TEST(*v.first_bad_seq == 37);
  BOOST_TEST(v.length == 36);
}

BOOST_AUTO_TEST_CASE(a_recomputed_row_still_breaks_the_next_link) {
  TempDir dir;
  FakeClock clock(kStart);
  const std::string path = dir.File("cradle.db");
  auto db = OpenOrDie({.path = path, .clock = &clock});
  AppendMany(*db, clock, 20);
  // A forger who also recomputes the edited row's own hash is caught by the following row.
  AuditEntry forged;
  BOOST_REQUIRE(db->Read([&](Txn& txn) -> Status {
                    auto p = ListAudit(txn, 9, 1);
                    if (p.ok()) forged = p->items.at(0);
                    return p.status();
                  }).ok());
  forged.actor = "mallory";
  forged.hash = AuditHash(forged);
  {
    RawDb raw(path);
    raw.Exec("UPDATE audit_log SET actor = 'mallory', hash = '" + forged.hash + "' WHERE seq = 10");
  }
  AuditVerification v = Verify(*db);
  BOOST_TEST(!v.ok);
  BOOST_REQUIRE(v.first_bad_seq.has_value());
  BOOST_TEST(*v.first_bad_seq == 11);
}

BOOST_AUTO_TEST_CASE(a_deleted_row_fails) {
  TempDir dir;
  FakeClock clock(kStart);
  const std::string path = dir.File("cradle.db");
  auto db = OpenOrDie({.path = path, .clock = &clock});
  AppendMany(*db, clock, 100);
  {
    RawDb raw(path);
    raw.Exec("DELETE FROM audit_log WHERE seq = 50");
  }
  AuditVerification v = Verify(*db);
  BOOST_TEST(!v.ok);
  BOOST_REQUIRE(v.first_bad_seq.has_value());
  BOOST_TEST(*v.first_bad_seq == 50);
}

BOOST_AUTO_TEST_CASE(an_audit_entry_rolls_back_with_its_change) {
  TempDir dir;
  FakeClock clock(kStart);
  auto db = OpenOrDie({.path = dir.File("cradle.db"), .clock = &clock});
  AppendMany(*db, clock, 3);
  Status s = db->Write([&](Txn& txn) -> Status {
    auto e = AppendAudit(txn, "a", "b", "c", "{}");
    if (!e.ok()) return e.status();
    return Status("CONFLICT", "the change it records failed");
  });
  BOOST_TEST(s.code() == "CONFLICT");
  AuditVerification v = Verify(*db);
  BOOST_TEST(v.ok);
  BOOST_TEST(v.length == 3);
  AppendMany(*db, clock, 1);
  BOOST_TEST(Verify(*db).ok);
  BOOST_TEST(Verify(*db).length == 4);
}

}  // namespace
}  // namespace cradle::store
