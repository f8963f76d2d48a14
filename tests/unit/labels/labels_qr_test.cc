// EncodeQr: WM1 tokens -> QR matrix (alphanumeric mode, ECC Q) -> raster -> zxing -> token.
#define BOOST_TEST_MODULE labels_qr_test
#include <qrencode.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>

#include "server/labels/label.h"
#include "tests/support/qr_decode.h"
#include "tests/unit/labels/labels_fixtures.h"

namespace cradle::labels {
namespace {

using cradle::testing::DecodeQr;
using cradle::testing::GreyImage;

// The matrix with dark modules black, `px` pixels a module, and the 4-module quiet zone.
GreyImage Rasterise(const QrMatrix& m, int px) {
  const int total = m.width + 2 * QrMatrix::kQuietZone;
  GreyImage img;
  img.width = img.height = total * px;
  img.pixels.assign(static_cast<size_t>(img.width) * img.height, 255);
  for (int y = 0; y < m.width; ++y) {
    for (int x = 0; x < m.width; ++x) {
      if (!m.Dark(x, y)) continue;
      for (int dy = 0; dy < px; ++dy) {
        for (int dx = 0; dx < px; ++dx) {
          const int ix = (x + QrMatrix::kQuietZone) * px + dx;
          const int iy = (y + QrMatrix::kQuietZone) * px + dy;
          img.pixels[static_cast<size_t>(iy) * img.width + ix] = 0;
        }
      }
    }
  }
  return img;
}

BOOST_AUTO_TEST_CASE(every_valid_vector_round_trips) {
  // An empty vector file must fail here, not pass a loop that ran zero times.
  const auto vectors = testing::LoadValidTokens();
  BOOST_REQUIRE(!vectors.empty());
  size_t round_tripped = 0;
  for (const auto& v : vectors) {
    Result<QrMatrix> m = EncodeQr(v.token);
    BOOST_REQUIRE_MESSAGE(m.ok(), m.status().ToString());
    BOOST_CHECK_EQUAL(m->ecc, 'Q');
    BOOST_CHECK(m->alphanumeric);
    BOOST_CHECK_EQUAL(m->width, 17 + 4 * m->version);
    BOOST_REQUIRE_EQUAL(m->modules.size(), static_cast<size_t>(m->width * m->width));
    const auto texts = DecodeQr(Rasterise(*m, 4));
    BOOST_REQUIRE_EQUAL(texts.size(), 1u);
    BOOST_CHECK_EQUAL(texts[0], v.token);
    ++round_tripped;
  }
  BOOST_CHECK_EQUAL(round_tripped, vectors.size());
}

BOOST_AUTO_TEST_CASE(typical_token_is_version_8_at_level_q) {
  const auto vectors = testing::LoadValidTokens();
  const std::string& token = vectors.front().token;
  BOOST_REQUIRE_EQUAL(token.size(), 152u);
  Result<QrMatrix> m = EncodeQr(token);
  BOOST_REQUIRE(m.ok());
  BOOST_CHECK_EQUAL(m->version, 8);
  BOOST_CHECK_EQUAL(m->width, 49);
}

// Version 8-Q holds 180 alphanumeric characters but only 108 bytes, so a 152-character token
// in version 8 proves alphanumeric mode; byte mode at the same level needs a larger version.
BOOST_AUTO_TEST_CASE(alphanumeric_mode_is_smaller_than_byte_mode) {
  const std::string token = testing::LoadValidTokens().front().token;
  Result<QrMatrix> m = EncodeQr(token);
  BOOST_REQUIRE(m.ok());
  QRcode* byte_mode = QRcode_encodeString8bit(token.c_str(), 0, QR_ECLEVEL_Q);
  BOOST_REQUIRE(byte_mode != nullptr);
  BOOST_CHECK_GT(byte_mode->version, m->version);
  QRcode* q_check = QRcode_encodeString8bit(token.c_str(), 0, QR_ECLEVEL_L);
  BOOST_REQUIRE(q_check != nullptr);
  BOOST_CHECK_LT(q_check->version, byte_mode->version);  // the level really was Q, not L
  QRcode_free(q_check);
  QRcode_free(byte_mode);
}

BOOST_AUTO_TEST_CASE(tampered_matrix_does_not_decode_to_the_token) {
  const std::string token = testing::LoadValidTokens().front().token;
  Result<QrMatrix> m = EncodeQr(token);
  BOOST_REQUIRE(m.ok());
  // Positive control: the untouched matrix decodes, so an empty result below means the damage
  // defeated the decoder, not that the decoder never works.
  const auto intact = DecodeQr(Rasterise(*m, 4));
  BOOST_REQUIRE_EQUAL(intact.size(), 1u);
  BOOST_REQUIRE_EQUAL(intact[0], token);
  // Blank the whole lower half: beyond any error correction.
  for (int y = m->width / 2; y < m->width; ++y) {
    for (int x = 0; x < m->width; ++x) m->modules[static_cast<size_t>(y) * m->width + x] = 0;
  }
  const auto damaged = DecodeQr(Rasterise(*m, 4));
  BOOST_CHECK(std::find(damaged.begin(), damaged.end(), token) == damaged.end());
}

BOOST_AUTO_TEST_CASE(rejects_payloads_outside_the_alphanumeric_set) {
  const std::vector<std::string> bads = {
      "", "wm1:lower", "WM1:K1^XZ", "WM1:~JA", "WM1:中文", std::string("WM1:\0", 5), "WM1:A_B"};
  for (const std::string& bad : bads) {
    Result<QrMatrix> m = EncodeQr(bad);
    BOOST_CHECK(!m.ok());
    if (!m.ok()) BOOST_CHECK_EQUAL(m.status().code(), "MALFORMED");
  }
  Result<QrMatrix> too_long = EncodeQr(std::string(5000, 'A'));
  BOOST_REQUIRE(!too_long.ok());
  BOOST_CHECK_EQUAL(too_long.status().code(), "MALFORMED");
}

}  // namespace
}  // namespace cradle::labels
