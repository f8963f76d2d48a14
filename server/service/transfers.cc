#include "server/service/transfers.h"

#include <algorithm>
#include <boost/json.hpp>
#include <map>
#include <set>

#include "core/civil_time.h"
#include "core/sha256.h"
#include "core/transfer_number.h"
#include "core/transfer_state.h"
#include "core/uuid.h"
#include "core/waste_code.h"
#include "server/service/audit_json.h"
#include "server/service/custody.h"
#include "server/store/audit.h"
#include "server/store/facilities.h"
#include "server/store/manifests.h"
#include "server/store/orgs.h"
#include "server/store/reconciliation.h"
#include "server/store/transfers.h"

namespace cradle::service {

const WorkingCalendar& Context::Calendar() const {
  static const WorkingCalendar kWeekendsOnly;
  return calendar ? *calendar : kWeekendsOnly;
}

namespace {

namespace json = boost::json;

bool HasRole(const store::Org& org, std::string_view role) {
  return std::find(org.roles.begin(), org.roles.end(), role) != org.roles.end();
}

std::string Obj(const std::string& id) { return "transfer:" + id; }

TransferStatus StatusOf(const store::Transfer& t) {
  return ParseTransferStatus(t.status).value_or(TransferStatus::kCancelled);
}

bool IsParty(const Principal& p, const store::Transfer& t) {
  return !p.org.empty() &&
         (p.org == t.sender || p.org == t.carrier || (t.receiver_org && p.org == *t.receiver_org));
}

// NOT_FOUND for those who may not see it at all; FORBIDDEN for parties (and regulators) acting
// outside their part.
Status Deny(const Principal& p, const store::Transfer& t, const std::string& why) {
  if (!IsParty(p, t) && !p.ReadsAll()) return Status("NOT_FOUND", "no transfer " + t.id);
  return Status("FORBIDDEN", why);
}

Status RequireSender(const Principal& p, const store::Transfer& t) {
  if (p.Is(Role::kAdmin) || (!p.org.empty() && p.org == t.sender)) return Status();
  return Deny(p, t, "only the sender " + t.sender + " may do this");
}

std::string Month(const Context& ctx, int64_t at) {
  return MonthKey(at, ctx.settings.tz_offset_minutes);
}

// Counts a transfer fact for the sender (producer), the carrier and the receiver facility.
Status Rollup(const Context& ctx, store::Txn& txn, const store::Transfer& t, int64_t at,
              const store::TransferRollupDelta& d) {
  const std::string month = Month(ctx, at);
  if (Status s = store::RollupTransfer(txn, month, "producer", t.sender, d); !s.ok()) return s;
  if (Status s = store::RollupTransfer(txn, month, "carrier", t.carrier, d); !s.ok()) return s;
  if (t.receiver) return store::RollupTransfer(txn, month, "facility", *t.receiver, d);
  return Status();
}

// History row and audit entry of one change.
Status Log(store::Txn& txn, const std::string& actor, const store::Transfer& t,
           const std::string& action, std::optional<std::string> from, json::object detail) {
  store::TransferLogEntry e;
  e.transfer_id = t.id;
  e.action = action;
  e.actor = actor;
  e.from_status = std::move(from);
  e.to_status = t.status;
  e.detail = json::serialize(detail);
  if (Status s = store::AppendTransferLog(txn, e); !s.ok()) return s;
  detail["status"] = t.status;
  return store::AppendAudit(txn, actor, "transfer." + action, Obj(t.id), ChangeText(detail))
      .status();
}

Result<std::string> NewNumber(const Context& ctx, store::Txn& txn, const std::string& sender,
                              int64_t now) {
  const CivilDate today = LocalCivilDate(now, ctx.settings.tz_offset_minutes);
  auto prefix = TransferNumberPrefix(today.year, sender);
  if (!prefix.ok()) return prefix.status();
  auto serial = store::AllocateTransferSerial(txn, *prefix);
  if (!serial.ok()) return serial.status();
  return FormatTransferNumber(*prefix, *serial);
}

store::TransferContainer LineFor(const std::string& transfer_id, const store::Manifest& m,
                                 const std::string& status, int64_t now) {
  store::TransferContainer c;
  c.transfer_id = transfer_id;
  c.manifest_id = m.id;
  c.status = status;
  c.declared_g = m.mass_g;
  c.waste_code = m.waste_code;
  c.packaging = m.packaging;
  c.updated_at = now;
  return c;
}

Result<TransferView> Load(store::Txn& txn, const std::string& id) {
  TransferView v;
  auto t = store::FindTransfer(txn, id);
  if (!t.ok()) return t.status();
  v.t = std::move(*t);
  auto cs = store::ListTransferContainers(txn, id);
  if (!cs.ok()) return cs.status();
  for (auto& c : *cs) {
    if (c.status != "removed") v.containers.push_back(std::move(c));
  }
  v.lines = TransferLines(v.containers);
  auto d = store::ListDiscrepancies(txn, id);
  if (!d.ok()) return d.status();
  v.discrepancies = std::move(*d);
  auto h = store::ListTransferLog(txn, id);
  if (!h.ok()) return h.status();
  v.history = std::move(*h);
  auto r = store::ListRevisions(txn, id);
  if (!r.ok()) return r.status();
  v.revisions = std::move(*r);
  return v;
}

// One Write that loads the transfer, runs `fn` on it and returns the transfer as stored after.
Result<TransferView> Change(const Context& ctx, const std::string& id,
                            const std::function<Status(store::Txn&, store::Transfer&)>& fn) {
  std::optional<TransferView> out;
  Status s = ctx.db.Write([&](store::Txn& txn) -> Status {
    auto t = store::FindTransfer(txn, id);
    if (!t.ok()) return t.status();
    if (Status st = fn(txn, *t); !st.ok()) return st;
    auto v = Load(txn, id);
    if (!v.ok()) return v.status();
    out = std::move(*v);
    return Status();
  });
  if (!s.ok()) return s;
  return std::move(*out);
}

// A container that the sender may list: its own, issued, on no other open transfer.
Status CheckListable(store::Txn& txn, const std::string& sender, const std::string& transfer_id,
                     const std::string& manifest_id, bool require_issued, store::Manifest* out) {
  auto m = store::FindManifest(txn, manifest_id);
  if (!m.ok()) {
    if (m.status().code() == "NOT_FOUND") {
      return Status("UNKNOWN_MANIFEST", "containers: no manifest " + manifest_id);
    }
    return m.status();
  }
  if (m->producer != sender) {
    return Status("NOT_SENDERS", "containers: " + manifest_id + " is not the sender's");
  }
  if (require_issued && m->status != "issued") {
    return Status("NOT_ISSUED", "containers: " + manifest_id + " is " + m->status);
  }
  auto custody = store::FindCustody(txn, manifest_id);
  if (!custody.ok()) return custody.status();
  if (custody->open_transfer && *custody->open_transfer != transfer_id) {
    return Status("ON_OTHER_TRANSFER",
                  "containers: " + manifest_id + " is on transfer " + *custody->open_transfer);
  }
  *out = std::move(*m);
  return Status();
}

std::string DayOf(const Context& ctx, int64_t at) {
  return LocalDate(at, ctx.settings.tz_offset_minutes);
}

// Delivery: the first receive (or gate reject) at the receiver. Listed containers never picked
// up become not_loaded and leave the transfer (their manifests are still issued).
Status Deliver(const Context& ctx, store::Txn& txn, store::Transfer& t, const std::string& actor,
               int64_t now) {
  auto next = NextTransferStatus(StatusOf(t), TransferAction::kDeliver);
  if (!next.ok()) return next.status();
  if (t.status == "delivered") return Status();
  const std::string from = t.status;
  t.status = std::string(TransferStatusName(*next));
  t.delivered_at = now;
  t.receipt_due = ReceiptDue(ctx.Calendar(), LocalCivilDate(now, ctx.settings.tz_offset_minutes));
  t.updated_at = now;
  if (Status s = store::UpdateTransfer(txn, t, from); !s.ok()) return s;
  auto cs = store::ListTransferContainers(txn, t.id);
  if (!cs.ok()) return cs.status();
  json::array not_loaded;
  for (auto& c : *cs) {
    if (c.status != "listed") continue;
    c.status = "not_loaded";
    c.updated_at = now;
    if (Status s = store::PutTransferContainer(txn, c); !s.ok()) return s;
    if (Status s = store::SetOpenTransfer(txn, c.manifest_id, std::nullopt); !s.ok()) return s;
    not_loaded.push_back(json::value(c.manifest_id));
  }
  if (Status s = Rollup(ctx, txn, t, now, {.delivered = 1}); !s.ok()) return s;
  return Log(txn, actor, t, "deliver", from,
             {{"receipt_due", *t.receipt_due}, {"not_loaded", std::move(not_loaded)}});
}

Status RevisionFieldsJson(const RevisionChanges& c, json::object& o) {
  if (c.vehicle) o["vehicle"] = *c.vehicle;
  if (c.driver_name) o["driver_name"] = *c.driver_name;
  if (c.driver_licence) o["driver_licence"] = *c.driver_licence;
  if (c.receiver) o["receiver"] = *c.receiver;
  if (!c.containers.empty()) {
    json::array arr;
    for (const auto& cc : c.containers) {
      json::object x{{"manifest", cc.manifest}};
      if (cc.declared_g) x["declared_g"] = *cc.declared_g;
      if (cc.waste_code) x["waste_code"] = *cc.waste_code;
      if (cc.packaging) x["packaging"] = *cc.packaging;
      arr.push_back(std::move(x));
    }
    o["containers"] = std::move(arr);
  }
  return Status();
}

std::optional<std::string> Str(const json::object& o, const char* k) {
  const auto* v = o.if_contains(k);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->as_string());
}

std::vector<std::string> OtherParties(const store::Transfer& t, const std::string& proposer) {
  std::set<std::string> all{t.sender, t.carrier};
  if (t.receiver_org) all.insert(*t.receiver_org);
  all.erase(proposer);
  return {all.begin(), all.end()};
}

// Applies an approved revision; returns the changed fields as they were before.
Result<json::object> ApplyRevision(const Context& ctx, store::Txn& txn, store::Transfer& t,
                                   const json::object& changes, int64_t now) {
  json::object before;
  auto opt = [](const std::optional<std::string>& v) -> json::value {
    return v ? json::value(*v) : json::value(nullptr);
  };
  if (auto v = Str(changes, "vehicle")) {
    before["vehicle"] = t.vehicle;
    t.vehicle = *v;
  }
  if (auto v = Str(changes, "driver_name")) {
    before["driver_name"] = opt(t.driver_name);
    t.driver_name = *v;
  }
  if (auto v = Str(changes, "driver_licence")) {
    before["driver_licence"] = opt(t.driver_licence);
    t.driver_licence = *v;
  }
  if (auto v = Str(changes, "receiver")) {
    if (t.delivered_at) return Status("INVALID_STATE", "receiver: changes only before delivery");
    auto f = store::FindFacility(txn, *v);
    if (!f.ok()) return Status("UNKNOWN_FACILITY", "receiver: no facility " + *v);
    before["receiver"] = opt(t.receiver);
    t.receiver = f->id;
    t.receiver_org = f->operator_org;
  }
  if (const auto* cs = changes.if_contains("containers"); cs && cs->is_array()) {
    json::array was;
    for (const auto& x : cs->as_array()) {
      const auto& o = x.as_object();
      const std::string mid = Str(o, "manifest").value_or("");
      auto c = store::FindTransferContainer(txn, t.id, mid);
      if (!c.ok()) return c.status();
      if (!*c) return Status("INVALID_FIELD", "containers: " + mid + " is not on the transfer");
      store::TransferContainer tc = **c;
      json::object old{{"manifest", mid}};
      if (const auto* d = o.if_contains("declared_g"); d && d->is_int64()) {
        old["declared_g"] = tc.declared_g;
        tc.declared_g = d->as_int64();
      }
      if (auto w = Str(o, "waste_code")) {
        old["waste_code"] = tc.waste_code;
        tc.waste_code = *w;
      }
      if (auto pk = Str(o, "packaging")) {
        old["packaging"] = tc.packaging;
        tc.packaging = *pk;
      }
      tc.updated_at = now;
      if (Status s = store::PutTransferContainer(txn, tc); !s.ok()) return s;
      was.push_back(std::move(old));
    }
    before["containers"] = std::move(was);
  }
  (void)ctx;
  return before;
}

bool IsPackaging(std::string_view p) {
  for (const char* k : {"DR", "BG", "TB", "BX", "IB", "TK", "BK", "OT"})
    if (p == k) return true;
  return false;
}

}  // namespace

std::vector<TransferLine> TransferLines(const std::vector<store::TransferContainer>& containers) {
  std::map<std::string, TransferLine> by;
  for (const auto& c : containers) {
    if (c.status == "removed" || c.status == "not_loaded") continue;
    TransferLine& l = by[c.waste_code];
    l.waste_code = c.waste_code;
    ++l.count;
    l.declared_g += c.declared_g;
    l.pickup_g += c.pickup_g.value_or(0);
    if (c.status == "refused") {
      l.refused_g += c.refused_g.value_or(0);
    } else {
      l.received_g += c.received_g.value_or(0);
    }
    l.apportioned = l.apportioned || c.apportioned;
  }
  std::vector<TransferLine> out;
  for (auto& [_, l] : by) out.push_back(std::move(l));
  return out;
}

std::vector<int64_t> Apportion(int64_t total_g, const std::vector<int64_t>& declared_g) {
  std::vector<int64_t> out(declared_g.size(), 0);
  int64_t sum = 0;
  for (int64_t d : declared_g) sum += std::max<int64_t>(d, 0);
  if (declared_g.empty() || total_g <= 0) return out;
  if (sum == 0) {  // nothing declared: equal parts
    for (size_t i = 0; i < out.size(); ++i) out[i] = total_g / static_cast<int64_t>(out.size());
    sum = 1;
  } else {
    for (size_t i = 0; i < out.size(); ++i) {
      out[i] = static_cast<int64_t>(static_cast<__int128>(total_g) *
                                    std::max<int64_t>(declared_g[i], 0) / sum);
    }
  }
  int64_t given = 0;
  for (int64_t v : out) given += v;
  // The grams lost to rounding go to the largest declared containers, one each.
  std::vector<size_t> order(out.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return declared_g[a] > declared_g[b]; });
  for (size_t k = 0; given < total_g; k = (k + 1) % order.size(), ++given) ++out[order[k]];
  return out;
}

std::string ReceiptDue(const WorkingCalendar& cal, const CivilDate& delivered_on, int n) {
  return FormatIsoDate(cal.AddWorkingDays(delivered_on, n));
}

Result<TransferView> CreateTransfer(const Context& ctx, const Principal& p,
                                    const CreateTransferInput& in) {
  if (!p.Is(Role::kAdmin)) {
    if (!(p.Is(Role::kProducer) || p.Is(Role::kCollector))) {
      return Status("FORBIDDEN", "a producer or collector sends transfers");
    }
    if (p.org != in.sender) return Status("FORBIDDEN", "a sender creates only its own transfers");
  }
  if (in.containers.empty() || in.containers.size() > kMaxTransferContainers) {
    return Status("INVALID_FIELD", "containers: 1..1000 manifest ids");
  }
  std::set<std::string> seen(in.containers.begin(), in.containers.end());
  if (seen.size() != in.containers.size()) {
    return Status("INVALID_FIELD", "containers: listed twice");
  }
  std::optional<TransferView> out;
  Status s = ctx.db.Write([&](store::Txn& txn) -> Status {
    const int64_t now = txn.clock().NowMicros();
    auto sender = store::FindOrg(txn, in.sender);
    if (!sender.ok()) return Status("UNKNOWN_ORG", "sender: no organisation " + in.sender);
    auto carrier = store::FindOrg(txn, in.carrier);
    if (!carrier.ok()) return Status("UNKNOWN_ORG", "carrier: no organisation " + in.carrier);
    auto f = store::FindFacility(txn, in.receiver);
    if (!f.ok()) return Status("UNKNOWN_FACILITY", "receiver: no facility " + in.receiver);
    auto id = NewNumber(ctx, txn, in.sender, now);
    if (!id.ok()) return id.status();
    store::Transfer t;
    t.id = *id;
    t.sender = in.sender;
    t.carrier = in.carrier;
    t.receiver = f->id;
    t.receiver_org = f->operator_org;
    t.vehicle = in.vehicle;
    t.driver_name = in.driver_name;
    t.driver_licence = in.driver_licence;
    t.purpose = in.purpose;
    t.planned_on = in.planned_on;
    t.status = "draft";
    t.created_at = t.updated_at = now;
    t.created_by = p.Actor();
    if (Status st = store::InsertTransfer(txn, t); !st.ok()) return st;
    for (const auto& mid : in.containers) {
      store::Manifest m;
      if (Status st = CheckListable(txn, in.sender, t.id, mid, false, &m); !st.ok()) return st;
      if (Status st = store::PutTransferContainer(txn, LineFor(t.id, m, "listed", now)); !st.ok()) {
        return st;
      }
    }
    json::array ids;
    for (const auto& mid : in.containers) ids.push_back(json::value(mid));
    if (Status st = Log(txn, p.Actor(), t, "create", std::nullopt,
                        {{"carrier", t.carrier},
                         {"receiver", *t.receiver},
                         {"vehicle", t.vehicle},
                         {"containers", std::move(ids)}});
        !st.ok()) {
      return st;
    }
    auto v = Load(txn, t.id);
    if (!v.ok()) return v.status();
    out = std::move(*v);
    return Status();
  });
  if (!s.ok()) return s;
  return std::move(*out);
}

Result<TransferView> EditTransferContainers(const Context& ctx, const Principal& p,
                                            const std::string& id,
                                            const std::vector<std::string>& add,
                                            const std::vector<std::string>& remove) {
  if (add.size() + remove.size() == 0 || add.size() > kMaxTransferContainers ||
      remove.size() > kMaxTransferContainers) {
    return Status("INVALID_FIELD", "add, remove: 1..1000 manifest ids in all");
  }
  return Change(ctx, id, [&](store::Txn& txn, store::Transfer& t) -> Status {
    if (Status s = RequireSender(p, t); !s.ok()) return s;
    if (t.status != "draft") return Status("INVALID_STATE", "containers change only on a draft");
    const int64_t now = txn.clock().NowMicros();
    for (const auto& mid : add) {
      store::Manifest m;
      if (Status s = CheckListable(txn, t.sender, t.id, mid, false, &m); !s.ok()) return s;
      if (Status s = store::PutTransferContainer(txn, LineFor(t.id, m, "listed", now)); !s.ok()) {
        return s;
      }
    }
    for (const auto& mid : remove) {
      auto c = store::FindTransferContainer(txn, t.id, mid);
      if (!c.ok()) return c.status();
      if (!*c || (*c)->status == "removed") {
        return Status("INVALID_FIELD", "remove: " + mid + " is not on the transfer");
      }
      (*c)->status = "removed";
      (*c)->updated_at = now;
      if (Status s = store::PutTransferContainer(txn, **c); !s.ok()) return s;
    }
    auto cs = store::ListTransferContainers(txn, t.id);
    if (!cs.ok()) return cs.status();
    size_t live = 0;
    for (const auto& c : *cs) live += c.status != "removed";
    if (live > kMaxTransferContainers) return Status("INVALID_FIELD", "at most 1000 containers");
    t.updated_at = now;
    if (Status s = store::UpdateTransfer(txn, t, "draft"); !s.ok()) return s;
    json::array a, r;
    for (const auto& x : add) a.push_back(json::value(x));
    for (const auto& x : remove) r.push_back(json::value(x));
    return Log(txn, p.Actor(), t, "containers", t.status,
               {{"add", std::move(a)}, {"remove", std::move(r)}});
  });
}

Result<TransferView> SubmitTransfer(const Context& ctx, const Principal& p, const std::string& id) {
  return Change(ctx, id, [&](store::Txn& txn, store::Transfer& t) -> Status {
    if (Status s = RequireSender(p, t); !s.ok()) return s;
    auto next = NextTransferStatus(StatusOf(t), TransferAction::kSubmit);
    if (!next.ok()) return next.status();
    const int64_t now = txn.clock().NowMicros();
    auto carrier = store::FindOrg(txn, t.carrier);
    if (!carrier.ok()) return carrier.status();
    if (!HasRole(*carrier, "collector")) {
      return Status("ROLE_MISMATCH", "carrier: " + t.carrier + " has no collector role");
    }
    auto f = store::FindFacility(txn, *t.receiver);
    if (!f.ok()) return f.status();
    auto cs = store::ListTransferContainers(txn, t.id);
    if (!cs.ok()) return cs.status();
    size_t live = 0;
    for (auto& c : *cs) {
      if (c.status == "removed") continue;
      ++live;
      store::Manifest m;
      if (Status s = CheckListable(txn, t.sender, t.id, c.manifest_id, true, &m); !s.ok()) {
        return s;
      }
      if (!f->accepts.empty()) {
        auto dashed = WasteCodeToDashed(m.waste_code);
        const std::string code = dashed.ok() ? *dashed : m.waste_code;
        if (std::find(f->accepts.begin(), f->accepts.end(), code) == f->accepts.end()) {
          return Status("NOT_ACCEPTED", "receiver " + f->id + " does not take " + code);
        }
      }
      if (Status s = store::SetOpenTransfer(txn, m.id, t.id); !s.ok()) return s;
    }
    if (live == 0) return Status("INVALID_FIELD", "containers: a transfer lists at least one");
    t.status = std::string(TransferStatusName(*next));
    t.submitted_at = t.sender_signed_at = now;
    t.updated_at = now;
    if (Status s = store::UpdateTransfer(txn, t, "draft"); !s.ok()) return s;
    if (Status s = Rollup(ctx, txn, t, now, {.submitted = 1}); !s.ok()) return s;
    return Log(txn, p.Actor(), t, "submit", "draft", {{"containers", static_cast<int64_t>(live)}});
  });
}

Result<TransferView> SignTransfer(const Context& ctx, const Principal& p, const std::string& id) {
  return Change(ctx, id, [&](store::Txn& txn, store::Transfer& t) -> Status {
    if (Status s = RequireSender(p, t); !s.ok()) return s;
    if (!t.ad_hoc) return Status("INVALID_STATE", "only an ad hoc trip is signed afterwards");
    if (t.sender_signed_at) return Status("INVALID_STATE", "the sender has signed already");
    if (t.status == "cancelled") return Status("INVALID_STATE", "the transfer is cancelled");
    const int64_t now = txn.clock().NowMicros();
    t.sender_signed_at = now;
    t.updated_at = now;
    if (Status s = store::UpdateTransfer(txn, t, t.status); !s.ok()) return s;
    return Log(txn, p.Actor(), t, "sign", t.status, {});
  });
}

Result<TransferView> CancelTransfer(const Context& ctx, const Principal& p, const std::string& id,
                                    const std::string& reason) {
  if (reason.empty() || reason.size() > 1000) {
    return Status("INVALID_FIELD", "reason: 1..1000 bytes");
  }
  return Change(ctx, id, [&](store::Txn& txn, store::Transfer& t) -> Status {
    if (Status s = RequireSender(p, t); !s.ok()) return s;
    auto next = NextTransferStatus(StatusOf(t), TransferAction::kCancel);
    if (!next.ok()) return next.status();
    const int64_t now = txn.clock().NowMicros();
    auto cs = store::ListTransferContainers(txn, t.id);
    if (!cs.ok()) return cs.status();
    for (const auto& c : *cs) {
      if (c.status == "loaded") return Status("INVALID_STATE", "a container was picked up");
    }
    if (t.status == "submitted") {
      for (const auto& c : *cs) {
        if (c.status != "listed") continue;
        if (Status s = store::SetOpenTransfer(txn, c.manifest_id, std::nullopt); !s.ok()) return s;
      }
    }
    const std::string from = t.status;
    t.status = std::string(TransferStatusName(*next));
    t.cancelled_at = now;
    t.cancel_reason = reason;
    t.updated_at = now;
    if (Status s = store::UpdateTransfer(txn, t, from); !s.ok()) return s;
    return Log(txn, p.Actor(), t, "cancel", from, {{"reason", reason}});
  });
}

Result<TransferView> ConfirmReceipt(const Context& ctx, const Principal& p, const std::string& id,
                                    const ReceiptInput& in) {
  static const std::set<std::string> kFields{"name", "quantity", "characteristics", "form",
                                             "packaging"};
  for (size_t i = 0; i < in.discrepancies.size(); ++i) {
    if (!kFields.count(in.discrepancies[i].field)) {
      return Status("INVALID_FIELD", "discrepancies[" + std::to_string(i) +
                                         "].field: name, quantity, characteristics, form or "
                                         "packaging");
    }
  }
  return Change(ctx, id, [&](store::Txn& txn, store::Transfer& t) -> Status {
    if (p.org.empty() || !t.receiver_org || p.org != *t.receiver_org) {
      return Deny(p, t, "only the receiver's operator confirms receipt");
    }
    const int64_t now = txn.clock().NowMicros();
    // A return to a sender that runs no facility arrives without receive scans.
    if (!t.receiver && t.status == "in_transit") {
      auto cs = store::ListTransferContainers(txn, t.id);
      if (!cs.ok()) return cs.status();
      for (auto& c : *cs) {
        if (c.status != "loaded") continue;
        c.status = "received";
        c.received_g = c.pickup_g;
        c.updated_at = now;
        if (Status s = store::PutTransferContainer(txn, c); !s.ok()) return s;
      }
      if (Status s = Deliver(ctx, txn, t, p.Actor(), now); !s.ok()) return s;
    }
    if (t.status != "delivered") {
      return Status("INVALID_STATE", "a " + t.status + " transfer takes no receipt");
    }
    auto cs = store::ListTransferContainers(txn, t.id);
    if (!cs.ok()) return cs.status();
    std::map<std::string, store::TransferContainer*> by;
    for (auto& c : *cs) by[c.manifest_id] = &c;
    std::map<std::string, const RefusalInput*> refused;
    for (size_t i = 0; i < in.refused.size(); ++i) {
      const auto& r = in.refused[i];
      auto it = by.find(r.manifest);
      const std::string f = "refused[" + std::to_string(i) + "].manifest";
      if (it == by.end() || (it->second->status != "received" && it->second->status != "loaded")) {
        return Status("INVALID_FIELD",
                      f + ": " + r.manifest + " was not delivered on this transfer");
      }
      if (!refused.emplace(r.manifest, &r).second) return Status("INVALID_FIELD", f + ": twice");
    }
    for (size_t i = 0; i < in.discrepancies.size(); ++i) {
      if (!by.count(in.discrepancies[i].manifest)) {
        return Status("INVALID_FIELD", "discrepancies[" + std::to_string(i) +
                                           "].manifest: " + in.discrepancies[i].manifest +
                                           " is not on the transfer");
      }
    }
    // Every loaded container is either receive-scanned or refused: the receipt confirms what
    // arrived, never a container nobody scanned at the gate.
    for (auto& c : *cs) {
      if (c.status == "loaded" && !refused.count(c.manifest_id)) {
        return Status("NOT_RECEIVED", "containers: " + c.manifest_id +
                                          " was not receive-scanned; scan it or refuse it");
      }
    }
    // Weighbridge net mass: apportioned by declared mass over accepted containers that were
    // received without a mass of their own.
    std::vector<store::TransferContainer*> massless;
    for (auto& c : *cs) {
      if (c.status == "received" && !c.received_g && !refused.count(c.manifest_id)) {
        massless.push_back(&c);
      }
    }
    int64_t apportioned_g = 0;
    std::map<std::string, int64_t> apportioned_by_producer;
    if (in.weighbridge_g && !massless.empty()) {
      std::vector<int64_t> declared;
      for (auto* c : massless) declared.push_back(c->declared_g);
      const auto parts = Apportion(*in.weighbridge_g, declared);
      for (size_t i = 0; i < massless.size(); ++i) {
        massless[i]->received_g = parts[i];
        massless[i]->apportioned = true;
        apportioned_g += parts[i];
      }
    }
    int64_t refused_g = 0, accepted = 0, refused_n = 0;
    for (auto& c : *cs) {
      if (c.status != "received" && c.status != "loaded") continue;
      auto m = store::FindManifest(txn, c.manifest_id);
      if (!m.ok()) return m.status();
      if (auto r = refused.find(c.manifest_id); r != refused.end()) {
        c.status = "refused";
        c.refusal_reason = r->second->reason;
        c.refused_g =
            r->second->mass_g.value_or(c.received_g.value_or(c.pickup_g.value_or(c.declared_g)));
        refused_g += *c.refused_g;
        ++refused_n;
        // The refusal is on the container's timeline as a reject at the receiver.
        store::ManifestEvent e;
        e.event_id = NewUuidV4();
        e.manifest_id = m->id;
        e.kind = "reject";
        e.actor = p.org;
        e.facility = t.receiver;
        e.mass_g = c.refused_g;
        e.reason = r->second->reason;
        e.note = "refused on the receipt of transfer " + t.id;
        e.content_sha256 = Sha256Hex("receipt-refusal," + t.id + "," + m->id);
        auto seq = store::InsertEvent(txn, e);
        if (!seq.ok()) return seq.status();
        if (Status s = store::RollupEvent(txn, *seq, ctx.settings.tz_offset_minutes); !s.ok()) {
          return s;
        }
        if (Status s = store::UpdateManifestStatus(txn, m->id, m->status, "rejected"); !s.ok()) {
          return s;
        }
        if (Status s = store::SetHolderFacility(txn, m->id, std::nullopt); !s.ok()) return s;
      } else {
        ++accepted;
        if (c.apportioned && t.receiver) {
          apportioned_by_producer[m->producer] += c.received_g.value_or(0);
        }
        if (!t.receiver && m->status == "collected") {  // back at a sender without a facility
          if (Status s = store::UpdateManifestStatus(txn, m->id, "collected", "issued"); !s.ok()) {
            return s;
          }
        }
      }
      c.updated_at = now;
      if (Status s = store::PutTransferContainer(txn, c); !s.ok()) return s;
      if (Status s = store::SetOpenTransfer(txn, c.manifest_id, std::nullopt); !s.ok()) return s;
    }
    for (const auto& d : in.discrepancies) {
      store::TransferDiscrepancy x;
      x.transfer_id = t.id;
      x.manifest_id = d.manifest;
      x.field = d.field;
      x.note = d.note;
      if (Status s = store::InsertDiscrepancy(txn, x); !s.ok()) return s;
    }
    const std::string month = Month(ctx, now);
    for (const auto& [producer, grams] : apportioned_by_producer) {
      if (Status s = store::RollupApportioned(txn, month, producer, *t.receiver, grams); !s.ok()) {
        return s;
      }
    }
    auto next = NextTransferStatus(StatusOf(t), accepted == 0 ? TransferAction::kReceiptRefusingAll
                                                              : TransferAction::kReceipt);
    if (!next.ok()) return next.status();
    t.status = std::string(TransferStatusName(*next));
    t.receiver_signed_at = now;
    t.weighbridge_g = in.weighbridge_g;
    t.receipt_note = in.note;
    t.updated_at = now;
    if (Status s = store::UpdateTransfer(txn, t, "delivered"); !s.ok()) return s;
    store::TransferRollupDelta d;
    (accepted == 0 ? d.refused : d.received) = 1;
    d.refused_g = refused_g;
    d.apportioned_g = apportioned_g;
    if (Status s = Rollup(ctx, txn, t, now, d); !s.ok()) return s;
    json::object detail{{"accepted", accepted},
                        {"refused", refused_n},
                        {"refused_g", refused_g},
                        {"discrepancies", static_cast<int64_t>(in.discrepancies.size())}};
    if (in.weighbridge_g) {
      detail["weighbridge_g"] = *in.weighbridge_g;
      detail["apportioned_g"] = apportioned_g;
      detail["apportioned_by"] = "declared mass";
    }
    return Log(txn, p.Actor(), t, "receipt", "delivered", std::move(detail));
  });
}

Result<TransferView> ReturnTransfer(const Context& ctx, const Principal& p, const std::string& id,
                                    const std::string& to) {
  if (to.empty() || to.size() > 64) return Status("INVALID_FIELD", "to: sender or a facility id");
  std::optional<TransferView> out;
  Status s = ctx.db.Write([&](store::Txn& txn) -> Status {
    auto orig = store::FindTransfer(txn, id);
    if (!orig.ok()) return orig.status();
    const store::Transfer& o = *orig;
    const bool receiver_side = o.receiver_org && p.org == *o.receiver_org;
    if (p.org.empty() || (p.org != o.carrier && !receiver_side)) {
      return Deny(p, o, "the carrier or the receiver starts a return trip");
    }
    if (o.status != "received" && o.status != "refused") {
      return Status("INVALID_STATE", "a " + o.status + " transfer has no refusals to return");
    }
    auto has = store::HasReturn(txn, o.id);
    if (!has.ok()) return has.status();
    if (*has) return Status("INVALID_STATE", "transfer " + o.id + " has its return trip already");
    auto cs = store::ListTransferContainers(txn, o.id);
    if (!cs.ok()) return cs.status();
    std::vector<store::TransferContainer> back;
    for (const auto& c : *cs)
      if (c.status == "refused") back.push_back(c);
    if (back.empty()) return Status("INVALID_STATE", "transfer " + o.id + " refused nothing");
    const int64_t now = txn.clock().NowMicros();
    store::Transfer t;
    // The load leaves from the receiver's site: its operator is the return's sender.
    t.sender = o.receiver_org.value_or(o.carrier);
    t.carrier = o.carrier;
    if (to == "sender") {
      t.receiver_org = o.sender;
    } else {
      auto f = store::FindFacility(txn, to);
      if (!f.ok()) return Status("UNKNOWN_FACILITY", "to: no facility " + to);
      t.receiver = f->id;
      t.receiver_org = f->operator_org;
    }
    auto num = NewNumber(ctx, txn, t.sender, now);
    if (!num.ok()) return num.status();
    t.id = *num;
    t.vehicle = o.vehicle;
    t.driver_name = o.driver_name;
    t.driver_licence = o.driver_licence;
    t.purpose = o.purpose;
    t.status = "submitted";
    t.return_of = o.id;
    t.created_at = t.updated_at = now;
    t.created_by = p.Actor();
    t.submitted_at = t.sender_signed_at = now;
    if (Status st = store::InsertTransfer(txn, t); !st.ok()) return st;
    json::array ids;
    for (auto c : back) {
      c.transfer_id = t.id;
      c.status = "listed";
      c.pickup_g.reset();
      c.received_g.reset();
      c.apportioned = false;
      c.refusal_reason.reset();
      c.refused_g.reset();
      c.updated_at = now;
      if (Status st = store::PutTransferContainer(txn, c); !st.ok()) return st;
      if (Status st = store::SetOpenTransfer(txn, c.manifest_id, t.id); !st.ok()) return st;
      ids.push_back(json::value(c.manifest_id));
    }
    if (Status st = Rollup(ctx, txn, t, now, {.submitted = 1}); !st.ok()) return st;
    if (Status st = Log(txn, p.Actor(), t, "return", std::nullopt,
                        {{"return_of", o.id}, {"to", to}, {"containers", std::move(ids)}});
        !st.ok()) {
      return st;
    }
    auto v = Load(txn, t.id);
    if (!v.ok()) return v.status();
    out = std::move(*v);
    return Status();
  });
  if (!s.ok()) return s;
  return std::move(*out);
}

Result<store::TransferRevision> ProposeRevision(const Context& ctx, const Principal& p,
                                                const std::string& id,
                                                const RevisionChanges& changes,
                                                const std::string& reason) {
  if (changes.empty()) return Status("INVALID_FIELD", "changes: nothing to correct");
  if (reason.empty() || reason.size() > 1000)
    return Status("INVALID_FIELD", "reason: 1..1000 bytes");
  for (const auto& c : changes.containers) {
    if (c.waste_code && !IsCompactWasteCode(*c.waste_code)) {
      return Status("INVALID_FIELD", "changes.containers.waste_code: no such code");
    }
    if (c.packaging && !IsPackaging(*c.packaging)) {
      return Status("INVALID_FIELD",
                    "changes.containers.packaging: DR, BG, TB, BX, IB, TK, BK or OT");
    }
    if (c.declared_g && (*c.declared_g <= 0 || *c.declared_g > 50'000'000)) {
      return Status("INVALID_FIELD", "changes.containers.declared_g: 1..50000000");
    }
  }
  std::optional<store::TransferRevision> out;
  Status s = ctx.db.Write([&](store::Txn& txn) -> Status {
    auto t = store::FindTransfer(txn, id);
    if (!t.ok()) return t.status();
    if (!IsParty(p, *t)) return Deny(p, *t, "only a party on the transfer proposes revisions");
    if (!AcceptsRevisions(StatusOf(*t))) {
      return Status("INVALID_STATE", "a " + t->status + " transfer takes no revision");
    }
    if (changes.receiver && t->delivered_at) {
      return Status("INVALID_STATE", "receiver: changes only before delivery");
    }
    if (changes.receiver) {
      if (!store::FindFacility(txn, *changes.receiver).ok()) {
        return Status("UNKNOWN_FACILITY", "changes.receiver: no facility " + *changes.receiver);
      }
    }
    for (const auto& c : changes.containers) {
      auto tc = store::FindTransferContainer(txn, id, c.manifest);
      if (!tc.ok()) return tc.status();
      if (!*tc || (*tc)->status == "removed") {
        return Status("INVALID_FIELD", "changes.containers: " + c.manifest + " is not on it");
      }
    }
    auto existing = store::ListRevisions(txn, id);
    if (!existing.ok()) return existing.status();
    for (const auto& r : *existing) {
      if (r.status == "proposed") {
        return Status("INVALID_STATE", "revision " + std::to_string(r.id) + " is still open");
      }
    }
    store::TransferRevision r;
    r.transfer_id = id;
    r.base_version = t->version;
    r.proposed_by = p.org;
    r.proposed_actor = p.Actor();
    json::object ch;
    RevisionFieldsJson(changes, ch);
    r.changes = json::serialize(ch);
    r.reason = reason;
    r.parties = OtherParties(*t, p.org);
    auto rid = store::InsertRevision(txn, r);
    if (!rid.ok()) return rid.status();
    if (Status st = Log(txn, p.Actor(), *t, "revision.propose", t->status,
                        {{"revision", *rid}, {"changes", ch}, {"reason", reason}});
        !st.ok()) {
      return st;
    }
    // Nobody else on it (e.g. sender and carrier are one organisation): applied at once.
    auto loaded = store::FindRevision(txn, *rid);
    if (!loaded.ok()) return loaded.status();
    out = std::move(*loaded);
    return Status();
  });
  if (!s.ok()) return s;
  if (out->parties.empty()) return AnswerRevision(ctx, p, out->id, true, "");
  return std::move(*out);
}

Result<store::TransferRevision> AnswerRevision(const Context& ctx, const Principal& p,
                                               int64_t revision_id, bool approve,
                                               const std::string& note) {
  if (note.size() > 1000) return Status("INVALID_FIELD", "note: at most 1000 bytes");
  std::optional<store::TransferRevision> out;
  Status s = ctx.db.Write([&](store::Txn& txn) -> Status {
    auto r = store::FindRevision(txn, revision_id);
    if (!r.ok()) return r.status();
    auto t = store::FindTransfer(txn, r->transfer_id);
    if (!t.ok()) return t.status();
    if (!IsParty(p, *t) && !p.ReadsAll()) {
      return Status("NOT_FOUND", "no revision " + std::to_string(revision_id));
    }
    const bool self_applied = r->parties.empty() && p.org == r->proposed_by;
    const bool asked = std::find(r->parties.begin(), r->parties.end(), p.org) != r->parties.end();
    if (!asked && !self_applied) {
      return Status("FORBIDDEN", "only the other parties on the transfer answer a revision");
    }
    if (r->status != "proposed") {
      return Status("INVALID_STATE", "revision " + std::to_string(r->id) + " is " + r->status);
    }
    const int64_t now = txn.clock().NowMicros();
    if (asked) {
      store::RevisionVote v{r->id, p.org, approve ? "approve" : "refuse", p.Actor(), note, now};
      if (Status st = store::InsertVote(txn, v); !st.ok()) {
        return st.code() == "CONFLICT" ? Status("INVALID_STATE", st.message()) : st;
      }
    }
    auto reloaded = store::FindRevision(txn, r->id);
    if (!reloaded.ok()) return reloaded.status();
    std::set<std::string> approved;
    for (const auto& v : reloaded->votes)
      if (v.decision == "approve") approved.insert(v.party);
    const std::string rid = std::to_string(r->id);
    if (!approve) {
      if (Status st = store::DecideRevision(txn, r->id, "refused", std::nullopt, now); !st.ok()) {
        return st;
      }
      if (Status st = Log(txn, p.Actor(), *t, "revision.refuse", t->status,
                          {{"revision", r->id}, {"note", note}});
          !st.ok()) {
        return st;
      }
    } else if (approved.size() == r->parties.size()) {
      // The last approval applies it, unless the transfer moved on in a way that forbids it.
      if (t->version != r->base_version) {
        return Status("INVALID_STATE", "the transfer changed since revision " + rid);
      }
      boost::system::error_code ec;
      auto changes = json::parse(r->changes, ec);
      if (ec || !changes.is_object()) return Status("INTERNAL", "revision changes unreadable");
      const std::string from = t->status;
      auto before = ApplyRevision(ctx, txn, *t, changes.as_object(), now);
      if (!before.ok()) return before.status();
      ++t->version;
      t->updated_at = now;
      if (Status st = store::UpdateTransfer(txn, *t, from); !st.ok()) return st;
      if (Status st = store::DecideRevision(txn, r->id, "applied", json::serialize(*before), now);
          !st.ok()) {
        return st;
      }
      if (Status st = Log(txn, p.Actor(), *t, "revision.apply", from,
                          {{"revision", r->id},
                           {"version", t->version},
                           {"before", *before},
                           {"after", changes}});
          !st.ok()) {
        return st;
      }
    } else {
      auto a = store::AppendAudit(txn, p.Actor(), "transfer.revision.approve", Obj(t->id),
                                  ChangeText({{"revision", r->id}, {"note", note}}));
      if (!a.ok()) return a.status();
    }
    auto done = store::FindRevision(txn, r->id);
    if (!done.ok()) return done.status();
    out = std::move(*done);
    return Status();
  });
  if (!s.ok()) return s;
  return std::move(*out);
}

Result<store::Page<store::Transfer>> ListTransfers(const Context& ctx, const Principal& p,
                                                   const TransferQuery& q,
                                                   const std::optional<std::string>& after,
                                                   int limit) {
  store::TransferFilter f;
  if (q.status && !ParseTransferStatus(*q.status)) {
    return Status("INVALID_FIELD",
                  "status: draft, submitted, in_transit, delivered, received, "
                  "refused or cancelled");
  }
  f.status = q.status;
  f.party = q.party;
  f.month = q.month;
  f.tz_offset_minutes = ctx.settings.tz_offset_minutes;
  if (q.overdue) f.overdue_as_of = DayOf(ctx, ctx.clock.NowMicros());
  if (!p.ReadsAll()) {
    if (p.org.empty()) return Status("FORBIDDEN", "no organisation");
    if (f.party && *f.party != p.org) return Status("FORBIDDEN", "a party lists only its own");
    f.party = p.org;
  }
  std::optional<store::Page<store::Transfer>> out;
  Status s = ctx.db.Read([&](store::Txn& txn) -> Status {
    auto page = store::ListTransfers(txn, f, after, limit);
    if (!page.ok()) return page.status();
    out = std::move(*page);
    return Status();
  });
  if (!s.ok()) return s;
  return std::move(*out);
}

Result<TransferView> GetTransfer(const Context& ctx, const Principal& p, const std::string& id) {
  std::optional<TransferView> out;
  Status s = ctx.db.Read([&](store::Txn& txn) -> Status {
    auto v = Load(txn, id);
    if (!v.ok()) return v.status();
    out = std::move(*v);
    return Status();
  });
  if (!s.ok()) return s;
  if (!IsParty(p, out->t) && !p.ReadsAll()) return Status("NOT_FOUND", "no transfer " + id);
  return std::move(*out);
}

namespace internal {

Status ApplyScanToTransfer(const Context& ctx, store::Txn& txn, const CustodyScan& scan,
                           const store::Manifest& m) {
  const int64_t now = txn.clock().NowMicros();
  auto custody = store::FindCustody(txn, m.id);
  if (!custody.ok()) return custody.status();
  std::optional<store::Transfer> t;
  if (custody->open_transfer) {
    auto found = store::FindTransfer(txn, *custody->open_transfer);
    if (!found.ok()) return found.status();
    auto st = ParseTransferStatus(found->status);
    if (st && IsOpenTransfer(*st)) t = std::move(*found);
  }
  switch (scan.kind) {
    case ScanKind::kPickup: {
      if (!t) {
        // Ad hoc: the carrier's in-transit trip for (sender, vehicle, local day), or a new one.
        const std::string vehicle = scan.vehicle.value_or("");
        const std::string day = DayOf(ctx, now);
        auto trip = store::FindAdHocTrip(txn, scan.org, m.producer, vehicle, day);
        if (!trip.ok()) return trip.status();
        if (*trip) {
          auto found = store::FindTransfer(txn, **trip);
          if (!found.ok()) return found.status();
          t = std::move(*found);
        } else {
          store::Transfer n;
          auto num = NewNumber(ctx, txn, m.producer, now);
          if (!num.ok()) return num.status();
          n.id = *num;
          n.sender = m.producer;
          n.carrier = scan.org;
          if (m.destination) {
            auto f = store::FindFacility(txn, *m.destination);
            if (f.ok()) {
              n.receiver = f->id;
              n.receiver_org = f->operator_org;
            }
          }
          n.vehicle = vehicle;
          n.purpose = "disposal";
          n.status = "in_transit";
          n.ad_hoc = true;
          n.trip_day = day;
          n.created_at = n.updated_at = now;
          n.created_by = scan.actor;
          n.carrier_signed_at = now;
          if (Status s = store::InsertTransfer(txn, n); !s.ok()) return s;
          if (Status s = Rollup(ctx, txn, n, now, {.submitted = 1}); !s.ok()) return s;
          if (Status s = Log(txn, scan.actor, n, "adhoc", std::nullopt,
                             {{"vehicle", vehicle}, {"trip_day", day}, {"first", m.id}});
              !s.ok()) {
            return s;
          }
          t = std::move(n);
        }
        if (Status s = store::SetOpenTransfer(txn, m.id, t->id); !s.ok()) return s;
      }
      auto line = store::FindTransferContainer(txn, t->id, m.id);
      if (!line.ok()) return line.status();
      store::TransferContainer c = *line ? **line : LineFor(t->id, m, "listed", now);
      c.status = "loaded";
      c.pickup_g = scan.mass_g;
      c.updated_at = now;
      if (Status s = store::PutTransferContainer(txn, c); !s.ok()) return s;
      if (t->status == "submitted") {
        auto next = NextTransferStatus(StatusOf(*t), TransferAction::kPickup);
        if (!next.ok()) return next.status();
        t->status = std::string(TransferStatusName(*next));
        t->carrier_signed_at = now;
        t->updated_at = now;
        if (Status s = store::UpdateTransfer(*&txn, *t, "submitted"); !s.ok()) return s;
        return Log(txn, scan.actor, *t, "pickup", "submitted", {{"first", m.id}});
      }
      return Status();
    }
    case ScanKind::kReceive:
    case ScanKind::kReject: {
      if (t) {
        if (!t->receiver && scan.facility) {
          auto f = store::FindFacility(txn, *scan.facility);
          if (!f.ok()) return f.status();
          t->receiver = f->id;
          t->receiver_org = f->operator_org;
          t->updated_at = now;
          if (Status s = store::UpdateTransfer(txn, *t, t->status); !s.ok()) return s;
        }
        if (t->status == "in_transit") {
          if (Status s = Deliver(ctx, txn, *t, scan.actor, now); !s.ok()) return s;
        }
        auto line = store::FindTransferContainer(txn, t->id, m.id);
        if (!line.ok()) return line.status();
        if (*line) {
          store::TransferContainer c = **line;
          c.updated_at = now;
          if (scan.kind == ScanKind::kReceive) {
            c.status = "received";
            c.received_g = scan.mass_g;
          } else {
            c.status = "refused";
            c.refusal_reason = scan.note.value_or("rejected at the gate");
            c.refused_g = scan.mass_g ? scan.mass_g : c.pickup_g;
          }
          if (Status s = store::PutTransferContainer(txn, c); !s.ok()) return s;
        }
      }
      if (scan.kind == ScanKind::kReceive)
        return store::SetHolderFacility(txn, m.id, scan.facility);
      return store::SetHolderFacility(txn, m.id, std::nullopt);
    }
    case ScanKind::kDispose:
      return Status();
  }
  return Status();
}

}  // namespace internal

}  // namespace cradle::service
