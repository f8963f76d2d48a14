#include "tests/unit/api/api_harness.h"

#include <stdlib.h>

#include <stdexcept>

#include "server/http/query.h"

namespace cradle::testing {
namespace {

template <class T>
T Must(Result<T> r, const char* what) {
  if (!r.ok()) throw std::runtime_error(std::string(what) + ": " + r.status().ToString());
  return std::move(*r);
}

http::RateLimiterOptions GenerousLimiter() {
  http::RateLimiterOptions o;
  o.rate_per_second = 1000;
  o.burst = 1000;
  return o;
}

}  // namespace

ApiHarness::ApiHarness(store::Env* env) : auth_failures_(GenerousLimiter()) {
  store::Database::Options o;
  o.path = dir() + "/cradle.db";
  o.env = env;
  o.readers = 2;
  o.clock = &clock_;
  db_ = Must(store::Database::Open(o), "open database");
  keys_ = Must(pki::SigningKeyStore::LoadOrCreate(dir() + "/keys"), "signing keys");
  catalogue_.emplace(Must(service::LoadDeploymentCatalogue(dir()), "catalogue"));
  ctx_ =
      std::make_unique<service::Context>(service::Context{*db_, *keys_, *catalogue_, clock_, {}});
  // Every other Deps field keeps its default (never draining, the source tree's web pages), so
  // fields added to Deps later need no change here.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
  deps_ = std::make_unique<api::Deps>(
      api::Deps{*ctx_, metrics_, auth_failures_, [] { return false; }, ""});
#pragma GCC diagnostic pop
  api::RegisterRoutes(router_, *deps_);
  auto admin = Must(service::BootstrapAdminToken(*ctx_), "admin token");
  if (!admin) throw std::runtime_error("a fresh database must create an admin token");
  admin_token_ = *admin;
}

ApiHarness::~ApiHarness() {
  router_ = http::Router();
  deps_.reset();
  ctx_.reset();
  db_.reset();
}

http::Response ApiHarness::Call(const std::string& method, const std::string& target,
                                const std::string& token, const std::string& body,
                                const std::string& content_type,
                                const std::map<std::string, std::string>& extra_headers) {
  http::Request req;
  req.method = method;
  req.target = target;
  std::string_view path, query;
  http::SplitTarget(req.target, &path, &query);
  req.path = *http::PercentDecode(path, false);
  if (auto q = http::ParseQuery(query)) req.query = *q;
  if (!token.empty()) req.headers["authorization"] = "Bearer " + token;
  if (!content_type.empty() && !body.empty()) req.headers["content-type"] = content_type;
  for (const auto& [k, v] : extra_headers) req.headers[k] = v;
  req.body = body;
  req.remote_ip = "127.0.0.1";
  return router_.Dispatch(req).first;
}

std::string ApiHarness::AddOrgWithToken(const std::string& uscc, const std::string& role) {
  boost::json::object org{{"uscc", uscc},
                          {"name", "Org " + uscc},
                          {"roles", boost::json::array{boost::json::value(role)}},
                          {"district", "331002"}};
  auto created = Call("POST", "/api/v1/orgs", admin_token_, boost::json::serialize(org));
  if (created.status != 201) throw std::runtime_error("create org: " + created.body);
  auto tok = Call("POST", "/api/v1/orgs/" + uscc + "/tokens", admin_token_,
                  boost::json::serialize(boost::json::object{{"role", role}, {"label", "t"}}));
  if (tok.status != 201) throw std::runtime_error("create token: " + tok.body);
  return std::string(boost::json::parse(tok.body).at("token").as_string());
}

boost::json::value Json(const http::Response& r) {
  boost::system::error_code ec;
  auto v = boost::json::parse(r.body, ec);
  if (ec) return nullptr;
  return v;
}

std::multimap<std::string, std::string> FieldCodes(const http::Response& r) {
  std::multimap<std::string, std::string> out;
  auto v = Json(r);
  if (!v.is_object()) return out;
  const auto* errors = v.as_object().if_contains("errors");
  if (!errors || !errors->is_array()) return out;
  for (const auto& e : errors->as_array()) {
    out.emplace(std::string(e.at("field").as_string()), std::string(e.at("code").as_string()));
  }
  return out;
}

std::string IssueBody(const std::string& producer, int count, const std::string& waste_code,
                      int64_t mass_g) {
  return boost::json::serialize(boost::json::object{{"producer", producer},
                                                    {"waste_code", waste_code},
                                                    {"mass_g", mass_g},
                                                    {"packaging", "DR"},
                                                    {"count", count}});
}

}  // namespace cradle::testing
