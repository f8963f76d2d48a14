// Fault-injection seam for the store's file I/O (in the manner of leveldb's Env): a SQLite VFS
// registered under its own name that wraps the default VFS and, when armed, fails the Nth
// xWrite (SQLITE_IOERR_WRITE), the Nth xSync (SQLITE_IOERR_FSYNC) or reports a full disk
// (SQLITE_FULL) from the Nth write on. Disarmed, it only forwards (and counts).
//
// Ownership and lifetime: an Env registers its VFS in the constructor and unregisters it in the
// destructor; it must outlive every Database opened with it. Not copyable or movable.
// Thread safety: the arm/disarm calls and counters are atomic; safe from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

struct sqlite3_vfs;

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

  int64_t writes() const { return writes_.load(); }  // xWrite calls seen (all files)
  int64_t syncs() const { return syncs_.load(); }
  int64_t reads() const { return reads_.load(); }
  int64_t injected() const { return injected_.load(); }  // faults reported so far

  // Called by the shim (public for the C callbacks; not for other callers): returns the SQLite
  // result code to report instead of doing the operation, or 0 to go ahead.
  int OnWrite();
  int OnSync();
  int OnRead();
  sqlite3_vfs* root() const { return root_; }

 private:
  std::string name_;
  sqlite3_vfs* vfs_ = nullptr;   // owned; registered with SQLite
  sqlite3_vfs* root_ = nullptr;  // the default VFS we forward to (owned by SQLite)
  std::atomic<int64_t> writes_{0}, syncs_{0}, injected_{0};
  std::atomic<int64_t> write_fail_at_{0}, sync_fail_at_{0}, full_from_{0};  // 0 = disarmed
  std::atomic<int64_t> reads_{0}, read_fail_at_{0};
};

}  // namespace cradle::store
