// The static-file routes over a real directory tree: traversal in every spelling, a symlink
// that escapes the root, content types, cache headers, redirects and the OpenAPI entries.
#define BOOST_TEST_MODULE web_static_test
#include <stdlib.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "server/api/api.h"
#include "server/api/static_routes.h"
#include "server/http/router.h"
#include "tests/support/temp_dir.h"

namespace cradle::testing {
namespace {

namespace fs = std::filesystem;

std::string HeaderOf(const http::Response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "";
}

void Write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

// A temporary tree: <tmp>/root is the web root; <tmp>/secret.txt lies outside it.
class WebTree {
 public:
  WebTree() {
    dir_ = tmp_.path();
    root_ = dir_ / "root";
    Write(root_ / "index.html", "<!doctype html><title>cradle</title>");
    Write(root_ / "app.css", "body{}");
    Write(root_ / "js" / "app.js", "export const x = 1;");
    Write(root_ / "js" / "i18n.mjs", "export {};");
    Write(root_ / "icons" / "logo.svg", "<svg/>");
    Write(root_ / "icons" / "icon.png", std::string("\x89PNG\r\n\x1a\n", 8));
    Write(root_ / "js" / "x.json", "{}");
    Write(root_ / "vendor" / "fonts" / "a.woff2", "wOF2");
    Write(root_ / "vendor" / "zxing-wasm" / "reader" / "zxing_reader.wasm",
          std::string("\0asm\1\0\0\0", 8));
    Write(root_ / "js" / "b" / "c" / "d.js", "deep");
    Write(root_ / "js" / "app.0123abcd.js", "hashed");
    Write(root_ / "vendor" / "sub" / "index.html", "<p>sub</p>");
    Write(root_ / "js" / "blob.bin", "x");
    // The source tree's own files share the folder with the pages and must not be served.
    Write(root_ / "package.json", "{\"name\":\"cradle-web\"}");
    Write(root_ / "package-lock.json", "{}");
    Write(root_ / "tests" / "e2e.mjs", "// test");
    Write(root_ / "tools" / "vendor.mjs", "// tool");
    Write(root_ / "node_modules" / "zxing-wasm" / "package.json", "{}");
    Write(dir_ / "secret.txt", "TOP SECRET");
    fs::create_symlink(dir_ / "secret.txt", root_ / "js" / "escape.txt");
    fs::create_directory_symlink(dir_, root_ / "js" / "up");
    fs::create_symlink(root_ / "app.css", root_ / "js" / "inside.css");
    api::StaticRoutes(router_, root_.string());
  }
  http::Response Get(const std::string& target) {
    http::Request req;
    req.method = "GET";
    req.target = target;
    req.path = target.substr(0, target.find('?'));
    return router_.Dispatch(req).first;
  }
  const fs::path& root() const { return root_; }

 private:
  TempDir tmp_{"cradle-web"};
  fs::path dir_;
  fs::path root_;
  http::Router router_;
};

BOOST_AUTO_TEST_CASE(root_and_bare_web_redirect_to_the_pages) {
  WebTree t;
  for (const std::string target : {"/", "/web"}) {
    auto r = t.Get(target);
    BOOST_TEST(r.status == 302, target);
    BOOST_TEST(HeaderOf(r, "Location") == "/web/", target);
  }
}

BOOST_AUTO_TEST_CASE(index_html_is_served_for_the_root_and_sub_folders) {
  WebTree t;
  auto r = t.Get("/web/");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.body == "<!doctype html><title>cradle</title>");
  BOOST_TEST(r.content_type == "text/html; charset=utf-8");
  BOOST_TEST(HeaderOf(r, "Cache-Control") == "no-cache");
  BOOST_TEST(HeaderOf(r, "Content-Security-Policy").find("default-src 'self'") !=
             std::string::npos);
  auto sub = t.Get("/web/vendor/sub/");
  BOOST_TEST(sub.status == 200);
  BOOST_TEST(sub.body == "<p>sub</p>");
  // A folder without its trailing slash redirects, so relative links in it resolve.
  auto bare = t.Get("/web/vendor/sub");
  BOOST_TEST(bare.status == 302);
  BOOST_TEST(HeaderOf(bare, "Location") == "/web/vendor/sub/");
  // A folder without index.html, or a file asked for as a folder, is not found.
  BOOST_TEST(t.Get("/web/js/").status == 404);
  BOOST_TEST(t.Get("/web/app.css/").status == 404);
}

BOOST_AUTO_TEST_CASE(content_types_follow_the_extension) {
  WebTree t;
  const std::pair<std::string, std::string> cases[] = {
      {"/web/app.css", "text/css; charset=utf-8"},
      {"/web/js/app.js", "text/javascript; charset=utf-8"},
      {"/web/js/i18n.mjs", "text/javascript; charset=utf-8"},
      {"/web/icons/logo.svg", "image/svg+xml"},
      {"/web/icons/icon.png", "image/png"},
      {"/web/js/x.json", "application/json; charset=utf-8"},
      {"/web/vendor/fonts/a.woff2", "font/woff2"},
      {"/web/vendor/zxing-wasm/reader/zxing_reader.wasm", "application/wasm"},
      {"/web/js/blob.bin", "application/octet-stream"},
  };
  for (const auto& [target, type] : cases) {
    auto r = t.Get(target);
    BOOST_TEST(r.status == 200, target);
    BOOST_TEST(r.content_type == type, target);
    BOOST_TEST(HeaderOf(r, "X-Content-Type-Options") == "nosniff", target);
  }
  BOOST_TEST(t.Get("/web/icons/icon.png").body.size() == 8u);
  BOOST_TEST(t.Get("/web/js/b/c/d.js").body == "deep");
}

BOOST_AUTO_TEST_CASE(vendor_and_hashed_files_are_long_lived_the_rest_revalidates) {
  WebTree t;
  const std::string immutable = "public, max-age=31536000, immutable";
  BOOST_TEST(HeaderOf(t.Get("/web/vendor/zxing-wasm/reader/zxing_reader.wasm"), "Cache-Control") ==
             immutable);
  BOOST_TEST(HeaderOf(t.Get("/web/js/app.0123abcd.js"), "Cache-Control") == immutable);
  BOOST_TEST(HeaderOf(t.Get("/web/js/app.js"), "Cache-Control") == "no-cache");
  BOOST_TEST(HeaderOf(t.Get("/web/app.css"), "Cache-Control") == "no-cache");
  BOOST_TEST(api::StaticCacheControl("vendor/x/index.html") == "no-cache");
  BOOST_TEST(api::StaticCacheControl("js/a.b.js") == "no-cache");
}

BOOST_AUTO_TEST_CASE(traversal_in_every_spelling_is_not_found) {
  WebTree t;
  BOOST_REQUIRE(t.Get("/web/app.css").status == 200);  // the tree itself is served
  const std::string attempts[] = {
      "/web/../secret.txt",
      "/web/js/../../secret.txt",
      "/web/%2e%2e/secret.txt",
      "/web/%2E%2E/secret.txt",
      "/web/js/%2e%2e/%2e%2e/secret.txt",
      "/web/%2e%2e%2fsecret.txt",
      "/web/js%2f..%2f..%2fsecret.txt",
      "/web/%2fetc%2fpasswd",
      "/web/js%5c..%5c..%5csecret.txt",
      "/web/./app.css",
      "/web/%2e/app.css",
      "/web//app.css",
      "/web/js/escape.txt",     // symlink to a file outside the root
      "/web/js/up/secret.txt",  // symlink to a folder outside the root
      "/web/missing.js",
      "/web/js/b/c/d/e.js",  // deeper than the routes go
  };
  for (const std::string& target : attempts) {
    auto r = t.Get(target);
    BOOST_TEST(r.status == 404, target << " -> " << r.status);
    BOOST_TEST(r.body.find("TOP SECRET") == std::string::npos, target);
  }
  // A malformed escape or an encoded NUL is refused by the router (400) before any file lookup.
  BOOST_TEST(t.Get("/web/%zz").status == 400);
  BOOST_TEST(t.Get("/web/app.css%00.png").status == 400);
  BOOST_TEST(t.Get("/web/js/up%00/secret.txt").status == 400);
}

BOOST_AUTO_TEST_CASE(only_the_pages_are_served_not_the_source_tree_beside_them) {
  WebTree t;
  for (const std::string target :
       {"/web/package.json", "/web/package-lock.json", "/web/tests/e2e.mjs", "/web/tests/",
        "/web/tools/vendor.mjs", "/web/node_modules/zxing-wasm/package.json",
        "/web/node_modules/"}) {
    auto r = t.Get(target);
    BOOST_TEST(r.status == 404, target << " -> " << r.status);
  }
  BOOST_TEST(t.Get("/web/js/app.js").status == 200);
  BOOST_TEST(t.Get("/web/icons/logo.svg").status == 200);
}

BOOST_AUTO_TEST_CASE(a_symlink_inside_the_root_is_followed) {
  WebTree t;
  // Only where a path ends up counts: through an outside link and back into the root is inside.
  BOOST_TEST(t.Get("/web/js/up/root/app.css").status == 200);
  auto r = t.Get("/web/js/inside.css");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.body == "body{}");
}

BOOST_AUTO_TEST_CASE(a_missing_root_serves_nothing) {
  http::Router router;
  api::StaticRoutes(router, "/nonexistent/cradle-web-root");
  http::Request req;
  req.method = "GET";
  req.target = req.path = "/web/";
  BOOST_TEST(router.Dispatch(req).first.status == 404);
}

BOOST_AUTO_TEST_CASE(the_shipped_pages_are_the_default_root) {
  BOOST_TEST(api::DefaultWebRoot() == std::string(CRADLE_SOURCE_DIR) + "/web");
  http::Router router;
  api::StaticRoutes(router, api::DefaultWebRoot());
  http::Request req;
  req.method = "GET";
  req.target = req.path = "/web/";
  auto r = router.Dispatch(req).first;
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.body.find("<html") != std::string::npos);
  // The real source tree's web/ holds package.json and tests/e2e.mjs: neither is served.
  for (const std::string target : {"/web/package.json", "/web/tests/e2e.mjs"}) {
    http::Request q;
    q.method = "GET";
    q.target = q.path = target;
    BOOST_TEST(router.Dispatch(q).first.status == 404, target);
  }
  for (const std::string target :
       {"/web/js/app.js", "/web/app.css", "/web/sw.js", "/web/manifest.webmanifest"}) {
    http::Request q;
    q.method = "GET";
    q.target = q.path = target;
    BOOST_TEST(router.Dispatch(q).first.status == 200, target);
  }
}

BOOST_AUTO_TEST_CASE(every_static_route_is_in_the_openapi_document) {
  http::Router router;
  api::StaticRoutes(router, "/tmp");
  const auto routes = router.Routes();
  BOOST_TEST(routes.size() == api::StaticRouteTemplates().size());
  const std::string& yaml = api::OpenApiYaml();
  for (const auto& [method, path] : routes) {
    BOOST_TEST(method == "GET");
    BOOST_TEST(yaml.find("\n  " + path + ":\n    get:") != std::string::npos, path);
  }
}

}  // namespace
}  // namespace cradle::testing
