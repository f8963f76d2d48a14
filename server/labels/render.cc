// RenderLabel / RenderPrintRun: the surfaces (SVG, PNG, PDF, ZPL) of the one layout.
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>

#include <cmath>
#include <memory>

#include "server/labels/label.h"
#include "server/labels/layout.h"
#include "server/labels/png.h"
#include "server/labels/zpl.h"

namespace cradle::labels {
namespace {

using internal::DrawLabel;
using internal::DrawOptions;

constexpr double kPointsPerMm = 72.0 / 25.4;

struct SurfaceFree {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct CairoFree {
  void operator()(cairo_t* c) const { cairo_destroy(c); }
};
using SurfacePtr = std::unique_ptr<cairo_surface_t, SurfaceFree>;
using CairoPtr = std::unique_ptr<cairo_t, CairoFree>;

// Forwards cairo's stream writes to a ByteSink; remembers the sink's first error.
struct StreamState {
  const ByteSink* sink;
  Status status;
};

cairo_status_t WriteToSink(void* closure, const unsigned char* data, unsigned int length) {
  auto* st = static_cast<StreamState*>(closure);
  if (!st->status.ok()) return CAIRO_STATUS_WRITE_ERROR;
  st->status = (*st->sink)(std::string_view(reinterpret_cast<const char*>(data), length));
  return st->status.ok() ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

Status CheckSurface(cairo_surface_t* s, const StreamState& st) {
  if (!st.status.ok()) return st.status;
  if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
    return Status("RENDER_FAILED", cairo_status_to_string(cairo_surface_status(s)));
  }
  return Status::Ok();
}

Result<std::string> RenderPng(const LabelContent& c, LabelSize size, const QrMatrix& qr, int dpi) {
  const double mm = static_cast<double>(size);
  const int px = static_cast<int>(std::lround(mm * dpi / 25.4));
  SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, px, px));
  CairoPtr cr(cairo_create(surface.get()));
  const double per_mm = px / mm;
  cairo_scale(cr.get(), per_mm, per_mm);
  DrawOptions opt;
  opt.device_per_mm = per_mm;
  Result<internal::LayoutReport> report = DrawLabel(cr.get(), c, size, qr, opt);
  if (!report.ok()) return report.status();
  cr.reset();
  cairo_surface_flush(surface.get());
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return Status("RENDER_FAILED", "PNG surface failed");
  }
  return internal::EncodePngRgb24(cairo_image_surface_get_data(surface.get()), px, px,
                                  cairo_image_surface_get_stride(surface.get()), dpi);
}

// Draws one label as the current page of a PDF or SVG surface in points.
Status DrawVectorPage(cairo_surface_t* surface, const LabelContent& c, LabelSize size,
                      const QrMatrix& qr) {
  CairoPtr cr(cairo_create(surface));
  cairo_scale(cr.get(), kPointsPerMm, kPointsPerMm);
  Result<internal::LayoutReport> report = DrawLabel(cr.get(), c, size, qr, DrawOptions{});
  if (!report.ok()) return report.status();
  cairo_show_page(cr.get());
  return Status::Ok();
}

Status StreamPdf(const std::vector<LabelContent>& contents, LabelSize size, const ByteSink& sink) {
  // Encode every QR first: a bad token fails the run before any byte is written.
  std::vector<QrMatrix> qrs;
  qrs.reserve(contents.size());
  for (const auto& c : contents) {
    Result<QrMatrix> qr = EncodeQr(c.token);
    if (!qr.ok()) return qr.status();
    qrs.push_back(std::move(qr).value());
  }
  StreamState st{&sink, Status::Ok()};
  const double pt = static_cast<double>(size) * kPointsPerMm;
  SurfacePtr surface(cairo_pdf_surface_create_for_stream(WriteToSink, &st, pt, pt));
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, "危险废物标签");
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "cradle");
  for (size_t i = 0; i < contents.size(); ++i) {
    Status s = DrawVectorPage(surface.get(), contents[i], size, qrs[i]);
    if (!s.ok()) return s;
    s = CheckSurface(surface.get(), st);
    if (!s.ok()) return s;
  }
  cairo_surface_finish(surface.get());
  return CheckSurface(surface.get(), st);
}

Result<std::string> RenderSvg(const LabelContent& c, LabelSize size, const QrMatrix& qr) {
  std::string out;
  ByteSink sink = [&out](std::string_view b) {
    out.append(b);
    return Status::Ok();
  };
  StreamState st{&sink, Status::Ok()};
  const double pt = static_cast<double>(size) * kPointsPerMm;
  SurfacePtr surface(cairo_svg_surface_create_for_stream(WriteToSink, &st, pt, pt));
  Status s = DrawVectorPage(surface.get(), c, size, qr);
  if (!s.ok()) return s;
  cairo_surface_finish(surface.get());
  s = CheckSurface(surface.get(), st);
  if (!s.ok()) return s;
  return out;
}

Status CheckRun(size_t n, LabelFormat format) {
  if (format != LabelFormat::kPdf && format != LabelFormat::kZpl) {
    return Status("INVALID_FIELD", "a print run is PDF or ZPL");
  }
  if (n == 0 || n > kMaxPrintRun) {
    return Status("INVALID_FIELD", "a print run has 1 to 1000 labels");
  }
  return Status::Ok();
}

bool ValidSize(LabelSize size) { return ParseLabelSize(static_cast<int>(size)).has_value(); }

}  // namespace

Result<std::string> RenderLabel(const LabelContent& content, LabelSize size, LabelFormat format,
                                const RenderOptions& options) {
  if (!ValidSize(size)) return Status("INVALID_FIELD", "label size is 100, 150 or 200 mm");
  Result<QrMatrix> qr = EncodeQr(content.token);
  if (!qr.ok()) return qr.status();
  switch (format) {
    case LabelFormat::kPng:
      if (options.png_dpi < 72 || options.png_dpi > 1200) {
        return Status("INVALID_FIELD", "PNG resolution is 72 to 1200 dpi");
      }
      return RenderPng(content, size, *qr, options.png_dpi);
    case LabelFormat::kSvg:
      return RenderSvg(content, size, *qr);
    case LabelFormat::kZpl:
      return internal::RenderZplLabel(content, size, *qr, options.zpl_compress);
    case LabelFormat::kPdf:
      return RenderPrintRun({content}, size, format, options);
  }
  return Status("INVALID_FIELD", "unknown label format");
}

Status StreamPrintRun(const std::vector<LabelContent>& contents, LabelSize size, LabelFormat format,
                      const ByteSink& sink, const RenderOptions& options) {
  if (!ValidSize(size)) return Status("INVALID_FIELD", "label size is 100, 150 or 200 mm");
  Status s = CheckRun(contents.size(), format);
  if (!s.ok()) return s;
  if (format == LabelFormat::kPdf) return StreamPdf(contents, size, sink);
  for (const auto& c : contents) {
    Result<QrMatrix> qr = EncodeQr(c.token);
    if (!qr.ok()) return qr.status();
    Result<std::string> z = internal::RenderZplLabel(c, size, *qr, options.zpl_compress);
    if (!z.ok()) return z.status();
    s = sink(*z);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Result<std::string> RenderPrintRun(const std::vector<LabelContent>& contents, LabelSize size,
                                   LabelFormat format, const RenderOptions& options) {
  std::string out;
  Status s = StreamPrintRun(
      contents, size, format,
      [&out](std::string_view b) {
        out.append(b);
        return Status::Ok();
      },
      options);
  if (!s.ok()) return s;
  return out;
}

const char* MimeType(LabelFormat format) {
  switch (format) {
    case LabelFormat::kSvg:
      return "image/svg+xml";
    case LabelFormat::kPng:
      return "image/png";
    case LabelFormat::kPdf:
      return "application/pdf";
    case LabelFormat::kZpl:
      return "application/x-zpl";
  }
  return "application/octet-stream";
}

std::optional<LabelFormat> ParseLabelFormat(std::string_view ext) {
  if (ext == "svg") return LabelFormat::kSvg;
  if (ext == "png") return LabelFormat::kPng;
  if (ext == "pdf") return LabelFormat::kPdf;
  if (ext == "zpl") return LabelFormat::kZpl;
  return std::nullopt;
}

std::optional<LabelSize> ParseLabelSize(int millimetres) {
  switch (millimetres) {
    case 100:
      return LabelSize::k100;
    case 150:
      return LabelSize::k150;
    case 200:
      return LabelSize::k200;
    default:
      return std::nullopt;
  }
}

}  // namespace cradle::labels
