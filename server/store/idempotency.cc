#include "server/store/idempotency.h"

#include "server/store/sqlite_util.h"

namespace cradle::store {

Result<std::optional<IdempotencyRecord>> FindIdempotent(Txn& txn, const std::string& actor,
                                                        const std::string& route,
                                                        const std::string& key) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt stmt, txn.Prepare("SELECT request_sha256, status, response_body, created_at FROM "
                             "idempotency WHERE actor = ? AND route = ? AND key = ?"));
  stmt.Bind(1, actor).Bind(2, route).Bind(3, key);
  CRADLE_STORE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<IdempotencyRecord>();
  IdempotencyRecord r;
  r.actor = actor;
  r.route = route;
  r.key = key;
  r.request_sha256 = stmt.Text(0);
  r.status = static_cast<int>(stmt.Int(1));
  r.response_body = stmt.Text(2);
  r.created_at = stmt.Int(3);
  return std::optional<IdempotencyRecord>(std::move(r));
}

Status InsertIdempotent(Txn& txn, const IdempotencyRecord& r) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt stmt, txn.Prepare("INSERT INTO idempotency (actor, route, key, request_sha256, "
                             "status, response_body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  stmt.Bind(1, r.actor)
      .Bind(2, r.route)
      .Bind(3, r.key)
      .Bind(4, r.request_sha256)
      .Bind(5, r.status)
      .Bind(6, r.response_body)
      .Bind(7, txn.clock().NowMicros());
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
