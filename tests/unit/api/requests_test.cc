// Table tests of the request readers (requests.h, json_io.h) and the error mapping FromStatus.
#define BOOST_TEST_MODULE api_requests_test
#include <boost/test/unit_test.hpp>

#include "server/api/requests.h"
#include "tests/unit/api/api_harness.h"

namespace cradle::testing {
namespace {

namespace json = boost::json;
using namespace cradle::api;

const std::string kA = UsccFrom("91330100MA2H0A1B3");

struct Case {
  const char* name;
  const char* body;
  const char* field;  // nullptr: no error expected
  const char* code;
};

template <class ReadFn>
void RunTable(const std::vector<Case>& cases, ReadFn read) {
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.name << ": " << c.body) {
      json::object obj = json::parse(c.body).as_object();
      FieldReader r(obj);
      read(r);
      if (!c.field) {
        BOOST_TEST(r.ok());
        for (const auto& e : r.errors()) BOOST_TEST_MESSAGE(e.field << " " << e.code);
        continue;
      }
      bool found = false;
      for (const auto& e : r.errors()) found |= (e.field == c.field && e.code == c.code);
      BOOST_TEST(found, "expected " << c.field << " " << c.code);
    }
  }
}

std::string With(std::string body, const std::string& uscc_placeholder_value) {
  for (size_t at; (at = body.find("$A")) != std::string::npos;) {
    body.replace(at, 2, uscc_placeholder_value);
  }
  return body;
}

const Catalogue& Catalogue2016() {
  static const Catalogue c = *service::LoadDeploymentCatalogue("/nonexistent-cradle-dir");
  return c;
}

BOOST_AUTO_TEST_CASE(read_org_table) {
  std::vector<std::string> bodies;
  const std::vector<std::pair<std::string, std::pair<const char*, const char*>>> rows = {
      {R"({"uscc":"$A","name":"n","roles":["producer"]})", {nullptr, nullptr}},
      {R"({"uscc":"$A","name":"n","roles":["producer","collector"],"district":"331002",
           "small_enterprise":true,"contact":"x"})",
       {nullptr, nullptr}},
      {R"({"name":"n","roles":["producer"]})", {"uscc", "REQUIRED"}},
      {R"({"uscc":"91330100MA2H0A1B30","name":"n","roles":["producer"]})",
       {"uscc", "INVALID_USCC"}},
      {R"({"uscc":12,"name":"n","roles":["producer"]})", {"uscc", "WRONG_TYPE"}},
      {R"({"uscc":"$A","name":"","roles":["producer"]})", {"name", "REQUIRED"}},
      {R"({"uscc":"$A","name":"n","roles":[]})", {"roles", "REQUIRED"}},
      {R"({"uscc":"$A","name":"n","roles":["admin"]})", {"roles", "INVALID_ROLE"}},
      {R"({"uscc":"$A","name":"n","roles":"producer"})", {"roles", "WRONG_TYPE"}},
      {R"({"uscc":"$A","name":"n","roles":["producer"],"small_enterprise":"yes"})",
       {"small_enterprise", "WRONG_TYPE"}},
      {R"({"uscc":"$A","name":"n","roles":["producer"],"nickname":"x"})",
       {"nickname", "UNKNOWN_FIELD"}},
  };
  std::vector<Case> cases;
  for (const auto& row : rows) bodies.push_back(With(row.first, kA));
  for (size_t i = 0; i < rows.size(); ++i) {
    cases.push_back({"org", bodies[i].c_str(), rows[i].second.first, rows[i].second.second});
  }
  RunTable(cases, [](FieldReader& r) { ReadOrg(r); });
}

BOOST_AUTO_TEST_CASE(read_org_normalises_the_uscc) {
  std::string lower = kA;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  json::object obj{{"uscc", "  " + lower + " "}, {"name", "n"}, {"roles", json::array{"producer"}}};
  FieldReader r(obj);
  store::Org org = ReadOrg(r);
  BOOST_TEST(r.ok());
  BOOST_TEST(org.uscc == kA);
  BOOST_TEST(org.roles == std::vector<std::string>{"producer"});
}

BOOST_AUTO_TEST_CASE(read_issue_request_table) {
  const std::string base = R"("producer":"$A","waste_code":"900-041-49","packaging":"DR")";
  const std::vector<std::pair<std::string, std::pair<const char*, const char*>>> rows = {
      {"{" + base + R"(,"mass_g":1})", {nullptr, nullptr}},
      {"{" + base + R"(,"mass_g":50000000,"count":1000,"produced_on":"2024-02-29",
           "destination":"LF-1","description":"fly ash"})",
       {nullptr, nullptr}},
      {"{" + base + R"(,"mass_g":0})", {"mass_g", "OUT_OF_RANGE"}},
      {"{" + base + R"(,"mass_g":50000001})", {"mass_g", "OUT_OF_RANGE"}},
      {"{" + base + R"(,"mass_g":1.5})", {"mass_g", "WRONG_TYPE"}},
      {"{" + base + R"(,"mass_g":"10"})", {"mass_g", "WRONG_TYPE"}},
      {"{" + base + "}", {"mass_g", "REQUIRED"}},
      {"{" + base + R"(,"mass_g":1,"count":0})", {"count", "OUT_OF_RANGE"}},
      {"{" + base + R"(,"mass_g":1,"count":1001})", {"count", "OUT_OF_RANGE"}},
      {"{" + base + R"(,"mass_g":1,"produced_on":"2023-02-29"})", {"produced_on", "INVALID_DATE"}},
      {"{" + base + R"(,"mass_g":1,"destination":"a b"})", {"destination", "INVALID_ID"}},
      {"{" + base + R"(,"mass_g":1,"extra":1})", {"extra", "UNKNOWN_FIELD"}},
      {R"({"producer":"$A","waste_code":"900-123-49","packaging":"DR","mass_g":1})",
       {"waste_code", "UNKNOWN_WASTE_CODE"}},
      {R"({"producer":"$A","waste_code":"900-041-43","packaging":"DR","mass_g":1})",
       {"waste_code", "INVALID_WASTE_CODE"}},
      {R"({"producer":"$A","waste_code":"90004149","packaging":"XX","mass_g":1})",
       {"packaging", "INVALID_PACKAGING"}},
      {R"({"producer":"nope","waste_code":"900-041-49","packaging":"DR","mass_g":1})",
       {"producer", "INVALID_USCC"}},
  };
  std::vector<std::string> bodies;
  for (const auto& row : rows) bodies.push_back(With(row.first, kA));
  std::vector<Case> cases;
  for (size_t i = 0; i < rows.size(); ++i) {
    cases.push_back({"issue", bodies[i].c_str(), rows[i].second.first, rows[i].second.second});
  }
  RunTable(cases, [](FieldReader& r) { ReadIssueRequest(r, Catalogue2016()); });
}

BOOST_AUTO_TEST_CASE(read_issue_request_values) {
  json::object obj{{"producer", kA},    {"waste_code", "772-002-18"},
                   {"mass_g", 1250000}, {"packaging", "TB"},
                   {"count", 3},        {"produced_on", "2026-11-28"}};
  FieldReader r(obj);
  auto req = ReadIssueRequest(r, Catalogue2016());
  BOOST_TEST(r.ok());
  BOOST_TEST(req.producer == kA);
  BOOST_TEST(req.waste_code == "772-002-18");
  BOOST_TEST(req.mass_g == 1250000);
  BOOST_TEST(req.count == 3);
  BOOST_TEST(req.produced_on.value_or("") == "2026-11-28");
  BOOST_TEST(!req.destination.has_value());
}

BOOST_AUTO_TEST_CASE(read_facility_table) {
  const std::vector<std::pair<std::string, std::pair<const char*, const char*>>> rows = {
      {R"({"id":"LF-1","operator":"$A","name":"n","kind":"landfill",
           "capacity":{"volume_m3":1000}})",
       {nullptr, nullptr}},
      {R"({"id":"INC-1","operator":"$A","name":"n","kind":"incinerator",
           "accepts":["772-002-18"],"capacity":{"t_per_year":100}})",
       {nullptr, nullptr}},
      {R"({"id":"LF-1","operator":"$A","name":"n","kind":"landfill","capacity":{}})",
       {"capacity.volume_m3", "REQUIRED"}},
      {R"({"id":"LF-1","operator":"$A","name":"n","kind":"incinerator","capacity":{"t_per_year":0}})",
       {"capacity.t_per_year", "OUT_OF_RANGE"}},
      {R"({"id":"LF-1","operator":"$A","name":"n","kind":"landfill",
           "capacity":{"volume_m3":1,"litres":2}})",
       {"capacity.litres", "UNKNOWN_FIELD"}},
      {R"({"id":"LF 1","operator":"$A","name":"n","kind":"landfill","capacity":{"volume_m3":1}})",
       {"id", "INVALID_ID"}},
      {R"({"id":"LF-1","operator":"$A","name":"n","kind":"lagoon","capacity":{"t_per_year":1}})",
       {"kind", "INVALID_KIND"}},
      {R"({"id":"LF-1","operator":"$A","name":"n","kind":"landfill","accepts":["77200218x"],
           "capacity":{"volume_m3":1}})",
       {"accepts", "INVALID_WASTE_CODE"}},
      {R"({"id":"LF-1","operator":"$A","name":"n","kind":"landfill"})", {"capacity", "REQUIRED"}},
  };
  std::vector<std::string> bodies;
  for (const auto& row : rows) bodies.push_back(With(row.first, kA));
  std::vector<Case> cases;
  for (size_t i = 0; i < rows.size(); ++i) {
    cases.push_back({"facility", bodies[i].c_str(), rows[i].second.first, rows[i].second.second});
  }
  RunTable(cases, [](FieldReader& r) { ReadFacility(r); });
}

BOOST_AUTO_TEST_CASE(read_programme_token_device_label_run_tables) {
  const std::vector<std::pair<std::string, std::pair<const char*, const char*>>> programme = {
      {R"({"id":"P1","name":"n","collector":"$A","capacity_t_per_year":10,"members":["$A"]})",
       {nullptr, nullptr}},
      {R"({"id":"P1","name":"n","collector":"$A","capacity_t_per_year":10,"members":["$A","bad"]})",
       {"members[1]", "INVALID_USCC"}},
      {R"({"id":"P1","name":"n","collector":"$A","capacity_t_per_year":0})",
       {"capacity_t_per_year", "OUT_OF_RANGE"}},
  };
  for (const auto& [body, want] : programme) {
    const std::string b = With(body, kA);
    RunTable({{"programme", b.c_str(), want.first, want.second}},
             [](FieldReader& r) { ReadProgramme(r); });
  }
  RunTable({{"token", R"({"role":"producer","label":"line 2"})", nullptr, nullptr},
            {"token", R"({"role":"emperor"})", "role", "INVALID_ROLE"},
            {"token", R"({})", "role", "REQUIRED"},
            {"token", R"({"role":"producer","scope":"all"})", "scope", "UNKNOWN_FIELD"}},
           [](FieldReader& r) { ReadTokenRequest(r); });
  const std::string dev_ok = With(R"({"device_id":"scanner-01","org":"$A"})", kA);
  const std::string dev_bad = With(R"({"device_id":"scanner 01","org":"$A"})", kA);
  RunTable({{"device", dev_ok.c_str(), nullptr, nullptr},
            {"device", dev_bad.c_str(), "device_id", "INVALID_ID"},
            {"device", R"({"device_id":"d"})", "org", "REQUIRED"}},
           [](FieldReader& r) { ReadDevice(r); });
  const std::string id = kA + "90004149" + "20261128" + "001";
  const std::string run_ok = R"({"ids":[")" + id + R"("],"format":"pdf","size":150})";
  const std::string run_fmt = R"({"ids":[")" + id + R"("],"format":"png"})";
  const std::string run_size = R"({"ids":[")" + id + R"("],"format":"zpl","size":120})";
  RunTable({{"labels", run_ok.c_str(), nullptr, nullptr},
            {"labels", run_fmt.c_str(), "format", "INVALID_FORMAT"},
            {"labels", run_size.c_str(), "size", "INVALID_SIZE"},
            {"labels", R"({"ids":[],"format":"pdf"})", "ids", "REQUIRED"},
            {"labels", R"({"ids":["123"],"format":"pdf"})", "ids", "INVALID_ID"}},
           [](FieldReader& r) { ReadLabelRun(r); });
}

BOOST_AUTO_TEST_CASE(parse_json_object_checks_type_and_shape) {
  struct Row {
    const char* content_type;
    const char* body;
    int status;  // 0: parsed
  };
  const Row rows[] = {
      {"application/json", R"({"a":1})", 0},
      {"application/json; charset=utf-8", R"({})", 0},
      {"APPLICATION/JSON", R"({})", 0},
      {"text/plain", R"({})", 415},
      {"", R"({})", 415},
      {"application/jsonx", R"({})", 415},
      {"application/json", R"({"a":)", 400},
      {"application/json", R"("just a string")", 400},
      {"application/json", "", 400},
  };
  for (const auto& row : rows) {
    BOOST_TEST_CONTEXT(row.content_type << " " << row.body) {
      http::Request req;
      if (*row.content_type) req.headers["content-type"] = row.content_type;
      req.body = row.body;
      http::Response problem;
      auto obj = ParseJsonObject(req, &problem);
      BOOST_TEST(obj.has_value() == (row.status == 0));
      if (!obj) BOOST_TEST(problem.status == row.status);
    }
  }
}

BOOST_AUTO_TEST_CASE(read_paging_defaults_and_bounds) {
  http::Request req;
  http::Response problem;
  auto p = ReadPaging(req, &problem);
  BOOST_REQUIRE(p.has_value());
  BOOST_TEST(p->limit == 100);
  BOOST_TEST(!p->after.has_value());
  const std::pair<const char*, int> rows[] = {{"1", 1},    {"1000", 1000}, {"0", 0},
                                              {"1001", 0}, {"", 0},        {"1e3", 0}};
  for (const auto& [limit, want] : rows) {
    http::Request r;
    r.query.emplace("limit", limit);
    auto got = ReadPaging(r, &problem);
    BOOST_TEST_INFO("limit=" << limit);
    BOOST_TEST(got.has_value() == (want != 0));
    if (got) BOOST_TEST(got->limit == want);
  }
}

BOOST_AUTO_TEST_CASE(from_status_maps_codes_to_http_statuses) {
  const std::pair<const char*, int> rows[] = {
      {"UNAUTHENTICATED", 401},
      {"FORBIDDEN", 403},
      {"NOT_FOUND", 404},
      {"CONFLICT", 409},
      {"INVALID_STATE", 409},
      {"SERIALS_EXHAUSTED", 409},
      {"IDEMPOTENCY_MISMATCH", 422},
      {"UNKNOWN_ORG", 422},
      {"UNKNOWN_WASTE_CODE", 422},
      {"ROLE_MISMATCH", 422},
      {"INVALID_FIELD", 422},
      {"STORAGE_UNAVAILABLE", 503},
      {"BUSY", 503},
      {"SOMETHING_ELSE", 500},
  };
  for (const auto& [code, status] : rows) {
    auto r = api::FromStatus(Status(code, "secret detail /var/lib/x"));
    BOOST_TEST_CONTEXT(code) {
      BOOST_TEST(r.status == status);
      BOOST_TEST(r.content_type == "application/problem+json");
      auto body = json::parse(r.body).as_object();
      BOOST_TEST(body.at("status").as_int64() == status);
      if (status == 500) {
        // Internal details stay in the log.
        BOOST_TEST(body.at("code").as_string() == "INTERNAL");
        BOOST_TEST(r.body.find("secret detail") == std::string::npos);
      } else {
        BOOST_TEST(body.at("code").as_string() == code);
      }
    }
  }
}

}  // namespace
}  // namespace cradle::testing
