// Bad input changes nothing (transfers.md, issue 10 "Bad input and faults"), against the real
// cradle-server over TLS: for every transfer endpoint, a malformed body, an unknown id, a party
// not on the transfer (or not in the right part) and a state that does not allow the action each
// get their problem+json code, and afterwards every transfer reads back byte for byte as before,
// the manifests too, and the audit chain verifies with no entry added.
#define BOOST_TEST_MODULE blackbox_transfer_input_test
#include <boost/test/unit_test.hpp>

#include "tests/blackbox/transfer_world.h"

namespace cradle::testing {
namespace {

namespace json = boost::json;

// Everything a refused request could have touched, as the API shows it.
struct Snapshot {
  std::vector<std::string> transfers;  // each transfer as the admin reads it
  std::string list, manifests;
  int64_t audit_length = -1;
  bool audit_ok = false;
  bool operator==(const Snapshot&) const = default;
};

Snapshot Take(TransferWorld& w, const std::vector<std::string>& ids) {
  auto c = w.server.Client();
  Snapshot s;
  for (const auto& id : ids) s.transfers.push_back(json::serialize(w.Get(id)));
  s.list =
      json::serialize(CallJson(c, "GET", "/api/v1/transfers?limit=1000", w.admin, nullptr, 200));
  s.manifests =
      json::serialize(CallJson(c, "GET", "/api/v1/manifests?limit=1000", w.admin, nullptr, 200));
  auto verify = CallJson(c, "GET", "/api/v1/audit/verify", w.admin, nullptr, 200);
  s.audit_ok = verify.at("ok").as_bool();
  s.audit_length = verify.at("length").to_number<int64_t>();
  return s;
}

struct Bad {
  const char* what;
  std::string method, target;
  const std::string* token;
  std::string body;
  int status;
  const char* code;
};

BOOST_AUTO_TEST_CASE(every_endpoint_refuses_bad_input_and_changes_nothing) {
  TransferWorld w;
  auto c = w.server.Client();
  const auto ms = w.Issue(5);
  // A: submitted, with a refused revision. D: a draft. X: cancelled.
  const std::string a = w.Submitted({ms[0], ms[1]});
  const std::string d = w.Draft({ms[2]});
  const std::string x = w.Submitted({ms[3]});
  CallJson(c, "POST", "/api/v1/transfers/" + x + "/cancel", w.p_tok,
           json::object{{"reason", "改期"}}, 200);
  auto rev = CallJson(
      c, "POST", "/api/v1/transfers/" + a + "/revisions", w.p_tok,
      json::object{{"changes", json::object{{"vehicle", "浙J99999"}}}, {"reason", "换车"}}, 201);
  const std::string r = std::to_string(rev.at("id").as_int64());
  CallJson(c, "POST", "/api/v1/revisions/" + r + "/refuse", w.c_tok, nullptr, 200);

  const std::string T = "/api/v1/transfers";
  const std::string unknown = T + "/20269999000001";
  const std::string create_body = json::serialize(w.DraftBody({ms[4]}));
  auto create_with = [&](const char* key, json::value v) {
    json::object b = w.DraftBody({ms[4]});
    b[key] = std::move(v);
    return json::serialize(b);
  };
  const std::vector<Bad> table = {
      // POST /transfers
      {"create: malformed", "POST", T, &w.p_tok, "{\"sender\":", 400, "MALFORMED_JSON"},
      {"create: not an object", "POST", T, &w.p_tok, "[]", 400, "MALFORMED_JSON"},
      {"create: bad fields", "POST", T, &w.p_tok, create_with("purpose", "storage"), 422,
       "VALIDATION_FAILED"},
      {"create: unknown field", "POST", T, &w.p_tok, create_with("colour", "red"), 422,
       "VALIDATION_FAILED"},
      {"create: unknown receiver", "POST", T, &w.p_tok, create_with("receiver", "FAC-NONE"), 422,
       "UNKNOWN_FACILITY"},
      {"create: unknown carrier", "POST", T, &w.p_tok,
       create_with("carrier", json::value(UsccFrom("91331000CLT000099"))), 422, "UNKNOWN_ORG"},
      {"create: another's transfer", "POST", T, &w.c2_tok, create_body, 403, "FORBIDDEN"},
      {"create: container on another transfer", "POST", T, &w.p_tok,
       create_with("containers", json::array{json::value(ms[0].id)}), 422, "ON_OTHER_TRANSFER"},
      // GET /transfers and /transfers/{id}(.pdf)
      {"list: bad status", "GET", T + "?status=lost", &w.reg_tok, "", 422, "VALIDATION_FAILED"},
      {"list: bad month", "GET", T + "?month=2026-13", &w.reg_tok, "", 422, "VALIDATION_FAILED"},
      {"list: another's", "GET", T + "?party=" + w.producer, &w.c2_tok, "", 403, "FORBIDDEN"},
      {"get: unknown", "GET", unknown, &w.reg_tok, "", 404, "NOT_FOUND"},
      {"get: not a number", "GET", T + "/12345", &w.reg_tok, "", 404, "NOT_FOUND"},
      {"get: not a party", "GET", T + "/" + a, &w.c2_tok, "", 404, "NOT_FOUND"},
      {"pdf: unknown", "GET", unknown + ".pdf", &w.reg_tok, "", 404, "NOT_FOUND"},
      {"pdf: not a party", "GET", T + "/" + a + ".pdf", &w.g_tok, "", 404, "NOT_FOUND"},
      {"pdf: a draft", "GET", T + "/" + d + ".pdf", &w.p_tok, "", 409, "INVALID_STATE"},
  };
  // The POST actions on one transfer: malformed, bad fields, unknown id, not a party, a party
  // in the wrong part, and a state that does not allow it.
  struct Action {
    const char* name;
    std::string good_body, bad_fields;
    const std::string* actor;  // the party who may do it
    const std::string* other;  // a party on it who may not
    std::string wrong_state;   // a transfer in a state that does not allow it
  };
  const std::vector<Action> actions = {
      {"containers", json::serialize(json::object{{"add", json::array{json::value(ms[4].id)}}}),
       R"({"add":5})", &w.p_tok, &w.c_tok, a},
      {"submit", "", R"({"now":true})", &w.p_tok, &w.c_tok, a},
      {"sign", "", R"({"now":true})", &w.p_tok, &w.c_tok, a},
      {"cancel", R"({"reason":"x"})", R"({"reason":""})", &w.p_tok, &w.c_tok, x},
      {"receipt", "{}", R"({"refused":5})", &w.f_tok, &w.p_tok, a},
      {"return", R"({"to":"sender"})", R"({})", &w.c_tok, &w.p_tok, a},
      {"revisions", R"({"changes":{"vehicle":"浙J00001"},"reason":"x"})",
       R"({"changes":{},"reason":"x"})", &w.p_tok, &w.g_tok, d},
  };
  std::vector<Bad> rows = table;
  for (const auto& act : actions) {
    const std::string on_a = T + "/" + a + "/" + act.name;
    const std::string on_d = T + "/" + d + "/" + act.name;
    const std::string& own = (act.wrong_state == a) ? on_d : on_a;  // a transfer in a fit state
    rows.push_back({act.name, "POST", own, act.actor, "{\"x\":", 400, "MALFORMED_JSON"});
    rows.push_back({act.name, "POST", own, act.actor, act.bad_fields, 422, "VALIDATION_FAILED"});
    rows.push_back(
        {act.name, "POST", unknown + "/" + act.name, act.actor, act.good_body, 404, "NOT_FOUND"});
    rows.push_back({act.name, "POST", own, &w.c2_tok, act.good_body, 404, "NOT_FOUND"});
    if (act.other != &w.g_tok) {
      rows.push_back({act.name, "POST", own, act.other, act.good_body, 403, "FORBIDDEN"});
    }
    rows.push_back({act.name, "POST", T + "/" + act.wrong_state + "/" + act.name, act.actor,
                    act.good_body, 409, "INVALID_STATE"});
  }
  // Revision answers: the refused revision r of A.
  for (const char* verb : {"approve", "refuse"}) {
    const std::string on_r = "/api/v1/revisions/" + r + "/" + verb;
    rows.push_back({verb, "POST", on_r, &w.f_tok, "{\"note\":", 400, "MALFORMED_JSON"});
    rows.push_back({verb, "POST", on_r, &w.f_tok, R"({"note":5})", 422, "VALIDATION_FAILED"});
    rows.push_back({verb, "POST", "/api/v1/revisions/99999/" + std::string(verb), &w.f_tok, "", 404,
                    "NOT_FOUND"});
    rows.push_back({verb, "POST", "/api/v1/revisions/x1/" + std::string(verb), &w.f_tok, "", 404,
                    "NOT_FOUND"});
    rows.push_back({verb, "POST", on_r, &w.c2_tok, "", 404, "NOT_FOUND"});
    rows.push_back({verb, "POST", on_r, &w.p_tok, "", 403, "FORBIDDEN"});      // its proposer
    rows.push_back({verb, "POST", on_r, &w.f_tok, "", 409, "INVALID_STATE"});  // refused already
  }

  const std::vector<std::string> ids = {a, d, x};
  const Snapshot before = Take(w, ids);
  BOOST_REQUIRE(before.audit_ok);
  for (const auto& row : rows) {
    BOOST_TEST_CONTEXT(row.what << ": " << row.method << " " << row.target << " " << row.body) {
      auto resp = MustSend(c, row.method, row.target, Bearer(*row.token), row.body);
      BOOST_TEST(resp.status == row.status, resp.status << " " << resp.body);
      BOOST_TEST(resp.Header("content-type").rfind("application/problem+json", 0) == 0u);
      BOOST_TEST(ProblemCode(resp) == row.code, resp.body);
      const Snapshot after = Take(w, ids);
      BOOST_TEST(after.audit_ok);
      BOOST_TEST(after.audit_length == before.audit_length);
      BOOST_TEST((after == before));
    }
  }
  BOOST_TEST(rows.size() > 60u);
}

}  // namespace
}  // namespace cradle::testing
