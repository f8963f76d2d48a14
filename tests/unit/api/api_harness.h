// Test harness for the API handlers without a socket: a real SQLite file, a real signing key
// store and the embedded catalogue in a fresh temporary directory, a real http::Router with
// every route registered, and helpers to build requests and parties.
//
// Ownership: the harness owns its directory (removed in the destructor), the database, the
// key store, the catalogue, the metrics and the router; handlers borrow them.
// Thread safety: one test thread.
#pragma once

#include <boost/json.hpp>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/uscc.h"
#include "server/api/api.h"
#include "server/http/metrics.h"
#include "server/http/rate_limiter.h"
#include "server/http/router.h"
#include "server/pki/signing_keys.h"
#include "server/service/catalogue_source.h"
#include "server/service/context.h"
#include "server/service/parties.h"
#include "server/store/database.h"
#include "server/store/env.h"
#include "tests/support/temp_dir.h"

namespace cradle::testing {

// A valid USCC from 17 characters (the check character computed).
inline std::string UsccFrom(const std::string& first17) { return first17 + UsccCheckChar(first17); }

class ApiHarness {
 public:
  // `env` non-null opens the database through that fault-injection VFS (borrowed; it must
  // outlive the harness); nullptr is SQLite's default VFS.
  explicit ApiHarness(store::Env* env = nullptr);
  ~ApiHarness();
  ApiHarness(const ApiHarness&) = delete;
  ApiHarness& operator=(const ApiHarness&) = delete;

  // Dispatches one request through the router. `target` may carry a query string;
  // `content_type` empty sends no Content-Type header.
  http::Response Call(const std::string& method, const std::string& target,
                      const std::string& token = "", const std::string& body = "",
                      const std::string& content_type = "application/json",
                      const std::map<std::string, std::string>& extra_headers = {});

  // As admin: registers an organisation with the given roles and returns a token for `role`.
  std::string AddOrgWithToken(const std::string& uscc, const std::string& role);

  const std::string& admin_token() const { return admin_token_; }
  http::Router& router() { return router_; }
  service::Context& ctx() { return *ctx_; }
  http::MetricsRegistry& metrics() { return metrics_; }
  const std::string& dir() const { return dir_.path(); }

 private:
  TempDir dir_{"cradle-api"};  // declared first: removed after everything that uses it
  SystemClock clock_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<pki::SigningKeyStore> keys_;
  std::optional<Catalogue> catalogue_;
  std::unique_ptr<service::Context> ctx_;
  http::MetricsRegistry metrics_;
  http::RateLimiter auth_failures_;
  std::unique_ptr<api::Deps> deps_;
  http::Router router_;
  std::string admin_token_;
};

// The body parsed as JSON (null when it is not JSON).
boost::json::value Json(const http::Response& r);
// The `code`s of a 422 problem's `errors`, keyed by field.
std::multimap<std::string, std::string> FieldCodes(const http::Response& r);
// A manifest issue body.
std::string IssueBody(const std::string& producer, int count = 1,
                      const std::string& waste_code = "900-041-49", int64_t mass_g = 25000);

}  // namespace cradle::testing
