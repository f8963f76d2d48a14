// API tokens, their hashes, constant-time comparison and the one safe way to put a secret on
// disk.
//
// Secret files are created with open(O_CREAT|O_EXCL, 0600) on a temporary name and then
// hard-linked into place, so a secret is never visible with wider permissions (no chmod
// window), never overwrites an existing file, and never appears half-written. After the link
// (or a public file's rename) the directory is fsynced too, so the new name survives power loss.
//
// Thread safety: every function is safe to call from any thread (OpenSSL's RNG is).
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace cradle::pki {

// A fresh bearer token: "crd_" + base64url (no padding) of 32 random bytes; 47 characters.
std::string NewApiToken();

// Lower-case hex SHA-256 of the token: what the store keeps instead of the token.
std::string HashApiToken(std::string_view token);

// True when a and b are equal, in time that depends only on their lengths (never on where
// they first differ), so comparing a presented secret leaks nothing about the stored one.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// Creates `path` with mode 0600 holding `content`; fsyncs it. Fails with ALREADY_EXISTS if the
// path exists, IO_ERROR otherwise. Never replaces an existing file.
Status WriteSecretFile(const std::string& path, std::string_view content);

// Writes a non-secret file (certificates, the active key id) with `mode`, replacing any
// existing file atomically (temporary file + rename). IO_ERROR on failure.
Status WritePublicFile(const std::string& path, std::string_view content, int mode = 0644);

// Reads a whole file. NOT_FOUND if it does not exist, IO_ERROR otherwise.
Result<std::string> ReadFileToString(const std::string& path);

}  // namespace cradle::pki
