// The printed transfer manifest, GET /api/v1/transfers/{id}.pdf, against the real cradle-server
// over TLS: each party and a regulator fetch it, poppler rasterises it, zxing-cpp reads its QR
// code, and the WT1 token verifies against the served JWKS with the transfer's fields. Anyone
// else reads 404; a draft, and an ad hoc trip whose receiver is not known yet, 409. A reprint
// after a correction carries the corrected fields.
#define BOOST_TEST_MODULE blackbox_transfer_pdf_test
#include <boost/test/unit_test.hpp>
#include <fstream>

#include "core/transfer_token.h"
#include "tests/blackbox/transfer_world.h"
#include "tests/support/qr_decode.h"

namespace cradle::testing {
namespace {

namespace json = boost::json;

struct Work {
  std::string dir = MakeTempDir("cradle-transfer-pdf");
  ~Work() { RunCommand("rm -rf '" + dir + "'"); }
};

// The PDF as `token`: 200, application/pdf.
std::string FetchPdf(TransferWorld& w, const std::string& id, const std::string& token) {
  auto c = w.server.Client();
  auto r = MustSend(c, "GET", "/api/v1/transfers/" + id + ".pdf", Bearer(token));
  BOOST_REQUIRE_MESSAGE(r.status == 200, r.status << " " << r.body);
  BOOST_TEST(r.Header("content-type") == "application/pdf");
  BOOST_TEST(r.body.rfind("%PDF-", 0) == 0u);
  return r.body;
}

// The QR texts on the first page, through pdftoppm and zxing.
std::vector<std::string> QrOnFirstPage(const Work& work, const std::string& pdf) {
  const std::string path = work.dir + "/manifest.pdf";
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << pdf;
    BOOST_REQUIRE(out.good());
  }
  std::string out;
  BOOST_REQUIRE_MESSAGE(RunCommand("pdftoppm -png -r 200 -singlefile -f 1 -l 1 '" + path + "' '" +
                                       work.dir + "/page'",
                                   &out) == 0,
                        out);
  auto texts = DecodeQrFromPngFile(work.dir + "/page.png");
  BOOST_REQUIRE_MESSAGE(texts.ok(), texts.status().ToString());
  return *texts;
}

// The printed text, through pdftotext.
std::string PdfText(const Work& work, const std::string& pdf) {
  const std::string path = work.dir + "/text.pdf";
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << pdf;
  }
  std::string out;
  BOOST_REQUIRE(RunCommand("pdftotext -layout '" + path + "' -", &out) == 0);
  return out;
}

// The one QR of the PDF, verified against the server's JWKS.
TransferTokenFields VerifiedFields(TransferWorld& w, const Work& work, const std::string& pdf) {
  const auto texts = QrOnFirstPage(work, pdf);
  BOOST_REQUIRE_EQUAL(texts.size(), 1u);
  BOOST_TEST(IsTransferToken(texts[0]), texts[0]);
  auto c = w.server.Client();
  auto fields = VerifyTransferToken(texts[0], FetchKeys(c));
  BOOST_REQUIRE_MESSAGE(fields.ok(), fields.status().ToString() << " " << texts[0]);
  return *fields;
}

std::string ProblemOf(TransferWorld& w, const std::string& target, const std::string& token,
                      int want) {
  auto c = w.server.Client();
  auto r = MustSend(c, "GET", target, Bearer(token));
  BOOST_TEST(r.status == want, target << " -> " << r.status << " " << r.body);
  BOOST_TEST(r.Header("content-type").rfind("application/problem+json", 0) == 0u);
  return ProblemCode(r);
}

BOOST_AUTO_TEST_CASE(every_party_and_a_regulator_print_a_manifest_whose_qr_verifies) {
  TransferWorld w;
  Work work;
  const auto ms = w.Issue(3);
  const std::string id = w.Submitted(ms);
  for (const std::string* tok : {&w.p_tok, &w.c_tok, &w.f_tok, &w.reg_tok, &w.admin}) {
    const std::string pdf = FetchPdf(w, id, *tok);
    const TransferTokenFields f = VerifiedFields(w, work, pdf);
    BOOST_TEST(f.number == id);
    BOOST_TEST(f.sender == w.producer);
    BOOST_TEST(f.carrier == w.collector);
    BOOST_TEST(f.receiver == "FAC-F");
    BOOST_TEST(f.vehicle == "浙J12345");
    BOOST_TEST(FormatIsoDate(f.date) == "2026-12-03");
    BOOST_REQUIRE_EQUAL(f.lines.size(), 1u);
    BOOST_TEST(f.lines[0].waste_code == "900-041-49");
    BOOST_TEST(f.lines[0].count == 3);
    BOOST_TEST(f.lines[0].mass_g == 75000);
    BOOST_TEST(f.containers == 3);
    // Signed now, with the key the server publishes as active (K1 on a fresh server).
    const int64_t now_s = SystemClock().NowMicros() / 1'000'000;
    BOOST_TEST(f.issued_at <= now_s);
    BOOST_TEST(f.issued_at > now_s - 120);
    BOOST_TEST(f.kid == "K1");
  }
  // What is printed: the title, the number, the parties' names, every container's id.
  const std::string text = PdfText(work, FetchPdf(w, id, w.p_tok));
  BOOST_TEST(text.find("危险废物转移联单") != std::string::npos, text);
  BOOST_TEST(text.find(id) != std::string::npos);
  BOOST_TEST(text.find("王师傅") != std::string::npos);
  BOOST_TEST(text.find("FAC-F 焚烧厂") != std::string::npos);
  for (const auto& m : ms) BOOST_TEST(text.find(m.id) != std::string::npos, m.id);
}

BOOST_AUTO_TEST_CASE(others_read_404_and_a_draft_409) {
  TransferWorld w;
  const auto ms = w.Issue(1);
  const std::string draft = w.Draft(ms);
  BOOST_TEST(ProblemOf(w, "/api/v1/transfers/" + draft + ".pdf", w.p_tok, 409) == "INVALID_STATE");
  auto c = w.server.Client();
  CallJson(c, "POST", "/api/v1/transfers/" + draft + "/submit", w.p_tok, nullptr, 200);
  // Another collector and another facility are not on it: it does not exist for them.
  for (const std::string* tok : {&w.c2_tok, &w.g_tok}) {
    BOOST_TEST(ProblemOf(w, "/api/v1/transfers/" + draft + ".pdf", *tok, 404) == "NOT_FOUND");
  }
  BOOST_TEST(ProblemOf(w, "/api/v1/transfers/20269999000001.pdf", w.reg_tok, 404) == "NOT_FOUND");
  BOOST_TEST(ProblemOf(w, "/api/v1/transfers/not-a-number.pdf", w.reg_tok, 404) == "NOT_FOUND");
  BOOST_TEST(ProblemOf(w, "/api/v1/transfers/" + draft + ".pdf", "", 401) == "UNAUTHENTICATED");
  // A cancelled one has nothing to print either.
  const std::string other = w.Submitted(w.Issue(1));
  CallJson(c, "POST", "/api/v1/transfers/" + other + "/cancel", w.p_tok,
           json::object{{"reason", "改期"}}, 200);
  BOOST_TEST(ProblemOf(w, "/api/v1/transfers/" + other + ".pdf", w.p_tok, 409) == "INVALID_STATE");
}

BOOST_AUTO_TEST_CASE(an_ad_hoc_trip_prints_once_its_receiver_is_known) {
  TransferWorld w;
  Work work;
  const auto ms = w.Issue(2);
  for (const auto& m : ms)
    BOOST_TEST(w.ScanOne(w.c_tok, TransferWorld::Scan("pickup", m)) == "accepted");
  auto c = w.server.Client();
  auto list = CallJson(c, "GET", "/api/v1/transfers", w.p_tok, nullptr, 200);
  BOOST_REQUIRE_EQUAL(list.at("items").as_array().size(), 1u);
  const auto trip = list.at("items").as_array()[0];
  const std::string id = Str(trip, "id");
  BOOST_TEST(trip.at("receiver").is_null());
  BOOST_TEST(ProblemOf(w, "/api/v1/transfers/" + id + ".pdf", w.c_tok, 409) == "INVALID_STATE");
  BOOST_TEST(w.ScanOne(w.f_tok, TransferWorld::Scan("receive", ms[0], "FAC-F")) == "accepted");
  const TransferTokenFields f = VerifiedFields(w, work, FetchPdf(w, id, w.f_tok));
  BOOST_TEST(f.receiver == "FAC-F");
  BOOST_TEST(f.containers == 2);
  BOOST_TEST(FormatIsoDate(f.date) == Str(w.Get(id), "trip_day"));
}

BOOST_AUTO_TEST_CASE(a_reprint_after_a_correction_carries_the_corrected_vehicle) {
  TransferWorld w;
  Work work;
  const auto ms = w.Issue(2);
  const std::string id = w.Submitted(ms);
  const TransferTokenFields before = VerifiedFields(w, work, FetchPdf(w, id, w.c_tok));
  auto c = w.server.Client();
  auto rev = CallJson(
      c, "POST", "/api/v1/transfers/" + id + "/revisions", w.p_tok,
      json::object{{"changes", json::object{{"vehicle", "浙J99999"}}}, {"reason", "换车"}}, 201);
  const std::string rid = std::to_string(rev.at("id").as_int64());
  for (const std::string* tok : {&w.c_tok, &w.f_tok}) {
    CallJson(c, "POST", "/api/v1/revisions/" + rid + "/approve", *tok, nullptr, 200);
  }
  const TransferTokenFields after = VerifiedFields(w, work, FetchPdf(w, id, w.c_tok));
  BOOST_TEST(before.vehicle == "浙J12345");
  BOOST_TEST(after.vehicle == "浙J99999");
  BOOST_TEST(after.number == before.number);
  BOOST_TEST(after.lines == before.lines);
}

}  // namespace
}  // namespace cradle::testing
