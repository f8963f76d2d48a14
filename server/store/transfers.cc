#include "server/store/transfers.h"

#include "core/civil_time.h"
#include "core/transfer_number.h"
#include "server/store/paging.h"
#include "server/store/sqlite_util.h"

namespace cradle::store {
namespace {

constexpr const char* kTransferCols =
    "id, sender, carrier, receiver, receiver_org, vehicle, driver_name, driver_licence, purpose, "
    "planned_on, status, ad_hoc, trip_day, return_of, created_at, created_by, submitted_at, "
    "sender_signed_at, carrier_signed_at, delivered_at, receipt_due, receiver_signed_at, "
    "cancelled_at, cancel_reason, receipt_note, weighbridge_g, version, updated_at";

Transfer ReadTransfer(const Stmt& s) {
  Transfer t;
  t.id = s.Text(0);
  t.sender = s.Text(1);
  t.carrier = s.Text(2);
  t.receiver = s.OptText(3);
  t.receiver_org = s.OptText(4);
  t.vehicle = s.Text(5);
  t.driver_name = s.OptText(6);
  t.driver_licence = s.OptText(7);
  t.purpose = s.Text(8);
  t.planned_on = s.OptText(9);
  t.status = s.Text(10);
  t.ad_hoc = s.Int(11) != 0;
  t.trip_day = s.OptText(12);
  t.return_of = s.OptText(13);
  t.created_at = s.Int(14);
  t.created_by = s.Text(15);
  t.submitted_at = s.OptInt(16);
  t.sender_signed_at = s.OptInt(17);
  t.carrier_signed_at = s.OptInt(18);
  t.delivered_at = s.OptInt(19);
  t.receipt_due = s.OptText(20);
  t.receiver_signed_at = s.OptInt(21);
  t.cancelled_at = s.OptInt(22);
  t.cancel_reason = s.OptText(23);
  t.receipt_note = s.OptText(24);
  t.weighbridge_g = s.OptInt(25);
  t.version = s.Int(26);
  t.updated_at = s.Int(27);
  return t;
}

// Binds columns 2.. (everything but id) starting at parameter `first`.
void BindMutable(Stmt& s, const Transfer& t, int first) {
  const int i = first;
  s.Bind(i, t.sender).Bind(i + 1, t.carrier).Bind(i + 2, t.receiver).Bind(i + 3, t.receiver_org);
  s.Bind(i + 4, t.vehicle).Bind(i + 5, t.driver_name).Bind(i + 6, t.driver_licence);
  s.Bind(i + 7, t.purpose).Bind(i + 8, t.planned_on).Bind(i + 9, t.status);
  s.Bind(i + 10, static_cast<int64_t>(t.ad_hoc ? 1 : 0)).Bind(i + 11, t.trip_day);
  s.Bind(i + 12, t.return_of).Bind(i + 13, t.created_at).Bind(i + 14, t.created_by);
  s.Bind(i + 15, t.submitted_at).Bind(i + 16, t.sender_signed_at);
  s.Bind(i + 17, t.carrier_signed_at).Bind(i + 18, t.delivered_at).Bind(i + 19, t.receipt_due);
  s.Bind(i + 20, t.receiver_signed_at).Bind(i + 21, t.cancelled_at);
  s.Bind(i + 22, t.cancel_reason).Bind(i + 23, t.receipt_note).Bind(i + 24, t.weighbridge_g);
  s.Bind(i + 25, t.version).Bind(i + 26, t.updated_at);
}

constexpr const char* kContainerCols =
    "transfer_id, manifest_id, status, declared_g, waste_code, packaging, pickup_g, received_g, "
    "apportioned, refusal_reason, refused_g, updated_at";

TransferContainer ReadContainer(const Stmt& s) {
  TransferContainer c;
  c.transfer_id = s.Text(0);
  c.manifest_id = s.Text(1);
  c.status = s.Text(2);
  c.declared_g = s.Int(3);
  c.waste_code = s.Text(4);
  c.packaging = s.Text(5);
  c.pickup_g = s.OptInt(6);
  c.received_g = s.OptInt(7);
  c.apportioned = s.Int(8) != 0;
  c.refusal_reason = s.OptText(9);
  c.refused_g = s.OptInt(10);
  c.updated_at = s.Int(11);
  return c;
}

Result<std::vector<Transfer>> Transfers(Txn& txn, const std::string& where,
                                        const std::optional<std::string>& arg) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt s, txn.Prepare(std::string("SELECT ") + kTransferCols + " FROM transfers WHERE " +
                          where + " ORDER BY id"));
  if (arg) s.Bind(1, *arg);
  std::vector<Transfer> out;
  while (true) {
    CRADLE_STORE_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(ReadTransfer(s));
  }
  return out;
}

TransferRevision ReadRevision(const Stmt& s) {
  TransferRevision r;
  r.id = s.Int(0);
  r.transfer_id = s.Text(1);
  r.base_version = s.Int(2);
  r.proposed_by = s.Text(3);
  r.proposed_actor = s.Text(4);
  r.changes = s.Text(5);
  r.reason = s.Text(6);
  r.status = s.Text(7);
  auto parties = internal::DecodeStringArray(s.Text(8));
  if (parties.ok()) r.parties = std::move(*parties);
  r.before = s.OptText(9);
  r.created_at = s.Int(10);
  r.decided_at = s.OptInt(11);
  return r;
}

constexpr const char* kRevisionCols =
    "id, transfer_id, base_version, proposed_by, proposed_actor, changes, reason, status, "
    "parties, before, created_at, decided_at";

Status LoadVotes(Txn& txn, TransferRevision& r) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt s, txn.Prepare("SELECT revision_id, party, decision, actor, note, at FROM "
                          "transfer_revision_votes WHERE revision_id = ? ORDER BY at, party"));
  s.Bind(1, r.id);
  r.votes.clear();
  while (true) {
    CRADLE_STORE_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    r.votes.push_back({s.Int(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Int(5)});
  }
  return Status();
}

}  // namespace

Result<int> AllocateTransferSerial(Txn& txn, const std::string& prefix) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt s, txn.Prepare("INSERT INTO transfer_serials (prefix, last_serial) VALUES (?1, 1) "
                          "ON CONFLICT (prefix) DO UPDATE SET last_serial = last_serial + 1 "
                          "WHERE last_serial < ?2 RETURNING last_serial"));
  s.Bind(1, prefix).Bind(2, static_cast<int64_t>(kTransferSerialMax));
  CRADLE_STORE_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) {
    return Status("SERIALS_EXHAUSTED", "no transfer serial left for " + prefix + " this year");
  }
  const int serial = static_cast<int>(s.Int(0));
  CRADLE_STORE_ASSIGN_OR_RETURN(bool more, s.Step());
  (void)more;
  return serial;
}

Status InsertTransfer(Txn& txn, const Transfer& t) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt s, txn.Prepare(std::string("INSERT INTO transfers (") + kTransferCols +
                          ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
                          "?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, "
                          "?28)"));
  s.Bind(1, t.id);
  BindMutable(s, t, 2);
  return s.Run();
}

Status UpdateTransfer(Txn& txn, const Transfer& t, const std::string& expected_status) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt s,
      txn.Prepare("UPDATE transfers SET sender = ?2, carrier = ?3, receiver = ?4, receiver_org = "
                  "?5, vehicle = ?6, driver_name = ?7, driver_licence = ?8, purpose = ?9, "
                  "planned_on = ?10, status = ?11, ad_hoc = ?12, trip_day = ?13, return_of = ?14, "
                  "created_at = ?15, created_by = ?16, submitted_at = ?17, sender_signed_at = "
                  "?18, carrier_signed_at = ?19, delivered_at = ?20, receipt_due = ?21, "
                  "receiver_signed_at = ?22, cancelled_at = ?23, cancel_reason = ?24, "
                  "receipt_note = ?25, weighbridge_g = ?26, version = ?27, updated_at = ?28 "
                  "WHERE id = ?1 AND status = ?29"));
  s.Bind(1, t.id);
  BindMutable(s, t, 2);
  s.Bind(29, expected_status);
  CRADLE_STORE_RETURN_IF_ERROR(s.Run());
  if (txn.Changes() == 1) return Status();
  auto found = FindTransfer(txn, t.id);
  if (!found.ok()) return found.status();
  return Status("CONFLICT", "transfer " + t.id + " is " + found->status + " now");
}

Result<Transfer> FindTransfer(Txn& txn, const std::string& id) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt s, txn.Prepare(std::string("SELECT ") + kTransferCols + " FROM transfers WHERE id = ?"));
  s.Bind(1, id);
  CRADLE_STORE_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return Status("NOT_FOUND", "no transfer " + id);
  return ReadTransfer(s);
}

Status PutTransferContainer(Txn& txn, const TransferContainer& c) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt s,
      txn.Prepare(std::string("INSERT INTO transfer_containers (") + kContainerCols +
                  ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) ON CONFLICT "
                  "(transfer_id, manifest_id) DO UPDATE SET status = ?3, declared_g = ?4, "
                  "waste_code = ?5, packaging = ?6, pickup_g = ?7, received_g = ?8, apportioned "
                  "= ?9, refusal_reason = ?10, refused_g = ?11, updated_at = ?12"));
  s.Bind(1, c.transfer_id).Bind(2, c.manifest_id).Bind(3, c.status).Bind(4, c.declared_g);
  s.Bind(5, c.waste_code).Bind(6, c.packaging).Bind(7, c.pickup_g).Bind(8, c.received_g);
  s.Bind(9, static_cast<int64_t>(c.apportioned ? 1 : 0)).Bind(10, c.refusal_reason);
  s.Bind(11, c.refused_g).Bind(12, c.updated_at);
  return s.Run();
}

Result<std::vector<TransferContainer>> ListTransferContainers(Txn& txn, const std::string& id) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt s, txn.Prepare(std::string("SELECT ") + kContainerCols +
                          " FROM transfer_containers WHERE transfer_id = ? ORDER BY manifest_id"));
  s.Bind(1, id);
  std::vector<TransferContainer> out;
  while (true) {
    CRADLE_STORE_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(ReadContainer(s));
  }
  return out;
}

Result<std::optional<TransferContainer>> FindTransferContainer(Txn& txn,
                                                               const std::string& transfer_id,
                                                               const std::string& manifest_id) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt s, txn.Prepare(std::string("SELECT ") + kContainerCols +
                          " FROM transfer_containers WHERE transfer_id = ? AND manifest_id = ?"));
  s.Bind(1, transfer_id).Bind(2, manifest_id);
  CRADLE_STORE_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<TransferContainer>();
  return std::optional<TransferContainer>(ReadContainer(s));
}

Result<Custody> FindCustody(Txn& txn, const std::string& manifest_id) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt s, txn.Prepare("SELECT open_transfer, holder_facility FROM manifests WHERE id = ?"));
  s.Bind(1, manifest_id);
  CRADLE_STORE_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return Status("NOT_FOUND", "no manifest " + manifest_id);
  return Custody{s.OptText(0), s.OptText(1)};
}

Status SetOpenTransfer(Txn& txn, const std::string& manifest_id,
                       const std::optional<std::string>& transfer_id) {
  CRADLE_STORE_ASSIGN_OR_RETURN(Stmt s,
                                txn.Prepare("UPDATE manifests SET open_transfer = ? WHERE id = ?"));
  s.Bind(1, transfer_id).Bind(2, manifest_id);
  return s.Run();
}

Status SetHolderFacility(Txn& txn, const std::string& manifest_id,
                         const std::optional<std::string>& facility) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt s, txn.Prepare("UPDATE manifests SET holder_facility = ? WHERE id = ?"));
  s.Bind(1, facility).Bind(2, manifest_id);
  return s.Run();
}

Result<std::optional<std::string>> FindAdHocTrip(Txn& txn, const std::string& carrier,
                                                 const std::string& sender,
                                                 const std::string& vehicle,
                                                 const std::string& day) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt s, txn.Prepare("SELECT id FROM transfers WHERE ad_hoc = 1 AND carrier = ? AND sender = "
                          "? AND vehicle = ? AND trip_day = ? AND status = 'in_transit' "
                          "ORDER BY id DESC LIMIT 1"));
  s.Bind(1, carrier).Bind(2, sender).Bind(3, vehicle).Bind(4, day);
  CRADLE_STORE_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(s.Text(0));
}

Status InsertDiscrepancy(Txn& txn, const TransferDiscrepancy& d) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt s, txn.Prepare("INSERT INTO transfer_discrepancies (transfer_id, manifest_id, field, "
                          "note, at) VALUES (?, ?, ?, ?, ?)"));
  s.Bind(1, d.transfer_id).Bind(2, d.manifest_id).Bind(3, d.field).Bind(4, d.note);
  s.Bind(5, txn.clock().NowMicros());
  return s.Run();
}

namespace {
Result<std::vector<TransferDiscrepancy>> Discrepancies(Stmt& s) {
  std::vector<TransferDiscrepancy> out;
  while (true) {
    CRADLE_STORE_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back({s.Int(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Int(5)});
  }
  return out;
}
}  // namespace

Result<std::vector<TransferDiscrepancy>> ListDiscrepancies(Txn& txn, const std::string& id) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt s, txn.Prepare("SELECT seq, transfer_id, manifest_id, field, note, at FROM "
                          "transfer_discrepancies WHERE transfer_id = ? ORDER BY seq"));
  s.Bind(1, id);
  return Discrepancies(s);
}

Status AppendTransferLog(Txn& txn, const TransferLogEntry& e) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt s, txn.Prepare("INSERT INTO transfer_log (transfer_id, action, actor, from_status, "
                          "to_status, detail, at) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  s.Bind(1, e.transfer_id).Bind(2, e.action).Bind(3, e.actor).Bind(4, e.from_status);
  s.Bind(5, e.to_status).Bind(6, e.detail).Bind(7, txn.clock().NowMicros());
  return s.Run();
}

Result<std::vector<TransferLogEntry>> ListTransferLog(Txn& txn, const std::string& id) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt s, txn.Prepare("SELECT seq, transfer_id, action, actor, from_status, to_status, "
                          "detail, at FROM transfer_log WHERE transfer_id = ? ORDER BY seq"));
  s.Bind(1, id);
  std::vector<TransferLogEntry> out;
  while (true) {
    CRADLE_STORE_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(
        {s.Int(0), s.Text(1), s.Text(2), s.Text(3), s.OptText(4), s.Text(5), s.Text(6), s.Int(7)});
  }
  return out;
}

Result<int64_t> InsertRevision(Txn& txn, const TransferRevision& r) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt s, txn.Prepare("INSERT INTO transfer_revisions (transfer_id, base_version, "
                          "proposed_by, proposed_actor, changes, reason, status, parties, "
                          "created_at) VALUES (?, ?, ?, ?, ?, ?, 'proposed', ?, ?)"));
  s.Bind(1, r.transfer_id).Bind(2, r.base_version).Bind(3, r.proposed_by);
  s.Bind(4, r.proposed_actor).Bind(5, r.changes).Bind(6, r.reason);
  s.Bind(7, internal::EncodeStringArray(r.parties)).Bind(8, txn.clock().NowMicros());
  CRADLE_STORE_RETURN_IF_ERROR(s.Run());
  return txn.LastInsertRowId();
}

Result<TransferRevision> FindRevision(Txn& txn, int64_t id) {
  CRADLE_STORE_ASSIGN_OR_RETURN(Stmt s, txn.Prepare(std::string("SELECT ") + kRevisionCols +
                                                    " FROM transfer_revisions WHERE id = ?"));
  s.Bind(1, id);
  CRADLE_STORE_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return Status("NOT_FOUND", "no revision " + std::to_string(id));
  TransferRevision r = ReadRevision(s);
  CRADLE_STORE_RETURN_IF_ERROR(LoadVotes(txn, r));
  return r;
}

Result<std::vector<TransferRevision>> ListRevisions(Txn& txn, const std::string& transfer_id) {
  std::vector<TransferRevision> out;
  {
    CRADLE_STORE_ASSIGN_OR_RETURN(
        Stmt s, txn.Prepare(std::string("SELECT ") + kRevisionCols +
                            " FROM transfer_revisions WHERE transfer_id = ? ORDER BY id"));
    s.Bind(1, transfer_id);
    while (true) {
      CRADLE_STORE_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      out.push_back(ReadRevision(s));
    }
  }
  for (auto& r : out) CRADLE_STORE_RETURN_IF_ERROR(LoadVotes(txn, r));
  return out;
}

Status DecideRevision(Txn& txn, int64_t id, const std::string& next,
                      const std::optional<std::string>& before, int64_t at) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt s, txn.Prepare("UPDATE transfer_revisions SET status = ?, before = ?, decided_at = ? "
                          "WHERE id = ? AND status = 'proposed'"));
  s.Bind(1, next).Bind(2, before).Bind(3, at).Bind(4, id);
  CRADLE_STORE_RETURN_IF_ERROR(s.Run());
  if (txn.Changes() != 1) return Status("CONFLICT", "revision " + std::to_string(id) + " decided");
  return Status();
}

Status InsertVote(Txn& txn, const RevisionVote& v) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt s, txn.Prepare("INSERT INTO transfer_revision_votes (revision_id, party, decision, "
                          "actor, note, at) VALUES (?, ?, ?, ?, ?, ?)"));
  s.Bind(1, v.revision_id).Bind(2, v.party).Bind(3, v.decision).Bind(4, v.actor);
  s.Bind(5, v.note).Bind(6, txn.clock().NowMicros());
  return internal::Rename(s.Run(), "CONFLICT", v.party + " has answered this revision already");
}

Result<Page<Transfer>> ListTransfers(Txn& txn, const TransferFilter& f,
                                     const std::optional<std::string>& after, int limit) {
  limit = internal::ClampLimit(limit);
  std::string sql = std::string("SELECT ") + kTransferCols + " FROM transfers WHERE id > ?1";
  if (f.status) sql += " AND status = ?2";
  if (f.party) sql += " AND (sender = ?3 OR carrier = ?3 OR receiver_org = ?3)";
  int64_t from = 0, to = 0;
  if (f.month) {
    auto m = ParseMonthKey(*f.month);
    if (!m.ok()) return Status("INVALID_FIELD", "month: YYYY-MM");
    from = StartOfLocalMonth(*m, f.tz_offset_minutes);
    to = StartOfLocalMonth(NextMonth(*m), f.tz_offset_minutes);
    sql += " AND created_at >= ?4 AND created_at < ?5";
  }
  if (f.overdue_as_of) sql += " AND status = 'delivered' AND receipt_due < ?6";
  sql += " ORDER BY id LIMIT ?7";
  CRADLE_STORE_ASSIGN_OR_RETURN(Stmt s, txn.Prepare(sql));
  s.Bind(1, after.value_or(""));
  if (f.status) s.Bind(2, *f.status);
  if (f.party) s.Bind(3, *f.party);
  if (f.month) s.Bind(4, from).Bind(5, to);
  if (f.overdue_as_of) s.Bind(6, *f.overdue_as_of);
  s.Bind(7, static_cast<int64_t>(limit + 1));
  return internal::ReadPage<Transfer, std::string>(
      s, limit, [](const Stmt& st) { return ReadTransfer(st); },
      [](const Transfer& t) { return t.id; });
}

namespace {
// Leaves out a transfer whose cause has its case of `kind` already.
std::string NoCase(const char* kind) {
  return std::string(" AND NOT EXISTS (SELECT 1 FROM cases k WHERE k.kind = '") + kind +
         "' AND k.subject = transfers.id AND k.threshold = '')";
}
}  // namespace

// The prefilters below are necessary conditions in plain arithmetic (a deadline of n working
// days lies at least n calendar days after its start); the service decides by the calendar.
Result<std::vector<Transfer>> ReceiptOverdueCandidates(Txn& txn, const std::string& day,
                                                       int working_days) {
  return Transfers(txn,
                   "receipt_due < ?1 AND (status = 'delivered' OR (status IN ('received', "
                   "'refused') AND receiver_signed_at > delivered_at + " +
                       std::to_string(working_days * kMicrosPerDay) + "))" +
                       NoCase("receipt_overdue"),
                   day);
}

Result<std::vector<Transfer>> UnsignedAdHocCandidates(Txn& txn, int working_days) {
  return Transfers(txn,
                   "ad_hoc = 1 AND status != 'cancelled' AND (sender_signed_at IS NULL OR "
                   "sender_signed_at > created_at + " +
                       std::to_string(working_days * kMicrosPerDay) + ")" +
                       NoCase("transfer_unsigned"),
                   std::nullopt);
}

Result<std::vector<Transfer>> RefusedNotReturnedCandidates(Txn& txn, int working_days) {
  return Transfers(txn,
                   "status IN ('received', 'refused') AND EXISTS (SELECT 1 FROM "
                   "transfer_containers c WHERE c.transfer_id = transfers.id AND c.status = "
                   "'refused') AND NOT EXISTS (SELECT 1 FROM transfers r WHERE r.return_of = "
                   "transfers.id AND r.status != 'cancelled' AND r.created_at <= "
                   "transfers.receiver_signed_at + " +
                       std::to_string(working_days * kMicrosPerDay) + ")" +
                       NoCase("refused_not_returned"),
                   std::nullopt);
}

Result<std::optional<Transfer>> ReturnOf(Txn& txn, const std::string& transfer_id) {
  auto all = Transfers(txn, "return_of = ?1 AND status != 'cancelled'", transfer_id);
  if (!all.ok()) return all.status();
  if (all->empty()) return std::optional<Transfer>();
  return std::optional<Transfer>(std::move(all->front()));
}

Result<std::vector<Transfer>> ReceiptsWithIssues(Txn& txn) {
  return Transfers(txn,
                   "status IN ('received', 'refused') AND (EXISTS (SELECT 1 FROM "
                   "transfer_discrepancies d WHERE d.transfer_id = transfers.id) OR EXISTS "
                   "(SELECT 1 FROM transfer_containers c WHERE c.transfer_id = transfers.id AND "
                   "c.status = 'refused'))" +
                       NoCase("transfer_discrepancy"),
                   std::nullopt);
}

Result<bool> HasReturn(Txn& txn, const std::string& transfer_id) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt s, txn.Prepare("SELECT 1 FROM transfers WHERE return_of = ? AND status != 'cancelled' "
                          "LIMIT 1"));
  s.Bind(1, transfer_id);
  return s.Step();
}

Status RollupTransfer(Txn& txn, const std::string& month, const std::string& role,
                      const std::string& party, const TransferRollupDelta& d) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt s,
      txn.Prepare("INSERT INTO recon_transfer_month (month, role, party, submitted, delivered, "
                  "received, refused, overdue, refused_g, apportioned_g) VALUES (?1, ?2, ?3, ?4, "
                  "?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT (month, role, party) DO UPDATE SET "
                  "submitted = submitted + ?4, delivered = delivered + ?5, received = received + "
                  "?6, refused = refused + ?7, overdue = overdue + ?8, refused_g = refused_g + ?9, "
                  "apportioned_g = apportioned_g + ?10"));
  s.Bind(1, month).Bind(2, role).Bind(3, party).Bind(4, d.submitted).Bind(5, d.delivered);
  s.Bind(6, d.received).Bind(7, d.refused).Bind(8, d.overdue).Bind(9, d.refused_g);
  s.Bind(10, d.apportioned_g);
  return s.Run();
}

Status RollupTransferParties(Txn& txn, const std::string& month, const Transfer& t,
                             const TransferRollupDelta& d) {
  CRADLE_STORE_RETURN_IF_ERROR(RollupTransfer(txn, month, "producer", t.sender, d));
  CRADLE_STORE_RETURN_IF_ERROR(RollupTransfer(txn, month, "carrier", t.carrier, d));
  if (t.receiver) return RollupTransfer(txn, month, "facility", *t.receiver, d);
  return Status();
}

Result<std::vector<TransferRollup>> TransferRollups(Txn& txn, const std::string& month) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt s, txn.Prepare("SELECT role, party, submitted, delivered, received, refused, overdue, "
                          "refused_g, apportioned_g FROM recon_transfer_month WHERE month = ? "
                          "ORDER BY role, party"));
  s.Bind(1, month);
  std::vector<TransferRollup> out;
  while (true) {
    CRADLE_STORE_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    TransferRollup r;
    r.role = s.Text(0);
    r.party = s.Text(1);
    r.d = {s.Int(2), s.Int(3), s.Int(4), s.Int(5), s.Int(6), s.Int(7), s.Int(8)};
    out.push_back(std::move(r));
  }
  return out;
}

Status RollupApportioned(Txn& txn, const std::string& month, const std::string& producer,
                         const std::string& facility, int64_t grams) {
  {
    CRADLE_STORE_ASSIGN_OR_RETURN(
        Stmt s, txn.Prepare("INSERT INTO recon_producer_month (month, producer, "
                            "received_measured_g) VALUES (?1, ?2, ?3) ON CONFLICT (month, "
                            "producer) DO UPDATE SET received_measured_g = received_measured_g "
                            "+ ?3"));
    s.Bind(1, month).Bind(2, producer).Bind(3, grams);
    CRADLE_STORE_RETURN_IF_ERROR(s.Run());
  }
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt s, txn.Prepare("INSERT INTO recon_facility_month (month, facility, received_g) VALUES "
                          "(?1, ?2, ?3) ON CONFLICT (month, facility) DO UPDATE SET received_g = "
                          "received_g + ?3"));
  s.Bind(1, month).Bind(2, facility).Bind(3, grams);
  return s.Run();
}

}  // namespace cradle::store
