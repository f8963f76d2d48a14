#include "server/api/transfer_routes.h"

#include <set>

#include "core/civil_time.h"
#include "core/transfer_number.h"
#include "core/transfer_state.h"
#include "core/waste_code.h"
#include "server/api/json_io.h"
#include "server/http/problem.h"

namespace cradle::api {
namespace {

namespace json = boost::json;
using http::Request;
using http::Response;
using service::Principal;

json::value Time(const std::optional<int64_t>& at, int tz) {
  return at ? json::value(FormatRfc3339(*at, tz)) : json::value(nullptr);
}

json::value Opt(const std::optional<std::string>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

json::value OptInt(const std::optional<int64_t>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

std::string Dashed(const std::string& code) {
  auto d = WasteCodeToDashed(code);
  return d.ok() ? *d : code;
}

json::value ParsedOr(const std::string& text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  return ec ? json::value(nullptr) : v;
}

json::object RenderRevision(const store::TransferRevision& r, int tz) {
  json::array votes;
  for (const auto& v : r.votes) {
    votes.push_back(json::object{{"party", v.party},
                                 {"decision", v.decision},
                                 {"note", v.note},
                                 {"at", FormatRfc3339(v.at, tz)}});
  }
  json::array parties;
  for (const auto& p : r.parties) parties.push_back(json::value(p));
  return {{"id", r.id},
          {"transfer", r.transfer_id},
          {"base_version", r.base_version},
          {"proposed_by", r.proposed_by},
          {"changes", ParsedOr(r.changes)},
          {"reason", r.reason},
          {"status", r.status},
          {"approvers", std::move(parties)},
          {"votes", std::move(votes)},
          {"before", r.before ? ParsedOr(*r.before) : json::value(nullptr)},
          {"created_at", FormatRfc3339(r.created_at, tz)},
          {"decided_at", Time(r.decided_at, tz)}};
}

json::object RenderSummary(const store::Transfer& t, int tz) {
  json::object driver;
  if (t.driver_name || t.driver_licence) {
    driver = {{"name", Opt(t.driver_name)}, {"licence", Opt(t.driver_licence)}};
  }
  return {{"id", t.id},
          {"sender", t.sender},
          {"carrier", t.carrier},
          {"receiver", Opt(t.receiver)},
          {"receiver_org", Opt(t.receiver_org)},
          {"vehicle", t.vehicle},
          {"driver", driver.empty() ? json::value(nullptr) : json::value(driver)},
          {"purpose", t.purpose},
          {"planned_on", Opt(t.planned_on)},
          {"status", t.status},
          {"ad_hoc", t.ad_hoc},
          {"trip_day", Opt(t.trip_day)},
          {"created_at", FormatRfc3339(t.created_at, tz)},
          {"submitted_at", Time(t.submitted_at, tz)},
          {"sender_signed_at", Time(t.sender_signed_at, tz)},
          {"carrier_signed_at", Time(t.carrier_signed_at, tz)},
          {"receiver_signed_at", Time(t.receiver_signed_at, tz)},
          {"delivered_at", Time(t.delivered_at, tz)},
          {"receipt_due", Opt(t.receipt_due)},
          {"cancelled_at", Time(t.cancelled_at, tz)},
          {"cancel_reason", Opt(t.cancel_reason)},
          {"weighbridge_g", OptInt(t.weighbridge_g)},
          {"receipt_note", Opt(t.receipt_note)},
          {"return_of", Opt(t.return_of)},
          {"version", t.version}};
}

// Codes of the transfer use cases that are the client's to fix (422).
Response TransferProblem(const Status& s) { return FromStatus(s); }

// Authenticates (401/429 answered here) and runs `fn`. These handlers predate route.h and keep
// their own readers; their conversion to Route() is a later, mechanical change.
using AuthedHandler = std::function<Response(Request&, const Principal&)>;
http::Handler Authed(Deps& d, AuthedHandler fn) {
  return [&d, fn = std::move(fn)](Request& req) -> Response {
    Response problem;
    auto p = Authenticate(d, req, &problem);
    if (!p) return problem;
    return fn(req, *p);
  };
}

bool ValidId(const std::string& id) { return IsTransferNumber(id); }

Response NoTransfer(const std::string& id) {
  return http::Problem(404, "NOT_FOUND", "Not Found", "no transfer " + id);
}

// Reads {"reason": "..."}-like bodies and the optional ones; an empty body is {}.
std::optional<json::object> Body(const Request& req, Response* problem, bool optional) {
  if (optional && req.body.empty()) return json::object();
  return ParseJsonObject(req, problem);
}

std::optional<std::string> Waste(FieldReader& r, const json::object& o, const char* name) {
  auto v = r.String(name, false, 16);
  if (!v) return std::nullopt;
  auto compact = IsCompactWasteCode(*v) ? Result<std::string>(*v) : WasteCodeToCompact(*v);
  if (!compact.ok()) {
    r.Add(r.Path(name), "INVALID_WASTE_CODE", "a waste code such as 772-002-18");
    return std::nullopt;
  }
  (void)o;
  return *compact;
}

service::RevisionChanges ReadChanges(FieldReader& top, const json::object& c) {
  service::RevisionChanges ch;
  FieldReader r(c, "changes.");
  r.OnlyKnown({"vehicle", "driver", "receiver", "containers"});
  ch.vehicle = r.String("vehicle", false, 64);
  ch.receiver = r.String("receiver", false, 64);
  if (const auto* d = r.Object("driver", false)) {
    FieldReader dr(*d, "changes.driver.");
    dr.OnlyKnown({"name", "licence"});
    ch.driver_name = dr.String("name", false, 100);
    ch.driver_licence = dr.String("licence", false, 64);
    for (auto& e : dr.errors()) r.errors().push_back(e);
  }
  if (const auto* v = c.if_contains("containers")) {
    if (!v->is_array() || v->as_array().size() > service::kMaxTransferContainers) {
      r.Add("changes.containers", "WRONG_TYPE", "an array of at most 1000 objects");
    } else {
      size_t i = 0;
      for (const auto& x : v->as_array()) {
        const std::string prefix = "changes.containers[" + std::to_string(i++) + "].";
        if (!x.is_object()) {
          r.Add(prefix, "WRONG_TYPE", "an object");
          continue;
        }
        FieldReader cr(x.as_object(), prefix);
        cr.OnlyKnown({"manifest", "declared_g", "waste_code", "packaging"});
        service::ContainerCorrection cc;
        cc.manifest = cr.String("manifest", true, 64).value_or("");
        cc.declared_g = cr.Int("declared_g", false, 1, 50'000'000);
        cc.waste_code = Waste(cr, x.as_object(), "waste_code");
        cc.packaging = cr.String("packaging", false, 2);
        for (auto& e : cr.errors()) r.errors().push_back(e);
        ch.containers.push_back(std::move(cc));
      }
    }
  }
  for (auto& e : r.errors()) top.errors().push_back(e);
  return ch;
}

void Routes(http::Router& router, Deps& d) {
  router.Add("POST", "/api/v1/transfers", Authed(d, [&d](Request& req, const Principal& p) {
               Response problem;
               auto body = ParseJsonObject(req, &problem);
               if (!body) return problem;
               FieldReader r(*body);
               r.OnlyKnown({"sender", "carrier", "receiver", "vehicle", "driver", "purpose",
                            "planned_on", "containers"});
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
               if (const auto* dr = r.Object("driver", false)) {
                 FieldReader x(*dr, "driver.");
                 x.OnlyKnown({"name", "licence"});
                 in.driver_name = x.String("name", false, 100);
                 in.driver_licence = x.String("licence", false, 64);
                 for (auto& e : x.errors()) r.errors().push_back(e);
               }
               if (in.vehicle.empty() && r.ok())
                 r.Add("vehicle", "REQUIRED", "the vehicle's plate");
               in.containers = r.Strings("containers", true, service::kMaxTransferContainers, 64)
                                   .value_or(std::vector<std::string>{});
               if (!r.ok()) return ValidationProblem(std::move(r.errors()));
               auto v = service::CreateTransfer(d.ctx, p, in);
               if (!v.ok()) return TransferProblem(v.status());
               return JsonResponse(201, RenderTransfer(*v, Tz(d)));
             }));
  router.Add("GET", "/api/v1/transfers", Authed(d, [&d](Request& req, const Principal& p) {
               Response problem;
               auto paging = ReadPaging(req, &problem);
               if (!paging) return problem;
               service::TransferQuery q;
               q.status = req.Query("status");
               q.party = req.Query("party");
               q.month = req.Query("month");
               if (auto o = req.Query("overdue")) {
                 if (*o != "true" && *o != "false") {
                   return ValidationProblem({{"overdue", "WRONG_TYPE", "true or false"}});
                 }
                 q.overdue = *o == "true";
               }
               if (q.month && !ParseMonthKey(*q.month).ok()) {
                 return ValidationProblem({{"month", "INVALID_DATE", "YYYY-MM"}});
               }
               if (q.status && !ParseTransferStatus(*q.status)) {
                 return ValidationProblem({{"status", "INVALID_STATUS", "a transfer status"}});
               }
               auto page = service::ListTransfers(d.ctx, p, q, paging->after, paging->limit);
               if (!page.ok()) return TransferProblem(page.status());
               json::array items;
               for (const auto& t : page->items) items.push_back(RenderSummary(t, Tz(d)));
               return JsonResponse(
                   200, json::object{{"items", std::move(items)}, {"next", Opt(page->next)}});
             }));
  router.Add("GET", "/api/v1/transfers/{id}", Authed(d, [&d](Request& req, const Principal& p) {
               const std::string id = req.Param("id");
               if (!ValidId(id)) return NoTransfer(id);
               auto v = service::GetTransfer(d.ctx, p, id);
               if (!v.ok()) return TransferProblem(v.status());
               return JsonResponse(200, RenderTransfer(*v, Tz(d)));
             }));
  router.Add("POST", "/api/v1/transfers/{id}/containers",
             Authed(d, [&d](Request& req, const Principal& p) {
               const std::string id = req.Param("id");
               if (!ValidId(id)) return NoTransfer(id);
               Response problem;
               auto body = ParseJsonObject(req, &problem);
               if (!body) return problem;
               FieldReader r(*body);
               r.OnlyKnown({"add", "remove"});
               auto add = r.Strings("add", false, service::kMaxTransferContainers, 64);
               auto remove = r.Strings("remove", false, service::kMaxTransferContainers, 64);
               if (r.ok() && !add && !remove) r.Add("add", "REQUIRED", "add or remove");
               if (!r.ok()) return ValidationProblem(std::move(r.errors()));
               auto v = service::EditTransferContainers(
                   d.ctx, p, id, add.value_or(std::vector<std::string>{}),
                   remove.value_or(std::vector<std::string>{}));
               if (!v.ok()) return TransferProblem(v.status());
               return JsonResponse(200, RenderTransfer(*v, Tz(d)));
             }));
  // Actions with no body of their own (an empty body or {}).
  auto simple = [&router, &d](const char* path, auto fn) {
    router.Add("POST", path, Authed(d, [&d, fn](Request& req, const Principal& p) {
                 const std::string id = req.Param("id");
                 if (!ValidId(id)) return NoTransfer(id);
                 Response problem;
                 auto body = Body(req, &problem, true);
                 if (!body) return problem;
                 FieldReader r(*body);
                 r.OnlyKnown({});
                 if (!r.ok()) return ValidationProblem(std::move(r.errors()));
                 auto v = fn(d.ctx, p, id);
                 if (!v.ok()) return TransferProblem(v.status());
                 return JsonResponse(200, RenderTransfer(*v, Tz(d)));
               }));
  };
  simple("/api/v1/transfers/{id}/submit", &service::SubmitTransfer);
  simple("/api/v1/transfers/{id}/sign", &service::SignTransfer);
  router.Add("POST", "/api/v1/transfers/{id}/cancel",
             Authed(d, [&d](Request& req, const Principal& p) {
               const std::string id = req.Param("id");
               if (!ValidId(id)) return NoTransfer(id);
               Response problem;
               auto body = ParseJsonObject(req, &problem);
               if (!body) return problem;
               FieldReader r(*body);
               r.OnlyKnown({"reason"});
               auto reason = r.String("reason", true, 1000);
               if (reason && reason->empty()) r.Add("reason", "REQUIRED", "say why");
               if (!r.ok()) return ValidationProblem(std::move(r.errors()));
               auto v = service::CancelTransfer(d.ctx, p, id, *reason);
               if (!v.ok()) return TransferProblem(v.status());
               return JsonResponse(200, RenderTransfer(*v, Tz(d)));
             }));
  router.Add("POST", "/api/v1/transfers/{id}/receipt",
             Authed(d, [&d](Request& req, const Principal& p) {
               const std::string id = req.Param("id");
               if (!ValidId(id)) return NoTransfer(id);
               Response problem;
               auto body = Body(req, &problem, true);
               if (!body) return problem;
               FieldReader r(*body);
               r.OnlyKnown({"refused", "discrepancies", "weighbridge_g", "note"});
               service::ReceiptInput in;
               in.weighbridge_g = r.Int("weighbridge_g", false, 1, int64_t{1'000'000'000});
               in.note = r.String("note", false, 2000);
               auto each = [&](const char* name, auto read) {
                 const auto* v = body->if_contains(name);
                 if (!v) return;
                 if (!v->is_array() || v->as_array().size() > service::kMaxTransferContainers) {
                   r.Add(name, "WRONG_TYPE", "an array of at most 1000 objects");
                   return;
                 }
                 size_t i = 0;
                 for (const auto& x : v->as_array()) {
                   const std::string prefix = std::string(name) + "[" + std::to_string(i++) + "].";
                   if (!x.is_object()) {
                     r.Add(prefix, "WRONG_TYPE", "an object");
                     continue;
                   }
                   FieldReader xr(x.as_object(), prefix);
                   read(xr);
                   for (auto& e : xr.errors()) r.errors().push_back(e);
                 }
               };
               each("refused", [&](FieldReader& xr) {
                 xr.OnlyKnown({"manifest", "reason", "mass_g"});
                 service::RefusalInput ri;
                 ri.manifest = xr.String("manifest", true, 64).value_or("");
                 ri.reason = xr.String("reason", true, 1000).value_or("");
                 if (xr.ok() && ri.reason.empty()) xr.Add(xr.Path("reason"), "REQUIRED", "say why");
                 ri.mass_g = xr.Int("mass_g", false, 0, 50'000'000);
                 in.refused.push_back(std::move(ri));
               });
               each("discrepancies", [&](FieldReader& xr) {
                 xr.OnlyKnown({"manifest", "field", "note"});
                 service::DiscrepancyInput di;
                 di.manifest = xr.String("manifest", true, 64).value_or("");
                 di.field = xr.String("field", true, 32).value_or("");
                 static const std::set<std::string> kFields{"name", "quantity", "characteristics",
                                                            "form", "packaging"};
                 if (xr.ok() && !kFields.count(di.field)) {
                   xr.Add(xr.Path("field"), "INVALID_FIELD_NAME",
                          "name, quantity, characteristics, form or packaging");
                 }
                 di.note = xr.String("note", true, 2000).value_or("");
                 in.discrepancies.push_back(std::move(di));
               });
               if (!r.ok()) return ValidationProblem(std::move(r.errors()));
               auto v = service::ConfirmReceipt(d.ctx, p, id, in);
               if (!v.ok()) return TransferProblem(v.status());
               return JsonResponse(200, RenderTransfer(*v, Tz(d)));
             }));
  router.Add("POST", "/api/v1/transfers/{id}/return",
             Authed(d, [&d](Request& req, const Principal& p) {
               const std::string id = req.Param("id");
               if (!ValidId(id)) return NoTransfer(id);
               Response problem;
               auto body = ParseJsonObject(req, &problem);
               if (!body) return problem;
               FieldReader r(*body);
               r.OnlyKnown({"to"});
               auto to = r.String("to", true, 64);
               if (!r.ok()) return ValidationProblem(std::move(r.errors()));
               auto v = service::ReturnTransfer(d.ctx, p, id, *to);
               if (!v.ok()) return TransferProblem(v.status());
               return JsonResponse(201, RenderTransfer(*v, Tz(d)));
             }));
  router.Add("POST", "/api/v1/transfers/{id}/revisions",
             Authed(d, [&d](Request& req, const Principal& p) {
               const std::string id = req.Param("id");
               if (!ValidId(id)) return NoTransfer(id);
               Response problem;
               auto body = ParseJsonObject(req, &problem);
               if (!body) return problem;
               FieldReader r(*body);
               r.OnlyKnown({"changes", "reason"});
               auto reason = r.String("reason", true, 1000);
               if (reason && reason->empty()) r.Add("reason", "REQUIRED", "say why");
               service::RevisionChanges ch;
               if (const auto* c = r.Object("changes", true)) ch = ReadChanges(r, *c);
               if (r.ok() && ch.empty()) r.Add("changes", "REQUIRED", "something to correct");
               if (!r.ok()) return ValidationProblem(std::move(r.errors()));
               auto rev = service::ProposeRevision(d.ctx, p, id, ch, *reason);
               if (!rev.ok()) return TransferProblem(rev.status());
               return JsonResponse(201, RenderRevision(*rev, Tz(d)));
             }));
  for (const bool approve : {true, false}) {
    router.Add("POST", approve ? "/api/v1/revisions/{id}/approve" : "/api/v1/revisions/{id}/refuse",
               Authed(d, [&d, approve](Request& req, const Principal& p) {
                 const std::string id = req.Param("id");
                 bool numeric = !id.empty() && id.size() <= 18;
                 for (char c : id) numeric = numeric && c >= '0' && c <= '9';
                 if (!numeric)
                   return http::Problem(404, "NOT_FOUND", "Not Found", "no revision " + id);
                 Response problem;
                 auto body = Body(req, &problem, true);
                 if (!body) return problem;
                 FieldReader r(*body);
                 r.OnlyKnown({"note"});
                 auto note = r.String("note", false, 1000);
                 if (!r.ok()) return ValidationProblem(std::move(r.errors()));
                 auto rev =
                     service::AnswerRevision(d.ctx, p, std::stoll(id), approve, note.value_or(""));
                 if (!rev.ok()) return TransferProblem(rev.status());
                 return JsonResponse(200, RenderRevision(*rev, Tz(d)));
               }));
  }
}

}  // namespace

json::object RenderTransfer(const service::TransferView& v, int tz) {
  json::object o = RenderSummary(v.t, tz);
  json::array containers;
  for (const auto& c : v.containers) {
    json::object x{{"manifest", c.manifest_id},          {"status", c.status},
                   {"waste_code", Dashed(c.waste_code)}, {"packaging", c.packaging},
                   {"declared_g", c.declared_g},         {"pickup_g", OptInt(c.pickup_g)},
                   {"received_g", OptInt(c.received_g)}, {"apportioned", c.apportioned}};
    if (c.status == "refused") {
      x["refusal"] =
          json::object{{"reason", Opt(c.refusal_reason)}, {"mass_g", OptInt(c.refused_g)}};
    } else {
      x["refusal"] = nullptr;
    }
    containers.push_back(std::move(x));
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
  json::array disc;
  for (const auto& x : v.discrepancies) {
    disc.push_back(json::object{{"manifest", x.manifest_id},
                                {"field", x.field},
                                {"note", x.note},
                                {"at", FormatRfc3339(x.at, tz)}});
  }
  o["discrepancies"] = std::move(disc);
  json::array revs;
  for (const auto& r : v.revisions) revs.push_back(RenderRevision(r, tz));
  o["revisions"] = std::move(revs);
  json::array hist;
  for (const auto& h : v.history) {
    hist.push_back(json::object{{"action", h.action},
                                {"actor", h.actor},
                                {"from", Opt(h.from_status)},
                                {"to", h.to_status},
                                {"detail", ParsedOr(h.detail)},
                                {"at", FormatRfc3339(h.at, tz)}});
  }
  o["history"] = std::move(hist);
  return o;
}

void TransferRoutes(http::Router& router, Deps& deps) { Routes(router, deps); }

}  // namespace cradle::api
