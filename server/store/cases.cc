#include "server/store/cases.h"

#include "server/store/sqlite_util.h"

namespace cradle::store {
namespace {

constexpr char kCaseColumns[] =
    "id, kind, subject, threshold, party, status, detail, opened_at, opened_month, updated_at";

Case ReadCase(const Stmt& s) {
  Case c;
  c.id = s.Int(0);
  c.kind = s.Text(1);
  c.subject = s.Text(2);
  c.threshold = s.Text(3);
  c.party = s.Text(4);
  c.status = s.Text(5);
  c.detail = s.Text(6);
  c.opened_at = s.Int(7);
  c.opened_month = s.Text(8);
  c.updated_at = s.Int(9);
  return c;
}

Status RecordAction(Txn& txn, int64_t id, const std::string& action, const std::string& actor,
                    const std::string& note, const std::optional<std::string>& from,
                    const std::string& to, int64_t at) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt s, txn.Prepare("INSERT INTO case_actions (case_id, action, actor, note, from_status, "
                          "to_status, at) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  s.Bind(1, id).Bind(2, action).Bind(3, actor).Bind(4, note).Bind(5, from).Bind(6, to).Bind(7, at);
  return s.Run();
}

}  // namespace

Result<std::optional<int64_t>> OpenCase(Txn& txn, const Case& c, const std::string& actor) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt s, txn.Prepare("INSERT INTO cases (kind, subject, threshold, party, status, detail, "
                          "opened_at, opened_month, updated_at) VALUES (?, ?, ?, ?, 'open', ?, ?, "
                          "?, ?) ON CONFLICT (kind, subject, threshold) DO NOTHING"));
  const int64_t now = txn.clock().NowMicros();
  s.Bind(1, c.kind)
      .Bind(2, c.subject)
      .Bind(3, c.threshold)
      .Bind(4, c.party)
      .Bind(5, c.detail)
      .Bind(6, c.opened_at)
      .Bind(7, c.opened_month)
      .Bind(8, now);
  CRADLE_STORE_RETURN_IF_ERROR(s.Run());
  if (txn.Changes() == 0) return std::optional<int64_t>();
  const int64_t id = txn.LastInsertRowId();
  CRADLE_STORE_RETURN_IF_ERROR(RecordAction(txn, id, "open", actor, "", std::nullopt, "open", now));
  return std::optional<int64_t>(id);
}

Result<Case> FindCase(Txn& txn, int64_t id) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt s, txn.Prepare(std::string("SELECT ") + kCaseColumns + " FROM cases WHERE id = ?"));
  s.Bind(1, id);
  CRADLE_STORE_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return Status("NOT_FOUND", "no case " + std::to_string(id));
  return ReadCase(s);
}

Status MoveCase(Txn& txn, int64_t id, const std::string& expected, const std::string& next,
                const std::string& action, const std::string& actor, const std::string& note) {
  const int64_t now = txn.clock().NowMicros();
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt s,
      txn.Prepare("UPDATE cases SET status = ?, updated_at = ? WHERE id = ? AND status = ?"));
  s.Bind(1, next).Bind(2, now).Bind(3, id).Bind(4, expected);
  CRADLE_STORE_RETURN_IF_ERROR(s.Run());
  if (txn.Changes() == 0) {
    return Status("CONFLICT", "case " + std::to_string(id) + " is no longer " + expected);
  }
  return RecordAction(txn, id, action, actor, note, expected, next, now);
}

Result<std::vector<CaseAction>> ListCaseActions(Txn& txn, int64_t case_id) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt s, txn.Prepare("SELECT seq, case_id, action, actor, note, from_status, to_status, at "
                          "FROM case_actions WHERE case_id = ? ORDER BY seq"));
  s.Bind(1, case_id);
  std::vector<CaseAction> out;
  while (true) {
    CRADLE_STORE_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    CaseAction a;
    a.seq = s.Int(0);
    a.case_id = s.Int(1);
    a.action = s.Text(2);
    a.actor = s.Text(3);
    a.note = s.Text(4);
    a.from_status = s.OptText(5);
    a.to_status = s.Text(6);
    a.at = s.Int(7);
    out.push_back(std::move(a));
  }
  return out;
}

Result<Page<Case, int64_t>> ListCases(Txn& txn, const CaseFilter& f, int64_t after, int limit) {
  limit = internal::ClampLimit(limit);
  std::string sql = std::string("SELECT ") + kCaseColumns + " FROM cases WHERE id > :after";
  if (f.status) sql += " AND status = :status";
  if (f.kind) sql += " AND kind = :kind";
  if (f.party) sql += " AND party = :party";
  if (f.opened_month) sql += " AND opened_month = :month";
  sql += " ORDER BY id LIMIT :limit";
  CRADLE_STORE_ASSIGN_OR_RETURN(Stmt s, txn.Prepare(sql));
  int i = 1;
  s.Bind(i++, after);
  if (f.status) s.Bind(i++, *f.status);
  if (f.kind) s.Bind(i++, *f.kind);
  if (f.party) s.Bind(i++, *f.party);
  if (f.opened_month) s.Bind(i++, *f.opened_month);
  s.Bind(i, limit + 1);
  Page<Case, int64_t> page;
  while (true) {
    CRADLE_STORE_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    page.items.push_back(ReadCase(s));
  }
  if (static_cast<int>(page.items.size()) > limit) {
    page.items.pop_back();
    page.next = page.items.back().id;
  }
  return page;
}

Result<std::vector<CaseCount>> CountCases(Txn& txn, const std::optional<std::string>& party) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt s, txn.Prepare("SELECT kind, status, count(*) FROM cases WHERE ?1 IS NULL OR party = "
                          "?1 GROUP BY kind, status ORDER BY kind, status"));
  s.Bind(1, party);
  std::vector<CaseCount> out;
  while (true) {
    CRADLE_STORE_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back({s.Text(0), s.Text(1), s.Int(2)});
  }
  return out;
}

namespace {
Result<std::vector<RuleCandidate>> Candidates(Stmt& s) {
  std::vector<RuleCandidate> out;
  while (true) {
    CRADLE_STORE_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back({s.Text(0), s.Text(1), s.Text(2), s.Int(3)});
  }
  return out;
}
}  // namespace

Result<std::vector<RuleCandidate>> IssuedBefore(Txn& txn, int64_t before) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt s, txn.Prepare("SELECT id, producer, '', issued_at FROM manifests WHERE status = "
                          "'issued' AND issued_at < ? ORDER BY id"));
  s.Bind(1, before);
  return Candidates(s);
}

Result<std::vector<RuleCandidate>> CollectedBefore(Txn& txn, int64_t before) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt s, txn.Prepare("SELECT m.id, m.producer, e.actor, e.received_at FROM manifests m "
                          "JOIN manifest_events e ON e.seq = (SELECT max(seq) FROM "
                          "manifest_events x WHERE x.manifest_id = m.id AND x.kind = 'pickup') "
                          "WHERE m.status = 'collected' AND e.received_at < ? ORDER BY m.id"));
  s.Bind(1, before);
  return Candidates(s);
}

Result<std::optional<std::string>> LastPickupActor(Txn& txn, const std::string& manifest_id) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt s, txn.Prepare("SELECT actor FROM manifest_events WHERE manifest_id = ? AND kind = "
                          "'pickup' ORDER BY seq DESC LIMIT 1"));
  s.Bind(1, manifest_id);
  CRADLE_STORE_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(s.Text(0));
}

Result<int64_t> RuleCursor(Txn& txn, const std::string& name) {
  CRADLE_STORE_ASSIGN_OR_RETURN(Stmt s,
                                txn.Prepare("SELECT last_seq FROM rule_cursors WHERE name = ?"));
  s.Bind(1, name);
  CRADLE_STORE_ASSIGN_OR_RETURN(bool row, s.Step());
  return row ? s.Int(0) : 0;
}

Status SetRuleCursor(Txn& txn, const std::string& name, int64_t last_seq) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt s, txn.Prepare("INSERT INTO rule_cursors (name, last_seq) VALUES (?, ?) ON CONFLICT "
                          "(name) DO UPDATE SET last_seq = excluded.last_seq"));
  s.Bind(1, name).Bind(2, last_seq);
  return s.Run();
}

}  // namespace cradle::store
