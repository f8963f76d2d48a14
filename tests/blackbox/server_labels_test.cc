// Black-box tests of labels: every format the server renders carries a QR code that a real
// decoder reads back as exactly the manifest's token, and that token verifies against the
// server's published JWKS. PDF and SVG go through the real poppler and librsvg tools.
#define BOOST_TEST_MODULE blackbox_server_labels_test
#include <boost/test/unit_test.hpp>
#include <fstream>

#include "tests/blackbox/server_test_helpers.h"
#include "tests/support/qr_decode.h"

namespace cradle::testing {
namespace {

namespace json = boost::json;

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  BOOST_REQUIRE(out.good());
}

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

// The page count pdfinfo reports ("Pages:   5"), or -1.
int PdfPages(const std::string& info) {
  const auto at = info.find("Pages:");
  if (at == std::string::npos) return -1;
  return std::atoi(info.c_str() + at + 6);
}

// One server, producer A, and `kCount` issued manifests, shared by the cases of this file
// (started once: rendering is the subject here, not isolation).
struct LabelServer {
  static constexpr int kCount = 5;
  TempServer server;
  std::string token;
  std::vector<IssuedManifest> manifests;
  std::string work;
  LabelServer() {
    Status s = server.Start();
    BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
    auto c = server.Client();
    token = AddProducer(c, server.admin_token(), UsccA());
    manifests = IssueManifests(c, token, UsccA(), kCount);
    work = MakeTempDir("cradle-labels");
  }
  ~LabelServer() { RunCommand("rm -rf '" + work + "'"); }
  net::HttpsClient Client() const { return server.Client(); }
};

LabelServer& Shared() {
  static LabelServer s;
  return s;
}

// The QR texts of a PNG, failing the test when it cannot be read.
std::vector<std::string> QrOfPng(const std::string& png) {
  auto texts = DecodeQrFromPng(png);
  BOOST_REQUIRE_MESSAGE(texts.ok(), texts.status().ToString());
  return *texts;
}

void ExpectGenuine(const std::vector<std::string>& texts, const std::string& token,
                   const KeySet& keys) {
  BOOST_REQUIRE(texts.size() == 1u);
  BOOST_TEST(texts[0] == token);
  auto fields = VerifyToken(texts[0], keys);
  BOOST_TEST(fields.ok(), fields.status().ToString());
}

BOOST_AUTO_TEST_CASE(png_at_each_size_decodes_to_the_token) {
  auto& s = Shared();
  auto c = s.Client();
  const KeySet keys = FetchKeys(c);
  const auto& m = s.manifests[0];
  std::optional<size_t> previous_width;
  for (const char* size : {"100", "150", "200"}) {
    BOOST_TEST_CONTEXT("size " << size) {
      auto r = MustSend(c, "GET", "/api/v1/manifests/" + m.id + "/label.png?size=" + size,
                        Bearer(s.token));
      BOOST_REQUIRE(r.status == 200);
      BOOST_TEST(r.Header("content-type") == "image/png");
      ExpectGenuine(QrOfPng(r.body), m.token, keys);
      auto img = DecodePngGrey(r.body);
      BOOST_REQUIRE(img.ok());
      // A larger label is a larger image.
      if (previous_width) BOOST_TEST(static_cast<size_t>(img->width) > *previous_width);
      previous_width = static_cast<size_t>(img->width);
    }
  }
  // The default size is 100 mm.
  auto def = MustSend(c, "GET", "/api/v1/manifests/" + m.id + "/label.png", Bearer(s.token));
  BOOST_TEST(def.status == 200);
  ExpectGenuine(QrOfPng(def.body), m.token, keys);
}

BOOST_AUTO_TEST_CASE(pdf_rasterised_by_pdftoppm_decodes_to_the_token) {
  auto& s = Shared();
  auto c = s.Client();
  const auto& m = s.manifests[1];
  auto r = MustSend(c, "GET", "/api/v1/manifests/" + m.id + "/label.pdf", Bearer(s.token));
  BOOST_REQUIRE(r.status == 200);
  BOOST_TEST(r.Header("content-type") == "application/pdf");
  BOOST_TEST(r.body.rfind("%PDF-", 0) == 0u);
  const std::string pdf = s.work + "/one.pdf";
  WriteFile(pdf, r.body);
  std::string out;
  BOOST_REQUIRE_MESSAGE(
      RunCommand("pdftoppm -png -r 150 -singlefile '" + pdf + "' '" + s.work + "/one'", &out) == 0,
      out);
  auto texts = DecodeQrFromPngFile(s.work + "/one.png");
  BOOST_REQUIRE(texts.ok());
  ExpectGenuine(*texts, m.token, FetchKeys(c));
}

BOOST_AUTO_TEST_CASE(svg_rasterised_by_rsvg_convert_decodes_to_the_token) {
  auto& s = Shared();
  auto c = s.Client();
  const auto& m = s.manifests[2];
  auto r = MustSend(c, "GET", "/api/v1/manifests/" + m.id + "/label.svg?size=150", Bearer(s.token));
  BOOST_REQUIRE(r.status == 200);
  BOOST_TEST(r.Header("content-type").rfind("image/svg+xml", 0) == 0u);
  const std::string svg = s.work + "/one.svg";
  WriteFile(svg, r.body);
  std::string out;
  BOOST_REQUIRE_MESSAGE(RunCommand("rsvg-convert --dpi-x 150 --dpi-y 150 -b white -o '" + s.work +
                                       "/svg.png' '" + svg + "'",
                                   &out) == 0,
                        out);
  auto texts = DecodeQrFromPngFile(s.work + "/svg.png");
  BOOST_REQUIRE(texts.ok());
  ExpectGenuine(*texts, m.token, FetchKeys(c));
}

BOOST_AUTO_TEST_CASE(zpl_carries_a_qr_command_and_the_token) {
  auto& s = Shared();
  auto c = s.Client();
  const auto& m = s.manifests[3];
  auto r = MustSend(c, "GET", "/api/v1/manifests/" + m.id + "/label.zpl", Bearer(s.token));
  BOOST_REQUIRE(r.status == 200);
  BOOST_TEST(r.body.find("^BQN") != std::string::npos);
  BOOST_TEST(r.body.find(m.token) != std::string::npos);
  BOOST_TEST(Count(r.body, "^XA") == 1u);
  BOOST_TEST(Count(r.body, "^XZ") == 1u);
}

BOOST_AUTO_TEST_CASE(print_run_of_five_as_pdf_and_zpl) {
  auto& s = Shared();
  auto c = s.Client();
  json::array ids;
  for (const auto& m : s.manifests) ids.emplace_back(m.id);
  const auto body = [&](const char* format) {
    return json::serialize(json::object{{"ids", ids}, {"format", format}});
  };
  auto pdf = MustSend(c, "POST", "/api/v1/labels", Bearer(s.token), body("pdf"));
  BOOST_REQUIRE_MESSAGE(pdf.status == 200, pdf.body.substr(0, 300));
  const std::string path = s.work + "/run.pdf";
  WriteFile(path, pdf.body);
  std::string info;
  BOOST_REQUIRE(RunCommand("pdfinfo '" + path + "'", &info) == 0);
  BOOST_TEST(PdfPages(info) == 5, info);
  // Page 4 holds the fourth label.
  BOOST_REQUIRE(RunCommand("pdftoppm -png -r 150 -f 4 -l 4 -singlefile '" + path + "' '" + s.work +
                           "/page4'") == 0);
  auto texts = DecodeQrFromPngFile(s.work + "/page4.png");
  BOOST_REQUIRE(texts.ok());
  BOOST_REQUIRE(texts->size() == 1u);
  BOOST_TEST((*texts)[0] == s.manifests[3].token);

  auto zpl = MustSend(c, "POST", "/api/v1/labels", Bearer(s.token), body("zpl"));
  BOOST_REQUIRE(zpl.status == 200);
  BOOST_TEST(Count(zpl.body, "^XA") == 5u);
  for (const auto& m : s.manifests) BOOST_TEST(zpl.body.find(m.token) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(unknown_format_is_404_and_odd_size_is_422) {
  auto& s = Shared();
  auto c = s.Client();
  const std::string base = "/api/v1/manifests/" + s.manifests[0].id;
  BOOST_TEST(MustSend(c, "GET", base + "/label.gif", Bearer(s.token)).status == 404);
  auto odd = MustSend(c, "GET", base + "/label.png?size=120", Bearer(s.token));
  BOOST_TEST(odd.status == 422);
  BOOST_TEST(HasFieldError(odd, "size", "INVALID_SIZE"));
  auto run =
      MustSend(c, "POST", "/api/v1/labels", Bearer(s.token),
               json::serialize(json::object{{"ids", json::array{json::value(s.manifests[0].id)}},
                                            {"format", "svg"}}));
  BOOST_TEST(run.status == 422);
  BOOST_TEST(HasFieldError(run, "format", "INVALID_FORMAT"));
  // An unknown manifest is 404 in every format.
  const std::string ghost = UsccA() + "90004149" + "20261128" + "999";
  BOOST_TEST(
      MustSend(c, "GET", "/api/v1/manifests/" + ghost + "/label.pdf", Bearer(s.token)).status ==
      404);
}

}  // namespace
}  // namespace cradle::testing
