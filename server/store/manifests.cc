#include "server/store/manifests.h"

#include "server/store/paging.h"
#include "server/store/sqlite_util.h"

namespace cradle::store {

namespace {

constexpr char kManifestColumns[] =
    "id, producer, waste_code, produced_on, serial, mass_g, packaging, kid, token, status, "
    "destination, description, issued_at, issued_by, updated_at";

constexpr char kEventColumns[] =
    "seq, event_id, manifest_id, kind, actor, device, mass_g, scanned_at, received_at, "
    "facility, vehicle, lat, lon, method, note, content_sha256, reason";

Manifest ReadManifest(const Stmt& s) {
  Manifest m;
  m.id = s.Text(0);
  m.producer = s.Text(1);
  m.waste_code = s.Text(2);
  m.produced_on = s.Text(3);
  m.serial = static_cast<int>(s.Int(4));
  m.mass_g = s.Int(5);
  m.packaging = s.Text(6);
  m.kid = s.Text(7);
  m.token = s.Text(8);
  m.status = s.Text(9);
  m.destination = s.OptText(10);
  m.description = s.OptText(11);
  m.issued_at = s.Int(12);
  m.issued_by = s.Text(13);
  m.updated_at = s.Int(14);
  return m;
}

ManifestEvent ReadEvent(const Stmt& s) {
  ManifestEvent e;
  e.seq = s.Int(0);
  e.event_id = s.Text(1);
  e.manifest_id = s.Text(2);
  e.kind = s.Text(3);
  e.actor = s.Text(4);
  e.device = s.OptText(5);
  e.mass_g = s.OptInt(6);
  e.scanned_at = s.OptInt(7);
  e.received_at = s.Int(8);
  e.facility = s.OptText(9);
  e.vehicle = s.OptText(10);
  e.lat = s.OptDouble(11);
  e.lon = s.OptDouble(12);
  e.method = s.OptText(13);
  e.note = s.OptText(14);
  e.content_sha256 = s.Text(15);
  e.reason = s.OptText(16);
  return e;
}

// The statements built from the column lists, composed once: Txn::Prepare looks statements up
// by their text, and the hot paths should not rebuild it per call.
const std::string& InsertManifestSql() {
  static const std::string sql = std::string("INSERT INTO manifests (") + kManifestColumns +
                                 ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  return sql;
}
const std::string& FindManifestSql() {
  static const std::string sql =
      std::string("SELECT ") + kManifestColumns + " FROM manifests WHERE id = ?";
  return sql;
}
const std::string& ListEventsSql() {
  static const std::string sql = std::string("SELECT ") + kEventColumns +
                                 " FROM manifest_events WHERE manifest_id = ? ORDER BY seq";
  return sql;
}
const std::string& FindEventSql() {
  static const std::string sql =
      std::string("SELECT ") + kEventColumns + " FROM manifest_events WHERE event_id = ?";
  return sql;
}

bool IsDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// "YYYY-MM" with a month 01..12.
bool ValidMonth(const std::string& month) {
  if (month.size() != 7 || month[4] != '-') return false;
  if (!IsDigits(month.substr(0, 4)) || !IsDigits(month.substr(5, 2))) return false;
  int mm = std::stoi(month.substr(5, 2));
  return mm >= 1 && mm <= 12;
}

}  // namespace

Result<int> AllocateSerials(Txn& txn, const std::string& producer,
                            const std::string& waste_code_digits, const std::string& day,
                            int count) {
  if (count < 1) return Status("INVALID_FIELD", "serial count must be at least 1");
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt find, txn.Prepare("SELECT last_serial FROM serials WHERE producer = ? AND "
                             "waste_code = ? AND day = ?"));
  find.Bind(1, producer).Bind(2, waste_code_digits).Bind(3, day);
  CRADLE_STORE_ASSIGN_OR_RETURN(bool row, find.Step());
  int last = row ? static_cast<int>(find.Int(0)) : 0;
  if (count > kMaxSerial - last) {
    return Status("SERIALS_EXHAUSTED", std::to_string(kMaxSerial - last) + " serials left for " +
                                           producer + "/" + waste_code_digits + "/" + day + ", " +
                                           std::to_string(count) + " asked");
  }
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt upsert, txn.Prepare("INSERT INTO serials (producer, waste_code, day, last_serial) "
                               "VALUES (?, ?, ?, ?) ON CONFLICT (producer, waste_code, day) "
                               "DO UPDATE SET last_serial = excluded.last_serial"));
  upsert.Bind(1, producer).Bind(2, waste_code_digits).Bind(3, day).Bind(4, last + count);
  CRADLE_STORE_RETURN_IF_ERROR(upsert.Run());
  return last + 1;
}

Status InsertManifest(Txn& txn, const Manifest& m) {
  const int64_t now = txn.clock().NowMicros();
  return InsertManifestWithTimes(txn, m, now, now);
}

Status InsertManifestWithTimes(Txn& txn, const Manifest& m, int64_t issued_at, int64_t updated_at) {
  CRADLE_STORE_ASSIGN_OR_RETURN(Stmt stmt, txn.Prepare(InsertManifestSql()));
  stmt.Bind(1, m.id)
      .Bind(2, m.producer)
      .Bind(3, m.waste_code)
      .Bind(4, m.produced_on)
      .Bind(5, m.serial)
      .Bind(6, m.mass_g)
      .Bind(7, m.packaging)
      .Bind(8, m.kid)
      .Bind(9, m.token)
      .Bind(10, m.status)
      .Bind(11, m.destination)
      .Bind(12, m.description)
      .Bind(13, issued_at)
      .Bind(14, m.issued_by)
      .Bind(15, updated_at);
  Status s = stmt.Run();
  if (s.ok()) return s;  // the message is built only on failure
  return internal::Rename(std::move(s), "CONFLICT", "manifest " + m.id + " exists");
}

Result<Manifest> FindManifest(Txn& txn, const std::string& id) {
  CRADLE_STORE_ASSIGN_OR_RETURN(Stmt stmt, txn.Prepare(FindManifestSql()));
  stmt.Bind(1, id);
  CRADLE_STORE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return Status("NOT_FOUND", "no manifest " + id);
  return ReadManifest(stmt);
}

Result<Page<Manifest>> ListManifests(Txn& txn, const ManifestFilter& filter,
                                     const std::optional<std::string>& after, int limit) {
  limit = internal::ClampLimit(limit);
  if (filter.month && !ValidMonth(*filter.month)) {
    return Status("INVALID_FIELD", "month must be YYYY-MM");
  }
  // Only the filters given appear in the SQL, so the planner can pick the matching index.
  std::string sql = std::string("SELECT ") + kManifestColumns + " FROM manifests WHERE 1";
  if (filter.producer) sql += " AND producer = :producer";
  if (filter.status) sql += " AND status = :status";
  if (filter.month) sql += " AND produced_on BETWEEN :first AND :last";
  // A digital id holds its produced_on date (YYYYMMDD at offset 26), so the id alone is a
  // complete cursor for both orders.
  std::string after_day;
  if (after && filter.newest_first) {
    if (after->size() != 37) return Status("INVALID_FIELD", "not a cursor: " + *after);
    after_day = after->substr(26, 4) + "-" + after->substr(30, 2) + "-" + after->substr(32, 2);
    sql += " AND (produced_on < :day OR (produced_on = :day AND id < :after))";
  } else if (after) {
    sql += " AND id > :after";
  }
  sql += filter.newest_first ? " ORDER BY produced_on DESC, id DESC LIMIT :limit"
                             : " ORDER BY id LIMIT :limit";
  CRADLE_STORE_ASSIGN_OR_RETURN(Stmt stmt, txn.Prepare(sql));
  int i = 1;
  if (filter.producer) stmt.Bind(i++, *filter.producer);
  if (filter.status) stmt.Bind(i++, *filter.status);
  if (filter.month) {
    stmt.Bind(i++, *filter.month + "-01");
    stmt.Bind(i++, *filter.month + "-31");
  }
  if (after && filter.newest_first) stmt.Bind(i++, after_day);  // :day, used twice: one index
  if (after) stmt.Bind(i++, *after);
  stmt.Bind(i, limit + 1);
  return internal::ReadPage<Manifest, std::string>(
      stmt, limit, [](Stmt& row) { return ReadManifest(row); },
      [](const Manifest& item) { return item.id; });
}

Status UpdateManifestStatus(Txn& txn, const std::string& id, const std::string& expected,
                            const std::string& next) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt stmt, txn.Prepare("UPDATE manifests SET status = ?, updated_at = ? WHERE id = ? AND "
                             "status = ?"));
  stmt.Bind(1, next).Bind(2, txn.clock().NowMicros()).Bind(3, id).Bind(4, expected);
  CRADLE_STORE_RETURN_IF_ERROR(stmt.Run());
  if (txn.Changes() == 1) return Status::Ok();
  CRADLE_STORE_ASSIGN_OR_RETURN(Stmt probe,
                                txn.Prepare("SELECT status FROM manifests WHERE id = ?"));
  probe.Bind(1, id);
  CRADLE_STORE_ASSIGN_OR_RETURN(bool row, probe.Step());
  if (!row) return Status("NOT_FOUND", "no manifest " + id);
  return Status("CONFLICT", "manifest " + id + " is " + probe.Text(0) + ", not " + expected);
}

Result<int64_t> InsertEvent(Txn& txn, const ManifestEvent& e) {
  return InsertEventReceivedAt(txn, e, txn.clock().NowMicros());
}

Result<int64_t> InsertEventReceivedAt(Txn& txn, const ManifestEvent& e, int64_t received_at) {
  // Insert first and look at the stored event only when event_id's UNIQUE constraint objects:
  // the common (new event) case costs one statement, not a probe plus an insert.
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt stmt, txn.Prepare("INSERT INTO manifest_events (event_id, manifest_id, kind, actor, "
                             "device, mass_g, scanned_at, received_at, facility, vehicle, lat, "
                             "lon, method, note, content_sha256, reason) VALUES (?, ?, ?, ?, ?, "
                             "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  stmt.Bind(1, e.event_id)
      .Bind(2, e.manifest_id)
      .Bind(3, e.kind)
      .Bind(4, e.actor)
      .Bind(5, e.device)
      .Bind(6, e.mass_g)
      .Bind(7, e.scanned_at)
      .Bind(8, received_at)
      .Bind(9, e.facility)
      .Bind(10, e.vehicle)
      .Bind(11, e.lat)
      .Bind(12, e.lon)
      .Bind(13, e.method)
      .Bind(14, e.note)
      .Bind(15, e.content_sha256)
      .Bind(16, e.reason);
  Status inserted = stmt.Run();
  if (inserted.ok()) return txn.LastInsertRowId();
  if (inserted.code() != "CONFLICT") return inserted;
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt existing,
      txn.Prepare("SELECT seq, content_sha256 FROM manifest_events WHERE event_id = ?"));
  existing.Bind(1, e.event_id);
  CRADLE_STORE_ASSIGN_OR_RETURN(bool row, existing.Step());
  if (!row) return inserted;  // some other constraint
  if (existing.Text(1) == e.content_sha256) {
    return Status("DUPLICATE", "event " + e.event_id + " was stored before (seq " +
                                   std::to_string(existing.Int(0)) + ")");
  }
  return Status("CONFLICT", "event " + e.event_id + " was stored before with other content");
}

Result<std::vector<ManifestEvent>> ListEvents(Txn& txn, const std::string& manifest_id) {
  CRADLE_STORE_ASSIGN_OR_RETURN(Stmt stmt, txn.Prepare(ListEventsSql()));
  stmt.Bind(1, manifest_id);
  std::vector<ManifestEvent> out;
  while (true) {
    CRADLE_STORE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    out.push_back(ReadEvent(stmt));
  }
  return out;
}

Result<ManifestEvent> FindEventById(Txn& txn, const std::string& event_id) {
  CRADLE_STORE_ASSIGN_OR_RETURN(Stmt stmt, txn.Prepare(FindEventSql()));
  stmt.Bind(1, event_id);
  CRADLE_STORE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return Status("NOT_FOUND", "no event " + event_id);
  return ReadEvent(stmt);
}

Result<Page<VoidedManifest, int64_t>> ListVoidedSince(Txn& txn, int64_t after, int limit) {
  limit = internal::ClampLimit(limit);
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt stmt, txn.Prepare("SELECT seq, manifest_id, received_at FROM manifest_events "
                             "WHERE kind = 'void' AND seq > ? ORDER BY seq LIMIT ?"));
  stmt.Bind(1, after).Bind(2, limit + 1);
  return internal::ReadPage<VoidedManifest, int64_t>(
      stmt, limit,
      [](Stmt& row) {
        return VoidedManifest{row.Int(0), row.Text(1), row.Int(2)};
      },
      [](const VoidedManifest& item) { return item.seq; });
}

}  // namespace cradle::store
