// The fault-injection sweep's shared pieces (api_faults_test, api_transfer_faults_test): which
// fault to arm on the store's Env seam, and the checks every N makes: a 503 is the documented
// STORAGE_UNAVAILABLE problem that leaks no SQLite words or paths, and the file and the audit
// chain are intact.
//
// Thread safety: one test thread, as ApiHarness.
#pragma once

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "server/store/env.h"
#include "tests/unit/api/api_harness.h"

namespace cradle::testing {

enum class Fault { kWrite, kSync, kFull };

inline const char* Name(Fault f) {
  switch (f) {
    case Fault::kWrite:
      return "write";
    case Fault::kSync:
      return "sync";
    case Fault::kFull:
      return "full";
  }
  return "?";
}

inline void Arm(store::Env& env, Fault f, int64_t n) {
  switch (f) {
    case Fault::kWrite:
      env.FailNthWrite(n);
      break;
    case Fault::kSync:
      env.FailNthSync(n);
      break;
    case Fault::kFull:
      env.DiskFullAfter(n);
      break;
  }
}

// One integer from SQL on the harness's own database (a read transaction).
inline int64_t Scalar(ApiHarness& h, const std::string& sql) {
  int64_t n = -1;
  Status s = h.ctx().db.Read([&](store::Txn& txn) -> Status {
    auto stmt = txn.Prepare(sql);
    if (!stmt.ok()) return stmt.status();
    auto row = stmt->Step();
    if (!row.ok()) return row.status();
    n = stmt->Int(0);
    return Status();
  });
  BOOST_REQUIRE_MESSAGE(s.ok(), sql << ": " << s.ToString());
  return n;
}

inline void ExpectStorageUnavailable(const http::Response& r) {
  BOOST_TEST(r.status == 503);
  BOOST_TEST(r.content_type.rfind("application/problem+json", 0) == 0u, r.content_type);
  auto v = Json(r);
  BOOST_REQUIRE(v.is_object());
  BOOST_TEST(v.at("code").as_string() == "STORAGE_UNAVAILABLE");
  BOOST_TEST(v.at("status").to_number<int>() == 503);
  // SQLite's words and the database's path stay in the log (issue 11, item 9).
  BOOST_TEST(v.at("detail").as_string() == "the database is unavailable; retry later");
  BOOST_TEST(r.body.find(".db") == std::string::npos, r.body);
  BOOST_TEST(r.body.find("I/O") == std::string::npos, r.body);
}

// The file and the audit chain are intact.
inline void ExpectIntact(ApiHarness& h) {
  Status s = h.ctx().db.IntegrityCheck();
  BOOST_TEST(s.ok(), s.ToString());
  auto verify = h.Call("GET", "/api/v1/audit/verify", h.admin_token());
  BOOST_TEST(verify.status == 200);
  auto v = Json(verify);
  BOOST_TEST((v.is_object() && v.at("ok").as_bool()), verify.body);
}

// The `status` of each result of a POST /api/v1/scans answer.
inline std::vector<std::string> Statuses(const http::Response& r) {
  std::vector<std::string> out;
  auto v = Json(r);
  if (!v.is_object()) return out;
  for (const auto& x : v.at("results").as_array()) {
    out.emplace_back(x.at("status").as_string());
  }
  return out;
}

}  // namespace cradle::testing
