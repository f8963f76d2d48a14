#include "server/service/demo.h"

#include <cstdio>
#include <sstream>

#include "core/uscc.h"
#include "server/pki/secrets.h"
#include "server/service/demo_history.h"
#include "server/service/manifests.h"
#include "server/service/parties.h"
#include "server/service/rules.h"

namespace cradle::service {
namespace {

// Taizhou Bay New Area is in Taizhou (331000); synthetic subject ids keep the codes unique.
// `kind` is three letters of the USCC alphabet (no I, O, S, V, Z).
std::string Uscc(const char* kind, int n) {
  char body[32];
  std::snprintf(body, sizeof body, "91331000%s%06d", kind, n);
  return DemoUscc(body);
}

store::Org MakeOrg(std::string uscc, std::string name, std::vector<std::string> roles, bool small,
                   std::string contact) {
  store::Org o;
  o.uscc = std::move(uscc);
  o.name = std::move(name);
  o.roles = std::move(roles);
  o.district = "331000";
  o.small_enterprise = small;
  o.contact = std::move(contact);
  return o;
}

}  // namespace

std::string DemoUscc(const std::string& first17) { return first17 + UsccCheckChar(first17); }

Status SeedDemo(const Context& ctx, const std::string& tokens_path) {
  Principal admin;
  admin.role = Role::kAdmin;
  std::ostringstream tokens;
  tokens << "# cradle demo tokens: role organisation token (keep secret)\n";

  auto org = [&](store::Org o) -> Status { return CreateOrg(ctx, admin, std::move(o)).status(); };
  auto token = [&](const std::string& uscc, Role role, const std::string& who) -> Status {
    auto t = CreateToken(ctx, admin, uscc, role, "demo " + who);
    if (!t.ok()) return t.status();
    tokens << RoleName(role) << " " << uscc << " " << t->token << "  # " << who << "\n";
    return Status();
  };

  const std::string regulator = Uscc("REG", 1);
  const std::string incinerator = Uscc("NCP", 1);
  const std::string landfill_op = Uscc("LFL", 1);
  const std::string collector = Uscc("CLT", 1);
  const std::string sorting = Uscc("FJC", 1);
  const std::string utilisation = Uscc("UTL", 1);

  if (Status s = org(MakeOrg(regulator, "台州湾新区生态环境分局", {"regulator"}, false,
                             "监管科 0576-88000000"));
      !s.ok()) {
    return s;
  }
  if (Status s = org(MakeOrg(incinerator, "台州湾新区生活垃圾焚烧发电厂", {"producer"}, false,
                             "王工 0576-88000001"));
      !s.ok()) {
    return s;
  }
  if (Status s = org(
          MakeOrg(landfill_op, "台州湾新区飞灰填埋场", {"facility"}, false, "李工 0576-88000002"));
      !s.ok()) {
    return s;
  }
  if (Status s = org(MakeOrg(collector, "台州湾新区小微危废集中收运中心", {"collector", "facility"},
                             false, "陈工 0576-88000003"));
      !s.ok()) {
    return s;
  }
  if (Status s = org(MakeOrg(sorting, "台州湾新区一般工业固废分拣中心", {"facility"}, false,
                             "张工 0576-88000004"));
      !s.ok()) {
    return s;
  }
  if (Status s = org(MakeOrg(utilisation, "台州湾新区危废综合利用项目", {"facility"}, false,
                             "赵工 0576-88000005"));
      !s.ok()) {
    return s;
  }

  // Facilities: the landfill phase 2 from the report, and the others it names.
  store::Facility landfill;
  landfill.id = "flyash-landfill-2";
  landfill.operator_org = landfill_op;
  landfill.name = "飞灰填埋场二期";
  landfill.kind = "landfill";
  landfill.accepts = {"772-002-18"};
  landfill.volume_m3 = 238000;
  landfill.density_t_per_m3 = kDefaultLandfillDensityTPerM3;
  landfill.cover_fraction = kDefaultLandfillCoverFraction;
  landfill.regime = "exempt";
  if (auto r = CreateFacility(ctx, admin, landfill); !r.ok()) return r.status();
  store::Facility transfer;
  transfer.id = "small-ent-transfer";
  transfer.operator_org = collector;
  transfer.name = "小微企业危废集中收运暂存库";
  transfer.kind = "transfer_station";
  transfer.t_per_year = 500;
  transfer.regime = "hazardous";
  if (auto r = CreateFacility(ctx, admin, transfer); !r.ok()) return r.status();
  store::Facility util;
  util.id = "hw-utilisation";
  util.operator_org = utilisation;
  util.name = "危废综合利用项目";
  util.kind = "utilisation";
  util.accepts = {"900-249-08", "900-041-49"};
  util.t_per_year = 10000;
  util.regime = "hazardous";
  if (auto r = CreateFacility(ctx, admin, util); !r.ok()) return r.status();

  // 20 key producers and 177 small enterprises.
  std::vector<std::string> members;
  std::vector<std::string> key_producers;
  for (int i = 1; i <= 20; ++i) {
    char name[64];
    std::snprintf(name, sizeof name, "重点产废单位%02d", i);
    key_producers.push_back(Uscc("KEY", i));
    if (Status s = org(MakeOrg(Uscc("KEY", i), name, {"producer"}, false,
                               "0576-8801" + std::to_string(1000 + i)));
        !s.ok()) {
      return s;
    }
  }
  for (int i = 1; i <= 177; ++i) {
    char name[64];
    std::snprintf(name, sizeof name, "小微企业%03d", i);
    const std::string u = Uscc("XWQ", i);
    if (Status s =
            org(MakeOrg(u, name, {"producer"}, true, "0576-8802" + std::to_string(1000 + i)));
        !s.ok()) {
      return s;
    }
    members.push_back(u);
  }
  store::Programme prog;
  prog.id = "sme-collection";
  prog.name = "小微企业危废集中收运";
  prog.collector = collector;
  prog.capacity_t_per_year = 400;
  if (auto r = CreateProgramme(ctx, admin, prog, members); !r.ok()) return r.status();

  // A first day of fly ash in tonne bags, and a small enterprise's lab waste.
  IssueRequest fly;
  fly.producer = incinerator;
  fly.waste_code = "772-002-18";
  fly.mass_g = 1'250'000;
  fly.packaging = "TB";
  fly.count = 12;
  fly.destination = "flyash-landfill-2";
  fly.description = "螯合稳定化飞灰";
  if (auto r = IssueManifests(ctx, admin, fly); !r.ok()) return r.status();
  IssueRequest lab;
  lab.producer = members.front();
  lab.waste_code = "900-041-49";
  lab.mass_g = 23'400;
  lab.packaging = "BG";
  lab.count = 3;
  lab.destination = "hw-utilisation";
  if (auto r = IssueManifests(ctx, admin, lab); !r.ok()) return r.status();

  // Six months of history with planted discrepancies, and the cases they opened.
  DemoParties parties{regulator,   incinerator,   collector, landfill_op,
                      utilisation, key_producers, members};
  if (Status s = SeedDemoHistory(ctx, parties); !s.ok()) return s;

  if (Status s = token(regulator, Role::kRegulator, "regulator"); !s.ok()) return s;
  if (Status s = token(incinerator, Role::kProducer, "incinerator (fly ash)"); !s.ok()) return s;
  if (Status s = token(members.front(), Role::kProducer, "small enterprise 001"); !s.ok()) return s;
  if (Status s = token(collector, Role::kCollector, "collector"); !s.ok()) return s;
  if (Status s = token(landfill_op, Role::kFacility, "fly-ash landfill"); !s.ok()) return s;
  if (auto d = CreateDevice(ctx, admin, "collector-01", collector); !d.ok()) return d.status();
  return pki::WriteSecretFile(tokens_path, tokens.str());
}

}  // namespace cradle::service
