// Schema migrations: numbered SQL files applied in order, each in one transaction that also
// advances PRAGMA user_version, so a failure leaves schema and version as they were.
#include <sqlite3.h>

#include <string>

#include "server/store/database.h"
#include "server/store/sqlite_util.h"

namespace cradle::store {

namespace {

Result<int> UserVersion(sqlite3* db) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return internal::SqliteError(db, rc, "user_version");
  rc = sqlite3_step(stmt);
  int version = rc == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : 0;
  sqlite3_finalize(stmt);
  if (rc != SQLITE_ROW) return internal::SqliteError(db, rc, "user_version");
  return version;
}

Status ApplyOne(sqlite3* db, const Migration& m) {
  CRADLE_STORE_RETURN_IF_ERROR(internal::ExecRaw(db, "BEGIN IMMEDIATE"));
  Status s = internal::ExecRaw(db, m.sql);
  if (s.ok()) s = internal::ExecRaw(db, "PRAGMA user_version=" + std::to_string(m.version));
  if (s.ok()) s = internal::ExecRaw(db, "COMMIT");
  if (!s.ok()) {
    if (sqlite3_get_autocommit(db) == 0) internal::ExecRaw(db, "ROLLBACK");
    return Status("MIGRATION_FAILED", m.name + ": " + s.message());
  }
  return Status::Ok();
}

}  // namespace

Status ApplyMigrations(sqlite3* db, const std::vector<Migration>& migrations) {
  for (size_t i = 0; i < migrations.size(); ++i) {
    if (migrations[i].version != static_cast<int>(i) + 1) {
      return Status("MIGRATION_FAILED",
                    "migrations must be numbered 1..N without gaps: " + migrations[i].name);
    }
  }
  CRADLE_STORE_ASSIGN_OR_RETURN(int current, UserVersion(db));
  if (current > static_cast<int>(migrations.size())) {
    return Status("MIGRATION_FAILED", "database schema version " + std::to_string(current) +
                                          " is newer than this binary's " +
                                          std::to_string(migrations.size()));
  }
  for (size_t i = static_cast<size_t>(current); i < migrations.size(); ++i) {
    CRADLE_STORE_RETURN_IF_ERROR(ApplyOne(db, migrations[i]));
  }
  return Status::Ok();
}

}  // namespace cradle::store
