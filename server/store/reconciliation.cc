#include "server/store/reconciliation.h"

#include "core/domain_types.h"

#include "core/civil_time.h"
#include "server/store/manifests.h"
#include "server/store/sqlite_util.h"

namespace cradle::store {
namespace {

// What one event adds to the roll-ups.
struct EventFact {
  std::string month;
  std::string kind;
  std::string manifest_id;
  std::string producer;
  int64_t declared_g = 0;
  std::optional<int64_t> measured_g;
  std::optional<std::string> facility;
  std::string actor;
};

// Adds (count, grams, grams2) to the named producer columns; the column names are constants.
Status AddProducer(Txn& txn, const EventFact& f) {
  const char* sql = nullptr;
  int64_t a = 1, b = 0;
  const int64_t measured = f.measured_g.value_or(0);
  if (Is(f.kind, EventKind::kVoid)) {
    sql =
        "INSERT INTO recon_producer_month (month, producer, voided) VALUES (?1, ?2, 1) "
        "ON CONFLICT (month, producer) DO UPDATE SET voided = voided + 1";
  } else if (Is(f.kind, EventKind::kPickup)) {
    sql =
        "INSERT INTO recon_producer_month (month, producer, collected, collected_measured_g) "
        "VALUES (?1, ?2, 1, ?3) ON CONFLICT (month, producer) DO UPDATE SET "
        "collected = collected + 1, collected_measured_g = collected_measured_g + ?3";
    a = measured;
  } else if (Is(f.kind, EventKind::kReceive)) {
    sql =
        "INSERT INTO recon_producer_month (month, producer, received, received_declared_g, "
        "received_measured_g) VALUES (?1, ?2, 1, ?4, ?3) ON CONFLICT (month, producer) DO "
        "UPDATE SET received = received + 1, received_declared_g = received_declared_g + ?4, "
        "received_measured_g = received_measured_g + ?3";
    a = measured;
    b = f.declared_g;
  } else if (Is(f.kind, EventKind::kDispose)) {
    sql =
        "INSERT INTO recon_producer_month (month, producer, disposed) VALUES (?1, ?2, 1) "
        "ON CONFLICT (month, producer) DO UPDATE SET disposed = disposed + 1";
  } else if (Is(f.kind, EventKind::kReject)) {
    sql =
        "INSERT INTO recon_producer_month (month, producer, rejected) VALUES (?1, ?2, 1) "
        "ON CONFLICT (month, producer) DO UPDATE SET rejected = rejected + 1";
  } else {
    return Status();  // issue events: counted by RollupIssue
  }
  CRADLE_STORE_ASSIGN_OR_RETURN(Stmt s, txn.Prepare(sql));
  s.Bind(1, f.month).Bind(2, f.producer);
  if (Is(f.kind, EventKind::kPickup) || Is(f.kind, EventKind::kReceive)) s.Bind(3, a);
  if (Is(f.kind, EventKind::kReceive)) s.Bind(4, b);
  return s.Run();
}

Status AddFacility(Txn& txn, const EventFact& f) {
  if (!f.facility || (!Is(f.kind, EventKind::kReceive) && !Is(f.kind, EventKind::kDispose)))
    return Status();
  const char* sql =
      Is(f.kind, EventKind::kReceive)
          ? "INSERT INTO recon_facility_month (month, facility, received, received_g) VALUES "
            "(?1, ?2, 1, ?3) ON CONFLICT (month, facility) DO UPDATE SET received = received + "
            "1, received_g = received_g + ?3"
          : "INSERT INTO recon_facility_month (month, facility, disposed) VALUES (?1, ?2, 1) "
            "ON CONFLICT (month, facility) DO UPDATE SET disposed = disposed + 1";
  CRADLE_STORE_ASSIGN_OR_RETURN(Stmt s, txn.Prepare(sql));
  s.Bind(1, f.month).Bind(2, *f.facility);
  if (Is(f.kind, EventKind::kReceive)) s.Bind(3, f.measured_g.value_or(0));
  return s.Run();
}

// A pickup of a member's manifest by the collector of one of the member's programmes.
Status AddProgramme(Txn& txn, const EventFact& f) {
  if (!Is(f.kind, EventKind::kPickup)) return Status();
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt find, txn.Prepare("SELECT p.id FROM programme_members pm JOIN programmes p ON p.id = "
                             "pm.programme_id WHERE pm.member = ? AND p.collector = ?"));
  find.Bind(1, f.producer).Bind(2, f.actor);
  std::vector<std::string> programmes;
  while (true) {
    CRADLE_STORE_ASSIGN_OR_RETURN(bool row, find.Step());
    if (!row) break;
    programmes.push_back(find.Text(0));
  }
  for (const auto& prog : programmes) {
    CRADLE_STORE_ASSIGN_OR_RETURN(
        Stmt add,
        txn.Prepare("INSERT INTO recon_programme_month (month, programme, pickups, "
                    "collected_g) VALUES (?1, ?2, 1, ?3) ON CONFLICT (month, programme) "
                    "DO UPDATE SET pickups = pickups + 1, collected_g = collected_g + ?3"));
    add.Bind(1, f.month).Bind(2, prog).Bind(3, f.measured_g.value_or(0));
    CRADLE_STORE_RETURN_IF_ERROR(add.Run());
    CRADLE_STORE_ASSIGN_OR_RETURN(Stmt member,
                                  txn.Prepare("INSERT OR IGNORE INTO recon_programme_member_month "
                                              "(programme, month, member) VALUES (?, ?, ?)"));
    member.Bind(1, prog).Bind(2, f.month).Bind(3, f.producer);
    CRADLE_STORE_RETURN_IF_ERROR(member.Run());
  }
  return Status();
}

Status ApplyEvent(Txn& txn, const EventFact& f) {
  CRADLE_STORE_RETURN_IF_ERROR(AddProducer(txn, f));
  CRADLE_STORE_RETURN_IF_ERROR(AddFacility(txn, f));
  return AddProgramme(txn, f);
}

Status ApplyIssue(Txn& txn, const std::string& month, const std::string& producer,
                  int64_t declared_g) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt s, txn.Prepare("INSERT INTO recon_producer_month (month, producer, issued, "
                          "issued_declared_g) VALUES (?1, ?2, 1, ?3) ON CONFLICT (month, "
                          "producer) DO UPDATE SET issued = issued + 1, issued_declared_g = "
                          "issued_declared_g + ?3"));
  s.Bind(1, month).Bind(2, producer).Bind(3, declared_g);
  return s.Run();
}

std::string YearStart(const std::string& month) { return month.substr(0, 4) + "-01"; }

}  // namespace

Status RollupIssue(Txn& txn, const std::string& manifest_id, int tz) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt s, txn.Prepare("SELECT producer, mass_g, issued_at FROM manifests WHERE id = ?"));
  s.Bind(1, manifest_id);
  CRADLE_STORE_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return Status("NOT_FOUND", "no manifest " + manifest_id);
  const std::string producer = s.Text(0);
  const int64_t mass = s.Int(1);
  const std::string month = MonthKey(s.Int(2), tz);
  s.Reset();
  return ApplyIssue(txn, month, producer, mass);
}

Status RollupEvent(Txn& txn, int64_t seq, int tz) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt s, txn.Prepare("SELECT e.kind, e.manifest_id, e.actor, e.mass_g, e.facility, "
                          "e.received_at, m.producer, m.mass_g FROM manifest_events e JOIN "
                          "manifests m ON m.id = e.manifest_id WHERE e.seq = ?"));
  s.Bind(1, seq);
  CRADLE_STORE_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return Status("NOT_FOUND", "no event " + std::to_string(seq));
  EventFact f;
  f.kind = s.Text(0);
  f.manifest_id = s.Text(1);
  f.actor = s.Text(2);
  f.measured_g = s.OptInt(3);
  f.facility = s.OptText(4);
  f.month = MonthKey(s.Int(5), tz);
  f.producer = s.Text(6);
  f.declared_g = s.Int(7);
  s.Reset();
  return ApplyEvent(txn, f);
}

Status InsertManifestAt(Txn& txn, const Manifest& m, int tz) {
  CRADLE_STORE_RETURN_IF_ERROR(
      InsertManifestWithTimes(txn, m, m.issued_at, m.updated_at ? m.updated_at : m.issued_at));
  return ApplyIssue(txn, MonthKey(m.issued_at, tz), m.producer, m.mass_g);
}

Result<int64_t> InsertEventAt(Txn& txn, const ManifestEvent& e, int tz) {
  CRADLE_STORE_ASSIGN_OR_RETURN(const int64_t seq, InsertEventReceivedAt(txn, e, e.received_at));
  CRADLE_STORE_RETURN_IF_ERROR(RollupEvent(txn, seq, tz));
  return seq;
}

Result<std::vector<ProducerRollup>> ProducerRollups(Txn& txn, const std::string& month) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt s,
      txn.Prepare(
          "SELECT producer, "
          "sum(CASE WHEN month = ?1 THEN issued ELSE 0 END), "
          "sum(CASE WHEN month = ?1 THEN issued_declared_g ELSE 0 END), "
          "sum(CASE WHEN month = ?1 THEN voided ELSE 0 END), "
          "sum(CASE WHEN month = ?1 THEN collected ELSE 0 END), "
          "sum(CASE WHEN month = ?1 THEN collected_measured_g ELSE 0 END), "
          "sum(CASE WHEN month = ?1 THEN received ELSE 0 END), "
          "sum(CASE WHEN month = ?1 THEN received_declared_g ELSE 0 END), "
          "sum(CASE WHEN month = ?1 THEN received_measured_g ELSE 0 END), "
          "sum(CASE WHEN month = ?1 THEN disposed ELSE 0 END), "
          "sum(CASE WHEN month = ?1 THEN rejected ELSE 0 END), "
          "sum(issued - voided - received), max(month = ?1) "
          "FROM recon_producer_month WHERE month <= ?1 GROUP BY producer ORDER BY producer"));
  s.Bind(1, month);
  std::vector<ProducerRollup> out;
  while (true) {
    CRADLE_STORE_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    ProducerRollup r;
    r.producer = s.Text(0);
    r.issued = s.Int(1);
    r.issued_declared_g = s.Int(2);
    r.voided = s.Int(3);
    r.collected = s.Int(4);
    r.collected_measured_g = s.Int(5);
    r.received = s.Int(6);
    r.received_declared_g = s.Int(7);
    r.received_measured_g = s.Int(8);
    r.disposed = s.Int(9);
    r.rejected = s.Int(10);
    r.outstanding = s.Int(11);
    if (s.Int(12) == 0 && r.outstanding == 0) continue;  // nothing this month, nothing pending
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<FacilityRollup>> FacilityRollups(Txn& txn, const std::string& month) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt s, txn.Prepare("SELECT facility, "
                          "sum(CASE WHEN month = ?1 THEN received ELSE 0 END), "
                          "sum(CASE WHEN month = ?1 THEN received_g ELSE 0 END), "
                          "sum(CASE WHEN month = ?1 THEN disposed ELSE 0 END), "
                          "sum(received_g), sum(CASE WHEN month >= ?2 THEN received_g ELSE 0 END) "
                          "FROM recon_facility_month WHERE month <= ?1 GROUP BY facility "
                          "ORDER BY facility"));
  s.Bind(1, month).Bind(2, YearStart(month));
  std::vector<FacilityRollup> out;
  while (true) {
    CRADLE_STORE_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    FacilityRollup r;
    r.facility = s.Text(0);
    r.received = s.Int(1);
    r.received_g = s.Int(2);
    r.disposed = s.Int(3);
    r.cumulative_g = s.Int(4);
    r.ytd_g = s.Int(5);
    out.push_back(std::move(r));
  }
  return out;
}

Result<int64_t> FacilityReceivedGrams(Txn& txn, const std::string& facility,
                                      const std::string& first, const std::string& last) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt s, txn.Prepare("SELECT coalesce(sum(received_g), 0) FROM recon_facility_month WHERE "
                          "facility = ? AND month BETWEEN ? AND ?"));
  s.Bind(1, facility).Bind(2, first).Bind(3, last);
  CRADLE_STORE_ASSIGN_OR_RETURN(bool row, s.Step());
  return row ? s.Int(0) : 0;
}

Result<std::vector<MonthGrams>> FacilityMonthlyGrams(Txn& txn, const std::string& facility) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt s, txn.Prepare("SELECT month, received_g FROM recon_facility_month WHERE facility = ? "
                          "ORDER BY month"));
  s.Bind(1, facility);
  std::vector<MonthGrams> out;
  while (true) {
    CRADLE_STORE_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back({s.Text(0), s.Int(1)});
  }
  return out;
}

Result<std::vector<ProgrammeRollup>> ProgrammeRollups(Txn& txn, const std::string& month) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt s,
      txn.Prepare("SELECT programme, sum(CASE WHEN month = ?1 THEN pickups ELSE 0 END), "
                  "sum(CASE WHEN month = ?1 THEN collected_g ELSE 0 END), sum(collected_g), "
                  "(SELECT count(*) FROM recon_programme_member_month m WHERE m.programme = "
                  "r.programme AND m.month = ?1), "
                  "(SELECT count(DISTINCT member) FROM recon_programme_member_month m WHERE "
                  "m.programme = r.programme AND m.month BETWEEN ?2 AND ?1) "
                  "FROM recon_programme_month r WHERE month BETWEEN ?2 AND ?1 "
                  "GROUP BY programme ORDER BY programme"));
  s.Bind(1, month).Bind(2, YearStart(month));
  std::vector<ProgrammeRollup> out;
  while (true) {
    CRADLE_STORE_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    ProgrammeRollup r;
    r.programme = s.Text(0);
    r.pickups = s.Int(1);
    r.collected_g = s.Int(2);
    r.ytd_collected_g = s.Int(3);
    r.served_month = s.Int(4);
    r.served_year = s.Int(5);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace cradle::store
