// What one scan is on this device: the kind of event, the token read and what the operator
// added (mass, facility, vehicle, disposal method), as queued in the outbox and sent in
// POST /api/v1/scans (shared/spec/api.md, "Scans").
//
// Plain values and pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cradle::scan {

enum class ScanKind { kPickup, kReceive, kDispose, kReject };

// "pickup", "receive", "dispose", "reject".
std::string_view KindName(ScanKind kind);
std::optional<ScanKind> ParseKind(std::string_view name);
// The server answers INVALID_SCAN for a pickup or receive without a measured mass.
bool MassRequired(ScanKind kind);

struct ScanRecord {
  std::string event_id;  // UUID v4 made on this device; the server's idempotency key
  ScanKind kind = ScanKind::kPickup;
  std::string token;              // the WM1 token exactly as read (spaces kept)
  std::string manifest_id;        // the token's digital id (37 characters)
  std::optional<int64_t> mass_g;  // measured
  std::string scanned_at;         // RFC 3339 with the local offset
  std::string facility;           // empty = not sent
  std::string vehicle;
  std::string method;
  // Where "scanned once" holds on this device: empty for the whole device (a second pickup of
  // a label is a copy), or the id of the return trip the scan is for (the container legitimately
  // goes back; trips.h RepeatScope). Kept on the device, never sent.
  std::string repeat_scope;
  bool operator==(const ScanRecord&) const = default;
};

}  // namespace cradle::scan
