#include "server/api/transfer_requests.h"

#include "core/civil_time.h"
#include "core/waste_code.h"

namespace cradle::api {
namespace {

namespace json = boost::json;

// Moves a nested reader's errors (already prefixed) into the outer one.
void Merge(FieldReader& into, FieldReader& from) {
  for (auto& e : from.errors()) into.errors().push_back(std::move(e));
}

// Runs `read` on each object of the array `name` (absent: nothing), with a reader whose errors
// are named "name[i].field".
template <class F>
void EachObject(FieldReader& r, const json::object& body, const char* name, F read) {
  const json::value* v = body.if_contains(name);
  if (!v) return;  // null is not an array: WRONG_TYPE below
  if (!v->is_array() || v->as_array().size() > service::kMaxTransferContainers) {
    r.Add(r.Path(name), "WRONG_TYPE", "an array of at most 1000 objects");
    return;
  }
  size_t i = 0;
  for (const json::value& x : v->as_array()) {
    const std::string prefix = r.Path(name) + "[" + std::to_string(i++) + "].";
    if (!x.is_object()) {
      r.Add(prefix, "WRONG_TYPE", "an object");
      continue;
    }
    FieldReader xr(x.as_object(), prefix);
    read(xr);
    Merge(r, xr);
  }
}

// A waste code in either shape, kept compact (8 digits) as the store holds it.
std::optional<std::string> ReadWasteCode(FieldReader& r, const char* name) {
  auto v = r.String(name, false, 16);
  if (!v) return std::nullopt;
  auto compact = IsCompactWasteCode(*v) ? Result<std::string>(*v) : WasteCodeToCompact(*v);
  if (!compact.ok()) {
    r.Add(r.Path(name), "INVALID_WASTE_CODE", "a waste code such as 772-002-18");
    return std::nullopt;
  }
  return *compact;
}

// A non-empty reason of at most 1000 characters.
std::string ReadReason(FieldReader& r) {
  auto reason = r.String("reason", true, 1000);
  if (reason && reason->empty()) r.Add(r.Path("reason"), "REQUIRED", "say why");
  return reason.value_or("");
}

service::RevisionChanges ReadChanges(FieldReader& top, const json::object& c) {
  service::RevisionChanges ch;
  FieldReader r(c, "changes.");
  r.OnlyKnown({"vehicle", "driver", "receiver", "containers"});
  ch.vehicle = r.String("vehicle", false, 64);
  ch.receiver = r.String("receiver", false, 64);
  if (const json::object* d = r.Object("driver", false)) {
    FieldReader dr(*d, "changes.driver.");
    dr.OnlyKnown({"name", "licence"});
    ch.driver_name = dr.String("name", false, 100);
    ch.driver_licence = dr.String("licence", false, 64);
    Merge(r, dr);
  }
  EachObject(r, c, "containers", [&](FieldReader& cr) {
    cr.OnlyKnown({"manifest", "declared_g", "waste_code", "packaging"});
    service::ContainerCorrection cc;
    cc.manifest = cr.String("manifest", true, 64).value_or("");
    cc.declared_g = cr.Int("declared_g", false, 1, kMaxContainerGrams);
    cc.waste_code = ReadWasteCode(cr, "waste_code");
    cc.packaging = cr.String("packaging", false, 2);
    ch.containers.push_back(std::move(cc));
  });
  Merge(top, r);
  return ch;
}

}  // namespace

bool IsDiscrepancyField(const std::string& f) {
  return f == "name" || f == "quantity" || f == "characteristics" || f == "form" ||
         f == "packaging";
}

service::CreateTransferInput ReadCreateTransfer(FieldReader& r, const json::object&) {
  r.OnlyKnown({"sender", "carrier", "receiver", "vehicle", "driver", "purpose", "planned_on",
               "containers"});
  service::CreateTransferInput in;
  in.sender = r.String("sender", true, 18).value_or("");
  in.carrier = r.String("carrier", true, 18).value_or("");
  in.receiver = r.String("receiver", true, 64).value_or("");
  in.vehicle = r.String("vehicle", true, 64).value_or("");
  if (auto v = r.String("purpose", true, 16)) {
    if (*v != "disposal" && *v != "utilisation") {
      r.Add("purpose", "INVALID_PURPOSE", "disposal or utilisation");
    }
    in.purpose = *v;
  }
  if (auto v = r.String("planned_on", false, 10)) {
    if (!ParseIsoDate(*v).ok()) r.Add("planned_on", "INVALID_DATE", "YYYY-MM-DD");
    in.planned_on = *v;
  }
  if (const json::object* d = r.Object("driver", false)) {
    FieldReader x(*d, "driver.");
    x.OnlyKnown({"name", "licence"});
    in.driver_name = x.String("name", false, 100);
    in.driver_licence = x.String("licence", false, 64);
    Merge(r, x);
  }
  if (in.vehicle.empty() && r.ok()) r.Add("vehicle", "REQUIRED", "the vehicle's plate");
  in.containers = r.Strings("containers", true, service::kMaxTransferContainers, 64)
                      .value_or(std::vector<std::string>{});
  return in;
}

ContainerEdit ReadContainerEdit(FieldReader& r, const json::object&) {
  r.OnlyKnown({"add", "remove"});
  auto add = r.Strings("add", false, service::kMaxTransferContainers, 64);
  auto remove = r.Strings("remove", false, service::kMaxTransferContainers, 64);
  if (r.ok() && !add && !remove) r.Add("add", "REQUIRED", "add or remove");
  return {add.value_or(std::vector<std::string>{}), remove.value_or(std::vector<std::string>{})};
}

NoFields ReadNoFields(FieldReader& r, const json::object&) {
  r.OnlyKnown({});
  return {};
}

std::string ReadCancel(FieldReader& r, const json::object&) {
  r.OnlyKnown({"reason"});
  return ReadReason(r);
}

service::ReceiptInput ReadReceipt(FieldReader& r, const json::object& body) {
  r.OnlyKnown({"refused", "discrepancies", "weighbridge_g", "note"});
  service::ReceiptInput in;
  in.weighbridge_g = r.Int("weighbridge_g", false, 1, kMaxWeighbridgeGrams);
  in.note = r.String("note", false, 2000);
  EachObject(r, body, "refused", [&](FieldReader& x) {
    x.OnlyKnown({"manifest", "reason", "mass_g"});
    service::RefusalInput ri;
    ri.manifest = x.String("manifest", true, 64).value_or("");
    ri.reason = x.String("reason", true, 1000).value_or("");
    if (x.ok() && ri.reason.empty()) x.Add(x.Path("reason"), "REQUIRED", "say why");
    ri.mass_g = x.Int("mass_g", false, 0, kMaxContainerGrams);
    in.refused.push_back(std::move(ri));
  });
  EachObject(r, body, "discrepancies", [&](FieldReader& x) {
    x.OnlyKnown({"manifest", "field", "note"});
    service::DiscrepancyInput di;
    di.manifest = x.String("manifest", true, 64).value_or("");
    di.field = x.String("field", true, 32).value_or("");
    if (x.ok() && !IsDiscrepancyField(di.field)) {
      x.Add(x.Path("field"), "INVALID_FIELD_NAME",
            "name, quantity, characteristics, form or packaging");
    }
    di.note = x.String("note", true, 2000).value_or("");
    in.discrepancies.push_back(std::move(di));
  });
  return in;
}

std::string ReadReturn(FieldReader& r, const json::object&) {
  r.OnlyKnown({"to"});
  return r.String("to", true, 64).value_or("");
}

RevisionProposal ReadRevisionProposal(FieldReader& r, const json::object&) {
  r.OnlyKnown({"changes", "reason"});
  RevisionProposal in;
  in.reason = ReadReason(r);
  if (const json::object* c = r.Object("changes", true)) in.changes = ReadChanges(r, *c);
  if (r.ok() && in.changes.empty()) r.Add("changes", "REQUIRED", "something to correct");
  return in;
}

std::string ReadRevisionAnswer(FieldReader& r, const json::object&) {
  r.OnlyKnown({"note"});
  return r.String("note", false, 1000).value_or("");
}

}  // namespace cradle::api
