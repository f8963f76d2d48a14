// The one way to declare a JSON route: who may call it, how its input is read from the
// request, which use case runs, and how the result is rendered.
//
//   Route(router, d, "POST", "/api/v1/orgs", Who::SignedIn(), Body(ReadOrg),
//         [](Call& c, store::Org in) { return service::CreateOrg(c.ctx(), c.p(), in); },
//         Json(201, RenderOrg));
//
// A reader turns the request into an Input<T> (the value or the problem to answer); a use case
// returns Result<T> or Status; a renderer turns the value into the Response. The wrapper
// authenticates (401/429), checks the roles (403), maps a failed Status through the error
// table (errors.h) and logs internal details with the request id.
//
// Ownership: handlers keep a reference to `deps`, which must outlive the router.
// Thread safety: handlers are called concurrently; a Call lives for one request.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "server/api/api.h"
#include "server/api/json_io.h"
#include "server/api/render.h"
#include "server/http/problem.h"
#include "server/http/router.h"

namespace cradle::api {

// Who may call a route: anyone (no credentials), any signed-in caller, or listed roles.
class Who {
 public:
  static Who Anyone() { return Who(false, {}); }
  static Who SignedIn() { return Who(true, {}); }
  static Who Roles(std::initializer_list<service::Role> roles) { return Who(true, roles); }

  bool needs_caller() const { return signed_in_; }
  bool Allows(const service::Principal& p) const;
  std::string Describe() const;  // "admin or regulator", for the 403 detail

 private:
  Who(bool signed_in, std::vector<service::Role> roles)
      : signed_in_(signed_in), roles_(std::move(roles)) {}
  bool signed_in_;
  std::vector<service::Role> roles_;  // empty: every role
};

// One request in flight, as handlers see it.
class Call {
 public:
  Call(Deps& d, http::Request& req, const service::Principal* p) : d_(d), req_(req), p_(p) {}

  Deps& deps() const { return d_; }
  const service::Context& ctx() const { return d_.ctx; }
  http::Request& req() const { return req_; }
  const service::Principal& p() const { return *p_; }  // only on routes that need a caller
  int tz() const { return Tz(d_); }
  std::string Param(const std::string& name) const { return req_.Param(name); }
  std::optional<std::string> Query(const std::string& name) const { return req_.Query(name); }

  // The problem for a failed use case (the error table), logging internal details.
  http::Response Fail(const Status& s) const;

 private:
  Deps& d_;
  http::Request& req_;
  const service::Principal* p_;
};

// A reader's result: the input, or the problem (400/404/415/422) to answer instead.
template <class T>
class Input {
 public:
  Input(T value) : v_(std::move(value)) {}                   // NOLINT: implicit by design
  Input(http::Response problem) : v_(std::move(problem)) {}  // NOLINT
  bool ok() const { return v_.index() == 0; }
  T& value() { return std::get<0>(v_); }
  http::Response& problem() { return std::get<1>(v_); }

 private:
  std::variant<T, http::Response> v_;
};

// ---- readers --------------------------------------------------------------------------------

// No input beyond the path (read path parameters in the use case with c.Param()).
inline auto NoInput() {
  return [](Call&) -> Input<std::monostate> { return std::monostate{}; };
}

template <class F>
auto CallReader(const F& fn, FieldReader& r, Call& c) {
  if constexpr (std::is_invocable_v<const F&, FieldReader&, Call&>) {
    return fn(r, c);
  } else {
    return fn(r);
  }
}

// A JSON object body read by `fn(FieldReader&)` or `fn(FieldReader&, Call&)`: 415/400 for a
// body that is not a JSON object, 422 with every field error.
template <class F>
auto Body(F fn) {
  return [fn](Call& c) {
    using T = std::decay_t<decltype(CallReader(fn, std::declval<FieldReader&>(), c))>;
    http::Response problem;
    auto body = ParseJsonObject(c.req(), &problem);
    if (!body) return Input<T>(std::move(problem));
    FieldReader r(*body);
    T value = CallReader(fn, r, c);
    if (!r.ok()) return Input<T>(ValidationProblem(std::move(r.errors())));
    return Input<T>(std::move(value));
  };
}

// ?limit= and ?after= with an opaque text cursor.
Input<Paging> ReadPage(Call& c);

// ?limit= and ?after= where the cursor is a row number from `next` (the one cursor parser).
struct IdPaging {
  int limit = 100;
  int64_t after = 0;
};
Input<IdPaging> ReadIdPage(Call& c);
inline auto Paged() {
  return [](Call& c) { return ReadPage(c); };
}
inline auto PagedById() {
  return [](Call& c) { return ReadIdPage(c); };
}

// A decimal row id of at most 18 digits (cursors and numeric path ids); nullopt otherwise.
std::optional<int64_t> ParseRowId(const std::string& s);

// ---- renderers ------------------------------------------------------------------------------

// JSON with `status`, from `fn(const T&, int tz)` or `fn(const T&)`.
template <class F>
auto Json(int status, F fn) {
  return [status, fn](Call& c, const auto& v) {
    if constexpr (std::is_invocable_v<F, decltype(v), int>) {
      return JsonResponse(status, fn(v, c.tz()));
    } else {
      return JsonResponse(status, fn(v));
    }
  };
}

// A page {"items": [...], "next": ...} of items rendered by `fn(item, tz)` or `fn(item)`.
template <class F>
auto PageOf(F fn) {
  return [fn](Call& c, const auto& page) {
    return JsonResponse(200, RenderPage(page, [&](const auto& item) {
                          if constexpr (std::is_invocable_v<F, decltype(item), int>) {
                            return fn(item, c.tz());
                          } else {
                            return fn(item);
                          }
                        }));
  };
}

// A non-JSON body (labels, CSV, YAML).
http::Response Bytes(int status, std::string content_type, std::string body);

// ---- the route ------------------------------------------------------------------------------

template <class Reader, class UseCase, class Renderer>
void Route(http::Router& router, Deps& d, std::string method, std::string path, Who who,
           Reader read, UseCase run, Renderer render, http::RouteOptions options = {}) {
  router.Add(
      std::move(method), std::move(path),
      [&d, who = std::move(who), read = std::move(read), run = std::move(run),
       render = std::move(render)](http::Request& req) -> http::Response {
        std::optional<service::Principal> p;
        if (who.needs_caller()) {
          http::Response problem;
          p = Authenticate(d, req, &problem);
          if (!p) return problem;
          if (!who.Allows(*p)) {
            return FromStatus(Status("FORBIDDEN", "only " + who.Describe() + " may do this"));
          }
        }
        Call c(d, req, p ? &*p : nullptr);
        auto in = read(c);
        if (!in.ok()) return std::move(in.problem());
        auto out = run(c, std::move(in.value()));
        if constexpr (std::is_same_v<decltype(out), http::Response>) {
          return out;  // a use case that answers itself (rare: content negotiation)
        } else if constexpr (std::is_same_v<decltype(out), Status>) {
          if (!out.ok()) return c.Fail(out);
          return render(c, std::monostate{});
        } else {
          if (!out.ok()) return c.Fail(out.status());
          return render(c, *out);
        }
      },
      options);
}

// The resources' route tables (one file each).
void PartyRoutes(http::Router& router, Deps& d);
void ManifestRoutes(http::Router& router, Deps& d);
void LabelRoutes(http::Router& router, Deps& d);
void ScanRoutes(http::Router& router, Deps& d);
void ReconciliationRoutes(http::Router& router, Deps& d);
void CaseRoutes(http::Router& router, Deps& d);
void OperationsRoutes(http::Router& router, Deps& d);
void MeRoutes(http::Router& router, Deps& d);

}  // namespace cradle::api
