// Repositories: orgs, tokens, devices, facilities, programmes, serials, manifests, events,
// revocations feed, idempotency; keyset paging returns every row exactly once.
#define BOOST_TEST_MODULE store_repos_test
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include <cstdio>
#include <map>
#include <set>
#include <string>

#include "core/sha256.h"
#include "server/store/audit.h"
#include "server/store/database.h"
#include "server/store/facilities.h"
#include "server/store/idempotency.h"
#include "server/store/manifests.h"
#include "server/store/orgs.h"
#include "server/store/programmes.h"
#include "server/store/tokens.h"
#include "tests/unit/store/store_test_util.h"

namespace cradle::store {
namespace {

using testing::OpenOrDie;
using testing::TempDir;

const std::string kProducer = "91110108551385082Q";
const std::string kCollector = "91110000600037341L";
const std::string kOperator = "91130200699229617X";

// A fresh database with three organisations.
struct Fixture {
  TempDir dir;
  FakeClock clock{1795830067000000};
  std::unique_ptr<Database> db = OpenOrDie({.path = dir.File("cradle.db"), .clock = &clock});

  Fixture() {
    Status s = db->Write([](Txn& txn) -> Status {
      for (const auto& [uscc, role] :
           {std::pair{kProducer, "producer"}, std::pair{kCollector, "collector"},
            std::pair{kOperator, "facility"}}) {
        Org org{
            uscc, "Org " + uscc, {role}, "331002", role == std::string("producer"), "+86 576 0000",
            0};
        if (Status i = InsertOrg(txn, org); !i.ok()) return i;
      }
      return Status::Ok();
    });
    BOOST_REQUIRE(s.ok());
  }

  // Runs fn as a Write and returns its status.
  Status W(const std::function<Status(Txn&)>& fn) { return db->Write(fn); }
  Status R(const std::function<Status(Txn&)>& fn) { return db->Read(fn); }
};

std::string Id(const std::string& producer, const std::string& code, const std::string& day,
               int serial) {
  char s[4];
  std::snprintf(s, sizeof s, "%03d", serial);
  std::string compact = day.substr(0, 4) + day.substr(5, 2) + day.substr(8, 2);
  return producer + code + compact + s;
}

Manifest MakeManifest(const std::string& producer, const std::string& code, const std::string& day,
                      int serial) {
  Manifest m;
  m.id = Id(producer, code, day, serial);
  m.producer = producer;
  m.waste_code = code;
  m.produced_on = day;
  m.serial = serial;
  m.mass_g = 1250000;
  m.packaging = "DR";
  m.kid = "K1";
  m.token = "WM1:K1/" + m.id + "/1250000/DR/sig";
  m.status = "issued";
  m.issued_by = producer;
  return m;
}

BOOST_AUTO_TEST_CASE(orgs_insert_find_conflict) {
  Fixture f;
  BOOST_TEST(f.R([](Txn& txn) -> Status {
                auto org = FindOrg(txn, kProducer);
                BOOST_REQUIRE(org.ok());
                BOOST_TEST(org->roles == std::vector<std::string>{"producer"});
                BOOST_TEST(org->small_enterprise);
                BOOST_TEST(org->district == "331002");
                BOOST_TEST(org->created_at == 1795830067000000);
                BOOST_TEST(FindOrg(txn, "911101085513850820").status().code() == "NOT_FOUND");
                return Status::Ok();
              }).ok());
  Org again{kProducer, "dup", {}, "", false, "", 0};
  BOOST_TEST(f.W([&](Txn& txn) { return InsertOrg(txn, again); }).code() == "CONFLICT");
  Org bad{"short", "x", {}, "", false, "", 0};
  BOOST_TEST(f.W([&](Txn& txn) { return InsertOrg(txn, bad); }).code() == "INVALID_FIELD");
}

BOOST_AUTO_TEST_CASE(tokens_and_devices) {
  Fixture f;
  const std::string hash = Sha256Hex("secret-token");
  const std::string admin_hash = Sha256Hex("admin-token");
  int64_t id = 0;
  BOOST_TEST(f.R([](Txn& txn) -> Status {
                BOOST_TEST(!*AnyToken(txn));
                return Status::Ok();
              }).ok());
  BOOST_REQUIRE(f.W([&](Txn& txn) -> Status {
                   auto admin = InsertToken(txn, admin_hash, std::nullopt, "admin", "bootstrap");
                   if (!admin.ok()) return admin.status();
                   auto t = InsertToken(txn, hash, kProducer, "producer", "erp");
                   if (t.ok()) id = *t;
                   return t.status();
                 }).ok());
  BOOST_TEST(f.W([&](Txn& txn) {
                return InsertToken(txn, hash, kProducer, "producer", "again").status();
              }).code() == "CONFLICT");
  // Only the admin role may lack an organisation; unknown roles and orgs are refused.
  BOOST_TEST(f.W([&](Txn& txn) {
                return InsertToken(txn, Sha256Hex("x"), std::nullopt, "producer", "").status();
              }).code() == "INVALID_FIELD");
  BOOST_TEST(f.W([&](Txn& txn) {
                return InsertToken(txn, Sha256Hex("y"), kProducer, "root", "").status();
              }).code() == "INVALID_FIELD");
  BOOST_TEST(f.W([&](Txn& txn) {
                return InsertToken(txn, Sha256Hex("z"), std::string("000000000000000000"),
                                   "producer", "")
                    .status();
              }).code() == "INVALID_FIELD");
  BOOST_REQUIRE(f.W([&](Txn& txn) { return RevokeToken(txn, id); }).ok());
  BOOST_TEST(f.W([&](Txn& txn) { return RevokeToken(txn, 9999); }).code() == "NOT_FOUND");
  BOOST_TEST(f.R([&](Txn& txn) -> Status {
                auto t = FindTokenByHash(txn, hash);
                BOOST_REQUIRE(t.ok());
                BOOST_TEST(t->id == id);
                BOOST_TEST(*t->org == kProducer);
                BOOST_TEST(t->role == "producer");
                BOOST_TEST(t->revoked_at.has_value());
                auto a = FindTokenByHash(txn, admin_hash);
                BOOST_REQUIRE(a.ok());
                BOOST_TEST(!a->org.has_value());
                BOOST_TEST(!a->revoked_at.has_value());
                BOOST_TEST(FindTokenByHash(txn, Sha256Hex("nope")).status().code() == "NOT_FOUND");
                BOOST_TEST(*AnyToken(txn));
                return Status::Ok();
              }).ok());

  BOOST_REQUIRE(f.W([](Txn& txn) { return InsertDevice(txn, "scanner-01", kCollector); }).ok());
  BOOST_TEST(f.W([](Txn& txn) { return InsertDevice(txn, "scanner-01", kCollector); }).code() ==
             "CONFLICT");
  BOOST_TEST(f.W([](Txn& txn) {
                return InsertDevice(txn, "scanner-02", "000000000000000000");
              }).code() == "INVALID_FIELD");
  BOOST_TEST(f.R([](Txn& txn) -> Status {
                auto d = FindDevice(txn, "scanner-01");
                BOOST_REQUIRE(d.ok());
                BOOST_TEST(d->org == kCollector);
                BOOST_TEST(FindDevice(txn, "scanner-02").status().code() == "NOT_FOUND");
                return Status::Ok();
              }).ok());
}

BOOST_AUTO_TEST_CASE(facilities_and_programmes) {
  Fixture f;
  Facility landfill;
  landfill.id = "TZ-LF-1";
  landfill.operator_org = kOperator;
  landfill.name = "台州飞灰填埋场";
  landfill.kind = "landfill";
  landfill.accepts = {"77200218"};
  landfill.volume_m3 = 238000;
  landfill.density_t_per_m3 = 1.3;
  landfill.cover_fraction = 0.15;
  landfill.regime = "exempt";
  Facility incinerator = landfill;
  incinerator.id = "TZ-INC-1";
  incinerator.kind = "incinerator";
  incinerator.volume_m3.reset();
  incinerator.density_t_per_m3.reset();
  incinerator.cover_fraction.reset();
  incinerator.t_per_year = 50000;
  incinerator.accepts = {"90000049", "77200218"};
  Facility bad = landfill;
  bad.id = "X";
  bad.kind = "volcano";
  BOOST_REQUIRE(f.W([&](Txn& txn) -> Status {
                   if (Status s = InsertFacility(txn, landfill); !s.ok()) return s;
                   return InsertFacility(txn, incinerator);
                 }).ok());
  BOOST_TEST(f.W([&](Txn& txn) { return InsertFacility(txn, landfill); }).code() == "CONFLICT");
  BOOST_TEST(f.W([&](Txn& txn) { return InsertFacility(txn, bad); }).code() == "INVALID_FIELD");
  BOOST_TEST(f.R([&](Txn& txn) -> Status {
                auto got = FindFacility(txn, "TZ-LF-1");
                BOOST_REQUIRE(got.ok());
                BOOST_TEST(got->name == landfill.name);
                BOOST_TEST(got->accepts == landfill.accepts);
                BOOST_TEST(*got->volume_m3 == 238000.0);
                BOOST_TEST(*got->cover_fraction == 0.15);
                BOOST_TEST(!got->t_per_year.has_value());
                BOOST_TEST(got->regime == "exempt");
                auto inc = FindFacility(txn, "TZ-INC-1");
                BOOST_TEST(inc->accepts == incinerator.accepts);
                BOOST_TEST(*inc->t_per_year == 50000.0);
                auto all = ListFacilities(txn, kOperator, std::nullopt, 1);
                BOOST_REQUIRE(all.ok());
                BOOST_TEST(all->items.size() == 1u);
                BOOST_TEST(all->items[0].id == "TZ-INC-1");
                BOOST_TEST(*all->next == "TZ-INC-1");
                auto rest = ListFacilities(txn, kOperator, all->next, 1);
                BOOST_TEST(rest->items.at(0).id == "TZ-LF-1");
                BOOST_TEST(!rest->next.has_value());
                BOOST_TEST(ListFacilities(txn, kProducer, std::nullopt, 10)->items.empty());
                BOOST_TEST(FindFacility(txn, "nope").status().code() == "NOT_FOUND");
                return Status::Ok();
              }).ok());

  Programme p{"TZ-SE-2025", "台州小微企业收集试点", kCollector, 324.1, 0};
  BOOST_REQUIRE(f.W([&](Txn& txn) -> Status {
                   if (Status s = InsertProgramme(txn, p); !s.ok()) return s;
                   return AddProgrammeMember(txn, p.id, kProducer);
                 }).ok());
  BOOST_TEST(f.W([&](Txn& txn) { return AddProgrammeMember(txn, p.id, kProducer); }).code() ==
             "CONFLICT");
  BOOST_TEST(f.W([&](Txn& txn) { return AddProgrammeMember(txn, "nope", kProducer); }).code() ==
             "INVALID_FIELD");
  BOOST_TEST(f.R([&](Txn& txn) -> Status {
                BOOST_TEST(FindProgramme(txn, p.id)->capacity_t_per_year == 324.1);
                BOOST_TEST(FindProgramme(txn, p.id)->collector == kCollector);
                BOOST_TEST(*IsMember(txn, p.id, kProducer));
                BOOST_TEST(!*IsMember(txn, p.id, kCollector));
                auto members = ListProgrammeMembers(txn, p.id);
                BOOST_REQUIRE(members->size() == 1u);
                BOOST_TEST(members->at(0).member == kProducer);
                BOOST_TEST(*ProgrammesOf(txn, kProducer) == std::vector<std::string>{p.id});
                BOOST_TEST(ListProgrammes(txn, std::nullopt, 10)->items.size() == 1u);
                return Status::Ok();
              }).ok());
}

BOOST_AUTO_TEST_CASE(serials_per_producer_code_and_day) {
  Fixture f;
  auto alloc = [&](const std::string& producer, const std::string& code, const std::string& day,
                   int count) {
    Result<int> out = Status("UNSET", "");
    Status s = f.W([&](Txn& txn) -> Status {
      out = AllocateSerials(txn, producer, code, day, count);
      return out.status();
    });
    (void)s;
    return out;
  };
  BOOST_TEST(*alloc(kProducer, "77200218", "2026-11-28", 1) == 1);
  BOOST_TEST(*alloc(kProducer, "77200218", "2026-11-28", 10) == 2);
  BOOST_TEST(*alloc(kProducer, "77200218", "2026-11-28", 1) == 12);
  BOOST_TEST(*alloc(kProducer, "77200218", "2026-11-29", 1) == 1);   // another day
  BOOST_TEST(*alloc(kProducer, "90000049", "2026-11-28", 1) == 1);   // another code
  BOOST_TEST(*alloc(kCollector, "77200218", "2026-11-28", 1) == 1);  // another producer
  BOOST_TEST(alloc(kProducer, "77200218", "2026-11-28", 0).status().code() == "INVALID_FIELD");

  // 12 used: 987 more fit exactly; then nothing is left and a refusal reserves nothing.
  BOOST_TEST(alloc(kProducer, "77200218", "2026-11-28", 988).status().code() ==
             "SERIALS_EXHAUSTED");
  BOOST_TEST(*alloc(kProducer, "77200218", "2026-11-28", 987) == 13);
  BOOST_TEST(alloc(kProducer, "77200218", "2026-11-28", 1).status().code() == "SERIALS_EXHAUSTED");
  BOOST_TEST(*alloc(kProducer, "77200218", "2026-11-29", 998) == 2);
  BOOST_TEST(alloc(kProducer, "77200218", "2026-11-30", 1000).status().code() ==
             "SERIALS_EXHAUSTED");
  BOOST_TEST(*alloc(kProducer, "77200218", "2026-11-30", 999) == 1);

  // An allocation in a Write that fails is rolled back with it: nothing was handed out.
  Status failed = f.W([&](Txn& txn) -> Status {
    auto first = AllocateSerials(txn, kProducer, "90000049", "2026-12-01", 5);
    BOOST_TEST(*first == 1);
    return Status("INVALID_FIELD", "issuing failed later");
  });
  BOOST_TEST(failed.code() == "INVALID_FIELD");
  BOOST_TEST(*alloc(kProducer, "90000049", "2026-12-01", 1) == 1);
}

BOOST_AUTO_TEST_CASE(manifest_lifecycle_and_events) {
  Fixture f;
  Manifest m = MakeManifest(kProducer, "77200218", "2026-11-28", 1);
  BOOST_REQUIRE(f.W([&](Txn& txn) { return InsertManifest(txn, m); }).ok());
  BOOST_TEST(f.W([&](Txn& txn) { return InsertManifest(txn, m); }).code() == "CONFLICT");
  Manifest bad = MakeManifest(kProducer, "77200218", "2026-11-28", 2);
  bad.status = "lost";
  BOOST_TEST(f.W([&](Txn& txn) { return InsertManifest(txn, bad); }).code() == "INVALID_FIELD");

  f.clock.Advance(5000000);
  BOOST_REQUIRE(
      f.W([&](Txn& txn) { return UpdateManifestStatus(txn, m.id, "issued", "collected"); }).ok());
  BOOST_TEST(f.W([&](Txn& txn) {
                return UpdateManifestStatus(txn, m.id, "issued", "voided");
              }).code() == "CONFLICT");
  BOOST_TEST(f.W([&](Txn& txn) {
                return UpdateManifestStatus(txn, "nope", "issued", "voided");
              }).code() == "NOT_FOUND");
  BOOST_TEST(f.R([&](Txn& txn) -> Status {
                auto got = FindManifest(txn, m.id);
                BOOST_REQUIRE(got.ok());
                BOOST_TEST(got->status == "collected");
                BOOST_TEST(got->token == m.token);
                BOOST_TEST(got->issued_at == 1795830067000000);
                BOOST_TEST(got->updated_at == 1795830072000000);
                BOOST_TEST(!got->destination.has_value());
                return Status::Ok();
              }).ok());

  ManifestEvent pickup;
  pickup.event_id = "6f1c1e0c-8a8e-4d8e-9a57-2f1b2f0c0001";
  pickup.manifest_id = m.id;
  pickup.kind = "pickup";
  pickup.actor = kCollector;
  pickup.device = "scanner-01";
  pickup.mass_g = 1251000;
  pickup.scanned_at = 1795830000000000;
  pickup.vehicle = "浙J12345";
  pickup.lat = 28.68;
  pickup.lon = 121.45;
  pickup.content_sha256 = Sha256Hex("pickup content");
  int64_t seq = 0;
  BOOST_REQUIRE(f.W([&](Txn& txn) -> Status {
                   auto s = InsertEvent(txn, pickup);
                   if (s.ok()) seq = *s;
                   return s.status();
                 }).ok());
  BOOST_TEST(seq > 0);
  BOOST_TEST(f.W([&](Txn& txn) { return InsertEvent(txn, pickup).status(); }).code() ==
             "DUPLICATE");
  ManifestEvent changed = pickup;
  changed.mass_g = 999;
  changed.content_sha256 = Sha256Hex("other content");
  BOOST_TEST(f.W([&](Txn& txn) { return InsertEvent(txn, changed).status(); }).code() ==
             "CONFLICT");
  ManifestEvent orphan = pickup;
  orphan.event_id = "orphan";
  orphan.manifest_id = Id(kProducer, "77200218", "2026-11-28", 99);
  BOOST_TEST(f.W([&](Txn& txn) { return InsertEvent(txn, orphan).status(); }).code() ==
             "INVALID_FIELD");

  BOOST_TEST(f.R([&](Txn& txn) -> Status {
                auto events = ListEvents(txn, m.id);
                BOOST_REQUIRE(events->size() == 1u);
                const ManifestEvent& e = events->at(0);
                BOOST_TEST(e.seq == seq);
                BOOST_TEST(*e.mass_g == 1251000);
                BOOST_TEST(*e.vehicle == "浙J12345");
                BOOST_TEST(*e.lat == 28.68);
                BOOST_TEST(*e.scanned_at == 1795830000000000);
                BOOST_TEST(e.received_at == 1795830072000000);
                BOOST_TEST(!e.facility.has_value());
                BOOST_TEST(FindEventById(txn, pickup.event_id)->manifest_id == m.id);
                BOOST_TEST(FindEventById(txn, "nope").status().code() == "NOT_FOUND");
                return Status::Ok();
              }).ok());
}

BOOST_AUTO_TEST_CASE(revocations_feed) {
  Fixture f;
  BOOST_REQUIRE(f.W([&](Txn& txn) -> Status {
                   for (int i = 1; i <= 30; ++i) {
                     Manifest m = MakeManifest(kProducer, "77200218", "2026-11-28", i);
                     if (Status s = InsertManifest(txn, m); !s.ok()) return s;
                     ManifestEvent e;
                     e.event_id = "issue-" + std::to_string(i);
                     e.manifest_id = m.id;
                     e.kind = "issue";
                     e.actor = kProducer;
                     e.content_sha256 = Sha256Hex(e.event_id);
                     if (auto s = InsertEvent(txn, e); !s.ok()) return s.status();
                     if (i % 3 == 0) {
                       if (Status s = UpdateManifestStatus(txn, m.id, "issued", "voided");
                           !s.ok()) {
                         return s;
                       }
                       e.event_id = "void-" + std::to_string(i);
                       e.kind = "void";
                       e.reason = "printed twice";
                       if (auto s = InsertEvent(txn, e); !s.ok()) return s.status();
                     }
                   }
                   return Status::Ok();
                 }).ok());
  std::set<std::string> voided;
  int64_t after = 0;
  while (true) {
    Page<VoidedManifest, int64_t> page;
    BOOST_REQUIRE(f.R([&](Txn& txn) -> Status {
                     auto p = ListVoidedSince(txn, after, 4);
                     if (p.ok()) page = *p;
                     return p.status();
                   }).ok());
    for (const auto& v : page.items) {
      BOOST_TEST(v.seq > after);
      BOOST_TEST(voided.insert(v.manifest_id).second);
    }
    if (!page.next) break;
    after = *page.next;
  }
  BOOST_TEST(voided.size() == 10u);
  BOOST_TEST(voided.count(Id(kProducer, "77200218", "2026-11-28", 3)) == 1u);
  BOOST_TEST(voided.count(Id(kProducer, "77200218", "2026-11-28", 4)) == 0u);
}

BOOST_AUTO_TEST_CASE(keyset_paging_returns_every_row_once) {
  Fixture f;
  // 600 manifests over two producers, three statuses, two months.
  std::map<std::string, Manifest> all;
  BOOST_REQUIRE(f.W([&](Txn& txn) -> Status {
                   for (int i = 0; i < 600; ++i) {
                     const std::string& producer = i % 2 ? kProducer : kCollector;
                     const std::string day = i % 5 ? "2026-11-28" : "2026-12-01";
                     Manifest m = MakeManifest(producer, "77200218", day, i / 2 + 1);
                     m.status = i % 3 == 0 ? "issued" : i % 3 == 1 ? "collected" : "voided";
                     if (Status s = InsertManifest(txn, m); !s.ok()) return s;
                     all[m.id] = m;
                   }
                   return Status::Ok();
                 }).ok());
  struct Case {
    ManifestFilter filter;
    int limit;
  };
  std::vector<Case> cases = {
      {{}, 1},
      {{}, 7},
      {{}, 1000},
      {{kProducer, std::nullopt, std::nullopt}, 13},
      {{std::nullopt, std::string("collected"), std::nullopt}, 50},
      {{std::nullopt, std::nullopt, std::string("2026-12")}, 9},
      {{kCollector, std::string("issued"), std::string("2026-11")}, 11},
  };
  for (const Case& c : cases) {
    std::vector<std::string> expected;
    for (const auto& [id, m] : all) {
      if (c.filter.producer && m.producer != *c.filter.producer) continue;
      if (c.filter.status && m.status != *c.filter.status) continue;
      if (c.filter.month && m.produced_on.substr(0, 7) != *c.filter.month) continue;
      expected.push_back(id);
    }
    std::vector<std::string> got;
    std::optional<std::string> after;
    int pages = 0;
    while (true) {
      Page<Manifest> page;
      BOOST_REQUIRE(f.R([&](Txn& txn) -> Status {
                       auto p = ListManifests(txn, c.filter, after, c.limit);
                       if (p.ok()) page = *p;
                       return p.status();
                     }).ok());
      BOOST_REQUIRE(++pages <= 700);
      BOOST_TEST(static_cast<int>(page.items.size()) <= c.limit);
      for (const auto& m : page.items) got.push_back(m.id);
      if (!page.next) break;
      BOOST_TEST(*page.next == page.items.back().id);
      after = page.next;
    }
    BOOST_TEST(!expected.empty());
    BOOST_TEST(got == expected, "limit " << c.limit);  // every row once, in id order

    // Newest first: every row once, by produced_on then id, both descending.
    std::vector<std::string> newest = expected;
    std::sort(newest.begin(), newest.end(), [&](const std::string& a, const std::string& b) {
      const auto& da = all.at(a).produced_on;
      const auto& db = all.at(b).produced_on;
      return da != db ? da > db : a > b;
    });
    ManifestFilter desc = c.filter;
    desc.newest_first = true;
    std::vector<std::string> got_desc;
    std::optional<std::string> cursor;
    for (int pages_desc = 0;; ++pages_desc) {
      BOOST_REQUIRE(pages_desc <= 700);
      Page<Manifest> page;
      BOOST_REQUIRE(f.R([&](Txn& txn) -> Status {
                       auto p = ListManifests(txn, desc, cursor, c.limit);
                       if (p.ok()) page = *p;
                       return p.status();
                     }).ok());
      for (const auto& m : page.items) got_desc.push_back(m.id);
      if (!page.next) break;
      cursor = page.next;
    }
    BOOST_TEST(got_desc == newest, "newest first, limit " << c.limit);
  }
  BOOST_TEST(f.R([](Txn& txn) {
                return ListManifests(txn, {std::nullopt, std::nullopt, "2026-13"}, std::nullopt, 10)
                    .status();
              }).code() == "INVALID_FIELD");

  // Orgs page the same way.
  std::vector<std::string> orgs;
  std::optional<std::string> after;
  while (true) {
    Page<Org> page;
    BOOST_REQUIRE(f.R([&](Txn& txn) -> Status {
                     auto p = ListOrgs(txn, after, 2);
                     if (p.ok()) page = *p;
                     return p.status();
                   }).ok());
    for (const auto& o : page.items) orgs.push_back(o.uscc);
    if (!page.next) break;
    after = page.next;
  }
  BOOST_TEST(orgs == (std::vector<std::string>{kCollector, kProducer, kOperator}));
}

BOOST_AUTO_TEST_CASE(idempotency_records) {
  Fixture f;
  IdempotencyRecord r{kProducer, "manifest.issue", "key-1", Sha256Hex("{}"), "id-1,id-2", 0};
  BOOST_TEST(f.R([&](Txn& txn) -> Status {
                auto found = FindIdempotent(txn, r.actor, r.scope, r.key);
                BOOST_REQUIRE(found.ok());
                BOOST_TEST(!found->has_value());
                return Status::Ok();
              }).ok());
  BOOST_REQUIRE(f.W([&](Txn& txn) { return InsertIdempotent(txn, r); }).ok());
  BOOST_TEST(f.W([&](Txn& txn) { return InsertIdempotent(txn, r); }).code() == "CONFLICT");
  IdempotencyRecord other_actor = r;
  other_actor.actor = kCollector;
  BOOST_TEST(f.W([&](Txn& txn) { return InsertIdempotent(txn, other_actor); }).ok());
  BOOST_TEST(f.R([&](Txn& txn) -> Status {
                auto found = FindIdempotent(txn, r.actor, r.scope, r.key);
                BOOST_REQUIRE(found->has_value());
                BOOST_TEST((*found)->result == r.result);
                BOOST_TEST((*found)->request_sha256 == r.request_sha256);
                BOOST_TEST((*found)->created_at == 1795830067000000);
                return Status::Ok();
              }).ok());
  f.clock.Advance(1);
  int64_t pruned = 0;
  BOOST_REQUIRE(f.W([&](Txn& txn) -> Status {
                   auto n = PruneIdempotent(txn, f.clock.NowMicros());
                   if (n.ok()) pruned = *n;
                   return n.status();
                 }).ok());
  BOOST_TEST(pruned == 2);
}

}  // namespace
}  // namespace cradle::store
