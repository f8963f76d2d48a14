// Maps (method, path) to a handler, filling Request::params from the route template.
//
// Templates are '/'-separated segments; a segment is a literal ("manifests"), a parameter
// ("{id}": exactly one non-empty segment), or a parameter with a literal prefix and/or suffix
// ("label.{format}" matches "label.svg" with format = "svg"). When several routes match, the
// most specific wins, segment by segment: literal > affixed parameter > bare parameter.
// Parameter values are percent-decoded from the raw path, so "%2F" inside an id never splits
// a segment.
//
// Unmatched path: 404 problem (NOT_FOUND). Path matched but not the method: 405 problem
// (METHOD_NOT_ALLOWED) with an `Allow` header. HEAD is answered by the GET route (the server
// sends its head without the body) unless a HEAD route is registered for the path.
//
// Lifetime/threads: build the Router fully (Add) before serving; afterwards it is read-only
// and Find/Dispatch are safe from any number of threads. Handlers must be thread-safe.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "server/http/message.h"

namespace cradle::http {

using Handler = std::function<Response(Request&)>;

struct RouteOptions {
  bool rate_limited = false;  // the server applies its per-IP token bucket (429 when empty)
};

// What Find() resolved for a request.
struct RouteMatch {
  const Handler* handler = nullptr;  // null when `error` is set
  RouteOptions options;
  // The template ("/api/v1/manifests/{id}") for logs and metrics; "unmatched" for a 404.
  std::string route;
  std::optional<Response> error;  // a 404/405/400 problem to send instead of calling a handler
};

class Router {
 public:
  // Registers `handler` for `method` (upper case) on `path_template`. Adding the same
  // (method, template) twice replaces the handler.
  void Add(std::string method, std::string path_template, Handler handler,
           RouteOptions options = {});

  // Resolves the route and fills req.params and req.route; does not call the handler. Matches on
  // the raw path of req.target when set, else on req.path.
  RouteMatch Find(Request& req) const;

  // Find() and then call the handler. Returns the response and the route template. Exceptions
  // from the handler propagate (the server turns them into a 500).
  std::pair<Response, std::string> Dispatch(Request& req) const;

  // Every registered (method, template) pair, in registration order.
  std::vector<std::pair<std::string, std::string>> Routes() const;

 private:
  struct Segment {
    std::string prefix;  // literal text (the whole segment when !is_param)
    std::string suffix;
    std::string name;  // parameter name
    bool is_param = false;
  };
  struct Route {
    std::string method;
    std::string path_template;
    std::vector<Segment> segments;
    Handler handler;
    RouteOptions options;
  };

  static std::vector<Segment> Compile(const std::string& path_template);
  static bool Match(const Route& route, const std::vector<std::string>& raw_segments,
                    std::map<std::string, std::string>* params, std::vector<int>* specificity);

  std::vector<Route> routes_;
};

}  // namespace cradle::http
