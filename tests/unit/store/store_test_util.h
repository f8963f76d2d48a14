// Helpers for the store tests: a temporary directory removed on destruction, and raw sqlite3
// access for looking at (and tampering with) the file behind the store's back.
#pragma once

#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "server/store/database.h"
#include "tests/support/temp_dir.h"

namespace cradle::store::testing {

using TempDir = ::cradle::testing::TempDir;  // tests/support/temp_dir.h

// A raw connection, for checks independent of the store's own code.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      throw std::runtime_error("open " + path);
    }
    sqlite3_busy_timeout(db_, 5000);
  }
  ~RawDb() { sqlite3_close_v2(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  void Exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string message = err ? err : "?";
      sqlite3_free(err);
      throw std::runtime_error(sql + ": " + message);
    }
  }
  // The first column of the first row as text ("" when no row).
  std::string Scalar(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      throw std::runtime_error(sql + ": " + sqlite3_errmsg(db_));
    }
    std::string out;
    if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
      out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    return out;
  }
  int64_t Int(const std::string& sql) { return std::stoll(Scalar(sql)); }

 private:
  sqlite3* db_ = nullptr;
};

inline std::unique_ptr<Database> OpenOrDie(Database::Options options) {
  auto db = Database::Open(options);
  if (!db.ok()) throw std::runtime_error("open: " + db.status().ToString());
  return std::move(db).value();
}

// Counts rows of `table` through the store's readers.
inline int64_t CountRows(const Database& db, const std::string& table) {
  int64_t n = -1;
  Status s = db.Read([&](Txn& txn) -> Status {
    auto stmt = txn.Prepare("SELECT count(*) FROM " + table);
    if (!stmt.ok()) return stmt.status();
    auto row = stmt->Step();
    if (!row.ok()) return row.status();
    n = stmt->Int(0);
    return Status::Ok();
  });
  if (!s.ok()) throw std::runtime_error("count: " + s.ToString());
  return n;
}

}  // namespace cradle::store::testing
