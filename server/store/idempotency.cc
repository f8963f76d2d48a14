#include "server/store/idempotency.h"

#include "server/store/sqlite_util.h"

namespace cradle::store {

Result<std::optional<IdempotencyRecord>> FindIdempotent(Txn& txn, const std::string& actor,
                                                        const std::string& scope,
                                                        const std::string& key) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt stmt, txn.Prepare("SELECT request_sha256, response_body, created_at FROM "
                             "idempotency WHERE actor = ? AND route = ? AND key = ?"));
  stmt.Bind(1, actor).Bind(2, scope).Bind(3, key);
  CRADLE_STORE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<IdempotencyRecord>();
  IdempotencyRecord r;
  r.actor = actor;
  r.scope = scope;
  r.key = key;
  r.request_sha256 = stmt.Text(0);
  r.result = stmt.Text(1);
  r.created_at = stmt.Int(2);
  return std::optional<IdempotencyRecord>(std::move(r));
}

Status InsertIdempotent(Txn& txn, const IdempotencyRecord& r) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt stmt, txn.Prepare("INSERT INTO idempotency (actor, route, key, request_sha256, "
                             "status, response_body, created_at) VALUES (?, ?, ?, ?, 0, ?, ?)"));
  stmt.Bind(1, r.actor)
      .Bind(2, r.scope)
      .Bind(3, r.key)
      .Bind(4, r.request_sha256)
      .Bind(5, r.result)
      .Bind(6, txn.clock().NowMicros());
  return internal::Rename(stmt.Run(), "CONFLICT", "idempotency key " + r.key + " was used");
}

Result<int64_t> PruneIdempotent(Txn& txn, int64_t before) {
  CRADLE_STORE_ASSIGN_OR_RETURN(Stmt stmt,
                                txn.Prepare("DELETE FROM idempotency WHERE created_at < ?"));
  stmt.Bind(1, before);
  CRADLE_STORE_RETURN_IF_ERROR(stmt.Run());
  return static_cast<int64_t>(txn.Changes());
}

}  // namespace cradle::store
