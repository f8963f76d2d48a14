// The transfer rules (service/cases.cc TransferRules) and the transfer figures of the monthly
// reconciliation, on a real SQLite file with a FakeClock and a calendar built here (National Day
// 2026: 1-7 October off, Saturday 10 October a make-up working day): each rule opens one case
// per transfer however often the rules run, names the party rules.h chooses, waits for its
// working-day deadline across the holiday, and an overdue transfer counts once in the roll-up.
#define BOOST_TEST_MODULE service_transfer_rules
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "core/working_calendar.h"
#include "server/service/cases.h"
#include "server/service/reconciliation.h"
#include "server/service/rules.h"
#include "server/service/transfers.h"
#include "tests/unit/service/recon_world.h"

namespace cradle::service::testing {
namespace {

constexpr char kNationalDay2026[] = R"({"year": 2026, "confirmed": true,
  "holidays": [{"from": "2026-10-01", "to": "2026-10-07", "name": "国庆节"}],
  "workdays": [{"date": "2026-10-10", "name": "国庆节调休上班"}]})";

// The recon World with the test calendar as the deployment's.
struct TransferWorld : World {
  WorkingCalendar calendar;

  explicit TransferWorld(int64_t now = At(2026, 3, 2, 10)) {
    BOOST_REQUIRE(calendar.AddYear(kNationalDay2026).ok());
    ctx->calendar = &calendar;
    clock.Set(now);
  }

  // A submitted transfer of `ms` from P by C to LF.
  std::string Submitted(const std::vector<store::Manifest>& ms) {
    CreateTransferInput in;
    in.sender = p_org;
    in.carrier = c_org;
    in.receiver = "LF";
    in.vehicle = "浙J12345";
    in.purpose = "disposal";
    for (const auto& m : ms) in.containers.push_back(m.id);
    auto t = CreateTransfer(*ctx, producer_p, in);
    BOOST_REQUIRE_MESSAGE(t.ok(), t.status().ToString());
    auto s = SubmitTransfer(*ctx, producer_p, t->t.id);
    BOOST_REQUIRE_MESSAGE(s.ok(), s.status().ToString());
    return t->t.id;
  }

  // Submitted, every container picked up and received at LF: delivered now.
  std::string Delivered(const std::vector<store::Manifest>& ms) {
    const std::string id = Submitted(ms);
    for (const auto& m : ms) BOOST_REQUIRE(Scan("pickup", m).status == "accepted");
    for (const auto& m : ms) BOOST_REQUIRE(Scan("receive", m).status == "accepted");
    BOOST_REQUIRE_EQUAL(Transfer(id).t.status, "delivered");
    return id;
  }

  TransferView Transfer(const std::string& id) {
    auto v = GetTransfer(*ctx, regulator, id);
    BOOST_REQUIRE_MESSAGE(v.ok(), v.status().ToString());
    return *v;
  }

  TransferView Receipt(const std::string& id, const ReceiptInput& in) {
    auto v = ConfirmReceipt(*ctx, landfill, id, in);
    BOOST_REQUIRE_MESSAGE(v.ok(), v.status().ToString());
    return *v;
  }

  RulesRun Run(CivilDate as_of) {
    auto r = RunRules(*ctx, as_of);
    BOOST_REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    return *r;
  }

  std::vector<store::Case> Cases(const std::string& kind, const Principal* p = nullptr) {
    store::CaseFilter f;
    f.kind = kind;
    auto page = ListCases(*ctx, p ? *p : regulator, f, 0, 1000);
    BOOST_REQUIRE_MESSAGE(page.ok(), page.status().ToString());
    return page->items;
  }

  MonthlyReport Report(const std::string& month, const Principal* p = nullptr) {
    auto r = Reconcile(*ctx, p ? *p : regulator, month);
    BOOST_REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    return *r;
  }
};

const TransferPartyLine* Row(const MonthlyReport& r, const std::string& role,
                             const std::string& party) {
  for (const auto& l : r.transfers) {
    if (l.r.role == role && l.r.party == party) return &l;
  }
  return nullptr;
}

boost::json::object Detail(const store::Case& c) {
  return boost::json::parse(c.detail).as_object();
}

BOOST_AUTO_TEST_CASE(parties_and_working_day_deadlines_are_plain_rules) {
  const std::optional<std::string> receiver = "RECV";
  BOOST_TEST(TransferCaseParty("receipt_overdue", "S", "C", receiver) == "RECV");
  BOOST_TEST(TransferCaseParty("receipt_overdue", "S", "C", std::nullopt) == "C");
  BOOST_TEST(TransferCaseParty("transfer_discrepancy", "S", "C", receiver) == "S");
  BOOST_TEST(TransferCaseParty("transfer_unsigned", "S", "C", receiver) == "S");
  BOOST_TEST(TransferCaseParty("refused_not_returned", "S", "C", receiver) == "C");
  BOOST_TEST(TransferCaseParty("capacity", "S", "C", receiver) == "");
  // Due 13 October: in time through that day, missed after it, and still missed when done late.
  const CivilDate due{2026, 10, 13};
  BOOST_TEST(!MissedDeadline(due, std::nullopt, {2026, 10, 13}));
  BOOST_TEST(MissedDeadline(due, std::nullopt, {2026, 10, 14}));
  BOOST_TEST(!MissedDeadline(due, CivilDate{2026, 10, 13}, {2026, 10, 20}));
  BOOST_TEST(MissedDeadline(due, CivilDate{2026, 10, 14}, {2026, 10, 20}));
  BOOST_TEST(!MissedDeadline(due, CivilDate{2026, 10, 14}, {2026, 10, 13}));
  // 30 September + 5 working days: 8, 9, 10 (make-up Saturday), 12, 13 October; weekends only,
  // it would have been 7 October.
  WorkingCalendar cal;
  BOOST_REQUIRE(cal.AddYear(kNationalDay2026).ok());
  BOOST_TEST(FormatIsoDate(cal.AddWorkingDays({2026, 9, 30}, 5)) == "2026-10-13");
  BOOST_TEST(FormatIsoDate(WorkingCalendar().AddWorkingDays({2026, 9, 30}, 5)) == "2026-10-07");
}

BOOST_AUTO_TEST_CASE(receipt_overdue_opens_once_for_the_receiver_and_counts_once) {
  TransferWorld w;  // Monday 2026-03-02
  auto ms = w.Issue(w.producer_p, 2, 25'000);
  const std::string id = w.Delivered(ms);
  BOOST_TEST(*w.Transfer(id).t.receipt_due == "2026-03-09");
  BOOST_TEST(w.Run({2026, 3, 9}).opened_by_kind["receipt_overdue"] == 0);  // due day: in time
  auto run = w.Run({2026, 3, 10});
  BOOST_TEST(run.opened_by_kind["receipt_overdue"] == 1);
  BOOST_TEST(w.Run({2026, 3, 10}).opened == 0);
  BOOST_TEST(w.Run({2026, 3, 25}).opened_by_kind["receipt_overdue"] == 0);
  auto cases = w.Cases("receipt_overdue");
  BOOST_REQUIRE_EQUAL(cases.size(), 1u);
  BOOST_TEST(cases[0].subject == id);
  BOOST_TEST(cases[0].party == w.l_org);  // the receiver facility's operator
  BOOST_TEST(Detail(cases[0]).at("receipt_due").as_string() == "2026-03-09");
  BOOST_TEST(w.Cases("receipt_overdue", &w.landfill).size() == 1u);
  BOOST_TEST(w.Cases("receipt_overdue", &w.producer_p).empty());

  // Counted once in the overdue roll-up, for each party of the transfer.
  auto report = w.Report("2026-03");
  for (const auto& [role, party] : {std::pair<std::string, std::string>{"producer", w.p_org},
                                    {"carrier", w.c_org},
                                    {"facility", "LF"}}) {
    const auto* row = Row(report, role, party);
    BOOST_REQUIRE_MESSAGE(row, role);
    BOOST_TEST(row->r.d.submitted == 1);
    BOOST_TEST(row->r.d.delivered == 1);
    BOOST_TEST(row->r.d.overdue == 1);
  }
  BOOST_TEST(report.totals.transfers["producer"].overdue == 1);
  // Listed as overdue once the clock passes the due day; not before.
  TransferQuery q;
  q.overdue = true;
  auto listed = ListTransfers(*w.ctx, w.regulator, q, std::nullopt, 100);
  BOOST_REQUIRE(listed.ok());
  BOOST_TEST(listed->items.empty());  // still 2 March
  w.clock.Set(At(2026, 3, 10, 9));
  listed = ListTransfers(*w.ctx, w.regulator, q, std::nullopt, 100);
  BOOST_REQUIRE(listed.ok());
  BOOST_REQUIRE_EQUAL(listed->items.size(), 1u);
  BOOST_TEST(listed->items[0].id == id);

  // A late receipt ends the overdue listing; the rules open nothing more and count nothing more.
  w.Receipt(id, {});
  listed = ListTransfers(*w.ctx, w.regulator, q, std::nullopt, 100);
  BOOST_REQUIRE(listed.ok());
  BOOST_TEST(listed->items.empty());
  BOOST_TEST(w.Run({2026, 3, 31}).opened_by_kind["receipt_overdue"] == 0);
  BOOST_TEST(Row(w.Report("2026-03"), "producer", w.p_org)->r.d.overdue == 1);
}

BOOST_AUTO_TEST_CASE(the_receipt_deadline_crosses_national_day_and_counts_in_its_month) {
  TransferWorld w(At(2026, 9, 30, 10));  // Wednesday before the holiday
  auto ms = w.Issue(w.producer_p, 1, 25'000);
  const std::string id = w.Delivered(ms);
  BOOST_TEST(*w.Transfer(id).t.receipt_due == "2026-10-13");
  BOOST_TEST(w.Run({2026, 10, 8}).opened_by_kind["receipt_overdue"] == 0);  // weekends-only due
  BOOST_TEST(w.Run({2026, 10, 13}).opened_by_kind["receipt_overdue"] == 0);
  BOOST_TEST(w.Run({2026, 10, 14}).opened_by_kind["receipt_overdue"] == 1);
  BOOST_TEST(w.Run({2026, 10, 15}).opened == 0);
  // Delivered in September, first overdue on 14 October: the overdue counts in October.
  auto sep = w.Report("2026-09");
  BOOST_REQUIRE(Row(sep, "carrier", w.c_org));
  BOOST_TEST(Row(sep, "carrier", w.c_org)->r.d.delivered == 1);
  BOOST_TEST(Row(sep, "carrier", w.c_org)->r.d.overdue == 0);
  auto oct = w.Report("2026-10");
  BOOST_REQUIRE(Row(oct, "carrier", w.c_org));
  BOOST_TEST(Row(oct, "carrier", w.c_org)->r.d.overdue == 1);
  BOOST_TEST(Row(oct, "carrier", w.c_org)->r.d.delivered == 0);
}

BOOST_AUTO_TEST_CASE(an_unsigned_ad_hoc_trip_opens_one_case_for_its_sender) {
  TransferWorld w(At(2026, 9, 30, 10));  // Wednesday before National Day
  auto p = w.Issue(w.producer_p, 2, 5'000);
  auto q = w.Issue(w.producer_q, 1, 5'000);
  // Door-to-door: pickups on no transfer put each sender's containers on an ad hoc trip.
  for (const auto& m : p) BOOST_REQUIRE(w.Scan("pickup", m).status == "accepted");
  BOOST_REQUIRE(w.Scan("pickup", q[0]).status == "accepted");
  TransferQuery all;
  auto trips = ListTransfers(*w.ctx, w.regulator, all, std::nullopt, 100);
  BOOST_REQUIRE(trips.ok());
  BOOST_REQUIRE_EQUAL(trips->items.size(), 2u);
  std::string p_trip, q_trip;
  for (const auto& t : trips->items) (t.sender == w.p_org ? p_trip : q_trip) = t.id;
  // Q signs within its working day; P does not.
  w.clock.Set(At(2026, 10, 8, 9));
  auto signed_q = SignTransfer(*w.ctx, w.producer_q, q_trip);
  BOOST_REQUIRE_MESSAGE(signed_q.ok(), signed_q.status().ToString());
  // 30 September + 1 working day is 8 October (1-7 are off): in time until then.
  BOOST_TEST(w.Run({2026, 10, 8}).opened_by_kind["transfer_unsigned"] == 0);
  auto run = w.Run({2026, 10, 9});
  BOOST_TEST(run.opened_by_kind["transfer_unsigned"] == 1);
  BOOST_TEST(w.Run({2026, 10, 9}).opened == 0);
  BOOST_TEST(w.Run({2026, 11, 9}).opened_by_kind["transfer_unsigned"] == 0);
  auto cases = w.Cases("transfer_unsigned");
  BOOST_REQUIRE_EQUAL(cases.size(), 1u);
  BOOST_TEST(cases[0].subject == p_trip);
  BOOST_TEST(cases[0].party == w.p_org);
  BOOST_TEST(Detail(cases[0]).at("sign_due").as_string() == "2026-10-08");
  // Signing after the case leaves the case as evidence and opens nothing new.
  BOOST_REQUIRE(SignTransfer(*w.ctx, w.producer_p, p_trip).ok());
  BOOST_TEST(w.Run({2026, 11, 10}).opened_by_kind["transfer_unsigned"] == 0);
  BOOST_TEST(w.Cases("transfer_unsigned").size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_receipt_with_refusals_opens_a_discrepancy_and_then_an_unreturned_case) {
  TransferWorld w;  // Monday 2026-03-02
  auto ms = w.Issue(w.producer_p, 3, 25'000);
  const std::string id = w.Delivered(ms);
  ReceiptInput in;
  in.refused.push_back({ms[2].id, "包装破损渗漏", 24'000});
  in.discrepancies.push_back({ms[1].id, "packaging", "标签为桶装，实为袋装"});
  BOOST_REQUIRE_EQUAL(w.Receipt(id, in).t.status, "received");
  // A clean receipt of another transfer opens nothing.
  auto clean = w.Issue(w.producer_q, 1, 10'000);
  {
    CreateTransferInput c;
    c.sender = w.q_org;
    c.carrier = w.c_org;
    c.receiver = "LF";
    c.vehicle = "浙J00002";
    c.purpose = "disposal";
    c.containers = {clean[0].id};
    auto t = CreateTransfer(*w.ctx, w.producer_q, c);
    BOOST_REQUIRE_MESSAGE(t.ok(), t.status().ToString());
    BOOST_REQUIRE(SubmitTransfer(*w.ctx, w.producer_q, t->t.id).ok());
    BOOST_REQUIRE(w.Scan("pickup", clean[0]).status == "accepted");
    BOOST_REQUIRE(w.Scan("receive", clean[0]).status == "accepted");
    w.Receipt(t->t.id, {});
  }

  auto run = w.Run({2026, 3, 2});
  BOOST_TEST(run.opened_by_kind["transfer_discrepancy"] == 1);
  BOOST_TEST(run.opened_by_kind["refused_not_returned"] == 0);
  BOOST_TEST(w.Run({2026, 3, 3}).opened == 0);
  auto cases = w.Cases("transfer_discrepancy");
  BOOST_REQUIRE_EQUAL(cases.size(), 1u);
  BOOST_TEST(cases[0].subject == id);
  BOOST_TEST(cases[0].party == w.p_org);
  BOOST_TEST(cases[0].opened_month == "2026-03");
  auto d = Detail(cases[0]);
  BOOST_REQUIRE_EQUAL(d.at("discrepancies").as_array().size(), 1u);
  BOOST_TEST(d.at("discrepancies").at(0).at("field").as_string() == "packaging");
  BOOST_REQUIRE_EQUAL(d.at("refused").as_array().size(), 1u);
  BOOST_TEST(d.at("refused").at(0).at("manifest").as_string() == ms[2].id);
  BOOST_TEST(d.at("refused_g").as_int64() == 24'000);

  // Refused on 2 March, no return trip: due by 9 March (5 working days), a case on the 10th.
  BOOST_TEST(w.Run({2026, 3, 9}).opened_by_kind["refused_not_returned"] == 0);
  BOOST_TEST(w.Run({2026, 3, 10}).opened_by_kind["refused_not_returned"] == 1);
  BOOST_TEST(w.Run({2026, 3, 11}).opened == 0);
  auto unreturned = w.Cases("refused_not_returned");
  BOOST_REQUIRE_EQUAL(unreturned.size(), 1u);
  BOOST_TEST(unreturned[0].subject == id);
  BOOST_TEST(unreturned[0].party == w.c_org);  // the carrier takes the load back
  BOOST_TEST(Detail(unreturned[0]).at("return_due").as_string() == "2026-03-09");
  BOOST_TEST(w.Cases("refused_not_returned", &w.collector).size() == 1u);

  // The month's figures: one refused container's mass on an accepted receipt.
  auto report = w.Report("2026-03");
  const auto* p = Row(report, "producer", w.p_org);
  BOOST_REQUIRE(p);
  BOOST_TEST(p->r.d.received == 1);
  BOOST_TEST(p->r.d.refused == 0);
  BOOST_TEST(p->r.d.refused_g == 24'000);
  BOOST_TEST(report.totals.transfers["carrier"].received == 2);
  BOOST_TEST(report.totals.transfers["carrier"].refused_g == 24'000);
}

BOOST_AUTO_TEST_CASE(a_return_trip_in_time_and_a_refusal_of_everything) {
  TransferWorld w;  // Monday 2026-03-02
  auto ms = w.Issue(w.producer_p, 2, 25'000);
  const std::string id = w.Delivered(ms);
  ReceiptInput in;
  in.refused.push_back({ms[0].id, "代码不符", std::nullopt});
  in.refused.push_back({ms[1].id, "代码不符", std::nullopt});
  BOOST_REQUIRE_EQUAL(w.Receipt(id, in).t.status, "refused");
  w.clock.Set(At(2026, 3, 6, 9));
  auto ret = ReturnTransfer(*w.ctx, w.collector, id, "sender");
  BOOST_REQUIRE_MESSAGE(ret.ok(), ret.status().ToString());
  BOOST_TEST(w.Run({2026, 3, 20}).opened_by_kind["refused_not_returned"] == 0);
  BOOST_TEST(w.Cases("transfer_discrepancy").size() == 1u);  // a refusal is reported all the same
  auto report = w.Report("2026-03");
  const auto* f = Row(report, "facility", "LF");
  BOOST_REQUIRE(f);
  BOOST_TEST(f->r.d.refused == 1);
  BOOST_TEST(f->r.d.received == 0);
  BOOST_TEST(f->r.d.refused_g == 50'000);  // no mass given: the received masses
}

BOOST_AUTO_TEST_CASE(weighbridge_apportioning_is_named_and_rows_are_scoped) {
  TransferWorld w;
  auto ms = w.Issue(w.producer_p, 2, 10'000);
  const std::string id = w.Submitted(ms);
  for (const auto& m : ms) BOOST_REQUIRE(w.Scan("pickup", m).status == "accepted");
  // Received at the gate without masses of their own; the weighbridge weighs the load.
  for (const auto& m : ms) {
    ScanInput s;
    s.event_id = NewUuidV4();
    s.token = m.token;
    s.kind = "receive";
    s.scanned_at = FormatRfc3339(w.clock.NowMicros());
    s.facility = "LF";
    auto r = IngestScans(*w.ctx, w.landfill, {s});
    BOOST_REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    BOOST_REQUIRE_EQUAL(r->front().status, "accepted");
  }
  ReceiptInput in;
  in.weighbridge_g = 21'000;
  w.Receipt(id, in);
  auto report = w.Report("2026-03");
  const auto* row = Row(report, "facility", "LF");
  BOOST_REQUIRE(row);
  BOOST_TEST(row->r.d.apportioned_g == 21'000);
  BOOST_TEST(report.totals.transfers["producer"].apportioned_g == 21'000);
  bool producer_line = false, facility_line = false;
  for (const auto& l : report.producers) {
    if (l.r.producer == w.p_org) producer_line = l.apportioned_g == 21'000;
  }
  for (const auto& l : report.facilities) {
    if (l.r.facility == "LF") facility_line = l.apportioned_g == 21'000;
  }
  BOOST_TEST(producer_line);
  BOOST_TEST(facility_line);

  // Each party sees its own rows only: the carrier its carrier row, the landfill its facility.
  auto mine = w.Report("2026-03", &w.collector);
  BOOST_REQUIRE_EQUAL(mine.transfers.size(), 1u);
  BOOST_TEST(mine.transfers[0].r.role == "carrier");
  BOOST_TEST(mine.transfers[0].name == "收运中心");
  auto lf = w.Report("2026-03", &w.landfill);
  BOOST_REQUIRE_EQUAL(lf.transfers.size(), 1u);
  BOOST_TEST(lf.transfers[0].r.role == "facility");
  BOOST_TEST(lf.transfers[0].name == "填埋场");
  BOOST_TEST(w.Report("2026-03", &w.producer_q).transfers.empty());
}

BOOST_AUTO_TEST_CASE(deadlines_made_up_late_open_the_same_cases_when_the_rules_ran_seldom) {
  TransferWorld w;  // Monday 2026-03-02; the rules do not run until April
  auto ms = w.Issue(w.producer_p, 3, 25'000);
  const std::string late_receipt = w.Delivered({ms[0], ms[1]});  // due 9 March
  auto adhoc = w.Issue(w.producer_q, 1, 5'000);
  BOOST_REQUIRE(w.Scan("pickup", adhoc[0]).status == "accepted");  // sign by 3 March
  TransferQuery all;
  all.party = w.q_org;
  auto trips = ListTransfers(*w.ctx, w.regulator, all, std::nullopt, 10);
  BOOST_REQUIRE(trips.ok());
  BOOST_REQUIRE_EQUAL(trips->items.size(), 1u);
  const std::string trip = trips->items[0].id;
  // In time: a receipt refusing one container on 2 March, returned on 6 March (due 9 March).
  const std::string on_time = w.Delivered({ms[2]});
  ReceiptInput refuse;
  refuse.refused.push_back({ms[2].id, "代码不符", std::nullopt});
  w.Receipt(on_time, refuse);
  // Late: the trip signed on 5 March, the receipt on 11 March refusing ms[1], returned 20 March.
  w.clock.Set(At(2026, 3, 5, 9));
  BOOST_REQUIRE(SignTransfer(*w.ctx, w.producer_q, trip).ok());
  w.clock.Set(At(2026, 3, 6, 9));
  BOOST_REQUIRE(ReturnTransfer(*w.ctx, w.collector, on_time, "sender").ok());
  w.clock.Set(At(2026, 3, 11, 9));
  ReceiptInput partial;
  partial.refused.push_back({ms[1].id, "包装破损", std::nullopt});
  w.Receipt(late_receipt, partial);
  w.clock.Set(At(2026, 3, 20, 9));  // 11 March + 5 working days = 18 March
  BOOST_REQUIRE(ReturnTransfer(*w.ctx, w.collector, late_receipt, "sender").ok());

  auto run = w.Run({2026, 4, 1});
  BOOST_TEST(run.opened_by_kind["receipt_overdue"] == 1);
  BOOST_TEST(run.opened_by_kind["transfer_unsigned"] == 1);
  BOOST_TEST(run.opened_by_kind["refused_not_returned"] == 1);
  BOOST_TEST(w.Run({2026, 4, 2}).opened == 0);
  auto overdue = w.Cases("receipt_overdue");
  BOOST_REQUIRE_EQUAL(overdue.size(), 1u);
  BOOST_TEST(overdue[0].subject == late_receipt);
  BOOST_TEST(Detail(overdue[0]).at("confirmed_on").as_string() == "2026-03-11");
  auto unsigned_trip = w.Cases("transfer_unsigned");
  BOOST_REQUIRE_EQUAL(unsigned_trip.size(), 1u);
  BOOST_TEST(unsigned_trip[0].subject == trip);
  BOOST_TEST(unsigned_trip[0].party == w.q_org);
  BOOST_TEST(Detail(unsigned_trip[0]).at("signed_on").as_string() == "2026-03-05");
  auto unreturned = w.Cases("refused_not_returned");
  BOOST_REQUIRE_EQUAL(unreturned.size(), 1u);
  BOOST_TEST(unreturned[0].subject == late_receipt);
  BOOST_TEST(Detail(unreturned[0]).at("returned_on").as_string() == "2026-03-20");
  // First overdue on 10 March: counted in March, once.
  BOOST_TEST(Row(w.Report("2026-03"), "facility", "LF")->r.d.overdue == 1);
}

}  // namespace
}  // namespace cradle::service::testing
