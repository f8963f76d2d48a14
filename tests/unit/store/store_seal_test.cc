// Row seals (server/store/seal.h): the canonical row encoding is pinned by a fixed vector and
// changes with every column of every sealed table; the sealed column lists match the schema;
// writes through Database::Write seal what they change, and rows altered, deleted or inserted
// behind the store's back are named by table, key and audit entry; migration 005 seals the rows
// that existed before it, once.
#define BOOST_TEST_MODULE store_seal_test
#include <boost/test/unit_test.hpp>

#include <set>
#include <string>
#include <vector>

#include "server/store/audit.h"
#include "server/store/database.h"
#include "server/store/seal.h"
#include "tests/unit/store/store_test_util.h"

namespace cradle::store {
namespace {

using testing::OpenOrDie;
using testing::RawDb;
using testing::TempDir;

constexpr int64_t kStart = 1795830067000123;
constexpr char kUscc[] = "91110108551385082Q";
constexpr char kUscc2[] = "91310115MA1H7GXK4P";

AuditVerification Verify(const Database& db) {
  AuditVerification out;
  Status s = db.Read([&](Txn& txn) -> Status {
    auto v = VerifyAudit(txn);
    if (!v.ok()) return v.status();
    out = *v;
    return Status::Ok();
  });
  BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
  return out;
}

// Runs `sql` in a Write, optionally with an audit entry, as a repository would.
void WriteSql(Database& db, const std::string& sql, bool audit = true) {
  Status s = db.Write([&](Txn& txn) -> Status {
    if (audit) {
      auto e = AppendAudit(txn, "admin", "test.write", "test", sql);
      if (!e.ok()) return e.status();
    }
    return txn.Exec(sql);
  });
  BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
}

std::string InsertOrg(const std::string& uscc, const std::string& name) {
  return "INSERT INTO orgs (uscc, name, created_at) VALUES ('" + uscc + "', '" + name + "', 1)";
}

BOOST_AUTO_TEST_CASE(the_canonical_encoding_matches_the_documented_vector) {
  std::vector<std::string_view> cols = {"a", "b", "c", "d", "e"};
  std::vector<SqlValue> values = {SqlValue::Int(-5), SqlValue::Text("x\xc3\xa9"), SqlValue::Null(),
                                  SqlValue::Real(0.1), SqlValue::Blob(std::string("\0\1", 2))};
  std::string expected =
      "13:cradle-row-v1,4:orgs,1:a,3:i-5,1:b,4:tx\xc3\xa9,1:c,1:n,1:d,20:r0.10000000000000001,"
      "1:e,3:b";
  expected += std::string("\0\1,", 3);
  BOOST_TEST(CanonicalRow("orgs", cols, values) == expected);
  // Computed independently (Python hashlib) from the encoding documented in seal.h.
  BOOST_TEST(RowContentHash("orgs", cols, values) ==
             "5ef20daa408d21d0d00de4fcfac2ad27970cd2244d9ab911be63646eb5ff7c01");
}

BOOST_AUTO_TEST_CASE(every_column_of_every_sealed_table_changes_the_hash) {
  for (const SealedTable& t : SealedTables()) {
    std::vector<SqlValue> base;
    for (size_t i = 0; i < t.columns.size(); ++i) {
      base.push_back(SqlValue::Text("v" + std::to_string(i)));
    }
    const std::string h = RowContentHash(t.name, t.columns, base);
    std::set<std::string> seen = {h};
    for (size_t i = 0; i < t.columns.size(); ++i) {
      for (SqlValue changed :
           {SqlValue::Text("w" + std::to_string(i)), SqlValue::Null(), SqlValue::Text(""),
            SqlValue::Int(static_cast<int64_t>(i)), SqlValue::Blob("v" + std::to_string(i))}) {
        std::vector<SqlValue> row = base;
        row[i] = changed;
        std::string other = RowContentHash(t.name, t.columns, row);
        BOOST_TEST(other != h, t.name << "." << t.columns[i]);
        seen.insert(other);
      }
    }
    BOOST_TEST(seen.size() == 1 + 5 * t.columns.size(), t.name);
  }
  // Types never collide: 1 as INTEGER, REAL and TEXT; '' and NULL; field boundaries.
  std::vector<std::string_view> one = {"c"};
  BOOST_TEST(RowContentHash("t", one, {SqlValue::Int(1)}) !=
             RowContentHash("t", one, {SqlValue::Text("1")}));
  BOOST_TEST(RowContentHash("t", one, {SqlValue::Int(1)}) !=
             RowContentHash("t", one, {SqlValue::Real(1)}));
  BOOST_TEST(RowContentHash("t", one, {SqlValue::Null()}) !=
             RowContentHash("t", one, {SqlValue::Text("")}));
  std::vector<std::string_view> two = {"a", "b"};
  BOOST_TEST(RowContentHash("t", two, {SqlValue::Text("xy"), SqlValue::Text("z")}) !=
             RowContentHash("t", two, {SqlValue::Text("x"), SqlValue::Text("yz")}));
  BOOST_TEST(RowContentHash("t", two, {SqlValue::Real(0.1), SqlValue::Null()}) !=
             RowContentHash("t", two, {SqlValue::Real(0.1 + 1e-17), SqlValue::Null()}));
}

// The pre-update hook spells keys in C++; they must equal SQLite's json_array text, which
// verify and the WITHOUT ROWID triggers use.
BOOST_AUTO_TEST_CASE(hook_keys_are_spelt_as_sqlite_spells_them) {
  TempDir dir;
  auto db = OpenOrDie({.path = dir.File("cradle.db")});
  RawDb raw(dir.File("cradle.db"));
  BOOST_TEST(internal::JsonKey(SqlValue::Int(-17)) == raw.Scalar("SELECT json_array(-17)"));
  BOOST_TEST(internal::JsonKey(SqlValue::Int(9007199254740993)) ==
             raw.Scalar("SELECT json_array(9007199254740993)"));
  const std::string tricky = "a\"b\\c/\b\f\n\r\t\x01\x1f\x7f\xc3\xa9 'q'";
  const std::string sql =
      "SELECT json_array('a\"b\\c/' || char(8, 12, 10, 13, 9, 1, 31, 127) || '\xc3\xa9 ''q''')";
  BOOST_TEST(internal::JsonKey(SqlValue::Text(tricky)) == raw.Scalar(sql));
  BOOST_TEST(internal::JsonKey(SqlValue::Text("MF-1")) == "[\"MF-1\"]");
}

// A column added to a sealed table without adding it to SealedTables() would go unsealed.
BOOST_AUTO_TEST_CASE(the_sealed_columns_are_exactly_the_schema_columns) {
  TempDir dir;
  auto db = OpenOrDie({.path = dir.File("cradle.db")});
  RawDb raw(dir.File("cradle.db"));
  for (const SealedTable& t : SealedTables()) {
    std::vector<std::string> schema_cols, schema_key, listed_cols, listed_key;
    for (int i = 0;; ++i) {
      std::string name = raw.Scalar("SELECT name FROM pragma_table_info('" + std::string(t.name) +
                                    "') WHERE cid = " + std::to_string(i));
      if (name.empty()) break;
      schema_cols.push_back(name);
    }
    for (int i = 1;; ++i) {
      std::string name = raw.Scalar("SELECT name FROM pragma_table_info('" + std::string(t.name) +
                                    "') WHERE pk = " + std::to_string(i));
      if (name.empty()) break;
      schema_key.push_back(name);
    }
    for (auto c : t.columns) listed_cols.emplace_back(c);
    for (auto c : t.key) listed_key.emplace_back(c);
    BOOST_TEST(schema_cols == listed_cols, t.name);
    BOOST_TEST(schema_key == listed_key, t.name);
  }
}

BOOST_AUTO_TEST_CASE(writes_seal_their_rows_and_tampering_is_named) {
  TempDir dir;
  FakeClock clock(kStart);
  auto db = OpenOrDie({.path = dir.File("cradle.db"), .clock = &clock});
  WriteSql(*db, InsertOrg(kUscc, "Alpha"));
  WriteSql(*db, "UPDATE orgs SET name = 'Alpha Ltd' WHERE uscc = '" + std::string(kUscc) + "'");
  AuditVerification v = Verify(*db);
  BOOST_TEST(v.ok);
  BOOST_TEST(v.length == 2);
  BOOST_TEST(v.rows_checked == 1);
  BOOST_TEST(v.row_problem_count == 0);

  // The stored seal is the content hash of the stored row, under the entry of the last change.
  RawDb raw(dir.File("cradle.db"));
  BOOST_TEST(raw.Int("SELECT max(audit_seq) FROM row_seal_log WHERE tbl = 'orgs'") == 2);
  std::optional<std::string> stored;
  BOOST_REQUIRE(db->Read([&](Txn& txn) -> Status {
                    auto h = StoredRowHash(txn, "orgs", "[\"" + std::string(kUscc) + "\"]");
                    if (h.ok()) stored = *h;
                    return h.status();
                  }).ok());
  std::vector<std::string_view> cols(SealedTables()[11].columns);
  BOOST_REQUIRE(SealedTables()[11].name == "orgs");
  BOOST_TEST(*stored == RowContentHash("orgs", cols,
                                       {SqlValue::Text(kUscc), SqlValue::Text("Alpha Ltd"),
                                        SqlValue::Text("[]"), SqlValue::Text(""), SqlValue::Int(0),
                                        SqlValue::Text(""), SqlValue::Int(1)}));
  BOOST_TEST(raw.Scalar("SELECT content_sha256 FROM row_seal_log WHERE audit_seq = 2") == *stored);

  // Behind the store's back: alter, insert, then delete.
  raw.Exec("UPDATE orgs SET small_enterprise = 1");
  v = Verify(*db);
  BOOST_TEST(!v.ok);
  BOOST_TEST(!v.first_bad_seq.has_value());  // the chain itself is intact
  BOOST_REQUIRE(v.row_problem_count == 1);
  BOOST_TEST(v.row_problems[0].table == "orgs");
  BOOST_TEST(v.row_problems[0].key == "[\"" + std::string(kUscc) + "\"]");
  BOOST_TEST(v.row_problems[0].problem == "altered");
  BOOST_TEST(v.row_problems[0].audit_seq.value_or(0) == 2);
  raw.Exec("UPDATE orgs SET small_enterprise = 0");  // restored exactly: matches again
  BOOST_TEST(Verify(*db).ok);

  raw.Exec(InsertOrg(kUscc2, "Ghost"));
  v = Verify(*db);
  BOOST_REQUIRE(v.row_problem_count == 1);
  BOOST_TEST(v.row_problems[0].problem == "unsealed");
  BOOST_TEST(v.row_problems[0].key == "[\"" + std::string(kUscc2) + "\"]");
  BOOST_TEST(!v.row_problems[0].audit_seq.has_value());
  raw.Exec("DELETE FROM orgs");
  v = Verify(*db);
  BOOST_REQUIRE(v.row_problem_count == 1);  // the ghost is gone too; only the sealed row counts
  BOOST_TEST(v.row_problems[0].problem == "missing");
  BOOST_TEST(v.row_problems[0].audit_seq.value_or(0) == 2);
}

// A later legitimate write over a row altered behind the store's back re-seals it, but its
// seal records the content it found, which is not the content last sealed: still reported.
BOOST_AUTO_TEST_CASE(a_write_over_a_tampered_row_does_not_launder_it) {
  TempDir dir;
  auto db = OpenOrDie({.path = dir.File("cradle.db")});
  WriteSql(*db, InsertOrg(kUscc, "Alpha"));
  WriteSql(*db, InsertOrg(kUscc2, "Beta"));
  RawDb raw(dir.File("cradle.db"));
  raw.Exec("UPDATE orgs SET name = 'Forged' WHERE uscc = '" + std::string(kUscc) + "'");
  raw.Exec(InsertOrg("91440300MA5FUKXX1X", "Ghost"));
  WriteSql(*db, "UPDATE orgs SET contact = 'new phone'");  // re-seals all three rows
  WriteSql(*db, "DELETE FROM orgs WHERE uscc = '" + std::string(kUscc) + "'");
  AuditVerification v = Verify(*db);
  BOOST_TEST(!v.ok);
  BOOST_TEST(!v.first_bad_seq.has_value());
  BOOST_REQUIRE(v.row_problem_count == 2);
  std::set<std::string> seen;
  for (const RowProblem& p : v.row_problems) {
    seen.insert(p.key + " " + p.problem);
    if (p.problem == "altered") {
      BOOST_TEST(p.audit_seq.value_or(0) == 1);  // the seal that was overwritten
    }
  }
  BOOST_TEST(seen.count("[\"" + std::string(kUscc) + "\"] altered") == 1);
  BOOST_TEST(seen.count("[\"91440300MA5FUKXX1X\"] unsealed") == 1);
}

BOOST_AUTO_TEST_CASE(a_write_without_an_audit_entry_gets_one_and_deletes_are_sealed) {
  TempDir dir;
  auto db = OpenOrDie({.path = dir.File("cradle.db")});
  WriteSql(*db, InsertOrg(kUscc, "Alpha"), /*audit=*/false);
  RawDb raw(dir.File("cradle.db"));
  BOOST_TEST(raw.Scalar("SELECT action FROM audit_log WHERE seq = 1") == "rows.seal");
  BOOST_TEST(Verify(*db).ok);
  WriteSql(*db, "DELETE FROM orgs");
  BOOST_TEST(raw.Scalar("SELECT ifnull(content_sha256, 'NULL') FROM row_seal_log "
                        "WHERE audit_seq = 2") == "NULL");
  AuditVerification v = Verify(*db);
  BOOST_TEST(v.ok);
  BOOST_TEST(v.rows_checked == 0);
  // A failed write leaves neither its rows nor their seals.
  Status s = db->Write([&](Txn& txn) -> Status {
    if (Status e = txn.Exec(InsertOrg(kUscc2, "Beta")); !e.ok()) return e;
    return Status("CONFLICT", "changed my mind");
  });
  BOOST_TEST(s.code() == "CONFLICT");
  BOOST_TEST(raw.Int("SELECT count(*) FROM row_seal_log") == 2);
  WriteSql(*db, InsertOrg(kUscc, "Alpha again"));
  BOOST_TEST(Verify(*db).ok);
  BOOST_TEST(raw.Int("SELECT count(*) FROM row_seal_log") == 3);
}

BOOST_AUTO_TEST_CASE(forged_seals_break_the_chain_at_their_entry) {
  TempDir dir;
  auto db = OpenOrDie({.path = dir.File("cradle.db")});
  WriteSql(*db, InsertOrg(kUscc, "Alpha"));
  WriteSql(*db, InsertOrg(kUscc2, "Beta"));
  RawDb raw(dir.File("cradle.db"));
  // Re-sealing a tampered row by hand: the seal no longer matches its entry's rows_sha256.
  raw.Exec("UPDATE orgs SET name = 'Forged' WHERE uscc = '" + std::string(kUscc2) + "'");
  raw.Exec("UPDATE row_seal_log SET content_sha256 = '" + std::string(64, 'a') +
           "' WHERE audit_seq = 2");
  AuditVerification v = Verify(*db);
  BOOST_TEST(!v.ok);
  BOOST_TEST(v.first_bad_seq.value_or(0) == 2);
  // A seal filed under an entry that does not exist.
  TempDir dir2;
  auto db2 = OpenOrDie({.path = dir2.File("cradle.db")});
  WriteSql(*db2, InsertOrg(kUscc, "Alpha"));
  RawDb raw2(dir2.File("cradle.db"));
  raw2.Exec("INSERT INTO orgs (uscc, name, created_at) VALUES ('" + std::string(kUscc2) +
            "', 'Ghost', 1)");
  raw2.Exec("INSERT INTO row_seal_log VALUES (7, 'orgs', '[\"" + std::string(kUscc2) + "\"]', '" +
            std::string(64, 'b') + "', NULL)");
  v = Verify(*db2);
  BOOST_TEST(!v.ok);
  BOOST_TEST(v.first_bad_seq.value_or(0) == 7);
}

BOOST_AUTO_TEST_CASE(the_upgrade_seals_existing_rows_once) {
  TempDir dir;
  const std::vector<Migration>& all = EmbeddedMigrations();
  std::vector<Migration> before;
  for (const Migration& m : all) {
    if (m.name.find("row_seals") != std::string::npos) break;
    before.push_back(m);
  }
  BOOST_REQUIRE(before.size() < all.size());
  {
    auto db = OpenOrDie({.path = dir.File("cradle.db"), .migrations = before});
    Status s = db->Write([&](Txn& txn) -> Status {
      // Written by the old binary: an audit entry without seals.
      auto e = AppendAudit(txn, "admin", "org.create", "org", "{}");
      if (!e.ok()) return e.status();
      return txn.Exec(InsertOrg(kUscc, "Alpha"));
    });
    BOOST_REQUIRE(s.ok());
  }
  {
    auto db = OpenOrDie({.path = dir.File("cradle.db")});
    RawDb raw(dir.File("cradle.db"));
    BOOST_TEST(raw.Scalar("SELECT action FROM audit_log WHERE seq = 2") == "rows.seal_upgrade");
    BOOST_TEST(raw.Int("SELECT count(*) FROM row_seal_upgrade") == 0);
    AuditVerification v = Verify(*db);
    BOOST_TEST(v.ok);
    BOOST_TEST(v.length == 2);
    BOOST_TEST(v.rows_checked == 1);
    // Re-arming the upgrade marker does not launder a row inserted behind the store's back.
    raw.Exec(InsertOrg(kUscc2, "Ghost"));
    raw.Exec("INSERT INTO row_seal_upgrade VALUES (1)");
  }
  auto db = OpenOrDie({.path = dir.File("cradle.db")});
  AuditVerification v = Verify(*db);
  BOOST_TEST(!v.ok);
  BOOST_TEST(v.length == 2);
  BOOST_REQUIRE(v.row_problem_count == 1);
  BOOST_TEST(v.row_problems[0].problem == "unsealed");
}

}  // namespace
}  // namespace cradle::store
