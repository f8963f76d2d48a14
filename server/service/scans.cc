#include "server/service/scans.h"

#include "core/domain_types.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "core/civil_time.h"
#include "core/digital_id.h"
#include "core/sha256.h"
#include "core/uuid.h"
#include "core/waste_code.h"
#include "core/wm1.h"
#include "server/service/audit_json.h"
#include "server/service/custody.h"
#include "server/store/audit.h"
#include "server/store/facilities.h"
#include "server/store/manifests.h"
#include "server/store/orgs.h"
#include "server/store/reconciliation.h"
#include "server/store/scans.h"

namespace cradle::service {
namespace {

struct Verdict {
  std::string code;
  std::string detail;
};

// What the caller's organisation may do: pick up (collector), take in (facility).
struct Capabilities {
  bool pickup = false;
  bool facility = false;
};

// Everything decided about one scan before the writer runs.
struct Prepared {
  const ScanInput* in = nullptr;
  std::string sha;
  std::optional<std::string> manifest_id;  // when the token's grammar held
  int64_t scanned_at = 0;
  std::optional<Verdict> reject;  // a verdict that needs no current state
  bool forged = false;            // record a forged_label finding with the rejection
};

bool HasRole(const store::Org& org, std::string_view role) {
  return std::find(org.roles.begin(), org.roles.end(), role) != org.roles.end();
}

bool IsKind(std::string_view k) {
  return Is(k, ScanKind::kPickup) || Is(k, ScanKind::kReceive) || Is(k, ScanKind::kDispose) ||
         Is(k, ScanKind::kReject);
}

bool IsMethodCode(std::string_view m) {
  if (m.empty() || m.size() > 8) return false;
  return std::all_of(m.begin(), m.end(),
                     [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); });
}

Verdict Invalid(std::string detail) { return {"INVALID_SCAN", std::move(detail)}; }

// Field rules of one scan (no state needed). Returns the first failure.
std::optional<Verdict> CheckFields(const ScanInput& s, const Capabilities& caps, int64_t* at) {
  if (s.invalid) return Invalid(*s.invalid);
  if (!IsUuid(s.event_id)) return Invalid("event_id: must be a UUID");
  if (!IsKind(s.kind)) return Invalid("kind: one of pickup, receive, dispose, reject");
  if (Is(s.kind, ScanKind::kPickup) && !caps.pickup) {
    return Invalid("kind: only a collector organisation picks up");
  }
  if (!Is(s.kind, ScanKind::kPickup) && !caps.facility) {
    return Invalid("kind: only a facility organisation may " + s.kind);
  }
  auto t = ParseRfc3339(s.scanned_at);
  if (!t.ok()) return Invalid("scanned_at: RFC 3339 date-time with an offset required");
  *at = *t;
  // A receive may come without a mass: a weighbridge weighs the whole load, and the transfer's
  // receipt (weighbridge_g) apportions it.
  if (Is(s.kind, ScanKind::kPickup) && !s.mass_g) return Invalid("mass_g: required for pickup");
  if (s.mass_g && (*s.mass_g <= 0 || *s.mass_g > kMaxScanMassGrams)) {
    return Invalid("mass_g: must be 1..50000000 grams");
  }
  if (!Is(s.kind, ScanKind::kPickup) && (!s.facility || s.facility->empty())) {
    return Invalid("facility: required for " + s.kind);
  }
  if (Is(s.kind, ScanKind::kDispose) && (!s.method || !IsMethodCode(*s.method))) {
    return Invalid("method: required for dispose, 1-8 of A-Z 0-9 (e.g. D1, R1)");
  }
  if (s.method && !IsMethodCode(*s.method)) return Invalid("method: 1-8 of A-Z 0-9");
  if (s.lat && !(std::isfinite(*s.lat) && std::fabs(*s.lat) <= 90)) {
    return Invalid("lat: -90..90");
  }
  if (s.lon && !(std::isfinite(*s.lon) && std::fabs(*s.lon) <= 180)) {
    return Invalid("lon: -180..180");
  }
  if (s.lat.has_value() != s.lon.has_value()) return Invalid("lat: lat and lon come together");
  if (s.vehicle && s.vehicle->size() > 64) return Invalid("vehicle: at most 64 bytes");
  if (s.note && s.note->size() > 1000) return Invalid("note: at most 1000 bytes");
  return std::nullopt;
}

// The principal's capabilities: a bearer token acts in its role; a device in its org's roles
// (an organisation that both collects and runs a facility scans as either).
Result<Capabilities> CallerCapabilities(const Context& ctx, const Principal& p) {
  Capabilities caps;
  if (!p.device.empty()) {
    Status s = ctx.db.Read([&](store::Txn& txn) -> Status {
      auto org = store::FindOrg(txn, p.org);
      if (!org.ok()) return org.status();
      caps.pickup = HasRole(*org, Name(Role::kCollector));
      caps.facility = HasRole(*org, Name(Role::kFacility));
      return Status();
    });
    if (!s.ok()) return s;
  } else {
    caps.pickup = p.Is(Role::kCollector);
    caps.facility = p.Is(Role::kFacility);
  }
  if (p.org.empty() || !(caps.pickup || caps.facility)) {
    return Status("FORBIDDEN", "scans come from collector or facility organisations");
  }
  return caps;
}

// Reads the stored manifests the batch's tokens name (one read transaction).
Result<std::map<std::string, store::Manifest>> LoadManifests(const Context& ctx,
                                                             const std::set<std::string>& ids) {
  std::map<std::string, store::Manifest> out;
  if (ids.empty()) return out;
  Status s = ctx.db.Read([&](store::Txn& txn) -> Status {
    for (const auto& id : ids) {
      auto m = store::FindManifest(txn, id);
      if (m.ok()) {
        out.emplace(id, std::move(*m));
      } else if (m.status().code() != "NOT_FOUND") {
        return m.status();
      }
    }
    return Status();
  });
  if (!s.ok()) return s;
  return out;
}

// Judges each token: byte-equal to the stored one is genuine; otherwise full verification with
// the published keys names the failure. Keys are loaded at most once per batch.
Status JudgeTokens(const Context& ctx, std::vector<Prepared>& prepared) {
  std::set<std::string> ids;
  std::vector<std::optional<ParsedToken>> parsed(prepared.size());
  for (size_t i = 0; i < prepared.size(); ++i) {
    Prepared& pr = prepared[i];
    if (pr.reject) continue;
    auto t = ParseToken(StripLineEnding(pr.in->token));
    if (!t.ok()) {
      pr.reject = Verdict{t.status().code(), "token: " + t.status().message()};
      continue;
    }
    pr.manifest_id = BuildDigitalId(t->fields.id);
    ids.insert(*pr.manifest_id);
    parsed[i] = std::move(*t);
  }
  auto stored = LoadManifests(ctx, ids);
  if (!stored.ok()) return stored.status();
  std::optional<KeySet> keys;
  for (size_t i = 0; i < prepared.size(); ++i) {
    Prepared& pr = prepared[i];
    if (pr.reject || !pr.manifest_id) continue;
    auto it = stored->find(*pr.manifest_id);
    const std::string_view token = StripLineEnding(pr.in->token);
    if (it != stored->end() && it->second.token == token) continue;  // genuine
    if (!keys) keys = ctx.TrustedKeys();
    VerifyOutcome v = Verify(token, *keys);
    if (!v.valid()) {
      const std::string& code = v.status.code();
      pr.reject = Verdict{code, "token: " + v.status.message()};
      pr.forged = code == "BAD_SIGNATURE" || code == "UNKNOWN_KEY";
    } else if (it == stored->end()) {
      pr.reject = Verdict{"UNKNOWN_MANIFEST", "no manifest " + *pr.manifest_id};
      pr.forged = true;
    } else {
      pr.reject = Verdict{"TOKEN_MISMATCH", "a signed token that is not the one issued"};
      pr.forged = true;
    }
  }
  return Status();
}

std::string FormatPct(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

// Writes one batch: everything that needs current state. Runs inside the writer.
class BatchWriter {
 public:
  BatchWriter(const Context& ctx, const Principal& p, std::vector<Prepared>& prepared,
              std::vector<ScanResult>& results)
      : ctx_(ctx), p_(p), prepared_(prepared), results_(results) {}

  Status Run(store::Txn& txn) {
    results_.assign(prepared_.size(), ScanResult());
    first_seen_.clear();
    manifests_.clear();
    facilities_.clear();
    accepted_ = boost::json::array();
    first_accepted_.clear();
    for (size_t i = 0; i < prepared_.size(); ++i) {
      if (Status s = One(txn, i); !s.ok()) return s;
    }
    if (accepted_.empty()) return Status();
    boost::json::object change{{"accepted", std::move(accepted_)}};
    return store::AppendAudit(txn, p_.Actor(), "scans.ingest", first_accepted_, ChangeText(change))
        .status();
  }

 private:
  Status One(store::Txn& txn, size_t i) {
    const Prepared& pr = prepared_[i];
    ScanResult& r = results_[i];
    r.event_id = pr.in->event_id;
    if (pr.manifest_id) r.manifest = *pr.manifest_id;
    // A second scan with the same event_id in this batch follows the first.
    if (auto seen = first_seen_.find(r.event_id); seen != first_seen_.end()) {
      const size_t j = seen->second;
      if (prepared_[j].sha != pr.sha)
        return Reject(r, {"CONFLICT", "event_id: used in this batch with other content"});
      r = results_[j];
      if (r.status == "accepted") r.status = "duplicate";
      return Status();
    }
    first_seen_.emplace(r.event_id, i);
    if (pr.reject && pr.reject->code == "INVALID_SCAN") return Reject(r, *pr.reject);
    auto prior = store::FindEventContent(txn, r.event_id);
    if (!prior.ok()) return prior.status();
    if (*prior) {
      if (**prior == pr.sha) {
        r.status = "duplicate";
        return Status();
      }
      return Reject(r, {"CONFLICT", "event_id: stored before with other content"});
    }
    if (pr.reject) {
      if (pr.forged) {
        boost::json::object d{{"code", pr.reject->code}, {"kind", pr.in->kind}};
        if (Status s = Finding(txn, "forged_label", pr, d); !s.ok()) return s;
      }
      return Reject(r, *pr.reject);
    }
    auto m = Manifest(txn, *pr.manifest_id);
    if (!m.ok()) {
      if (m.status().code() == "NOT_FOUND") {  // vanished between the read and the writer
        return Reject(r, {"UNKNOWN_MANIFEST", "no manifest " + *pr.manifest_id});
      }
      return m.status();
    }
    store::Manifest& man = **m;
    auto verdict = Lifecycle(txn, pr, man);
    if (!verdict.ok()) return verdict.status();
    if (*verdict) {
      const std::string& code = (*verdict)->code;
      if (code == "ALREADY_COLLECTED") {
        boost::json::object d{{"status", man.status}, {"kind", pr.in->kind}};
        if (Status s = Finding(txn, "copied_label", pr, d); !s.ok()) return s;
      } else if (code == "NOT_CARRIER" || code == "WRONG_RECEIVER" || code == "NOT_IN_CUSTODY" ||
                 (code == "NOT_ACCEPTED" && pr.in->kind == "dispose")) {
        boost::json::object d{
            {"code", code}, {"kind", pr.in->kind}, {"detail", (*verdict)->detail}};
        if (pr.in->facility) d["facility"] = *pr.in->facility;
        if (Status s = Finding(txn, "custody_refused", pr, d); !s.ok()) return s;
      }
      return Reject(r, **verdict);
    }
    if (Status s = Accept(txn, pr, man); !s.ok()) return s;
    r.status = "accepted";
    return Status();
  }

  static Status Reject(ScanResult& r, Verdict v) {
    r.status = "rejected";
    r.code = std::move(v.code);
    r.detail = std::move(v.detail);
    return Status();
  }

  Result<store::Manifest*> Manifest(store::Txn& txn, const std::string& id) {
    auto it = manifests_.find(id);
    if (it == manifests_.end()) {
      auto m = store::FindManifest(txn, id);
      if (!m.ok()) return m.status();
      it = manifests_.emplace(id, std::move(*m)).first;
    }
    return &it->second;
  }

  Result<const store::Facility*> Facility(store::Txn& txn, const std::string& id) {
    auto it = facilities_.find(id);
    if (it == facilities_.end()) {
      auto f = store::FindFacility(txn, id);
      if (!f.ok()) return f.status();
      it = facilities_.emplace(id, std::move(*f)).first;
    }
    return &it->second;
  }

  // The state rules: who may scan where, and which kind follows which status.
  Result<std::optional<Verdict>> Lifecycle(store::Txn& txn, const Prepared& pr,
                                           const store::Manifest& m) {
    using V = std::optional<Verdict>;
    const std::string& kind = pr.in->kind;
    const store::Facility* fac = nullptr;
    if (!Is(kind, ScanKind::kPickup)) {
      auto f = Facility(txn, *pr.in->facility);
      if (!f.ok()) {
        if (f.status().code() == "NOT_FOUND") {
          return V(Invalid("facility: no facility " + *pr.in->facility));
        }
        return f.status();
      }
      fac = *f;
      if (fac->operator_org != p_.org) {
        return V(
            Verdict{"FORBIDDEN_FACILITY", "facility " + fac->id + " is not operated by " + p_.org});
      }
    }
    const std::string& st = m.status;
    if (Is(st, ManifestStatus::kVoided))
      return V(Verdict{"VOIDED", "manifest " + m.id + " was voided"});
    if (Is(kind, ScanKind::kPickup)) {
      if (Is(st, ManifestStatus::kCollected) || Is(st, ManifestStatus::kReceived) ||
          Is(st, ManifestStatus::kDisposed)) {
        return V(Verdict{"ALREADY_COLLECTED", "manifest " + m.id + " is already " + st});
      }
      return Custody(txn, pr, m, fac);  // issued or rejected
    }
    const char* needs = Is(kind, ScanKind::kDispose) ? "received" : "collected";
    if (st != needs) {
      return V(Verdict{"OUT_OF_ORDER", kind + " needs a " + needs + " manifest; it is " + st});
    }
    if (Is(kind, ScanKind::kReceive) && !fac->accepts.empty()) {
      auto dashed = WasteCodeToDashed(m.waste_code);
      const std::string code = dashed.ok() ? *dashed : m.waste_code;
      if (std::find(fac->accepts.begin(), fac->accepts.end(), code) == fac->accepts.end()) {
        return V(Verdict{"NOT_ACCEPTED", "facility " + fac->id + " does not take " + code});
      }
    }
    return Custody(txn, pr, m, fac);
  }

  static CustodyScan ScanFor(const Principal& p, const Prepared& pr, const store::Facility* fac) {
    CustodyScan c;
    c.kind = *Parse<ScanKind>(pr.in->kind);
    c.org = p.org;
    c.actor = p.Actor();
    c.facility = pr.in->facility;
    c.vehicle = pr.in->vehicle;
    c.mass_g = pr.in->mass_g;
    c.note = pr.in->note;
    if (fac) c.facility_accepts = fac->accepts;
    return c;
  }

  // Who holds the container (transfers.md "Custody"): a refusal changes nothing.
  Result<std::optional<Verdict>> Custody(store::Txn& txn, const Prepared& pr,
                                         const store::Manifest& m, const store::Facility* fac) {
    auto refusal = CheckCustody(txn, ScanFor(p_, pr, fac), m);
    if (!refusal.ok()) return refusal.status();
    if (!*refusal) return std::optional<Verdict>();
    return std::optional<Verdict>(Verdict{(*refusal)->code, (*refusal)->detail});
  }

  // The table texts are string literals, so data() is NUL-terminated.
  static const char* NextStatus(const std::string& kind) {
    if (Is(kind, ScanKind::kPickup)) return Name(ManifestStatus::kCollected).data();
    if (Is(kind, ScanKind::kReceive)) return Name(ManifestStatus::kReceived).data();
    if (Is(kind, ScanKind::kDispose)) return Name(ManifestStatus::kDisposed).data();
    return Name(ManifestStatus::kRejected).data();
  }

  Status Accept(store::Txn& txn, const Prepared& pr, store::Manifest& m) {
    const ScanInput& in = *pr.in;
    // The pickup mass, read before this scan's own event joins the timeline.
    std::optional<int64_t> pickup_mass;
    if (Is(in.kind, ScanKind::kReceive)) {
      auto events = store::ListEvents(txn, m.id);
      if (!events.ok()) return events.status();
      for (const auto& e : *events) {
        if (Is(e.kind, ScanKind::kPickup) && e.mass_g) pickup_mass = e.mass_g;
      }
    }
    store::ManifestEvent e;
    e.event_id = in.event_id;
    e.manifest_id = m.id;
    e.kind = in.kind;
    e.actor = p_.org;
    if (!p_.device.empty()) e.device = p_.device;
    e.mass_g = in.mass_g;
    e.scanned_at = pr.scanned_at;
    e.facility = in.facility;
    e.vehicle = in.vehicle;
    e.lat = in.lat;
    e.lon = in.lon;
    e.method = in.method;
    e.note = in.note;
    e.content_sha256 = pr.sha;
    if (Is(in.kind, ScanKind::kReject)) e.reason = in.note;
    auto seq = store::InsertEvent(txn, e);
    if (!seq.ok()) return seq.status();
    // Monthly roll-ups move with the event, in the same transaction.
    if (Status s = store::RollupEvent(txn, *seq, ctx_.settings.tz_offset_minutes); !s.ok()) {
      return s;
    }
    const std::string next = NextStatus(in.kind);
    // Compare-and-set on the status: of two pickups of one container (a copied label on two
    // trucks) the writer commits one; the other finds it collected.
    if (Status s = store::UpdateManifestStatus(txn, m.id, m.status, next); !s.ok()) return s;
    m.status = next;
    const store::Facility* fac = nullptr;
    if (in.facility) {
      auto f = Facility(txn, *in.facility);
      if (f.ok()) fac = *f;
    }
    if (Status s = RecordCustody(ctx_, txn, ScanFor(p_, pr, fac), m); !s.ok()) return s;
    if (in.mass_g && (Is(in.kind, ScanKind::kPickup) || Is(in.kind, ScanKind::kReceive))) {
      if (Status s = Weight(txn, pr, m, "declared", m.mass_g); !s.ok()) return s;
      if (pickup_mass) {
        if (Status s = Weight(txn, pr, m, "pickup", *pickup_mass); !s.ok()) return s;
      }
    }
    const int64_t now = txn.clock().NowMicros();
    const int64_t ahead_s = (pr.scanned_at - now) / kMicrosPerSecond;
    if (ahead_s > ctx_.settings.clock_skew_max_s) {
      boost::json::object d{
          {"scanned_at", pr.scanned_at}, {"received_at", now}, {"ahead_s", ahead_s}};
      if (Status s = Finding(txn, "clock_skew", pr, d); !s.ok()) return s;
    }
    accepted_.push_back(
        boost::json::object{{"event_id", in.event_id}, {"manifest", m.id}, {"kind", in.kind}});
    if (first_accepted_.empty()) first_accepted_ = in.event_id;
    return Status();
  }

  Status Weight(store::Txn& txn, const Prepared& pr, const store::Manifest& m, const char* against,
                int64_t reference_g) {
    auto dev = WeightFinding(reference_g, *pr.in->mass_g, m.waste_code, ctx_.settings);
    if (!dev) return Status();
    boost::json::object d{{"against", against},
                          {"kind", pr.in->kind},
                          {"reference_g", reference_g},
                          {"measured_g", *pr.in->mass_g},
                          {"deviation_pct", FormatPct(*dev)}};
    return Finding(txn, "weight_mismatch", pr, d);
  }

  // Records evidence once per (event_id, kind): a retried batch adds nothing.
  Status Finding(store::Txn& txn, const char* kind, const Prepared& pr,
                 const boost::json::object& detail) {
    auto exists = store::FindingExists(txn, pr.in->event_id, kind);
    if (!exists.ok()) return exists.status();
    if (*exists) return Status();
    store::ScanFinding f;
    f.kind = kind;
    f.manifest_id = pr.manifest_id;
    f.actor = p_.org;
    if (!p_.device.empty()) f.device = p_.device;
    f.event_id = pr.in->event_id;
    f.detail = boost::json::serialize(detail);
    return store::InsertFinding(txn, f).status();
  }

  const Context& ctx_;
  const Principal& p_;
  std::vector<Prepared>& prepared_;
  std::vector<ScanResult>& results_;
  std::map<std::string, size_t> first_seen_;
  std::map<std::string, store::Manifest> manifests_;
  std::map<std::string, store::Facility> facilities_;
  boost::json::array accepted_;
  std::string first_accepted_;
};

void AppendField(std::string& out, const std::optional<std::string>& v) {
  if (!v) {
    out += "-,";
    return;
  }
  out += std::to_string(v->size());
  out += ':';
  out += *v;
  out += ',';
}

std::optional<std::string> Text(const std::optional<double>& v) {
  if (!v) return std::nullopt;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", *v);
  return std::string(buf);
}

std::optional<std::string> Text(const std::optional<int64_t>& v) {
  if (!v) return std::nullopt;
  return std::to_string(*v);
}

}  // namespace

std::string ScanContentSha256(const ScanInput& s) {
  std::string canon = "scan/1,";
  AppendField(canon, s.event_id);
  AppendField(canon, std::string(StripLineEnding(s.token)));
  AppendField(canon, s.kind);
  AppendField(canon, Text(s.mass_g));
  // The instant, not its spelling: "+08:00" and "Z" forms of one moment are the same scan.
  auto at = ParseRfc3339(s.scanned_at);
  AppendField(canon, at.ok() ? "@" + std::to_string(*at) : s.scanned_at);
  AppendField(canon, s.facility);
  AppendField(canon, s.vehicle);
  AppendField(canon, Text(s.lat));
  AppendField(canon, Text(s.lon));
  AppendField(canon, s.method);
  AppendField(canon, s.note);
  return Sha256Hex(canon);
}

std::optional<double> WeightFinding(int64_t reference_g, int64_t measured_g,
                                    std::string_view waste_code, const Settings& settings) {
  if (reference_g <= 0) return std::nullopt;
  const double dev = (static_cast<double>(measured_g) - static_cast<double>(reference_g)) /
                     static_cast<double>(reference_g) * 100.0;
  double low = -settings.weight_tolerance_pct;
  double high = settings.weight_tolerance_pct;
  if (WasteCodeCategory(waste_code) == 18) {  // HW18 residues dry in transit
    low = -3.0;
    high = 1.0;
  }
  // A hair of slack so an exact boundary (5.000 %) is not flagged by rounding.
  constexpr double kEps = 1e-9;
  if (dev < low - kEps || dev > high + kEps) return dev;
  return std::nullopt;
}

Result<std::vector<ScanResult>> IngestScans(const Context& ctx, const Principal& p,
                                            const std::vector<ScanInput>& scans) {
  if (scans.empty() || scans.size() > kMaxScansPerBatch) {
    return Status("INVALID_BATCH", "send 1..1000 scans");
  }
  auto caps = CallerCapabilities(ctx, p);
  if (!caps.ok()) return caps.status();
  // A UUID is one id in either case: stored and compared in lower case, so a retry spelled in
  // upper case is a duplicate, not a second scan of the same label (a false copied_label).
  std::vector<ScanInput> normal(scans);
  for (ScanInput& s : normal) {
    for (char& c : s.event_id) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  std::vector<Prepared> prepared(normal.size());
  for (size_t i = 0; i < normal.size(); ++i) {
    Prepared& pr = prepared[i];
    pr.in = &normal[i];
    pr.sha = ScanContentSha256(normal[i]);
    pr.reject = CheckFields(normal[i], *caps, &pr.scanned_at);
  }
  if (Status s = JudgeTokens(ctx, prepared); !s.ok()) return s;
  std::vector<ScanResult> results;
  BatchWriter writer(ctx, p, prepared, results);
  Status s = ctx.db.Write([&](store::Txn& txn) { return writer.Run(txn); });
  if (!s.ok()) return s;  // nothing of the batch was kept (one Write)
  // Results echo each event_id as the client spelled it: clients match results by it.
  for (size_t i = 0; i < results.size() && i < scans.size(); ++i) {
    results[i].event_id = scans[i].event_id;
  }
  return results;
}

}  // namespace cradle::service
