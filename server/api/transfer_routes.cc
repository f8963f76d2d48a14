// Transfers: draft, edit, submit, sign, cancel, receipt, return trips, revisions and their
// answers, the list, one transfer and its printed manifest.
#include "server/api/transfer_routes.h"

#include "core/civil_time.h"
#include "core/transfer_number.h"
#include "core/transfer_state.h"
#include "server/api/route.h"
#include "server/api/transfer_requests.h"
#include "server/service/transfer_document.h"
#include "server/service/transfers.h"

namespace cradle::api {
namespace {

namespace json = boost::json;

// route.h's Body() for readers that also need the object (arrays of objects, which FieldReader
// does not read): `fn(FieldReader&, const json::object&)`. With `empty_is_object` an empty body
// stands for {} (actions whose fields are all optional may be posted bare).
template <class F>
auto JsonBody(F fn, bool empty_is_object = false) {
  return [fn, empty_is_object](Call& c) {
    using T = std::decay_t<decltype(fn(std::declval<FieldReader&>(), json::object()))>;
    json::object body;
    if (!empty_is_object || !c.req().body.empty()) {
      http::Response problem;
      auto parsed = ParseJsonObject(c.req(), &problem);
      if (!parsed) return Input<T>(std::move(problem));
      body = std::move(*parsed);
    }
    FieldReader r(body);
    T value = fn(r, body);
    if (!r.ok()) return Input<T>(ValidationProblem(std::move(r.errors())));
    return Input<T>(std::move(value));
  };
}

// `read`, after checking that the path names a transfer at all: a malformed number is 404
// before its body is looked at, as for an unknown one.
template <class Reader>
auto OnTransfer(Reader read) {
  return [read](Call& c) -> decltype(read(c)) {
    const std::string id = c.Param("id");
    if (!IsTransferNumber(id)) {
      return http::Problem(404, "NOT_FOUND", "Not Found", "no transfer " + id);
    }
    return read(c);
  };
}

// The same for a revision's row id, read back by the use case with RevisionId().
template <class Reader>
auto OnRevision(Reader read) {
  return [read](Call& c) -> decltype(read(c)) {
    if (!ParseRowId(c.Param("id"))) {
      return http::Problem(404, "NOT_FOUND", "Not Found", "no revision " + c.Param("id"));
    }
    return read(c);
  };
}
int64_t RevisionId(const Call& c) { return *ParseRowId(c.Param("id")); }

struct ListInput {
  Paging paging;
  service::TransferQuery query;
};

Input<ListInput> ReadList(Call& c) {
  auto paging = ReadPage(c);
  if (!paging.ok()) return std::move(paging.problem());
  ListInput in{paging.value(), {}};
  in.query.status = c.Query("status");
  in.query.party = c.Query("party");
  in.query.month = c.Query("month");
  if (auto o = c.Query("overdue")) {
    if (*o != "true" && *o != "false") {
      return ValidationProblem({{"overdue", "WRONG_TYPE", "true or false"}});
    }
    in.query.overdue = *o == "true";
  }
  if (in.query.month && !ParseMonthKey(*in.query.month).ok()) {
    return ValidationProblem({{"month", "INVALID_DATE", "YYYY-MM"}});
  }
  if (in.query.status && !ParseTransferStatus(*in.query.status)) {
    return ValidationProblem({{"status", "INVALID_STATUS", "a transfer status"}});
  }
  return in;
}

http::Response RenderPdf(Call& c, const std::string& pdf) {
  http::Response out = Bytes(200, "application/pdf", pdf);
  out.Header("Content-Disposition", "inline; filename=\"" + c.Param("id") + ".pdf\"");
  return out;
}

}  // namespace

void TransferRoutes(http::Router& r, Deps& d) {
  const Who any = Who::SignedIn();
  const std::string t = "/api/v1/transfers";
  Route(
      r, d, "POST", t, any, JsonBody(ReadCreateTransfer),
      [](Call& c, service::CreateTransferInput in) {
        return service::CreateTransfer(c.ctx(), c.p(), in);
      },
      Json(201, RenderTransfer));
  Route(
      r, d, "GET", t, any, ReadList,
      [](Call& c, ListInput in) {
        return service::ListTransfers(c.ctx(), c.p(), in.query, in.paging.after, in.paging.limit);
      },
      PageOf(RenderTransferSummary));
  Route(
      r, d, "GET", t + "/{id}", any, OnTransfer(NoInput()),
      [](Call& c, auto) { return service::GetTransfer(c.ctx(), c.p(), c.Param("id")); },
      Json(200, RenderTransfer));
  Route(
      r, d, "GET", t + "/{id}.pdf", any, OnTransfer(NoInput()),
      [](Call& c, auto) { return service::RenderTransferDocument(c.ctx(), c.p(), c.Param("id")); },
      RenderPdf);
  Route(
      r, d, "POST", t + "/{id}/containers", any, OnTransfer(JsonBody(ReadContainerEdit)),
      [](Call& c, ContainerEdit in) {
        return service::EditTransferContainers(c.ctx(), c.p(), c.Param("id"), in.add, in.remove);
      },
      Json(200, RenderTransfer));
  Route(
      r, d, "POST", t + "/{id}/submit", any, OnTransfer(JsonBody(ReadNoFields, true)),
      [](Call& c, NoFields) { return service::SubmitTransfer(c.ctx(), c.p(), c.Param("id")); },
      Json(200, RenderTransfer));
  Route(
      r, d, "POST", t + "/{id}/sign", any, OnTransfer(JsonBody(ReadNoFields, true)),
      [](Call& c, NoFields) { return service::SignTransfer(c.ctx(), c.p(), c.Param("id")); },
      Json(200, RenderTransfer));
  Route(
      r, d, "POST", t + "/{id}/cancel", any, OnTransfer(JsonBody(ReadCancel)),
      [](Call& c, std::string reason) {
        return service::CancelTransfer(c.ctx(), c.p(), c.Param("id"), reason);
      },
      Json(200, RenderTransfer));
  Route(
      r, d, "POST", t + "/{id}/receipt", any, OnTransfer(JsonBody(ReadReceipt, true)),
      [](Call& c, service::ReceiptInput in) {
        return service::ConfirmReceipt(c.ctx(), c.p(), c.Param("id"), in);
      },
      Json(200, RenderTransfer));
  Route(
      r, d, "POST", t + "/{id}/return", any, OnTransfer(JsonBody(ReadReturn)),
      [](Call& c, std::string to) {
        return service::ReturnTransfer(c.ctx(), c.p(), c.Param("id"), to);
      },
      Json(201, RenderTransfer));
  Route(
      r, d, "POST", t + "/{id}/revisions", any, OnTransfer(JsonBody(ReadRevisionProposal)),
      [](Call& c, RevisionProposal in) {
        return service::ProposeRevision(c.ctx(), c.p(), c.Param("id"), in.changes, in.reason);
      },
      Json(201, RenderRevision));
  for (const bool approve : {true, false}) {
    Route(
        r, d, "POST", approve ? "/api/v1/revisions/{id}/approve" : "/api/v1/revisions/{id}/refuse",
        any, OnRevision(JsonBody(ReadRevisionAnswer, true)),
        [approve](Call& c, std::string note) {
          return service::AnswerRevision(c.ctx(), c.p(), RevisionId(c), approve, note);
        },
        Json(200, RenderRevision));
  }
}

}  // namespace cradle::api
