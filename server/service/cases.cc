#include "server/service/cases.h"

#include "core/domain_types.h"

#include <boost/json.hpp>
#include <cmath>

#include "server/service/audit_json.h"
#include "server/service/rules.h"
#include "server/service/transfers.h"
#include "server/store/audit.h"
#include "server/store/facilities.h"
#include "server/store/manifests.h"
#include "server/store/programmes.h"
#include "server/store/reconciliation.h"
#include "server/store/scans.h"
#include "server/store/transfers.h"

namespace cradle::service {
namespace {

bool MaySee(const Principal& p, const store::Case& c) {
  return p.ReadsAll() || (!p.org.empty() && c.party == p.org);
}

std::string CaseObject(int64_t id) { return "case:" + std::to_string(id); }

// Opens the cases the rules find, auditing each new one; counts what was opened.
class CaseOpener {
 public:
  CaseOpener(const Context& ctx, store::Txn& txn, const std::string& actor, RulesRun& run)
      : ctx_(ctx), txn_(txn), actor_(actor), run_(run) {}

  Status Open(const std::string& kind, const std::string& subject, const std::string& threshold,
              const std::string& party, int64_t at, const boost::json::object& detail) {
    return OpenNew(kind, subject, threshold, party, at, detail).status();
  }

  // As Open; true when this call opened the case (false: the cause had its case already).
  Result<bool> OpenNew(const std::string& kind, const std::string& subject,
                       const std::string& threshold, const std::string& party, int64_t at,
                       const boost::json::object& detail) {
    store::Case c;
    c.kind = kind;
    c.subject = subject;
    c.threshold = threshold;
    c.party = party;
    c.detail = boost::json::serialize(detail);
    c.opened_at = at;
    c.opened_month = MonthKey(at, ctx_.settings.tz_offset_minutes);
    auto id = store::OpenCase(txn_, c, actor_);
    if (!id.ok()) return id.status();
    if (!*id) return false;  // this cause has its case already
    boost::json::object change{{"kind", kind},
                               {"subject", subject},
                               {"threshold", threshold},
                               {"party", party},
                               {"detail", detail}};
    auto a = store::AppendAudit(txn_, actor_, "case.open", CaseObject(**id), ChangeText(change));
    if (!a.ok()) return a.status();
    ++run_.opened;
    ++run_.opened_by_kind[kind];
    return true;
  }

 private:
  const Context& ctx_;
  store::Txn& txn_;
  const std::string& actor_;
  RulesRun& run_;
};

// Findings recorded since the last run become cases (clock_skew is evidence only).
Status FindingRules(store::Txn& txn, CaseOpener& opener) {
  auto cursor = store::RuleCursor(txn, "scan_findings");
  if (!cursor.ok()) return cursor.status();
  int64_t last = *cursor;
  while (true) {
    auto batch = store::ListFindings(txn, last, 1000);
    if (!batch.ok()) return batch.status();
    if (batch->empty()) break;
    for (const auto& f : *batch) {
      last = f.seq;
      if (Is(f.kind, FindingKind::kClockSkew)) continue;
      boost::system::error_code ec;
      auto parsed = boost::json::parse(f.detail, ec);
      boost::json::object detail =
          !ec && parsed.is_object() ? parsed.as_object() : boost::json::object();
      std::string scan_kind;
      if (auto* k = detail.if_contains("kind"); k && k->is_string()) scan_kind = k->as_string();
      std::string producer;
      std::string collector = f.actor;
      if (f.manifest_id) {
        auto m = store::FindManifest(txn, *f.manifest_id);
        if (!m.ok() && m.status().code() != "NOT_FOUND") return m.status();
        if (m.ok()) producer = m->producer;
        if (Is(f.kind, FindingKind::kWeightMismatch) && !Is(scan_kind, ScanKind::kPickup)) {
          auto c = store::LastPickupActor(txn, *f.manifest_id);
          if (!c.ok()) return c.status();
          if (*c) collector = **c;
        }
      }
      const std::string party = FindingParty(
          f.kind, scan_kind, producer.empty() ? f.actor : producer, f.actor, collector);
      const std::string subject = f.manifest_id ? *f.manifest_id : f.event_id;
      // Weight: one case per manifest and stage (pickup or receive), since the parties differ.
      // Custody: one case per manifest and refusal code (a wrong carrier and a wrong receiver
      // are different causes).
      std::string threshold = Is(f.kind, FindingKind::kWeightMismatch) ? scan_kind : "";
      if (Is(f.kind, FindingKind::kCustodyRefused)) {
        if (auto* c = detail.if_contains("code"); c && c->is_string()) threshold = c->as_string();
      }
      detail["event_id"] = f.event_id;
      detail["finding"] = f.seq;
      detail["scanner"] = f.actor;
      if (Status s = opener.Open(f.kind, subject, threshold, party, f.at, detail); !s.ok()) {
        return s;
      }
    }
  }
  return store::SetRuleCursor(txn, "scan_findings", last);
}

Status TimeRules(const Context& ctx, store::Txn& txn, const CivilDate& as_of, int64_t at,
                 CaseOpener& opener) {
  const int tz = ctx.settings.tz_offset_minutes;
  const int64_t issued_before = StartOfLocalDay(AddDays(as_of, -ctx.settings.uncollected_days), tz);
  auto issued = store::IssuedBefore(txn, issued_before);
  if (!issued.ok()) return issued.status();
  for (const auto& c : *issued) {
    const CivilDate on = LocalCivilDate(c.at, tz);
    if (!IsUncollected(on, as_of, ctx.settings.uncollected_days)) continue;
    boost::json::object d{{"issued_on", FormatIsoDate(on)},
                          {"days", ctx.settings.uncollected_days}};
    if (Status s = opener.Open("uncollected", c.manifest_id, "", c.producer, at, d); !s.ok()) {
      return s;
    }
  }
  // Any deadline passed by as_of has its pickup before the start of as_of.
  auto collected = store::CollectedBefore(txn, StartOfLocalDay(as_of, tz));
  if (!collected.ok()) return collected.status();
  for (const auto& c : *collected) {
    const CivilDate on = LocalCivilDate(c.at, tz);
    if (!IsUnreceived(on, as_of, ctx.settings.unreceived_working_days)) continue;
    boost::json::object d{{"picked_up_on", FormatIsoDate(on)},
                          {"working_days", ctx.settings.unreceived_working_days},
                          {"producer", c.producer}};
    if (Status s = opener.Open("unreceived", c.manifest_id, "", c.actor, at, d); !s.ok()) {
      return s;
    }
  }
  return Status();
}

boost::json::value OptText(const std::optional<std::string>& v) {
  return v ? boost::json::value(*v) : boost::json::value(nullptr);
}

std::optional<CivilDate> OptCivil(const std::optional<int64_t>& at, int tz) {
  if (!at) return std::nullopt;
  return LocalCivilDate(*at, tz);
}

boost::json::value OptDay(const std::optional<int64_t>& at, int tz) {
  return at ? boost::json::value(LocalDate(*at, tz)) : boost::json::value(nullptr);
}

// The four transfer rules (transfers.md). Each cause is one transfer, so the subject is the
// transfer's number and the threshold empty; the store's candidates leave out transfers whose
// case exists, and OpenCase's uniqueness makes a concurrent run harmless too.
Status TransferRules(const Context& ctx, store::Txn& txn, const CivilDate& as_of, int64_t at,
                     CaseOpener& opener) {
  const int tz = ctx.settings.tz_offset_minutes;
  const WorkingCalendar& cal = ctx.Calendar();
  const std::string overdue_kind(Name(CaseKind::kReceiptOverdue));
  const std::string discrepancy_kind(Name(CaseKind::kTransferDiscrepancy));
  const std::string unsigned_kind(Name(CaseKind::kTransferUnsigned));
  const std::string refused_kind(Name(CaseKind::kRefusedNotReturned));

  // receipt_overdue: delivered and not confirmed by receipt_due (fixed at delivery from the
  // calendar). The transfer counts once in the `overdue` roll-up, in the month of its first
  // overdue day, whenever the rules happen to run.
  auto overdue = store::ReceiptOverdueCandidates(txn, FormatIsoDate(as_of), kReceiptWorkingDays);
  if (!overdue.ok()) return overdue.status();
  for (const auto& t : *overdue) {
    auto due = ParseIsoDate(t.receipt_due.value_or(""));
    if (!due.ok()) continue;  // the candidates all have a due date
    if (!MissedDeadline(*due, OptCivil(t.receiver_signed_at, tz), as_of)) continue;
    boost::json::object d{{"receiver", OptText(t.receiver)},
                          {"delivered_on", OptDay(t.delivered_at, tz)},
                          {"receipt_due", *t.receipt_due},
                          {"working_days", kReceiptWorkingDays},
                          {"confirmed_on", OptDay(t.receiver_signed_at, tz)}};
    auto opened =
        opener.OpenNew(overdue_kind, t.id, "",
                       TransferCaseParty(overdue_kind, t.sender, t.carrier, t.receiver_org), at, d);
    if (!opened.ok()) return opened.status();
    if (!*opened) continue;
    const CivilDate first_overdue = AddDays(*due, 1);
    if (Status s = store::RollupTransferParties(
            txn, FormatMonthKey({first_overdue.year, first_overdue.month}), t, {.overdue = 1});
        !s.ok()) {
      return s;
    }
  }

  // transfer_discrepancy: a receipt that reported discrepancies or refused containers. The
  // case is stamped at the receipt, as a finding's case is at its scan.
  auto issues = store::ReceiptsWithIssues(txn);
  if (!issues.ok()) return issues.status();
  for (const auto& t : *issues) {
    auto ds = store::ListDiscrepancies(txn, t.id);
    if (!ds.ok()) return ds.status();
    auto cs = store::ListTransferContainers(txn, t.id);
    if (!cs.ok()) return cs.status();
    boost::json::array discrepancies, refused;
    int64_t refused_g = 0;
    for (const auto& x : *ds) {
      discrepancies.push_back(
          boost::json::object{{"manifest", x.manifest_id}, {"field", x.field}, {"note", x.note}});
    }
    for (const auto& c : *cs) {
      if (c.status != "refused") continue;
      refused_g += c.refused_g.value_or(0);
      refused.push_back(boost::json::object{{"manifest", c.manifest_id},
                                            {"reason", c.refusal_reason.value_or("")},
                                            {"mass_g", c.refused_g.value_or(0)}});
    }
    boost::json::object d{{"receiver", OptText(t.receiver)},
                          {"received_on", OptDay(t.receiver_signed_at, tz)},
                          {"discrepancies", std::move(discrepancies)},
                          {"refused", std::move(refused)},
                          {"refused_g", refused_g}};
    if (Status s =
            opener.Open(discrepancy_kind, t.id, "",
                        TransferCaseParty(discrepancy_kind, t.sender, t.carrier, t.receiver_org),
                        t.receiver_signed_at.value_or(at), d);
        !s.ok()) {
      return s;
    }
  }

  // transfer_unsigned: an ad hoc trip the sender has not signed within kAdHocSignWorkingDays
  // working days of the trip's day.
  auto unsigned_trips = store::UnsignedAdHocCandidates(txn, kAdHocSignWorkingDays);
  if (!unsigned_trips.ok()) return unsigned_trips.status();
  for (const auto& t : *unsigned_trips) {
    // The trip's day is the local day of its first pickup (trip_day), else of its creation.
    CivilDate day = LocalCivilDate(t.created_at, tz);
    if (t.trip_day) {
      if (auto parsed = ParseIsoDate(*t.trip_day); parsed.ok()) day = *parsed;
    }
    const CivilDate sign_due = cal.AddWorkingDays(day, kAdHocSignWorkingDays);
    if (!MissedDeadline(sign_due, OptCivil(t.sender_signed_at, tz), as_of)) continue;
    boost::json::object d{{"trip_day", FormatIsoDate(day)},
                          {"sign_due", FormatIsoDate(sign_due)},
                          {"working_days", kAdHocSignWorkingDays},
                          {"vehicle", t.vehicle},
                          {"signed_on", OptDay(t.sender_signed_at, tz)}};
    if (Status s = opener.Open(
            unsigned_kind, t.id, "",
            TransferCaseParty(unsigned_kind, t.sender, t.carrier, t.receiver_org), at, d);
        !s.ok()) {
      return s;
    }
  }

  // refused_not_returned: refused containers not on a return trip within
  // kRefusedReturnWorkingDays working days of the receipt that refused them.
  auto refusals = store::RefusedNotReturnedCandidates(txn, kRefusedReturnWorkingDays);
  if (!refusals.ok()) return refusals.status();
  for (const auto& t : *refusals) {
    const CivilDate on = LocalCivilDate(t.receiver_signed_at.value_or(t.updated_at), tz);
    const CivilDate return_due = cal.AddWorkingDays(on, kRefusedReturnWorkingDays);
    if (!(return_due < as_of)) continue;  // in time still: spare the return-trip lookup
    auto ret = store::ReturnOf(txn, t.id);
    if (!ret.ok()) return ret.status();
    std::optional<CivilDate> returned_on;
    if (*ret) returned_on = LocalCivilDate((*ret)->created_at, tz);
    if (!MissedDeadline(return_due, returned_on, as_of)) continue;
    auto cs = store::ListTransferContainers(txn, t.id);
    if (!cs.ok()) return cs.status();
    boost::json::array refused;
    int64_t refused_g = 0;
    for (const auto& c : *cs) {
      if (c.status != "refused") continue;
      refused_g += c.refused_g.value_or(0);
      refused.push_back(boost::json::value(c.manifest_id));
    }
    boost::json::object d{
        {"receiver", OptText(t.receiver)},
        {"refused_on", FormatIsoDate(on)},
        {"return_due", FormatIsoDate(return_due)},
        {"working_days", kRefusedReturnWorkingDays},
        {"containers", std::move(refused)},
        {"refused_g", refused_g},
        {"return", *ret ? boost::json::value((*ret)->id) : boost::json::value(nullptr)},
        {"returned_on", returned_on ? boost::json::value(FormatIsoDate(*returned_on))
                                    : boost::json::value(nullptr)}};
    if (Status s = opener.Open(refused_kind, t.id, "",
                               TransferCaseParty(refused_kind, t.sender, t.carrier, t.receiver_org),
                               at, d);
        !s.ok()) {
      return s;
    }
  }
  return Status();
}

Status OpenCapacity(CaseOpener& opener, const std::string& subject, const std::string& party,
                    double used, const char* measure, int64_t at) {
  for (int t : CapacityThresholdsReached(used)) {
    boost::json::object d{{"measure", measure}, {"used_pct", std::round(used * 1000) / 10}};
    if (Status s = opener.Open("capacity", subject, std::to_string(t), party, at, d); !s.ok()) {
      return s;
    }
  }
  return Status();
}

Status CapacityRules(const Context&, store::Txn& txn, const CivilDate& as_of, int64_t at,
                     CaseOpener& opener) {
  const std::string month = FormatMonthKey({as_of.year, as_of.month});
  auto rollups = store::FacilityRollups(txn, month);
  if (!rollups.ok()) return rollups.status();
  for (const auto& r : *rollups) {
    auto f = store::FindFacility(txn, r.facility);
    if (!f.ok() && f.status().code() != "NOT_FOUND") return f.status();  // not a missing row
    if (!f.ok()) continue;  // a receipt naming a facility since removed
    if (Is(f->kind, FacilityKind::kLandfill) && f->volume_m3 && *f->volume_m3 > 0) {
      const double used =
          LandfillVolumeUsedM3(r.cumulative_g / 1e6,
                               f->density_t_per_m3.value_or(kDefaultLandfillDensityTPerM3),
                               f->cover_fraction.value_or(kDefaultLandfillCoverFraction)) /
          *f->volume_m3;
      if (Status s = OpenCapacity(opener, f->id, f->operator_org, used, "volume", at); !s.ok()) {
        return s;
      }
    } else if (f->t_per_year && *f->t_per_year > 0) {
      const double used = r.ytd_g / 1e6 / *f->t_per_year;
      if (Status s = OpenCapacity(opener, f->id, f->operator_org, used, "tonnes_ytd", at);
          !s.ok()) {
        return s;
      }
    }
  }
  auto progs = store::ProgrammeRollups(txn, month);
  if (!progs.ok()) return progs.status();
  for (const auto& r : *progs) {
    auto p = store::FindProgramme(txn, r.programme);
    if (!p.ok() || p->capacity_t_per_year <= 0) continue;
    const double used = r.ytd_collected_g / 1e6 / p->capacity_t_per_year;
    if (Status s = OpenCapacity(opener, p->id, p->collector, used, "tonnes_ytd", at); !s.ok()) {
      return s;
    }
  }
  return Status();
}

Result<CaseWithHistory> Load(store::Txn& txn, int64_t id) {
  CaseWithHistory out;
  auto c = store::FindCase(txn, id);
  if (!c.ok()) return c.status();
  out.c = std::move(*c);
  auto a = store::ListCaseActions(txn, id);
  if (!a.ok()) return a.status();
  out.actions = std::move(*a);
  return out;
}

}  // namespace

Result<store::Page<store::Case, int64_t>> ListCases(const Context& ctx, const Principal& p,
                                                    store::CaseFilter filter, int64_t after,
                                                    int limit) {
  if (!p.ReadsAll()) {
    if (p.org.empty()) return Status("FORBIDDEN", "no organisation");
    if (filter.party && *filter.party != p.org) {
      return Status("FORBIDDEN", "a party lists only its own cases");
    }
    filter.party = p.org;
  }
  std::optional<store::Page<store::Case, int64_t>> out;
  Status s = ctx.db.Read([&](store::Txn& txn) -> Status {
    auto page = store::ListCases(txn, filter, after, limit);
    if (!page.ok()) return page.status();
    out = std::move(*page);
    return Status();
  });
  if (!s.ok()) return s;
  return std::move(*out);
}

Result<CaseWithHistory> GetCase(const Context& ctx, const Principal& p, int64_t id) {
  std::optional<CaseWithHistory> out;
  Status s = ctx.db.Read([&](store::Txn& txn) -> Status {
    auto c = Load(txn, id);
    if (!c.ok()) return c.status();
    out = std::move(*c);
    return Status();
  });
  if (!s.ok()) return s;
  if (!MaySee(p, out->c)) return Status("NOT_FOUND", "no case " + std::to_string(id));
  return std::move(*out);
}

Result<CaseWithHistory> ActOnCase(const Context& ctx, const Principal& p, int64_t id,
                                  const std::string& action, const std::string& note) {
  if (note.size() > 2000) return Status("INVALID_FIELD", "note: at most 2000 bytes");
  if (!Is(action, CaseAction::kDispatch) && !Is(action, CaseAction::kRespond) &&
      !Is(action, CaseAction::kClose) && !Is(action, CaseAction::kReopen)) {
    return Status("INVALID_FIELD", "action: one of dispatch, respond, close, reopen");
  }
  std::optional<CaseWithHistory> out;
  Status s = ctx.db.Write([&](store::Txn& txn) -> Status {
    auto c = store::FindCase(txn, id);
    if (!c.ok()) return c.status();
    if (!MaySee(p, *c)) return Status("NOT_FOUND", "no case " + std::to_string(id));
    // Who may act is checked before the state, so a caller learns nothing of a move it may
    // not make.
    const bool regulator_action = !Is(action, CaseAction::kRespond);
    if (regulator_action && !p.ReadsAll()) {
      return Status("FORBIDDEN", "only a regulator may " + action + " a case");
    }
    if (!regulator_action && (p.org.empty() || p.org != c->party)) {
      return Status("FORBIDDEN", "only the responsible party responds to a case");
    }
    auto next = NextCaseStatus(c->status, action);
    if (!next.ok()) return next.status();
    if (Status st = store::MoveCase(txn, id, c->status, *next, action, p.Actor(), note); !st.ok()) {
      return st;
    }
    boost::json::object change{
        {"action", action}, {"from", c->status}, {"to", *next}, {"note", note}};
    auto a =
        store::AppendAudit(txn, p.Actor(), "case." + action, CaseObject(id), ChangeText(change));
    if (!a.ok()) return a.status();
    auto loaded = Load(txn, id);
    if (!loaded.ok()) return loaded.status();
    out = std::move(*loaded);
    return Status();
  });
  if (!s.ok()) return s;
  return std::move(*out);
}

Result<CaseSummary> SummariseCases(const Context& ctx, const Principal& p) {
  std::optional<std::string> party;
  if (!p.ReadsAll()) {
    if (p.org.empty()) return Status("FORBIDDEN", "no organisation");
    party = p.org;
  }
  CaseSummary out;
  Status s = ctx.db.Read([&](store::Txn& txn) -> Status {
    auto counts = store::CountCases(txn, party);
    if (!counts.ok()) return counts.status();
    for (const auto& c : *counts) {
      out.found += c.count;
      (Is(c.status, CaseStatus::kClosed) ? out.rectified : out.in_progress) += c.count;
      out.by_status[c.status] += c.count;
      out.by_kind[c.kind][c.status] += c.count;
    }
    return Status();
  });
  if (!s.ok()) return s;
  return out;
}

Result<RulesRun> RunRules(const Context& ctx, const CivilDate& as_of, const std::string& actor) {
  const int tz = ctx.settings.tz_offset_minutes;
  const int64_t now = ctx.clock.NowMicros();
  // Cases of today's run are stamped now; a run as of another day at that day's start.
  const int64_t at = LocalCivilDate(now, tz) == as_of ? now : StartOfLocalDay(as_of, tz);
  RulesRun run;
  Status s = ctx.db.Write([&](store::Txn& txn) -> Status {
    run = RulesRun();
    run.as_of = as_of;
    CaseOpener opener(ctx, txn, actor, run);
    if (Status st = FindingRules(txn, opener); !st.ok()) return st;
    if (Status st = TimeRules(ctx, txn, as_of, at, opener); !st.ok()) return st;
    if (Status st = TransferRules(ctx, txn, as_of, at, opener); !st.ok()) return st;
    return CapacityRules(ctx, txn, as_of, at, opener);
  });
  if (!s.ok()) return s;
  return run;
}

Result<RulesRun> RunRulesAs(const Context& ctx, const Principal& p, const CivilDate& as_of) {
  if (!p.ReadsAll()) return Status("FORBIDDEN", "only a regulator or admin runs the rules");
  // A future day would open cases early, and they would then block the real ones.
  const CivilDate today = LocalCivilDate(ctx.clock.NowMicros(), ctx.settings.tz_offset_minutes);
  if (as_of > today) {
    return Status("DATE_OUT_OF_RANGE", "date " + FormatIsoDate(as_of) + " is after today (" +
                                           FormatIsoDate(today) + ")");
  }
  return RunRules(ctx, as_of, p.Actor());
}

}  // namespace cradle::service
