// A small transfer world for the black-box tests of the transfer endpoints (transfer_pdf_test,
// transfer_input_test): a real cradle-server over TLS with a producer, two collectors, two
// facilities (FAC-F, FAC-G, each run by its own organisation) and a regulator, each with a
// token, and helpers to issue, scan, draft and read transfers. Header-only, like
// server_test_helpers.h, so tests/blackbox/CMakeLists.txt need not change.
//
// Ownership: a TransferWorld owns its server (and so its data directory).
// Thread safety: one test thread.
#pragma once

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/civil_time.h"
#include "core/clock.h"
#include "core/uuid.h"
#include "tests/blackbox/server_test_helpers.h"

namespace cradle::testing {

// The response to `method target` as `token`, which must have status `want`; its JSON body.
inline boost::json::value CallJson(net::HttpsClient& c, const std::string& method,
                                   const std::string& target, const std::string& token,
                                   const boost::json::value& body, int want) {
  auto r = MustSend(c, method, target, Bearer(token),
                    body.is_null() ? "" : boost::json::serialize(body));
  BOOST_REQUIRE_MESSAGE(r.status == want,
                        method << " " << target << " -> " << r.status << " " << r.body);
  return r.body.empty() ? boost::json::value() : ParseJson(r.body);
}

inline std::string Str(const boost::json::value& v, const char* key) {
  return std::string(v.at(key).as_string());
}

struct TransferWorld {
  TempServer server;
  std::string producer = UsccFrom("91331082NCP000001");
  std::string collector = UsccFrom("91331000CLT000001");
  std::string collector2 = UsccFrom("91331000CLT000002");
  std::string fac_f = UsccFrom("91331000LFL000001");
  std::string fac_g = UsccFrom("91331000UTL000001");
  std::string regulator = UsccFrom("11331000REG000001");
  std::string admin, p_tok, c_tok, c2_tok, f_tok, g_tok, reg_tok;

  TransferWorld() {
    Status s = server.Start();
    BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
    admin = server.admin_token();
    auto c = server.Client();
    auto org = [&](const std::string& uscc, const char* role) {
      CallJson(c, "POST", "/api/v1/orgs", admin,
               boost::json::object{{"uscc", uscc},
                                   {"name", std::string("单位 ") + role + " " + uscc.substr(12, 5)},
                                   {"roles", boost::json::array{role}}},
               201);
      auto t = CallJson(c, "POST", "/api/v1/orgs/" + uscc + "/tokens", admin,
                        boost::json::object{{"role", role}, {"label", "test"}}, 201);
      return Str(t, "token");
    };
    p_tok = org(producer, "producer");
    c_tok = org(collector, "collector");
    c2_tok = org(collector2, "collector");
    f_tok = org(fac_f, "facility");
    g_tok = org(fac_g, "facility");
    reg_tok = org(regulator, "regulator");
    for (const auto& [id, op] : {std::pair{"FAC-F", fac_f}, std::pair{"FAC-G", fac_g}}) {
      CallJson(c, "POST", "/api/v1/facilities", admin,
               boost::json::object{{"id", id},
                                   {"operator", op},
                                   {"name", std::string(id) + " 焚烧厂"},
                                   {"kind", "incinerator"},
                                   {"capacity", boost::json::object{{"t_per_year", 10000}}}},
               201);
    }
  }

  std::vector<IssuedManifest> Issue(int n) {
    auto c = server.Client();
    return IssueManifests(c, p_tok, producer, n);
  }

  // A scan of `m` now, from the vehicle 浙J12345.
  static boost::json::object Scan(const std::string& kind, const IssuedManifest& m,
                                  std::optional<std::string> facility = std::nullopt) {
    boost::json::object s{{"event_id", NewUuidV4()},
                          {"token", m.token},
                          {"kind", kind},
                          {"mass_g", 25000},
                          {"scanned_at", FormatRfc3339(SystemClock().NowMicros())},
                          {"vehicle", "浙J12345"}};
    if (facility) s["facility"] = *facility;
    return s;
  }

  // Sends one scan as `token` and returns its result's status ("accepted", "rejected", ...).
  std::string ScanOne(const std::string& token, boost::json::object scan) {
    auto c = server.Client();
    auto r = CallJson(c, "POST", "/api/v1/scans", token,
                      boost::json::object{{"scans", boost::json::array{std::move(scan)}}}, 200);
    return Str(r.at("results").as_array().at(0), "status");
  }

  // A draft by the producer to FAC-F, carried by `collector`, with the given containers.
  boost::json::object DraftBody(const std::vector<IssuedManifest>& ms) const {
    boost::json::array ids;
    for (const auto& m : ms) ids.push_back(boost::json::value(m.id));
    return {{"sender", producer},
            {"carrier", collector},
            {"receiver", "FAC-F"},
            {"vehicle", "浙J12345"},
            {"driver", boost::json::object{{"name", "王师傅"}, {"licence", "330100"}}},
            {"purpose", "disposal"},
            {"planned_on", "2026-12-03"},
            {"containers", std::move(ids)}};
  }
  std::string Draft(const std::vector<IssuedManifest>& ms) {
    auto c = server.Client();
    return Str(CallJson(c, "POST", "/api/v1/transfers", p_tok, DraftBody(ms), 201), "id");
  }
  std::string Submitted(const std::vector<IssuedManifest>& ms) {
    const std::string id = Draft(ms);
    auto c = server.Client();
    CallJson(c, "POST", "/api/v1/transfers/" + id + "/submit", p_tok, nullptr, 200);
    return id;
  }

  boost::json::value Get(const std::string& id) {
    auto c = server.Client();
    return CallJson(c, "GET", "/api/v1/transfers/" + id, admin, nullptr, 200);
  }
};

}  // namespace cradle::testing
