// RenderLabel / RenderPrintRun outputs decoded by real tools: the PNG directly, the PDF via
// pdftoppm, the SVG via rsvg-convert, each QR by zxing-cpp.
#define BOOST_TEST_MODULE labels_render_test
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdio>

#include "server/labels/label.h"
#include "tests/support/qr_decode.h"
#include "tests/unit/labels/labels_fixtures.h"

namespace cradle::labels {
namespace {

using testing::LoadValidTokens;
using testing::SampleContent;
using testing::TempDir;

constexpr LabelSize kSizes[] = {LabelSize::k100, LabelSize::k150, LabelSize::k200};

BOOST_AUTO_TEST_CASE(png_at_each_size_decodes_to_the_token) {
  const auto v = LoadValidTokens().front();
  for (LabelSize size : kSizes) {
    Result<std::string> png = RenderLabel(SampleContent(v), size, LabelFormat::kPng);
    BOOST_REQUIRE_MESSAGE(png.ok(), png.status().ToString());
    BOOST_CHECK_EQUAL(png->substr(1, 3), "PNG");
    auto img = cradle::testing::DecodePngGrey(*png);
    BOOST_REQUIRE(img.ok());
    const int expect = static_cast<int>(std::lround(static_cast<int>(size) * 200 / 25.4));
    BOOST_CHECK_EQUAL(img->width, expect);
    BOOST_CHECK_EQUAL(img->height, expect);
    const auto texts = cradle::testing::DecodeQr(*img);
    BOOST_REQUIRE_EQUAL(texts.size(), 1u);
    BOOST_CHECK_EQUAL(texts[0], v.token);
  }
}

BOOST_AUTO_TEST_CASE(png_dpi_is_honoured_and_bounded) {
  const auto v = LoadValidTokens().front();
  RenderOptions opt;
  opt.png_dpi = 300;
  Result<std::string> png = RenderLabel(SampleContent(v), LabelSize::k100, LabelFormat::kPng, opt);
  BOOST_REQUIRE(png.ok());
  auto img = cradle::testing::DecodePngGrey(*png);
  BOOST_REQUIRE(img.ok());
  BOOST_CHECK_EQUAL(img->width, 1181);
  auto texts = cradle::testing::DecodeQr(*img);
  BOOST_REQUIRE_EQUAL(texts.size(), 1u);
  BOOST_CHECK_EQUAL(texts[0], v.token);

  for (int bad : {0, 71, 1201}) {
    opt.png_dpi = bad;
    Result<std::string> r = RenderLabel(SampleContent(v), LabelSize::k100, LabelFormat::kPng, opt);
    BOOST_REQUIRE(!r.ok());
    BOOST_CHECK_EQUAL(r.status().code(), "INVALID_FIELD");
  }
}

BOOST_AUTO_TEST_CASE(pdf_decodes_via_pdftoppm) {
  TempDir dir;
  const auto v = LoadValidTokens().front();
  for (LabelSize size : kSizes) {
    Result<std::string> pdf = RenderLabel(SampleContent(v), size, LabelFormat::kPdf);
    BOOST_REQUIRE_MESSAGE(pdf.ok(), pdf.status().ToString());
    BOOST_CHECK_EQUAL(pdf->substr(0, 5), "%PDF-");
    const auto path = dir.Path("label.pdf");
    testing::WriteFile(path, *pdf);
    BOOST_CHECK_EQUAL(testing::PdfPages(path), 1);
    std::string info;
    BOOST_REQUIRE_EQUAL(testing::Run("pdfinfo '" + path.string() + "'", &info), 0);
    // Page size in points: size mm * 72 / 25.4.
    const double pt = static_cast<int>(size) * 72 / 25.4;
    const size_t at = info.find("Page size:");
    BOOST_REQUIRE(at != std::string::npos);
    double w = 0, h = 0;
    BOOST_REQUIRE_EQUAL(std::sscanf(info.c_str() + at, "Page size: %lf x %lf", &w, &h), 2);
    BOOST_CHECK_CLOSE(w, pt, 0.01);
    BOOST_CHECK_CLOSE(h, pt, 0.01);
    const auto texts = testing::DecodePdfPage(dir, path, 1);
    BOOST_REQUIRE_EQUAL(texts.size(), 1u);
    BOOST_CHECK_EQUAL(texts[0], v.token);
  }
}

BOOST_AUTO_TEST_CASE(svg_decodes_via_rsvg_convert) {
  TempDir dir;
  const auto v = LoadValidTokens().front();
  for (LabelSize size : kSizes) {
    Result<std::string> svg = RenderLabel(SampleContent(v), size, LabelFormat::kSvg);
    BOOST_REQUIRE_MESSAGE(svg.ok(), svg.status().ToString());
    BOOST_CHECK(svg->find("<svg") != std::string::npos);
    // Text is glyph outlines, so a viewer needs no CJK font.
    BOOST_CHECK(svg->find("<text") == std::string::npos);
    BOOST_CHECK(svg->find("glyph") != std::string::npos);
    const auto in = dir.Path("label.svg");
    const auto out = dir.Path("label.png");
    testing::WriteFile(in, *svg);
    BOOST_REQUIRE_EQUAL(
        testing::Run("rsvg-convert -d 150 -p 150 -o '" + out.string() + "' '" + in.string() + "'"),
        0);
    auto texts = cradle::testing::DecodeQrFromPngFile(out.string());
    BOOST_REQUIRE_MESSAGE(texts.ok(), texts.status().ToString());
    BOOST_REQUIRE_EQUAL(texts->size(), 1u);
    BOOST_CHECK_EQUAL((*texts)[0], v.token);
  }
}

BOOST_AUTO_TEST_CASE(multi_page_pdf_has_one_page_per_label_in_order) {
  TempDir dir;
  const auto vectors = LoadValidTokens();
  std::vector<LabelContent> run;
  for (const auto& v : vectors) run.push_back(SampleContent(v));
  Result<std::string> pdf = RenderPrintRun(run, LabelSize::k100, LabelFormat::kPdf);
  BOOST_REQUIRE_MESSAGE(pdf.ok(), pdf.status().ToString());
  const auto path = dir.Path("run.pdf");
  testing::WriteFile(path, *pdf);
  BOOST_REQUIRE_EQUAL(testing::PdfPages(path), static_cast<int>(run.size()));
  for (size_t k = 0; k < run.size(); ++k) {
    const auto texts = testing::DecodePdfPage(dir, path, static_cast<int>(k) + 1);
    BOOST_REQUIRE_EQUAL(texts.size(), 1u);
    BOOST_CHECK_EQUAL(texts[0], vectors[k].token);
  }
}

BOOST_AUTO_TEST_CASE(print_run_streams_to_a_sink_and_stops_on_its_error) {
  const auto v = LoadValidTokens().front();
  std::vector<LabelContent> run(3, SampleContent(v));
  int calls = 0;
  std::string bytes;
  Status s = StreamPrintRun(run, LabelSize::k100, LabelFormat::kPdf, [&](std::string_view b) {
    ++calls;
    bytes.append(b);
    return Status::Ok();
  });
  BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
  BOOST_CHECK_GT(calls, 1);
  BOOST_CHECK_EQUAL(bytes.substr(0, 5), "%PDF-");

  s = StreamPrintRun(run, LabelSize::k100, LabelFormat::kZpl,
                     [](std::string_view) { return Status("CLIENT_GONE", "peer closed"); });
  BOOST_CHECK_EQUAL(s.code(), "CLIENT_GONE");
  s = StreamPrintRun(run, LabelSize::k100, LabelFormat::kPdf,
                     [](std::string_view) { return Status("CLIENT_GONE", "peer closed"); });
  BOOST_CHECK_EQUAL(s.code(), "CLIENT_GONE");
}

BOOST_AUTO_TEST_CASE(print_run_limits_and_formats) {
  const auto v = LoadValidTokens().front();
  auto code = [](const Result<std::string>& r) { return r.ok() ? "OK" : r.status().code(); };
  BOOST_CHECK_EQUAL(code(RenderPrintRun({}, LabelSize::k100, LabelFormat::kPdf)), "INVALID_FIELD");
  std::vector<LabelContent> too_many(kMaxPrintRun + 1, SampleContent(v));
  BOOST_CHECK_EQUAL(code(RenderPrintRun(too_many, LabelSize::k100, LabelFormat::kZpl)),
                    "INVALID_FIELD");
  BOOST_CHECK_EQUAL(code(RenderPrintRun({SampleContent(v)}, LabelSize::k100, LabelFormat::kPng)),
                    "INVALID_FIELD");
  BOOST_CHECK_EQUAL(
      code(RenderLabel(SampleContent(v), static_cast<LabelSize>(120), LabelFormat::kPng)),
      "INVALID_FIELD");
  // One bad token fails the whole run before any output.
  std::vector<LabelContent> run(2, SampleContent(v));
  run[1].token = "not a token";
  BOOST_CHECK_EQUAL(code(RenderPrintRun(run, LabelSize::k100, LabelFormat::kPdf)), "MALFORMED");
}

BOOST_AUTO_TEST_CASE(format_and_size_parsing) {
  BOOST_CHECK(ParseLabelFormat("png") == LabelFormat::kPng);
  BOOST_CHECK(ParseLabelFormat("zpl") == LabelFormat::kZpl);
  BOOST_CHECK(!ParseLabelFormat("PNG").has_value());
  BOOST_CHECK(!ParseLabelFormat("gif").has_value());
  BOOST_CHECK(ParseLabelSize(150) == LabelSize::k150);
  BOOST_CHECK(!ParseLabelSize(120).has_value());
  BOOST_CHECK_EQUAL(std::string(MimeType(LabelFormat::kPdf)), "application/pdf");
  BOOST_CHECK_EQUAL(std::string(MimeType(LabelFormat::kSvg)), "image/svg+xml");
}

}  // namespace
}  // namespace cradle::labels
