// Audit use cases: read the hash-chained log and verify it. Regulators and admins only.
// Thread safety: stateless functions over the thread-safe Context.
#pragma once

#include "core/status.h"
#include "server/service/context.h"
#include "server/service/principal.h"
#include "server/store/records.h"

namespace cradle::service {

Result<store::Page<store::AuditEntry, int64_t>> ListAudit(const Context& ctx, const Principal& p,
                                                          int64_t after, int limit);
Result<store::AuditVerification> VerifyAuditChain(const Context& ctx, const Principal& p);

}  // namespace cradle::service
