#include "scanner/scan_session.h"

#include <cmath>
#include <cstdio>
#include <ctime>

#include "core/civil_time.h"
#include "core/mass.h"
#include "core/uuid.h"

namespace cradle::scan {

namespace {

std::string Quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

std::string MassComparison(int64_t declared_g, std::optional<int64_t> measured_g) {
  std::string text = "declared " + FormatKg(declared_g);
  if (measured_g) {
    text += ", measured " + FormatKg(*measured_g) + " (" +
            FormatDeviation(declared_g, *measured_g) + ")";
  }
  return text;
}

}  // namespace

std::string FormatDeviation(int64_t declared_g, int64_t measured_g) {
  if (declared_g <= 0) return "n/a";
  double percent =
      100.0 * static_cast<double>(measured_g - declared_g) / static_cast<double>(declared_g);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%+.2f%%", percent);
  return buffer;
}

int LocalUtcOffsetMinutes(int64_t micros_utc) {
  std::time_t seconds = static_cast<std::time_t>(micros_utc / kMicrosPerSecond);
  std::tm local{};
  if (localtime_r(&seconds, &local) == nullptr) return 0;
  return static_cast<int>(local.tm_gmtoff / 60);
}

ScanSession::ScanSession(ScanContext context, const KeySet& keys, Outbox& outbox,
                         const Clock& clock, std::ostream& out)
    : context_(std::move(context)),
      verifier_(keys, outbox),
      outbox_(outbox),
      clock_(clock),
      out_(out),
      reader_(MassRequired(context_.kind)) {}

void ScanSession::OnLine(std::string_view line) {
  reader_.Feed(line, [this](const LineEvent& event) { Handle(event); });
}

void ScanSession::End() {
  for (const LineEvent& event : reader_.Finish()) Handle(event);
  out_.flush();
}

void ScanSession::OnToken(const std::string& token, std::optional<int64_t> mass_g) {
  if (MassRequired(context_.kind) && !mass_g) {
    Verdict verdict = verifier_.Check(token, context_.kind);
    if (!verdict.accepted()) return Reject(verdict);
    ++refused_;
    out_ << "DROPPED   " << verdict.manifest_id << " " << KindName(context_.kind)
         << " needs the measured mass (--mass): not queued\n";
    return;
  }
  Accept(token, mass_g);
}

void ScanSession::Handle(const LineEvent& event) {
  using Kind = LineEvent::Kind;
  switch (event.kind) {
    case Kind::kToken:
      OnNewToken(event);
      break;
    case Kind::kMass:
      if (MassRequired(context_.kind)) {
        Accept(event.token, event.mass_g);
      } else {
        AttachLateMass(event);
      }
      break;
    case Kind::kBadMass:
      out_ << "IGNORED   mass " << Quoted(event.text) << ": " << event.error.message() << "\n";
      break;
    case Kind::kStrayMass:
      out_ << "IGNORED   mass " << FormatKg(*event.mass_g) << ": no scan is waiting for a mass\n";
      break;
    case Kind::kRepeat:
      out_ << "IGNORED   the same label again: it is still waiting for its mass\n";
      break;
    case Kind::kDropped: {
      ++refused_;
      Verdict verdict = verifier_.Check(event.token, context_.kind);
      out_ << "DROPPED   " << verdict.manifest_id << " " << KindName(context_.kind)
           << " without a mass at end of input: not queued, scan it again with its mass\n";
      break;
    }
  }
  out_.flush();
}

void ScanSession::OnNewToken(const LineEvent& event) {
  last_event_id_.clear();
  Verdict verdict = verifier_.Check(event.token, context_.kind);
  if (!verdict.accepted()) {
    reader_.Refuse(event.token);
    return Reject(verdict);
  }
  if (!MassRequired(context_.kind)) {
    if (!Accept(event.token, std::nullopt)) reader_.Refuse(event.token);
    return;
  }
  if (event.waiting > 0) {
    // Named by its manifest id: the token itself is 150 characters.
    out_ << "WAITING   " << verifier_.Check(reader_.waiting().front(), context_.kind).manifest_id
         << " still needs its mass: the next mass line is for it\n";
  }
  out_ << "GENUINE   " << verdict.manifest_id << " " << KindName(context_.kind) << " "
       << MassComparison(verdict.fields->mass_g, std::nullopt) << ", " << verdict.fields->packaging
       << ": type the measured mass\n";
  // Before the mass is typed: the driver should know now, not after loading it.
  WarnIfOffTrip(verdict.manifest_id);
}

bool ScanSession::Accept(const std::string& token, std::optional<int64_t> mass_g) {
  Verdict verdict = verifier_.Check(token, context_.kind);
  if (!verdict.accepted()) {
    Reject(verdict);
    return false;
  }
  const int64_t now = clock_.NowMicros() / kMicrosPerSecond * kMicrosPerSecond;
  ScanRecord scan;
  scan.event_id = NewUuidV4();
  scan.kind = context_.kind;
  scan.token = std::string(StripLineEnding(token));
  scan.manifest_id = verdict.manifest_id;
  scan.mass_g = mass_g;
  scan.scanned_at = FormatRfc3339(now, LocalUtcOffsetMinutes(now));
  scan.facility = context_.facility;
  scan.vehicle = context_.vehicle;
  scan.method = context_.method;
  scan.repeat_scope = RepeatScope(trip_, verdict.manifest_id);
  if (Status s = outbox_.Enqueue(scan); !s.ok()) {
    verdict.status = s;
    Reject(verdict);
    return false;
  }
  ++accepted_;
  last_event_id_ = scan.event_id;
  last_declared_g_ = verdict.fields->mass_g;
  out_ << "ACCEPTED  " << verdict.manifest_id << " " << KindName(context_.kind) << " "
       << MassComparison(verdict.fields->mass_g, mass_g) << ": queued\n";
  if (trip_ != nullptr) {
    if (trip_->Find(verdict.manifest_id) != nullptr) {
      ++on_trip_;
      on_trip_scanned_.insert(verdict.manifest_id);
    } else {
      ++off_trip_;
      WarnIfOffTrip(verdict.manifest_id);
    }
  }
  return true;
}

void ScanSession::BindTrip(const Trip* trip, std::string_view org) {
  trip_ = trip;
  verifier_.BindTrip(trip);
  if (trip_ == nullptr) return;
  out_ << "TRIP      transfer " << trip_->id << " " << trip_->status
       << (trip_->ad_hoc ? " ad hoc" : "")
       << (trip_->return_of.empty() ? "" : " (return of " + trip_->return_of + ")") << ": "
       << trip_->vehicle << ", " << trip_->sender << " -> " << trip_->Destination() << ", "
       << trip_->containers.size() << " container(s)";
  const std::string role = trip_->RoleOf(org);
  if (!role.empty()) out_ << "; this device scans as its " << role;
  out_ << "\n";
  for (const std::string& warning :
       TripBindingWarnings(*trip_, org, context_.kind, context_.vehicle, context_.facility)) {
    out_ << "WARNING   " << warning << "\n";
  }
  out_.flush();
}

int ScanSession::trip_unscanned() const {
  if (trip_ == nullptr) return 0;
  return static_cast<int>(trip_->containers.size() - on_trip_scanned_.size());
}

void ScanSession::WarnIfOffTrip(const std::string& manifest_id) {
  if (trip_ == nullptr || trip_->Find(manifest_id) != nullptr) return;
  if (!off_trip_warned_.insert(manifest_id).second) return;
  out_ << "OFF-TRIP  !!! " << manifest_id << " is NOT on transfer " << trip_->id << " ("
       << trip_->vehicle << " -> " << trip_->Destination() << ")";
  if (trip_->ad_hoc && context_.kind == ScanKind::kPickup) {
    out_ << ": an ad hoc trip takes it only if it is on no other open transfer";
  }
  out_ << ": queued all the same, the server decides custody; check the label and the "
          "paperwork\n";
}

void ScanSession::AttachLateMass(const LineEvent& event) {
  if (last_event_id_.empty()) {
    out_ << "IGNORED   mass " << FormatKg(*event.mass_g) << ": no scan is waiting for a mass\n";
    return;
  }
  Result<bool> attached = outbox_.AttachMass(last_event_id_, *event.mass_g);
  if (!attached.ok() || !*attached) {
    out_ << "IGNORED   mass " << FormatKg(*event.mass_g)
         << ": the scan was already handed to sync\n";
  } else {
    out_ << "MASS      " << MassComparison(last_declared_g_, event.mass_g) << ": recorded\n";
  }
  last_event_id_.clear();
}

void ScanSession::Reject(const Verdict& verdict) {
  ++refused_;
  out_ << "REJECTED  " << verdict.status.code();
  if (!verdict.manifest_id.empty()) out_ << " " << verdict.manifest_id;
  out_ << ": " << verdict.status.message() << "\n";
}

}  // namespace cradle::scan
