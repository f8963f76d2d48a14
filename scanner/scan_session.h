// One scanning session (`cradle-scan scan` and `cradle-scan image`): lines or decoded QR texts
// in, one clear verdict line per event out, accepted scans committed to the outbox BEFORE
// their verdict is printed. Never touches the network.
//
// Verdict lines start with a fixed word so an operator (or a script) can tell them apart:
//   ACCEPTED  queued in the outbox (with declared vs measured mass and the deviation in %)
//   REJECTED  not queued: the code (MALFORMED, INVALID_FIELD, UNKNOWN_KEY, BAD_SIGNATURE,
//             VOIDED, ALREADY_SCANNED) and why
//   GENUINE   a pickup/receive token verified, waiting for its mass
//   WAITING   an earlier token still waits for its mass (it gets the next mass line)
//   DROPPED   input ended before the mass of a waiting token: not queued
//   MASS      a mass attached to the dispose/reject scan just accepted
//   IGNORED   a mass line with no scan to take it, a repeated read, or an unreadable mass
//   TRIP      the transfer the session is bound to (`--transfer`), at the start
//   WARNING   what in the session contradicts that transfer (the server will refuse it)
//   OFF-TRIP  a genuine label that is not on the bound transfer: said the moment it is read,
//             and queued all the same (custody is the server's to decide, and the stored copy
//             of the trip may be older than a correction)
//
// Ownership: borrows the KeySet, Outbox, Clock and output stream, which must outlive it.
// Thread safety: none; one session per input.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/wm1.h"
#include "scanner/line_reader.h"
#include "scanner/offline_verifier.h"
#include "scanner/outbox.h"
#include "scanner/scan_record.h"
#include "scanner/trips.h"

namespace cradle::scan {

struct ScanContext {
  ScanKind kind = ScanKind::kPickup;
  std::string facility;
  std::string vehicle;
  std::string method;
};

// "+0.08%" for measured vs declared (two decimals, sign always shown).
std::string FormatDeviation(int64_t declared_g, int64_t measured_g);

// Minutes east of UTC of the machine's local zone at `micros_utc` (TZ honoured).
int LocalUtcOffsetMinutes(int64_t micros_utc);

class ScanSession {
 public:
  ScanSession(ScanContext context, const KeySet& keys, Outbox& outbox, const Clock& clock,
              std::ostream& out);

  // Keyboard-wedge input, one line at a time, then End() at end of input.
  void OnLine(std::string_view line);
  void End();

  // A token read from an image, complete with its mass (or none).
  void OnToken(const std::string& token, std::optional<int64_t> mass_g);

  int accepted() const { return accepted_; }
  // Scans not queued: rejected, dropped for want of a mass.
  int refused() const { return refused_; }

  // Binds the session to one stored trip before any input; `org` is the device's organisation
  // (empty when unknown). Prints the TRIP line and the WARNING lines. `trip` must outlive the
  // session.
  void BindTrip(const Trip* trip, std::string_view org);
  // Accepted scans whose label is on / not on the bound trip.
  int on_trip() const { return on_trip_; }
  int off_trip() const { return off_trip_; }
  // Containers of the bound trip that no accepted scan of this session named.
  int trip_unscanned() const;

 private:
  void Handle(const LineEvent& event);
  void OnNewToken(const LineEvent& event);
  // Verifies again and queues; prints ACCEPTED or REJECTED. True when queued.
  bool Accept(const std::string& token, std::optional<int64_t> mass_g);
  void AttachLateMass(const LineEvent& event);
  void Reject(const Verdict& verdict);
  // Prints OFF-TRIP once per label and session when a trip is bound and the label is not on it.
  void WarnIfOffTrip(const std::string& manifest_id);

  ScanContext context_;
  OfflineVerifier verifier_;
  Outbox& outbox_;
  const Clock& clock_;
  std::ostream& out_;
  LineReader reader_;
  // The dispose/reject scan just queued, for a mass typed on the next line.
  std::string last_event_id_;
  int64_t last_declared_g_ = 0;
  int accepted_ = 0;
  int refused_ = 0;
  const Trip* trip_ = nullptr;
  std::set<std::string> on_trip_scanned_;  // manifest ids
  std::set<std::string> off_trip_warned_;
  int on_trip_ = 0;
  int off_trip_ = 0;
};

}  // namespace cradle::scan
