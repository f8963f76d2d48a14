#include "server/service/auth.h"

#include <string>

#include "server/pki/secrets.h"
#include "server/store/orgs.h"
#include "server/store/tokens.h"

namespace cradle::service {

Result<Principal> AuthenticateBearer(const Context& ctx, std::string_view token) {
  const Status unauthenticated("UNAUTHENTICATED", "unknown or revoked token");
  if (token.empty() || token.size() > 256) return unauthenticated;
  const std::string hash = pki::HashApiToken(token);
  Principal p;
  Status s = ctx.db.Read([&](store::Txn& txn) -> Status {
    auto t = store::FindTokenByHash(txn, hash);
    if (!t.ok()) return t.status();
    if (t->revoked_at) return unauthenticated;
    auto role = ParseRole(t->role);
    if (!role) return unauthenticated;
    p.role = *role;
    p.org = t->org.value_or("");
    p.token_id = t->id;
    return Status();
  });
  if (!s.ok()) return s.code() == "NOT_FOUND" ? unauthenticated : s;
  return p;
}

Result<Principal> AuthenticateDevice(const Context& ctx, std::string_view device_id) {
  const Status unauthenticated("UNAUTHENTICATED",
                               "the client certificate names no registered device");
  Principal p;
  Status s = ctx.db.Read([&](store::Txn& txn) -> Status {
    auto d = store::FindDevice(txn, std::string(device_id));
    if (!d.ok()) return d.status();
    if (d->revoked_at) return unauthenticated;
    auto org = store::FindOrg(txn, d->org);
    if (!org.ok()) return org.status();
    // A device scans for its organisation, in the role that organisation has in the chain.
    p.role = Role::kCollector;
    for (const auto& r : org->roles) {
      if (r == "facility") p.role = Role::kFacility;
    }
    for (const auto& r : org->roles) {
      if (r == "collector") p.role = Role::kCollector;
    }
    p.org = d->org;
    p.device = d->device_id;
    return Status();
  });
  if (!s.ok()) return s.code() == "NOT_FOUND" ? unauthenticated : s;
  return p;
}

}  // namespace cradle::service
