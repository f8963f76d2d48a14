#include "server/store/database.h"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <future>
#include <mutex>
#include <thread>
#include <utility>

#include "server/store/env.h"
#include "server/store/seal.h"
#include "server/store/sqlite_util.h"

namespace cradle::store {

namespace internal {

Status SqliteError(sqlite3* db, int rc, std::string_view what) {
  std::string message(what);
  message += ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return Status::Private("CONFLICT", message);
      }
      return Status::Private("INVALID_FIELD", message);
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
    case SQLITE_RANGE:
      return Status::Private("INVALID_FIELD", message);
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_NOMEM:
    case SQLITE_PROTOCOL:
    case SQLITE_NOLFS:
    case SQLITE_PERM:
      return Status::Private("STORAGE_UNAVAILABLE", message);
    default:
      return Status::Private("INTERNAL", message);
  }
}

Status ExecRaw(sqlite3* db, std::string_view sql) {
  std::string text(sql);
  int rc = sqlite3_exec(db, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db, sqlite3_extended_errcode(db), "exec");
  return Status::Ok();
}

Status ConfigureConnection(sqlite3* db, bool writer, int busy_timeout_ms) {
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, busy_timeout_ms);
  CRADLE_STORE_RETURN_IF_ERROR(ExecRaw(db, "PRAGMA foreign_keys=ON"));
  if (writer) {
    CRADLE_STORE_RETURN_IF_ERROR(ExecRaw(db, "PRAGMA journal_mode=WAL"));
    CRADLE_STORE_RETURN_IF_ERROR(ExecRaw(db, "PRAGMA synchronous=FULL"));  // never weaker
    // The writer re-reads the hot index pages of every group: a larger page cache (16 MiB, the
    // default is 2) keeps them; temporary b-trees (ORDER BY, IN lists) stay off the disk.
    CRADLE_STORE_RETURN_IF_ERROR(ExecRaw(db, "PRAGMA cache_size=-16384"));
    CRADLE_STORE_RETURN_IF_ERROR(ExecRaw(db, "PRAGMA temp_store=MEMORY"));
  } else {
    CRADLE_STORE_RETURN_IF_ERROR(ExecRaw(db, "PRAGMA query_only=ON"));
  }
  return Status::Ok();
}

}  // namespace internal

using internal::ExecRaw;
using internal::SqliteError;

// ---- Stmt ----

Stmt::Stmt(Stmt&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)),
      db_(other.db_),
      in_use_(std::exchange(other.in_use_, nullptr)),
      bind_error_(std::move(other.bind_error_)) {}

Stmt& Stmt::operator=(Stmt&& other) noexcept {
  if (this != &other) {
    Release();
    stmt_ = std::exchange(other.stmt_, nullptr);
    db_ = other.db_;
    in_use_ = std::exchange(other.in_use_, nullptr);
    bind_error_ = std::move(other.bind_error_);
  }
  return *this;
}

Stmt::~Stmt() { Release(); }

void Stmt::Release() {
  if (stmt_ == nullptr) return;
  if (in_use_ != nullptr) {
    // Back to the cache: no open cursor (which would pin a read snapshot) and no stale bindings
    // leak into the next borrower.
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    *in_use_ = false;
    in_use_ = nullptr;
  } else {
    sqlite3_finalize(stmt_);
  }
  stmt_ = nullptr;
}

namespace {
void NoteBind(int rc, sqlite3* db, Status& first_error) {
  if (rc != SQLITE_OK && first_error.ok()) first_error = SqliteError(db, rc, "bind");
}
}  // namespace

Stmt& Stmt::Bind(int index, int64_t value) {
  NoteBind(sqlite3_bind_int64(stmt_, index, value), db_, bind_error_);
  return *this;
}
Stmt& Stmt::Bind(int index, double value) {
  NoteBind(sqlite3_bind_double(stmt_, index, value), db_, bind_error_);
  return *this;
}
Stmt& Stmt::Bind(int index, std::string_view text) {
  NoteBind(
      sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
      db_, bind_error_);
  return *this;
}
Stmt& Stmt::BindNull(int index) {
  NoteBind(sqlite3_bind_null(stmt_, index), db_, bind_error_);
  return *this;
}

Result<bool> Stmt::Step() {
  if (!bind_error_.ok()) return bind_error_;
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Status s = SqliteError(db_, rc, "step");
  sqlite3_reset(stmt_);
  return s;
}

Status Stmt::Run() {
  while (true) {
    Result<bool> row = Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::Ok();
  }
}

void Stmt::Reset() {
  sqlite3_reset(stmt_);
  bind_error_ = Status::Ok();
}

bool Stmt::IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
int64_t Stmt::Int(int col) const { return sqlite3_column_int64(stmt_, col); }
double Stmt::Double(int col) const { return sqlite3_column_double(stmt_, col); }
std::string Stmt::Text(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  if (p == nullptr) return std::string();
  return std::string(reinterpret_cast<const char*>(p),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}
std::optional<int64_t> Stmt::OptInt(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Int(col);
}
std::optional<double> Stmt::OptDouble(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Double(col);
}
std::optional<std::string> Stmt::OptText(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Text(col);
}

// ---- StmtCache ----

namespace internal {

namespace {
Result<sqlite3_stmt*> Compile(sqlite3* db, std::string_view sql, unsigned flags,
                              StmtCache::Counters* counters) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), flags, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return SqliteError(db, rc, "prepare");
  }
  if (counters != nullptr) counters->prepares.fetch_add(1, std::memory_order_relaxed);
  return stmt;
}
}  // namespace

Result<Stmt> StmtCache::Prepare(sqlite3* db, std::string_view sql) {
  auto it = entries_.find(sql);
  if (it != entries_.end() && !it->second.in_use) {
    if (counters_ != nullptr) counters_->hits.fetch_add(1, std::memory_order_relaxed);
    it->second.in_use = true;
    return Stmt(it->second.stmt, db, &it->second.in_use);
  }
  if (it != entries_.end() || entries_.size() >= kMaxEntries) {
    // Busy (nested use of the same SQL) or full: a statement of its own, finalized after use.
    CRADLE_STORE_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Compile(db, sql, 0, counters_));
    return Stmt(stmt, db, nullptr);
  }
  CRADLE_STORE_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                                Compile(db, sql, SQLITE_PREPARE_PERSISTENT, counters_));
  if (stmt == nullptr) return Stmt(nullptr, db, nullptr);  // empty SQL: nothing to cache
  Entry& entry = entries_.emplace(std::string(sql), Entry{stmt, true}).first->second;
  return Stmt(stmt, db, &entry.in_use);
}

void StmtCache::Clear() {
  for (auto& [sql, entry] : entries_) sqlite3_finalize(entry.stmt);
  entries_.clear();
}

}  // namespace internal

// ---- Txn ----

Result<Stmt> Txn::Prepare(std::string_view sql) {
  if (cache_ != nullptr) return cache_->Prepare(db_, sql);
  CRADLE_STORE_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, internal::Compile(db_, sql, 0, nullptr));
  return Stmt(stmt, db_, nullptr);
}

Status Txn::Exec(std::string_view sql) { return ExecRaw(db_, sql); }
int64_t Txn::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }
int Txn::Changes() const { return sqlite3_changes(db_); }

// ---- Database ----

namespace {

const Clock& DefaultClock() {
  static const SystemClock clock;
  return clock;
}

// One queued write. `outside_txn` runs fn on the writer connection with no transaction (used for
// checkpoints); such a request always forms a group of its own.
struct WriteRequest {
  const std::function<Status(Txn&)>* fn = nullptr;
  bool outside_txn = false;
  std::promise<Status> done;
};

Result<sqlite3*> OpenConnection(const Database::Options& options, bool writer) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (writer ? SQLITE_OPEN_CREATE : 0);
  const char* vfs = options.env != nullptr ? options.env->vfs_name().c_str() : nullptr;
  int rc = sqlite3_open_v2(options.path.c_str(), &db, flags, vfs);
  if (rc != SQLITE_OK) {
    Status s = SqliteError(db, rc, "open " + options.path);
    sqlite3_close_v2(db);
    return Status("STORAGE_UNAVAILABLE", s.message());
  }
  Status s = internal::ConfigureConnection(db, writer, options.busy_timeout_ms);
  if (!s.ok()) {
    sqlite3_close_v2(db);
    return Status("STORAGE_UNAVAILABLE", s.message());
  }
  return db;
}

Status StorageUnavailable(const std::string& why) { return Status("STORAGE_UNAVAILABLE", why); }

// Runs one transaction-control statement (BEGIN, SAVEPOINT, COMMIT...) through the connection's
// cache: they run several times per write, and sqlite3_exec would re-parse them every time.
Status Control(internal::StmtCache& cache, sqlite3* db, std::string_view sql) {
  Result<Stmt> stmt = cache.Prepare(db, sql);
  if (!stmt.ok()) return stmt.status();
  return stmt->Run();
}

}  // namespace

// A reader connection and its statement cache; held by one Read() at a time.
struct ReaderConn {
  explicit ReaderConn(sqlite3* connection, internal::StmtCache::Counters* counters)
      : db(connection), cache(counters) {}
  ~ReaderConn() {
    cache.Clear();  // statements first: close_v2 would otherwise leave a zombie connection
    sqlite3_close_v2(db);
  }
  ReaderConn(const ReaderConn&) = delete;
  ReaderConn& operator=(const ReaderConn&) = delete;
  sqlite3* db;
  internal::StmtCache cache;
};

struct Database::Impl {
  Options options;
  const Clock* clock = nullptr;
  int schema_version = 0;
  bool sealing = false;            // the schema has row seals: each Write seals the rows it changed
  internal::SealNotes seal_notes;  // filled by the writer's triggers during one Write

  internal::StmtCache::Counters stmt_counters;

  // Writer state: the connection is touched only by the writer thread (and Open/~Database).
  sqlite3* writer = nullptr;
  internal::StmtCache writer_cache{&stmt_counters};
  std::thread writer_thread;
  std::mutex queue_mu;
  std::condition_variable queue_ready;  // work arrived or stopping
  std::condition_variable queue_space;  // room in the queue
  std::deque<WriteRequest*> queue;
  bool stopping = false;

  // Readers: a fixed pool; idle ones wait in `idle`.
  std::vector<std::unique_ptr<ReaderConn>> readers;
  mutable std::mutex reader_mu;
  mutable std::condition_variable reader_free;
  mutable std::vector<ReaderConn*> idle;

  std::atomic<uint64_t> groups_committed{0}, writes_committed{0}, writes_failed{0},
      commit_failures{0}, largest_group{0};
  // A group was lost and the WAL's tail past the last committed frame has not yet been cut off
  // (finding 12). Writer thread only.
  bool wal_tail_suspect = false;

  ~Impl() {
    readers.clear();
    writer_cache.Clear();
    if (writer != nullptr) sqlite3_close_v2(writer);
  }

  Status Enqueue(WriteRequest& request) {
    std::future<Status> done = request.done.get_future();
    {
      std::unique_lock lock(queue_mu);
      queue_space.wait(lock, [&] { return stopping || queue.size() < options.max_queue; });
      if (stopping) return StorageUnavailable("database is closing");
      queue.push_back(&request);
    }
    queue_ready.notify_one();
    return done.get();
  }

  void WriterLoop() {
    while (true) {
      std::vector<WriteRequest*> group;
      {
        std::unique_lock lock(queue_mu);
        queue_ready.wait(lock, [&] { return stopping || !queue.empty(); });
        if (queue.empty()) return;  // stopping and drained
        if (queue.front()->outside_txn) {
          group.push_back(queue.front());
          queue.pop_front();
        } else {
          while (!queue.empty() && !queue.front()->outside_txn &&
                 group.size() < std::max<size_t>(1, options.max_group)) {
            group.push_back(queue.front());
            queue.pop_front();
          }
        }
      }
      queue_space.notify_all();
      if (group.front()->outside_txn) {
        RunOutsideTxn(*group.front());
      } else {
        RunGroup(group);
      }
    }
  }

  static Status CallFn(const std::function<Status(Txn&)>& fn, Txn& txn) {
    try {
      return fn(txn);
    } catch (const std::exception& e) {
      return Status("INTERNAL", std::string("write threw: ") + e.what());
    } catch (...) {
      return Status("INTERNAL", "write threw");
    }
  }

  // Closes and reopens the writer connection after a failed commit, so no state of the failed
  // transaction (page cache, half-written WAL frames) survives into the next group.
  void ReopenWriter() {
    if (writer != nullptr) {
      if (sqlite3_get_autocommit(writer) == 0) ExecRaw(writer, "ROLLBACK");
      writer_cache.Clear();  // its statements belong to the connection being closed
      sqlite3_close_v2(writer);
      writer = nullptr;
    }
    Result<sqlite3*> db = OpenConnection(options, /*writer=*/true);
    if (db.ok() && sealing && !internal::InstallSealTriggers(*db, &seal_notes).ok()) {
      sqlite3_close_v2(*db);  // a writer that would not seal its rows must not write
      return;
    }
    if (db.ok()) writer = *db;
  }

  // Finding 12: a COMMIT whose fsync failed has already written all its frames, commit marker
  // and valid checksums included, to the WAL. This process never sees them (the wal-index in
  // shared memory, kept alive by the readers, still ends at the last good frame), but recovery
  // after a crash or restart reads the file itself and would replay a write we answered 503.
  // Reopening the connection does not remove them, and a checkpoint(TRUNCATE) would have to wait
  // for every reader. So we cut the file at the end of the last good frame (the wal-index's
  // frame count, reported by a passive checkpoint) and sync that, and until this has succeeded
  // the writer refuses every write: a later commit's sync could otherwise make the stale frames
  // durable as well.
  Status DropWalTail() {
    int log = -1, checkpointed = -1;
    int rc =
        sqlite3_wal_checkpoint_v2(writer, "main", SQLITE_CHECKPOINT_PASSIVE, &log, &checkpointed);
    if (rc != SQLITE_OK) return SqliteError(writer, rc, "wal checkpoint");
    if (log < 0) return Status::Ok();  // not in WAL mode: nothing to cut
    int64_t page_size = 0;
    {
      Result<Stmt> stmt = writer_cache.Prepare(writer, "PRAGMA page_size");
      if (!stmt.ok()) return stmt.status();
      Result<bool> row = stmt->Step();
      if (!row.ok()) return row.status();
      if (!*row) return StorageUnavailable("page_size unavailable");
      page_size = stmt->Int(0);
    }
    sqlite3_file* wal = nullptr;
    rc = sqlite3_file_control(writer, "main", SQLITE_FCNTL_JOURNAL_POINTER, &wal);
    if (rc != SQLITE_OK || wal == nullptr || wal->pMethods == nullptr) {
      return StorageUnavailable("no handle on the WAL");
    }
    // WAL layout: a 32-byte header, then frames of a 24-byte header and one page each.
    const int64_t good_end = log == 0 ? 0 : 32 + int64_t{log} * (page_size + 24);
    sqlite3_int64 size = 0;
    if ((rc = wal->pMethods->xFileSize(wal, &size)) != SQLITE_OK) {
      return SqliteError(nullptr, rc, "wal size");
    }
    if (size > good_end && (rc = wal->pMethods->xTruncate(wal, good_end)) != SQLITE_OK) {
      return SqliteError(nullptr, rc, "wal truncate");
    }
    if ((rc = wal->pMethods->xSync(wal, SQLITE_SYNC_FULL)) != SQLITE_OK) {
      return SqliteError(nullptr, rc, "wal sync");
    }
    return Status::Ok();
  }

  // Ready to write: a writer connection and no suspect WAL tail. Writer thread only.
  Status PrepareWriter() {
    if (writer == nullptr) ReopenWriter();
    if (writer == nullptr) return StorageUnavailable("writer connection unavailable");
    if (wal_tail_suspect) {
      Status s = DropWalTail();
      if (!s.ok())
        return StorageUnavailable("cannot cut the WAL after a failed commit: " + s.message());
      wal_tail_suspect = false;
    }
    return Status::Ok();
  }

  void RunOutsideTxn(WriteRequest& request) {
    if (Status s = PrepareWriter(); !s.ok()) {
      request.done.set_value(s);
      return;
    }
    Txn txn(writer, *clock, /*writable=*/true, &writer_cache);
    request.done.set_value(CallFn(*request.fn, txn));
  }

  // Runs every fn of the group in its own SAVEPOINT inside one transaction, then one COMMIT.
  void RunGroup(const std::vector<WriteRequest*>& group) {
    if (group.size() > largest_group.load()) largest_group.store(group.size());
    std::vector<Status> results(group.size());
    bool lost = false;  // the shared transaction is gone: nothing in this group commits
    Status lost_why;
    if (Status s = PrepareWriter(); !s.ok()) {
      lost = true;
      lost_why = s;
    } else if (Status s = Control(writer_cache, writer, "BEGIN IMMEDIATE"); !s.ok()) {
      lost = true;
      lost_why = StorageUnavailable(s.message());
    }
    for (size_t i = 0; i < group.size() && !lost; ++i) {
      if (Status s = Control(writer_cache, writer, "SAVEPOINT w"); !s.ok()) {
        lost = true;
        lost_why = StorageUnavailable(s.message());
        break;
      }
      Txn txn(writer, *clock, /*writable=*/true, &writer_cache);
      seal_notes.Clear();
      results[i] = CallFn(*group[i]->fn, txn);
      if (results[i].ok() && sealing && sqlite3_get_autocommit(writer) == 0) {
        results[i] = internal::SealPendingRows(txn, seal_notes);
      }
      if (sqlite3_get_autocommit(writer) != 0) {  // SQLite rolled the whole transaction back
        lost = true;
        lost_why = StorageUnavailable("transaction rolled back by SQLite: " + results[i].message());
        break;
      }
      Status end = results[i].ok() ? Control(writer_cache, writer, "RELEASE w")
                                   : ExecRaw(writer, "ROLLBACK TO w; RELEASE w");
      if (!end.ok()) {
        lost = true;
        lost_why = StorageUnavailable(end.message());
      }
    }
    if (!lost) {
      if (Status s = Control(writer_cache, writer, "COMMIT"); !s.ok()) {
        lost = true;
        lost_why = StorageUnavailable("commit failed: " + s.message());
      }
    }
    if (lost) {
      commit_failures.fetch_add(1);
      ReopenWriter();
      // Cut the lost group's frames now (a crash right after would replay them); when that
      // fails, PrepareWriter retries before the next write and refuses it meanwhile.
      wal_tail_suspect = true;
      if (writer != nullptr && DropWalTail().ok()) wal_tail_suspect = false;
      for (size_t i = 0; i < group.size(); ++i) {
        // A fn that failed on its own keeps its own error (its changes were undone anyway);
        // every other fn lost its commit.
        if (results[i].ok()) results[i] = lost_why;
      }
    } else {
      groups_committed.fetch_add(1);
    }
    for (size_t i = 0; i < group.size(); ++i) {
      (results[i].ok() ? writes_committed : writes_failed).fetch_add(1);
      group[i]->done.set_value(std::move(results[i]));
    }
  }

  ReaderConn* AcquireReader() const {
    std::unique_lock lock(reader_mu);
    reader_free.wait(lock, [&] { return !idle.empty(); });
    ReaderConn* db = idle.back();
    idle.pop_back();
    return db;
  }

  void ReleaseReader(ReaderConn* db) const {
    {
      std::lock_guard lock(reader_mu);
      idle.push_back(db);
    }
    reader_free.notify_one();
  }
};

Database::Database(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Database::~Database() {
  {
    std::lock_guard lock(impl_->queue_mu);
    impl_->stopping = true;
  }
  impl_->queue_ready.notify_all();
  impl_->queue_space.notify_all();
  if (impl_->writer_thread.joinable()) impl_->writer_thread.join();
}

Result<std::unique_ptr<Database>> Database::Open(const Options& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->options.readers = std::max(1, options.readers);
  impl->clock = options.clock != nullptr ? options.clock : &DefaultClock();

  CRADLE_STORE_ASSIGN_OR_RETURN(impl->writer, OpenConnection(impl->options, /*writer=*/true));
  const std::vector<Migration>& migrations =
      options.migrations ? *options.migrations : EmbeddedMigrations();
  CRADLE_STORE_RETURN_IF_ERROR(ApplyMigrations(impl->writer, migrations));
  impl->schema_version = static_cast<int>(migrations.size());
  CRADLE_STORE_ASSIGN_OR_RETURN(impl->sealing, internal::SealingAvailable(impl->writer));
  if (impl->sealing) {
    CRADLE_STORE_RETURN_IF_ERROR(internal::SealRowsAtUpgrade(impl->writer, *impl->clock));
    CRADLE_STORE_RETURN_IF_ERROR(internal::InstallSealTriggers(impl->writer, &impl->seal_notes));
  }

  for (int i = 0; i < impl->options.readers; ++i) {
    CRADLE_STORE_ASSIGN_OR_RETURN(sqlite3 * reader,
                                  OpenConnection(impl->options, /*writer=*/false));
    impl->readers.push_back(std::make_unique<ReaderConn>(reader, &impl->stmt_counters));
    impl->idle.push_back(impl->readers.back().get());
  }
  Impl* raw = impl.get();
  impl->writer_thread = std::thread([raw] { raw->WriterLoop(); });
  return std::unique_ptr<Database>(new Database(std::move(impl)));
}

Status Database::Write(const std::function<Status(Txn&)>& fn) {
  if (std::this_thread::get_id() == impl_->writer_thread.get_id()) {
    return Status("INTERNAL", "Write called from inside a Write callback");
  }
  WriteRequest request;
  request.fn = &fn;
  return impl_->Enqueue(request);
}

Status Database::Read(const std::function<Status(Txn&)>& fn) const {
  ReaderConn* conn = impl_->AcquireReader();
  sqlite3* db = conn->db;
  Status s = Control(conn->cache, db, "BEGIN");
  if (s.ok()) {
    Txn txn(db, *impl_->clock, /*writable=*/false, &conn->cache);
    s = Impl::CallFn(fn, txn);
  }
  if (sqlite3_get_autocommit(db) == 0) Control(conn->cache, db, "ROLLBACK");  // nothing to keep
  impl_->ReleaseReader(conn);
  return s;
}

Status Database::Checkpoint() {
  if (std::this_thread::get_id() == impl_->writer_thread.get_id()) {
    return Status("INTERNAL", "Checkpoint called from inside a Write callback");
  }
  std::function<Status(Txn&)> fn = [](Txn& txn) -> Status {
    return txn.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  };
  WriteRequest request;
  request.fn = &fn;
  request.outside_txn = true;
  return impl_->Enqueue(request);
}

Status Database::IntegrityCheck() const {
  return Read([](Txn& txn) -> Status {
    CRADLE_STORE_ASSIGN_OR_RETURN(Stmt stmt, txn.Prepare("PRAGMA integrity_check"));
    CRADLE_STORE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return Status("CORRUPT", "integrity_check returned nothing");
    std::string first = stmt.Text(0);
    if (first != "ok") return Status("CORRUPT", first);
    return Status::Ok();
  });
}

Status Database::Backup(const std::string& dest_path) const {
  sqlite3* dest = nullptr;
  // Through the same VFS as the source, so that the fault and power-loss tests reach it too.
  const char* vfs =
      impl_->options.env != nullptr ? impl_->options.env->vfs_name().c_str() : nullptr;
  int rc =
      sqlite3_open_v2(dest_path.c_str(), &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs);
  if (rc != SQLITE_OK) {
    Status s = SqliteError(dest, rc, "open backup " + dest_path);
    sqlite3_close_v2(dest);
    return StorageUnavailable(s.message());
  }
  ReaderConn* conn = impl_->AcquireReader();
  sqlite3* src = conn->db;
  Status result;
  sqlite3_backup* backup = sqlite3_backup_init(dest, "main", src, "main");
  if (backup == nullptr) {
    result = StorageUnavailable(std::string("backup: ") + sqlite3_errmsg(dest));
  } else {
    rc = sqlite3_backup_step(backup, -1);  // all pages in one step: one consistent snapshot
    int finish = sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE) {
      result = StorageUnavailable(std::string("backup: ") + sqlite3_errstr(rc));
    } else if (finish != SQLITE_OK) {
      result = StorageUnavailable(std::string("backup: ") + sqlite3_errstr(finish));
    }
  }
  impl_->ReleaseReader(conn);
  sqlite3_close_v2(dest);
  return result;
}

Database::Stats Database::stats() const {
  Stats s;
  s.groups_committed = impl_->groups_committed.load();
  s.writes_committed = impl_->writes_committed.load();
  s.writes_failed = impl_->writes_failed.load();
  s.commit_failures = impl_->commit_failures.load();
  s.largest_group = impl_->largest_group.load();
  s.stmt_cache_hits = impl_->stmt_counters.hits.load();
  s.stmt_prepares = impl_->stmt_counters.prepares.load();
  std::lock_guard lock(impl_->queue_mu);
  s.queue_depth = impl_->queue.size();
  return s;
}

int Database::schema_version() const { return impl_->schema_version; }

}  // namespace cradle::store
