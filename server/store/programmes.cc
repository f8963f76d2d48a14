#include "server/store/programmes.h"

#include "server/store/paging.h"
#include "server/store/sqlite_util.h"

namespace cradle::store {

namespace {

constexpr char kColumns[] = "id, name, collector, capacity_t_per_year, created_at";

Programme ReadProgramme(const Stmt& stmt) {
  Programme p;
  p.id = stmt.Text(0);
  p.name = stmt.Text(1);
  p.collector = stmt.Text(2);
  p.capacity_t_per_year = stmt.Double(3);
  p.created_at = stmt.Int(4);
  return p;
}

}  // namespace

Status InsertProgramme(Txn& txn, const Programme& p) {
  CRADLE_STORE_ASSIGN_OR_RETURN(Stmt stmt, txn.Prepare(std::string("INSERT INTO programmes (") +
                                                       kColumns + ") VALUES (?, ?, ?, ?, ?)"));
  stmt.Bind(1, p.id)
      .Bind(2, p.name)
      .Bind(3, p.collector)
      .Bind(4, p.capacity_t_per_year)
      .Bind(5, txn.clock().NowMicros());
  return internal::Rename(stmt.Run(), "CONFLICT", "programme " + p.id + " exists");
}

Result<Programme> FindProgramme(Txn& txn, const std::string& id) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt stmt, txn.Prepare(std::string("SELECT ") + kColumns + " FROM programmes WHERE id = ?"));
  stmt.Bind(1, id);
  CRADLE_STORE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return Status("NOT_FOUND", "no programme " + id);
  return ReadProgramme(stmt);
}

Result<Page<Programme>> ListProgrammes(Txn& txn, const std::optional<std::string>& after,
                                       int limit) {
  limit = internal::ClampLimit(limit);
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt stmt, txn.Prepare(std::string("SELECT ") + kColumns +
                             " FROM programmes WHERE (?1 IS NULL OR id > ?1) ORDER BY id "
                             "LIMIT ?2"));
  stmt.Bind(1, after).Bind(2, limit + 1);
  return internal::ReadPage<Programme, std::string>(
      stmt, limit, [](Stmt& row) { return ReadProgramme(row); },
      [](const Programme& item) { return item.id; });
}

Status AddProgrammeMember(Txn& txn, const std::string& programme_id, const std::string& member) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt stmt, txn.Prepare("INSERT INTO programme_members (programme_id, member, joined_at) "
                             "VALUES (?, ?, ?)"));
  stmt.Bind(1, programme_id).Bind(2, member).Bind(3, txn.clock().NowMicros());
  return internal::Rename(stmt.Run(), "CONFLICT",
                          member + " is already a member of " + programme_id);
}

Result<std::vector<ProgrammeMember>> ListProgrammeMembers(Txn& txn,
                                                          const std::string& programme_id) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt stmt, txn.Prepare("SELECT programme_id, member, joined_at FROM programme_members "
                             "WHERE programme_id = ? ORDER BY member"));
  stmt.Bind(1, programme_id);
  std::vector<ProgrammeMember> out;
  while (true) {
    CRADLE_STORE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    out.push_back({stmt.Text(0), stmt.Text(1), stmt.Int(2)});
  }
  return out;
}

Result<bool> IsMember(Txn& txn, const std::string& programme_id, const std::string& member) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt stmt, txn.Prepare("SELECT 1 FROM programme_members WHERE programme_id = ? AND "
                             "member = ?"));
  stmt.Bind(1, programme_id).Bind(2, member);
  return stmt.Step();
}

Result<std::vector<std::string>> ProgrammesOf(Txn& txn, const std::string& member) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt stmt, txn.Prepare("SELECT programme_id FROM programme_members WHERE member = ? "
                             "ORDER BY programme_id"));
  stmt.Bind(1, member);
  std::vector<std::string> out;
  while (true) {
    CRADLE_STORE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    out.push_back(stmt.Text(0));
  }
  return out;
}

}  // namespace cradle::store
