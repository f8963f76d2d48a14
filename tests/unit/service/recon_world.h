// Test harness shared by the reconciliation, rules and cases tests: a real SQLite file in a
// temp directory, real signing keys, a FakeClock, and a small district: producers P and Q
// (members of programme PRG, collected by C), collector C, landfill LF (1000 m³, 1.0 t/m³,
// cover 0.2) operated by L, and a regulator R.
//
// Ownership: the World owns everything it builds. Thread safety: one test thread.
#pragma once

#include <stdlib.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/civil_time.h"
#include "core/uuid.h"
#include "server/pki/signing_keys.h"
#include "server/service/catalogue_source.h"
#include "server/service/demo.h"
#include "server/service/manifests.h"
#include "server/service/parties.h"
#include "server/service/scans.h"
#include "server/store/database.h"
#include "tests/unit/service/service_deployment.h"

namespace cradle::service::testing {

// Local (+08:00) midnight of a date, in micros UTC.
inline int64_t At(int y, int m, int d, int hour = 0, int minute = 0) {
  return StartOfLocalDay({y, m, d}, 480) + (hour * 3600LL + minute * 60LL) * kMicrosPerSecond;
}

struct World : Deployment {
  Principal admin, regulator, collector, landfill, producer_p, producer_q;
  std::string p_org = DemoUscc("91331000XWQ000001");
  std::string q_org = DemoUscc("91331000XWQ000002");
  std::string c_org = DemoUscc("91331000CLT000001");
  std::string l_org = DemoUscc("91331000LFL000001");
  std::string r_org = DemoUscc("91331000REG000001");

  World() : Deployment(At(2026, 3, 2, 10), 2) {
    admin.role = Role::kAdmin;
    Org(p_org, "小微企业甲", {"producer"});
    Org(q_org, "小微企业乙", {"producer"});
    Org(c_org, "收运中心", {"collector"});
    Org(l_org, "飞灰填埋场", {"facility"});
    Org(r_org, "分局", {"regulator"});
    store::Facility f;
    f.id = "LF";
    f.operator_org = l_org;
    f.name = "填埋场";
    f.kind = "landfill";
    f.volume_m3 = 1000;
    f.density_t_per_m3 = 1.0;
    f.cover_fraction = 0.2;
    auto fr = CreateFacility(*ctx, admin, f);
    BOOST_REQUIRE_MESSAGE(fr.ok(), fr.status().ToString());
    store::Programme prog;
    prog.id = "PRG";
    prog.name = "集中收运";
    prog.collector = c_org;
    prog.capacity_t_per_year = 10;
    auto pr = CreateProgramme(*ctx, admin, prog, {p_org, q_org});
    BOOST_REQUIRE_MESSAGE(pr.ok(), pr.status().ToString());
    regulator = {Role::kRegulator, r_org, "", 1};
    collector = {Role::kCollector, c_org, "", 2};
    landfill = {Role::kFacility, l_org, "", 3};
    producer_p = {Role::kProducer, p_org, "", 4};
    producer_q = {Role::kProducer, q_org, "", 5};
  }

  void Org(const std::string& uscc, const std::string& name, std::vector<std::string> roles) {
    store::Org o;
    o.uscc = uscc;
    o.name = name;
    o.roles = std::move(roles);
    auto r = CreateOrg(*ctx, admin, o);
    BOOST_REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  }

  std::vector<store::Manifest> Issue(const Principal& p, int count, int64_t mass_g,
                                     const std::string& code = "900-041-49") {
    IssueRequest req;
    req.producer = p.org;
    req.waste_code = code;
    req.mass_g = mass_g;
    req.packaging = "BG";
    req.count = count;
    auto r = IssueManifests(*ctx, p, req);
    BOOST_REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    return r->manifests;
  }

  ScanResult Scan(const std::string& kind, const store::Manifest& m,
                  std::optional<int64_t> mass = std::nullopt) {
    ScanInput s;
    s.event_id = NewUuidV4();
    s.token = m.token;
    s.kind = kind;
    s.scanned_at = FormatRfc3339(clock.NowMicros());
    if (kind == "pickup" || kind == "receive") s.mass_g = mass.value_or(m.mass_g);
    if (kind != "pickup") s.facility = "LF";
    if (kind == "dispose") s.method = "D1";
    auto r = IngestScans(*ctx, kind == "pickup" ? collector : landfill, {s});
    BOOST_REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    return r->front();
  }
};

}  // namespace cradle::service::testing
