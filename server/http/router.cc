#include "server/http/router.h"

#include <algorithm>
#include <set>

#include "server/http/problem.h"
#include "server/http/query.h"

namespace cradle::http {
namespace {

// "/a/b" -> {"a","b"}; "/" -> {""}. The leading '/' is dropped; a trailing one yields "".
std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (true) {
    size_t slash = path.find('/');
    out.emplace_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

constexpr int kLiteral = 2, kAffixed = 1, kBare = 0;

}  // namespace

std::vector<Router::Segment> Router::Compile(const std::string& path_template) {
  std::vector<Segment> segments;
  for (std::string& text : SplitPath(path_template)) {
    Segment seg;
    size_t open = text.find('{');
    size_t close = text.find('}', open == std::string::npos ? 0 : open);
    if (open != std::string::npos && close != std::string::npos && close > open + 1) {
      seg.is_param = true;
      seg.prefix = text.substr(0, open);
      seg.name = text.substr(open + 1, close - open - 1);
      seg.suffix = text.substr(close + 1);
    } else {
      seg.prefix = std::move(text);
    }
    segments.push_back(std::move(seg));
  }
  return segments;
}

void Router::Add(std::string method, std::string path_template, Handler handler,
                 RouteOptions options) {
  for (Route& r : routes_) {
    if (r.method == method && r.path_template == path_template) {
      r.handler = std::move(handler);
      r.options = options;
      return;
    }
  }
  Route route;
  route.segments = Compile(path_template);
  route.method = std::move(method);
  route.path_template = std::move(path_template);
  route.handler = std::move(handler);
  route.options = options;
  routes_.push_back(std::move(route));
}

bool Router::Match(const Route& route, const std::vector<std::string>& segments,
                   std::map<std::string, std::string>* params, std::vector<int>* specificity) {
  if (route.segments.size() != segments.size()) return false;
  params->clear();
  specificity->clear();
  for (size_t i = 0; i < segments.size(); ++i) {
    const Segment& seg = route.segments[i];
    const std::string& text = segments[i];
    if (!seg.is_param) {
      if (text != seg.prefix) return false;
      specificity->push_back(kLiteral);
      continue;
    }
    size_t affix = seg.prefix.size() + seg.suffix.size();
    if (text.size() <= affix || !text.starts_with(seg.prefix) || !text.ends_with(seg.suffix)) {
      return false;
    }
    (*params)[seg.name] = text.substr(seg.prefix.size(), text.size() - affix);
    specificity->push_back(affix > 0 ? kAffixed : kBare);
  }
  return true;
}

RouteMatch Router::Find(Request& req) const {
  RouteMatch result;
  std::string_view raw_path = req.path;
  std::string_view query;
  if (!req.target.empty()) SplitTarget(req.target, &raw_path, &query);

  std::vector<std::string> segments = SplitPath(raw_path);
  for (std::string& s : segments) {
    auto decoded = PercentDecode(s, /*plus_as_space=*/false);
    if (!decoded) {
      result.route = "unmatched";
      result.error = Problem(400, "MALFORMED", "The request path has a malformed escape.");
      return result;
    }
    s = std::move(*decoded);
  }

  const Route* best = nullptr;       // best route for this method
  const Route* best_path = nullptr;  // best route for this path, any method (for 405)
  std::vector<int> best_spec, best_path_spec, spec;
  std::map<std::string, std::string> best_params, params;
  std::set<std::string> allowed;
  for (const Route& route : routes_) {
    if (!Match(route, segments, &params, &spec)) continue;
    allowed.insert(route.method);
    if (!best_path || spec > best_path_spec) {
      best_path = &route;
      best_path_spec = spec;
    }
    // HEAD is GET without the body (RFC 9110 9.3.2): a GET route answers it unless the path
    // has a HEAD route of its own, which then wins.
    const bool exact = route.method == req.method;
    const bool as_get = req.method == "HEAD" && route.method == "GET";
    if ((exact || as_get) &&
        (!best || spec > best_spec || (spec == best_spec && exact && best->method != req.method))) {
      best = &route;
      best_spec = spec;
      best_params = params;
    }
  }

  if (best) {
    req.params = std::move(best_params);
    req.route = best->path_template;
    result.handler = &best->handler;
    result.options = best->options;
    result.route = best->path_template;
    return result;
  }
  if (best_path) {
    if (allowed.count("GET")) allowed.insert("HEAD");
    std::string allow;
    for (const std::string& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
    result.route = best_path->path_template;
    result.error = Problem(405, "METHOD_NOT_ALLOWED",
                           req.method + " is not allowed here; allowed: " + allow + ".");
    result.error->Header("Allow", allow);
    return result;
  }
  result.route = "unmatched";
  result.error = Problem(404, "NOT_FOUND", "No resource at this path.");
  return result;
}

std::pair<Response, std::string> Router::Dispatch(Request& req) const {
  RouteMatch match = Find(req);
  if (match.error) return {std::move(*match.error), std::move(match.route)};
  return {(*match.handler)(req), std::move(match.route)};
}

std::vector<std::pair<std::string, std::string>> Router::Routes() const {
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(routes_.size());
  for (const Route& r : routes_) out.emplace_back(r.method, r.path_template);
  return out;
}

}  // namespace cradle::http
