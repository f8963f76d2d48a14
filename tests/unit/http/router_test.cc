#define BOOST_TEST_MODULE http_router_test
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "server/http/router.h"

namespace cradle::http {
namespace {

Handler Named(std::string name) {
  return [name](Request& req) {
    Response r;
    r.body = name;
    for (const auto& [k, v] : req.params) r.body += " " + k + "=" + v;
    return r;
  };
}

Router MakeRouter() {
  Router router;
  router.Add("GET", "/api/v1/manifests", Named("list"));
  router.Add("POST", "/api/v1/manifests", Named("issue"));
  router.Add("GET", "/api/v1/manifests/{id}", Named("get"));
  router.Add("POST", "/api/v1/manifests/{id}/void", Named("void"));
  router.Add("GET", "/api/v1/manifests/{id}/label.{format}", Named("label"));
  router.Add("GET", "/api/v1/audit/{x}", Named("audit-param"));
  router.Add("GET", "/api/v1/audit/verify", Named("audit-verify"));
  router.Add("POST", "/api/v1/verify", Named("verify"), RouteOptions{.rate_limited = true});
  router.Add("GET", "/", Named("root"));
  return router;
}

Request Make(std::string method, std::string target) {
  Request req;
  req.method = std::move(method);
  req.target = std::move(target);
  return req;
}

BOOST_AUTO_TEST_CASE(literal_and_param_routes) {
  Router router = MakeRouter();
  Request a = Make("GET", "/api/v1/manifests");
  BOOST_TEST(router.Dispatch(a).first.body == "list");
  Request b = Make("POST", "/api/v1/manifests");
  BOOST_TEST(router.Dispatch(b).first.body == "issue");
  Request c = Make("GET", "/api/v1/manifests/ABC123?limit=5");
  auto [res, route] = router.Dispatch(c);
  BOOST_TEST(res.body == "get id=ABC123");
  BOOST_TEST(route == "/api/v1/manifests/{id}");
  BOOST_TEST(c.Param("id") == "ABC123");
  Request d = Make("GET", "/");
  BOOST_TEST(router.Dispatch(d).first.body == "root");
}

BOOST_AUTO_TEST_CASE(suffix_segment) {
  Router router = MakeRouter();
  Request req = Make("GET", "/api/v1/manifests/X9/label.svg?size=100");
  auto [res, route] = router.Dispatch(req);
  BOOST_TEST(res.body == "label format=svg id=X9");
  BOOST_TEST(route == "/api/v1/manifests/{id}/label.{format}");
  // The affix must be present and the parameter non-empty.
  Request bare = Make("GET", "/api/v1/manifests/X9/label.");
  BOOST_TEST(router.Dispatch(bare).first.status == 404);
  Request other = Make("GET", "/api/v1/manifests/X9/labels.svg");
  BOOST_TEST(router.Dispatch(other).first.status == 404);
}

BOOST_AUTO_TEST_CASE(most_specific_wins_regardless_of_order) {
  Router router = MakeRouter();
  Request req = Make("GET", "/api/v1/audit/verify");
  BOOST_TEST(router.Dispatch(req).first.body == "audit-verify");
  Request other = Make("GET", "/api/v1/audit/123");
  BOOST_TEST(router.Dispatch(other).first.body == "audit-param x=123");
}

BOOST_AUTO_TEST_CASE(params_are_percent_decoded_per_segment) {
  Router router = MakeRouter();
  Request req = Make("GET", "/api/v1/manifests/a%2Fb%20c");
  BOOST_TEST(router.Dispatch(req).first.body == "get id=a/b c");
  Request bad = Make("GET", "/api/v1/manifests/a%2");
  auto [res, route] = router.Dispatch(bad);
  BOOST_TEST(res.status == 400);
  BOOST_TEST(route == "unmatched");
}

BOOST_AUTO_TEST_CASE(not_found_is_problem_json) {
  Router router = MakeRouter();
  for (const char* target : {"/nope", "/api/v1/manifests/1/2/3", "/api/v1/manifests/", ""}) {
    Request req = Make("GET", target);
    req.path = "/zzz";
    auto [res, route] = router.Dispatch(req);
    BOOST_TEST(res.status == 404, target);
    BOOST_TEST(route == "unmatched");
    BOOST_TEST(res.content_type == "application/problem+json");
    auto body = boost::json::parse(res.body).as_object();
    BOOST_TEST(body.at("code").as_string() == "NOT_FOUND");
    BOOST_TEST(body.at("status").as_int64() == 404);
  }
}

BOOST_AUTO_TEST_CASE(method_not_allowed_lists_allow) {
  Router router = MakeRouter();
  Request req = Make("DELETE", "/api/v1/manifests");
  auto [res, route] = router.Dispatch(req);
  BOOST_TEST(res.status == 405);
  BOOST_TEST(route == "/api/v1/manifests");
  BOOST_REQUIRE(res.headers.size() == 1u);
  BOOST_TEST(res.headers[0].first == "Allow");
  BOOST_TEST(res.headers[0].second == "GET, HEAD, POST");  // HEAD comes with GET
  BOOST_TEST(boost::json::parse(res.body).at("code").as_string() == "METHOD_NOT_ALLOWED");

  Request post_get_only = Make("POST", "/api/v1/manifests/X1");
  auto [res2, route2] = router.Dispatch(post_get_only);
  BOOST_TEST(res2.status == 405);
  BOOST_TEST(res2.headers[0].second == "GET, HEAD");
}

// HEAD is answered by the GET route (the server drops the body), with its route and params;
// a path without GET still answers 405 to HEAD, and a HEAD route of its own wins.
BOOST_AUTO_TEST_CASE(head_is_answered_by_the_get_route) {
  Router router;
  router.Add("GET", "/a/{id}", [](Request& r) {
    Response res;
    res.body = "get " + r.Param("id") + " " + r.method + " " + r.route;
    return res;
  });
  router.Add("POST", "/b", [](Request&) { return Response(); });
  router.Add("GET", "/c", [](Request&) { return Response(); });
  router.Add("HEAD", "/c", [](Request&) {
    Response res;
    res.body = "own head";
    return res;
  });
  Request head = Make("HEAD", "/a/X1");
  auto [res, route] = router.Dispatch(head);
  BOOST_TEST(res.status == 200);
  BOOST_TEST(route == "/a/{id}");
  BOOST_TEST(res.body == "get X1 HEAD /a/{id}");
  Request post_only = Make("HEAD", "/b");
  BOOST_TEST(router.Dispatch(post_only).first.status == 405);
  Request own = Make("HEAD", "/c");
  BOOST_TEST(router.Dispatch(own).first.body == "own head");
}

BOOST_AUTO_TEST_CASE(find_reports_options_without_calling) {
  Router router = MakeRouter();
  int calls = 0;
  router.Add("GET", "/count", [&calls](Request&) {
    ++calls;
    return Response{};
  });
  Request count = Make("GET", "/count");
  RouteMatch m = router.Find(count);
  BOOST_TEST(calls == 0);
  BOOST_REQUIRE(m.handler != nullptr);
  BOOST_TEST(!m.options.rate_limited);
  Request verify = Make("POST", "/api/v1/verify");
  BOOST_TEST(router.Find(verify).options.rate_limited);
}

BOOST_AUTO_TEST_CASE(path_used_when_target_empty) {
  Router router = MakeRouter();
  Request req;
  req.method = "GET";
  req.path = "/api/v1/manifests/Z";
  BOOST_TEST(router.Dispatch(req).first.body == "get id=Z");
}

BOOST_AUTO_TEST_CASE(routes_lists_pairs_in_order_and_replaces_duplicates) {
  Router router = MakeRouter();
  router.Add("GET", "/api/v1/manifests", Named("list2"));
  auto routes = router.Routes();
  BOOST_TEST(routes.size() == 9u);
  BOOST_TEST(routes[0].first == "GET");
  BOOST_TEST(routes[0].second == "/api/v1/manifests");
  BOOST_TEST(routes[4].second == "/api/v1/manifests/{id}/label.{format}");
  Request req = Make("GET", "/api/v1/manifests");
  BOOST_TEST(router.Dispatch(req).first.body == "list2");
}

}  // namespace
}  // namespace cradle::http
