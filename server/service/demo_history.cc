#include "server/service/demo_history.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <map>
#include <random>

#include "core/civil_time.h"
#include "core/digital_id.h"
#include "core/sha256.h"
#include "core/uuid.h"
#include "core/waste_code.h"
#include "core/wm1.h"
#include "server/service/audit_json.h"
#include "server/service/cases.h"
#include "server/service/scans.h"
#include "server/store/audit.h"
#include "server/store/manifests.h"
#include "server/store/reconciliation.h"

namespace cradle::service {
namespace {

constexpr int64_t kMinute = 60 * kMicrosPerSecond;

// One container's planned life: each step is optional; times are server receive times.
struct Plan {
  std::string producer, code_dashed, packaging, destination, collector, facility_op;
  CivilDate day;
  int64_t declared_g = 0;
  int64_t issued_at = 0;
  std::optional<int64_t> pickup_at, receive_at, dispose_at;
  int64_t pickup_g = 0, receive_g = 0;
  std::string description;
};

class HistoryWriter {
 public:
  HistoryWriter(const Context& ctx) : ctx_(ctx), key_(ctx.keys.Active()) {}

  // Writes the plans in one Write: serials, manifests, events, findings, roll-ups.
  Status Write(const std::vector<Plan>& plans) {
    const int tz = ctx_.settings.tz_offset_minutes;
    return ctx_.db.Write([&](store::Txn& txn) -> Status {
      for (const Plan& p : plans) {
        if (Status s = One(txn, p, tz); !s.ok()) return s;
      }
      boost::json::object change{{"manifests", plans.size()}};
      return store::AppendAudit(txn, "system:demo", "demo.history", "manifests", ChangeText(change))
          .status();
    });
  }

 private:
  Status One(store::Txn& txn, const Plan& p, int tz) {
    auto code8 = WasteCodeToCompact(p.code_dashed);
    if (!code8.ok()) return code8.status();
    auto serial = store::AllocateSerials(txn, p.producer, *code8, FormatIsoDate(p.day), 1);
    if (!serial.ok()) return serial.status();
    TokenFields f;
    f.kid = key_.kid;
    f.id = DigitalId{p.producer, *code8, p.day, *serial};
    f.mass_g = p.declared_g;
    f.packaging = p.packaging;
    store::Manifest m;
    m.id = BuildDigitalId(f.id);
    m.token = BuildToken(f, key_.key);
    m.producer = p.producer;
    m.waste_code = *code8;
    m.produced_on = FormatIsoDate(p.day);
    m.serial = *serial;
    m.mass_g = p.declared_g;
    m.packaging = p.packaging;
    m.kid = key_.kid;
    m.status = p.dispose_at   ? "disposed"
               : p.receive_at ? "received"
               : p.pickup_at  ? "collected"
                              : "issued";
    m.destination = p.destination;
    if (!p.description.empty()) m.description = p.description;
    m.issued_by = p.producer;
    m.issued_at = p.issued_at;
    m.updated_at = p.dispose_at.value_or(p.receive_at.value_or(p.pickup_at.value_or(p.issued_at)));
    if (Status s = store::InsertManifestAt(txn, m, tz); !s.ok()) return s;
    if (p.pickup_at) {
      if (Status s = Event(txn, m, "pickup", p.collector, *p.pickup_at, p.pickup_g, tz); !s.ok()) {
        return s;
      }
    }
    if (p.receive_at) {
      if (Status s = Event(txn, m, "receive", p.facility_op, *p.receive_at, p.receive_g, tz);
          !s.ok()) {
        return s;
      }
    }
    if (p.dispose_at) {
      if (Status s = Event(txn, m, "dispose", p.facility_op, *p.dispose_at, 0, tz); !s.ok()) {
        return s;
      }
    }
    return Status();
  }

  Status Event(store::Txn& txn, const store::Manifest& m, const char* kind,
               const std::string& actor, int64_t at, int64_t mass, int tz) {
    store::ManifestEvent e;
    e.event_id = NewUuidV4();
    e.manifest_id = m.id;
    e.kind = kind;
    e.actor = actor;
    if (mass > 0) e.mass_g = mass;
    e.scanned_at = at - 2 * kMinute;  // scanned shortly before the upload
    e.received_at = at;
    if (std::string(kind) != "pickup") e.facility = *m.destination;
    if (std::string(kind) == "dispose") e.method = "D1";
    e.content_sha256 = Sha256Hex(e.event_id + kind);
    if (auto seq = store::InsertEventAt(txn, e, tz); !seq.ok()) return seq.status();
    if (mass <= 0) return Status();
    // The evidence live ingest would record: against the declared mass (and at receipt the
    // pickup mass, which the plan keeps equal to the declared one unless noise says otherwise).
    auto dev = WeightFinding(m.mass_g, mass, m.waste_code, ctx_.settings);
    if (!dev) return Status();
    char pct[32];
    std::snprintf(pct, sizeof pct, "%.2f", *dev);
    store::ScanFinding f;
    f.kind = "weight_mismatch";
    f.manifest_id = m.id;
    f.actor = actor;
    f.event_id = e.event_id;
    f.at = at;
    f.detail = boost::json::serialize(boost::json::object{{"against", "declared"},
                                                          {"kind", kind},
                                                          {"reference_g", m.mass_g},
                                                          {"measured_g", mass},
                                                          {"deviation_pct", pct}});
    return store::InsertFindingAt(txn, f).status();
  }

  const Context& ctx_;
  pki::SigningKeyStore::ActiveKey key_;
};

int64_t LocalTime(const CivilDate& d, int hour, int minute, int tz) {
  return StartOfLocalDay(d, tz) + (hour * 60LL + minute) * kMinute;
}

// Builds every container's plan for the window [first, last].
class Planner {
 public:
  Planner(const Context& ctx, const DemoParties& parties, CivilDate first, CivilDate last)
      : ctx_(ctx), p_(parties), first_(first), last_(last), rng_(20230117) {}

  std::vector<Plan> FlyAsh() {
    std::vector<Plan> out;
    const int tz = ctx_.settings.tz_offset_minutes;
    for (CivilDate d = first_; d <= last_; d = AddDays(d, 1)) {
      const int bags = 20 + static_cast<int>(rng_() % 9);  // 20-28 bags of ~1.25 t: 25-35 t/day
      const bool recent = AddDays(d, 1) >= last_;
      for (int i = 0; i < bags; ++i) {
        Plan p = Base(p_.incinerator, "772-002-18", "TB", "flyash-landfill-2", p_.landfill_op, d);
        p.declared_g = 1'250'000 + static_cast<int64_t>(rng_() % 20) * 1000 - 10'000;
        p.description = "螯合稳定化飞灰";
        p.issued_at = LocalTime(d, 7, 0, tz) + i * 25 * kMinute;
        if (recent && i >= bags - 3) {  // the last bags of yesterday wait for the truck
          out.push_back(p);
          continue;
        }
        p.pickup_at = p.issued_at + 90 * kMinute;
        p.pickup_g = Noisy(p.declared_g, 0.003);  // within HW18 -3..+1 %
        p.receive_at = *p.pickup_at + 50 * kMinute;
        p.receive_g = Noisy(p.declared_g - p.declared_g / 200, 0.004);  // dries in transit
        p.dispose_at = *p.receive_at + 30 * kMinute;
        out.push_back(p);
      }
    }
    return out;
  }

  // Each member is served about once a month: 1-3 bags, ~150 kg in all.
  std::vector<Plan> SmallEnterprises() {
    std::vector<Plan> out;
    const int tz = ctx_.settings.tz_offset_minutes;
    const char* codes[] = {"900-041-49", "900-249-08"};
    int planted_weight = 0, planted_unreceived = 0;
    for (size_t k = 0; k < p_.members.size(); ++k) {
      CivilDate d = AddDays(first_, static_cast<int64_t>(rng_() % 28));
      for (; d <= AddDays(last_, -1); d = AddDays(d, 28 + static_cast<int64_t>(rng_() % 6))) {
        if (!IsWorkingDay(d)) d = AddDays(d, IsoWeekday(d) == 6 ? 2 : 1);
        if (d > last_) break;
        const int bags = 1 + static_cast<int>(rng_() % 3);
        const int64_t each = 150'000 / bags;
        for (int b = 0; b < bags; ++b) {
          Plan p =
              Base(p_.members[k], codes[rng_() % 2], "BG", "small-ent-transfer", p_.collector, d);
          p.declared_g = each + static_cast<int64_t>(rng_() % 10'000) - 5'000;
          p.issued_at = LocalTime(d, 8, 30, tz) + b * kMinute;
          p.pickup_at = LocalTime(d, 10, 0, tz) + static_cast<int64_t>(k % 300) * kMinute;
          p.pickup_g = Noisy(p.declared_g, 0.008);  // portable scales
          p.receive_at = LocalTime(AddDays(d, 1), 9, 0, tz) + static_cast<int64_t>(k) * kMinute;
          p.receive_g = Noisy(p.declared_g, 0.008);
          const int64_t age = DaysFromCivil(last_) - DaysFromCivil(d);
          if (planted_weight < 6 && age > 20 && rng_() % 40 == 0) {
            p.receive_g = p.declared_g * (108 + planted_weight) / 100;  // +8..13 %: flagged
            ++planted_weight;
          }
          if (planted_unreceived < 3 && age >= 10 && age <= 20 && b == 0 && rng_() % 8 == 0) {
            p.receive_at.reset();  // collected, never delivered
            ++planted_unreceived;
          }
          out.push_back(p);
        }
      }
    }
    return out;
  }

  // Key producers: a weekly drum of waste oil residue to the utilisation plant; a few never
  // collected (the uncollected cases).
  std::vector<Plan> KeyProducers() {
    std::vector<Plan> out;
    const int tz = ctx_.settings.tz_offset_minutes;
    for (size_t k = 0; k < p_.key_producers.size(); ++k) {
      for (CivilDate d = AddDays(first_, static_cast<int64_t>(k % 5)); d <= AddDays(last_, -2);
           d = AddDays(d, 7)) {
        Plan p = Base(p_.key_producers[k], "900-249-08", "DR", "hw-utilisation", p_.utilisation, d);
        p.declared_g = 180'000 + static_cast<int64_t>(rng_() % 40'000);
        p.issued_at = LocalTime(d, 9, 0, tz) + static_cast<int64_t>(k) * kMinute;
        const int64_t age = DaysFromCivil(last_) - DaysFromCivil(d);
        if (k < 6 && age >= 38 && age < 45) {  // forgotten in the yard
          out.push_back(p);
          continue;
        }
        p.pickup_at = LocalTime(AddDays(d, 1), 14, 0, tz) + static_cast<int64_t>(k) * kMinute;
        p.pickup_g = Noisy(p.declared_g, 0.003);
        p.receive_at = *p.pickup_at + 3 * 60 * kMinute;
        p.receive_g = Noisy(p.declared_g, 0.003);
        p.dispose_at = LocalTime(AddDays(d, 3), 10, 0, tz);
        out.push_back(p);
      }
    }
    return out;
  }

 private:
  Plan Base(const std::string& producer, const char* code, const char* pack, const char* dest,
            const std::string& facility_op, const CivilDate& d) {
    Plan p;
    p.producer = producer;
    p.code_dashed = code;
    p.packaging = pack;
    p.destination = dest;
    p.collector = p_.collector;
    p.facility_op = facility_op;
    p.day = d;
    return p;
  }
  // Gaussian weighing noise with relative sigma.
  int64_t Noisy(int64_t grams, double sigma) {
    std::normal_distribution<double> n(0.0, sigma);
    double v = static_cast<double>(grams) * (1.0 + std::clamp(n(rng_), -2.5 * sigma, 2.5 * sigma));
    return std::max<int64_t>(1, static_cast<int64_t>(std::llround(v / 100.0) * 100));
  }

  const Context& ctx_;
  const DemoParties& p_;
  CivilDate first_, last_;
  std::mt19937 rng_;
};

// One copied and one forged label, recorded as live ingest records them.
Status PlantLabelFindings(const Context& ctx, const DemoParties& parties, int64_t at_copied,
                          int64_t at_forged, const std::string& copied_manifest) {
  return ctx.db.Write([&](store::Txn& txn) -> Status {
    store::ScanFinding copied;
    copied.kind = "copied_label";
    copied.manifest_id = copied_manifest;
    copied.actor = parties.collector;
    copied.event_id = NewUuidV4();
    copied.at = at_copied;
    copied.detail = R"({"status":"disposed","kind":"pickup"})";
    if (auto r = store::InsertFindingAt(txn, copied); !r.ok()) return r.status();
    store::ScanFinding forged;
    forged.kind = "forged_label";
    forged.manifest_id =
        BuildDigitalId(DigitalId{parties.incinerator, "77200218", LocalCivilDate(at_forged), 998});
    forged.actor = parties.collector;
    forged.event_id = NewUuidV4();
    forged.at = at_forged;
    forged.detail = R"({"code":"BAD_SIGNATURE","kind":"pickup"})";
    return store::InsertFindingAt(txn, forged).status();
  });
}

// Moves the oldest cases through the loop so every status shows: about half closed, some
// responded, some dispatched, the newest still open.
Status WorkCases(const Context& ctx, const DemoParties& parties) {
  Principal reg{Role::kRegulator, parties.regulator, "", 0};
  auto page = ListCases(ctx, reg, {}, 0, 1000);
  if (!page.ok()) return page.status();
  const size_t n = page->items.size();
  for (size_t i = 0; i < n; ++i) {
    const store::Case& c = page->items[i];
    const double pos = static_cast<double>(i) / static_cast<double>(n);
    if (pos >= 0.85) break;  // the newest stay open
    Principal party{Role::kProducer, c.party, "", 0};
    if (auto r = ActOnCase(ctx, reg, c.id, "dispatch", "请于5个工作日内核查并说明"); !r.ok()) {
      return r.status();
    }
    if (pos >= 0.7) continue;
    if (auto r = ActOnCase(ctx, party, c.id, "respond", "已核查，整改完成，附过磅记录"); !r.ok()) {
      return r.status();
    }
    if (pos >= 0.55) continue;
    if (auto r = ActOnCase(ctx, reg, c.id, "close", "复核通过，销号"); !r.ok()) return r.status();
  }
  return Status();
}

}  // namespace

Status SeedDemoHistory(const Context& ctx, const DemoParties& parties, int days) {
  const int tz = ctx.settings.tz_offset_minutes;
  const CivilDate today = LocalCivilDate(ctx.clock.NowMicros(), tz);
  const CivilDate last = AddDays(today, -1);
  const CivilDate first = AddDays(today, -days);
  Planner planner(ctx, parties, first, last);
  HistoryWriter writer(ctx);
  std::vector<Plan> fly = planner.FlyAsh();
  for (auto* plans : {&fly}) {
    for (size_t i = 0; i < plans->size(); i += 2000) {
      std::vector<Plan> chunk(
          plans->begin() + static_cast<long>(i),
          plans->begin() + static_cast<long>(std::min(plans->size(), i + 2000)));
      if (Status s = writer.Write(chunk); !s.ok()) return s;
    }
  }
  if (Status s = writer.Write(planner.SmallEnterprises()); !s.ok()) return s;
  if (Status s = writer.Write(planner.KeyProducers()); !s.ok()) return s;
  // A disposed fly-ash bag's label turns up again a month ago; a forged one three weeks ago.
  std::string copied_id;
  Status s = ctx.db.Read([&](store::Txn& txn) -> Status {
    auto page = store::ListManifests(
        txn, store::ManifestFilter{parties.incinerator, "disposed", {}}, std::nullopt, 1);
    if (!page.ok()) return page.status();
    if (!page->items.empty()) copied_id = page->items.front().id;
    return Status();
  });
  if (!s.ok()) return s;
  const int64_t now = ctx.clock.NowMicros();
  if (Status st = PlantLabelFindings(ctx, parties, now - 30 * kMicrosPerDay,
                                     now - 21 * kMicrosPerDay, copied_id);
      !st.ok()) {
    return st;
  }
  // The rules as they would have run on the first of each month, then today.
  for (CivilDate d{first.year, first.month, 1}; d < today;) {
    d = d.month == 12 ? CivilDate{d.year + 1, 1, 1} : CivilDate{d.year, d.month + 1, 1};
    if (d > today) break;
    if (auto r = RunRules(ctx, d, "system:demo"); !r.ok()) return r.status();
  }
  if (auto r = RunRules(ctx, today, "system:demo"); !r.ok()) return r.status();
  return WorkCases(ctx, parties);
}

}  // namespace cradle::service
