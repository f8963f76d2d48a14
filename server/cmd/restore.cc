// cradle-server restore --data NEW_EMPTY_DIR FROM.db: installs a backup into an empty data
// directory.
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>

#include "server/cmd/command.h"

namespace cradle::cmd {

namespace {

// PRAGMA integrity_check on `path`: ok, or CORRUPT with SQLite's first complaint. Opened
// read-only so a damaged file is never written to.
Status CheckDatabaseFile(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  std::string verdict;
  if (rc == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    rc = sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, nullptr);
    if (rc == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(stmt, 0);
      verdict = text ? reinterpret_cast<const char*>(text) : "";
    } else {
      verdict = sqlite3_errmsg(db);
    }
    sqlite3_finalize(stmt);
    // A database the server never migrated is not a cradle backup.
    if (verdict == "ok" && sqlite3_exec(db, "SELECT 1 FROM manifests LIMIT 1", nullptr, nullptr,
                                        nullptr) != SQLITE_OK) {
      verdict = "no manifests table: not a cradle database";
    }
  } else {
    verdict = sqlite3_errstr(rc);
  }
  sqlite3_close_v2(db);
  if (verdict != "ok") return Status("CORRUPT", path + ": " + verdict);
  return Status();
}

// fsync of a file or directory, so the rename below is durable.
Status SyncPath(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status("IO_ERROR", "open " + path + ": " + std::strerror(errno));
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Status("IO_ERROR", "fsync " + path + ": " + std::strerror(errno));
  return Status();
}

}  // namespace

// Copies FROM.db into DIR/cradle.db: a temporary copy is integrity-checked, synced and then
// renamed into place, so a failed restore leaves no database a server would open.
int Restore(const Invocation& in) {
  const Config& cfg = in.cfg;
  namespace fs = std::filesystem;
  if (cfg.args.size() != 1) {
    std::cerr << "usage: cradle-server restore --data NEW_EMPTY_DIR FROM.db\n";
    return 2;
  }
  const std::string from = cfg.args[0];
  if (Status s = PrepareDataDir(cfg.data); !s.ok()) return Fail(s.message());
  const std::string target = cfg.data + "/cradle.db";
  std::error_code ec;
  for (const std::string& p : {target, target + "-wal", target + "-journal"}) {
    if (fs::exists(p, ec) && fs::file_size(p, ec) > 0) {
      return Fail("refusing to restore over a non-empty database: " + p);
    }
  }
  if (!fs::is_regular_file(from, ec)) return Fail("no backup file " + from);
  const std::string temp = target + ".restore-" + std::to_string(::getpid());
  fs::copy_file(from, temp, fs::copy_options::overwrite_existing, ec);
  if (ec) return Fail("cannot copy " + from + ": " + ec.message());
  fs::permissions(temp, fs::perms::owner_read | fs::perms::owner_write, ec);
  Status s = CheckDatabaseFile(temp);
  if (s.ok()) s = SyncPath(temp);
  if (s.ok() && ::rename(temp.c_str(), target.c_str()) != 0) {
    s = Status("IO_ERROR", "rename to " + target + ": " + std::strerror(errno));
  }
  if (!s.ok()) {
    fs::remove(temp, ec);
    return Fail(s.ToString());
  }
  if (Status d = SyncPath(cfg.data); !d.ok()) return Fail(d.ToString());
  std::cout << "restored " << from << " into " << target << "\n";
  if (!fs::exists(cfg.data + "/keys", ec) || !fs::exists(cfg.data + "/certs", ec)) {
    std::cout << "now copy keys/, certs/ and admin.token from the backed-up data directory into "
              << cfg.data
              << " before starting the server: without the old keys, old labels "
                 "will not verify\n";
  }
  return 0;
}

}  // namespace cradle::cmd
