// The printable transfer manifest (server/labels/transfer_pdf.h) against real tools: pdfinfo for
// the A4 page and the page count, pdftotext for what is printed, pdftoppm + zxing-cpp for the
// QR, whose WT1 token is verified against the committed vector keys; and the real cradle-scan
// binary checking a rasterised page offline, as an inspector's handheld would.
#define BOOST_TEST_MODULE labels_transfer_pdf_test
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "core/hex.h"
#include "core/jwks.h"
#include "core/transfer_token.h"
#include "core/uscc.h"
#include "scanner/outbox.h"
#include "server/labels/transfer_pdf.h"
#include "tests/unit/core/read_file.h"
#include "tests/unit/labels/labels_fixtures.h"

namespace cradle::labels {
namespace {

namespace json = boost::json;
using testing::TempDir;

const json::object& Vectors() {
  static const json::value v = json::parse(
      cradle::testing::ReadFile(CRADLE_SOURCE_DIR "/tests/vectors/transfer-token.json"));
  return v.as_object();
}

std::string VectorJwks() {
  json::array keys;
  for (const auto& k : Vectors().at("keys").as_array()) keys.push_back(k.at("jwk"));
  return json::serialize(json::object{{"keys", keys}});
}

SigningKey VectorKey() {
  const auto& k1 = Vectors().at("keys").as_array()[0];
  return *SigningKey::FromSeed(*HexDecode(std::string(k1.at("seed").as_string())));
}

std::string Uscc(const std::string& first17) { return first17 + UsccCheckChar(first17); }

std::string DigitalId(int i) {
  const std::string serial = std::to_string(1 + i % 999);
  return Uscc("91331000NCP000001") + "77200218" + std::to_string(20261101 + i / 999) +
         std::string(3 - serial.size(), '0') + serial;
}

// A weekly fly-ash trip: `containers` tonne bags plus two drums of waste oil.
TransferSheet SampleSheet(int containers) {
  TransferSheet s;
  s.number = "20263310000042";
  s.status = "in_transit";
  s.purpose = "disposal";
  s.planned_on = "2026-12-03";
  s.sender = {"台州市生活垃圾焚烧发电有限公司", Uscc("91331000NCP000001"), ""};
  s.carrier = {"台州危废运输有限公司", Uscc("91331000CLT000001"), ""};
  s.receiver = {"台州市危险废物填埋场", "FAC-F", "椒江区填埋场路1号"};
  s.vehicle = "浙J12345";
  s.driver_name = "王建国";
  s.driver_licence = "330102198001011234";
  s.sender_signed_at = 1'796'259'600'000'000;  // 2026-12-03 09:00 +08:00
  s.carrier_signed_at = 1'796'263'200'000'000;
  s.printed_at = 1'796'263'500'000'000;
  int64_t fly_ash_g = 0;
  for (int i = 0; i < containers; ++i) {
    TransferSheetContainer c{DigitalId(i), "772-002-18", i % 7 == 3 ? "listed" : "loaded",
                             1'250'000,    1'251'500,    std::nullopt};
    if (c.status == "listed") c.pickup_g.reset();
    fly_ash_g += 1'250'000;
    s.containers.push_back(c);
  }
  s.containers.push_back({Uscc("91331000NCP000001") + "90004908" + "20261101001", "900-249-08",
                          "loaded", 200'000, 201'000, std::nullopt});
  s.containers.push_back({Uscc("91331000NCP000001") + "90004908" + "20261101002", "900-249-08",
                          "loaded", 200'000, 198'000, std::nullopt});
  s.lines = {
      {"772-002-18", "生活垃圾焚烧飞灰", containers, fly_ash_g, fly_ash_g, std::nullopt,
       std::nullopt},
      {"900-249-08", "废矿物油与含矿物油废物", 2, 400'000, 399'000, std::nullopt, std::nullopt}};

  const TransferTokenFields f = TokenFieldsFor(s, "K1", {2026, 12, 3});
  auto token = BuildTransferToken(f, VectorKey());
  BOOST_REQUIRE_MESSAGE(token.ok(), token.status().ToString());
  s.token = *token;
  return s;
}

std::string PdfText(const std::filesystem::path& pdf, int page = 0) {
  std::string out;
  const std::string range =
      page > 0 ? " -f " + std::to_string(page) + " -l " + std::to_string(page) : "";
  BOOST_REQUIRE_EQUAL(testing::Run("pdftotext -layout" + range + " '" + pdf.string() + "' -", &out),
                      0);
  return out;
}

std::string WithoutSpaces(std::string text) {
  std::erase(text, ' ');
  return text;
}

size_t Occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

BOOST_AUTO_TEST_CASE(a4_manifest_with_parties_lines_signatures_and_a_verifiable_qr) {
  TempDir dir;
  const TransferSheet sheet = SampleSheet(10);
  auto pdf = RenderTransferPdfDetailed(sheet);
  BOOST_REQUIRE_MESSAGE(pdf.ok(), pdf.status().ToString());
  BOOST_CHECK_EQUAL(pdf->bytes.substr(0, 5), "%PDF-");
  BOOST_CHECK_EQUAL(pdf->unknown_glyphs, 0);  // every Chinese character has a glyph
  BOOST_CHECK_EQUAL(pdf->pages, 1);
  const auto path = dir.Path("transfer.pdf");
  testing::WriteFile(path, pdf->bytes);
  if (const char* keep = std::getenv("CRADLE_TRANSFER_PDF_OUT"))
    testing::WriteFile(keep, pdf->bytes);
  BOOST_CHECK_EQUAL(testing::PdfPages(path), 1);
  std::string info;
  BOOST_REQUIRE_EQUAL(testing::Run("pdfinfo '" + path.string() + "'", &info), 0);
  BOOST_CHECK_MESSAGE(info.find("595.276 x 841.89") != std::string::npos, info);  // A4

  const std::string text = PdfText(path);
  BOOST_TEST_MESSAGE(text);
  for (const std::string& want : {std::string("危险废物转移联单"),
                                  std::string("20263310000042"),
                                  std::string("运输中"),
                                  std::string("移出人"),
                                  std::string("承运人"),
                                  std::string("接受人"),
                                  sheet.sender.name,
                                  sheet.sender.id,
                                  sheet.carrier.name,
                                  sheet.carrier.id,
                                  std::string("FAC-F"),
                                  std::string("浙J12345"),
                                  std::string("王建国"),
                                  std::string("处置"),
                                  std::string("生活垃圾焚烧飞灰"),
                                  std::string("772-002-18"),
                                  std::string("12500 kg"),
                                  std::string("已签 2026-12-03 09:00:00"),
                                  std::string("未签"),
                                  std::string("待装车")}) {
    BOOST_CHECK_MESSAGE(text.find(want) != std::string::npos, "missing " << want);
  }
  for (const auto& c : sheet.containers) BOOST_CHECK_EQUAL(Occurrences(text, c.digital_id), 1u);
  BOOST_CHECK(WithoutSpaces(text).find("第1页共1页") != std::string::npos);

  // The QR, as a phone sees the printed page, holds the token, and it is genuine.
  const auto texts = testing::DecodePdfPage(dir, path, 1);
  BOOST_REQUIRE_EQUAL(texts.size(), 1u);
  BOOST_CHECK_EQUAL(texts[0], sheet.token);
  auto keys = ReadJwks(VectorJwks());
  BOOST_REQUIRE(keys.ok());
  auto fields = VerifyTransferToken(texts[0], *keys);
  BOOST_REQUIRE_MESSAGE(fields.ok(), fields.status().ToString());
  BOOST_CHECK_EQUAL(fields->number, sheet.number);
  BOOST_CHECK_EQUAL(fields->vehicle, "浙J12345");
  BOOST_CHECK_EQUAL(fields->containers, 12);
  // What the QR says is what the page says: the lines' counts and declared masses.
  BOOST_REQUIRE_EQUAL(fields->lines.size(), 2u);
  BOOST_CHECK_EQUAL(fields->lines[0].waste_code, "772-002-18");
  BOOST_CHECK_EQUAL(fields->lines[0].count, 10);
  BOOST_CHECK_EQUAL(fields->lines[0].mass_g, 12'500'000);
  BOOST_CHECK_EQUAL(fields->receiver, "FAC-F");
}

BOOST_AUTO_TEST_CASE(long_container_lists_continue_on_numbered_pages) {
  TempDir dir;
  const TransferSheet sheet = SampleSheet(150);
  auto pdf = RenderTransferPdfDetailed(sheet);
  BOOST_REQUIRE_MESSAGE(pdf.ok(), pdf.status().ToString());
  BOOST_CHECK_EQUAL(pdf->unknown_glyphs, 0);
  const auto path = dir.Path("long.pdf");
  testing::WriteFile(path, pdf->bytes);
  if (const char* keep = std::getenv("CRADLE_TRANSFER_PDF_OUT")) {
    testing::WriteFile(std::string(keep) + ".long.pdf", pdf->bytes);
  }
  const int pages = testing::PdfPages(path);
  BOOST_CHECK_EQUAL(pages, pdf->pages);
  BOOST_CHECK_GE(pages, 4);
  const std::string all = PdfText(path);
  for (const auto& c : sheet.containers) {
    BOOST_CHECK_MESSAGE(Occurrences(all, c.digital_id) == 1, c.digital_id);
  }
  for (int p = 2; p <= pages; ++p) {
    const std::string text = PdfText(path, p);
    BOOST_CHECK(text.find("（续）") != std::string::npos);
    BOOST_CHECK(text.find(sheet.number) != std::string::npos);
    BOOST_CHECK(text.find("数字识别码") != std::string::npos);  // the header again
    const std::string footer = "第" + std::to_string(p) + "页共" + std::to_string(pages) + "页";
    BOOST_CHECK_MESSAGE(WithoutSpaces(text).find(footer) != std::string::npos,
                        "page " << p << ": " << footer);
  }
  BOOST_CHECK_EQUAL(testing::DecodePdfPage(dir, path, 1).at(0), sheet.token);
}

// The glyph check can fail: a character no installed font has is counted.
BOOST_AUTO_TEST_CASE(missing_glyphs_are_counted) {
  TransferSheet sheet = SampleSheet(1);
  sheet.driver_name = "\xF0\x9F\x98\x80 \xF0\x9F\x92\xA9";  // emoji: no installed font
  auto pdf = RenderTransferPdfDetailed(sheet);
  BOOST_REQUIRE(pdf.ok());
  BOOST_CHECK_GT(pdf->unknown_glyphs, 0);
}

BOOST_AUTO_TEST_CASE(bad_sheets_are_refused) {
  TransferSheet sheet = SampleSheet(1);
  sheet.token = "";
  BOOST_CHECK_EQUAL(RenderTransferPdf(sheet).status().code(), "MALFORMED");
  sheet.token = "wt1:lower";
  BOOST_CHECK_EQUAL(RenderTransferPdf(sheet).status().code(), "MALFORMED");
  sheet = SampleSheet(1);
  sheet.containers.resize(kMaxSheetContainers + 1, sheet.containers[0]);
  BOOST_CHECK_EQUAL(RenderTransferPdf(sheet).status().code(), "INVALID_FIELD");
  // Hostile text (control characters, very long names) is printed as plain text, cut to fit.
  sheet = SampleSheet(1);
  sheet.sender.name = std::string(5000, 'X') + "\n\t\x01";
  sheet.vehicle = "\x1b[31m";
  BOOST_CHECK(RenderTransferPdf(sheet).ok());
}

// The inspector's handheld: the real cradle-scan reads a photo-like raster of the page and
// verifies the token against its stored key set, offline.
BOOST_AUTO_TEST_CASE(cradle_scan_verifies_a_rasterised_page_offline) {
  TempDir dir;
  const TransferSheet sheet = SampleSheet(3);
  auto pdf = RenderTransferPdf(sheet);
  BOOST_REQUIRE(pdf.ok());
  const auto path = dir.Path("manifest.pdf");
  testing::WriteFile(path, *pdf);
  const auto png = dir.Path("photo");
  BOOST_REQUIRE_EQUAL(testing::Run("pdftoppm -png -r 200 -singlefile -f 1 -l 1 '" + path.string() +
                                   "' '" + png.string() + "'"),
                      0);
  const auto home = dir.Path("home");
  std::filesystem::create_directories(home);
  {
    auto outbox = scan::Outbox::Open((home / "scanner.db").string());
    BOOST_REQUIRE(outbox.ok());
    BOOST_REQUIRE((*outbox)->SetMeta(scan::kMetaJwks, VectorJwks()).ok());
  }
  const std::string scanner = std::string(CRADLE_BINARY_DIR) + "/scanner/cradle-scan";
  std::string out;
  const int rc = testing::Run(
      scanner + " verify-transfer '" + png.string() + ".png' --home '" + home.string() + "' 2>&1",
      &out);
  BOOST_TEST_MESSAGE(out);
  BOOST_CHECK_EQUAL(rc, 0);
  BOOST_CHECK(out.find("GENUINE transfer 20263310000042") != std::string::npos);
  BOOST_CHECK(out.find("浙J12345") != std::string::npos);

  // The same page printed with a token from a key the handheld does not trust.
  TransferSheet forged = sheet;
  forged.token.replace(0, 7, "WT1:K9/");
  auto forged_pdf = RenderTransferPdf(forged);
  BOOST_REQUIRE(forged_pdf.ok());
  testing::WriteFile(path, *forged_pdf);
  BOOST_REQUIRE_EQUAL(testing::Run("pdftoppm -png -r 200 -singlefile -f 1 -l 1 '" + path.string() +
                                   "' '" + png.string() + "'"),
                      0);
  out.clear();
  const int forged_rc = testing::Run(
      scanner + " verify-transfer '" + png.string() + ".png' --home '" + home.string() + "' 2>&1",
      &out);
  BOOST_CHECK_EQUAL(forged_rc, 1);
  BOOST_CHECK(out.find("UNKNOWN_KEY") != std::string::npos);
}

}  // namespace
}  // namespace cradle::labels
