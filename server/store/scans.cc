#include "server/store/scans.h"

#include <algorithm>

#include "server/store/sqlite_util.h"

namespace cradle::store {

Result<int64_t> InsertFinding(Txn& txn, const ScanFinding& f) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt stmt, txn.Prepare("INSERT INTO scan_findings (kind, manifest_id, actor, device, "
                             "event_id, detail, at) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  stmt.Bind(1, f.kind)
      .Bind(2, f.manifest_id)
      .Bind(3, f.actor)
      .Bind(4, f.device)
      .Bind(5, f.event_id)
      .Bind(6, f.detail)
      .Bind(7, txn.clock().NowMicros());
  CRADLE_STORE_RETURN_IF_ERROR(stmt.Run());
  return txn.LastInsertRowId();
}

Result<std::vector<ScanFinding>> ListFindings(Txn& txn, int64_t after, int limit) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt stmt, txn.Prepare("SELECT seq, kind, manifest_id, actor, device, event_id, detail, at "
                             "FROM scan_findings WHERE seq > ? ORDER BY seq LIMIT ?"));
  stmt.Bind(1, after).Bind(2, std::clamp(limit, 1, 1000));
  std::vector<ScanFinding> out;
  while (true) {
    CRADLE_STORE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    ScanFinding f;
    f.seq = stmt.Int(0);
    f.kind = stmt.Text(1);
    f.manifest_id = stmt.OptText(2);
    f.actor = stmt.Text(3);
    f.device = stmt.OptText(4);
    f.event_id = stmt.Text(5);
    f.detail = stmt.Text(6);
    f.at = stmt.Int(7);
    out.push_back(std::move(f));
  }
  return out;
}

Result<bool> FindingExists(Txn& txn, const std::string& event_id, const std::string& kind) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt stmt, txn.Prepare("SELECT 1 FROM scan_findings WHERE event_id = ? AND kind = ?"));
  stmt.Bind(1, event_id).Bind(2, kind);
  return stmt.Step();
}

Result<std::optional<std::string>> FindEventContent(Txn& txn, const std::string& event_id) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt stmt, txn.Prepare("SELECT content_sha256 FROM manifest_events WHERE event_id = ?"));
  stmt.Bind(1, event_id);
  CRADLE_STORE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(stmt.Text(0));
}

}  // namespace cradle::store
