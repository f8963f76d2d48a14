#include "server/store/tokens.h"

#include "server/store/sqlite_util.h"

namespace cradle::store {

Result<int64_t> InsertToken(Txn& txn, const std::string& token_hash,
                            const std::optional<std::string>& org, const std::string& role,
                            const std::string& label) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt stmt, txn.Prepare("INSERT INTO api_tokens (org, role, label, token_hash, created_at) "
                             "VALUES (?, ?, ?, ?, ?)"));
  stmt.Bind(1, org)
      .Bind(2, role)
      .Bind(3, label)
      .Bind(4, token_hash)
      .Bind(5, txn.clock().NowMicros());
  CRADLE_STORE_RETURN_IF_ERROR(
      internal::Rename(stmt.Run(), "CONFLICT", "a token with this hash exists"));
  return txn.LastInsertRowId();
}

Result<ApiToken> FindTokenByHash(Txn& txn, const std::string& token_hash) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt stmt, txn.Prepare("SELECT id, org, role, label, token_hash, created_at, revoked_at "
                             "FROM api_tokens WHERE token_hash = ?"));
  stmt.Bind(1, token_hash);
  CRADLE_STORE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return Status("NOT_FOUND", "no such token");
  ApiToken t;
  t.id = stmt.Int(0);
  t.org = stmt.OptText(1);
  t.role = stmt.Text(2);
  t.label = stmt.Text(3);
  t.token_hash = stmt.Text(4);
  t.created_at = stmt.Int(5);
  t.revoked_at = stmt.OptInt(6);
  return t;
}

Status RevokeToken(Txn& txn, int64_t token_id) {
  CRADLE_STORE_ASSIGN_OR_RETURN(Stmt stmt,
                                txn.Prepare("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND "
                                            "revoked_at IS NULL"));
  stmt.Bind(1, txn.clock().NowMicros()).Bind(2, token_id);
  CRADLE_STORE_RETURN_IF_ERROR(stmt.Run());
  if (txn.Changes() == 0) {
    CRADLE_STORE_ASSIGN_OR_RETURN(Stmt probe, txn.Prepare("SELECT 1 FROM api_tokens WHERE id = ?"));
    probe.Bind(1, token_id);
    CRADLE_STORE_ASSIGN_OR_RETURN(bool exists, probe.Step());
    if (!exists) return Status("NOT_FOUND", "no token " + std::to_string(token_id));
  }
  return Status::Ok();
}

Result<bool> AnyToken(Txn& txn) {
  CRADLE_STORE_ASSIGN_OR_RETURN(Stmt stmt, txn.Prepare("SELECT 1 FROM api_tokens LIMIT 1"));
  return stmt.Step();
}

Status InsertDevice(Txn& txn, const std::string& device_id, const std::string& org) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt stmt, txn.Prepare("INSERT INTO devices (device_id, org, created_at) VALUES (?, ?, ?)"));
  stmt.Bind(1, device_id).Bind(2, org).Bind(3, txn.clock().NowMicros());
  return internal::Rename(stmt.Run(), "CONFLICT", "device " + device_id + " exists");
}

Status RevokeDevice(Txn& txn, const std::string& device_id) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt stmt, txn.Prepare("UPDATE devices SET revoked_at = ? WHERE device_id = ? AND "
                             "revoked_at IS NULL"));
  stmt.Bind(1, txn.clock().NowMicros()).Bind(2, device_id);
  CRADLE_STORE_RETURN_IF_ERROR(stmt.Run());
  if (txn.Changes() == 0) {
    CRADLE_STORE_ASSIGN_OR_RETURN(Device d, FindDevice(txn, device_id));
    (void)d;  // exists and was already revoked: revoking again is a no-op
  }
  return Status::Ok();
}

Result<Device> FindDevice(Txn& txn, const std::string& device_id) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt stmt, txn.Prepare("SELECT device_id, org, created_at, revoked_at FROM devices "
                             "WHERE device_id = ?"));
  stmt.Bind(1, device_id);
  CRADLE_STORE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return Status("NOT_FOUND", "no device " + device_id);
  Device d;
  d.device_id = stmt.Text(0);
  d.org = stmt.Text(1);
  d.created_at = stmt.Int(2);
  d.revoked_at = stmt.OptInt(3);
  return d;
}

}  // namespace cradle::store
