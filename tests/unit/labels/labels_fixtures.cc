#include "tests/unit/labels/labels_fixtures.h"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <sys/wait.h>

namespace cradle::labels::testing {

std::vector<TokenVector> LoadValidTokens() {
  const std::string path = std::string(CRADLE_SHARED_DIR) + "/spec/vectors/wm1.json";
  std::ifstream in(path);
  BOOST_REQUIRE_MESSAGE(in, "cannot read " << path);
  std::stringstream ss;
  ss << in.rdbuf();
  const boost::json::value doc = boost::json::parse(ss.str());
  std::vector<TokenVector> out;
  for (const auto& v : doc.at("valid").as_array()) {
    const auto& o = v.as_object();
    out.push_back(TokenVector{
        std::string(o.at("token").as_string()), std::string(o.at("digital_id").as_string()),
        std::string(o.at("waste_code").as_string()), std::string(o.at("produced_on").as_string())});
  }
  BOOST_REQUIRE(!out.empty());
  return out;
}

LabelContent SampleContent(const TokenVector& v) {
  LabelContent c;
  c.waste_name = "生活垃圾焚烧飞灰";
  c.category = "HW18 焚烧处置残渣";
  c.waste_code = v.waste_code;
  c.form = "固态";
  c.hazards = "T（毒性）";
  c.components = "飞灰、螯合剂、水泥";
  c.hazardous_components = "铅、镉、二噁英类";
  c.precautions = "密闭贮存，防扬散、防流失、防渗漏";
  c.producer_name = "台州市绿能环保发电有限公司";
  c.producer_uscc = v.digital_id.substr(0, 18);
  c.contact = "王工 0576-88812345";
  c.produced_on = v.produced_on;
  c.mass = "1250.5 kg";
  c.packaging = "吨袋";
  c.remarks = "螯合稳定化后送填埋场";
  c.digital_id = v.digital_id;
  c.token = v.token;
  return c;
}

void WriteFile(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  BOOST_REQUIRE_MESSAGE(out.good(), "cannot write " << path);
}

int Run(const std::string& command, std::string* out) {
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return -1;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) {
    if (out) out->append(buf.data(), n);
  }
  const int status = pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::vector<std::string> DecodePdfPage(const TempDir& dir, const std::filesystem::path& pdf,
                                       int page) {
  const auto stem = dir.Path("page" + std::to_string(page));
  const std::string cmd = "pdftoppm -png -r 150 -singlefile -f " + std::to_string(page) + " -l " +
                          std::to_string(page) + " '" + pdf.string() + "' '" + stem.string() + "'";
  BOOST_REQUIRE_EQUAL(Run(cmd), 0);
  auto texts = cradle::testing::DecodeQrFromPngFile(stem.string() + ".png");
  BOOST_REQUIRE_MESSAGE(texts.ok(), texts.status().ToString());
  return *texts;
}

int PdfPages(const std::filesystem::path& pdf) {
  std::string out;
  if (Run("pdfinfo '" + pdf.string() + "'", &out) != 0) return -1;
  const auto at = out.find("Pages:");
  if (at == std::string::npos) return -1;
  return std::atoi(out.c_str() + at + 6);
}

std::vector<ZplGraphic> FindGraphics(const std::string& zpl) {
  std::vector<ZplGraphic> out;
  for (size_t at = zpl.find("^GFA,"); at != std::string::npos; at = zpl.find("^GFA,", at + 1)) {
    ZplGraphic g;
    size_t p = at + 5;
    auto number = [&]() {
      const size_t comma = zpl.find(',', p);
      BOOST_REQUIRE(comma != std::string::npos);
      const int v = std::stoi(zpl.substr(p, comma - p));
      p = comma + 1;
      return v;
    };
    g.total_bytes = number();
    g.field_bytes = number();
    g.row_bytes = number();
    const size_t end = zpl.find('^', p);
    BOOST_REQUIRE(end != std::string::npos);
    g.data = zpl.substr(p, end - p);
    out.push_back(std::move(g));
  }
  return out;
}

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::vector<uint8_t> ExpandGraphic(const ZplGraphic& g) {
  // Hex characters, row by row; a row is 2 * row_bytes characters.
  const size_t row_chars = static_cast<size_t>(g.row_bytes) * 2;
  std::string hex;
  std::string row;
  std::string prev_row;
  int count = 0;
  auto end_row = [&](char fill) {
    row.resize(row_chars, fill);
    hex += row;
    prev_row = row;
    row.clear();
  };
  for (char c : g.data) {
    if (c == '\n' || c == '\r') continue;
    if (c >= 'G' && c <= 'Y') {
      count += c - 'G' + 1;
    } else if (c >= 'g' && c <= 'z') {
      count += (c - 'g' + 1) * 20;
    } else if (c == ',') {
      BOOST_REQUIRE_EQUAL(count, 0);
      end_row('0');
    } else if (c == '!') {
      BOOST_REQUIRE_EQUAL(count, 0);
      end_row('F');
    } else if (c == ':') {
      BOOST_REQUIRE(row.empty());
      BOOST_REQUIRE(!prev_row.empty());
      hex += prev_row;
    } else {
      BOOST_REQUIRE_MESSAGE(HexValue(c) >= 0, "bad character in ^GFA data: " << c);
      row.append(count == 0 ? 1 : count, c);
      count = 0;
      BOOST_REQUIRE_LE(row.size(), row_chars);
      if (row.size() == row_chars) end_row('0');
    }
  }
  BOOST_REQUIRE(row.empty());
  BOOST_REQUIRE_EQUAL(hex.size() % 2, 0u);
  std::vector<uint8_t> bytes(hex.size() / 2);
  for (size_t i = 0; i < bytes.size(); ++i) {
    bytes[i] = static_cast<uint8_t>(HexValue(hex[2 * i]) * 16 + HexValue(hex[2 * i + 1]));
  }
  return bytes;
}

cradle::testing::GreyImage BitsToGrey(const std::vector<uint8_t>& bits, int row_bytes, int rows) {
  cradle::testing::GreyImage img;
  img.width = row_bytes * 8;
  img.height = rows;
  img.pixels.resize(static_cast<size_t>(img.width) * rows);
  for (int y = 0; y < rows; ++y) {
    for (int x = 0; x < img.width; ++x) {
      const bool black = bits[static_cast<size_t>(y) * row_bytes + x / 8] & (0x80 >> (x % 8));
      img.pixels[static_cast<size_t>(y) * img.width + x] = black ? 0 : 255;
    }
  }
  return img;
}

double InkFraction(const cradle::testing::GreyImage& img, int x, int y, int w, int h) {
  const int x0 = std::max(0, x), y0 = std::max(0, y);
  const int x1 = std::min(img.width, x + w), y1 = std::min(img.height, y + h);
  if (x1 <= x0 || y1 <= y0) return 0;
  long dark = 0;
  for (int yy = y0; yy < y1; ++yy) {
    for (int xx = x0; xx < x1; ++xx) {
      if (img.pixels[static_cast<size_t>(yy) * img.width + xx] < 128) ++dark;
    }
  }
  return static_cast<double>(dark) / (static_cast<double>(x1 - x0) * (y1 - y0));
}

}  // namespace cradle::labels::testing
