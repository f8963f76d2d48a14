#include "server/store/facilities.h"

#include "server/store/sqlite_util.h"

namespace cradle::store {

namespace {

constexpr char kColumns[] =
    "id, operator, name, kind, accepts, volume_m3, density_t_per_m3, cover_fraction, "
    "t_per_year, regime, created_at";

Result<Facility> ReadFacility(const Stmt& stmt) {
  Facility f;
  f.id = stmt.Text(0);
  f.operator_org = stmt.Text(1);
  f.name = stmt.Text(2);
  f.kind = stmt.Text(3);
  CRADLE_STORE_ASSIGN_OR_RETURN(f.accepts, internal::DecodeStringArray(stmt.Text(4)));
  f.volume_m3 = stmt.OptDouble(5);
  f.density_t_per_m3 = stmt.OptDouble(6);
  f.cover_fraction = stmt.OptDouble(7);
  f.t_per_year = stmt.OptDouble(8);
  f.regime = stmt.Text(9);
  f.created_at = stmt.Int(10);
  return f;
}

}  // namespace

Status InsertFacility(Txn& txn, const Facility& f) {
  CRADLE_STORE_ASSIGN_OR_RETURN(Stmt stmt,
                                txn.Prepare(std::string("INSERT INTO facilities (") + kColumns +
                                            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  stmt.Bind(1, f.id)
      .Bind(2, f.operator_org)
      .Bind(3, f.name)
      .Bind(4, f.kind)
      .Bind(5, internal::EncodeStringArray(f.accepts))
      .Bind(6, f.volume_m3)
      .Bind(7, f.density_t_per_m3)
      .Bind(8, f.cover_fraction)
      .Bind(9, f.t_per_year)
      .Bind(10, f.regime)
      .Bind(11, txn.clock().NowMicros());
  return internal::Rename(stmt.Run(), "CONFLICT", "facility " + f.id + " exists");
}

Result<Facility> FindFacility(Txn& txn, const std::string& id) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt stmt, txn.Prepare(std::string("SELECT ") + kColumns + " FROM facilities WHERE id = ?"));
  stmt.Bind(1, id);
  CRADLE_STORE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return Status("NOT_FOUND", "no facility " + id);
  return ReadFacility(stmt);
}

Result<Page<Facility>> ListFacilities(Txn& txn, const std::optional<std::string>& operator_org,
                                      const std::optional<std::string>& after, int limit) {
  limit = internal::ClampLimit(limit);
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt stmt, txn.Prepare(std::string("SELECT ") + kColumns +
                             " FROM facilities WHERE (?1 IS NULL OR operator = ?1) AND "
                             "(?2 IS NULL OR id > ?2) ORDER BY id LIMIT ?3"));
  stmt.Bind(1, operator_org).Bind(2, after).Bind(3, limit + 1);
  Page<Facility> page;
  while (true) {
    CRADLE_STORE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    if (static_cast<int>(page.items.size()) == limit) {
      page.next = page.items.back().id;
      break;
    }
    CRADLE_STORE_ASSIGN_OR_RETURN(Facility f, ReadFacility(stmt));
    page.items.push_back(std::move(f));
  }
  return page;
}

}  // namespace cradle::store
