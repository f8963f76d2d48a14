#include "server/service/reconciliation.h"

#include "core/domain_types.h"

#include <algorithm>

#include "core/civil_time.h"
#include "server/service/rules.h"
#include "server/store/facilities.h"
#include "server/store/orgs.h"
#include "server/store/programmes.h"

namespace cradle::service {
namespace {

YearMonth PrevMonth(YearMonth m) {
  if (--m.month == 0) {
    m.month = 12;
    --m.year;
  }
  return m;
}

// The instant the month's figures run to: its end, or now for the current month.
int64_t MonthEnd(const Context& ctx, const YearMonth& m) {
  const int tz = ctx.settings.tz_offset_minutes;
  return std::min(StartOfLocalMonth(NextMonth(m), tz), ctx.clock.NowMicros());
}

bool SeesOrg(const Principal& p, const std::string& org) {
  return p.ReadsAll() || (!p.org.empty() && p.org == org);
}

// The name, empty for an organisation not registered; a storage error is an error.
Result<std::string> OrgName(store::Txn& txn, const std::string& uscc) {
  auto o = store::FindOrg(txn, uscc);
  if (o.ok()) return o->name;
  if (o.status().code() == "NOT_FOUND") return std::string();
  return o.status();
}

// Landfill figures through `month` (cumulative), with the trailing three months' rate.
Result<LandfillFigures> Landfill(const Context& ctx, store::Txn& txn, const store::Facility& f,
                                 const YearMonth& month, int64_t cumulative_g) {
  LandfillFigures l;
  l.volume_m3 = *f.volume_m3;
  l.density_t_per_m3 = f.density_t_per_m3.value_or(kDefaultLandfillDensityTPerM3);
  l.cover_fraction = f.cover_fraction.value_or(kDefaultLandfillCoverFraction);
  l.tonnes_placed = cumulative_g / 1e6;
  l.volume_used_m3 = LandfillVolumeUsedM3(l.tonnes_placed, l.density_t_per_m3, l.cover_fraction);
  l.volume_left_m3 = std::max(0.0, l.volume_m3 - l.volume_used_m3);
  l.used_pct = l.volume_m3 > 0 ? l.volume_used_m3 / l.volume_m3 * 100 : 0;
  const YearMonth first = PrevMonth(PrevMonth(month));
  const int tz = ctx.settings.tz_offset_minutes;
  const int64_t start = StartOfLocalMonth(first, tz);
  const int64_t end = MonthEnd(ctx, month);
  auto grams =
      store::FacilityReceivedGrams(txn, f.id, FormatMonthKey(first), FormatMonthKey(month));
  if (!grams.ok()) return grams.status();
  const double days = static_cast<double>(end - start) / kMicrosPerDay;
  if (days > 0) l.trailing_t_per_day = *grams / 1e6 / days;
  const double m3_per_day =
      LandfillVolumeUsedM3(l.trailing_t_per_day, l.density_t_per_m3, l.cover_fraction);
  auto fill = ProjectFillDate(LocalCivilDate(end - 1, tz), l.volume_left_m3, m3_per_day);
  if (fill) l.projected_fill_date = FormatIsoDate(*fill);
  return l;
}

Status Producers(const Context&, store::Txn& txn, const Principal& p, MonthlyReport& out) {
  auto rows = store::ProducerRollups(txn, out.month);
  if (!rows.ok()) return rows.status();
  for (auto& r : *rows) {
    if (!SeesOrg(p, r.producer)) continue;
    ProducerLine line;
    auto name = OrgName(txn, r.producer);
    if (!name.ok()) return name.status();
    line.name = std::move(*name);
    if (r.received_declared_g > 0) {
      line.receipt_bias_pct = (static_cast<double>(r.received_measured_g) -
                               static_cast<double>(r.received_declared_g)) /
                              static_cast<double>(r.received_declared_g) * 100.0;
    }
    line.r = std::move(r);
    out.producers.push_back(std::move(line));
  }
  return Status();
}

Status Facilities(const Context& ctx, store::Txn& txn, const Principal& p, const YearMonth& ym,
                  MonthlyReport& out) {
  auto rows = store::FacilityRollups(txn, out.month);
  if (!rows.ok()) return rows.status();
  for (auto& r : *rows) {
    auto f = store::FindFacility(txn, r.facility);
    // Only a facility since removed may be left out; a storage error must not shorten the report.
    if (!f.ok() && f.status().code() != "NOT_FOUND") return f.status();
    if (!f.ok()) continue;
    if (!SeesOrg(p, f->operator_org)) continue;
    FacilityLine line;
    line.name = f->name;
    line.kind = f->kind;
    line.operator_org = f->operator_org;
    if (Is(f->kind, FacilityKind::kLandfill) && f->volume_m3) {
      auto l = Landfill(ctx, txn, *f, ym, r.cumulative_g);
      if (!l.ok()) return l.status();
      line.landfill = *l;
    }
    if (f->t_per_year && *f->t_per_year > 0) {
      line.capacity_t_per_year = f->t_per_year;
      line.ytd_pct_of_capacity = r.ytd_g / 1e6 / *f->t_per_year * 100;
    }
    line.r = std::move(r);
    out.facilities.push_back(std::move(line));
  }
  return Status();
}

Status Programmes(const Context& ctx, store::Txn& txn, const Principal& p, const YearMonth& ym,
                  MonthlyReport& out) {
  auto rows = store::ProgrammeRollups(txn, out.month);
  if (!rows.ok()) return rows.status();
  const int tz = ctx.settings.tz_offset_minutes;
  const int64_t year_start = StartOfLocalMonth({ym.year, 1}, tz);
  const int64_t year_end = StartOfLocalMonth({ym.year + 1, 1}, tz);
  const double year_fraction = static_cast<double>(MonthEnd(ctx, ym) - year_start) /
                               static_cast<double>(year_end - year_start);
  for (auto& r : *rows) {
    auto prog = store::FindProgramme(txn, r.programme);
    if (!prog.ok() && prog.status().code() != "NOT_FOUND") return prog.status();
    if (!prog.ok()) continue;
    if (!SeesOrg(p, prog->collector)) continue;
    ProgrammeLine line;
    line.name = prog->name;
    line.collector = prog->collector;
    auto members = store::ListProgrammeMembers(txn, r.programme);
    if (!members.ok()) return members.status();
    line.members = static_cast<int64_t>(members->size());
    line.capacity_t_per_year = prog->capacity_t_per_year;
    line.prorated_capacity_t = prog->capacity_t_per_year * std::max(0.0, year_fraction);
    if (prog->capacity_t_per_year > 0) {
      line.ytd_pct_of_capacity = r.ytd_collected_g / 1e6 / prog->capacity_t_per_year * 100;
    }
    line.r = std::move(r);
    out.programmes.push_back(std::move(line));
  }
  return Status();
}

Status CasesOpened(store::Txn& txn, const Principal& p, MonthlyReport& out) {
  store::CaseFilter filter;
  filter.opened_month = out.month;
  if (!p.ReadsAll()) filter.party = p.org;
  int64_t after = 0;
  while (true) {
    auto page = store::ListCases(txn, filter, after, 1000);
    if (!page.ok()) return page.status();
    for (auto& c : page->items) out.cases_opened.push_back(std::move(c));
    if (!page->next) break;
    after = *page->next;
  }
  return Status();
}

// Transfer rows the caller may see, with names; the weighbridge grams also annotate the
// producer and facility lines whose received masses include them.
Status Transfers(store::Txn& txn, const Principal& p, MonthlyReport& out) {
  auto rows = store::TransferRollups(txn, out.month);
  if (!rows.ok()) return rows.status();
  for (auto& r : *rows) {
    TransferPartyLine line;
    if (r.role == "facility") {
      auto f = store::FindFacility(txn, r.party);
      if (!f.ok() && f.status().code() != "NOT_FOUND") return f.status();
      if (!f.ok() || !SeesOrg(p, f->operator_org)) continue;
      line.name = f->name;
      for (auto& fl : out.facilities) {
        if (fl.r.facility == r.party) fl.apportioned_g = r.d.apportioned_g;
      }
    } else {
      if (!SeesOrg(p, r.party)) continue;
      auto name = OrgName(txn, r.party);
      if (!name.ok()) return name.status();
      line.name = std::move(*name);
      if (r.role == "producer") {
        for (auto& pl : out.producers) {
          if (pl.r.producer == r.party) pl.apportioned_g = r.d.apportioned_g;
        }
      }
    }
    line.r = std::move(r);
    out.transfers.push_back(std::move(line));
  }
  return Status();
}

void Total(MonthlyReport& out) {
  ReportTotals& t = out.totals;
  for (const auto& l : out.producers) {
    t.issued += l.r.issued;
    t.collected += l.r.collected;
    t.received += l.r.received;
    t.disposed += l.r.disposed;
    t.outstanding += l.r.outstanding;
    t.issued_declared_g += l.r.issued_declared_g;
    t.collected_measured_g += l.r.collected_measured_g;
    t.received_declared_g += l.r.received_declared_g;
    t.received_measured_g += l.r.received_measured_g;
  }
  for (const auto& f : out.facilities) t.facility_received_g += f.r.received_g;
  for (const auto& p : out.programmes) t.programme_collected_g += p.r.collected_g;
  t.cases_opened = static_cast<int64_t>(out.cases_opened.size());
  for (const auto& l : out.transfers) {
    TransferTotals& x = t.transfers[l.r.role];
    x.submitted += l.r.d.submitted;
    x.delivered += l.r.d.delivered;
    x.received += l.r.d.received;
    x.refused += l.r.d.refused;
    x.overdue += l.r.d.overdue;
    x.refused_g += l.r.d.refused_g;
    x.apportioned_g += l.r.d.apportioned_g;
  }
}

}  // namespace

Result<MonthlyReport> Reconcile(const Context& ctx, const Principal& p, const std::string& month) {
  auto ym = ParseMonthKey(month);
  if (!ym.ok()) return ym.status();
  if (!p.ReadsAll() && p.org.empty()) return Status("FORBIDDEN", "no organisation");
  MonthlyReport out;
  out.month = FormatMonthKey(*ym);
  out.tz_offset_minutes = ctx.settings.tz_offset_minutes;
  out.as_of = FormatIsoDate(LocalCivilDate(MonthEnd(ctx, *ym) - 1, out.tz_offset_minutes));
  Status s = ctx.db.Read([&](store::Txn& txn) -> Status {
    if (Status st = Producers(ctx, txn, p, out); !st.ok()) return st;
    if (Status st = Facilities(ctx, txn, p, *ym, out); !st.ok()) return st;
    if (Status st = Programmes(ctx, txn, p, *ym, out); !st.ok()) return st;
    if (Status st = Transfers(txn, p, out); !st.ok()) return st;
    return CasesOpened(txn, p, out);
  });
  if (!s.ok()) return s;
  Total(out);
  return out;
}

Result<CapacitySeries> FacilityCapacity(const Context& ctx, const Principal& p,
                                        const std::string& facility) {
  CapacitySeries out;
  Status s = ctx.db.Read([&](store::Txn& txn) -> Status {
    auto f = store::FindFacility(txn, facility);
    if (!f.ok()) return f.status();
    if (!SeesOrg(p, f->operator_org)) return Status("NOT_FOUND", "no facility " + facility);
    out.facility = f->id;
    out.name = f->name;
    out.kind = f->kind;
    auto series = store::FacilityMonthlyGrams(txn, facility);
    if (!series.ok()) return series.status();
    const double density = f->density_t_per_m3.value_or(kDefaultLandfillDensityTPerM3);
    const double cover = f->cover_fraction.value_or(kDefaultLandfillCoverFraction);
    double cumulative = 0;
    int64_t total_g = 0;
    for (const auto& m : *series) {
      CapacityPoint pt;
      pt.month = m.month;
      pt.tonnes = m.grams / 1e6;
      pt.volume_m3 = LandfillVolumeUsedM3(pt.tonnes, density, cover);
      cumulative += pt.volume_m3;
      pt.cumulative_volume_m3 = cumulative;
      total_g += m.grams;
      out.months.push_back(std::move(pt));
    }
    if (Is(f->kind, FacilityKind::kLandfill) && f->volume_m3) {
      const CivilDate today = LocalCivilDate(ctx.clock.NowMicros(), ctx.settings.tz_offset_minutes);
      auto l = Landfill(ctx, txn, *f, {today.year, today.month}, total_g);
      if (!l.ok()) return l.status();
      out.landfill = *l;
    }
    return Status();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace cradle::service
