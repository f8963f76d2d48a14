// Fault-injection seam for the store's file I/O (in the manner of leveldb's Env): a SQLite VFS
// registered under its own name that wraps the default VFS and, when armed, fails the Nth
// xWrite (SQLITE_IOERR_WRITE), the Nth xSync (SQLITE_IOERR_FSYNC) or reports a full disk
// (SQLITE_FULL) from the Nth write on. Disarmed, it only forwards (and counts).
//
// Power-loss mode (SimulatePowerLoss(), SQLite's own crash-test model): the Env also keeps, per
// file, the bytes as of that file's last xSync (the "durable image") and the writes and
// truncations issued since (the side buffer, applied to the image at the next xSync). A crash,
// armed at the Nth write or sync, fails that operation and every later write, sync, truncation
// and delete (the machine is gone); WritePowerLossImage() then writes the disk as it would be
// after the power came back into another directory, where the database is reopened. Directory
// entries (creates, deletes) count as durable at once, as in SQLite's crash VFS; the -shm file is
// not tracked (SQLite rebuilds it from the WAL on the first open). A tracked file's xSync does not
// reach the real disk: the model decides what is durable, and real fsyncs would only slow the
// sweeps. Test use only.
//
// Ownership and lifetime: an Env registers its VFS in the constructor and unregisters it in the
// destructor; it must outlive every Database opened with it. Not copyable or movable.
// Thread safety: the arm/disarm calls and counters are atomic; the power-loss bookkeeping is
// behind a mutex. Safe from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/status.h"

struct sqlite3_vfs;
struct sqlite3_file;

namespace cradle::store {

class Env {
 public:
  // `name` must be unique in the process (it is the VFS name).
  explicit Env(std::string name = "cradle-fault");
  ~Env();
  Env(const Env&) = delete;
  Env& operator=(const Env&) = delete;

  const std::string& vfs_name() const { return name_; }

  // One-shot: the Nth xWrite from now (1 = the next one) fails; later writes succeed.
  void FailNthWrite(int64_t n);
  // One-shot: the Nth xSync from now fails.
  void FailNthSync(int64_t n);
  // One-shot: the Nth xRead from now fails (SQLITE_IOERR_READ): a storage error on the read
  // path, for callers that must not mistake it for a missing row.
  void FailNthRead(int64_t n);
  // Sticky: from the Nth xWrite from now on, every write reports SQLITE_FULL until Disarm().
  void DiskFullAfter(int64_t n);
  void Disarm();

  // Power-loss mode. Call before opening any file through this Env: files opened from then on
  // are tracked (main database, WAL and rollback journal; their contents at open count as
  // durable).
  void SimulatePowerLoss();
  // One-shot: the machine loses power at the Nth xWrite (or xSync) from now; that operation and
  // every later write, sync, truncation and delete fails with SQLITE_IOERR_*. Disarm() clears a
  // pending arm but not a crash that happened.
  void CrashAtNthWrite(int64_t n);
  void CrashAtNthSync(int64_t n);
  bool crashed() const { return crashed_.load(); }
  // How the unsynced writes fare at the crash. kDropUnsynced: all lost. kTornTail: the unsynced
  // writes of the file whose operation crashed reach the disk in order, except that the last one
  // is cut in half (a write torn mid-flight); other files lose theirs.
  enum class Loss { kDropUnsynced, kTornTail };
  // Writes every tracked, existing file's durable image (after `loss`) into `dir` under its base
  // name. Works whether or not a crash happened (then: "power lost now"). Errors: INTERNAL
  // (power-loss mode off), STORAGE_UNAVAILABLE (cannot write `dir`).
  Status WritePowerLossImage(const std::string& dir, Loss loss) const;

  int64_t writes() const { return writes_.load(); }  // xWrite calls seen (all files)
  int64_t syncs() const { return syncs_.load(); }
  int64_t reads() const { return reads_.load(); }
  int64_t injected() const { return injected_.load(); }  // faults reported so far

  // Called by the shim (public for the C callbacks; not for other callers): returns the SQLite
  // result code to report instead of doing the operation, or 0 to go ahead.
  struct Tracked;  // one file's durable image and side buffer
  // `t` is the tracked file (nullptr when untracked); at a crash point its in-flight write or
  // sync is remembered for Loss::kTornTail.
  int OnWrite(Tracked* t = nullptr, const void* buf = nullptr, int n = 0, int64_t off = 0);
  int OnSync(Tracked* t = nullptr);
  int OnRead();
  sqlite3_vfs* root() const { return root_; }
  Tracked* Track(const char* path, sqlite3_file* real);  // nullptr unless in power-loss mode
  int OnTrackedWrite(Tracked* t, const void* buf, int n, int64_t off);  // after a real write
  int OnTrackedTruncate(Tracked* t, int64_t size);
  int OnTrackedSync(Tracked* t);  // after OnSync allowed it
  int OnDelete(const char* path);

 private:
  std::string name_;
  sqlite3_vfs* vfs_ = nullptr;   // owned; registered with SQLite
  sqlite3_vfs* root_ = nullptr;  // the default VFS we forward to (owned by SQLite)
  std::atomic<int64_t> writes_{0}, syncs_{0}, injected_{0};
  std::atomic<int64_t> write_fail_at_{0}, sync_fail_at_{0}, full_from_{0};  // 0 = disarmed
  std::atomic<int64_t> crash_write_at_{0}, crash_sync_at_{0};               // 0 = disarmed
  std::atomic<bool> power_loss_{false}, crashed_{false};
  mutable std::mutex mu_;                                    // guards the tracked files
  std::map<std::string, std::unique_ptr<Tracked>> tracked_;  // by full path; never erased
  Tracked* crashed_file_ = nullptr;                          // whose operation crashed
  std::atomic<int64_t> reads_{0}, read_fail_at_{0};
};

}  // namespace cradle::store
