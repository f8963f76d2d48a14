// Row seals: the audit chain covers the stored records themselves, not only a hash of each
// change.
//
// Contract. Every row of a sealed table (SealedTables(): the evidence tables and the parties and
// credentials they refer to) has, in row_seal_log, a seal written by the write that last changed
// it: (audit_seq, table, key, content_sha256, prior_sha256), content_sha256 NULL when the write
// deleted the row, prior_sha256 the row's content just before the write (NULL: it did not
// exist). The audit entry audit_seq carries rows_sha256, a digest of all its seals (RowsDigest),
// inside its chain hash, so a seal cannot be altered, added or dropped without breaking the
// chain. VerifyRows checks each row's seals as a chain (each prior_sha256 equals the previous
// seal's content, so a write that re-seals a row altered behind cradle's back does not hide the
// alteration) and recomputes each live row's content hash against its latest seal.
//
// Sealing is automatic and lives in one place: each writer connection gets a pre-update hook
// (and, for the WITHOUT ROWID sealed tables, whose hook images this relies on less, TEMP
// triggers; InstallSealTriggers) that notes, in memory, the key and prior content of every
// inserted, updated or deleted row of a sealed table; Database calls SealPendingRows at the end of
// each Write, inside that Write's SAVEPOINT, so the seals commit or roll back with the change. The
// seals go to the last audit entry the Write appended, or to a new 'rows.seal' entry when it
// appended none. A new write path therefore needs nothing; a new table or column needs one line in
// SealedTables() (a unit test compares that list with the schema).
//
// Canonical row encoding (CanonicalRow), version 1: netstrings ("<decimal length>:<bytes>,") of
//   "cradle-row-v1", table, then per column in the listed order: column name, value
// where value is "n" (NULL), "i<decimal>" (INTEGER), "r<printf %.17g>" (REAL),
// "t<bytes>" (TEXT) or "b<bytes>" (BLOB). content_sha256 = lower-case hex SHA-256 of it.
// A row's key is SQLite's json_array(key columns), e.g. ["20261203000001"] or [17].
//
// Thread safety: plain functions over the Txn or connection they are given.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "server/store/database.h"
#include "server/store/records.h"

struct sqlite3;

namespace cradle::store {

struct SealedTable {
  std::string_view name;
  std::vector<std::string_view> key;      // primary-key columns
  std::vector<std::string_view> columns;  // every column, the key included, in canonical order
};

// The sealed tables, in the order VerifyRows checks them.
const std::vector<SealedTable>& SealedTables();

// One stored value, as SQLite typed it.
struct SqlValue {
  enum class Type { kNull, kInt, kReal, kText, kBlob };
  Type type = Type::kNull;
  int64_t i = 0;
  double r = 0;
  std::string bytes;  // kText, kBlob
  static SqlValue Null() { return {}; }
  static SqlValue Int(int64_t v) { return {Type::kInt, v, 0, {}}; }
  static SqlValue Real(double v) { return {Type::kReal, 0, v, {}}; }
  static SqlValue Text(std::string v) { return {Type::kText, 0, 0, std::move(v)}; }
  static SqlValue Blob(std::string v) { return {Type::kBlob, 0, 0, std::move(v)}; }
};

// The canonical encoding above; `columns` and `values` have the same length.
std::string CanonicalRow(std::string_view table, const std::vector<std::string_view>& columns,
                         const std::vector<SqlValue>& values);
// Hex SHA-256 of CanonicalRow.
std::string RowContentHash(std::string_view table, const std::vector<std::string_view>& columns,
                           const std::vector<SqlValue>& values);

// The content hash of the stored row `key` of `table` (nullopt: no such row). Errors:
// INVALID_FIELD for a table that is not sealed, storage errors.
Result<std::optional<std::string>> StoredRowHash(Txn& txn, std::string_view table,
                                                 std::string_view key);

// Digest of the seals of audit entry `audit_seq`: hex SHA-256 over netstrings of
// (table, key, content_sha256 or "deleted", prior_sha256 or "none") for each seal, ordered by
// (table, key) bytewise; "" when the entry sealed no row.
Result<std::string> RowsDigest(Txn& txn, int64_t audit_seq);

// Checks every row's seal history, every live row of every sealed table against its latest
// seal, and every sealed row against the live table. Adds up to `max_problems` problems to `out`
// (altered, unsealed, missing; one per row) and counts the live rows checked. A history break
// is reported as "altered" with the audit_seq of the seal that was overwritten (or "unsealed"
// when the row had no seal when an audited write changed it).
Status VerifyRows(Txn& txn, size_t max_problems, AuditVerification& out);

namespace internal {

// SQLite's json_array(v) text for one INTEGER or TEXT key value (the row keys of seal.h).
std::string JsonKey(const SqlValue& v);

// True when the schema has the row-seal tables (databases opened with test migrations may not).
Result<bool> SealingAvailable(sqlite3* db);
// What the writer connection's hook and triggers noted in the current Write: each changed row of a
// sealed table (table, key) -> its content before the Write (nullopt: the Write created it), and
// the last audit entry appended. Owned by the Database; used by the writer thread only.
struct SealNotes {
  std::map<std::pair<std::string, std::string>, std::optional<std::string>> rows;
  std::optional<int64_t> last_audit;
  std::set<std::string> trigger_tables;  // sealed WITHOUT ROWID tables: noted by triggers
  void Clear() {
    rows.clear();
    last_audit.reset();
  }
};
// Installs this connection's pre-update hook, the TEMP triggers of the WITHOUT ROWID sealed
// tables and the SQL functions they call (cradle_row_hash, cradle_seal_note), all filling
// `notes`. A hook rather than triggers where possible: a trigger gives every INSERT/UPDATE a
// statement journal, which SQLite truncates by walking the group's savepoint journal. Call once per
// writer connection; `notes` must outlive the connection.
Status InstallSealTriggers(sqlite3* db, SealNotes* notes);
// Seals the rows noted in this Write (see above) and clears `notes`. Call Clear() before each
// Write, so a failed Write's notes are dropped.
Status SealPendingRows(Txn& txn, SealNotes& notes);
// Seals, in one transaction and one 'rows.seal_upgrade' audit entry, every row that existed when
// migration 005 was applied; runs once (row_seal_upgrade), and never once any seal exists.
Status SealRowsAtUpgrade(sqlite3* db, const Clock& clock);

}  // namespace internal

}  // namespace cradle::store
