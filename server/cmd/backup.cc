// cradle-server backup --data DIR DEST PASSPHRASE_FILE: one archive (store/backup_archive.h)
// holding an online, consistent copy of the live database and the deployment's secrets
// (keys/, certs/, admin.token), the secrets encrypted under the passphrase in PASSPHRASE_FILE.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "server/cmd/command.h"
#include "server/store/backup_archive.h"
#include "server/store/database.h"

namespace cradle::cmd {

namespace {

namespace fs = std::filesystem;

Result<std::string> ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status("IO_ERROR", "cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every regular file under `dir` (recursively), named relative to `data`.
Status CollectFiles(const std::string& data, const std::string& dir,
                    std::vector<store::ArchivedFile>* out) {
  std::error_code ec;
  if (!fs::exists(data + "/" + dir, ec)) return Status();
  for (auto it = fs::recursive_directory_iterator(data + "/" + dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    auto bytes = ReadAll(it->path().string());
    if (!bytes.ok()) return bytes.status();
    out->push_back({fs::relative(it->path(), data).string(), std::move(*bytes)});
  }
  if (ec) return Status("IO_ERROR", "cannot list " + data + "/" + dir + ": " + ec.message());
  return Status();
}

}  // namespace

// The passphrase file's first line (a trailing newline is not part of the passphrase).
Result<std::string> ReadPassphraseFile(const std::string& path) {
  auto text = ReadAll(path);
  if (!text.ok()) return text.status();
  std::string p = text->substr(0, text->find('\n'));
  if (!p.empty() && p.back() == '\r') p.pop_back();
  if (p.size() < 12) return Status("MALFORMED", path + ": a passphrase of 12 characters or more");
  return p;
}

int Backup(const Invocation& in) {
  const Config& cfg = in.cfg;
  if (cfg.args.size() != 2) {
    std::cerr << "usage: cradle-server backup --data DIR DEST PASSPHRASE_FILE\n";
    return 2;
  }
  const std::string dest = cfg.args[0];
  auto passphrase = ReadPassphraseFile(cfg.args[1]);
  if (!passphrase.ok()) return Fail(passphrase.status().ToString());
  store::Database::Options o;
  o.path = cfg.data + "/cradle.db";
  o.readers = 1;
  auto db = store::Database::Open(o);
  if (!db.ok()) return Fail(db.status().ToString());
  // The snapshot first, then the keys: keys are only ever added, so every kid the snapshot
  // names is on disk by now.
  const std::string snapshot = dest + ".db-" + std::to_string(::getpid());
  store::BackupContents contents;
  Status s = (*db)->Backup(snapshot);
  if (s.ok()) {
    auto bytes = ReadAll(snapshot);
    if (bytes.ok()) contents.database = std::move(*bytes);
    s = bytes.status();
  }
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(snapshot + suffix, ec);
  if (!s.ok()) return Fail(s.ToString());
  for (const char* dir : {"keys", "certs"}) {
    if (Status c = CollectFiles(cfg.data, dir, &contents.files); !c.ok()) return Fail(c.ToString());
  }
  if (fs::exists(cfg.data + "/admin.token", ec)) {
    auto token = ReadAll(cfg.data + "/admin.token");
    if (!token.ok()) return Fail(token.status().ToString());
    contents.files.push_back({"admin.token", std::move(*token)});
  }
  if (Status w = store::WriteBackupArchive(dest, contents, *passphrase); !w.ok()) {
    return Fail(w.ToString());
  }
  std::cout << "backed up the database and " << contents.files.size()
            << " key and certificate files to " << dest
            << " (the files encrypted under the passphrase: keep it apart from the archive)\n";
  return 0;
}

}  // namespace cradle::cmd
