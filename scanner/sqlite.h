// Minimal RAII over the SQLite C API for the scanner's own database (the scanner never links
// the server's store).
//
// Database owns one sqlite3 connection; Statement owns one prepared statement and borrows its
// connection, so a Statement must not outlive the Database that prepared it. Errors come back
// as Status code STORAGE with SQLite's message.
//
// Thread safety: none; one Database per thread (the scanner is single-threaded). Several
// processes may open the same file: SQLite's locking and a busy timeout serialise them.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace cradle::scan {

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based, as in SQLite.
  Statement& Bind(int index, std::string_view text);
  Statement& Bind(int index, int64_t value);
  Statement& BindNull(int index);
  Statement& Bind(int index, const std::optional<int64_t>& value);
  // Binds NULL for an empty string.
  Statement& BindOrNull(int index, std::string_view text);

  // Advances: true with a row, false when done; STORAGE (or CONSTRAINT for a constraint
  // violation) on error.
  Result<bool> Step();
  // Steps once, expecting no row; then resets for reuse.
  Status Run();
  // Resets and clears the bindings for the next use.
  void Reset();

  // Columns are 0-based.
  int64_t Int(int column) const;
  bool IsNull(int column) const;
  std::string Text(int column) const;

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

class Database {
 public:
  // Opens (creating) the file; WAL, synchronous FULL (a commit survives power loss), a busy
  // timeout for the other scanner process.
  static Result<std::unique_ptr<Database>> Open(const std::string& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more statements without results.
  Status Exec(const std::string& sql);
  Result<Statement> Prepare(std::string_view sql);

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

// BEGIN IMMEDIATE on construction; ROLLBACK on destruction unless Commit() succeeded.
class Transaction {
 public:
  explicit Transaction(Database& db) : db_(db) {}
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  Status Begin();
  Status Commit();

 private:
  Database& db_;
  bool open_ = false;
};

}  // namespace cradle::scan
