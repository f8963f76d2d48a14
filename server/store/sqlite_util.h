// Internal to cradle_store: SQLite result codes to cradle Status codes, and early-return macros.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

struct sqlite3;

namespace cradle::store::internal {

// CONFLICT (UNIQUE / PRIMARY KEY), INVALID_FIELD (CHECK, NOT NULL, FOREIGN KEY, type),
// STORAGE_UNAVAILABLE (I/O, full, busy, locked, cannot open, read-only, corrupt), else INTERNAL.
Status SqliteError(sqlite3* db, int rc, std::string_view what);

// Sets the connection pragmas every cradle connection uses; `writer` adds synchronous=FULL.
Status ConfigureConnection(sqlite3* db, bool writer, int busy_timeout_ms);

Status ExecRaw(sqlite3* db, std::string_view sql);

// Page sizes: 1..1000 (the API's maximum).
int ClampLimit(int limit);
// JSON arrays of strings, as stored in TEXT columns (roles, accepts).
std::string EncodeStringArray(const std::vector<std::string>& values);
Result<std::vector<std::string>> DecodeStringArray(const std::string& json);
// Returns `s` unless it is `code`, in which case the same Status with `message` instead.
Status Rename(Status s, std::string_view code, std::string message);

}  // namespace cradle::store::internal

#define CRADLE_STORE_CONCAT_INNER(a, b) a##b
#define CRADLE_STORE_CONCAT(a, b) CRADLE_STORE_CONCAT_INNER(a, b)

#define CRADLE_STORE_RETURN_IF_ERROR(expr)             \
  do {                                                 \
    ::cradle::Status cradle_store_s_ = (expr);         \
    if (!cradle_store_s_.ok()) return cradle_store_s_; \
  } while (0)

// Declares `lhs` from a Result<T> expression, returning its Status on error.
#define CRADLE_STORE_ASSIGN_OR_RETURN(lhs, expr) \
  CRADLE_STORE_ASSIGN_OR_RETURN_IMPL(CRADLE_STORE_CONCAT(cradle_store_r_, __LINE__), lhs, expr)
#define CRADLE_STORE_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                       \
  if (!tmp.ok()) return tmp.status();                      \
  lhs = std::move(tmp).value()
