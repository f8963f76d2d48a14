// cradle-server restore --data NEW_EMPTY_DIR FROM PASSPHRASE_FILE: installs a backup archive
// (store/backup_archive.h) into an empty data directory: the database, the label-signing keys,
// the certificates and admin.token. Refused, with nothing written, when the passphrase is wrong,
// the archive was altered, the database is damaged, or a kid the database names has no key.
// `restore --data DIR FROM.db` (no passphrase file) installs a bare database copy as before.
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <string>

#include "server/store/backup_archive.h"

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

// Every kid the manifests name (a label signed with a key the archive lacks would never verify).
Result<std::set<std::string>> KidsInDatabase(const std::string& path) {
  sqlite3* db = nullptr;
  std::set<std::string> out;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* stmt = nullptr;
  if (rc == SQLITE_OK) {
    rc = sqlite3_prepare_v2(db, "SELECT DISTINCT kid FROM manifests", -1, &stmt, nullptr);
  }
  while (rc == SQLITE_OK) {
    const int step = sqlite3_step(stmt);
    if (step == SQLITE_DONE) break;
    if (step != SQLITE_ROW) {
      rc = step;
      break;
    }
    const unsigned char* kid = sqlite3_column_text(stmt, 0);
    if (kid) out.insert(reinterpret_cast<const char*>(kid));
  }
  const std::string why = rc == SQLITE_OK ? "" : sqlite3_errmsg(db);
  sqlite3_finalize(stmt);
  sqlite3_close_v2(db);
  if (!why.empty()) return Status("CORRUPT", path + ": " + why);
  return out;
}

// A read-only open of a WAL database may leave -wal/-shm files next to it; they belong to no one.
void RemoveSidecars(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"-wal", "-shm", "-journal"}) {
    std::filesystem::remove(path + suffix, ec);
  }
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
  if (cfg.args.size() != 1 && cfg.args.size() != 2) {
    std::cerr << "usage: cradle-server restore --data NEW_EMPTY_DIR FROM PASSPHRASE_FILE\n"
                 "       cradle-server restore --data NEW_EMPTY_DIR FROM.db   (database only)\n";
    return 2;
  }
  const std::string from = cfg.args[0];
  const bool archive = cfg.args.size() == 2;
  // The archive is read, decrypted and checked whole before anything is written.
  store::BackupContents contents;
  if (archive) {
    auto passphrase = ReadPassphraseFile(cfg.args[1]);
    if (!passphrase.ok()) return Fail(passphrase.status().ToString());
    auto read = store::ReadBackupArchive(from, *passphrase);
    if (!read.ok()) return Fail(read.status().ToString());
    contents = std::move(*read);
  }
  if (Status s = PrepareDataDir(cfg.data); !s.ok()) return Fail(s.message());
  const std::string target = cfg.data + "/cradle.db";
  std::error_code ec;
  for (const std::string& p : {target, target + "-wal", target + "-journal"}) {
    if (fs::exists(p, ec) && fs::file_size(p, ec) > 0) {
      return Fail("refusing to restore over a non-empty database: " + p);
    }
  }
  for (const auto& f : contents.files) {
    if (fs::exists(cfg.data + "/" + f.name, ec)) {
      return Fail("refusing to restore over an existing file: " + cfg.data + "/" + f.name);
    }
  }
  if (!fs::is_regular_file(from, ec)) return Fail("no backup file " + from);
  const std::string temp = target + ".restore-" + std::to_string(::getpid());
  if (archive) {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << contents.database;
    out.close();
    if (!out) return Fail("cannot write " + temp);
  } else {
    fs::copy_file(from, temp, fs::copy_options::overwrite_existing, ec);
    if (ec) return Fail("cannot copy " + from + ": " + ec.message());
  }
  fs::permissions(temp, fs::perms::owner_read | fs::perms::owner_write, ec);
  Status s = CheckDatabaseFile(temp);
  if (s.ok() && archive) {
    auto kids = KidsInDatabase(temp);
    s = kids.status();
    for (const std::string& kid : kids.ok() ? *kids : std::set<std::string>()) {
      bool found = false;
      for (const auto& f : contents.files) found = found || f.name == "keys/" + kid + ".key";
      if (!found) {
        s = Status("MISSING_KEY", "the database names kid " + kid +
                                      " but the archive has no keys/" + kid + ".key");
        break;
      }
    }
  }
  RemoveSidecars(temp);
  // The secrets before the database: a server never starts on a database without its keys.
  for (size_t i = 0; s.ok() && i < contents.files.size(); ++i) {
    const auto& f = contents.files[i];
    const fs::path path = fs::path(cfg.data) / f.name;
    fs::create_directories(path.parent_path(), ec);
    fs::permissions(path.parent_path(), fs::perms::owner_all, ec);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
      s = Status("IO_ERROR", "create " + path.string() + ": " + std::strerror(errno));
      break;
    }
    const bool written =
        ::write(fd, f.bytes.data(), f.bytes.size()) == static_cast<ssize_t>(f.bytes.size()) &&
        ::fsync(fd) == 0;
    ::close(fd);
    if (!written) s = Status("IO_ERROR", "write " + path.string() + ": " + std::strerror(errno));
    if (s.ok()) s = SyncPath(path.parent_path().string());
  }
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
  if (archive) {
    std::cout << "restored " << contents.files.size() << " key and certificate files into "
              << cfg.data << "\n";
    return 0;
  }
  if (!fs::exists(cfg.data + "/keys", ec) || !fs::exists(cfg.data + "/certs", ec)) {
    std::cout << "now copy keys/, certs/ and admin.token from the backed-up data directory into "
              << cfg.data
              << " before starting the server: without the old keys, old labels "
                 "will not verify\n";
  }
  return 0;
}

}  // namespace cradle::cmd
