// Helpers shared by the server_*_test.cc black-box tests: parties, issuance and JSON over a
// running ServerProcess. Header-only so tests/blackbox/CMakeLists.txt need not change.
//
// Ownership: plain functions; a Party holds copies of strings.
// Thread safety: one test thread (HttpsClient is single-threaded).
#pragma once

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/jwks.h"
#include "core/uscc.h"
#include "core/wm1.h"
#include "tests/blackbox/server_process.h"

namespace cradle::testing {

// A ServerProcess that also removes its data directory when it goes (ServerProcess itself
// leaves it behind): the child is killed first, then the directory removed.
class TempServer : public ServerProcess {
 public:
  TempServer() = default;
  ~TempServer() {
    Kill();
    std::error_code ec;
    std::filesystem::remove_all(data_dir(), ec);
  }
  TempServer(const TempServer&) = delete;
  TempServer& operator=(const TempServer&) = delete;
};

inline std::string UsccFrom(const std::string& first17) { return first17 + UsccCheckChar(first17); }
inline const std::string& UsccA() {
  static const std::string u = UsccFrom("91330100MA2H0A1B3");
  return u;
}
inline const std::string& UsccB() {
  static const std::string u = UsccFrom("91330100MA2H0A1C4");
  return u;
}

inline boost::json::value ParseJson(const std::string& body) {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec) return nullptr;
  return v;
}

// The response, failing the test on a network error.
inline net::ClientResponse MustSend(net::HttpsClient& c, const std::string& method,
                                    const std::string& target,
                                    const std::map<std::string, std::string>& headers = {},
                                    const std::string& body = "") {
  auto r = c.Send(method, target, headers, body);
  BOOST_REQUIRE_MESSAGE(r.ok(), method << " " << target << ": " << r.status().ToString());
  return std::move(*r);
}

// The problem's `code`, or "".
inline std::string ProblemCode(const net::ClientResponse& r) {
  auto v = ParseJson(r.body);
  if (!v.is_object() || !v.as_object().contains("code")) return "";
  return std::string(v.at("code").as_string());
}

// True when the 422 problem lists `field` with `code`.
inline bool HasFieldError(const net::ClientResponse& r, const std::string& field,
                          const std::string& code) {
  auto v = ParseJson(r.body);
  if (!v.is_object() || !v.as_object().contains("errors")) return false;
  for (const auto& e : v.at("errors").as_array()) {
    if (e.at("field").as_string() == field && e.at("code").as_string() == code) return true;
  }
  return false;
}

// As admin: registers a producer `uscc` and returns a fresh producer token for it.
inline std::string AddProducer(net::HttpsClient& c, const std::string& admin,
                               const std::string& uscc) {
  const boost::json::object org{{"uscc", uscc},
                                {"name", "Producer " + uscc.substr(10, 6)},
                                {"roles", boost::json::array{"producer"}},
                                {"district", "331002"}};
  auto created = MustSend(c, "POST", "/api/v1/orgs", Bearer(admin), boost::json::serialize(org));
  BOOST_REQUIRE_MESSAGE(created.status == 201, created.body);
  auto tok = MustSend(c, "POST", "/api/v1/orgs/" + uscc + "/tokens", Bearer(admin),
                      R"({"role":"producer","label":"black-box"})");
  BOOST_REQUIRE_MESSAGE(tok.status == 201, tok.body);
  return std::string(ParseJson(tok.body).at("token").as_string());
}

inline std::string IssueJson(const std::string& producer, int count,
                             const std::string& waste_code = "900-041-49", int64_t mass_g = 25000) {
  return boost::json::serialize(boost::json::object{{"producer", producer},
                                                    {"waste_code", waste_code},
                                                    {"mass_g", mass_g},
                                                    {"packaging", "DR"},
                                                    {"count", count},
                                                    {"produced_on", "2026-11-28"}});
}

struct IssuedManifest {
  std::string id;
  std::string token;
};

// Issues `count` manifests for `producer` and returns them (fails the test unless 201).
inline std::vector<IssuedManifest> IssueManifests(net::HttpsClient& c, const std::string& token,
                                                  const std::string& producer, int count) {
  auto r = MustSend(c, "POST", "/api/v1/manifests", Bearer(token), IssueJson(producer, count));
  BOOST_REQUIRE_MESSAGE(r.status == 201, r.body);
  std::vector<IssuedManifest> out;
  const boost::json::value body = ParseJson(r.body);  // outlives the loop
  for (const auto& m : body.at("manifests").as_array()) {
    out.push_back({std::string(m.at("id").as_string()), std::string(m.at("token").as_string())});
  }
  return out;
}

// The server's published keys, read with core's JWKS reader.
inline KeySet FetchKeys(net::HttpsClient& c) {
  auto r = MustSend(c, "GET", "/.well-known/jwks.json");
  BOOST_REQUIRE(r.status == 200);
  auto keys = ReadJwks(r.body);
  BOOST_REQUIRE_MESSAGE(keys.ok(), keys.status().ToString());
  return std::move(*keys);
}

}  // namespace cradle::testing
