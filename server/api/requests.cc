#include "server/api/requests.h"

#include "core/civil_time.h"
#include "core/digital_id.h"
#include "core/uscc.h"
#include "core/waste_code.h"
#include "core/wm1.h"
#include "server/pki/certs.h"
#include "server/service/principal.h"
#include "server/service/rules.h"

namespace cradle::api {
namespace {

const char* const kOrgRoles[] = {"producer", "collector", "facility", "regulator"};
const char* const kFacilityKinds[] = {"landfill", "incinerator", "utilisation", "transfer_station"};

template <size_t N>
bool OneOf(const std::string& v, const char* const (&set)[N]) {
  for (const char* s : set) {
    if (v == s) return true;
  }
  return false;
}

bool IsIdentifier(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string ReadUscc(FieldReader& r, const char* field, bool required) {
  auto raw = r.String(field, required, 64);
  if (!raw) return {};
  std::string uscc = NormaliseUscc(*raw);
  if (Status s = ValidateUscc(uscc); !s.ok()) {
    r.Add(r.Path(field), "INVALID_USCC", s.message());
    return {};
  }
  return uscc;
}

store::Org ReadOrg(FieldReader& r) {
  r.OnlyKnown({"uscc", "name", "roles", "district", "small_enterprise", "contact"});
  store::Org org;
  org.uscc = ReadUscc(r, "uscc", true);
  if (auto name = r.String("name", true, 200)) {
    if (name->empty()) r.Add("name", "REQUIRED", "name must not be empty");
    org.name = *name;
  }
  if (auto roles = r.Strings("roles", true, 4, 16)) {
    if (roles->empty()) r.Add("roles", "REQUIRED", "at least one role");
    for (const auto& role : *roles) {
      if (!OneOf(role, kOrgRoles)) {
        r.Add("roles", "INVALID_ROLE", role + " is not producer, collector, facility or regulator");
      }
    }
    org.roles = *roles;
  }
  org.district = r.String("district", false, 64).value_or("");
  org.small_enterprise = r.Bool("small_enterprise", false).value_or(false);
  org.contact = r.String("contact", false, 200).value_or("");
  return org;
}

service::IssueRequest ReadIssueRequest(FieldReader& r, const Catalogue& catalogue) {
  r.OnlyKnown({"producer", "waste_code", "mass_g", "packaging", "count", "produced_on",
               "destination", "description"});
  service::IssueRequest req;
  req.producer = ReadUscc(r, "producer", true);
  if (auto code = r.String("waste_code", true, 16)) {
    if (Status s = ValidateWasteCode(*code); !s.ok()) {
      r.Add("waste_code", "INVALID_WASTE_CODE", s.message());
    } else if (!catalogue.Find(*code)) {
      r.Add("waste_code", "UNKNOWN_WASTE_CODE",
            *code + " is not in the " + catalogue.edition() + " catalogue");
    }
    req.waste_code = *code;
  }
  if (auto mass = r.Int("mass_g", true, 1, kMaxTokenMassGrams)) req.mass_g = *mass;
  if (auto pack = r.String("packaging", true, 4)) {
    if (!FindPackaging(*pack)) {
      r.Add("packaging", "INVALID_PACKAGING", "one of DR BG TB BX IB TK BK OT");
    }
    req.packaging = *pack;
  }
  if (auto count = r.Int("count", false, 1, 1000)) req.count = static_cast<int>(*count);
  if (auto day = r.String("produced_on", false, 10)) {
    if (!ParseIsoDate(*day).ok()) {
      r.Add("produced_on", "INVALID_DATE", "a real date as YYYY-MM-DD");
    }
    req.produced_on = *day;
  }
  if (auto dest = r.String("destination", false, 64)) {
    if (!IsIdentifier(*dest)) r.Add("destination", "INVALID_ID", "a facility id");
    req.destination = *dest;
  }
  req.description = r.String("description", false, 500);
  return req;
}

store::Facility ReadFacility(FieldReader& r) {
  r.OnlyKnown({"id", "operator", "name", "kind", "accepts", "capacity", "regime"});
  store::Facility f;
  if (auto id = r.String("id", true, 64)) {
    if (!IsIdentifier(*id)) r.Add("id", "INVALID_ID", "letters, digits, - _ . (1..64)");
    f.id = *id;
  }
  f.operator_org = ReadUscc(r, "operator", true);
  f.name = r.String("name", true, 200).value_or("");
  if (auto kind = r.String("kind", true, 32)) {
    if (!OneOf(*kind, kFacilityKinds)) {
      r.Add("kind", "INVALID_KIND", "landfill, incinerator, utilisation or transfer_station");
    }
    f.kind = *kind;
  }
  if (auto accepts = r.Strings("accepts", false, 500, 16)) {
    for (const auto& code : *accepts) {
      if (!ValidateWasteCode(code).ok()) r.Add("accepts", "INVALID_WASTE_CODE", code);
    }
    f.accepts = *accepts;
  }
  f.regime = r.String("regime", false, 32).value_or("hazardous");
  if (const auto* cap = r.Object("capacity", true)) {
    FieldReader c(*cap, "capacity.");
    c.OnlyKnown({"volume_m3", "density_t_per_m3", "cover_fraction", "t_per_year"});
    if (f.kind == "landfill") {
      f.volume_m3 = c.Number("volume_m3", true, 1, 1e9);
      f.density_t_per_m3 = c.Number("density_t_per_m3", false, 0.1, 5)
                               .value_or(service::kDefaultLandfillDensityTPerM3);
      f.cover_fraction = c.Number("cover_fraction", false, 0, 0.9)
                             .value_or(service::kDefaultLandfillCoverFraction);
    } else {
      f.t_per_year = c.Number("t_per_year", true, 0.001, 1e9);
    }
    for (auto& e : c.errors()) r.errors().push_back(std::move(e));
  }
  return f;
}

ProgrammeInput ReadProgramme(FieldReader& r) {
  r.OnlyKnown({"id", "name", "collector", "capacity_t_per_year", "members"});
  ProgrammeInput in;
  if (auto id = r.String("id", true, 64)) {
    if (!IsIdentifier(*id)) r.Add("id", "INVALID_ID", "letters, digits, - _ . (1..64)");
    in.programme.id = *id;
  }
  in.programme.name = r.String("name", true, 200).value_or("");
  in.programme.collector = ReadUscc(r, "collector", true);
  in.programme.capacity_t_per_year = r.Number("capacity_t_per_year", true, 0.001, 1e9).value_or(0);
  if (auto members = r.Strings("members", false, 10000, 64)) {
    for (size_t i = 0; i < members->size(); ++i) {
      const std::string uscc = NormaliseUscc((*members)[i]);
      if (!IsValidUscc(uscc)) {
        r.Add("members[" + std::to_string(i) + "]", "INVALID_USCC", (*members)[i]);
      }
      in.members.push_back(uscc);
    }
  }
  return in;
}

TokenInput ReadTokenRequest(FieldReader& r) {
  r.OnlyKnown({"role", "label"});
  TokenInput in;
  if (auto role = r.String("role", true, 16)) {
    if (!service::ParseRole(*role)) r.Add("role", "INVALID_ROLE", *role);
    in.role = *role;
  }
  in.label = r.String("label", false, 200).value_or("");
  return in;
}

DeviceInput ReadDevice(FieldReader& r) {
  r.OnlyKnown({"device_id", "org"});
  DeviceInput in;
  if (auto id = r.String("device_id", true, 64)) {
    if (!pki::IsValidDeviceId(*id)) r.Add("device_id", "INVALID_ID", "[A-Za-z0-9._-]{1,64}");
    in.device_id = *id;
  }
  in.org = ReadUscc(r, "org", true);
  return in;
}

LabelRunInput ReadLabelRun(FieldReader& r) {
  r.OnlyKnown({"ids", "format", "size"});
  LabelRunInput in;
  if (auto ids = r.Strings("ids", true, 1000, 40)) {
    if (ids->empty()) r.Add("ids", "REQUIRED", "at least one manifest id");
    for (const auto& id : *ids) {
      if (!SplitDigitalId(id).ok()) r.Add("ids", "INVALID_ID", id + " is not a digital id");
    }
    in.ids = *ids;
  }
  if (auto fmt = r.String("format", true, 8)) {
    if (*fmt != "pdf" && *fmt != "zpl") r.Add("format", "INVALID_FORMAT", "pdf or zpl");
    in.format = *fmt;
  }
  if (auto size = r.Int("size", false, 100, 200)) {
    if (*size != 100 && *size != 150 && *size != 200)
      r.Add("size", "INVALID_SIZE", "100, 150 or 200");
    in.size = static_cast<int>(*size);
  }
  return in;
}

}  // namespace cradle::api
