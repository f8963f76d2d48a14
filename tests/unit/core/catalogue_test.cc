// The National Hazardous Waste List loader: the shipped 2016 edition and malformed files.
#define BOOST_TEST_MODULE core_catalogue
#include <boost/test/unit_test.hpp>

#include "core/catalogue.h"
#include "tests/unit/core/read_file.h"

namespace cradle {
namespace {

const std::string kHeader = "code,category,category_name,industry,description,hazards\n";

std::string Shipped() {
  std::string text = testing::ReadFile(CRADLE_SHARED_DIR "/data/hw-catalogue-2016.csv");
  BOOST_REQUIRE_MESSAGE(!text.empty(), "cannot read hw-catalogue-2016.csv");
  return text;
}

// Loads and expects CATALOGUE_INVALID with a message starting "line N:" and containing `what`.
void ExpectRejected(const std::string& csv, int line, std::string_view what) {
  auto r = LoadCatalogueCsv(csv, "test");
  BOOST_TEST_CONTEXT(csv) {
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST(r.status().code() == "CATALOGUE_INVALID");
    BOOST_TEST(r.status().message().starts_with("line " + std::to_string(line) + ": "),
               r.status().message());
    BOOST_TEST(r.status().message().find(what) != std::string::npos, r.status().message());
  }
}

BOOST_AUTO_TEST_CASE(shipped_2016_edition_loads) {
  auto r = LoadCatalogueCsv(Shipped(), "2016");
  BOOST_REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  const Catalogue& c = *r;
  BOOST_TEST(c.edition() == "2016");
  BOOST_TEST(c.size() == 479u);
  BOOST_TEST(c.entries().size() == 479u);
  auto counts = c.CountByCategory();
  BOOST_TEST(counts.size() == 46u);
  BOOST_TEST(counts.at("HW18") == 4);
  BOOST_TEST(counts.at("HW08") == 33);
  BOOST_TEST(counts.at("HW49") == 10);
  BOOST_TEST(counts.count("HW41") == 0u);
  const CatalogueEntry* fly_ash = c.Find("772-002-18");
  BOOST_REQUIRE(fly_ash != nullptr);
  BOOST_TEST(fly_ash->category == "HW18");
  BOOST_TEST(fly_ash->category_name == "焚烧处置残渣");
  BOOST_TEST(fly_ash->description == "生活垃圾焚烧飞灰");
  BOOST_TEST(c.Find("77200218") == fly_ash);
  for (std::string_view code : {"900-041-49", "900-047-49", "900-249-08", "336-064-17"}) {
    BOOST_TEST(c.Find(code) != nullptr, code);
  }
  BOOST_TEST(c.Find("772-002-19") == nullptr);
  BOOST_TEST(c.Find("nonsense") == nullptr);
  BOOST_TEST(c.CategoryName("HW18") == "焚烧处置残渣");
  BOOST_TEST(c.entries().front().code == "831-001-01");
}

BOOST_AUTO_TEST_CASE(bom_crlf_quotes_and_no_final_newline) {
  std::string csv =
      "\xEF\xBB\xBF" + kHeader.substr(0, kHeader.size() - 1) + "\r\n" +
      "900-047-49,HW49,其他废物,900,\"研究、开发和教学活动中，化学和生物实验室产生的废物"
      "（不包括HW03, 900-999-49）\",\"T,C,I,R\"\r\n" +
      "\"772-002-18\",HW18,焚烧处置残渣,772,\"生活垃圾\"\"焚烧\"\"飞灰\nline two\",T";
  auto r = LoadCatalogueCsv(csv, "x");
  BOOST_REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  BOOST_TEST(r->size() == 2u);
  const CatalogueEntry* lab = r->Find("900-047-49");
  BOOST_REQUIRE(lab != nullptr);
  BOOST_TEST(lab->description.find("HW03, 900-999-49") != std::string::npos);
  BOOST_TEST(lab->hazards == "TCIR");
  BOOST_TEST(lab->industry == "900");
  BOOST_TEST(r->Find("772-002-18")->description == "生活垃圾\"焚烧\"飞灰\nline two");
}

BOOST_AUTO_TEST_CASE(hazards_are_normalised) {
  auto r = LoadCatalogueCsv(kHeader + "831-001-01,HW01,医疗废物,,感染性废物,In\n" +
                                "900-249-08,HW08,废矿物油,,废油,\"T, I\"\n",
                            "x");
  BOOST_REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  BOOST_TEST(r->Find("831-001-01")->hazards == "In");
  BOOST_TEST(r->Find("900-249-08")->hazards == "TI");
  ExpectRejected(kHeader + "831-001-01,HW01,医疗废物,,感染性废物,X\n", 2, "hazards");
}

BOOST_AUTO_TEST_CASE(rejections_name_their_line) {
  const std::string ok1 = "772-002-18,HW18,焚烧处置残渣,,生活垃圾焚烧飞灰,\n";
  const std::string ok2 = "900-041-49,HW49,其他废物,,废弃的含油抹布,\n";
  ExpectRejected(kHeader + ok1 + ok2 + "900-249-09,HW08,废矿物油,,废油,\n", 4,
                 "category HW08 does not match code 900-249-09");
  ExpectRejected(kHeader + ok1 + "90-249-08,HW08,废矿物油,,废油,\n", 3, "NNN-NNN-NN");
  ExpectRejected(kHeader + ok1 + "900-249-43,HW43,空,,空,\n", 3, "HW43 is vacant");
  ExpectRejected(kHeader + ok1 + "900-249-51,HW51,空,,空,\n", 3, "HW51");
  ExpectRejected(kHeader + ok1 + "900-249-08,H08,废矿物油,,废油,\n", 3, "H08");
  ExpectRejected(kHeader + ok1 + ok2 + ok1, 4, "duplicate code 772-002-18 (first on line 2)");
  ExpectRejected(kHeader + ok1 + "900-249-08,HW08,废矿物油,,废油\n", 3, "found 5");
  ExpectRejected(kHeader + ok1 + "900-249-08,HW08,废矿物油,,废油,,\n", 3, "found 7");
  ExpectRejected(kHeader + ok1 + "900-249-08,HW08,,,废油,\n", 3, "empty category_name");
  ExpectRejected(kHeader + ok1 + "900-249-08,HW08,废矿物油,,,\n", 3, "empty description");
  // A quoted field spanning lines: the next record's line counts them.
  ExpectRejected(kHeader + "772-002-18,HW18,焚烧处置残渣,,\"a\nb\nc\",\n" + ok1, 5, "duplicate");
  ExpectRejected(kHeader + ok1 + "900-249-08,HW08,废矿物油,,\"废油,\n", 3, "unterminated");
  ExpectRejected(kHeader + ok1 + "900-249-08,HW08,废矿物油,,\"废油\"x,\n", 3, "closing quote");
  ExpectRejected(kHeader + ok1 + "\n" + ok2, 3, "found 1");
  ExpectRejected("code,category,name,industry,description,hazards\n" + ok1, 1, "category_name");
  ExpectRejected(ok1, 1, "header");
  ExpectRejected("", 1, "no header");
  ExpectRejected(kHeader, 2, "no entries");
}

BOOST_AUTO_TEST_CASE(shipped_file_with_one_row_broken_reports_that_row) {
  std::string text = Shipped();
  // Break the 17th line's category (line 17 is the 16th entry).
  size_t pos = 0;
  for (int line = 1; line < 17; ++line) pos = text.find('\n', pos) + 1;
  size_t comma = text.find(',', pos);
  std::string code = text.substr(pos, comma - pos);
  text.replace(comma + 1, 4, "HW08");
  auto r = LoadCatalogueCsv(text, "2016");
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.status().message() == "line 17: category HW08 does not match code " + code);
}

}  // namespace
}  // namespace cradle
