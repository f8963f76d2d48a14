// Migrations: applied in order to an empty file, a no-op when re-applied, and a failing one
// leaves schema and user_version exactly as they were.
#define BOOST_TEST_MODULE store_migrations_test
#include <boost/test/unit_test.hpp>

#include "server/store/database.h"
#include "tests/unit/store/store_test_util.h"

namespace cradle::store {
namespace {

using testing::OpenOrDie;
using testing::RawDb;
using testing::TempDir;

std::string SchemaSnapshot(RawDb& raw) {
  return raw.Scalar(
      "SELECT group_concat(type || ':' || name || ':' || coalesce(sql, ''), char(10)) FROM "
      "(SELECT * FROM sqlite_schema ORDER BY type, name)");
}

BOOST_AUTO_TEST_CASE(embedded_migrations_are_numbered_and_present) {
  const auto& migrations = EmbeddedMigrations();
  BOOST_REQUIRE(!migrations.empty());
  for (size_t i = 0; i < migrations.size(); ++i) {
    BOOST_TEST(migrations[i].version == static_cast<int>(i + 1));
    BOOST_TEST(!migrations[i].sql.empty());
  }
  BOOST_TEST(migrations[0].name == "001_core.sql");
}

BOOST_AUTO_TEST_CASE(applies_to_an_empty_file_and_reapply_is_a_no_op) {
  TempDir dir;
  const std::string path = dir.File("cradle.db");
  const int n = static_cast<int>(EmbeddedMigrations().size());
  std::string before;
  {
    auto db = OpenOrDie({.path = path});
    BOOST_TEST(db->schema_version() == n);
    RawDb raw(path);
    BOOST_TEST(raw.Int("PRAGMA user_version") == n);
    BOOST_TEST(raw.Scalar("PRAGMA journal_mode") == "wal");
    for (const char* table :
         {"orgs", "api_tokens", "devices", "facilities", "programmes", "programme_members",
          "serials", "manifests", "manifest_events", "idempotency", "audit_log"}) {
      BOOST_TEST(raw.Int(std::string("SELECT count(*) FROM sqlite_schema WHERE type = 'table' "
                                     "AND name = '") +
                         table + "'") == 1,
                 table);
    }
    // STRICT tables refuse a wrongly typed value.
    BOOST_CHECK_THROW(raw.Exec("INSERT INTO serials VALUES ('p', 'c', 'd', 'not a number')"),
                      std::runtime_error);
    before = SchemaSnapshot(raw);
  }
  auto db = OpenOrDie({.path = path});
  BOOST_TEST(db->schema_version() == n);
  RawDb raw(path);
  BOOST_TEST(raw.Int("PRAGMA user_version") == n);
  BOOST_TEST(SchemaSnapshot(raw) == before);
}

BOOST_AUTO_TEST_CASE(a_failing_migration_leaves_the_database_unchanged) {
  TempDir dir;
  const std::string path = dir.File("cradle.db");
  const int n = static_cast<int>(EmbeddedMigrations().size());
  { OpenOrDie({.path = path}); }
  std::string before;
  {
    RawDb raw(path);
    before = SchemaSnapshot(raw);
  }
  std::vector<Migration> migrations = EmbeddedMigrations();
  // The first statement succeeds and must be undone; the second fails.
  migrations.push_back({n + 1, "999_bad.sql",
                        "CREATE TABLE extra (x INTEGER) STRICT;\n"
                        "INSERT INTO orgs (uscc) VALUES ('too short');\n"
                        "INSERT INTO no_such_table VALUES (1);"});
  auto db = Database::Open({.path = path, .migrations = migrations});
  BOOST_REQUIRE(!db.ok());
  BOOST_TEST(db.status().code() == "MIGRATION_FAILED");
  BOOST_TEST(db.status().message().find("999_bad.sql") != std::string::npos);

  RawDb raw(path);
  BOOST_TEST(raw.Int("PRAGMA user_version") == n);
  BOOST_TEST(SchemaSnapshot(raw) == before);
  BOOST_TEST(raw.Int("SELECT count(*) FROM sqlite_schema WHERE name = 'extra'") == 0);
  BOOST_TEST(raw.Scalar("PRAGMA integrity_check") == "ok");
}

BOOST_AUTO_TEST_CASE(a_later_migration_applies_once) {
  TempDir dir;
  const std::string path = dir.File("cradle.db");
  const int n = static_cast<int>(EmbeddedMigrations().size());
  { OpenOrDie({.path = path}); }
  std::vector<Migration> migrations = EmbeddedMigrations();
  migrations.push_back({n + 1, "999_more.sql",
                        "CREATE TABLE more (x INTEGER) STRICT; INSERT INTO more VALUES (7);"});
  { OpenOrDie({.path = path, .migrations = migrations}); }
  { OpenOrDie({.path = path, .migrations = migrations}); }  // not applied a second time
  RawDb raw(path);
  BOOST_TEST(raw.Int("PRAGMA user_version") == n + 1);
  BOOST_TEST(raw.Int("SELECT count(*) FROM more") == 1);
}

BOOST_AUTO_TEST_CASE(refuses_gaps_and_a_newer_database) {
  TempDir dir;
  const std::string path = dir.File("cradle.db");
  std::vector<Migration> gap = {{1, "001_a.sql", "CREATE TABLE a (x INTEGER);"},
                                {3, "003_c.sql", "CREATE TABLE c (x INTEGER);"}};
  auto bad = Database::Open({.path = path, .migrations = gap});
  BOOST_REQUIRE(!bad.ok());
  BOOST_TEST(bad.status().code() == "MIGRATION_FAILED");

  { OpenOrDie({.path = path}); }
  std::vector<Migration> older;  // a binary that knows no migrations at all
  auto newer = Database::Open({.path = path, .migrations = older});
  BOOST_REQUIRE(!newer.ok());
  BOOST_TEST(newer.status().code() == "MIGRATION_FAILED");
}

}  // namespace
}  // namespace cradle::store
