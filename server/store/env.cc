#include "server/store/env.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace cradle::store {

struct Env::Tracked {
  // One unsynced operation: a write of `data` at `offset`, or (truncate_to >= 0) a truncation.
  struct Op {
    int64_t offset = 0;
    std::string data;
    int64_t truncate_to = -1;
  };
  std::string base_name;
  bool exists = true;
  std::string durable;      // the bytes as of the last sync
  std::vector<Op> pending;  // since then, in order

  static void Apply(std::string& image, const Op& op, size_t keep) {
    if (op.truncate_to >= 0) {
      image.resize(static_cast<size_t>(op.truncate_to));
      return;
    }
    const size_t off = static_cast<size_t>(op.offset), n = std::min(keep, op.data.size());
    if (image.size() < off + n) image.resize(off + n, '\0');
    std::memcpy(image.data() + off, op.data.data(), n);
  }
};

namespace {

// Our file: SQLite allocates szOsFile bytes; the real file lives right after this header.
struct ShimFile {
  sqlite3_file base;
  Env* env;
  sqlite3_file* real;
  Env::Tracked* tracked;  // owned by the Env; nullptr when not in power-loss mode
};

sqlite3_file* Real(sqlite3_file* f) { return reinterpret_cast<ShimFile*>(f)->real; }
Env::Tracked* TrackedOf(sqlite3_file* f) { return reinterpret_cast<ShimFile*>(f)->tracked; }
Env* EnvOf(sqlite3_file* f) { return reinterpret_cast<ShimFile*>(f)->env; }
Env* EnvOf(sqlite3_vfs* vfs) { return static_cast<Env*>(vfs->pAppData); }
sqlite3_vfs* Root(sqlite3_vfs* vfs) { return EnvOf(vfs)->root(); }

int Close(sqlite3_file* f) { return Real(f)->pMethods->xClose(Real(f)); }
int ReadFile(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
  if (int rc = EnvOf(f)->OnRead(); rc != 0) return rc;
  return Real(f)->pMethods->xRead(Real(f), buf, n, off);
}
int WriteFile(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  if (int rc = EnvOf(f)->OnWrite(TrackedOf(f), buf, n, off); rc != 0) return rc;
  int rc = Real(f)->pMethods->xWrite(Real(f), buf, n, off);
  // The real file holds every write (reads see them, as from the page cache); the durable image
  // gets them only at the next sync.
  if (rc == SQLITE_OK && TrackedOf(f) != nullptr) {
    rc = EnvOf(f)->OnTrackedWrite(TrackedOf(f), buf, n, off);
  }
  return rc;
}
int Truncate(sqlite3_file* f, sqlite3_int64 size) {
  if (EnvOf(f)->crashed()) return SQLITE_IOERR_TRUNCATE;
  int rc = Real(f)->pMethods->xTruncate(Real(f), size);
  if (rc == SQLITE_OK && TrackedOf(f) != nullptr) {
    rc = EnvOf(f)->OnTrackedTruncate(TrackedOf(f), size);
  }
  return rc;
}
int Sync(sqlite3_file* f, int flags) {
  if (int rc = EnvOf(f)->OnSync(TrackedOf(f)); rc != 0) return rc;
  // A tracked file's durability is the model's business (its image lives in memory), so the
  // real fsync, which would only slow the crash sweeps down, is skipped.
  if (TrackedOf(f) != nullptr) return EnvOf(f)->OnTrackedSync(TrackedOf(f));
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
  shim->tracked = nullptr;
  std::memset(shim->real, 0, static_cast<size_t>(Root(vfs)->szOsFile));
  int rc = Root(vfs)->xOpen(Root(vfs), name, shim->real, flags, out_flags);
  // SQLite calls xClose only when pMethods is set, so set it only when the real file is open.
  file->pMethods = (rc == SQLITE_OK && shim->real->pMethods != nullptr) ? &kShimIo : nullptr;
  // Only the files whose loss matters: temporary files die with the process anyway.
  constexpr int kDurable = SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_MAIN_JOURNAL | SQLITE_OPEN_WAL;
  if (file->pMethods != nullptr && name != nullptr && (flags & kDurable) != 0) {
    shim->tracked = EnvOf(vfs)->Track(name, shim->real);
  }
  return rc;
}
int Delete(sqlite3_vfs* vfs, const char* name, int sync_dir) {
  if (int rc = EnvOf(vfs)->OnDelete(name); rc != 0) return rc;
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
  crash_write_at_.store(0);
  crash_sync_at_.store(0);
}

// ---- power loss ----

void Env::SimulatePowerLoss() { power_loss_.store(true); }
void Env::CrashAtNthWrite(int64_t n) { crash_write_at_.store(writes_.load() + n); }
void Env::CrashAtNthSync(int64_t n) { crash_sync_at_.store(syncs_.load() + n); }

Env::Tracked* Env::Track(const char* path, sqlite3_file* real) {
  if (!power_loss_.load()) return nullptr;
  std::lock_guard lock(mu_);
  std::unique_ptr<Tracked>& t = tracked_[path];
  if (t != nullptr && t->exists) return t.get();  // another handle on the same file
  if (t == nullptr) t = std::make_unique<Tracked>();
  t->base_name = std::filesystem::path(path).filename().string();
  t->exists = true;
  t->pending.clear();
  // Whatever the file holds when first opened counts as durable (it predates the experiment).
  sqlite3_int64 size = 0;
  t->durable.clear();
  if (real->pMethods->xFileSize(real, &size) == SQLITE_OK && size > 0) {
    t->durable.resize(static_cast<size_t>(size));
    if (real->pMethods->xRead(real, t->durable.data(), static_cast<int>(size), 0) != SQLITE_OK) {
      t->durable.clear();
    }
  }
  return t.get();
}

int Env::OnTrackedWrite(Tracked* t, const void* buf, int n, int64_t off) {
  std::lock_guard lock(mu_);
  t->pending.push_back({off, std::string(static_cast<const char*>(buf), static_cast<size_t>(n))});
  return SQLITE_OK;
}

int Env::OnTrackedTruncate(Tracked* t, int64_t size) {
  std::lock_guard lock(mu_);
  t->pending.push_back({0, {}, size});
  return SQLITE_OK;
}

int Env::OnTrackedSync(Tracked* t) {
  std::lock_guard lock(mu_);
  for (const Tracked::Op& op : t->pending) Tracked::Apply(t->durable, op, op.data.size());
  t->pending.clear();
  return SQLITE_OK;
}

int Env::OnDelete(const char* path) {
  if (crashed_.load()) return SQLITE_IOERR_DELETE;
  if (!power_loss_.load() || path == nullptr) return 0;
  std::lock_guard lock(mu_);
  if (auto it = tracked_.find(path); it != tracked_.end()) {
    it->second->exists = false;
    it->second->durable.clear();
    it->second->pending.clear();
  }
  return 0;
}

Status Env::WritePowerLossImage(const std::string& dir, Loss loss) const {
  if (!power_loss_.load()) return Status("INTERNAL", "power-loss mode is off");
  std::lock_guard lock(mu_);
  for (const auto& [path, t] : tracked_) {
    if (!t->exists) continue;
    std::string image = t->durable;
    if (loss == Loss::kTornTail && t.get() == crashed_file_ && !t->pending.empty()) {
      for (size_t i = 0; i + 1 < t->pending.size(); ++i) {
        Tracked::Apply(image, t->pending[i], t->pending[i].data.size());
      }
      const Tracked::Op& last = t->pending.back();
      if (last.truncate_to < 0) Tracked::Apply(image, last, last.data.size() / 2);
    }
    const std::string out = (std::filesystem::path(dir) / t->base_name).string();
    std::ofstream file(out, std::ios::binary | std::ios::trunc);
    file.write(image.data(), static_cast<std::streamsize>(image.size()));
    file.close();
    if (!file) return Status("STORAGE_UNAVAILABLE", "cannot write " + out);
  }
  return Status::Ok();
}

int Env::OnWrite(Tracked* t, const void* buf, int n_bytes, int64_t off) {
  int64_t n = writes_.fetch_add(1) + 1;
  if (crashed_.load()) return SQLITE_IOERR_WRITE;
  if (int64_t c = n; crash_write_at_.compare_exchange_strong(c, 0)) {
    std::lock_guard lock(mu_);
    crashed_.store(true);
    crashed_file_ = t;
    // The write was in flight when the power went: kTornTail may keep half of it.
    if (t != nullptr) {
      t->pending.push_back(
          {off, std::string(static_cast<const char*>(buf), static_cast<size_t>(n_bytes)), -1});
    }
    return SQLITE_IOERR_WRITE;
  }
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

int Env::OnSync(Tracked* t) {
  int64_t n = syncs_.fetch_add(1) + 1;
  if (crashed_.load()) return SQLITE_IOERR_FSYNC;
  if (int64_t c = n; crash_sync_at_.compare_exchange_strong(c, 0)) {
    std::lock_guard lock(mu_);
    crashed_.store(true);
    crashed_file_ = t;
    return SQLITE_IOERR_FSYNC;
  }
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
