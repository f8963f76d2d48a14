// Static files for the web pages. See static_routes.h for the path rules.
#include "server/api/static_routes.h"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>

#include "server/http/problem.h"

namespace cradle::api {
namespace {

// Files the pages need are small; refusing big ones keeps a stray file from tying up memory.
constexpr off_t kMaxFileBytes = 16 << 20;

http::Response NotFound() { return http::Problem(404, "NOT_FOUND", "No such page."); }

http::Response Redirect(const std::string& location) {
  http::Response r;
  r.status = 302;
  r.content_type = "text/plain; charset=utf-8";
  r.body = "See " + location + "\n";
  r.Header("Location", location);
  return r;
}

// One decoded path segment that may name a file: not empty, not "." or "..", no separators or
// control characters (an encoded "%2F" or "%00" arrives here decoded, and stops here).
bool IsPlainSegment(const std::string& s) {
  if (s.empty() || s == "." || s == "..") return false;
  return std::none_of(s.begin(), s.end(), [](unsigned char c) {
    return c == '/' || c == '\\' || c < 0x20 || c == 0x7f;
  });
}

std::optional<std::string> RealPath(const std::string& path) {
  char buf[PATH_MAX];
  if (::realpath(path.c_str(), buf) == nullptr) return std::nullopt;
  return std::string(buf);
}

// The web root is the source tree's web/ folder in development, which also holds package.json,
// tests/, tools/ and node_modules/: only these top-level entries are pages, everything else is
// not found (issue 11, item 9).
bool IsServedTopLevel(const std::string& first) {
  static const char* const kServed[] = {
      "index.html", "app.css", "favicon.svg", "manifest.webmanifest",
      "sw.js",      "js",      "icons",       "vendor"};
  for (const char* name : kServed)
    if (first == name) return true;
  return false;
}

bool IsInside(const std::string& real_root, const std::string& real_path) {
  return real_path == real_root ||
         (real_path.size() > real_root.size() && real_path.starts_with(real_root) &&
          real_path[real_root.size()] == '/');
}

// Reads a regular file whole; nullopt on any error (treated as not found).
std::optional<std::string> ReadRegularFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return std::nullopt;
  struct stat st {};
  std::optional<std::string> out;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= kMaxFileBytes) {
    std::string body(static_cast<size_t>(st.st_size), '\0');
    size_t done = 0;
    while (done < body.size()) {
      const ssize_t n = ::read(fd, body.data() + done, body.size() - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    if (done == body.size()) out = std::move(body);
  }
  ::close(fd);
  return out;
}

std::string Extension(std::string_view name) {
  const size_t slash = name.rfind('/');
  const size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) return "";
  std::string ext(name.substr(dot + 1));
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

// "app.3f9a1c2e.js": a segment of 8 or more hex digits between dots marks a content hash.
bool HasContentHash(std::string_view name) {
  size_t start = 0;
  while (true) {
    const size_t dot = name.find('.', start);
    if (dot == std::string_view::npos) return false;
    const size_t next = name.find('.', dot + 1);
    if (next == std::string_view::npos) return false;
    const std::string_view part = name.substr(dot + 1, next - dot - 1);
    if (part.size() >= 8 &&
        std::all_of(part.begin(), part.end(), [](unsigned char c) { return std::isxdigit(c); }))
      return true;
    start = dot + 1;
  }
}

http::Response FileResponse(std::string body, const std::string& relative) {
  http::Response r;
  r.status = 200;
  r.content_type = StaticContentType(relative);
  r.body = std::move(body);
  r.Header("Cache-Control", StaticCacheControl(relative));
  r.Header("X-Content-Type-Options", "nosniff");
  if (Extension(relative) == "html") {
    // The pages load only their own modules; the wasm decoder needs wasm compilation.
    r.Header("Content-Security-Policy",
             "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
             "img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self' blob:; "
             "object-src 'none'; base-uri 'self'; frame-ancestors 'none'");
    r.Header("Referrer-Policy", "no-referrer");
  }
  return r;
}

http::Handler FileHandler(const std::string& web_root, int depth, bool trailing_slash) {
  return [web_root, depth, trailing_slash](http::Request& req) {
    std::vector<std::string> segments;
    for (int i = 0; i < depth; ++i) segments.push_back(req.Param("p" + std::to_string(i)));
    if (trailing_slash) segments.emplace_back();
    return ServeStatic(web_root, segments, req.path);
  };
}

std::string Template(int depth, bool trailing_slash) {
  std::string t = "/web";
  for (int i = 0; i < depth; ++i) t += "/{p" + std::to_string(i) + "}";
  if (trailing_slash || depth == 0) t += "/";
  return t;
}

}  // namespace

std::string StaticContentType(std::string_view file_name) {
  static const std::map<std::string, std::string> kTypes = {
      {"html", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"ico", "image/x-icon"},
      {"json", "application/json; charset=utf-8"},
      {"webmanifest", "application/manifest+json"},
      {"wasm", "application/wasm"},
      {"woff2", "font/woff2"},
      {"txt", "text/plain; charset=utf-8"},
  };
  auto it = kTypes.find(Extension(file_name));
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

std::string StaticCacheControl(std::string_view relative_path) {
  if (Extension(relative_path) == "html") return "no-cache";
  const size_t slash = relative_path.rfind('/');
  const std::string_view name =
      slash == std::string_view::npos ? relative_path : relative_path.substr(slash + 1);
  if (relative_path.starts_with("vendor/") || HasContentHash(name))
    return "public, max-age=31536000, immutable";
  return "no-cache";
}

http::Response ServeStatic(const std::string& web_root, const std::vector<std::string>& segments,
                           const std::string& request_path) {
  const bool wants_directory = !segments.empty() && segments.back().empty();
  const size_t names = segments.size() - (wants_directory ? 1 : 0);
  std::string relative;
  for (size_t i = 0; i < names; ++i) {
    if (!IsPlainSegment(segments[i])) return NotFound();
    relative += (relative.empty() ? "" : "/") + segments[i];
  }
  if (names > 0 && !IsServedTopLevel(segments[0])) return NotFound();
  const auto real_root = RealPath(web_root);
  if (!real_root) return NotFound();
  const auto real = RealPath(*real_root + "/" + relative);
  if (!real || !IsInside(*real_root, *real)) return NotFound();

  struct stat st {};
  if (::stat(real->c_str(), &st) != 0) return NotFound();
  if (S_ISDIR(st.st_mode)) {
    if (!wants_directory) return Redirect(request_path + "/");
    const std::string index_relative = relative.empty() ? "index.html" : relative + "/index.html";
    const auto index = RealPath(*real + "/index.html");
    if (!index || !IsInside(*real_root, *index)) return NotFound();
    auto body = ReadRegularFile(*index);
    if (!body) return NotFound();
    return FileResponse(std::move(*body), index_relative);
  }
  if (wants_directory) return NotFound();
  auto body = ReadRegularFile(*real);
  if (!body) return NotFound();
  return FileResponse(std::move(*body), relative);
}

std::string DefaultWebRoot() { return CRADLE_WEB_ROOT; }

std::vector<std::string> StaticRouteTemplates() {
  std::vector<std::string> out = {"/", "/web"};
  for (int depth = 0; depth <= kStaticMaxDepth; ++depth) {
    if (depth > 0) out.push_back(Template(depth, false));
    if (depth < kStaticMaxDepth) out.push_back(Template(depth, true));
  }
  return out;
}

void StaticRoutes(http::Router& router, const std::string& web_root) {
  router.Add("GET", "/", [](http::Request&) { return Redirect("/web/"); });
  router.Add("GET", "/web", [](http::Request&) { return Redirect("/web/"); });
  for (int depth = 0; depth <= kStaticMaxDepth; ++depth) {
    if (depth > 0) router.Add("GET", Template(depth, false), FileHandler(web_root, depth, false));
    if (depth < kStaticMaxDepth)
      router.Add("GET", Template(depth, true), FileHandler(web_root, depth, true));
  }
}

}  // namespace cradle::api
