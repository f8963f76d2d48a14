// Cases (service/cases.h) on a real SQLite file with a FakeClock: every rule opens its case once
// however often the rules run; the lifecycle with its illegal moves; who may act; party scoping;
// each step in the audit log.
#define BOOST_TEST_MODULE service_cases
#include <boost/test/unit_test.hpp>

#include "server/service/audit_service.h"
#include "server/service/cases.h"
#include "tests/unit/service/recon_world.h"

namespace cradle::service::testing {
namespace {

std::vector<store::Case> Cases(World& w, const Principal& p, store::CaseFilter f = {}) {
  auto page = ListCases(*w.ctx, p, f, 0, 1000);
  BOOST_REQUIRE_MESSAGE(page.ok(), page.status().ToString());
  return page->items;
}

RulesRun Run(World& w, CivilDate date) {
  auto r = RunRules(*w.ctx, date);
  BOOST_REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return *r;
}

BOOST_AUTO_TEST_CASE(uncollected_opens_once_however_often_the_rules_run) {
  World w;  // 2026-03-02
  auto m = w.Issue(w.producer_p, 1, 5000).front();
  BOOST_TEST(Run(w, {2026, 4, 1}).opened == 0);  // 30 days: not yet
  auto run = Run(w, {2026, 4, 2});
  BOOST_TEST(run.opened == 1);
  BOOST_TEST(run.opened_by_kind["uncollected"] == 1);
  BOOST_TEST(Run(w, {2026, 4, 2}).opened == 0);
  BOOST_TEST(Run(w, {2026, 5, 2}).opened == 0);
  auto cases = Cases(w, w.regulator);
  BOOST_REQUIRE_EQUAL(cases.size(), 1u);
  BOOST_TEST(cases[0].kind == "uncollected");
  BOOST_TEST(cases[0].subject == m.id);
  BOOST_TEST(cases[0].party == w.p_org);
  BOOST_TEST(cases[0].status == "open");
  BOOST_TEST(cases[0].opened_month == "2026-04");
}

BOOST_AUTO_TEST_CASE(unreceived_names_the_collector_after_working_days) {
  World w;  // Monday 2026-03-02
  auto m = w.Issue(w.producer_p, 1, 5000).front();
  BOOST_REQUIRE(w.Scan("pickup", m).status == "accepted");
  BOOST_TEST(Run(w, {2026, 3, 9}).opened_by_kind["unreceived"] == 0);  // deadline Monday 9th
  auto run = Run(w, {2026, 3, 10});
  BOOST_TEST(run.opened_by_kind["unreceived"] == 1);
  auto cases =
      Cases(w, w.regulator, {.status = {}, .kind = "unreceived", .party = {}, .opened_month = {}});
  BOOST_REQUIRE_EQUAL(cases.size(), 1u);
  BOOST_TEST(cases[0].party == w.c_org);
  // A received manifest is not unreceived.
  auto n = w.Issue(w.producer_q, 1, 5000).front();
  BOOST_REQUIRE(w.Scan("pickup", n).status == "accepted");
  BOOST_REQUIRE(w.Scan("receive", n).status == "accepted");
  BOOST_TEST(Run(w, {2026, 4, 1}).opened_by_kind["unreceived"] == 0);
}

BOOST_AUTO_TEST_CASE(findings_become_cases_with_the_right_party) {
  World w;
  auto m = w.Issue(w.producer_p, 1, 100'000).front();
  BOOST_REQUIRE(w.Scan("pickup", m, 120'000).status == "accepted");  // +20 % at pickup
  BOOST_REQUIRE(w.Scan("pickup", m).status == "rejected");           // a copy of the label
  auto run = Run(w, {2026, 3, 2});
  BOOST_TEST(run.opened_by_kind["weight_mismatch"] == 1);
  BOOST_TEST(run.opened_by_kind["copied_label"] == 1);
  BOOST_TEST(Run(w, {2026, 3, 2}).opened == 0);  // the findings cursor moved on
  auto weight = Cases(w, w.regulator,
                      {.status = {}, .kind = "weight_mismatch", .party = {}, .opened_month = {}});
  BOOST_REQUIRE_EQUAL(weight.size(), 1u);
  BOOST_TEST(weight[0].party == w.p_org);  // at pickup: the producer declared it
  BOOST_TEST(weight[0].threshold == "pickup");
  BOOST_TEST(weight[0].detail.find("\"deviation_pct\":\"20.00\"") != std::string::npos);
  // At receipt a second mismatch (against the pickup mass) is the collector's.
  BOOST_REQUIRE(w.Scan("receive", m, 100'000).status == "accepted");
  BOOST_TEST(Run(w, {2026, 3, 2}).opened_by_kind["weight_mismatch"] == 1);
  auto receive =
      Cases(w, w.regulator,
            {.status = {}, .kind = "weight_mismatch", .party = w.c_org, .opened_month = {}});
  BOOST_REQUIRE_EQUAL(receive.size(), 1u);
  BOOST_TEST(receive[0].threshold == "receive");
}

BOOST_AUTO_TEST_CASE(capacity_80_and_95_are_separate_cases) {
  World w;  // programme PRG: 10 t a year
  auto a = w.Issue(w.producer_p, 1, 8'500'000).front();
  BOOST_REQUIRE(w.Scan("pickup", a).status == "accepted");
  auto run = Run(w, {2026, 3, 2});
  BOOST_TEST(run.opened_by_kind["capacity"] == 1);
  auto b = w.Issue(w.producer_q, 1, 1'000'000).front();
  BOOST_REQUIRE(w.Scan("pickup", b).status == "accepted");
  BOOST_TEST(Run(w, {2026, 3, 2}).opened_by_kind["capacity"] == 1);
  BOOST_TEST(Run(w, {2026, 3, 3}).opened_by_kind["capacity"] == 0);
  auto caps =
      Cases(w, w.regulator, {.status = {}, .kind = "capacity", .party = {}, .opened_month = {}});
  BOOST_REQUIRE_EQUAL(caps.size(), 2u);
  BOOST_TEST(caps[0].threshold == "80");
  BOOST_TEST(caps[1].threshold == "95");
  BOOST_TEST(caps[0].subject == "PRG");
  BOOST_TEST(caps[0].party == w.c_org);
}

BOOST_AUTO_TEST_CASE(lifecycle_who_may_act_and_illegal_moves) {
  World w;
  w.Issue(w.producer_p, 1, 5000);
  Run(w, {2026, 6, 1});
  const int64_t id = Cases(w, w.regulator).at(0).id;
  auto act = [&](const Principal& p, const char* action) {
    return ActOnCase(*w.ctx, p, id, action, std::string("because ") + action);
  };
  BOOST_TEST(act(w.regulator, "respond").status().code() == "FORBIDDEN");       // not the party
  BOOST_TEST(act(w.producer_p, "respond").status().code() == "INVALID_STATE");  // still open
  BOOST_TEST(act(w.producer_p, "dispatch").status().code() == "FORBIDDEN");
  BOOST_TEST(act(w.producer_q, "dispatch").status().code() == "NOT_FOUND");  // not its case
  BOOST_TEST(act(w.regulator, "close").status().code() == "INVALID_STATE");
  BOOST_REQUIRE(act(w.regulator, "dispatch").ok());
  BOOST_TEST(act(w.regulator, "dispatch").status().code() == "INVALID_STATE");
  BOOST_REQUIRE(act(w.producer_p, "respond").ok());
  BOOST_REQUIRE(act(w.regulator, "close").ok());
  auto reopened = act(w.regulator, "reopen");
  BOOST_REQUIRE(reopened.ok());
  BOOST_TEST(reopened->c.status == "dispatched");
  BOOST_REQUIRE_EQUAL(reopened->actions.size(), 5u);  // open, dispatch, respond, close, reopen
  BOOST_TEST(reopened->actions[2].action == "respond");
  BOOST_TEST(reopened->actions[2].note == "because respond");
  BOOST_TEST(reopened->actions[2].actor == w.producer_p.Actor());
  // Each step is in the hash-chained audit log.
  auto audit = ListAudit(*w.ctx, w.admin, 0, 1000);
  BOOST_REQUIRE(audit.ok());
  int steps = 0;
  for (const auto& e : audit->items) {
    if (e.object == "case:" + std::to_string(id)) ++steps;
  }
  BOOST_TEST(steps == 5);
  auto summary = SummariseCases(*w.ctx, w.regulator);
  BOOST_REQUIRE(summary.ok());
  BOOST_TEST(summary->found == 1);
  BOOST_TEST(summary->in_progress == 1);
  BOOST_TEST(summary->rectified == 0);
}

BOOST_AUTO_TEST_CASE(parties_see_only_their_own_cases) {
  World w;
  w.Issue(w.producer_p, 1, 5000);
  w.Issue(w.producer_q, 2, 5000);
  Run(w, {2026, 6, 1});
  BOOST_TEST(Cases(w, w.regulator).size() == 3u);
  BOOST_TEST(Cases(w, w.producer_p).size() == 1u);
  BOOST_TEST(Cases(w, w.producer_q).size() == 2u);
  BOOST_TEST(Cases(w, w.landfill).empty());
  BOOST_TEST(ListCases(*w.ctx, w.producer_p,
                       {.status = {}, .kind = {}, .party = w.q_org, .opened_month = {}}, 0, 10)
                 .status()
                 .code() == "FORBIDDEN");
  const int64_t q_case = Cases(w, w.producer_q).at(0).id;
  BOOST_TEST(GetCase(*w.ctx, w.producer_p, q_case).status().code() == "NOT_FOUND");
  BOOST_TEST(GetCase(*w.ctx, w.producer_q, q_case).ok());
  auto s = SummariseCases(*w.ctx, w.producer_q);
  BOOST_REQUIRE(s.ok());
  BOOST_TEST(s->found == 2);
  BOOST_TEST(RunRulesAs(*w.ctx, w.producer_p, {2026, 6, 1}).status().code() == "FORBIDDEN");
}

}  // namespace
}  // namespace cradle::service::testing
