// The layout: Chinese really renders (no unknown glyphs, ink where the text is), every text
// stays in its cell and inside the border at every size, and hostile values change nothing.
#define BOOST_TEST_MODULE labels_text_test
#include <cairo.h>

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <memory>
#include <set>

#include "server/labels/label.h"
#include "server/labels/layout.h"
#include "server/labels/text.h"
#include "tests/support/qr_decode.h"
#include "tests/unit/labels/labels_fixtures.h"

namespace cradle::labels {
namespace {

using internal::DrawLabel;
using internal::LayoutReport;
using testing::LoadValidTokens;
using testing::SampleContent;

constexpr LabelSize kSizes[] = {LabelSize::k100, LabelSize::k150, LabelSize::k200};
constexpr double kEps = 1e-3;  // mm

// Lays out `c` on a real image surface at 8 px/mm and returns the report.
LayoutReport Layout(const LabelContent& c, LabelSize size) {
  const int px = static_cast<int>(size) * 8;
  std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> s(
      cairo_image_surface_create(CAIRO_FORMAT_RGB24, px, px), &cairo_surface_destroy);
  std::unique_ptr<cairo_t, decltype(&cairo_destroy)> cr(cairo_create(s.get()), &cairo_destroy);
  cairo_scale(cr.get(), 8, 8);
  Result<QrMatrix> qr = EncodeQr(c.token);
  BOOST_REQUIRE(qr.ok());
  internal::DrawOptions opt;
  opt.device_per_mm = 8;
  Result<LayoutReport> r = DrawLabel(cr.get(), c, size, *qr, opt);
  BOOST_REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return *r;
}

bool Inside(const internal::Rect& in, const internal::Rect& out) {
  return in.x >= out.x - kEps && in.y >= out.y - kEps && in.Right() <= out.Right() + kEps &&
         in.Bottom() <= out.Bottom() + kEps;
}

void CheckContained(const LayoutReport& r) {
  BOOST_CHECK(Inside(r.qr_zone, r.border_inner));
  for (const auto& b : r.boxes) {
    BOOST_CHECK_MESSAGE(Inside(b.logical, b.allotted), b.name << " overflows its cell");
    BOOST_CHECK_MESSAGE(Inside(b.allotted, r.border_inner), b.name << " crosses the border");
  }
}

BOOST_AUTO_TEST_CASE(every_caption_is_drawn_with_known_glyphs_at_legal_height) {
  const auto v = LoadValidTokens().front();
  for (LabelSize size : kSizes) {
    const LayoutReport r = Layout(SampleContent(v), size);
    BOOST_CHECK_EQUAL(r.unknown_glyphs, 0);
    std::set<std::string> names;
    for (const auto& b : r.boxes) {
      names.insert(b.name);
      BOOST_CHECK_EQUAL(b.unknown_glyphs, 0);
      BOOST_CHECK_GE(b.font_mm, r.min_text_mm);
      BOOST_CHECK_GT(b.logical.w, 0);
    }
    for (const char* caption :
         {"title", "废物名称", "废物类别", "废物代码", "废物形态", "危险特性", "主要成分",
          "有害成分", "注意事项", "产生/收集单位", "联系人和联系方式", "产生日期", "废物重量",
          "备注", "数字识别码", "digital_id"}) {
      BOOST_CHECK_MESSAGE(names.count(caption) == 1, "missing " << caption);
    }
    CheckContained(r);
    // HJ 1276: border >= 1 mm with >= 3 mm blank outside it.
    BOOST_CHECK_GE(r.border_inner.x, 4.0 - kEps);
    // The 37-character code in clear, whole, on two lines.
    for (const auto& b : r.boxes) {
      if (b.name != "digital_id") continue;
      BOOST_CHECK_EQUAL(b.lines, 2);
      BOOST_CHECK(!b.ellipsized);
    }
    // The QR under the HJ sizes stays scannable: module >= 0.5 mm.
    BOOST_CHECK_GE(r.qr_module_mm, 0.5);
  }
}

// The check above can fail: text the font cannot draw is counted.
BOOST_AUTO_TEST_CASE(unknown_glyph_count_detects_missing_characters) {
  auto c = SampleContent(LoadValidTokens().front());
  c.remarks = "\xF0\x9F\x98\x80 \xF0\x9F\x92\xA9";  // emoji: no installed font has them
  const LayoutReport r = Layout(c, LabelSize::k100);
  BOOST_CHECK_GT(r.unknown_glyphs, 0);
  CheckContained(r);
}

BOOST_AUTO_TEST_CASE(rasterised_text_has_ink_where_the_layout_put_it) {
  const auto v = LoadValidTokens().front();
  auto full = SampleContent(v);
  auto blank = full;
  blank.waste_name.clear();
  const LayoutReport r = Layout(full, LabelSize::k100);
  Result<std::string> png_full = RenderLabel(full, LabelSize::k100, LabelFormat::kPng);
  Result<std::string> png_blank = RenderLabel(blank, LabelSize::k100, LabelFormat::kPng);
  BOOST_REQUIRE(png_full.ok() && png_blank.ok());
  auto a = cradle::testing::DecodePngGrey(*png_full);
  auto b = cradle::testing::DecodePngGrey(*png_blank);
  BOOST_REQUIRE(a.ok() && b.ok());
  const double px_per_mm = a->width / 100.0;
  for (const auto& box : r.boxes) {
    if (box.name != "废物名称" && box.name != "title" && box.name != "digital_id") continue;
    const int x = static_cast<int>(box.logical.x * px_per_mm);
    const int y = static_cast<int>(box.logical.y * px_per_mm);
    const int w = static_cast<int>(box.logical.w * px_per_mm);
    const int h = static_cast<int>(box.logical.h * px_per_mm);
    const double ink_a = testing::InkFraction(*a, x, y, w, h);
    BOOST_CHECK_MESSAGE(ink_a > 0.08, box.name << " has ink " << ink_a);
    if (box.name == "废物名称") {
      // The value's glyphs are real ink: without it the cell is much emptier.
      BOOST_CHECK_LT(testing::InkFraction(*b, x, y, w, h), ink_a * 0.6);
    }
  }
  // Nothing drawn in the 3 mm blank margin except the orange ground (not dark).
  BOOST_CHECK_EQUAL(testing::InkFraction(*a, 0, 0, a->width, static_cast<int>(2.9 * px_per_mm)),
                    0.0);
}

LabelContent Hostile() {
  auto c = SampleContent(LoadValidTokens().front());
  std::string very_long;
  for (int i = 0; i < 600; ++i) very_long += "超长废物名称";
  c.waste_name = very_long;
  c.category = "^XZ^XA^FO0,0^FDx^FS";
  c.hazards = "\xF0\x9F\x98\x80\xE2\x80\x8D\xF0\x9F\x94\xA5 emoji";
  c.components = "bad \xFF\xFE\xC3 utf8 \xE4\xB8";
  c.precautions = std::string("line1\nline2\r\n\ttab\0nul\0", 22) +
                  "\xE2\x80\xAE"
                  "rtl";
  c.producer_name = std::string(5000, 'W');
  c.contact = "<b>markup</b> &amp; <span size='999999'>x</span>";
  c.remarks = very_long;
  c.digital_id = std::string(300, '9');
  return c;
}

BOOST_AUTO_TEST_CASE(hostile_values_never_break_the_layout) {
  const LabelContent c = Hostile();
  for (LabelSize size : kSizes) {
    const LayoutReport r = Layout(c, size);
    CheckContained(r);
    bool name_ellipsized = false;
    for (const auto& b : r.boxes) {
      if (b.name == "废物名称") name_ellipsized = b.ellipsized;
      if (b.name == "联系人和联系方式") BOOST_CHECK_LT(b.logical.h, 3 * b.font_mm);  // no markup
    }
    BOOST_CHECK(name_ellipsized);
  }
  // Every output still renders and the QR still decodes.
  Result<std::string> png = RenderLabel(c, LabelSize::k100, LabelFormat::kPng);
  BOOST_REQUIRE_MESSAGE(png.ok(), png.status().ToString());
  auto texts = cradle::testing::DecodeQrFromPng(*png);
  BOOST_REQUIRE(texts.ok());
  BOOST_REQUIRE_EQUAL(texts->size(), 1u);
  BOOST_CHECK_EQUAL((*texts)[0], c.token);
  for (LabelFormat f : {LabelFormat::kSvg, LabelFormat::kPdf, LabelFormat::kZpl}) {
    Result<std::string> out = RenderLabel(c, LabelSize::k150, f);
    BOOST_CHECK_MESSAGE(out.ok(), out.status().ToString());
  }
}

BOOST_AUTO_TEST_CASE(sanitiser_keeps_plain_valid_text) {
  using internal::SanitizeText;
  BOOST_CHECK_EQUAL(SanitizeText("  生活垃圾\n焚烧\t飞灰  "), "生活垃圾 焚烧 飞灰");
  BOOST_CHECK_EQUAL(SanitizeText("a\xFF"
                                 "b"),
                    "a\xEF\xBF\xBD"
                    "b");                                    // U+FFFD
  BOOST_CHECK_EQUAL(SanitizeText("x\xE2\x80\xAEy"), "x y");  // RTL override dropped
  // Cut on a character boundary, never inside one.
  const std::string cut = SanitizeText("危险废物", 7);
  BOOST_CHECK_EQUAL(cut, "危险");
  BOOST_CHECK(g_utf8_validate(cut.data(), static_cast<gssize>(cut.size()), nullptr));
}

}  // namespace
}  // namespace cradle::labels
