// Use cases for parties: organisations, their API tokens, scanner devices, facilities and
// small-enterprise collection programmes. Field validation happens before these are called
// (server/api); these check permissions and state, write, and audit in one transaction.
//
// Errors: FORBIDDEN, NOT_FOUND, CONFLICT (already exists), UNKNOWN_ORG (a referenced party is
// missing), STORAGE_UNAVAILABLE.
// Thread safety: stateless functions over the thread-safe Context.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "server/service/context.h"
#include "server/service/principal.h"
#include "server/store/records.h"

namespace cradle::service {

Result<store::Org> CreateOrg(const Context& ctx, const Principal& p, store::Org org);
Result<store::Org> GetOrg(const Context& ctx, const Principal& p, const std::string& uscc);
Result<store::Page<store::Org>> ListOrgs(const Context& ctx, const Principal& p,
                                         const std::optional<std::string>& after, int limit);

// GET /api/v1/me: who the credentials belong to and what the role may do, so a client needs
// nothing but its token. `may` names actions in words a page can switch on ("issue_manifests",
// "scan_pickup", "read_all", ...); the server still checks each request on its own.
struct Me {
  std::string org;   // empty for the bootstrap admin
  std::string name;  // the organisation's name; empty for the bootstrap admin
  Role role = Role::kProducer;
  std::string device;  // set when the caller is a device certificate
  std::vector<std::string> may;
};
Result<Me> WhoAmI(const Context& ctx, const Principal& p);

struct IssuedToken {
  int64_t id = 0;
  std::string token;  // the only time the plain token exists outside its holder
  std::string role;
  std::string org;
};
// The role must be one the organisation has (admin and regulator tokens need no such role).
Result<IssuedToken> CreateToken(const Context& ctx, const Principal& p, const std::string& org,
                                Role role, const std::string& label);

Result<store::Device> CreateDevice(const Context& ctx, const Principal& p,
                                   const std::string& device_id, const std::string& org);

// Revocation (admin): a revoked token or device authenticates no more; records stay.
Status RevokeToken(const Context& ctx, const Principal& p, int64_t token_id);
Status RevokeDevice(const Context& ctx, const Principal& p, const std::string& device_id);

Result<store::Facility> CreateFacility(const Context& ctx, const Principal& p, store::Facility f);
Result<store::Page<store::Facility>> ListFacilities(const Context& ctx, const Principal& p,
                                                    const std::optional<std::string>& after,
                                                    int limit);

struct ProgrammeWithMembers {
  store::Programme programme;
  std::vector<std::string> members;
};
Result<ProgrammeWithMembers> CreateProgramme(const Context& ctx, const Principal& p,
                                             store::Programme programme,
                                             std::vector<std::string> members);
Result<ProgrammeWithMembers> GetProgramme(const Context& ctx, const Principal& p,
                                          const std::string& id);

// Creates the bootstrap admin token on a database that has no token yet (first start).
// Returns nullopt when tokens already exist. `persist`, if given, hands the token over (writes
// admin.token) before its hash is committed: if it fails, nothing is kept and the next start
// tries again, so a lost file can never leave a token nobody holds.
Result<std::optional<std::string>> BootstrapAdminToken(
    const Context& ctx, const std::function<Status(const std::string& token)>& persist = nullptr);

}  // namespace cradle::service
