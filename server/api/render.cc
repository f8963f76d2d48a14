#include "server/api/render.h"

#include "core/civil_time.h"
#include "core/waste_code.h"

namespace cradle::api {
namespace {

boost::json::array Array(const std::vector<std::string>& v) {
  boost::json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

std::string Dashed(const std::string& compact) {
  auto d = WasteCodeToDashed(compact);
  return d.ok() ? *d : compact;
}

template <class T>
void PutOpt(boost::json::object& o, const char* key, const std::optional<T>& v) {
  if (v) o[key] = *v;
}

}  // namespace

boost::json::object RenderOrg(const store::Org& org, int tz) {
  return {{"uscc", org.uscc},
          {"name", org.name},
          {"roles", Array(org.roles)},
          {"district", org.district},
          {"small_enterprise", org.small_enterprise},
          {"contact", org.contact},
          {"created_at", FormatRfc3339(org.created_at, tz)}};
}

boost::json::object RenderFacility(const store::Facility& f, int tz) {
  boost::json::object capacity;
  PutOpt(capacity, "volume_m3", f.volume_m3);
  PutOpt(capacity, "density_t_per_m3", f.density_t_per_m3);
  PutOpt(capacity, "cover_fraction", f.cover_fraction);
  PutOpt(capacity, "t_per_year", f.t_per_year);
  return {{"id", f.id},
          {"operator", f.operator_org},
          {"name", f.name},
          {"kind", f.kind},
          {"accepts", Array(f.accepts)},
          {"capacity", std::move(capacity)},
          {"regime", f.regime},
          {"created_at", FormatRfc3339(f.created_at, tz)}};
}

boost::json::object RenderProgramme(const service::ProgrammeWithMembers& p, int tz) {
  return {{"id", p.programme.id},
          {"name", p.programme.name},
          {"collector", p.programme.collector},
          {"capacity_t_per_year", p.programme.capacity_t_per_year},
          {"members", Array(p.members)},
          {"member_count", p.members.size()},
          {"created_at", FormatRfc3339(p.programme.created_at, tz)}};
}

boost::json::object RenderManifest(const store::Manifest& m, int tz) {
  boost::json::object o{{"id", m.id},
                        {"token", m.token},
                        {"status", m.status},
                        {"producer", m.producer},
                        {"waste_code", Dashed(m.waste_code)},
                        {"produced_on", m.produced_on},
                        {"serial", m.serial},
                        {"mass_g", m.mass_g},
                        {"packaging", m.packaging},
                        {"kid", m.kid},
                        {"issued_at", FormatRfc3339(m.issued_at, tz)},
                        {"updated_at", FormatRfc3339(m.updated_at, tz)}};
  o["destination"] = m.destination ? boost::json::value(*m.destination) : nullptr;
  o["description"] = m.description ? boost::json::value(*m.description) : nullptr;
  return o;
}

boost::json::object RenderEvent(const store::ManifestEvent& e, int tz) {
  boost::json::object o{{"seq", e.seq},
                        {"event_id", e.event_id},
                        {"kind", e.kind},
                        {"actor", e.actor},
                        {"received_at", FormatRfc3339(e.received_at, tz)}};
  PutOpt(o, "device", e.device);
  PutOpt(o, "mass_g", e.mass_g);
  if (e.scanned_at) o["scanned_at"] = FormatRfc3339(*e.scanned_at, tz);
  PutOpt(o, "facility", e.facility);
  PutOpt(o, "vehicle", e.vehicle);
  PutOpt(o, "lat", e.lat);
  PutOpt(o, "lon", e.lon);
  PutOpt(o, "method", e.method);
  PutOpt(o, "note", e.note);
  PutOpt(o, "reason", e.reason);
  return o;
}

boost::json::object RenderAudit(const store::AuditEntry& a) {
  return {{"seq", a.seq},
          {"at", a.at},
          {"actor", a.actor},
          {"action", a.action},
          {"object", a.object},
          {"change_sha256", a.change_sha256},
          {"prev_hash", a.prev_hash},
          {"hash", a.hash}};
}

boost::json::object RenderCase(const store::Case& c, int tz) {
  boost::system::error_code ec;
  auto detail = boost::json::parse(c.detail, ec);
  return boost::json::object{{"id", c.id},
                             {"kind", c.kind},
                             {"subject", c.subject},
                             {"threshold", c.threshold},
                             {"party", c.party},
                             {"status", c.status},
                             {"detail", ec ? boost::json::value(boost::json::object()) : detail},
                             {"opened_at", FormatRfc3339(c.opened_at, tz)},
                             {"opened_month", c.opened_month},
                             {"updated_at", FormatRfc3339(c.updated_at, tz)}};
}

boost::json::object RenderCaseWithHistory(const service::CaseWithHistory& c, int tz) {
  boost::json::object o = RenderCase(c.c, tz);
  boost::json::array history;
  for (const auto& a : c.actions) {
    boost::json::object h{{"action", a.action},
                          {"actor", a.actor},
                          {"note", a.note},
                          {"to", a.to_status},
                          {"at", FormatRfc3339(a.at, tz)}};
    h["from"] = a.from_status ? boost::json::value(*a.from_status) : boost::json::value(nullptr);
    history.push_back(std::move(h));
  }
  o["history"] = std::move(history);
  return o;
}

}  // namespace cradle::api

// ---- transfers ------------------------------------------------------------------------------

namespace cradle::api {
namespace {

namespace json = boost::json;

json::value TimeOrNull(const std::optional<int64_t>& at, int tz) {
  return at ? json::value(FormatRfc3339(*at, tz)) : json::value(nullptr);
}

template <class T>
json::value OrNull(const std::optional<T>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

// Stored JSON text (revision changes, log details) as a value; null if it does not parse.
json::value ParsedOrNull(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  return ec ? json::value(nullptr) : v;
}

}  // namespace

json::object RenderRevision(const store::TransferRevision& r, int tz) {
  json::array votes;
  for (const auto& v : r.votes) {
    votes.push_back(json::object{{"party", v.party},
                                 {"decision", v.decision},
                                 {"note", v.note},
                                 {"at", FormatRfc3339(v.at, tz)}});
  }
  return {{"id", r.id},
          {"transfer", r.transfer_id},
          {"base_version", r.base_version},
          {"proposed_by", r.proposed_by},
          {"changes", ParsedOrNull(r.changes)},
          {"reason", r.reason},
          {"status", r.status},
          {"approvers", Array(r.parties)},
          {"votes", std::move(votes)},
          {"before", r.before ? ParsedOrNull(*r.before) : json::value(nullptr)},
          {"created_at", FormatRfc3339(r.created_at, tz)},
          {"decided_at", TimeOrNull(r.decided_at, tz)}};
}

json::object RenderTransferSummary(const store::Transfer& t, int tz) {
  json::value driver = nullptr;
  if (t.driver_name || t.driver_licence) {
    driver = json::object{{"name", OrNull(t.driver_name)}, {"licence", OrNull(t.driver_licence)}};
  }
  return {{"id", t.id},
          {"sender", t.sender},
          {"carrier", t.carrier},
          {"receiver", OrNull(t.receiver)},
          {"receiver_org", OrNull(t.receiver_org)},
          {"vehicle", t.vehicle},
          {"driver", std::move(driver)},
          {"purpose", t.purpose},
          {"planned_on", OrNull(t.planned_on)},
          {"status", t.status},
          {"ad_hoc", t.ad_hoc},
          {"trip_day", OrNull(t.trip_day)},
          {"created_at", FormatRfc3339(t.created_at, tz)},
          {"submitted_at", TimeOrNull(t.submitted_at, tz)},
          {"sender_signed_at", TimeOrNull(t.sender_signed_at, tz)},
          {"carrier_signed_at", TimeOrNull(t.carrier_signed_at, tz)},
          {"receiver_signed_at", TimeOrNull(t.receiver_signed_at, tz)},
          {"delivered_at", TimeOrNull(t.delivered_at, tz)},
          {"receipt_due", OrNull(t.receipt_due)},
          {"cancelled_at", TimeOrNull(t.cancelled_at, tz)},
          {"cancel_reason", OrNull(t.cancel_reason)},
          {"weighbridge_g", OrNull(t.weighbridge_g)},
          {"receipt_note", OrNull(t.receipt_note)},
          {"return_of", OrNull(t.return_of)},
          {"version", t.version}};
}

json::object RenderTransfer(const service::TransferView& v, int tz) {
  json::object o = RenderTransferSummary(v.t, tz);
  json::array containers;
  for (const auto& c : v.containers) {
    json::value refusal = nullptr;
    if (c.status == "refused") {
      refusal = json::object{{"reason", OrNull(c.refusal_reason)}, {"mass_g", OrNull(c.refused_g)}};
    }
    containers.push_back(json::object{{"manifest", c.manifest_id},
                                      {"status", c.status},
                                      {"waste_code", Dashed(c.waste_code)},
                                      {"packaging", c.packaging},
                                      {"declared_g", c.declared_g},
                                      {"pickup_g", OrNull(c.pickup_g)},
                                      {"received_g", OrNull(c.received_g)},
                                      {"apportioned", c.apportioned},
                                      {"refusal", std::move(refusal)}});
  }
  o["containers"] = std::move(containers);
  json::array lines;
  for (const auto& l : v.lines) {
    lines.push_back(json::object{{"waste_code", Dashed(l.waste_code)},
                                 {"count", l.count},
                                 {"declared_g", l.declared_g},
                                 {"pickup_g", l.pickup_g},
                                 {"received_g", l.received_g},
                                 {"refused_g", l.refused_g},
                                 {"apportioned", l.apportioned}});
  }
  o["lines"] = std::move(lines);
  json::array discrepancies;
  for (const auto& x : v.discrepancies) {
    discrepancies.push_back(json::object{{"manifest", x.manifest_id},
                                         {"field", x.field},
                                         {"note", x.note},
                                         {"at", FormatRfc3339(x.at, tz)}});
  }
  o["discrepancies"] = std::move(discrepancies);
  json::array revisions;
  for (const auto& r : v.revisions) revisions.push_back(RenderRevision(r, tz));
  o["revisions"] = std::move(revisions);
  json::array history;
  for (const auto& h : v.history) {
    history.push_back(json::object{{"action", h.action},
                                   {"actor", h.actor},
                                   {"from", OrNull(h.from_status)},
                                   {"to", h.to_status},
                                   {"detail", ParsedOrNull(h.detail)},
                                   {"at", FormatRfc3339(h.at, tz)}});
  }
  o["history"] = std::move(history);
  return o;
}

}  // namespace cradle::api
