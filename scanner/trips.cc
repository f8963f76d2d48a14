#include "scanner/trips.h"

#include <boost/json.hpp>

namespace cradle::scan {

namespace json = boost::json;

namespace {

std::string Str(const json::object& o, const char* name) {
  const json::value* v = o.if_contains(name);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

int64_t Int(const json::object& o, const char* name) {
  const json::value* v = o.if_contains(name);
  if (v == nullptr) return 0;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->as_uint64());
  return 0;
}

Result<Trip> FromObject(const json::object& o) {
  Trip trip;
  trip.id = Str(o, "id");
  if (trip.id.empty()) return Status("PROTOCOL", "a transfer has no id");
  trip.status = Str(o, "status");
  trip.sender = Str(o, "sender");
  trip.carrier = Str(o, "carrier");
  trip.receiver = Str(o, "receiver");
  trip.receiver_org = Str(o, "receiver_org");
  trip.vehicle = Str(o, "vehicle");
  trip.planned_on = Str(o, "planned_on");
  const json::value* ad_hoc = o.if_contains("ad_hoc");
  trip.ad_hoc = ad_hoc && ad_hoc->is_bool() && ad_hoc->as_bool();
  trip.return_of = Str(o, "return_of");
  if (const json::value* list = o.if_contains("containers"); list && list->is_array()) {
    for (const json::value& item : list->as_array()) {
      if (!item.is_object()) return Status("PROTOCOL", "a container of " + trip.id + " is odd");
      const json::object& c = item.as_object();
      TripContainer container{Str(c, "manifest"), Str(c, "status"), Str(c, "waste_code"),
                              Int(c, "declared_g")};
      if (container.manifest_id.empty()) {
        return Status("PROTOCOL", "a container of " + trip.id + " names no manifest");
      }
      trip.containers.push_back(std::move(container));
    }
  }
  return trip;
}

Result<json::object> ParseObject(std::string_view text, const char* what) {
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec || !doc.is_object()) return Status("PROTOCOL", std::string(what) + " is not an object");
  return std::move(doc.as_object());
}

}  // namespace

const TripContainer* Trip::Find(std::string_view manifest_id) const {
  for (const TripContainer& c : containers) {
    if (c.manifest_id == manifest_id) return &c;
  }
  return nullptr;
}

std::string Trip::RoleOf(std::string_view org) const {
  std::string role;
  if (!org.empty() && carrier == org) role = "carrier";
  if (!org.empty() && receiver_org == org) role += role.empty() ? "receiver" : ", receiver";
  return role;
}

std::string Trip::Destination() const {
  if (!receiver.empty()) return receiver;
  if (!receiver_org.empty()) return receiver_org;
  return "(receiver not named yet)";
}

std::string RepeatScope(const Trip* trip, std::string_view manifest_id) {
  if (trip == nullptr || trip->return_of.empty() || trip->Find(manifest_id) == nullptr) return "";
  return trip->id;
}

Result<Trip> ParseTrip(std::string_view json_text) {
  Result<json::object> o = ParseObject(json_text, "the transfer");
  if (!o.ok()) return o.status();
  return FromObject(*o);
}

Result<TripPage> ParseTripPage(std::string_view json_text) {
  Result<json::object> o = ParseObject(json_text, "the transfers page");
  if (!o.ok()) return o.status();
  const json::value* items = o->if_contains("items");
  if (items == nullptr || !items->is_array()) {
    return Status("PROTOCOL", "the transfers page has no items array");
  }
  TripPage page;
  for (const json::value& item : items->as_array()) {
    if (!item.is_object()) return Status("PROTOCOL", "a transfer is not an object");
    Result<Trip> trip = FromObject(item.as_object());
    if (!trip.ok()) return trip.status();
    page.items.push_back(std::move(trip).value());
  }
  page.next = Str(*o, "next");
  return page;
}

std::vector<std::string> TripBindingWarnings(const Trip& trip, std::string_view org, ScanKind kind,
                                             std::string_view vehicle, std::string_view facility) {
  std::vector<std::string> warnings;
  const std::string trip_name = "transfer " + trip.id;
  if (kind == ScanKind::kPickup) {
    if (!org.empty() && trip.carrier != org) {
      warnings.push_back("this device's organisation " + std::string(org) +
                         " is not the carrier of " + trip_name + " (" + trip.carrier +
                         "): the server will refuse these pickups (NOT_CARRIER)");
    }
    if (!vehicle.empty() && !trip.vehicle.empty() && vehicle != trip.vehicle) {
      warnings.push_back("vehicle " + std::string(vehicle) + " is not the vehicle of " + trip_name +
                         " (" + trip.vehicle + ")");
    }
    if (trip.status == "delivered") {
      warnings.push_back(trip_name + " is already delivered: a pickup now is late");
    }
  } else {
    if (!facility.empty() && !trip.receiver.empty() && facility != trip.receiver) {
      warnings.push_back("facility " + std::string(facility) + " is not the receiver of " +
                         trip_name + " (" + trip.receiver +
                         "): the server will refuse these scans (WRONG_RECEIVER)");
    } else if (!org.empty() && !trip.receiver_org.empty() && trip.receiver_org != org) {
      warnings.push_back("this device's organisation " + std::string(org) +
                         " does not operate the receiver of " + trip_name + " (" + trip.receiver +
                         ")");
    }
    if (trip.status == "submitted" && kind == ScanKind::kReceive) {
      warnings.push_back(trip_name +
                         " has no pickup on the server yet: receive scans may be held "
                         "OUT_OF_ORDER until the carrier syncs");
    }
  }
  return warnings;
}

}  // namespace cradle::scan
