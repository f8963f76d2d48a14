#include "server/store/audit.h"

#include "core/civil_time.h"
#include "core/sha256.h"
#include "server/store/paging.h"
#include "server/store/seal.h"
#include "server/store/sqlite_util.h"

namespace cradle::store {

namespace {

void AppendField(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
  out += ',';
}

constexpr char kColumns[] =
    "seq, at, actor, action, object, change_sha256, prev_hash, hash, rows_sha256";
constexpr char kInsertColumns[] = "seq, at, actor, action, object, change_sha256, prev_hash, hash";

AuditEntry ReadEntry(const Stmt& s) {
  return {s.Int(0),  s.Text(1), s.Text(2), s.Text(3), s.Text(4),
          s.Text(5), s.Text(6), s.Text(7), s.Text(8)};
}

// At most this many row problems are listed; all are counted.
constexpr size_t kMaxRowProblems = 100;

}  // namespace

std::string AuditHash(const AuditEntry& e) {
  std::string text;
  AppendField(text, e.prev_hash);
  AppendField(text, std::to_string(e.seq));
  AppendField(text, e.at);
  AppendField(text, e.actor);
  AppendField(text, e.action);
  AppendField(text, e.object);
  AppendField(text, e.change_sha256);
  if (!e.rows_sha256.empty()) AppendField(text, e.rows_sha256);
  return Sha256Hex(text);
}

Result<AuditEntry> AppendAudit(Txn& txn, const std::string& actor, const std::string& action,
                               const std::string& object, std::string_view change_json) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt last, txn.Prepare("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"));
  CRADLE_STORE_ASSIGN_OR_RETURN(bool row, last.Step());
  AuditEntry e;
  e.seq = row ? last.Int(0) + 1 : 1;
  e.prev_hash = row ? last.Text(1) : std::string(kAuditGenesis);
  // Always six digits and "Z": the chain hashes this text, so its shape never changes.
  e.at = FormatRfc3339Utc(txn.clock().NowMicros(), SecondFraction::kMicros);
  e.actor = actor;
  e.action = action;
  e.object = object;
  e.change_sha256 = Sha256Hex(change_json);
  e.hash = AuditHash(e);
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt insert, txn.Prepare(std::string("INSERT INTO audit_log (") + kInsertColumns +
                               ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  insert.Bind(1, e.seq)
      .Bind(2, e.at)
      .Bind(3, e.actor)
      .Bind(4, e.action)
      .Bind(5, e.object)
      .Bind(6, e.change_sha256)
      .Bind(7, e.prev_hash)
      .Bind(8, e.hash);
  CRADLE_STORE_RETURN_IF_ERROR(insert.Run());
  return e;
}

Result<AuditVerification> VerifyAudit(Txn& txn) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt stmt, txn.Prepare(std::string("SELECT ") + kColumns + " FROM audit_log ORDER BY seq"));
  AuditVerification v;
  std::string prev(kAuditGenesis);
  int64_t expected_seq = 1;
  while (true) {
    CRADLE_STORE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    AuditEntry e = ReadEntry(stmt);
    bool bad = e.seq != expected_seq || e.prev_hash != prev || AuditHash(e) != e.hash;
    if (!bad) {
      // The seals stored under this entry must be exactly the ones its hash covers.
      CRADLE_STORE_ASSIGN_OR_RETURN(std::string digest, RowsDigest(txn, e.seq));
      bad = digest != e.rows_sha256;
    }
    if (bad) {
      v.ok = false;
      v.first_bad_seq = e.seq != expected_seq ? expected_seq : e.seq;
      return v;
    }
    ++v.length;
    v.head = e.hash;
    prev = e.hash;
    ++expected_seq;
  }
  // Seals filed under an entry that does not exist.
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt orphan, txn.Prepare("SELECT min(audit_seq) FROM row_seal_log WHERE audit_seq >= ?"));
  orphan.Bind(1, expected_seq);
  CRADLE_STORE_ASSIGN_OR_RETURN(bool orphan_row, orphan.Step());
  if (orphan_row && !orphan.IsNull(0)) {
    v.ok = false;
    v.first_bad_seq = orphan.Int(0);
    return v;
  }
  CRADLE_STORE_RETURN_IF_ERROR(VerifyRows(txn, kMaxRowProblems, v));
  if (v.row_problem_count > 0) v.ok = false;
  return v;
}

Status SetAuditRowsDigest(Txn& txn, int64_t seq, const std::string& rows_sha256) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt get, txn.Prepare(std::string("SELECT ") + kColumns +
                            " FROM audit_log WHERE seq = ? AND seq = (SELECT max(seq) FROM "
                            "audit_log)"));
  get.Bind(1, seq);
  CRADLE_STORE_ASSIGN_OR_RETURN(bool row, get.Step());
  if (!row) return Status("INTERNAL", "row seals for an audit entry that is not the head");
  AuditEntry e = ReadEntry(get);
  e.rows_sha256 = rows_sha256;
  e.hash = AuditHash(e);
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt set, txn.Prepare("UPDATE audit_log SET rows_sha256 = ?, hash = ? WHERE seq = ?"));
  set.Bind(1, e.rows_sha256).Bind(2, e.hash).Bind(3, seq);
  return set.Run();
}

Result<Page<AuditEntry, int64_t>> ListAudit(Txn& txn, int64_t after, int limit) {
  limit = internal::ClampLimit(limit);
  CRADLE_STORE_ASSIGN_OR_RETURN(Stmt stmt,
                                txn.Prepare(std::string("SELECT ") + kColumns +
                                            " FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?"));
  stmt.Bind(1, after).Bind(2, limit + 1);
  return internal::ReadPage<AuditEntry, int64_t>(
      stmt, limit, [](Stmt& row) { return ReadEntry(row); },
      [](const AuditEntry& item) { return item.seq; });
}

}  // namespace cradle::store
