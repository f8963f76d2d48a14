// One-file backup archive: the database snapshot plus the deployment's secret files (label-
// signing keys, certificates and their keys, admin.token), the secrets encrypted under a
// passphrase the operator gives.
//
// Format (all integers little-endian):
//   "CRADLE-BACKUP 1\n"
//   u32 scrypt log2(N), u32 r, u32 p, 16-byte salt        key = scrypt(passphrase, salt), 32 bytes
//   u32 entry count, then per entry:
//     u8 kind (1 = database, 2 = encrypted file, 3 = check), u32 name length, name,
//     u64 data length, data
// The database (kind 1) is stored as is: it holds no private key. Each file (kind 2) is
// AES-256-GCM: 12-byte random nonce, ciphertext, 16-byte tag, with the entry's name as
// additional data, so a file cannot be renamed in the archive. The check entry (kind 3) is the
// SHA-256 of the database bytes, encrypted the same way: a wrong passphrase fails it before
// anything is written, and so does a database altered inside the archive.
//
// Errors: IO_ERROR (file access), MALFORMED (not an archive, truncated), BAD_PASSPHRASE (a tag
// does not verify: wrong passphrase or a tampered archive).
// Thread safety: stateless functions; safe from any thread. No ownership is kept.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace cradle::store {

struct ArchivedFile {
  std::string name;  // relative to the data directory, e.g. "keys/K1.key"; no "..", not absolute
  std::string bytes;
};

struct BackupContents {
  std::string database;  // the SQLite file's bytes
  std::vector<ArchivedFile> files;
};

// Writes `contents` to `dest` (via a temporary file, fsynced, then renamed into place; mode
// 0600). `passphrase` must not be empty.
Status WriteBackupArchive(const std::string& dest, const BackupContents& contents,
                          const std::string& passphrase);

// Reads and decrypts the whole archive; nothing is written anywhere.
Result<BackupContents> ReadBackupArchive(const std::string& path, const std::string& passphrase);

// True when `name` is a safe relative path to restore to (no "..", not absolute, not empty).
bool SafeArchiveName(const std::string& name);

}  // namespace cradle::store
