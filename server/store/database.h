// The server's storage: one SQLite file in WAL mode, one writer thread with group commit, and a
// pool of reader connections.
//
// Ownership and lifetime: a Database owns its connections and its writer thread. Destroying it
// drains the write queue (every pending Write completes), stops the thread and closes every
// connection. Txn and Stmt objects are borrowed views valid only inside the callback that
// received them.
//
// Thread safety: Database is safe to use from any number of threads. Write() and Read() must not
// be called from inside a Write() or Read() callback (the writer would wait on itself).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace cradle::store {

class Env;

namespace internal {
class StmtCache;
}  // namespace internal

// One prepared statement; move-only. Either borrowed from its connection's statement cache
// (returned on destruction: reset and bindings cleared, ready for the next Prepare of the same
// SQL) or owned outright (finalized on destruction). Callers cannot tell the two apart.
// Parameter indexes are 1-based and column indexes 0-based, as in SQLite.
class Stmt {
 public:
  Stmt(Stmt&& other) noexcept;
  Stmt& operator=(Stmt&& other) noexcept;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt();

  Stmt& Bind(int index, int64_t value);
  Stmt& Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
  Stmt& Bind(int index, double value);
  Stmt& Bind(int index, std::string_view text);
  Stmt& Bind(int index, const char* text) { return Bind(index, std::string_view(text)); }
  Stmt& Bind(int index, const std::string& text) { return Bind(index, std::string_view(text)); }
  Stmt& BindNull(int index);
  template <class T>
  Stmt& Bind(int index, const std::optional<T>& value) {
    return value ? Bind(index, *value) : BindNull(index);
  }

  // Advances one row: true when a row is available, false when done. Errors map to codes
  // (see SqliteError in the .cc): CONFLICT for UNIQUE/PRIMARY KEY violations, INVALID_FIELD for
  // CHECK/NOT NULL/FOREIGN KEY/type violations, STORAGE_UNAVAILABLE for I/O, full disk, busy.
  Result<bool> Step();
  // Steps to completion, ignoring rows (for INSERT/UPDATE/DELETE).
  Status Run();
  // Resets for re-execution with new bindings (bindings are kept until rebound).
  void Reset();

  bool IsNull(int col) const;
  int64_t Int(int col) const;
  double Double(int col) const;
  std::string Text(int col) const;
  std::optional<int64_t> OptInt(int col) const;
  std::optional<double> OptDouble(int col) const;
  std::optional<std::string> OptText(int col) const;

 private:
  friend class Txn;
  friend class internal::StmtCache;
  // `in_use` is the cache slot's busy flag for a borrowed statement, nullptr for an owned one.
  Stmt(sqlite3_stmt* stmt, sqlite3* db, bool* in_use) : stmt_(stmt), db_(db), in_use_(in_use) {}
  void Release();  // returns or finalizes stmt_; leaves this empty
  sqlite3_stmt* stmt_ = nullptr;
  sqlite3* db_ = nullptr;
  bool* in_use_ = nullptr;
  Status bind_error_;  // the first bind failure, reported by Step()
};

namespace internal {

// Per-connection cache of prepared statements keyed by SQL text (SQLITE_PREPARE_PERSISTENT), so
// the hot paths do not re-parse and re-plan the same SQL on every call.
//
// Ownership: holds its sqlite3_stmt handles and finalizes them in Clear() or on destruction,
// which must happen before the connection closes. Borrowed Stmts must be gone by then (they live
// only inside a Write/Read callback). Lifetime: that of its connection.
// Thread safety: none; used by whichever single thread holds the connection.
// A statement is lent to one Stmt at a time; a second Prepare of the same SQL while the first
// is alive (nesting) gets a fresh statement of its own. At most kMaxEntries SQL texts are kept;
// beyond that, statements are prepared fresh (SQL built from unbounded inputs cannot grow it).
class StmtCache {
 public:
  static constexpr size_t kMaxEntries = 256;
  // Counters shared by every cache of one Database (reported in Database::Stats).
  struct Counters {
    std::atomic<uint64_t> hits{0};      // Prepare served from the cache
    std::atomic<uint64_t> prepares{0};  // statements compiled (cached or fresh)
  };

  explicit StmtCache(Counters* counters = nullptr) : counters_(counters) {}
  ~StmtCache() { Clear(); }
  StmtCache(const StmtCache&) = delete;
  StmtCache& operator=(const StmtCache&) = delete;

  Result<Stmt> Prepare(sqlite3* db, std::string_view sql);
  void Clear();  // finalizes every cached statement (before close or reopen)
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  Counters* counters_;
  // Node-based: Entry addresses stay valid across rehashing (Stmt keeps &Entry::in_use).
  std::unordered_map<std::string, Entry, Hash, std::equal_to<>> entries_;
};

}  // namespace internal

// A connection inside a transaction (the writer's SAVEPOINT, or a reader's read transaction).
// Not copyable; valid only during the callback it is passed to; used from that thread only.
class Txn {
 public:
  // `cache` (may be nullptr: every statement prepared fresh) must belong to `db`.
  Txn(sqlite3* db, const Clock& clock, bool writable, internal::StmtCache* cache = nullptr)
      : db_(db), clock_(clock), writable_(writable), cache_(cache) {}
  Txn(const Txn&) = delete;
  Txn& operator=(const Txn&) = delete;

  // Prepares the first statement of `sql`, from the connection's statement cache when it has one.
  Result<Stmt> Prepare(std::string_view sql);
  // Runs one or more statements without results (DDL, PRAGMA).
  Status Exec(std::string_view sql);
  int64_t LastInsertRowId() const;
  int Changes() const;  // rows changed by the last INSERT/UPDATE/DELETE
  const Clock& clock() const { return clock_; }
  bool writable() const { return writable_; }
  sqlite3* raw() const { return db_; }  // escape hatch for tests and migrations

 private:
  sqlite3* db_;
  const Clock& clock_;
  bool writable_;
  internal::StmtCache* cache_;
};

// One numbered schema migration (schema/NNN_name.sql). Versions run 1..N without gaps.
struct Migration {
  int version = 0;
  std::string name;  // file name, e.g. "001_core.sql"
  std::string sql;
};

// The migrations embedded in the binary at build time, in version order.
const std::vector<Migration>& EmbeddedMigrations();

class Database {
 public:
  struct Options {
    std::string path{};            // the SQLite file; created if absent
    Env* env = nullptr;            // fault-injection VFS; nullptr = SQLite's default VFS
    int readers = 8;               // reader connections in the pool
    const Clock* clock = nullptr;  // nullptr = a process-wide SystemClock
    size_t max_queue = 4096;       // Write() blocks while this many writes are queued
    size_t max_group = 256;        // at most this many fns per COMMIT
    int busy_timeout_ms = 5000;
    // Test-only: migrations to apply instead of EmbeddedMigrations().
    std::optional<std::vector<Migration>> migrations{};
  };

  // Counters for /metrics. Monotonic since Open().
  struct Stats {
    uint64_t groups_committed = 0;  // successful COMMITs
    uint64_t writes_committed = 0;  // fns whose changes were committed (returned OK)
    uint64_t writes_failed = 0;     // fns that returned an error or lost their commit
    uint64_t commit_failures = 0;   // COMMITs that failed (each fails its whole group)
    uint64_t largest_group = 0;     // most fns seen in one group
    uint64_t queue_depth = 0;       // writes waiting right now
    uint64_t stmt_cache_hits = 0;   // Txn::Prepare calls served by a statement cache
    uint64_t stmt_prepares = 0;     // statements compiled by Txn::Prepare
  };

  // Opens (creating if needed) the file, sets WAL/foreign_keys/synchronous=FULL/busy_timeout,
  // applies pending migrations (each in its own transaction), opens the readers and starts the
  // writer thread. Errors: STORAGE_UNAVAILABLE (cannot open/write), MIGRATION_FAILED.
  static Result<std::unique_ptr<Database>> Open(const Options& options);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs `fn` in the single writer's transaction. Writes from concurrent callers are batched
  // into one COMMIT (group commit): each fn runs inside its own SAVEPOINT, so a failing fn rolls
  // back only its own changes; the call returns after the shared COMMIT is durable (fsync'd).
  // A commit failure fails every fn of that group with STORAGE_UNAVAILABLE (a fn that had
  // already failed on its own keeps its own Status); the writer then cuts the WAL past its last
  // committed frame and syncs it, so that the failed group cannot come back after a crash, and
  // answers STORAGE_UNAVAILABLE to every write until that has succeeded. Returns fn's own Status
  // when fn fails, and then none of fn's changes are kept. STORAGE_UNAVAILABLE once the Database is
  // closing. A fn that throws is caught and reported as INTERNAL; a Write from inside a Write
  // callback returns INTERNAL at once instead of deadlocking.
  Status Write(const std::function<Status(Txn&)>& fn);
  // Runs `fn` on a reader connection in a read transaction (one consistent snapshot); never
  // blocks on the writer (WAL). Blocks only while every reader connection is in use.
  Status Read(const std::function<Status(Txn&)>& fn) const;

  Status Checkpoint();            // wal_checkpoint(TRUNCATE), for shutdown
  Status IntegrityCheck() const;  // PRAGMA integrity_check; CORRUPT with the first message
  // Online backup API (a consistent copy, synced); the copy is written through the same VFS
  // (Options::env) as the database.
  Status Backup(const std::string& dest_path) const;

  Stats stats() const;
  int schema_version() const;  // PRAGMA user_version after Open

 private:
  struct Impl;
  explicit Database(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Applies `migrations` (sorted by version, 1..N) to an open connection: every migration whose
// version exceeds PRAGMA user_version runs in one IMMEDIATE transaction that also sets
// user_version; a failure rolls that migration back and returns MIGRATION_FAILED.
Status ApplyMigrations(sqlite3* db, const std::vector<Migration>& migrations);

}  // namespace cradle::store
