// Transfers and custody against the real cradle-server over real TLS (transfers.md): a whole
// trip with a refusal and its return trip, every custody refusal code, the copied-label race,
// an ad hoc trip signed afterwards, revisions, the receipt deadline across a holiday from a
// replaced calendar folder, and bad input that changes nothing.
#define BOOST_TEST_MODULE blackbox_transfers
#include <atomic>
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/civil_time.h"
#include "core/clock.h"
#include "core/uuid.h"
#include "core/working_calendar.h"
#include "tests/blackbox/server_test_helpers.h"
#include "tests/blackbox/transfer_world.h"

namespace cradle::testing {
namespace {

namespace json = boost::json;
using Headers = std::map<std::string, std::string>;

// The response as JSON, asserting its status: transfer_world.h's CallJson.
json::value Call(net::HttpsClient& c, const std::string& method, const std::string& target,
                 const std::string& token, const json::value& body, int want) {
  return CallJson(c, method, target, token, body, want);
}

// The code of a problem answer, asserting its HTTP status.
std::string Problem(net::HttpsClient& c, const std::string& method, const std::string& target,
                    const std::string& token, const std::string& body, int want) {
  auto r = c.Send(method, target, Bearer(token), body);
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r->status == want, method << " " << target << " -> " << r->status << " " << r->body);
  return ProblemCode(*r);
}

std::string S(const json::value& v, const char* k) { return std::string(v.at(k).as_string()); }

struct World {
  TempServer server;
  std::string producer = UsccFrom("91331082NCP000001");
  std::string collector = UsccFrom("91331000CLT000001");
  std::string collector2 = UsccFrom("91331000CLT000002");
  std::string fac_f = UsccFrom("91331000LFL000001");
  std::string fac_g = UsccFrom("91331000UTL000001");
  std::string admin, p_tok, c_tok, c2_tok, f_tok, g_tok, reg_tok;

  explicit World(const std::vector<std::string>& args = {}) {
    BOOST_REQUIRE(server.Start(args).ok());
    admin = server.admin_token();
    auto c = server.Client();
    auto org = [&](const std::string& uscc, const char* role) {
      Call(c, "POST", "/api/v1/orgs", admin,
           json::object{{"uscc", uscc}, {"name", "org " + uscc}, {"roles", json::array{role}}},
           201);
      auto t = Call(c, "POST", "/api/v1/orgs/" + uscc + "/tokens", admin,
                    json::object{{"role", role}, {"label", "test"}}, 201);
      return S(t, "token");
    };
    p_tok = org(producer, "producer");
    c_tok = org(collector, "collector");
    c2_tok = org(collector2, "collector");
    f_tok = org(fac_f, "facility");
    g_tok = org(fac_g, "facility");
    const std::string reg = UsccFrom("11331000REG000001");
    reg_tok = org(reg, "regulator");
    for (const auto& [id, op] : {std::pair{"FAC-F", fac_f}, std::pair{"FAC-G", fac_g}}) {
      Call(c, "POST", "/api/v1/facilities", admin,
           json::object{{"id", id},
                        {"operator", op},
                        {"name", id},
                        {"kind", "incinerator"},
                        {"capacity", json::object{{"t_per_year", 10000}}}},
           201);
    }
  }

  std::vector<IssuedManifest> Issue(int n) {
    auto c = server.Client();
    return IssueManifests(c, p_tok, producer, n);
  }

  json::object Scan(const std::string& kind, const IssuedManifest& m,
                    std::optional<std::string> facility = std::nullopt,
                    std::optional<int64_t> mass = 25000) {
    json::object s{{"event_id", NewUuidV4()},
                   {"token", m.token},
                   {"kind", kind},
                   {"scanned_at", FormatRfc3339(SystemClock().NowMicros())},
                   {"vehicle", "浙J12345"}};
    if (mass) s["mass_g"] = *mass;
    if (facility) s["facility"] = *facility;
    if (kind == "dispose") s["method"] = "D10";
    return s;
  }

  // One scan; returns its result object.
  json::object One(net::HttpsClient& c, const std::string& token, json::object scan) {
    auto r = Call(c, "POST", "/api/v1/scans", token,
                  json::object{{"scans", json::array{std::move(scan)}}}, 200);
    return r.at("results").as_array().at(0).as_object();
  }

  json::value Create(net::HttpsClient& c, const std::vector<IssuedManifest>& ms,
                     const std::string& receiver = "FAC-F") {
    json::array ids;
    for (const auto& m : ms) ids.push_back(json::value(m.id));
    return Call(c, "POST", "/api/v1/transfers", p_tok,
                json::object{{"sender", producer},
                             {"carrier", collector},
                             {"receiver", receiver},
                             {"vehicle", "浙J12345"},
                             {"driver", json::object{{"name", "王师傅"}, {"licence", "330100"}}},
                             {"purpose", "disposal"},
                             {"containers", std::move(ids)}},
                201);
  }

  std::string ManifestStatus(net::HttpsClient& c, const std::string& id) {
    return S(Call(c, "GET", "/api/v1/manifests/" + id, admin, nullptr, 200), "status");
  }
};

std::string ContainerStatus(const json::value& t, const std::string& manifest) {
  for (const auto& c : t.at("containers").as_array()) {
    if (c.at("manifest").as_string() == manifest) return S(c, "status");
  }
  return "";
}

BOOST_AUTO_TEST_CASE(a_whole_trip_with_a_refusal_its_return_and_disposal) {
  World w;
  auto c = w.server.Client();
  auto ms = w.Issue(4);
  auto t = w.Create(c, ms);
  const std::string id = S(t, "id");
  BOOST_TEST(id.size() == 14u);
  BOOST_TEST(id.substr(0, 8) == "2026" + w.producer.substr(2, 4));
  BOOST_TEST(S(t, "status") == "draft");
  // Wrong state before submit, a party not on it, unknown ids, malformed bodies.
  BOOST_TEST(Problem(c, "POST", "/api/v1/transfers/" + id + "/receipt", w.f_tok, "{}", 409) ==
             "INVALID_STATE");
  BOOST_TEST(Problem(c, "POST", "/api/v1/transfers/" + id + "/submit", w.c_tok, "", 403) ==
             "FORBIDDEN");
  BOOST_TEST(Problem(c, "POST", "/api/v1/transfers/" + id + "/submit", w.g_tok, "", 404) ==
             "NOT_FOUND");
  BOOST_TEST(Problem(c, "GET", "/api/v1/transfers/" + id, w.c2_tok, "", 404) == "NOT_FOUND");
  BOOST_TEST(Problem(c, "POST", "/api/v1/transfers/20269999000001/submit", w.p_tok, "", 404) ==
             "NOT_FOUND");
  BOOST_TEST(Problem(c, "POST", "/api/v1/transfers/" + id + "/cancel", w.p_tok, "{", 400) != "");
  BOOST_TEST(Problem(c, "POST", "/api/v1/transfers/" + id + "/cancel", w.p_tok, "{\"x\":1}", 422) ==
             "VALIDATION_FAILED");
  Call(c, "POST", "/api/v1/transfers/" + id + "/submit", w.p_tok, nullptr, 200);
  auto got = Call(c, "GET", "/api/v1/transfers/" + id, w.reg_tok, nullptr, 200);
  BOOST_TEST(S(got, "status") == "submitted");
  BOOST_TEST(!got.at("sender_signed_at").is_null());
  // The same containers cannot go on a second transfer meanwhile.
  BOOST_TEST(
      Problem(c, "POST", "/api/v1/transfers", w.p_tok,
              json::serialize(json::object{{"sender", w.producer},
                                           {"carrier", w.collector},
                                           {"receiver", "FAC-F"},
                                           {"vehicle", "浙J00001"},
                                           {"purpose", "disposal"},
                                           {"containers", json::array{json::value(ms[0].id)}}}),
              422) == "ON_OTHER_TRANSFER");

  // Pickups of three (the fourth stays behind), deliveries at FAC-F.
  for (int i = 0; i < 3; ++i) {
    BOOST_TEST(S(w.One(c, w.c_tok, w.Scan("pickup", ms[i])), "status") == "accepted");
  }
  got = Call(c, "GET", "/api/v1/transfers/" + id, w.p_tok, nullptr, 200);
  BOOST_TEST(S(got, "status") == "in_transit");
  BOOST_TEST(!got.at("carrier_signed_at").is_null());
  for (int i = 0; i < 3; ++i) {
    BOOST_TEST(S(w.One(c, w.f_tok, w.Scan("receive", ms[i], "FAC-F")), "status") == "accepted");
  }
  got = Call(c, "GET", "/api/v1/transfers/" + id, w.f_tok, nullptr, 200);
  BOOST_TEST(S(got, "status") == "delivered");
  BOOST_TEST(!got.at("receipt_due").is_null());
  BOOST_TEST(ContainerStatus(got, ms[3].id) == "not_loaded");
  BOOST_TEST(w.ManifestStatus(c, ms[3].id) == "issued");

  // Receipt: one refused (with a reason and mass), one discrepancy; only the receiver signs.
  const json::object receipt{
      {"refused", json::array{json::object{
                      {"manifest", ms[2].id}, {"reason", "包装破损渗漏"}, {"mass_g", 24000}}}},
      {"discrepancies",
       json::array{json::object{
           {"manifest", ms[1].id}, {"field", "packaging"}, {"note", "标签为桶装，实为袋装"}}}}};
  BOOST_TEST(Problem(c, "POST", "/api/v1/transfers/" + id + "/receipt", w.c_tok,
                     json::serialize(receipt), 403) == "FORBIDDEN");
  BOOST_TEST(Problem(c, "POST", "/api/v1/transfers/" + id + "/receipt", w.f_tok,
                     R"({"discrepancies":[{"manifest":"x","field":"colour","note":"n"}]})",
                     422) == "VALIDATION_FAILED");
  got = Call(c, "POST", "/api/v1/transfers/" + id + "/receipt", w.f_tok, receipt, 200);
  BOOST_TEST(S(got, "status") == "received");
  BOOST_TEST(ContainerStatus(got, ms[2].id) == "refused");
  BOOST_TEST(got.at("discrepancies").as_array().size() == 1u);
  BOOST_TEST(w.ManifestStatus(c, ms[2].id) == "rejected");
  BOOST_TEST(Problem(c, "POST", "/api/v1/transfers/" + id + "/receipt", w.f_tok, "{}", 409) ==
             "INVALID_STATE");

  // The return trip of the refused container, back to the sender.
  auto ret = Call(c, "POST", "/api/v1/transfers/" + id + "/return", w.c_tok,
                  json::object{{"to", "sender"}}, 201);
  const std::string rid = S(ret, "id");
  BOOST_TEST(S(ret, "return_of") == id);
  BOOST_TEST(S(ret, "status") == "submitted");
  BOOST_TEST(ret.at("containers").as_array().size() == 1u);
  BOOST_TEST(Problem(c, "POST", "/api/v1/transfers/" + id + "/return", w.c_tok,
                     R"({"to":"sender"})", 409) == "INVALID_STATE");
  BOOST_TEST(S(w.One(c, w.c_tok, w.Scan("pickup", ms[2])), "status") == "accepted");
  got = Call(c, "POST", "/api/v1/transfers/" + rid + "/receipt", w.p_tok, json::object{}, 200);
  BOOST_TEST(S(got, "status") == "received");
  BOOST_TEST(w.ManifestStatus(c, ms[2].id) == "issued");

  // Disposal of the accepted two by the facility holding them.
  for (int i = 0; i < 2; ++i) {
    BOOST_TEST(S(w.One(c, w.f_tok, w.Scan("dispose", ms[i], "FAC-F", std::nullopt)), "status") ==
               "accepted");
  }
  BOOST_TEST(w.ManifestStatus(c, ms[0].id) == "disposed");
  auto list = Call(c, "GET", "/api/v1/transfers?party=" + w.producer, w.reg_tok, nullptr, 200);
  BOOST_TEST(list.at("items").as_array().size() == 2u);  // the trip and its return
  auto verify = Call(c, "GET", "/api/v1/audit/verify", w.admin, nullptr, 200);
  BOOST_TEST(verify.at("ok").as_bool());
}

BOOST_AUTO_TEST_CASE(every_custody_refusal_changes_nothing_and_leaves_a_case) {
  World w;
  auto c = w.server.Client();
  auto ms = w.Issue(3);
  const std::string id = S(w.Create(c, ms), "id");
  Call(c, "POST", "/api/v1/transfers/" + id + "/submit", w.p_tok, nullptr, 200);
  auto expect = [&](const std::string& token, json::object scan, const char* code,
                    const std::string& manifest, const char* status) {
    auto r = w.One(c, token, std::move(scan));
    BOOST_TEST(S(r, "status") == "rejected");
    BOOST_TEST(S(r, "code") == code);
    BOOST_TEST(w.ManifestStatus(c, manifest) == status);
  };
  // Another collector picks up a container of this transfer.
  expect(w.c2_tok, w.Scan("pickup", ms[0]), "NOT_CARRIER", ms[0].id, "issued");
  for (const auto& m : ms) {
    BOOST_TEST(S(w.One(c, w.c_tok, w.Scan("pickup", m)), "status") == "accepted");
  }
  // Another facility receives or rejects a load sent to FAC-F.
  expect(w.g_tok, w.Scan("receive", ms[0], "FAC-G"), "WRONG_RECEIVER", ms[0].id, "collected");
  expect(w.g_tok, w.Scan("reject", ms[1], "FAC-G"), "NOT_IN_CUSTODY", ms[1].id, "collected");
  auto t = Call(c, "GET", "/api/v1/transfers/" + id, w.admin, nullptr, 200);
  BOOST_TEST(S(t, "status") == "in_transit");  // no delivery happened
  BOOST_TEST(S(w.One(c, w.f_tok, w.Scan("receive", ms[0], "FAC-F")), "status") == "accepted");
  // Another facility disposes of a container FAC-F holds (the reported bug).
  expect(w.g_tok, w.Scan("dispose", ms[0], "FAC-G", std::nullopt), "NOT_IN_CUSTODY", ms[0].id,
         "received");
  // The rules turn each finding into one case.
  auto run = Call(c, "POST", "/api/v1/rules/run", w.reg_tok, json::object{}, 200);
  (void)run;
  auto cases = Call(c, "GET", "/api/v1/cases?kind=custody_refused", w.reg_tok, nullptr, 200);
  BOOST_TEST(cases.at("items").as_array().size() == 4u);
  Call(c, "POST", "/api/v1/rules/run", w.reg_tok, json::object{}, 200);
  cases = Call(c, "GET", "/api/v1/cases?kind=custody_refused", w.reg_tok, nullptr, 200);
  BOOST_TEST(cases.at("items").as_array().size() == 4u);  // one per cause, however often run
}

BOOST_AUTO_TEST_CASE(copied_label_race_exactly_one_pickup_wins) {
  World w;
  auto ms = w.Issue(12);
  for (const auto& m : ms) {
    std::atomic<int> accepted{0}, copied{0};
    std::vector<std::thread> trucks;
    for (const std::string* tok : {&w.c_tok, &w.c2_tok}) {
      trucks.emplace_back([&, tok] {
        auto c = w.server.Client();
        auto r = c.Send("POST", "/api/v1/scans", Bearer(*tok),
                        json::serialize(json::object{{"scans", json::array{w.Scan("pickup", m)}}}));
        if (!r.ok() || r->status != 200) return;
        auto res = json::parse(r->body).at("results").as_array().at(0);
        if (res.at("status").as_string() == "accepted") ++accepted;
        if (res.at("status").as_string() == "rejected" &&
            res.at("code").as_string() == "ALREADY_COLLECTED") {
          ++copied;
        }
      });
    }
    for (auto& t : trucks) t.join();
    BOOST_TEST(accepted.load() == 1);
    BOOST_TEST(copied.load() == 1);
  }
  // Each container is on exactly one (ad hoc) transfer.
  auto c = w.server.Client();
  auto list = Call(c, "GET", "/api/v1/transfers?limit=1000", w.reg_tok, nullptr, 200);
  size_t containers = 0;
  for (const auto& t : list.at("items").as_array()) {
    auto full = Call(c, "GET", "/api/v1/transfers/" + S(t, "id"), w.reg_tok, nullptr, 200);
    containers += full.at("containers").as_array().size();
  }
  BOOST_TEST(containers == ms.size());
}

BOOST_AUTO_TEST_CASE(an_ad_hoc_trip_is_signed_afterwards) {
  World w;
  auto c = w.server.Client();
  auto ms = w.Issue(2);
  for (const auto& m : ms) {
    BOOST_TEST(S(w.One(c, w.c_tok, w.Scan("pickup", m)), "status") == "accepted");
  }
  auto list = Call(c, "GET", "/api/v1/transfers", w.p_tok, nullptr, 200);
  BOOST_REQUIRE_EQUAL(list.at("items").as_array().size(), 1u);  // one trip for both pickups
  const auto& t = list.at("items").as_array()[0];
  const std::string id = S(t, "id");
  BOOST_TEST(t.at("ad_hoc").as_bool());
  BOOST_TEST(S(t, "status") == "in_transit");
  BOOST_TEST(t.at("sender_signed_at").is_null());
  BOOST_TEST(S(t, "carrier") == w.collector);
  BOOST_TEST(Problem(c, "POST", "/api/v1/transfers/" + id + "/sign", w.c_tok, "", 403) ==
             "FORBIDDEN");
  auto signed_t = Call(c, "POST", "/api/v1/transfers/" + id + "/sign", w.p_tok, nullptr, 200);
  BOOST_TEST(!signed_t.at("sender_signed_at").is_null());
  BOOST_TEST(Problem(c, "POST", "/api/v1/transfers/" + id + "/sign", w.p_tok, "", 409) ==
             "INVALID_STATE");
  // The ad hoc trip's receiver is fixed by its first receive scan.
  BOOST_TEST(S(w.One(c, w.g_tok, w.Scan("receive", ms[0], "FAC-G")), "status") == "accepted");
  BOOST_TEST(S(w.One(c, w.f_tok, w.Scan("receive", ms[1], "FAC-F")), "code") == "WRONG_RECEIVER");
  auto got = Call(c, "GET", "/api/v1/transfers/" + id, w.g_tok, nullptr, 200);
  BOOST_TEST(S(got, "status") == "delivered");
  BOOST_TEST(S(got, "receiver") == "FAC-G");
}

BOOST_AUTO_TEST_CASE(a_revision_approved_by_all_and_one_refused) {
  World w;
  auto c = w.server.Client();
  auto ms = w.Issue(1);
  const std::string id = S(w.Create(c, ms), "id");
  BOOST_TEST(Problem(c, "POST", "/api/v1/transfers/" + id + "/revisions", w.p_tok,
                     R"({"changes":{"vehicle":"浙J99999"},"reason":"换车"})",
                     409) == "INVALID_STATE");  // a draft is edited, not revised
  Call(c, "POST", "/api/v1/transfers/" + id + "/submit", w.p_tok, nullptr, 200);
  auto rev = Call(
      c, "POST", "/api/v1/transfers/" + id + "/revisions", w.p_tok,
      json::object{{"changes", json::object{{"vehicle", "浙J99999"},
                                            {"containers",
                                             json::array{json::object{{"manifest", ms[0].id},
                                                                      {"waste_code", "900-249-08"},
                                                                      {"declared_g", 26000}}}}}},
                   {"reason", "车辆故障换车；废物代码填错"}},
      201);
  const std::string r1 = std::to_string(rev.at("id").as_int64());
  BOOST_TEST(S(rev, "status") == "proposed");
  BOOST_TEST(rev.at("approvers").as_array().size() == 2u);  // carrier and receiver
  BOOST_TEST(Problem(c, "POST", "/api/v1/revisions/" + r1 + "/approve", w.p_tok, "", 403) ==
             "FORBIDDEN");  // the proposer does not approve its own
  BOOST_TEST(Problem(c, "POST", "/api/v1/revisions/" + r1 + "/approve", w.g_tok, "", 404) ==
             "NOT_FOUND");
  rev = Call(c, "POST", "/api/v1/revisions/" + r1 + "/approve", w.c_tok, nullptr, 200);
  BOOST_TEST(S(rev, "status") == "proposed");
  auto t = Call(c, "GET", "/api/v1/transfers/" + id, w.p_tok, nullptr, 200);
  BOOST_TEST(S(t, "vehicle") == "浙J12345");  // not yet
  rev = Call(c, "POST", "/api/v1/revisions/" + r1 + "/approve", w.f_tok, nullptr, 200);
  BOOST_TEST(S(rev, "status") == "applied");
  BOOST_TEST(S(rev.at("before"), "vehicle") == "浙J12345");
  t = Call(c, "GET", "/api/v1/transfers/" + id, w.p_tok, nullptr, 200);
  BOOST_TEST(S(t, "vehicle") == "浙J99999");
  BOOST_TEST(t.at("version").as_int64() == 2);
  const auto& line = t.at("containers").as_array().at(0);
  BOOST_TEST(S(line, "waste_code") == "900-249-08");
  BOOST_TEST(line.at("declared_g").as_int64() == 26000);
  // The label's token is the evidence of what was declared: never rewritten.
  auto m = Call(c, "GET", "/api/v1/manifests/" + ms[0].id, w.admin, nullptr, 200);
  BOOST_TEST(S(m, "token") == ms[0].token);

  auto rev2 =
      Call(c, "POST", "/api/v1/transfers/" + id + "/revisions", w.c_tok,
           json::object{{"changes", json::object{{"driver", json::object{{"name", "李师傅"}}}}},
                        {"reason", "换司机"}},
           201);
  const std::string r2 = std::to_string(rev2.at("id").as_int64());
  rev2 = Call(c, "POST", "/api/v1/revisions/" + r2 + "/refuse", w.p_tok,
              json::object{{"note", "司机未备案"}}, 200);
  BOOST_TEST(S(rev2, "status") == "refused");
  BOOST_TEST(Problem(c, "POST", "/api/v1/revisions/" + r2 + "/approve", w.f_tok, "", 409) ==
             "INVALID_STATE");
  t = Call(c, "GET", "/api/v1/transfers/" + id, w.p_tok, nullptr, 200);
  BOOST_TEST(S(t.at("driver"), "name") == "王师傅");
  BOOST_TEST(t.at("revisions").as_array().size() == 2u);
  BOOST_TEST(Problem(c, "POST", "/api/v1/revisions/99999/approve", w.c_tok, "", 404) ==
             "NOT_FOUND");
}

BOOST_AUTO_TEST_CASE(receipt_due_skips_a_holiday_from_the_deployment_s_calendar) {
  // A replaced calendar folder that makes the next three days a public holiday.
  const std::string dir = MakeTempDir("cradle-calendar");
  const CivilDate today = LocalCivilDate(SystemClock().NowMicros());
  json::array holidays;
  for (int i = 1; i <= 3; ++i) {
    const CivilDate d = AddDays(today, i);
    if (d.year == today.year) {
      holidays.push_back(
          json::object{{"from", FormatIsoDate(d)}, {"to", FormatIsoDate(d)}, {"name", "测试假日"}});
    }
  }
  const std::string text = json::serialize(
      json::object{{"year", today.year}, {"confirmed", true}, {"holidays", holidays}});
  std::ofstream(dir + "/" + std::to_string(today.year) + ".json") << text;
  WorkingCalendar cal;
  BOOST_REQUIRE(cal.AddYear(text).ok());
  const std::string want = FormatIsoDate(cal.AddWorkingDays(today, 5));

  World w({"--calendar-dir", dir});
  auto c = w.server.Client();
  auto ms = w.Issue(1);
  BOOST_TEST(S(w.One(c, w.c_tok, w.Scan("pickup", ms[0])), "status") == "accepted");
  BOOST_TEST(S(w.One(c, w.f_tok, w.Scan("receive", ms[0], "FAC-F", std::nullopt)), "status") ==
             "accepted");
  auto list = Call(c, "GET", "/api/v1/transfers", w.f_tok, nullptr, 200);
  BOOST_REQUIRE_EQUAL(list.at("items").as_array().size(), 1u);
  const auto& t = list.at("items").as_array()[0];
  BOOST_TEST(S(t, "receipt_due") == want);
  if (!holidays.empty()) {
    BOOST_TEST(want > FormatIsoDate(WorkingCalendar().AddWorkingDays(today, 5)));
  }
  // The receive carried no mass: the weighbridge net mass stands for the load.
  auto got = Call(c, "POST", "/api/v1/transfers/" + S(t, "id") + "/receipt", w.f_tok,
                  json::object{{"weighbridge_g", 24500}}, 200);
  const auto& line = got.at("containers").as_array().at(0);
  BOOST_TEST(line.at("received_g").as_int64() == 24500);
  BOOST_TEST(line.at("apportioned").as_bool());
  std::filesystem::remove_all(dir);

  // A malformed calendar stops start-up with a one-line error.
  const std::string bad = MakeTempDir("cradle-calendar-bad");
  std::ofstream(bad + "/2026.json") << R"({"year": 2026, "holidays": [{"from": "x"}]})";
  TempServer broken;
  BOOST_TEST(!broken.Start({"--calendar-dir", bad}).ok());
  std::filesystem::remove_all(bad);
}

}  // namespace
}  // namespace cradle::testing
