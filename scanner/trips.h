// The trips (transfer manifests, 电子转移联单; shared/spec/transfers.md) a handheld works on: the
// open transfers on which the device's organisation is the carrier or the receiver, as the
// server lists them (GET /api/v1/transfers, then GET /api/v1/transfers/{id} for the
// containers). `cradle-scan transfers` and `sync` store them in the scanner's database
// (Outbox::ReplaceTrips) so that `scan --transfer ID` can tell offline whether a label is on
// the trip. The server alone decides custody; this copy only warns.
//
// Plain values and pure functions (JSON in, values out); safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "scanner/scan_record.h"

namespace cradle::scan {

struct TripContainer {
  std::string manifest_id;  // 37-character digital id
  std::string status;       // listed, loaded, received, refused, not_loaded
  std::string waste_code;   // "772-002-18"
  int64_t declared_g = 0;
  bool operator==(const TripContainer&) const = default;
};

struct Trip {
  std::string id;  // 14-digit transfer number
  std::string status;
  std::string sender;        // USCC
  std::string carrier;       // USCC
  std::string receiver;      // facility id
  std::string receiver_org;  // the facility operator's USCC
  std::string vehicle;
  std::string planned_on;  // YYYY-MM-DD or empty
  bool ad_hoc = false;
  std::string return_of;  // the transfer whose refused containers this trip takes back, or empty
  std::vector<TripContainer> containers;
  bool operator==(const Trip&) const = default;

  const TripContainer* Find(std::string_view manifest_id) const;
  // "carrier", "receiver", "carrier, receiver" or "" for an organisation on neither side.
  std::string RoleOf(std::string_view org) const;
  // Where the trip goes: the receiver facility, else the receiving organisation (a return to
  // the sender), else "(receiver not named yet)" (an ad hoc trip before delivery).
  std::string Destination() const;
};

// The statuses in which a trip still takes scans: pickups until delivery, receive scans of the
// rest of the load after the first one made it delivered.
inline constexpr std::string_view kOpenTripStatuses[] = {"submitted", "in_transit", "delivered"};

// A transfer object of the API (a list item or the full transfer, whose containers are read).
// Code PROTOCOL when the id is missing or a container has no manifest.
Result<Trip> ParseTrip(std::string_view json_text);

struct TripPage {
  std::vector<Trip> items;  // without containers
  std::string next;         // cursor; empty on the last page
};
// One page of GET /api/v1/transfers. Code PROTOCOL when it has no items array.
Result<TripPage> ParseTripPage(std::string_view json_text);

// The repeat scope (ScanRecord::repeat_scope) of a scan of `manifest_id` in a session bound to
// `trip` (null: unbound): the trip's id when it is a return trip listing the label, since that
// container was picked up once already on its way out; else empty.
std::string RepeatScope(const Trip* trip, std::string_view manifest_id);

// What binding a scan session of `kind` to `trip` means for the device of `org`: the warnings
// for what contradicts the trip (the server will refuse it with a custody code). The vehicle
// and facility are the operator's (empty when not given).
std::vector<std::string> TripBindingWarnings(const Trip& trip, std::string_view org, ScanKind kind,
                                             std::string_view vehicle, std::string_view facility);

}  // namespace cradle::scan
