// The demo seed (service/demo.*): the model district's six months written through the production
// use cases on a real SQLite file with a pinned clock. Checks that nothing in it is faked (the
// audit chain verifies; every event's content hash is what the scan ingest, or the receipt for a
// refusal, computes) and that the history holds every kind of trip the brief names.
#define BOOST_TEST_MODULE service_demo
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <map>
#include <set>

#include "core/civil_time.h"
#include "core/sha256.h"
#include "server/service/audit_service.h"
#include "server/service/cases.h"
#include "server/service/demo.h"
#include "server/service/manifests.h"
#include "server/service/parties.h"
#include "server/service/scans.h"
#include "server/service/transfers.h"
#include "server/store/audit.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/service/recon_world.h"

namespace cradle::service {
namespace {

using cradle::testing::TempDir;
using testing::At;

// A deployment seeded once for the whole file (seeding takes seconds): its "now" is pinned to
// 2026-12-03 10:00 +08:00, so the history is the same whatever day the test runs.
struct Seeded {
  TempDir dir;
  PinnableClock clock;
  std::unique_ptr<store::Database> db;
  std::unique_ptr<pki::SigningKeyStore> keys;
  std::optional<Catalogue> catalogue;
  std::unique_ptr<Context> ctx;
  Status seeded;
  const std::string today = "2026-12-03";

  Seeded() {
    clock.Pin(At(2026, 12, 3, 10));
    store::Database::Options o;
    o.path = dir.File("cradle.db");
    o.clock = &clock;
    o.readers = 2;
    auto d = store::Database::Open(o);
    BOOST_REQUIRE_MESSAGE(d.ok(), d.status().ToString());
    db = std::move(*d);
    auto k = pki::SigningKeyStore::LoadOrCreate(dir.File("keys"));
    BOOST_REQUIRE(k.ok());
    keys = std::move(*k);
    auto c = LoadCatalogueCsv(EmbeddedCatalogue2016(), "2016");
    BOOST_REQUIRE(c.ok());
    catalogue = std::move(*c);
    ctx.reset(new Context{*db, *keys, *catalogue, clock, {}});
    seeded = SeedDemo(*ctx, clock, dir.File("demo-tokens.txt"));
  }
};

Seeded& World() {
  static Seeded w;
  return w;
}

Principal Regulator() {
  Principal p;
  p.role = Role::kRegulator;
  p.org = DemoUscc("91331000REG000001");
  return p;
}

std::vector<store::Transfer> AllTransfers(const Context& ctx) {
  std::vector<store::Transfer> out;
  std::optional<std::string> after;
  do {
    auto page = ListTransfers(ctx, Regulator(), {}, after, 1000);
    BOOST_REQUIRE_MESSAGE(page.ok(), page.status().ToString());
    out.insert(out.end(), page->items.begin(), page->items.end());
    after = page->next;
  } while (after);
  return out;
}

BOOST_AUTO_TEST_CASE(seeds_through_the_use_cases_and_leaves_the_clock_as_found) {
  Seeded& w = World();
  BOOST_REQUIRE_MESSAGE(w.seeded.ok(), w.seeded.ToString());
  BOOST_TEST(w.clock.pinned());
  BOOST_TEST(w.clock.NowMicros() == At(2026, 12, 3, 10));
  BOOST_TEST(std::filesystem::exists(w.dir.File("demo-tokens.txt")));
}

BOOST_AUTO_TEST_CASE(the_audit_chain_verifies) {
  Seeded& w = World();
  BOOST_REQUIRE(w.seeded.ok());
  Principal admin;
  admin.role = Role::kAdmin;
  auto v = VerifyAuditChain(*w.ctx, admin);
  BOOST_REQUIRE_MESSAGE(v.ok(), v.status().ToString());
  BOOST_TEST(v->ok);
  BOOST_TEST(!v->first_bad_seq.has_value());
  BOOST_TEST(v->length > 2000);  // issues, scan batches, transfers, rules, cases: all audited
}

// Rebuilds each event's scan from its stored fields and its manifest's token, and hashes it as
// the ingest does; a reject written by a receipt (a refused container) has the receipt's hash.
BOOST_AUTO_TEST_CASE(every_event_hash_is_the_one_production_computes) {
  Seeded& w = World();
  BOOST_REQUIRE(w.seeded.ok());
  const std::string receipt_note = "refused on the receipt of transfer ";
  int64_t scans = 0, refusals = 0, wrong = 0;
  std::map<std::string, int64_t> by_kind;
  Status s = w.db->Read([&](store::Txn& txn) -> Status {
    auto st = txn.Prepare(
        "SELECT e.event_id, m.token, e.kind, e.mass_g, e.scanned_at, e.facility, e.vehicle, "
        "e.lat, e.lon, e.method, e.note, e.content_sha256, e.manifest_id "
        "FROM manifest_events e JOIN manifests m ON m.id = e.manifest_id ORDER BY e.seq");
    if (!st.ok()) return st.status();
    while (true) {
      auto row = st->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      const std::string kind = st->Text(2);
      const std::optional<std::string> note = st->OptText(10);
      ++by_kind[kind];
      std::string expected;
      if (kind == "reject" && note && note->rfind(receipt_note, 0) == 0) {
        const std::string transfer = note->substr(receipt_note.size());
        expected = Sha256Hex("receipt-refusal," + transfer + "," + st->Text(12));
        ++refusals;
      } else {
        ScanInput in;
        in.event_id = st->Text(0);
        in.token = st->Text(1);
        in.kind = kind;
        in.mass_g = st->OptInt(3);
        in.scanned_at = FormatRfc3339(st->Int(4), 480);
        in.facility = st->OptText(5);
        in.vehicle = st->OptText(6);
        in.lat = st->OptDouble(7);
        in.lon = st->OptDouble(8);
        in.method = st->OptText(9);
        in.note = note;
        expected = ScanContentSha256(in);
        ++scans;
      }
      if (expected != st->Text(11)) ++wrong;
    }
    return Status();
  });
  BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
  BOOST_TEST(wrong == 0);
  BOOST_TEST(scans > 10000);
  BOOST_TEST(refusals == 2);
  BOOST_TEST(by_kind["pickup"] > 5000);
  BOOST_TEST(by_kind["receive"] > 5000);
  BOOST_TEST(by_kind["dispose"] > 3000);
  BOOST_TEST(by_kind.count("void") == 0);
}

BOOST_AUTO_TEST_CASE(the_history_holds_every_kind_of_trip) {
  Seeded& w = World();
  BOOST_REQUIRE(w.seeded.ok());
  const std::vector<store::Transfer> all = AllTransfers(*w.ctx);
  std::map<std::string, const store::Transfer*> by_id;
  for (const auto& t : all) by_id[t.id] = &t;
  int received = 0, returns = 0, overdue = 0, signed_adhoc = 0, unsigned_adhoc = 0;
  int corrected = 0;
  for (const auto& t : all) {
    if (t.status == "received" && !t.ad_hoc && !t.return_of) ++received;
    if (t.return_of) {
      // The return carries the refused containers of its original back to the sender.
      BOOST_REQUIRE(by_id.count(*t.return_of));
      auto orig = GetTransfer(*w.ctx, Regulator(), *t.return_of);
      auto back = GetTransfer(*w.ctx, Regulator(), t.id);
      BOOST_REQUIRE(orig.ok() && back.ok());
      std::set<std::string> refused, carried;
      int accepted = 0;
      for (const auto& c : orig->containers) {
        if (c.status == "refused") refused.insert(c.manifest_id);
        if (c.status == "received") ++accepted;
      }
      for (const auto& c : back->containers) carried.insert(c.manifest_id);
      BOOST_TEST(orig->t.status == "received");  // a partial refusal
      BOOST_TEST(accepted > 0);
      BOOST_TEST(refused.size() == 2u);
      BOOST_TEST((carried == refused));
      BOOST_TEST(back->t.status == "received");
      BOOST_TEST(back->discrepancies.empty());
      BOOST_TEST(orig->discrepancies.size() == 2u);
      ++returns;
    }
    if (t.status == "delivered" && t.receipt_due && *t.receipt_due < w.today) ++overdue;
    if (t.ad_hoc && t.sender_signed_at && t.status == "received") ++signed_adhoc;
    if (t.ad_hoc && !t.sender_signed_at) ++unsigned_adhoc;
    if (t.version > 1) {
      auto v = GetTransfer(*w.ctx, Regulator(), t.id);
      BOOST_REQUIRE(v.ok());
      for (const auto& r : v->revisions) {
        if (r.status != "applied") continue;
        // Approved by every other party on the transfer, and applied.
        std::set<std::string> voters;
        for (const auto& vote : r.votes) {
          if (vote.decision == "approve") voters.insert(vote.party);
        }
        BOOST_TEST(voters.size() == r.parties.size());
        BOOST_TEST(r.parties.size() == 2u);
        BOOST_TEST(r.before.has_value());
        BOOST_TEST(v->t.vehicle == "浙JF0199");
        ++corrected;
      }
    }
  }
  BOOST_TEST(received >= 100);  // ~26 weeks of fly-ash trucks and fortnightly drums
  BOOST_TEST(returns == 1);
  BOOST_TEST(overdue == 1);
  BOOST_TEST(signed_adhoc >= 900);  // ~6 rounds of 177 members
  BOOST_TEST(unsigned_adhoc == 1);
  BOOST_TEST(corrected == 1);
}

// The planted discrepancies still make their cases, and the case loop shows every status.
BOOST_AUTO_TEST_CASE(the_planted_discrepancies_make_cases) {
  Seeded& w = World();
  BOOST_REQUIRE(w.seeded.ok());
  auto summary = SummariseCases(*w.ctx, Regulator());
  BOOST_REQUIRE(summary.ok());
  for (const char* kind :
       {"weight_mismatch", "copied_label", "forged_label", "uncollected", "unreceived"}) {
    BOOST_TEST_CONTEXT(kind) { BOOST_TEST(summary->by_kind.count(kind) == 1u); }
  }
  // The trips' own causes, one case each: the overdue receipt, the refusal's receipt (refused
  // bags and packaging discrepancies), the ad hoc trip never signed. The refused bags went
  // back, so nothing is refused and not returned.
  auto count = [&](const char* kind) {
    int64_t n = 0;
    if (auto it = summary->by_kind.find(kind); it != summary->by_kind.end()) {
      for (const auto& [status, c] : it->second) n += c;
    }
    return n;
  };
  BOOST_TEST(count("receipt_overdue") == 1);
  BOOST_TEST(count("transfer_discrepancy") == 1);
  BOOST_TEST(count("transfer_unsigned") == 1);
  BOOST_TEST(count("refused_not_returned") == 0);
  BOOST_TEST(summary->by_status["open"] > 0);
  BOOST_TEST(summary->by_status["dispatched"] > 0);
  BOOST_TEST(summary->by_status["responded"] > 0);
  BOOST_TEST(summary->by_status["closed"] > 0);
}

// What the dashboard's flow chart reads: this month's received and disposed containers reach at
// least two destinations, from the month's first day on (today's trips are delivered).
BOOST_AUTO_TEST_CASE(the_current_month_has_flows_to_two_destinations) {
  Seeded& w = World();
  BOOST_REQUIRE(w.seeded.ok());
  std::set<std::string> destinations;
  for (const char* status : {"received", "disposed"}) {
    std::optional<std::string> after;
    do {
      store::ManifestFilter f;
      f.status = status;
      f.month = "2026-12";
      auto page = ListManifests(*w.ctx, Regulator(), f, after, 1000);
      BOOST_REQUIRE_MESSAGE(page.ok(), page.status().ToString());
      for (const auto& m : page->items) {
        if (m.destination) destinations.insert(*m.destination);
      }
      after = page->next;
    } while (after);
  }
  BOOST_TEST(destinations.size() >= 2u);
  BOOST_TEST(destinations.count("hw-utilisation") == 1u);
}

// The seam the seed controls: the base clock while unpinned, the pinned moment while pinned.
BOOST_AUTO_TEST_CASE(a_pinnable_clock_reads_its_base_unless_pinned) {
  FakeClock base(At(2026, 1, 5, 9));
  PinnableClock clock(base);
  BOOST_TEST(!clock.pinned());
  BOOST_TEST(clock.NowMicros() == At(2026, 1, 5, 9));
  clock.Pin(At(2025, 7, 1, 8));
  base.Advance(kMicrosPerSecond);
  BOOST_TEST(clock.pinned());
  BOOST_TEST(clock.NowMicros() == At(2025, 7, 1, 8));
  clock.Release();
  BOOST_TEST(clock.NowMicros() == At(2026, 1, 5, 9) + kMicrosPerSecond);
}

BOOST_AUTO_TEST_CASE(refuses_a_clock_the_use_cases_do_not_read) {
  TempDir dir;
  PinnableClock seed_clock;
  FakeClock other(At(2026, 12, 3, 10));
  store::Database::Options o;
  o.path = dir.File("cradle.db");
  o.clock = &other;
  o.readers = 1;
  auto db = store::Database::Open(o);
  BOOST_REQUIRE(db.ok());
  auto keys = pki::SigningKeyStore::LoadOrCreate(dir.File("keys"));
  BOOST_REQUIRE(keys.ok());
  auto cat = LoadCatalogueCsv(EmbeddedCatalogue2016(), "2016");
  BOOST_REQUIRE(cat.ok());
  Context ctx{**db, **keys, *cat, seed_clock, {}};
  Status s = SeedDemo(ctx, seed_clock, dir.File("demo-tokens.txt"));
  BOOST_TEST(s.code() == "INTERNAL");
  Principal admin;
  admin.role = Role::kAdmin;
  auto orgs = ListOrgs(ctx, admin, std::nullopt, 10);
  BOOST_REQUIRE(orgs.ok());
  BOOST_TEST(orgs->items.empty());  // nothing written
  BOOST_TEST(!seed_clock.pinned());
}

}  // namespace
}  // namespace cradle::service
