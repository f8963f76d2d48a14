#include "server/service/health.h"

namespace cradle::service {

Status CheckReady(const Context& ctx) {
  Status s = ctx.db.Read([](store::Txn& txn) { return txn.Exec("SELECT 1"); });
  if (s.ok()) s = ctx.db.Write([](store::Txn&) { return Status(); });
  return s;
}

}  // namespace cradle::service
