// Cases: list, read, summarise and act on the cases the rules open; run the rules by hand
// (api.md "Reconciliation, cases, audit"), over service/cases.h.
#include "core/civil_time.h"
#include "server/api/route.h"
#include "server/service/cases.h"

namespace cradle::api {
namespace {

using boost::json::object;

struct ListInput {
  IdPaging paging;
  store::CaseFilter filter;
};

Input<ListInput> ReadList(Call& c) {
  auto paging = ReadIdPage(c);
  if (!paging.ok()) return std::move(paging.problem());
  ListInput in{paging.value(), {}};
  in.filter.status = c.Query("status");
  in.filter.kind = c.Query("kind");
  in.filter.party = c.Query("party");
  in.filter.opened_month = c.Query("month");
  return in;
}

// A case id in the path; anything else is an unknown case (404).
Input<int64_t> ReadCaseId(Call& c) {
  auto id = ParseRowId(c.Param("id"));
  if (!id) return FromStatus(Status("NOT_FOUND", "no case " + c.Param("id")));
  return *id;
}

struct ActionInput {
  int64_t id = 0;
  std::string action;
  std::string note;
};

Input<ActionInput> ReadAction(Call& c) {
  auto id = ReadCaseId(c);
  if (!id.ok()) return std::move(id.problem());
  auto body = Body([](FieldReader& r) {
    r.OnlyKnown({"action", "note"});
    auto action = r.String("action", true, 16);
    auto note = r.String("note", false, 2000);
    if (action && *action != "dispatch" && *action != "respond" && *action != "close" &&
        *action != "reopen") {
      r.Add("action", "INVALID_ACTION", "dispatch, respond, close or reopen");
    }
    return ActionInput{0, action.value_or(""), note.value_or("")};
  })(c);
  if (!body.ok()) return std::move(body.problem());
  body.value().id = id.value();
  return std::move(body.value());
}

object RenderSummary(const service::CaseSummary& s) {
  object by_status, by_kind;
  for (const auto& [k, v] : s.by_status) by_status[k] = v;
  for (const auto& [kind, m] : s.by_kind) {
    object o;
    for (const auto& [k, v] : m) o[k] = v;
    by_kind[kind] = std::move(o);
  }
  return object{{"found", s.found},
                {"rectified", s.rectified},
                {"in_progress", s.in_progress},
                {"by_status", std::move(by_status)},
                {"by_kind", std::move(by_kind)}};
}

// An optional body {"date": "YYYY-MM-DD"}; without it the rules run as of today.
Input<CivilDate> ReadRulesDate(Call& c) {
  CivilDate as_of = LocalCivilDate(c.ctx().clock.NowMicros(), c.tz());
  if (c.req().body.empty()) return as_of;
  auto body = Body([&](FieldReader& r) {
    r.OnlyKnown({"date"});
    auto date = r.String("date", false, 10);
    if (date) {
      auto parsed = ParseIsoDate(*date);
      if (!parsed.ok())
        r.Add("date", "INVALID_DATE", "YYYY-MM-DD");
      else
        as_of = *parsed;
    }
    return as_of;
  })(c);
  return body;
}

object RenderRun(const service::RulesRun& run) {
  object by_kind;
  for (const auto& [k, v] : run.opened_by_kind) by_kind[k] = v;
  return object{{"as_of", FormatIsoDate(run.as_of)},
                {"opened", run.opened},
                {"opened_by_kind", std::move(by_kind)}};
}

}  // namespace

void CaseRoutes(http::Router& r, Deps& d) {
  const Who any = Who::SignedIn();
  Route(
      r, d, "GET", "/api/v1/cases", any, ReadList,
      [](Call& c, ListInput in) {
        return service::ListCases(c.ctx(), c.p(), in.filter, in.paging.after, in.paging.limit);
      },
      PageOf(RenderCase));
  Route(
      r, d, "GET", "/api/v1/cases/summary", any, NoInput(),
      [](Call& c, auto) { return service::SummariseCases(c.ctx(), c.p()); },
      Json(200, RenderSummary));
  Route(
      r, d, "GET", "/api/v1/cases/{id}", any, ReadCaseId,
      [](Call& c, int64_t id) { return service::GetCase(c.ctx(), c.p(), id); },
      Json(200, RenderCaseWithHistory));
  Route(
      r, d, "POST", "/api/v1/cases/{id}/actions", any, ReadAction,
      [](Call& c, ActionInput in) {
        return service::ActOnCase(c.ctx(), c.p(), in.id, in.action, in.note);
      },
      Json(200, RenderCaseWithHistory));
  Route(
      r, d, "POST", "/api/v1/rules/run", any, ReadRulesDate,
      [](Call& c, CivilDate as_of) { return service::RunRulesAs(c.ctx(), c.p(), as_of); },
      Json(200, RenderRun));
}

}  // namespace cradle::api
