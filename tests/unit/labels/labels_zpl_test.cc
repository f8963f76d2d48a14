// ZPL output: structure, the native QR field, and the ^GFA raster decoded back to a bitmap.
#define BOOST_TEST_MODULE labels_zpl_test
#include <boost/test/unit_test.hpp>

#include <regex>

#include "server/labels/label.h"
#include "server/labels/zpl.h"
#include "tests/support/qr_decode.h"
#include "tests/support/zpl_render.h"
#include "tests/unit/labels/labels_fixtures.h"

namespace cradle::labels {
namespace {

using testing::LoadValidTokens;
using testing::SampleContent;

size_t Count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}

struct QrField {
  int x = 0, y = 0, mag = 0;
  std::string data;  // after "^FD"
};

QrField FindQrField(const std::string& zpl) {
  static const std::regex re(R"(\^FO(\d+),(\d+)\^BQN,2,(\d+)\^FH_\^FD([^\^]*)\^FS)");
  std::smatch m;
  BOOST_REQUIRE_MESSAGE(std::regex_search(zpl, m, re), "no ^BQN field");
  return QrField{std::stoi(m[1]), std::stoi(m[2]), std::stoi(m[3]), m[4]};
}

BOOST_AUTO_TEST_CASE(one_label_structure) {
  const auto v = LoadValidTokens().front();
  Result<std::string> zpl = RenderLabel(SampleContent(v), LabelSize::k100, LabelFormat::kZpl);
  BOOST_REQUIRE_MESSAGE(zpl.ok(), zpl.status().ToString());
  BOOST_CHECK_EQUAL(zpl->substr(0, 3), "^XA");
  BOOST_CHECK_EQUAL(zpl->substr(zpl->size() - 4), "^XZ\n");
  BOOST_CHECK_EQUAL(Count(*zpl, "^XA"), 1u);
  BOOST_CHECK_EQUAL(Count(*zpl, "^XZ"), 1u);
  BOOST_CHECK(zpl->find("^CI28") != std::string::npos);
  BOOST_CHECK(zpl->find("^PW800") != std::string::npos);
  BOOST_CHECK(zpl->find("^LL800") != std::string::npos);
  const QrField qr = FindQrField(*zpl);
  BOOST_CHECK_EQUAL(qr.data, "QM,A" + v.token);  // ECC Q, manual mode, alphanumeric
  BOOST_CHECK_GE(qr.mag, 3);
  BOOST_CHECK_LE(qr.mag, 10);
}

BOOST_AUTO_TEST_CASE(graphic_field_is_consistent_and_not_blank) {
  const auto v = LoadValidTokens().front();
  for (LabelSize size : {LabelSize::k100, LabelSize::k150, LabelSize::k200}) {
    const int dots = static_cast<int>(size) * 8;
    for (bool compress : {true, false}) {
      RenderOptions opt;
      opt.zpl_compress = compress;
      Result<std::string> zpl = RenderLabel(SampleContent(v), size, LabelFormat::kZpl, opt);
      BOOST_REQUIRE(zpl.ok());
      BOOST_CHECK(zpl->find("^PW" + std::to_string(dots)) != std::string::npos);
      const auto graphics = testing::FindGraphics(*zpl);
      BOOST_REQUIRE_EQUAL(graphics.size(), 1u);
      const auto& g = graphics[0];
      BOOST_CHECK_EQUAL(g.row_bytes, dots / 8);
      BOOST_CHECK_EQUAL(g.total_bytes, g.row_bytes * dots);
      BOOST_CHECK_EQUAL(g.field_bytes, g.total_bytes);
      if (!compress) BOOST_CHECK_EQUAL(g.data.size(), 2u * g.total_bytes);
      if (compress) BOOST_CHECK_LT(g.data.size(), static_cast<size_t>(g.total_bytes) / 2);
      const auto bits = testing::ExpandGraphic(g);
      BOOST_REQUIRE_EQUAL(bits.size(), static_cast<size_t>(g.total_bytes));
      const auto img = testing::BitsToGrey(bits, g.row_bytes, dots);
      const double ink = testing::InkFraction(img, 0, 0, img.width, img.height);
      BOOST_CHECK_GT(ink, 0.03);  // border, rules and text
      BOOST_CHECK_LT(ink, 0.40);
      // The 3 mm margin outside the border is blank (top rows).
      BOOST_CHECK_EQUAL(testing::InkFraction(img, 0, 0, img.width, 3 * 8 - 1), 0.0);
      // The title "危险废物" is there: ink in the middle of the title band.
      BOOST_CHECK_GT(testing::InkFraction(img, dots * 30 / 100, dots * 6 / 100, dots * 40 / 100,
                                          dots * 6 / 100),
                     0.05);
    }
  }
}

BOOST_AUTO_TEST_CASE(compressed_and_plain_rasters_are_identical) {
  const auto v = LoadValidTokens()[2];
  RenderOptions plain;
  plain.zpl_compress = false;
  Result<std::string> a = RenderLabel(SampleContent(v), LabelSize::k150, LabelFormat::kZpl);
  Result<std::string> b = RenderLabel(SampleContent(v), LabelSize::k150, LabelFormat::kZpl, plain);
  BOOST_REQUIRE(a.ok() && b.ok());
  const auto ga = testing::FindGraphics(*a);
  const auto gb = testing::FindGraphics(*b);
  BOOST_REQUIRE(ga.size() == 1 && gb.size() == 1);
  BOOST_CHECK(testing::ExpandGraphic(ga[0]) == testing::ExpandGraphic(gb[0]));
}

BOOST_AUTO_TEST_CASE(compression_codes_round_trip) {
  // Rows chosen to hit every code: blank (,), full (!), repeat (:), long runs (z, g.., G..).
  const int row_bytes = 250;
  std::vector<uint8_t> bits(static_cast<size_t>(row_bytes) * 6, 0);
  for (int i = 0; i < row_bytes; ++i) bits[row_bytes + i] = 0xFF;                    // row 1
  for (int i = 0; i < row_bytes; ++i) bits[2 * row_bytes + i] = i < 230 ? 0xAA : 0;  // row 2
  for (int i = 0; i < row_bytes; ++i) bits[3 * row_bytes + i] = bits[2 * row_bytes + i];
  bits[4 * row_bytes + 7] = 0x12;
  bits[4 * row_bytes + row_bytes - 1] = 0x0F;  // row 4 ends in F
  for (int i = 0; i < row_bytes; ++i) bits[5 * row_bytes + i] = static_cast<uint8_t>(i);
  for (bool compress : {true, false}) {
    testing::ZplGraphic g;
    g.row_bytes = row_bytes;
    g.total_bytes = g.field_bytes = static_cast<int>(bits.size());
    g.data = internal::ZplGraphicData(bits, row_bytes, 6, compress);
    BOOST_CHECK(testing::ExpandGraphic(g) == bits);
  }
}

// What the printer prints: the label rendered by an independent ZPL interpreter
// (tests/support/zpl_render, zxing-cpp's QR writer for ^BQN), then decoded by zxing.
BOOST_AUTO_TEST_CASE(printed_label_decodes_to_its_token_with_an_independent_renderer) {
  for (LabelSize size : {LabelSize::k100, LabelSize::k150, LabelSize::k200}) {
    const auto v = LoadValidTokens().front();
    Result<std::string> zpl = RenderLabel(SampleContent(v), size, LabelFormat::kZpl);
    BOOST_REQUIRE(zpl.ok());
    auto pages = cradle::testing::RenderZpl(*zpl);
    BOOST_REQUIRE_MESSAGE(pages.ok(), pages.status().ToString());
    BOOST_REQUIRE_EQUAL(pages->size(), 1u);
    const auto& page = pages->front();
    const int dots = static_cast<int>(size) * 8;
    BOOST_CHECK_EQUAL(page.image.width, dots);
    BOOST_CHECK_EQUAL(page.image.height, dots);
    BOOST_REQUIRE_EQUAL(page.qr.size(), 1u);
    BOOST_CHECK_EQUAL(page.qr[0].ecc, 'Q');
    BOOST_CHECK_EQUAL(page.qr[0].text, v.token);
    const auto texts = cradle::testing::DecodeQr(page.image);
    BOOST_REQUIRE_EQUAL(texts.size(), 1u);
    BOOST_CHECK_EQUAL(texts[0], v.token);
  }
}

BOOST_AUTO_TEST_CASE(native_qr_sits_in_a_blank_zone_inside_the_label) {
  const auto v = LoadValidTokens().front();
  Result<std::string> zpl = RenderLabel(SampleContent(v), LabelSize::k100, LabelFormat::kZpl);
  BOOST_REQUIRE(zpl.ok());
  cradle::testing::ZplRenderOptions raster_only;
  raster_only.draw_barcodes = false;
  auto pages = cradle::testing::RenderZpl(*zpl, raster_only);
  BOOST_REQUIRE_MESSAGE(pages.ok(), pages.status().ToString());
  BOOST_REQUIRE_EQUAL(pages->size(), 1u);
  const auto& page = pages->front();
  BOOST_REQUIRE_EQUAL(page.qr.size(), 1u);
  const auto& q = page.qr[0];
  BOOST_REQUIRE_GT(q.modules, 20);
  const int quiet = 4 * q.magnification;  // the 4-module quiet zone
  const int side = q.modules * q.magnification;
  BOOST_CHECK_GE(q.x - quiet, 0);
  BOOST_CHECK_GE(q.y - quiet, 0);
  BOOST_CHECK_LE(q.x + side + quiet, page.image.width);
  BOOST_CHECK_LE(q.y + side + quiet, page.image.height);
  // The raster leaves the symbol and its quiet zone blank, and is not blank itself.
  BOOST_CHECK_EQUAL(testing::InkFraction(page.image, q.x - quiet, q.y - quiet, side + 2 * quiet,
                                         side + 2 * quiet),
                    0.0);
  BOOST_CHECK_GT(testing::InkFraction(page.image, 0, 0, page.image.width, page.image.height), 0.03);
}

BOOST_AUTO_TEST_CASE(every_printed_label_of_a_run_decodes_in_order) {
  const auto vectors = LoadValidTokens();
  std::vector<LabelContent> run;
  for (const auto& v : vectors) run.push_back(SampleContent(v));
  Result<std::string> zpl = RenderPrintRun(run, LabelSize::k100, LabelFormat::kZpl);
  BOOST_REQUIRE(zpl.ok());
  auto pages = cradle::testing::RenderZpl(*zpl);
  BOOST_REQUIRE_MESSAGE(pages.ok(), pages.status().ToString());
  BOOST_REQUIRE_EQUAL(pages->size(), vectors.size());
  for (size_t i = 0; i < vectors.size(); ++i) {
    const auto texts = cradle::testing::DecodeQr((*pages)[i].image);
    BOOST_REQUIRE_EQUAL(texts.size(), 1u);
    BOOST_CHECK_EQUAL(texts[0], vectors[i].token);
  }
}

// The interpreter is a real check: a damaged ^FD does not print the token, a broken ^GFA is
// refused.
BOOST_AUTO_TEST_CASE(independent_renderer_sees_damage) {
  const auto v = LoadValidTokens().front();
  Result<std::string> zpl = RenderLabel(SampleContent(v), LabelSize::k100, LabelFormat::kZpl);
  BOOST_REQUIRE(zpl.ok());
  std::string wrong = *zpl;
  const size_t fd = wrong.find("^FDQM,A");
  BOOST_REQUIRE(fd != std::string::npos);
  wrong[fd + 7 + 10] = wrong[fd + 7 + 10] == 'A' ? 'B' : 'A';  // one character of the token
  auto pages = cradle::testing::RenderZpl(wrong);
  BOOST_REQUIRE(pages.ok());
  const auto texts = cradle::testing::DecodeQr(pages->front().image);
  BOOST_REQUIRE_EQUAL(texts.size(), 1u);
  BOOST_CHECK_NE(texts[0], v.token);
  std::string broken = *zpl;
  broken.insert(broken.find("^GFA,") + 5, "9");  // declared size no longer matches the data
  BOOST_CHECK(!cradle::testing::RenderZpl(broken).ok());
}

BOOST_AUTO_TEST_CASE(print_run_is_one_block_per_label_in_order) {
  const auto vectors = LoadValidTokens();
  std::vector<LabelContent> run;
  for (const auto& v : vectors) run.push_back(SampleContent(v));
  Result<std::string> zpl = RenderPrintRun(run, LabelSize::k100, LabelFormat::kZpl);
  BOOST_REQUIRE(zpl.ok());
  BOOST_CHECK_EQUAL(Count(*zpl, "^XA"), run.size());
  BOOST_CHECK_EQUAL(Count(*zpl, "^XZ"), run.size());
  BOOST_CHECK_EQUAL(testing::FindGraphics(*zpl).size(), run.size());
  size_t at = 0;
  for (const auto& v : vectors) {
    const size_t found = zpl->find("^FDQM,A" + v.token + "^FS", at);
    BOOST_REQUIRE_MESSAGE(found != std::string::npos, "token out of order: " << v.token);
    at = found;
  }
}

BOOST_AUTO_TEST_CASE(hostile_fields_cannot_inject_commands) {
  auto c = SampleContent(LoadValidTokens().front());
  c.waste_name = "^XZ^XA^FO0,0^FDpwned^FS~JA";
  c.remarks = "~DGR:EVIL.GRF,1,1,FF^XZ";
  c.digital_id = "^XZ";
  Result<std::string> zpl = RenderLabel(c, LabelSize::k100, LabelFormat::kZpl);
  BOOST_REQUIRE(zpl.ok());
  BOOST_CHECK_EQUAL(Count(*zpl, "^XA"), 1u);
  BOOST_CHECK_EQUAL(Count(*zpl, "^XZ"), 1u);
  BOOST_CHECK(zpl->find('~') == std::string::npos);
  BOOST_CHECK(zpl->find("pwned") == std::string::npos);
  // A token can never carry ^ or ~ (not alphanumeric); and ^FH escaping covers the rest.
  c.token = "WM1:^XZ";
  BOOST_CHECK(!RenderLabel(c, LabelSize::k100, LabelFormat::kZpl).ok());
  BOOST_CHECK_EQUAL(internal::ZplHexEscape("a^b~c_d\n"), "a_5Eb_7Ec_5Fd_0A");
  BOOST_CHECK_EQUAL(internal::ZplHexEscape("WM1:K1/A B$%*+-.:"), "WM1:K1/A B$%*+-.:");
}

}  // namespace
}  // namespace cradle::labels
