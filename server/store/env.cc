#include "server/store/env.h"

#include <sqlite3.h>

#include <cstring>

namespace cradle::store {

namespace {

// Our file: SQLite allocates szOsFile bytes; the real file lives right after this header.
struct ShimFile {
  sqlite3_file base;
  Env* env;
  sqlite3_file* real;
};

sqlite3_file* Real(sqlite3_file* f) { return reinterpret_cast<ShimFile*>(f)->real; }
Env* EnvOf(sqlite3_file* f) { return reinterpret_cast<ShimFile*>(f)->env; }
Env* EnvOf(sqlite3_vfs* vfs) { return static_cast<Env*>(vfs->pAppData); }
sqlite3_vfs* Root(sqlite3_vfs* vfs) { return EnvOf(vfs)->root(); }

int Close(sqlite3_file* f) { return Real(f)->pMethods->xClose(Real(f)); }
int ReadFile(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
  if (int rc = EnvOf(f)->OnRead(); rc != 0) return rc;
  return Real(f)->pMethods->xRead(Real(f), buf, n, off);
}
int WriteFile(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  if (int rc = EnvOf(f)->OnWrite(); rc != 0) return rc;
  return Real(f)->pMethods->xWrite(Real(f), buf, n, off);
}
int Truncate(sqlite3_file* f, sqlite3_int64 size) {
  return Real(f)->pMethods->xTruncate(Real(f), size);
}
int Sync(sqlite3_file* f, int flags) {
  if (int rc = EnvOf(f)->OnSync(); rc != 0) return rc;
  return Real(f)->pMethods->xSync(Real(f), flags);
}
int FileSize(sqlite3_file* f, sqlite3_int64* size) {
  return Real(f)->pMethods->xFileSize(Real(f), size);
}
int Lock(sqlite3_file* f, int level) { return Real(f)->pMethods->xLock(Real(f), level); }
int Unlock(sqlite3_file* f, int level) { return Real(f)->pMethods->xUnlock(Real(f), level); }
int CheckReservedLock(sqlite3_file* f, int* out) {
  return Real(f)->pMethods->xCheckReservedLock(Real(f), out);
}
int FileControl(sqlite3_file* f, int op, void* arg) {
  return Real(f)->pMethods->xFileControl(Real(f), op, arg);
}
int SectorSize(sqlite3_file* f) { return Real(f)->pMethods->xSectorSize(Real(f)); }
int DeviceCharacteristics(sqlite3_file* f) {
  return Real(f)->pMethods->xDeviceCharacteristics(Real(f));
}
int ShmMap(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
  const sqlite3_io_methods* m = Real(f)->pMethods;
  if (m->iVersion < 2 || m->xShmMap == nullptr) return SQLITE_IOERR_SHMMAP;
  return m->xShmMap(Real(f), region, size, extend, out);
}
int ShmLock(sqlite3_file* f, int offset, int n, int flags) {
  const sqlite3_io_methods* m = Real(f)->pMethods;
  if (m->iVersion < 2 || m->xShmLock == nullptr) return SQLITE_IOERR_SHMLOCK;
  return m->xShmLock(Real(f), offset, n, flags);
}
void ShmBarrier(sqlite3_file* f) {
  const sqlite3_io_methods* m = Real(f)->pMethods;
  if (m->iVersion >= 2 && m->xShmBarrier != nullptr) m->xShmBarrier(Real(f));
}
int ShmUnmap(sqlite3_file* f, int delete_flag) {
  const sqlite3_io_methods* m = Real(f)->pMethods;
  if (m->iVersion < 2 || m->xShmUnmap == nullptr) return SQLITE_OK;
  return m->xShmUnmap(Real(f), delete_flag);
}
int Fetch(sqlite3_file* f, sqlite3_int64 off, int n, void** out) {
  const sqlite3_io_methods* m = Real(f)->pMethods;
  if (m->iVersion < 3 || m->xFetch == nullptr) {
    *out = nullptr;
    return SQLITE_OK;
  }
  return m->xFetch(Real(f), off, n, out);
}
int Unfetch(sqlite3_file* f, sqlite3_int64 off, void* p) {
  const sqlite3_io_methods* m = Real(f)->pMethods;
  if (m->iVersion < 3 || m->xUnfetch == nullptr) return SQLITE_OK;
  return m->xUnfetch(Real(f), off, p);
}

const sqlite3_io_methods kShimIo = {
    3,
    Close,
    ReadFile,
    WriteFile,
    Truncate,
    Sync,
    FileSize,
    Lock,
    Unlock,
    CheckReservedLock,
    FileControl,
    SectorSize,
    DeviceCharacteristics,
    ShmMap,
    ShmLock,
    ShmBarrier,
    ShmUnmap,
    Fetch,
    Unfetch,
};

int Open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  auto* shim = reinterpret_cast<ShimFile*>(file);
  shim->env = EnvOf(vfs);
  shim->real = reinterpret_cast<sqlite3_file*>(shim + 1);
  std::memset(shim->real, 0, static_cast<size_t>(Root(vfs)->szOsFile));
  int rc = Root(vfs)->xOpen(Root(vfs), name, shim->real, flags, out_flags);
  // SQLite calls xClose only when pMethods is set, so set it only when the real file is open.
  file->pMethods = (rc == SQLITE_OK && shim->real->pMethods != nullptr) ? &kShimIo : nullptr;
  return rc;
}
int Delete(sqlite3_vfs* vfs, const char* name, int sync_dir) {
  return Root(vfs)->xDelete(Root(vfs), name, sync_dir);
}
int Access(sqlite3_vfs* vfs, const char* name, int flags, int* out) {
  return Root(vfs)->xAccess(Root(vfs), name, flags, out);
}
int FullPathname(sqlite3_vfs* vfs, const char* name, int n, char* out) {
  return Root(vfs)->xFullPathname(Root(vfs), name, n, out);
}
void* DlOpen(sqlite3_vfs* vfs, const char* name) { return Root(vfs)->xDlOpen(Root(vfs), name); }
void DlError(sqlite3_vfs* vfs, int n, char* out) { Root(vfs)->xDlError(Root(vfs), n, out); }
void (*DlSym(sqlite3_vfs* vfs, void* handle, const char* sym))(void) {
  return Root(vfs)->xDlSym(Root(vfs), handle, sym);
}
void DlClose(sqlite3_vfs* vfs, void* handle) { Root(vfs)->xDlClose(Root(vfs), handle); }
int Randomness(sqlite3_vfs* vfs, int n, char* out) {
  return Root(vfs)->xRandomness(Root(vfs), n, out);
}
int Sleep(sqlite3_vfs* vfs, int micros) { return Root(vfs)->xSleep(Root(vfs), micros); }
int CurrentTime(sqlite3_vfs* vfs, double* out) { return Root(vfs)->xCurrentTime(Root(vfs), out); }
int GetLastError(sqlite3_vfs* vfs, int n, char* out) {
  return Root(vfs)->xGetLastError(Root(vfs), n, out);
}
int CurrentTimeInt64(sqlite3_vfs* vfs, sqlite3_int64* out) {
  return Root(vfs)->xCurrentTimeInt64(Root(vfs), out);
}

}  // namespace

Env::Env(std::string name) : name_(std::move(name)) {
  sqlite3_initialize();
  root_ = sqlite3_vfs_find(nullptr);
  vfs_ = new sqlite3_vfs{};
  vfs_->iVersion = 2;  // no system-call overrides: those stay the root's business
  vfs_->szOsFile = static_cast<int>(sizeof(ShimFile)) + root_->szOsFile;
  vfs_->mxPathname = root_->mxPathname;
  vfs_->zName = name_.c_str();
  vfs_->pAppData = this;
  vfs_->xOpen = Open;
  vfs_->xDelete = Delete;
  vfs_->xAccess = Access;
  vfs_->xFullPathname = FullPathname;
  vfs_->xDlOpen = DlOpen;
  vfs_->xDlError = DlError;
  vfs_->xDlSym = DlSym;
  vfs_->xDlClose = DlClose;
  vfs_->xRandomness = Randomness;
  vfs_->xSleep = Sleep;
  vfs_->xCurrentTime = CurrentTime;
  vfs_->xGetLastError = GetLastError;
  vfs_->xCurrentTimeInt64 = CurrentTimeInt64;
  sqlite3_vfs_register(vfs_, /*makeDflt=*/0);
}

Env::~Env() {
  sqlite3_vfs_unregister(vfs_);
  delete vfs_;
}

void Env::FailNthWrite(int64_t n) { write_fail_at_.store(writes_.load() + n); }
void Env::FailNthSync(int64_t n) { sync_fail_at_.store(syncs_.load() + n); }
void Env::DiskFullAfter(int64_t n) { full_from_.store(writes_.load() + n); }
void Env::FailNthRead(int64_t n) { read_fail_at_.store(reads_.load() + n); }
void Env::Disarm() {
  read_fail_at_.store(0);
  write_fail_at_.store(0);
  sync_fail_at_.store(0);
  full_from_.store(0);
}

int Env::OnWrite() {
  int64_t n = writes_.fetch_add(1) + 1;
  int64_t at = n;
  if (write_fail_at_.compare_exchange_strong(at, 0)) {  // one-shot
    injected_.fetch_add(1);
    return SQLITE_IOERR_WRITE;
  }
  int64_t full = full_from_.load();
  if (full != 0 && n >= full) {
    injected_.fetch_add(1);
    return SQLITE_FULL;
  }
  return 0;
}

int Env::OnSync() {
  int64_t n = syncs_.fetch_add(1) + 1;
  int64_t at = n;
  if (sync_fail_at_.compare_exchange_strong(at, 0)) {
    injected_.fetch_add(1);
    return SQLITE_IOERR_FSYNC;
  }
  return 0;
}

int Env::OnRead() {
  int64_t at = reads_.fetch_add(1) + 1;
  if (read_fail_at_.compare_exchange_strong(at, 0)) {  // one-shot
    injected_.fetch_add(1);
    return SQLITE_IOERR_READ;
  }
  return 0;
}

}  // namespace cradle::store
