#include "server/store/orgs.h"

#include "server/store/sqlite_util.h"

namespace cradle::store {

namespace {

constexpr char kOrgColumns[] = "uscc, name, roles, district, small_enterprise, contact, created_at";

Result<Org> ReadOrg(const Stmt& stmt) {
  Org org;
  org.uscc = stmt.Text(0);
  org.name = stmt.Text(1);
  CRADLE_STORE_ASSIGN_OR_RETURN(org.roles, internal::DecodeStringArray(stmt.Text(2)));
  org.district = stmt.Text(3);
  org.small_enterprise = stmt.Int(4) != 0;
  org.contact = stmt.Text(5);
  org.created_at = stmt.Int(6);
  return org;
}

}  // namespace

Status InsertOrg(Txn& txn, const Org& org) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt stmt, txn.Prepare("INSERT INTO orgs (uscc, name, roles, district, small_enterprise, "
                             "contact, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  stmt.Bind(1, org.uscc)
      .Bind(2, org.name)
      .Bind(3, internal::EncodeStringArray(org.roles))
      .Bind(4, org.district)
      .Bind(5, org.small_enterprise ? 1 : 0)
      .Bind(6, org.contact)
      .Bind(7, txn.clock().NowMicros());
  return internal::Rename(stmt.Run(), "CONFLICT", "organisation " + org.uscc + " exists");
}

Result<Org> FindOrg(Txn& txn, const std::string& uscc) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt stmt, txn.Prepare(std::string("SELECT ") + kOrgColumns + " FROM orgs WHERE uscc = ?"));
  stmt.Bind(1, uscc);
  CRADLE_STORE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return Status("NOT_FOUND", "no organisation " + uscc);
  return ReadOrg(stmt);
}

Result<Page<Org>> ListOrgs(Txn& txn, const std::optional<std::string>& after, int limit) {
  limit = internal::ClampLimit(limit);
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt stmt, txn.Prepare(std::string("SELECT ") + kOrgColumns +
                             " FROM orgs WHERE (?1 IS NULL OR uscc > ?1) ORDER BY uscc LIMIT ?2"));
  stmt.Bind(1, after).Bind(2, limit + 1);
  Page<Org> page;
  while (true) {
    CRADLE_STORE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    if (static_cast<int>(page.items.size()) == limit) {
      page.next = page.items.back().uscc;
      break;
    }
    CRADLE_STORE_ASSIGN_OR_RETURN(Org org, ReadOrg(stmt));
    page.items.push_back(std::move(org));
  }
  return page;
}

}  // namespace cradle::store
