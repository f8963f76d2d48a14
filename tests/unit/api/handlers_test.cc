// Handlers as plain functions: real Router, real Context, requests built by hand. Each case
// checks the status and the problem code or body a client relies on (spec/api.md).
#define BOOST_TEST_MODULE api_handlers_test
#include <boost/test/unit_test.hpp>

#include "core/digital_id.h"
#include "core/wm1.h"
#include "tests/unit/api/api_harness.h"

namespace cradle::testing {
namespace {

namespace json = boost::json;

const std::string kA = UsccFrom("91330100MA2H0A1B3");
const std::string kB = UsccFrom("91330100MA2H0A1C4");

std::string Code(const http::Response& r) {
  auto v = Json(r);
  if (!v.is_object() || !v.as_object().contains("code")) return "";
  return std::string(v.at("code").as_string());
}

bool HasField(const http::Response& r, const std::string& field, const std::string& code) {
  const auto codes = FieldCodes(r);
  auto [lo, hi] = codes.equal_range(field);
  for (auto it = lo; it != hi; ++it) {
    if (it->second == code) return true;
  }
  return false;
}

std::string OrgBody(const std::string& uscc) {
  return json::serialize(json::object{
      {"uscc", uscc}, {"name", "X"}, {"roles", json::array{"producer"}}, {"district", "331002"}});
}

// Issues manifests as `token` and returns their ids.
std::vector<std::string> Issue(ApiHarness& h, const std::string& token, const std::string& producer,
                               int count) {
  auto r = h.Call("POST", "/api/v1/manifests", token, IssueBody(producer, count));
  BOOST_REQUIRE_MESSAGE(r.status == 201, r.body);
  std::vector<std::string> ids;
  const json::value body = Json(r);  // outlives the loop (no temporary in the range)
  for (const auto& m : body.at("manifests").as_array()) {
    ids.emplace_back(m.at("id").as_string());
  }
  return ids;
}

// ---- authentication and roles ----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(no_token_is_401_with_a_bearer_challenge) {
  ApiHarness h;
  auto r = h.Call("GET", "/api/v1/orgs");
  BOOST_TEST(r.status == 401);
  BOOST_TEST(Code(r) == "UNAUTHENTICATED");
  BOOST_TEST(r.content_type == "application/problem+json");
  bool challenge = false;
  for (const auto& [k, v] : r.headers) challenge = challenge || (k == "WWW-Authenticate");
  BOOST_TEST(challenge);
}

BOOST_AUTO_TEST_CASE(unknown_token_is_401) {
  ApiHarness h;
  auto r = h.Call("GET", "/api/v1/orgs", "not-a-real-token");
  BOOST_TEST(r.status == 401);
  BOOST_TEST(Code(r) == "UNAUTHENTICATED");
  // The admin's token with one character changed is just as unknown.
  std::string near = h.admin_token();
  near.back() = near.back() == 'A' ? 'B' : 'A';
  BOOST_TEST(h.Call("GET", "/api/v1/orgs", near).status == 401);
  BOOST_TEST(h.Call("GET", "/api/v1/orgs", h.admin_token()).status == 200);
}

BOOST_AUTO_TEST_CASE(a_producer_may_not_create_an_org) {
  ApiHarness h;
  const std::string a = h.AddOrgWithToken(kA, "producer");
  auto r = h.Call("POST", "/api/v1/orgs", a, OrgBody(kB));
  BOOST_TEST(r.status == 403);
  BOOST_TEST(Code(r) == "FORBIDDEN");
  // Nor mint tokens, even for its own organisation.
  auto t = h.Call("POST", "/api/v1/orgs/" + kA + "/tokens", a, R"({"role":"producer"})");
  BOOST_TEST(t.status == 403);
  BOOST_TEST(h.Call("GET", "/api/v1/orgs/" + kB, h.admin_token()).status == 404);
}

BOOST_AUTO_TEST_CASE(the_audit_log_is_for_regulators_and_admins) {
  ApiHarness h;
  const std::string a = h.AddOrgWithToken(kA, "producer");
  BOOST_TEST(h.Call("GET", "/api/v1/audit", a).status == 403);
  BOOST_TEST(h.Call("GET", "/api/v1/audit/verify", a).status == 403);
  auto log = h.Call("GET", "/api/v1/audit", h.admin_token());
  BOOST_TEST(log.status == 200);
  // Creating the org and its token were audited.
  BOOST_TEST(Json(log).at("items").as_array().size() >= 2u);
  auto verify = Json(h.Call("GET", "/api/v1/audit/verify", h.admin_token()));
  BOOST_TEST(verify.at("ok").as_bool());
}

// ---- validation --------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(bad_uscc_is_422_invalid_uscc) {
  ApiHarness h;
  std::string bad = kA;
  bad.back() = bad.back() == '0' ? '1' : '0';  // wrong check character
  auto r = h.Call("POST", "/api/v1/orgs", h.admin_token(), OrgBody(bad));
  BOOST_TEST(r.status == 422);
  BOOST_TEST(Code(r) == "VALIDATION_FAILED");
  BOOST_TEST(HasField(r, "uscc", "INVALID_USCC"));
  // The correct one is accepted, also typed in lower case.
  std::string lower = kA;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto ok = h.Call("POST", "/api/v1/orgs", h.admin_token(), OrgBody(lower));
  BOOST_TEST(ok.status == 201);
  BOOST_TEST(Json(ok).at("uscc").as_string() == kA);
}

BOOST_AUTO_TEST_CASE(issue_field_errors_are_all_reported_with_codes) {
  ApiHarness h;
  const std::string a = h.AddOrgWithToken(kA, "producer");
  auto unknown_code = h.Call("POST", "/api/v1/manifests", a, IssueBody(kA, 1, "900-123-49"));
  BOOST_TEST(unknown_code.status == 422);
  BOOST_TEST(HasField(unknown_code, "waste_code", "UNKNOWN_WASTE_CODE"));

  auto vacant = h.Call("POST", "/api/v1/manifests", a, IssueBody(kA, 1, "900-041-42"));
  BOOST_TEST(vacant.status == 422);
  BOOST_TEST(HasField(vacant, "waste_code", "INVALID_WASTE_CODE"));

  auto mass0 = h.Call("POST", "/api/v1/manifests", a, IssueBody(kA, 1, "900-041-49", 0));
  BOOST_TEST(mass0.status == 422);
  BOOST_TEST(HasField(mass0, "mass_g", "OUT_OF_RANGE"));

  auto count1001 = h.Call("POST", "/api/v1/manifests", a, IssueBody(kA, 1001));
  BOOST_TEST(count1001.status == 422);
  BOOST_TEST(HasField(count1001, "count", "OUT_OF_RANGE"));

  json::object extra = json::parse(IssueBody(kA)).as_object();
  extra["colour"] = "red";
  auto unknown_field = h.Call("POST", "/api/v1/manifests", a, json::serialize(extra));
  BOOST_TEST(unknown_field.status == 422);
  BOOST_TEST(HasField(unknown_field, "colour", "UNKNOWN_FIELD"));

  // Several faults at once: each is listed.
  auto many = h.Call("POST", "/api/v1/manifests", a,
                     R"({"producer":"X","waste_code":"900-123-49","mass_g":0,"count":1001,
                         "packaging":"ZZ","colour":1})");
  BOOST_TEST(many.status == 422);
  BOOST_TEST(HasField(many, "producer", "INVALID_USCC"));
  BOOST_TEST(HasField(many, "waste_code", "UNKNOWN_WASTE_CODE"));
  BOOST_TEST(HasField(many, "mass_g", "OUT_OF_RANGE"));
  BOOST_TEST(HasField(many, "count", "OUT_OF_RANGE"));
  BOOST_TEST(HasField(many, "packaging", "INVALID_PACKAGING"));
  BOOST_TEST(HasField(many, "colour", "UNKNOWN_FIELD"));

  // Nothing was issued by any of them.
  auto list = h.Call("GET", "/api/v1/manifests", a);
  BOOST_TEST(list.status == 200);
  BOOST_TEST(Json(list).at("items").as_array().empty());
}

BOOST_AUTO_TEST_CASE(malformed_json_is_400_and_not_an_object_is_400) {
  ApiHarness h;
  auto r = h.Call("POST", "/api/v1/orgs", h.admin_token(), R"({"uscc": )");
  BOOST_TEST(r.status == 400);
  BOOST_TEST(Code(r) == "MALFORMED_JSON");
  BOOST_TEST(h.Call("POST", "/api/v1/orgs", h.admin_token(), "[1,2]").status == 400);
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "{\"a\":";
  deep += "1";
  for (int i = 0; i < 40; ++i) deep += "}";
  BOOST_TEST(h.Call("POST", "/api/v1/orgs", h.admin_token(), deep).status == 400);
}

BOOST_AUTO_TEST_CASE(text_plain_body_is_415) {
  ApiHarness h;
  auto r = h.Call("POST", "/api/v1/orgs", h.admin_token(), OrgBody(kA), "text/plain");
  BOOST_TEST(r.status == 415);
  BOOST_TEST(Code(r) == "UNSUPPORTED_MEDIA_TYPE");
  // With a charset parameter and odd case, JSON is still JSON.
  auto ok = h.Call("POST", "/api/v1/orgs", h.admin_token(), OrgBody(kA),
                   "Application/JSON; charset=utf-8");
  BOOST_TEST(ok.status == 201);
}

BOOST_AUTO_TEST_CASE(paging_limits_and_cursors) {
  ApiHarness h;
  const std::string admin = h.admin_token();
  for (const char* q : {"limit=0", "limit=1001", "limit=abc", "limit=-1", "limit=99999"}) {
    auto r = h.Call("GET", std::string("/api/v1/orgs?") + q, admin);
    BOOST_TEST_INFO(q);
    BOOST_TEST(r.status == 422);
    BOOST_TEST_INFO(q);
    BOOST_TEST(HasField(r, "limit", "OUT_OF_RANGE"));
  }
  BOOST_TEST(h.Call("GET", "/api/v1/orgs?limit=1000", admin).status == 200);
  BOOST_TEST(h.Call("GET", "/api/v1/orgs?after=" + std::string(129, 'x'), admin).status == 422);

  for (const auto& u : {kA, kB}) {
    BOOST_REQUIRE(h.Call("POST", "/api/v1/orgs", admin, OrgBody(u)).status == 201);
  }
  auto first = Json(h.Call("GET", "/api/v1/orgs?limit=1", admin));
  BOOST_TEST(first.at("items").as_array().size() == 1u);
  BOOST_REQUIRE(first.at("next").is_string());
  const std::string cursor(first.at("next").as_string());
  auto second = Json(h.Call("GET", "/api/v1/orgs?limit=1&after=" + cursor, admin));
  BOOST_TEST(second.at("items").as_array().size() == 1u);
  BOOST_TEST(second.at("items").at(0).at("uscc") != first.at("items").at(0).at("uscc"));
  auto all = Json(h.Call("GET", "/api/v1/orgs", admin));
  BOOST_TEST(all.at("items").as_array().size() == 2u);
  BOOST_TEST(all.at("next").is_null());
  // A non-numeric cursor on a sequence-paged list is a field error, not a 500.
  auto bad_cursor = h.Call("GET", "/api/v1/revocations?after=abc", admin);
  BOOST_TEST(bad_cursor.status == 422);
  BOOST_TEST(HasField(bad_cursor, "after", "INVALID_CURSOR"));
}

// ---- issuance and idempotency ----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(issue_returns_signed_tokens_with_consecutive_serials) {
  ApiHarness h;
  const std::string a = h.AddOrgWithToken(kA, "producer");
  auto r = h.Call("POST", "/api/v1/manifests", a, IssueBody(kA, 3));
  BOOST_REQUIRE_MESSAGE(r.status == 201, r.body);
  const auto keys = h.ctx().TrustedKeys();
  int serial = 1;
  const json::value body = Json(r);  // outlives the loop (no temporary in the range)
  for (const auto& m : body.at("manifests").as_array()) {
    const std::string id(m.at("id").as_string());
    BOOST_TEST(m.at("status").as_string() == "issued");
    auto fields = VerifyToken(std::string(m.at("token").as_string()), keys);
    BOOST_REQUIRE(fields.ok());
    BOOST_TEST(BuildDigitalId(fields->id) == id);
    BOOST_TEST(fields->id.serial == serial++);
    BOOST_TEST(fields->mass_g == 25000);
    BOOST_TEST(id.substr(0, 18) == kA);
    BOOST_TEST(id.substr(18, 8) == "90004149");
  }
  BOOST_TEST(serial == 4);
  const auto next = Issue(h, a, kA, 1);
  BOOST_TEST(next.front().substr(34) == "004");
  BOOST_TEST(h.metrics().Render().find("cradle_manifests_issued_total 4") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(idempotent_retry_replays_and_a_different_body_is_422) {
  ApiHarness h;
  const std::string a = h.AddOrgWithToken(kA, "producer");
  const std::map<std::string, std::string> key{{"idempotency-key", "batch-7"}};
  auto first = h.Call("POST", "/api/v1/manifests", a, IssueBody(kA, 2), "application/json", key);
  BOOST_REQUIRE(first.status == 201);
  auto again = h.Call("POST", "/api/v1/manifests", a, IssueBody(kA, 2), "application/json", key);
  BOOST_TEST(again.status == 201);
  BOOST_TEST(again.body == first.body);
  bool replay_header = false;
  for (const auto& [k, v] : again.headers) replay_header |= (k == "Idempotent-Replayed");
  BOOST_TEST(replay_header);
  auto list = Json(h.Call("GET", "/api/v1/manifests", a));
  BOOST_TEST(list.at("items").as_array().size() == 2u);

  auto other = h.Call("POST", "/api/v1/manifests", a, IssueBody(kA, 3), "application/json", key);
  BOOST_TEST(other.status == 422);
  BOOST_TEST(Code(other) == "IDEMPOTENCY_MISMATCH");
  // Without a key, the same body issues anew.
  auto fresh = h.Call("POST", "/api/v1/manifests", a, IssueBody(kA, 2));
  BOOST_TEST(fresh.status == 201);
  BOOST_TEST(fresh.body != first.body);
  // An over-long key is refused.
  auto long_key = h.Call("POST", "/api/v1/manifests", a, IssueBody(kA, 1), "application/json",
                         {{"idempotency-key", std::string(201, 'k')}});
  BOOST_TEST(long_key.status == 422);
}

// ---- party isolation ---------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(one_producer_cannot_reach_anothers_manifests) {
  ApiHarness h;
  const std::string a = h.AddOrgWithToken(kA, "producer");
  const std::string b = h.AddOrgWithToken(kB, "producer");
  const auto ids = Issue(h, a, kA, 2);
  const std::string& id = ids.front();

  BOOST_TEST(h.Call("GET", "/api/v1/manifests/" + id, a).status == 200);
  BOOST_TEST(h.Call("GET", "/api/v1/manifests/" + id, b).status == 404);
  BOOST_TEST(h.Call("GET", "/api/v1/manifests/" + id + "/label.svg", b).status == 404);
  BOOST_TEST(h.Call("POST", "/api/v1/manifests/" + id + "/void", b, R"({"reason":"x"})").status ==
             404);
  BOOST_TEST(h.Call("GET", "/api/v1/manifests?producer=" + kA, b).status == 403);
  auto b_list = Json(h.Call("GET", "/api/v1/manifests", b));
  BOOST_TEST(b_list.at("items").as_array().empty());
  BOOST_TEST(h.Call("POST", "/api/v1/manifests", b, IssueBody(kA)).status == 403);
  const std::string run =
      json::serialize(json::object{{"ids", json::array{json::value(id)}}, {"format", "zpl"}});
  BOOST_TEST(h.Call("POST", "/api/v1/labels", b, run).status == 404);
  BOOST_TEST(h.Call("POST", "/api/v1/labels", a, run).status == 200);
  // The manifest is untouched and the admin still sees it.
  auto m = Json(h.Call("GET", "/api/v1/manifests/" + id, h.admin_token()));
  BOOST_TEST(m.at("status").as_string() == "issued");
}

BOOST_AUTO_TEST_CASE(void_once_then_409_and_listed_in_revocations) {
  ApiHarness h;
  const std::string a = h.AddOrgWithToken(kA, "producer");
  const auto ids = Issue(h, a, kA, 1);
  const std::string path = "/api/v1/manifests/" + ids[0] + "/void";
  BOOST_TEST(h.Call("POST", path, a, R"({"reason":""})").status == 422);
  auto v = h.Call("POST", path, a, R"({"reason":"label misprinted"})");
  BOOST_TEST(v.status == 200);
  BOOST_TEST(Json(v).at("status").as_string() == "voided");
  auto twice = h.Call("POST", path, a, R"({"reason":"again"})");
  BOOST_TEST(twice.status == 409);
  auto rev = Json(h.Call("GET", "/api/v1/revocations", a));
  BOOST_TEST(rev.at("items").as_array().size() == 1u);
  BOOST_TEST(rev.at("items").at(0).at("id").as_string() == ids[0]);
}

BOOST_AUTO_TEST_CASE(unknown_route_404_and_wrong_method_405) {
  ApiHarness h;
  auto nf = h.Call("GET", "/api/v1/nothing-here", h.admin_token());
  BOOST_TEST(nf.status == 404);
  auto na = h.Call("DELETE", "/api/v1/orgs", h.admin_token());
  BOOST_TEST(na.status == 405);
  bool allow = false;
  for (const auto& [k, v] : na.headers)
    allow |= (k == "Allow" && v.find("POST") != std::string::npos);
  BOOST_TEST(allow);
  auto fmt = h.Call("GET", "/api/v1/manifests/x/label.gif", h.admin_token());
  BOOST_TEST(fmt.status == 404);
}

BOOST_AUTO_TEST_CASE(verify_is_public_and_reports_status) {
  ApiHarness h;
  const std::string a = h.AddOrgWithToken(kA, "producer");
  auto r = h.Call("POST", "/api/v1/manifests", a, IssueBody(kA));
  const std::string token(Json(r).at("manifests").at(0).at("token").as_string());
  auto v =
      Json(h.Call("POST", "/api/v1/verify", "", json::serialize(json::object{{"token", token}})));
  BOOST_TEST(v.at("valid").as_bool());
  BOOST_TEST(v.at("status").as_string() == "issued");
  auto g = Json(h.Call("POST", "/api/v1/verify", "", R"({"token":"hello"})"));
  BOOST_TEST(!g.at("valid").as_bool());
  BOOST_TEST(g.at("error").as_string() == "MALFORMED");
}

}  // namespace
}  // namespace cradle::testing
