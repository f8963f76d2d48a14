// Labels: one manifest's label (.svg .png .pdf .zpl) and print runs of many.
#include "server/api/requests.h"
#include "server/api/route.h"
#include "server/labels/label.h"
#include "server/service/label_service.h"

namespace cradle::api {
namespace {

struct LabelRequest {
  labels::LabelFormat format;
  labels::LabelSize size;
  std::string format_name;  // the metrics label
  std::vector<std::string> ids;
};

Input<LabelRequest> ReadOneLabel(Call& c) {
  auto format = labels::ParseLabelFormat(c.Param("format"));
  if (!format) {
    return http::Problem(404, "NOT_FOUND", "Not Found", "labels come as .svg, .png, .pdf or .zpl");
  }
  int size_mm = 100;
  if (auto s = c.Query("size")) {
    size_mm = (*s == "100") ? 100 : (*s == "150") ? 150 : (*s == "200") ? 200 : 0;
  }
  auto size = labels::ParseLabelSize(size_mm);
  if (!size) return ValidationProblem({{"size", "INVALID_SIZE", "100, 150 or 200"}});
  return LabelRequest{*format, *size, c.Param("format"), {c.Param("id")}};
}

LabelRequest ReadRun(FieldReader& r) {
  LabelRunInput in = ReadLabelRun(r);
  if (!r.ok()) return LabelRequest{};
  return LabelRequest{*labels::ParseLabelFormat(in.format), *labels::ParseLabelSize(in.size),
                      in.format, std::move(in.ids)};
}

// Counts what was rendered and answers the bytes.
http::Response RenderLabels(Call& c, const std::pair<LabelRequest, std::string>& out) {
  c.deps()
      .metrics
      .GetCounter("cradle_labels_rendered_total", "Labels rendered.",
                  {{"format", out.first.format_name}})
      .Inc(out.first.ids.size());
  return Bytes(200, labels::MimeType(out.first.format), out.second);
}

// Counts the run and answers it as a stream; a render failure is logged with the request id.
http::Response StreamLabels(Call& c, const std::pair<LabelRequest, service::LabelRunStream>& out) {
  c.deps()
      .metrics
      .GetCounter("cradle_labels_rendered_total", "Labels rendered.",
                  {{"format", out.first.format_name}})
      .Inc(out.first.ids.size());
  http::Response r;
  r.status = 200;
  r.content_type = labels::MimeType(out.first.format);
  auto run = out.second;
  auto log = c.deps().log_error;
  const std::string request_id = c.req().request_id;
  r.stream = [run, log, request_id](const http::Response::ChunkSink& sink) {
    Status s = run.write([&sink](std::string_view bytes) {
      return sink(bytes) ? Status::Ok() : Status("IO_ERROR", "the client went away");
    });
    if (!s.ok() && log) log("request " + request_id + ": print run stopped: " + s.ToString());
    return s.ok();
  };
  return r;
}

}  // namespace

void LabelRoutes(http::Router& r, Deps& d) {
  using Rendered = Result<std::pair<LabelRequest, std::string>>;
  Route(
      r, d, "GET", "/api/v1/manifests/{id}/label.{format}", Who::SignedIn(), ReadOneLabel,
      [](Call& c, LabelRequest in) -> Rendered {
        auto bytes =
            service::RenderManifestLabel(c.ctx(), c.p(), in.ids.front(), in.size, in.format);
        if (!bytes.ok()) return bytes.status();
        return std::make_pair(std::move(in), std::move(*bytes));
      },
      RenderLabels);
  // A print run is streamed (chunked) as it renders: checks and the read happen first, so bad
  // input still gets its problem+json; a failure mid-run truncates the body (never a short 200).
  using Opened = Result<std::pair<LabelRequest, service::LabelRunStream>>;
  Route(
      r, d, "POST", "/api/v1/labels", Who::SignedIn(), Body(ReadRun),
      [](Call& c, LabelRequest in) -> Opened {
        auto run = service::OpenLabelRun(c.ctx(), c.p(), in.ids, in.size, in.format);
        if (!run.ok()) return run.status();
        return std::make_pair(std::move(in), std::move(*run));
      },
      StreamLabels);
}

}  // namespace cradle::api
