#include "server/service/audit_service.h"

#include "server/store/audit.h"

namespace cradle::service {

Result<store::Page<store::AuditEntry, int64_t>> ListAudit(const Context& ctx, const Principal& p,
                                                          int64_t after, int limit) {
  if (!p.ReadsAll()) return Status("FORBIDDEN", "the audit log is for regulators and admins");
  std::optional<store::Page<store::AuditEntry, int64_t>> out;
  Status s = ctx.db.Read([&](store::Txn& txn) -> Status {
    auto page = store::ListAudit(txn, after, limit);
    if (!page.ok()) return page.status();
    out = std::move(*page);
    return Status();
  });
  if (!s.ok()) return s;
  return *out;
}

Result<store::AuditVerification> VerifyAuditChain(const Context& ctx, const Principal& p) {
  if (!p.ReadsAll()) return Status("FORBIDDEN", "the audit log is for regulators and admins");
  std::optional<store::AuditVerification> out;
  Status s = ctx.db.Read([&](store::Txn& txn) -> Status {
    auto v = store::VerifyAudit(txn);
    if (!v.ok()) return v.status();
    out = *v;
    return Status();
  });
  if (!s.ok()) return s;
  return *out;
}

}  // namespace cradle::service
