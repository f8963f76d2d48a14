#include "server/service/parties.h"

#include <algorithm>

#include "server/pki/secrets.h"
#include "server/service/audit_json.h"
#include "server/store/audit.h"
#include "server/store/facilities.h"
#include "server/store/orgs.h"
#include "server/store/programmes.h"
#include "server/store/tokens.h"

namespace cradle::service {
namespace {

Status Forbidden(const std::string& what) {
  return Status("FORBIDDEN", "your role may not " + what);
}

bool HasRole(const store::Org& org, std::string_view role) {
  return std::find(org.roles.begin(), org.roles.end(), role) != org.roles.end();
}

// A missing referenced organisation is the caller's field error, not a missing resource.
Status RequireOrg(store::Txn& txn, const std::string& uscc, store::Org* out = nullptr) {
  auto org = store::FindOrg(txn, uscc);
  if (!org.ok()) {
    if (org.status().code() == "NOT_FOUND") return Status("UNKNOWN_ORG", "no organisation " + uscc);
    return org.status();
  }
  if (out) *out = *org;
  return Status();
}

boost::json::array ToJson(const std::vector<std::string>& v) {
  boost::json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

}  // namespace

Result<store::Org> CreateOrg(const Context& ctx, const Principal& p, store::Org org) {
  if (!p.ReadsAll()) return Forbidden("register organisations");
  Status s = ctx.db.Write([&](store::Txn& txn) -> Status {
    if (Status st = store::InsertOrg(txn, org); !st.ok()) return st;
    boost::json::object change{{"uscc", org.uscc},
                               {"name", org.name},
                               {"roles", ToJson(org.roles)},
                               {"district", org.district},
                               {"small_enterprise", org.small_enterprise}};
    return store::AppendAudit(txn, p.Actor(), "org.create", org.uscc, ChangeText(change)).status();
  });
  if (!s.ok()) return s;
  return GetOrg(ctx, p, org.uscc);
}

Result<store::Org> GetOrg(const Context& ctx, const Principal&, const std::string& uscc) {
  std::optional<store::Org> out;
  Status s = ctx.db.Read([&](store::Txn& txn) -> Status {
    auto org = store::FindOrg(txn, uscc);
    if (!org.ok()) return org.status();
    out = std::move(*org);
    return Status();
  });
  if (!s.ok()) return s;
  return *out;
}

Result<Me> WhoAmI(const Context& ctx, const Principal& p) {
  Me me;
  me.org = p.org;
  me.role = p.role;
  me.device = p.device;
  if (!p.org.empty()) {
    auto org = GetOrg(ctx, p, p.org);
    if (!org.ok()) return org.status();  // the token's organisation exists (foreign key)
    me.name = org->name;
  }
  // A device scans for its organisation and reads what a scanner needs offline.
  if (!p.device.empty()) {
    me.may = {"scan", "read_revocations", "read_jwks"};
    return me;
  }
  switch (p.role) {
    case Role::kProducer:
      me.may = {"issue_manifests", "print_labels", "void_manifests", "read_own", "respond_cases"};
      break;
    case Role::kCollector:
      me.may = {"scan_pickup", "read_own", "respond_cases"};
      break;
    case Role::kFacility:
      me.may = {"scan_receive", "scan_dispose", "scan_reject", "read_own", "respond_cases"};
      break;
    case Role::kRegulator:
      me.may = {"read_all",    "reconcile",         "act_on_cases", "run_rules",
                "create_orgs", "create_facilities", "verify_audit"};
      break;
    case Role::kAdmin:
      me.may = {
          "read_all",          "reconcile",    "act_on_cases",  "run_rules",        "create_orgs",
          "create_facilities", "verify_audit", "create_tokens", "register_devices", "revoke"};
      break;
  }
  return me;
}

Result<store::Page<store::Org>> ListOrgs(const Context& ctx, const Principal&,
                                         const std::optional<std::string>& after, int limit) {
  std::optional<store::Page<store::Org>> out;
  Status s = ctx.db.Read([&](store::Txn& txn) -> Status {
    auto page = store::ListOrgs(txn, after, limit);
    if (!page.ok()) return page.status();
    out = std::move(*page);
    return Status();
  });
  if (!s.ok()) return s;
  return *out;
}

Result<IssuedToken> CreateToken(const Context& ctx, const Principal& p, const std::string& org,
                                Role role, const std::string& label) {
  if (!p.Is(Role::kAdmin)) return Forbidden("create tokens");
  IssuedToken out;
  out.token = pki::NewApiToken();
  out.role = std::string(RoleName(role));
  out.org = org;
  Status s = ctx.db.Write([&](store::Txn& txn) -> Status {
    store::Org o;
    if (Status st = RequireOrg(txn, org, &o); !st.ok()) return st;
    const bool needs_party_role = role != Role::kAdmin && role != Role::kRegulator;
    if (needs_party_role && !HasRole(o, out.role)) {
      return Status("ROLE_MISMATCH", "organisation " + org + " does not have the role " + out.role);
    }
    auto id = store::InsertToken(txn, pki::HashApiToken(out.token), org, out.role, label);
    if (!id.ok()) return id.status();
    out.id = *id;
    // The audit records the token's id and hash prefix, never the token.
    boost::json::object change{
        {"token_id", out.id}, {"org", org}, {"role", out.role}, {"label", label}};
    return store::AppendAudit(txn, p.Actor(), "token.create", org, ChangeText(change)).status();
  });
  if (!s.ok()) return s;
  return out;
}

Result<store::Device> CreateDevice(const Context& ctx, const Principal& p,
                                   const std::string& device_id, const std::string& org) {
  if (!p.Is(Role::kAdmin)) return Forbidden("register devices");
  store::Device out;
  Status s = ctx.db.Write([&](store::Txn& txn) -> Status {
    store::Org o;
    if (Status st = RequireOrg(txn, org, &o); !st.ok()) return st;
    if (!HasRole(o, "collector") && !HasRole(o, "facility")) {
      return Status("ROLE_MISMATCH", "devices belong to a collector or facility organisation");
    }
    if (Status st = store::InsertDevice(txn, device_id, org); !st.ok()) return st;
    auto d = store::FindDevice(txn, device_id);
    if (!d.ok()) return d.status();
    out = *d;
    boost::json::object change{{"device_id", device_id}, {"org", org}};
    return store::AppendAudit(txn, p.Actor(), "device.create", device_id, ChangeText(change))
        .status();
  });
  if (!s.ok()) return s;
  return out;
}

Status RevokeToken(const Context& ctx, const Principal& p, int64_t token_id) {
  if (!p.Is(Role::kAdmin)) return Forbidden("revoke tokens");
  return ctx.db.Write([&](store::Txn& txn) -> Status {
    if (Status st = store::RevokeToken(txn, token_id); !st.ok()) return st;
    boost::json::object change{{"token_id", token_id}};
    return store::AppendAudit(txn, p.Actor(), "token.revoke", std::to_string(token_id),
                              ChangeText(change))
        .status();
  });
}

Status RevokeDevice(const Context& ctx, const Principal& p, const std::string& device_id) {
  if (!p.Is(Role::kAdmin)) return Forbidden("revoke devices");
  return ctx.db.Write([&](store::Txn& txn) -> Status {
    if (Status st = store::RevokeDevice(txn, device_id); !st.ok()) return st;
    boost::json::object change{{"device_id", device_id}};
    return store::AppendAudit(txn, p.Actor(), "device.revoke", device_id, ChangeText(change))
        .status();
  });
}

Result<store::Facility> CreateFacility(const Context& ctx, const Principal& p, store::Facility f) {
  if (!p.ReadsAll()) return Forbidden("register facilities");
  store::Facility out;
  Status s = ctx.db.Write([&](store::Txn& txn) -> Status {
    if (Status st = RequireOrg(txn, f.operator_org); !st.ok()) return st;
    if (Status st = store::InsertFacility(txn, f); !st.ok()) return st;
    auto got = store::FindFacility(txn, f.id);
    if (!got.ok()) return got.status();
    out = *got;
    boost::json::object change{{"id", f.id},
                               {"operator", f.operator_org},
                               {"kind", f.kind},
                               {"name", f.name},
                               {"accepts", ToJson(f.accepts)}};
    if (f.volume_m3) change["volume_m3"] = *f.volume_m3;
    if (f.density_t_per_m3) change["density_t_per_m3"] = *f.density_t_per_m3;
    if (f.t_per_year) change["t_per_year"] = *f.t_per_year;
    return store::AppendAudit(txn, p.Actor(), "facility.create", f.id, ChangeText(change)).status();
  });
  if (!s.ok()) return s;
  return out;
}

Result<store::Page<store::Facility>> ListFacilities(const Context& ctx, const Principal&,
                                                    const std::optional<std::string>& after,
                                                    int limit) {
  std::optional<store::Page<store::Facility>> out;
  Status s = ctx.db.Read([&](store::Txn& txn) -> Status {
    auto page = store::ListFacilities(txn, std::nullopt, after, limit);
    if (!page.ok()) return page.status();
    out = std::move(*page);
    return Status();
  });
  if (!s.ok()) return s;
  return *out;
}

Result<ProgrammeWithMembers> CreateProgramme(const Context& ctx, const Principal& p,
                                             store::Programme programme,
                                             std::vector<std::string> members) {
  if (!p.ReadsAll()) return Forbidden("register programmes");
  std::sort(members.begin(), members.end());
  members.erase(std::unique(members.begin(), members.end()), members.end());
  Status s = ctx.db.Write([&](store::Txn& txn) -> Status {
    if (Status st = RequireOrg(txn, programme.collector); !st.ok()) return st;
    for (const auto& m : members) {
      if (Status st = RequireOrg(txn, m); !st.ok()) return st;
    }
    if (Status st = store::InsertProgramme(txn, programme); !st.ok()) return st;
    for (const auto& m : members) {
      if (Status st = store::AddProgrammeMember(txn, programme.id, m); !st.ok()) return st;
    }
    boost::json::object change{{"id", programme.id},
                               {"name", programme.name},
                               {"collector", programme.collector},
                               {"capacity_t_per_year", programme.capacity_t_per_year},
                               {"members", ToJson(members)}};
    return store::AppendAudit(txn, p.Actor(), "programme.create", programme.id, ChangeText(change))
        .status();
  });
  if (!s.ok()) return s;
  return GetProgramme(ctx, p, programme.id);
}

Result<ProgrammeWithMembers> GetProgramme(const Context& ctx, const Principal&,
                                          const std::string& id) {
  ProgrammeWithMembers out;
  Status s = ctx.db.Read([&](store::Txn& txn) -> Status {
    auto prog = store::FindProgramme(txn, id);
    if (!prog.ok()) return prog.status();
    out.programme = *prog;
    auto members = store::ListProgrammeMembers(txn, id);
    if (!members.ok()) return members.status();
    for (const auto& m : *members) out.members.push_back(m.member);
    return Status();
  });
  if (!s.ok()) return s;
  return out;
}

Result<std::optional<std::string>> BootstrapAdminToken(
    const Context& ctx, const std::function<Status(const std::string& token)>& persist) {
  std::optional<std::string> token;
  Status s = ctx.db.Write([&](store::Txn& txn) -> Status {
    auto any = store::AnyToken(txn);
    if (!any.ok()) return any.status();
    if (*any) return Status();
    token = pki::NewApiToken();
    auto id = store::InsertToken(txn, pki::HashApiToken(*token), std::nullopt, "admin",
                                 "bootstrap admin");
    if (!id.ok()) return id.status();
    boost::json::object change{{"token_id", *id}, {"role", "admin"}};
    auto audit = store::AppendAudit(txn, "system", "token.bootstrap", "admin", ChangeText(change));
    if (!audit.ok()) return audit.status();
    return persist ? persist(*token) : Status();
  });
  if (!s.ok()) return s;
  return token;
}

}  // namespace cradle::service
