#include "server/service/manifests.h"

#include "core/domain_types.h"

#include <algorithm>

#include "core/civil_time.h"
#include "core/digital_id.h"
#include "core/sha256.h"
#include "core/uuid.h"
#include "core/waste_code.h"
#include "server/service/audit_json.h"
#include "server/store/audit.h"
#include "server/store/facilities.h"
#include "server/store/idempotency.h"
#include "server/store/orgs.h"
#include "server/store/reconciliation.h"

namespace cradle::service {
namespace {

// The use case an idempotency record belongs to.
constexpr const char* kIssueScope = "manifest.issue";

// The result reference stored for an issuance: its manifest ids, comma-separated.
std::string JoinIds(const std::vector<store::Manifest>& ms) {
  std::string out;
  for (const auto& m : ms) out += (out.empty() ? "" : ",") + m.id;
  return out;
}

Status Forbidden(const std::string& what) { return Status("FORBIDDEN", what); }

bool OrgHasRole(const store::Org& org, std::string_view role) {
  return std::find(org.roles.begin(), org.roles.end(), role) != org.roles.end();
}

// Checks the producer, the destination and the waste code against current state.
Status CheckIssueReferences(store::Txn& txn, const IssueRequest& req) {
  auto producer = store::FindOrg(txn, req.producer);
  if (!producer.ok()) {
    return producer.status().code() == "NOT_FOUND"
               ? Status("UNKNOWN_ORG", "no organisation " + req.producer)
               : producer.status();
  }
  if (!OrgHasRole(*producer, Name(Role::kProducer))) {
    return Status("ROLE_MISMATCH", req.producer + " is not registered as a producer");
  }
  if (req.destination) {
    auto f = store::FindFacility(txn, *req.destination);
    if (!f.ok()) {
      return f.status().code() == "NOT_FOUND"
                 ? Status("UNKNOWN_FACILITY", "no facility " + *req.destination)
                 : f.status();
    }
    if (!f->accepts.empty() &&
        std::find(f->accepts.begin(), f->accepts.end(), req.waste_code) == f->accepts.end()) {
      return Status("NOT_ACCEPTED", "facility " + f->id + " does not take " + req.waste_code);
    }
  }
  return Status();
}

}  // namespace

KeySet Context::TrustedKeys() const {
  KeySet set;
  for (const auto& jwk : keys.PublicKeys()) set.AddRaw(jwk.kid, jwk.public_key);
  return set;
}

Result<IssueResult> IssueManifests(const Context& ctx, const Principal& p, const IssueRequest& req,
                                   const IdempotencyKey& idem) {
  if (!(p.Is(Role::kAdmin) || (p.Is(Role::kProducer) && p.org == req.producer))) {
    return Forbidden("only the producer itself (or an admin) issues its manifests");
  }
  if (!ctx.catalogue.Find(req.waste_code)) {
    return Status("UNKNOWN_WASTE_CODE",
                  req.waste_code + " is not in the " + ctx.catalogue.edition() + " catalogue");
  }
  auto code8 = WasteCodeToCompact(req.waste_code);
  if (!code8.ok()) return code8.status();
  const CivilDate today = LocalCivilDate(ctx.clock.NowMicros(), ctx.settings.tz_offset_minutes);
  CivilDate day = today;
  if (req.produced_on) {
    auto d = ParseIsoDate(*req.produced_on);
    if (!d.ok()) return d.status();
    day = *d;
    // Waste is labelled once produced: a later day would also draw serials from a day whose
    // 999 have not been counted yet, sidestepping the per-day cap.
    if (day > today) {
      return Status("DATE_OUT_OF_RANGE", "produced_on " + *req.produced_on + " is after today (" +
                                             FormatIsoDate(today) + ")");
    }
  }
  const std::string day_iso = FormatIsoDate(day);

  // Three steps, so that the Ed25519 work runs on the caller's thread, in parallel with other
  // requests, and not on the single writer: (1) reserve serials, (2) sign, (3) store. A failure
  // after (1) leaves serials unused; they are never handed out again, which the spec allows.
  IssueResult out;
  auto replay = [&](store::Txn& txn, bool* found) -> Status {
    *found = false;
    if (idem.key.empty()) return Status();
    auto prior = store::FindIdempotent(txn, p.Actor(), kIssueScope, idem.key);
    if (!prior.ok()) return prior.status();
    if (!*prior) return Status();
    if ((*prior)->request_sha256 != idem.request_sha256) {
      return Status("IDEMPOTENCY_MISMATCH",
                    "this Idempotency-Key was used with a different request body");
    }
    out = IssueResult();
    const std::string& ids = (*prior)->result;
    for (size_t start = 0; start < ids.size();) {
      size_t comma = ids.find(',', start);
      if (comma == std::string::npos) comma = ids.size();
      auto m = store::FindManifest(txn, ids.substr(start, comma - start));
      if (!m.ok()) return m.status();
      out.manifests.push_back(std::move(*m));
      start = comma + 1;
    }
    out.replayed = true;
    *found = true;
    return Status();
  };

  int first = 0;
  bool replayed = false;
  Status s = ctx.db.Write([&](store::Txn& txn) -> Status {
    if (Status st = replay(txn, &replayed); !st.ok() || replayed) return st;
    if (Status st = CheckIssueReferences(txn, req); !st.ok()) return st;
    auto f = store::AllocateSerials(txn, req.producer, *code8, day_iso, req.count);
    if (!f.ok()) return f.status();
    first = *f;
    return Status();
  });
  if (!s.ok()) return s;
  if (replayed) return out;

  const auto active = ctx.keys.Active();
  const int64_t now = ctx.clock.NowMicros();
  std::vector<store::Manifest> issued;
  issued.reserve(req.count);
  boost::json::array ids;
  for (int i = 0; i < req.count; ++i) {
    TokenFields fields;
    fields.kid = active.kid;
    fields.id = DigitalId{req.producer, *code8, day, first + i};
    fields.mass_g = req.mass_g;
    fields.packaging = req.packaging;
    store::Manifest m;
    m.id = BuildDigitalId(fields.id);
    m.token = BuildToken(fields, active.key);
    m.producer = req.producer;
    m.waste_code = *code8;
    m.produced_on = day_iso;
    m.serial = fields.id.serial;
    m.mass_g = req.mass_g;
    m.packaging = req.packaging;
    m.kid = active.kid;
    m.status = Name(ManifestStatus::kIssued);
    m.destination = req.destination;
    m.description = req.description;
    m.issued_by = p.Actor();
    m.issued_at = now;
    m.updated_at = now;
    ids.emplace_back(m.id);
    issued.push_back(std::move(m));
  }
  boost::json::object change{{"producer", req.producer}, {"waste_code", req.waste_code},
                             {"mass_g", req.mass_g},     {"packaging", req.packaging},
                             {"count", req.count},       {"ids", std::move(ids)}};
  const std::string change_text = ChangeText(change);

  s = ctx.db.Write([&](store::Txn& txn) -> Status {
    out = IssueResult();
    // A concurrent request with the same key may have finished meanwhile: answer with its result.
    if (Status st = replay(txn, &replayed); !st.ok() || replayed) return st;
    for (const auto& m : issued) {
      if (Status st = store::InsertManifest(txn, m); !st.ok()) return st;
      // Monthly roll-ups move with the issuance, in the same transaction.
      if (Status st = store::RollupIssue(txn, m.id, ctx.settings.tz_offset_minutes); !st.ok()) {
        return st;
      }
    }
    auto audit =
        store::AppendAudit(txn, p.Actor(), "manifest.issue", issued.front().id, change_text);
    if (!audit.ok()) return audit.status();
    out.issued = req.count;
    // Answer with the rows as stored (the store stamps their times), as a replay will.
    for (const auto& m : issued) {
      auto stored = store::FindManifest(txn, m.id);
      if (!stored.ok()) return stored.status();
      out.manifests.push_back(std::move(*stored));
    }
    if (!idem.key.empty()) {
      store::IdempotencyRecord rec;
      rec.actor = p.Actor();
      rec.scope = kIssueScope;
      rec.key = idem.key;
      rec.request_sha256 = idem.request_sha256;
      rec.result = JoinIds(issued);
      if (Status st = store::InsertIdempotent(txn, rec); !st.ok()) return st;
    }
    return Status();
  });
  if (!s.ok()) return s;
  return out;
}

Result<int64_t> PruneIdempotencyKeys(const Context& ctx) {
  const int64_t before = ctx.clock.NowMicros() - kIdempotencyRetentionMicros;
  int64_t pruned = 0;
  Status s = ctx.db.Write([&](store::Txn& txn) -> Status {
    auto n = store::PruneIdempotent(txn, before);
    if (!n.ok()) return n.status();
    pruned = *n;
    return Status();
  });
  if (!s.ok()) return s;
  return pruned;
}

bool MayRead(const Principal& p, const store::Manifest& m,
             const std::vector<store::ManifestEvent>& events,
             const std::optional<std::string>& destination_operator) {
  if (p.ReadsAll()) return true;
  if (p.org.empty()) return false;
  if (m.producer == p.org) return true;
  if (destination_operator && *destination_operator == p.org) return true;
  return std::any_of(events.begin(), events.end(),
                     [&](const store::ManifestEvent& e) { return e.actor == p.org; });
}

Result<ManifestWithTimeline> GetManifest(const Context& ctx, const Principal& p,
                                         const std::string& id) {
  ManifestWithTimeline out;
  std::optional<std::string> dest_operator;
  Status s = ctx.db.Read([&](store::Txn& txn) -> Status {
    auto m = store::FindManifest(txn, id);
    if (!m.ok()) return m.status();
    out.manifest = std::move(*m);
    auto ev = store::ListEvents(txn, id);
    if (!ev.ok()) return ev.status();
    out.events = std::move(*ev);
    if (out.manifest.destination) {
      auto f = store::FindFacility(txn, *out.manifest.destination);
      if (f.ok()) dest_operator = f->operator_org;
    }
    return Status();
  });
  if (!s.ok()) return s;
  // Another party's manifest reads as absent, so ids cannot be probed.
  if (!MayRead(p, out.manifest, out.events, dest_operator)) {
    return Status("NOT_FOUND", "no manifest " + id);
  }
  return out;
}

Result<store::Page<store::Manifest>> ListManifests(const Context& ctx, const Principal& p,
                                                   store::ManifestFilter filter,
                                                   const std::optional<std::string>& after,
                                                   int limit) {
  if (!p.ReadsAll()) {
    if (!p.Is(Role::kProducer)) {
      return Forbidden(
          "collectors and facilities read manifests by id (GET /api/v1/manifests/{id})");
    }
    if (filter.producer && *filter.producer != p.org) {
      return Forbidden("a producer lists only its own manifests");
    }
    filter.producer = p.org;
  }
  std::optional<store::Page<store::Manifest>> out;
  Status s = ctx.db.Read([&](store::Txn& txn) -> Status {
    auto page = store::ListManifests(txn, filter, after, limit);
    if (!page.ok()) return page.status();
    out = std::move(*page);
    return Status();
  });
  if (!s.ok()) return s;
  return *out;
}

Result<store::Manifest> VoidManifest(const Context& ctx, const Principal& p, const std::string& id,
                                     const std::string& reason) {
  if (!p.Is(Role::kProducer) && !p.Is(Role::kAdmin)) {
    return Forbidden("only the producer voids its manifests");
  }
  store::Manifest out;
  Status s = ctx.db.Write([&](store::Txn& txn) -> Status {
    auto m = store::FindManifest(txn, id);
    if (!m.ok()) return m.status();
    if (p.Is(Role::kProducer) && m->producer != p.org) {
      return Status("NOT_FOUND", "no manifest " + id);
    }
    if (!Is(m->status, ManifestStatus::kIssued)) {
      return Status("INVALID_STATE", "manifest " + id + " is " + m->status +
                                         "; only an issued manifest (before pickup) can be voided");
    }
    if (Status st = store::UpdateManifestStatus(txn, id, std::string(Name(ManifestStatus::kIssued)),
                                                std::string(Name(ManifestStatus::kVoided)));
        !st.ok())
      return st;
    store::ManifestEvent e;
    e.event_id = NewUuidV4();
    e.manifest_id = id;
    e.kind = Name(EventKind::kVoid);
    e.actor = p.org.empty() ? p.Actor() : p.org;
    e.reason = reason;
    boost::json::object change{{"id", id}, {"reason", reason}};
    e.content_sha256 = Sha256Hex(ChangeText(change));
    auto seq = store::InsertEvent(txn, e);
    if (!seq.ok()) return seq.status();
    if (Status st = store::RollupEvent(txn, *seq, ctx.settings.tz_offset_minutes); !st.ok()) {
      return st;
    }
    auto audit = store::AppendAudit(txn, p.Actor(), "manifest.void", id, ChangeText(change));
    if (!audit.ok()) return audit.status();
    auto updated = store::FindManifest(txn, id);
    if (!updated.ok()) return updated.status();
    out = *updated;
    return Status();
  });
  if (!s.ok()) return s;
  return out;
}

Result<store::Page<store::VoidedManifest, int64_t>> Revocations(const Context& ctx,
                                                                const Principal&, int64_t after,
                                                                int limit) {
  std::optional<store::Page<store::VoidedManifest, int64_t>> out;
  Status s = ctx.db.Read([&](store::Txn& txn) -> Status {
    auto page = store::ListVoidedSince(txn, after, limit);
    if (!page.ok()) return page.status();
    out = std::move(*page);
    return Status();
  });
  if (!s.ok()) return s;
  return *out;
}

Result<OnlineVerification> VerifyOnline(const Context& ctx, std::string_view token) {
  OnlineVerification out;
  VerifyOutcome v = Verify(token, ctx.TrustedKeys());
  if (!v.valid()) {
    out.error = v.status.code();
    return out;
  }
  out.valid = true;
  out.fields = v.fields;
  const std::string id = BuildDigitalId(v.fields->id);
  // An unknown manifest is a valid answer (status absent); a storage error is not: the caller
  // would take "no status" for "not issued here".
  Status s = ctx.db.Read([&](store::Txn& txn) -> Status {
    auto m = store::FindManifest(txn, id);
    if (m.ok()) out.status = m->status;
    if (!m.ok() && m.status().code() != "NOT_FOUND") return m.status();
    return Status();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace cradle::service
