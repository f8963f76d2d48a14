// The transfer rules and the transfer figures of the reconciliation against the real
// cradle-server over real TLS: a trip with a refusal and a discrepancy that is never returned,
// a delivery never confirmed, an ad hoc trip never signed; POST /rules/run as of the due day
// opens only what is due, as of the day after every case once, and running again nothing; the
// cases are listed by kind with their parties; the month's reconciliation counts the transfers
// per producer, carrier and facility in JSON and CSV, scoped to each party; and an overdue
// delivery is listed by GET /transfers?overdue=true.
#define BOOST_TEST_MODULE blackbox_transfer_rules
#include <sqlite3.h>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "core/civil_time.h"
#include "core/clock.h"
#include "core/uuid.h"
#include "tests/blackbox/server_test_helpers.h"
#include "tests/blackbox/transfer_world.h"

namespace cradle::testing {
namespace {

namespace json = boost::json;

// The response as JSON, asserting its status: transfer_world.h's CallJson.
json::value Call(net::HttpsClient& c, const std::string& method, const std::string& target,
                 const std::string& token, const json::value& body, int want) {
  return CallJson(c, method, target, token, body, want);
}

std::string S(const json::value& v, const char* k) { return std::string(v.at(k).as_string()); }

struct World {
  TempServer server;
  std::string producer = UsccFrom("91331082NCP000001");
  std::string collector = UsccFrom("91331000CLT000001");
  std::string fac_f = UsccFrom("91331000LFL000001");
  std::string admin, p_tok, c_tok, f_tok, reg_tok;

  World() {
    BOOST_REQUIRE(server.Start().ok());
    admin = server.admin_token();
    auto c = server.Client();
    auto org = [&](const std::string& uscc, const char* role, const std::string& name) {
      Call(c, "POST", "/api/v1/orgs", admin,
           json::object{{"uscc", uscc}, {"name", name}, {"roles", json::array{role}}}, 201);
      auto t = Call(c, "POST", "/api/v1/orgs/" + uscc + "/tokens", admin,
                    json::object{{"role", role}, {"label", "test"}}, 201);
      return S(t, "token");
    };
    p_tok = org(producer, "producer", "临海化工厂");
    c_tok = org(collector, "collector", "收运中心");
    f_tok = org(fac_f, "facility", "焚烧厂运营公司");
    reg_tok = org(UsccFrom("11331000REG000001"), "regulator", "分局");
    Call(c, "POST", "/api/v1/facilities", admin,
         json::object{{"id", "FAC-F"},
                      {"operator", fac_f},
                      {"name", "焚烧厂"},
                      {"kind", "incinerator"},
                      {"capacity", json::object{{"t_per_year", 10000}}}},
         201);
  }

  json::object Scan(const std::string& kind, const IssuedManifest& m,
                    std::optional<std::string> facility = std::nullopt) {
    json::object s{{"event_id", NewUuidV4()},
                   {"token", m.token},
                   {"kind", kind},
                   {"scanned_at", FormatRfc3339(SystemClock().NowMicros())},
                   {"vehicle", "浙J12345"},
                   {"mass_g", 25000}};
    if (facility) s["facility"] = *facility;
    return s;
  }

  void Accepted(net::HttpsClient& c, const std::string& token, json::object scan) {
    auto r = Call(c, "POST", "/api/v1/scans", token,
                  json::object{{"scans", json::array{std::move(scan)}}}, 200);
    BOOST_TEST(S(r.at("results").at(0), "status") == "accepted");
  }

  // A submitted transfer of `ms` to FAC-F, every container picked up and received: delivered.
  std::string Delivered(net::HttpsClient& c, const std::vector<IssuedManifest>& ms) {
    json::array ids;
    for (const auto& m : ms) ids.push_back(json::value(m.id));
    auto t = Call(c, "POST", "/api/v1/transfers", p_tok,
                  json::object{{"sender", producer},
                               {"carrier", collector},
                               {"receiver", "FAC-F"},
                               {"vehicle", "浙J12345"},
                               {"purpose", "disposal"},
                               {"containers", std::move(ids)}},
                  201);
    const std::string id = S(t, "id");
    Call(c, "POST", "/api/v1/transfers/" + id + "/submit", p_tok, nullptr, 200);
    for (const auto& m : ms) Accepted(c, c_tok, Scan("pickup", m));
    for (const auto& m : ms) Accepted(c, f_tok, Scan("receive", m, "FAC-F"));
    BOOST_REQUIRE(S(Call(c, "GET", "/api/v1/transfers/" + id, p_tok, nullptr, 200), "status") ==
                  "delivered");
    return id;
  }

  // Runs the rules as of `as_of`, which may not be after the server's today (issue 11, finding
  // 8): a later day is reached by restarting the server with its clock moved there
  // (--clock-offset-s), whose start-up run of the rules may open cases before this one does.
  // `c` is replaced by a client of the restarted server.
  json::value Run(net::HttpsClient& c, const CivilDate& as_of) {
    const CivilDate today = LocalCivilDate(SystemClock().NowMicros(), 480);
    const int64_t days = DaysFromCivil(as_of) - DaysFromCivil(today);
    if (days > 0) {
      BOOST_REQUIRE_EQUAL(server.Stop(), 0);
      BOOST_REQUIRE(server.Start({"--clock-offset-s", std::to_string(days * 86400)}).ok());
      c = server.Client();
    }
    return Call(c, "POST", "/api/v1/rules/run", reg_tok,
                json::object{{"date", FormatIsoDate(as_of)}}, 200);
  }

  // How many cases of `kind` exist.
  size_t Cases(net::HttpsClient& c, const std::string& kind) {
    return Call(c, "GET", "/api/v1/cases?kind=" + kind, reg_tok, nullptr, 200)
        .at("items")
        .as_array()
        .size();
  }
};

int64_t Opened(const json::value& run, const char* kind) {
  const auto* k = run.at("opened_by_kind").as_object().if_contains(kind);
  return k ? k->as_int64() : 0;
}

const json::object* Row(const json::value& report, const std::string& role,
                        const std::string& party) {
  for (const auto& r : report.at("transfers").as_array()) {
    if (r.at("role").as_string() == role && r.at("party").as_string() == party) {
      return &r.as_object();
    }
  }
  return nullptr;
}

BOOST_AUTO_TEST_CASE(each_transfer_rule_opens_one_case_and_the_month_counts_the_transfers) {
  World w;
  auto c = w.server.Client();
  const CivilDate today = LocalCivilDate(SystemClock().NowMicros(), 480);
  const std::string month = FormatMonthKey({today.year, today.month});
  auto ms = IssueManifests(c, w.p_tok, w.producer, 5);

  // Trip A: one container refused (24 kg), one with a packaging discrepancy; no return trip.
  const std::string a = w.Delivered(c, {ms[0], ms[1], ms[2]});
  Call(c, "POST", "/api/v1/transfers/" + a + "/receipt", w.f_tok,
       json::object{
           {"refused", json::array{json::object{
                           {"manifest", ms[2].id}, {"reason", "包装破损渗漏"}, {"mass_g", 24000}}}},
           {"discrepancies", json::array{json::object{{"manifest", ms[1].id},
                                                      {"field", "packaging"},
                                                      {"note", "标签为桶装，实为袋装"}}}}},
       200);
  // Trip B: delivered, never confirmed.
  const std::string b = w.Delivered(c, {ms[3]});
  const std::string due =
      S(Call(c, "GET", "/api/v1/transfers/" + b, w.reg_tok, nullptr, 200), "receipt_due");
  // Trip C: a door-to-door pickup on no transfer, an ad hoc trip its sender never signs.
  w.Accepted(c, w.c_tok, w.Scan("pickup", ms[4]));
  std::string adhoc;
  const auto trips = Call(c, "GET", "/api/v1/transfers", w.reg_tok, nullptr, 200);
  for (const auto& t : trips.at("items").as_array()) {
    if (t.at("ad_hoc").as_bool()) adhoc = S(t, "id");
  }
  BOOST_REQUIRE(!adhoc.empty());

  // As of B's due day: the receipt and the return (both 5 working days from today) are in time.
  auto due_day = ParseIsoDate(due);
  BOOST_REQUIRE(due_day.ok());
  w.Run(c, *due_day);
  BOOST_TEST(w.Cases(c, "transfer_discrepancy") == 1u);
  BOOST_TEST(w.Cases(c, "transfer_unsigned") == 1u);
  BOOST_TEST(w.Cases(c, "receipt_overdue") == 0u);
  BOOST_TEST(w.Cases(c, "refused_not_returned") == 0u);
  const CivilDate after = AddDays(*due_day, 1);
  w.Run(c, after);
  BOOST_TEST(w.Cases(c, "receipt_overdue") == 1u);
  BOOST_TEST(w.Cases(c, "refused_not_returned") == 1u);
  BOOST_TEST(w.Cases(c, "transfer_discrepancy") == 1u);
  BOOST_TEST(w.Cases(c, "transfer_unsigned") == 1u);
  BOOST_TEST(w.Run(c, after).at("opened").as_int64() == 0);
  BOOST_TEST(w.Run(c, AddDays(after, 3)).at("opened").as_int64() == 0);

  // Each case once, naming its transfer and the party that answers for it.
  for (const auto& [kind, subject, party] :
       {std::tuple<std::string, std::string, std::string>{"receipt_overdue", b, w.fac_f},
        {"transfer_discrepancy", a, w.producer},
        {"transfer_unsigned", adhoc, w.producer},
        {"refused_not_returned", a, w.collector}}) {
    auto list = Call(c, "GET", "/api/v1/cases?kind=" + kind, w.reg_tok, nullptr, 200);
    BOOST_REQUIRE_MESSAGE(list.at("items").as_array().size() == 1u, kind);
    const auto& item = list.at("items").at(0);
    BOOST_TEST(S(item, "subject") == subject, kind);
    BOOST_TEST(S(item, "party") == party, kind);
  }
  // The receiver sees its overdue case; the producer does not.
  BOOST_TEST(Call(c, "GET", "/api/v1/cases?kind=receipt_overdue", w.f_tok, nullptr, 200)
                 .at("items")
                 .as_array()
                 .size() == 1u);
  BOOST_TEST(Call(c, "GET", "/api/v1/cases?kind=receipt_overdue", w.p_tok, nullptr, 200)
                 .at("items")
                 .as_array()
                 .empty());

  // The month's transfers: A, B and the ad hoc trip submitted; A and B delivered; A received
  // with 24 kg refused. The ad hoc trip had no receiver yet, so the facility counts two.
  auto report = Call(c, "GET", "/api/v1/reconciliation/" + month, w.reg_tok, nullptr, 200);
  const std::string overdue_month = FormatMonthKey({after.year, after.month});
  const int64_t overdue_here = overdue_month == month ? 1 : 0;
  const auto* p = Row(report, "producer", w.producer);
  BOOST_REQUIRE(p);
  BOOST_TEST(p->at("name").as_string() == "临海化工厂");
  BOOST_TEST(p->at("submitted").as_int64() == 3);
  BOOST_TEST(p->at("delivered").as_int64() == 2);
  BOOST_TEST(p->at("received").as_int64() == 1);
  BOOST_TEST(p->at("refused").as_int64() == 0);
  BOOST_TEST(p->at("refused_g").as_int64() == 24000);
  BOOST_TEST(p->at("overdue").as_int64() == overdue_here);
  BOOST_TEST(p->at("apportioned_g").as_int64() == 0);
  BOOST_TEST(p->at("apportioned_by").is_null());
  const auto* carrier = Row(report, "carrier", w.collector);
  BOOST_REQUIRE(carrier);
  BOOST_TEST(carrier->at("submitted").as_int64() == 3);
  const auto* f = Row(report, "facility", "FAC-F");
  BOOST_REQUIRE(f);
  BOOST_TEST(f->at("name").as_string() == "焚烧厂");
  BOOST_TEST(f->at("submitted").as_int64() == 2);
  BOOST_TEST(f->at("delivered").as_int64() == 2);
  const auto& totals = report.at("totals").at("transfers");
  BOOST_TEST(totals.at("producer").at("submitted").as_int64() == 3);
  BOOST_TEST(totals.at("facility").at("refused_g").as_int64() == 24000);
  if (overdue_month != month) {
    auto next = Call(c, "GET", "/api/v1/reconciliation/" + overdue_month, w.reg_tok, nullptr, 200);
    BOOST_REQUIRE(Row(next, "facility", "FAC-F"));
    BOOST_TEST(Row(next, "facility", "FAC-F")->at("overdue").as_int64() == 1);
  }

  // CSV: the transfers table, one row per role and party.
  auto csv = c.Send("GET", "/api/v1/reconciliation/" + month + "?format=csv&table=transfers",
                    Bearer(w.reg_tok), "");
  BOOST_REQUIRE(csv.ok());
  BOOST_TEST(csv->status == 200);
  BOOST_TEST(csv->body.rfind("\xEF\xBB\xBF"
                             "role,party,name,submitted,delivered,received,refused,overdue,"
                             "refused_g,apportioned_g,apportioned_by\r\n",
                             0) == 0u);
  BOOST_TEST(csv->body.find("producer," + w.producer + ",临海化工厂,3,2,1,0," +
                            std::to_string(overdue_here) + ",24000,0,\r\n") != std::string::npos,
             csv->body);
  BOOST_TEST(csv->body.find("facility,FAC-F,焚烧厂,2,2,1,0,") != std::string::npos);
  auto bad = c.Send("GET", "/api/v1/reconciliation/" + month + "?format=csv&table=transfer",
                    Bearer(w.reg_tok), "");
  BOOST_REQUIRE(bad.ok());
  BOOST_TEST(bad->status == 422);
  // The producer table says how much of the received mass was apportioned (none here).
  auto producers =
      c.Send("GET", "/api/v1/reconciliation/" + month + "?format=csv", Bearer(w.reg_tok), "");
  BOOST_REQUIRE(producers.ok());
  BOOST_TEST(producers->body.find(",receipt_bias_pct,apportioned_g\r\n") != std::string::npos);

  // Parties see their own rows only.
  auto mine = Call(c, "GET", "/api/v1/reconciliation/" + month, w.c_tok, nullptr, 200);
  BOOST_REQUIRE_EQUAL(mine.at("transfers").as_array().size(), 1u);
  BOOST_TEST(S(mine.at("transfers").at(0), "role") == "carrier");
  auto theirs = Call(c, "GET", "/api/v1/reconciliation/" + month, w.f_tok, nullptr, 200);
  BOOST_REQUIRE_EQUAL(theirs.at("transfers").as_array().size(), 1u);
  BOOST_TEST(S(theirs.at("transfers").at(0), "party") == "FAC-F");
}

BOOST_AUTO_TEST_CASE(an_overdue_delivery_is_listed_and_opens_its_case_as_of_today) {
  World w;
  auto c = w.server.Client();
  auto ms = IssueManifests(c, w.p_tok, w.producer, 2);
  const std::string late = w.Delivered(c, {ms[0]});
  const std::string fresh = w.Delivered(c, {ms[1]});
  BOOST_TEST(Call(c, "GET", "/api/v1/transfers?overdue=true", w.reg_tok, nullptr, 200)
                 .at("items")
                 .as_array()
                 .empty());
  // Time passes for one delivery: it was delivered ten days ago and was due yesterday. The
  // server is stopped to move its dates back in its database file.
  const CivilDate today = LocalCivilDate(SystemClock().NowMicros(), 480);
  BOOST_REQUIRE_EQUAL(w.server.Stop(), 0);
  {
    sqlite3* db = nullptr;
    BOOST_REQUIRE(sqlite3_open((w.server.data_dir() + "/cradle.db").c_str(), &db) == SQLITE_OK);
    const std::string sql =
        "UPDATE transfers SET delivered_at = delivered_at - 864000000000, receipt_due = '" +
        FormatIsoDate(AddDays(today, -1)) + "' WHERE id = '" + late + "'";
    BOOST_TEST(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    BOOST_TEST(sqlite3_changes(db) == 1);
    sqlite3_close(db);
  }
  BOOST_REQUIRE(w.server.Start().ok());
  c = w.server.Client();
  auto listed = Call(c, "GET", "/api/v1/transfers?overdue=true", w.reg_tok, nullptr, 200);
  BOOST_REQUIRE_EQUAL(listed.at("items").as_array().size(), 1u);
  BOOST_TEST(S(listed.at("items").at(0), "id") == late);
  // The receiver lists its own overdue deliveries; the fresh one is not among them.
  listed = Call(c, "GET", "/api/v1/transfers?overdue=true&status=delivered", w.f_tok, nullptr, 200);
  BOOST_REQUIRE_EQUAL(listed.at("items").as_array().size(), 1u);
  BOOST_TEST(S(listed.at("items").at(0), "id") == late);
  BOOST_TEST(late != fresh);
  // The rules of today open its case, once: the server's own scheduler also runs them at
  // start-up, so whichever run comes first opens it and the other finds it there.
  auto run = Call(c, "POST", "/api/v1/rules/run", w.reg_tok, json::object{}, 200);
  BOOST_TEST(Opened(run, "receipt_overdue") <= 1);
  run = Call(c, "POST", "/api/v1/rules/run", w.reg_tok, json::object{}, 200);
  BOOST_TEST(Opened(run, "receipt_overdue") == 0);
  auto cases = Call(c, "GET", "/api/v1/cases?kind=receipt_overdue", w.reg_tok, nullptr, 200);
  BOOST_REQUIRE_EQUAL(cases.at("items").as_array().size(), 1u);
  BOOST_TEST(S(cases.at("items").at(0), "subject") == late);
  // Confirming the receipt, late, ends the listing.
  Call(c, "POST", "/api/v1/transfers/" + late + "/receipt", w.f_tok, json::object{}, 200);
  BOOST_TEST(Call(c, "GET", "/api/v1/transfers?overdue=true", w.reg_tok, nullptr, 200)
                 .at("items")
                 .as_array()
                 .empty());
}

}  // namespace
}  // namespace cradle::testing
