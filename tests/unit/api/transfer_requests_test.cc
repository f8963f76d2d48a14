// Table tests of the transfer body readers (server/api/transfer_requests.h): what each accepts,
// and the field and code of each refusal.
#define BOOST_TEST_MODULE api_transfer_requests_test
#include <boost/test/unit_test.hpp>
#include <functional>

#include "server/api/transfer_requests.h"

namespace cradle::testing {
namespace {

namespace json = boost::json;
using namespace cradle::api;

struct Case {
  const char* body;
  const char* field;  // nullptr: accepted
  const char* code;
};

void RunTable(const std::vector<Case>& cases,
              const std::function<void(FieldReader&, const json::object&)>& read) {
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.body) {
      const json::object obj = json::parse(c.body).as_object();
      FieldReader r(obj);
      read(r, obj);
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

const char* const kCreate =
    R"({"sender":"91331082NCP0000018","carrier":"91331000CLT0000016","receiver":"FAC-F",
        "vehicle":"浙J12345","purpose":"disposal","containers":["A"]})";

std::string CreateWith(const std::string& extra) {
  std::string s = kCreate;
  s.insert(s.rfind('}'), "," + extra);
  return s;
}

BOOST_AUTO_TEST_CASE(create_transfer) {
  const std::string driver = CreateWith(R"("driver":{"name":"王师傅","licence":"330100"})");
  const std::string planned = CreateWith(R"("planned_on":"2026-12-03")");
  const std::string bad_day = CreateWith(R"("planned_on":"2026-02-30")");
  const std::string bad_driver = CreateWith(R"("driver":{"phone":"1"})");
  const std::string extra = CreateWith(R"("colour":"red")");
  RunTable({{kCreate, nullptr, nullptr},
            {driver.c_str(), nullptr, nullptr},
            {planned.c_str(), nullptr, nullptr},
            {bad_day.c_str(), "planned_on", "INVALID_DATE"},
            {bad_driver.c_str(), "driver.phone", "UNKNOWN_FIELD"},
            {extra.c_str(), "colour", "UNKNOWN_FIELD"},
            {R"({"sender":"x","carrier":"y","receiver":"F","vehicle":"v","purpose":"storage",
                 "containers":[]})",
             "purpose", "INVALID_PURPOSE"},
            {R"({"sender":"x","carrier":"y","receiver":"F","vehicle":"","purpose":"disposal",
                 "containers":[]})",
             "vehicle", "REQUIRED"},
            {R"({"carrier":"y","receiver":"F","vehicle":"v","purpose":"disposal",
                 "containers":[]})",
             "sender", "REQUIRED"},
            {R"({"sender":"x","carrier":"y","receiver":"F","vehicle":"v","purpose":"disposal",
                 "containers":"A"})",
             "containers", "WRONG_TYPE"}},
           [](FieldReader& r, const json::object& o) { ReadCreateTransfer(r, o); });
  const json::object obj = json::parse(driver).as_object();
  FieldReader r(obj);
  auto in = ReadCreateTransfer(r, obj);
  BOOST_TEST(r.ok());
  BOOST_TEST(in.vehicle == "浙J12345");
  BOOST_TEST(in.driver_name.value_or("") == "王师傅");
  BOOST_TEST(in.containers == std::vector<std::string>{"A"});
}

BOOST_AUTO_TEST_CASE(containers_cancel_return_and_no_fields) {
  RunTable({{R"({"add":["A"]})", nullptr, nullptr},
            {R"({"remove":[]})", nullptr, nullptr},
            {R"({})", "add", "REQUIRED"},
            {R"({"add":5})", "add", "WRONG_TYPE"},
            {R"({"add":[],"drop":[]})", "drop", "UNKNOWN_FIELD"}},
           [](FieldReader& r, const json::object& o) { ReadContainerEdit(r, o); });
  RunTable({{R"({"reason":"改期"})", nullptr, nullptr},
            {R"({"reason":""})", "reason", "REQUIRED"},
            {R"({})", "reason", "REQUIRED"}},
           [](FieldReader& r, const json::object& o) { ReadCancel(r, o); });
  RunTable({{R"({"to":"sender"})", nullptr, nullptr}, {R"({"to":1})", "to", "WRONG_TYPE"}},
           [](FieldReader& r, const json::object& o) { ReadReturn(r, o); });
  RunTable({{R"({})", nullptr, nullptr}, {R"({"now":true})", "now", "UNKNOWN_FIELD"}},
           [](FieldReader& r, const json::object& o) { ReadNoFields(r, o); });
  RunTable({{R"({})", nullptr, nullptr},
            {R"({"note":"ok"})", nullptr, nullptr},
            {R"({"note":5})", "note", "WRONG_TYPE"}},
           [](FieldReader& r, const json::object& o) { ReadRevisionAnswer(r, o); });
}

BOOST_AUTO_TEST_CASE(receipt) {
  RunTable({{R"({})", nullptr, nullptr},
            {R"({"refused":[{"manifest":"A","reason":"破损","mass_g":24000}],
            "discrepancies":[{"manifest":"B","field":"packaging","note":"袋装"}],
            "weighbridge_g":24500,"note":"n"})",
             nullptr, nullptr},
            {R"({"refused":null})", "refused", "WRONG_TYPE"},
            {R"({"refused":[1]})", "refused[0].", "WRONG_TYPE"},
            {R"({"refused":[{"manifest":"A","reason":""}]})", "refused[0].reason", "REQUIRED"},
            {R"({"refused":[{"manifest":"A","reason":"x","mass_g":-1}]})", "refused[0].mass_g",
             "OUT_OF_RANGE"},
            {R"({"discrepancies":[{"manifest":"A","field":"colour","note":"n"}]})",
             "discrepancies[0].field", "INVALID_FIELD_NAME"},
            {R"({"discrepancies":[{"manifest":"A","field":"form"},{"x":1}]})", "discrepancies[1].x",
             "UNKNOWN_FIELD"},
            {R"({"weighbridge_g":0})", "weighbridge_g", "OUT_OF_RANGE"}},
           [](FieldReader& r, const json::object& o) { ReadReceipt(r, o); });
  const json::object obj =
      json::parse(R"({"refused":[{"manifest":"A","reason":"r"}],"weighbridge_g":24500})")
          .as_object();
  FieldReader r(obj);
  auto in = ReadReceipt(r, obj);
  BOOST_TEST(r.ok());
  BOOST_REQUIRE_EQUAL(in.refused.size(), 1u);
  BOOST_TEST(in.refused[0].manifest == "A");
  BOOST_TEST(!in.refused[0].mass_g.has_value());
  BOOST_TEST(in.weighbridge_g.value_or(0) == 24500);
}

BOOST_AUTO_TEST_CASE(revision_proposal) {
  RunTable({{R"({"changes":{"vehicle":"浙J9"},"reason":"换车"})", nullptr, nullptr},
            {R"({"changes":{},"reason":"x"})", "changes", "REQUIRED"},
            {R"({"changes":{"vehicle":"v"},"reason":""})", "reason", "REQUIRED"},
            {R"({"changes":{"colour":"red"},"reason":"x"})", "changes.colour", "UNKNOWN_FIELD"},
            {R"({"changes":{"driver":{"phone":"1"}},"reason":"x"})", "changes.driver.phone",
             "UNKNOWN_FIELD"},
            {R"({"changes":{"containers":[{"manifest":"A","waste_code":"77200218"}]},
                 "reason":"x"})",
             nullptr, nullptr},
            {R"({"changes":{"containers":[{"manifest":"A","waste_code":"HW18"}]},"reason":"x"})",
             "changes.containers[0].waste_code", "INVALID_WASTE_CODE"},
            {R"({"changes":{"containers":[{"manifest":"A","declared_g":0}]},"reason":"x"})",
             "changes.containers[0].declared_g", "OUT_OF_RANGE"},
            {R"({"changes":{"containers":{}},"reason":"x"})", "changes.containers", "WRONG_TYPE"}},
           [](FieldReader& r, const json::object& o) { ReadRevisionProposal(r, o); });
  // A dashed waste code is kept compact, as the store holds it.
  const json::object obj = json::parse(
                               R"({"changes":{"containers":[{"manifest":"A",
                                  "waste_code":"900-249-08","declared_g":26000}]},"reason":"x"})")
                               .as_object();
  FieldReader r(obj);
  auto in = ReadRevisionProposal(r, obj);
  BOOST_TEST(r.ok());
  BOOST_REQUIRE_EQUAL(in.changes.containers.size(), 1u);
  BOOST_TEST(in.changes.containers[0].waste_code.value_or("") == "90024908");
  BOOST_TEST(in.changes.containers[0].declared_g.value_or(0) == 26000);
}

}  // namespace
}  // namespace cradle::testing
