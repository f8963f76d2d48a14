// Monthly reconciliation (service::Reconcile) on a real SQLite file: the roll-ups agree with a
// from-scratch SQL computation over the raw rows after a random mix of issuances and scans;
// months split at local (+08:00) midnight; landfill volume and fill projection; party scoping.
#define BOOST_TEST_MODULE service_recon
#include <boost/test/unit_test.hpp>
#include <random>

#include "server/service/reconciliation.h"
#include "tests/unit/service/recon_world.h"

namespace cradle::service::testing {
namespace {

// Every row of a query as text, one line per row: for whole-table comparisons.
std::string Rows(World& w, const std::string& sql, int columns) {
  std::string out;
  Status s = w.db->Read([&](store::Txn& txn) -> Status {
    auto st = txn.Prepare(sql);
    if (!st.ok()) return st.status();
    while (true) {
      auto row = st->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      for (int i = 0; i < columns; ++i) {
        auto v = st->OptText(i);
        out += v.value_or("NULL") + "|";
      }
      out += "\n";
    }
    return Status();
  });
  BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
  return out;
}

constexpr char kMonth[] = "strftime('%Y-%m', (X) / 1000000 + 480 * 60, 'unixepoch')";
std::string MonthOf(const std::string& col) {
  std::string m = kMonth;
  return m.replace(m.find('X'), 1, col);
}

std::string ScratchProducers() {
  return "SELECT month, producer, sum(a), sum(b), sum(c), sum(d), sum(e), sum(f), sum(g), sum(h), "
         "sum(i), sum(j) FROM (SELECT " +
         MonthOf("issued_at") +
         " AS month, producer, 1 a, mass_g b, 0 c, 0 d, 0 e, 0 f, 0 g, 0 h, 0 i, 0 j FROM "
         "manifests UNION ALL SELECT " +
         MonthOf("e.received_at") +
         ", m.producer, 0, 0, e.kind = 'void', e.kind = 'pickup', CASE WHEN e.kind = 'pickup' "
         "THEN e.mass_g ELSE 0 END, e.kind = 'receive', CASE WHEN e.kind = 'receive' THEN "
         "m.mass_g ELSE 0 END, CASE WHEN e.kind = 'receive' THEN e.mass_g ELSE 0 END, "
         "e.kind = 'dispose', e.kind = 'reject' FROM manifest_events e JOIN manifests m ON m.id "
         "= e.manifest_id WHERE e.kind <> 'issue') GROUP BY month, producer "
         "ORDER BY month, producer";
}
constexpr char kRollupProducers[] =
    "SELECT month, producer, issued, issued_declared_g, voided, collected, collected_measured_g, "
    "received, received_declared_g, received_measured_g, disposed, rejected FROM "
    "recon_producer_month ORDER BY month, producer";

std::string ScratchFacilities() {
  return "SELECT " + MonthOf("received_at") +
         " AS month, facility, sum(kind = 'receive'), sum(CASE WHEN kind = 'receive' THEN mass_g "
         "ELSE 0 END), sum(kind = 'dispose') FROM manifest_events WHERE kind IN ('receive', "
         "'dispose') GROUP BY month, facility ORDER BY month, facility";
}
constexpr char kRollupFacilities[] =
    "SELECT month, facility, received, received_g, disposed FROM recon_facility_month "
    "ORDER BY month, facility";

std::string ScratchProgrammes() {
  return "SELECT " + MonthOf("e.received_at") +
         " AS month, p.id, count(*), sum(e.mass_g), count(DISTINCT m.producer) FROM "
         "manifest_events e JOIN manifests m ON m.id = e.manifest_id JOIN programme_members pm "
         "ON pm.member = m.producer JOIN programmes p ON p.id = pm.programme_id AND p.collector "
         "= e.actor WHERE e.kind = 'pickup' GROUP BY month, p.id ORDER BY month, p.id";
}
constexpr char kRollupProgrammes[] =
    "SELECT r.month, r.programme, r.pickups, r.collected_g, (SELECT count(*) FROM "
    "recon_programme_member_month x WHERE x.programme = r.programme AND x.month = r.month) FROM "
    "recon_programme_month r ORDER BY r.month, r.programme";

BOOST_AUTO_TEST_CASE(rollups_equal_a_from_scratch_computation_after_a_random_mix) {
  World w;
  std::mt19937 rng(20260302);
  std::vector<store::Manifest> ms;
  std::vector<std::string> status;  // our view of each manifest's status
  auto pick = [&](const std::string& st) -> int {
    std::vector<int> idx;
    for (size_t i = 0; i < ms.size(); ++i) {
      if (status[i] == st) idx.push_back(static_cast<int>(i));
    }
    if (idx.empty()) return -1;
    return idx[rng() % idx.size()];
  };
  for (int step = 0; step < 160; ++step) {
    // Up to ~1.6 days per step: about five months, crossing local midnights and month ends.
    w.clock.Advance(static_cast<int64_t>(rng() % (38 * 3600)) * kMicrosPerSecond);
    const int action = static_cast<int>(rng() % 7);
    if (action <= 1 || ms.empty()) {
      const auto& who = rng() % 2 ? w.producer_p : w.producer_q;
      for (auto& m : w.Issue(who, 1 + static_cast<int>(rng() % 3), 1000 + rng() % 90000)) {
        ms.push_back(m);
        status.push_back("issued");
      }
      continue;
    }
    const int64_t noise = static_cast<int64_t>(rng() % 200) - 100;
    if (action == 2) {
      int i = pick("issued");
      if (i < 0) i = pick("rejected");
      if (i >= 0 && w.Scan("pickup", ms[i], ms[i].mass_g + noise).status == "accepted") {
        status[i] = "collected";
      }
    } else if (action == 3) {
      int i = pick("collected");
      if (i >= 0 && w.Scan("receive", ms[i], ms[i].mass_g + noise).status == "accepted") {
        status[i] = "received";
      }
    } else if (action == 4) {
      int i = pick("received");
      if (i >= 0 && w.Scan("dispose", ms[i]).status == "accepted") status[i] = "disposed";
    } else if (action == 5) {
      int i = pick("collected");
      if (i >= 0 && w.Scan("reject", ms[i]).status == "accepted") status[i] = "rejected";
    } else {
      int i = pick("issued");
      if (i >= 0) {
        auto v = VoidManifest(*w.ctx, w.admin, ms[i].id, "test");
        BOOST_REQUIRE_MESSAGE(v.ok(), v.status().ToString());
        status[i] = "voided";
      }
    }
  }
  const std::string producers = Rows(w, kRollupProducers, 12);
  BOOST_TEST(producers == Rows(w, ScratchProducers(), 12));
  BOOST_TEST(Rows(w, kRollupFacilities, 5) == Rows(w, ScratchFacilities(), 5));
  BOOST_TEST(Rows(w, kRollupProgrammes, 5) == Rows(w, ScratchProgrammes(), 5));
  // The mix really covered several months and every kind of event.
  BOOST_TEST(std::count(producers.begin(), producers.end(), '\n') >= 8);
  for (const char* kind : {"void", "pickup", "receive", "dispose", "reject"}) {
    BOOST_TEST(
        Rows(w, std::string("SELECT count(*) > 0 FROM manifest_events WHERE kind = '") + kind + "'",
             1) == "1|\n",
        kind);
  }
}

BOOST_AUTO_TEST_CASE(months_split_at_local_midnight_in_plus_eight) {
  World w;
  w.clock.Set(At(2026, 3, 31, 23, 59));  // 15:59 UTC on the 31st
  w.Issue(w.producer_p, 2, 1000);
  w.clock.Set(At(2026, 4, 1, 0, 0));  // 16:00 UTC on 31 March: already April locally
  w.Issue(w.producer_p, 3, 1000);
  auto march = Reconcile(*w.ctx, w.regulator, "2026-03");
  auto april = Reconcile(*w.ctx, w.regulator, "2026-04");
  BOOST_REQUIRE(march.ok());
  BOOST_REQUIRE(april.ok());
  BOOST_REQUIRE_EQUAL(march->producers.size(), 1u);
  BOOST_TEST(march->producers[0].r.issued == 2);
  BOOST_TEST(march->producers[0].r.outstanding == 2);
  BOOST_TEST(march->producers[0].name == "小微企业甲");
  BOOST_REQUIRE_EQUAL(april->producers.size(), 1u);
  BOOST_TEST(april->producers[0].r.issued == 3);
  BOOST_TEST(april->producers[0].r.outstanding == 5);  // a stock: March's two are still out
  BOOST_TEST(!Reconcile(*w.ctx, w.regulator, "2026-13").ok());
}

// 30 t a month into LF for January-March: 90 t at 1.0 t/m³ with 20 % cover = 112.5 m³.
BOOST_AUTO_TEST_CASE(landfill_volume_and_projection_with_known_numbers) {
  World w;
  for (int month = 1; month <= 3; ++month) {
    w.clock.Set(At(2026, month, 10, 9));
    auto m = w.Issue(w.producer_p, 1, 30'000'000).front();
    BOOST_REQUIRE(w.Scan("pickup", m).status == "accepted");
    BOOST_REQUIRE(w.Scan("receive", m).status == "accepted");
  }
  w.clock.Set(At(2026, 4, 15, 12));
  auto r = Reconcile(*w.ctx, w.regulator, "2026-03");
  BOOST_REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  BOOST_REQUIRE_EQUAL(r->facilities.size(), 1u);
  const auto& f = r->facilities[0];
  BOOST_TEST(f.r.received_g == 30'000'000);
  BOOST_TEST(f.r.cumulative_g == 90'000'000);
  BOOST_REQUIRE(f.landfill.has_value());
  BOOST_TEST(f.landfill->volume_used_m3 == 112.5, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(f.landfill->volume_left_m3 == 887.5, boost::test_tools::tolerance(1e-9));
  // 90 t over the 90 days of January-March: 1 t/day = 1.25 m³/day; 887.5 / 1.25 = 710 days.
  BOOST_TEST(f.landfill->trailing_t_per_day == 1.0, boost::test_tools::tolerance(1e-9));
  BOOST_REQUIRE(f.landfill->projected_fill_date.has_value());
  BOOST_TEST(*f.landfill->projected_fill_date == "2028-03-10");
  BOOST_TEST(r->as_of == "2026-03-31");
  // The programme: P is a member and C its collector; 30 t of the 10 t/yr capacity.
  BOOST_REQUIRE_EQUAL(r->programmes.size(), 1u);
  BOOST_TEST(r->programmes[0].r.served_month == 1);
  BOOST_TEST(r->programmes[0].r.served_year == 1);
  BOOST_TEST(r->programmes[0].r.ytd_collected_g == 90'000'000);
  BOOST_TEST(r->programmes[0].members == 2);
  BOOST_TEST(r->programmes[0].ytd_pct_of_capacity == 900.0, boost::test_tools::tolerance(1e-9));
  auto series = FacilityCapacity(*w.ctx, w.landfill, "LF");
  BOOST_REQUIRE(series.ok());
  BOOST_REQUIRE_EQUAL(series->months.size(), 3u);
  BOOST_TEST(series->months[2].cumulative_volume_m3 == 112.5, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(!FacilityCapacity(*w.ctx, w.producer_p, "LF").ok());  // not its facility
}

BOOST_AUTO_TEST_CASE(parties_get_only_their_own_rows) {
  World w;
  auto p = w.Issue(w.producer_p, 1, 5000).front();
  w.Issue(w.producer_q, 2, 7000);
  BOOST_REQUIRE(w.Scan("pickup", p).status == "accepted");
  BOOST_REQUIRE(w.Scan("receive", p).status == "accepted");
  auto all = Reconcile(*w.ctx, w.regulator, "2026-03");
  BOOST_REQUIRE(all.ok());
  BOOST_TEST(all->producers.size() == 2u);
  BOOST_TEST(all->totals.issued == 3);
  BOOST_TEST(all->totals.issued_declared_g == 19000);
  auto mine = Reconcile(*w.ctx, w.producer_p, "2026-03");
  BOOST_REQUIRE(mine.ok());
  BOOST_REQUIRE_EQUAL(mine->producers.size(), 1u);
  BOOST_TEST(mine->producers[0].r.producer == w.p_org);
  BOOST_TEST(mine->facilities.empty());
  BOOST_TEST(mine->programmes.empty());
  BOOST_TEST(mine->totals.issued == 1);
  auto lf = Reconcile(*w.ctx, w.landfill, "2026-03");
  BOOST_REQUIRE(lf.ok());
  BOOST_TEST(lf->producers.empty());
  BOOST_TEST(lf->facilities.size() == 1u);
  auto col = Reconcile(*w.ctx, w.collector, "2026-03");
  BOOST_REQUIRE(col.ok());
  BOOST_TEST(col->programmes.size() == 1u);
  BOOST_TEST(col->facilities.empty());
}

}  // namespace
}  // namespace cradle::service::testing
