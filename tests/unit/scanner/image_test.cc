// Photos of labels: a QR code of each vector token rendered with libqrencode onto a cairo
// surface, scaled, rotated 90 and ~10 degrees, saved as PNG (cairo) and JPEG (libjpeg), then
// read back by the scanner's decoder (libpng/libjpeg + zxing-cpp).
#define BOOST_TEST_MODULE scanner_image
// jpeglib.h needs size_t and FILE declared first.
#include <cstddef>
#include <cstdio>

#include <cairo.h>
#include <jpeglib.h>
#include <qrencode.h>

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>

#include "scanner/image_decoder.h"
#include "tests/unit/scanner/test_util.h"

namespace cradle::scan {
namespace {

using testing::TempDir;

struct Transform {
  double module_px;  // pixels per QR module (non-integer = scaled)
  double degrees;    // rotation about the centre
  bool jpeg;
  const char* name;
};

using SurfacePtr = std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)>;

// The token's QR code (level Q, as on labels) drawn black on white with a 4-module quiet zone,
// on a canvas big enough for any rotation.
SurfacePtr RenderQr(const std::string& text, const Transform& t) {
  std::unique_ptr<QRcode, decltype(&QRcode_free)> qr(
      QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_Q, QR_MODE_8, 1), QRcode_free);
  BOOST_REQUIRE(qr);
  const int modules = qr->width;
  const double side = (modules + 8) * t.module_px;
  const int canvas = static_cast<int>(std::ceil(side * 1.5));
  SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, canvas, canvas),
                     cairo_surface_destroy);
  cairo_t* cr = cairo_create(surface.get());
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_translate(cr, canvas / 2.0, canvas / 2.0);
  cairo_rotate(cr, t.degrees * M_PI / 180.0);
  cairo_translate(cr, -side / 2.0, -side / 2.0);
  cairo_scale(cr, t.module_px, t.module_px);
  cairo_set_source_rgb(cr, 0, 0, 0);
  for (int y = 0; y < modules; ++y) {
    for (int x = 0; x < modules; ++x) {
      if (qr->data[y * modules + x] & 1) cairo_rectangle(cr, x + 4, y + 4, 1, 1);
    }
  }
  cairo_fill(cr);
  cairo_destroy(cr);
  cairo_surface_flush(surface.get());
  return surface;
}

void WriteJpeg(cairo_surface_t* surface, const std::string& path, int quality) {
  const int width = cairo_image_surface_get_width(surface);
  const int height = cairo_image_surface_get_height(surface);
  const int stride = cairo_image_surface_get_stride(surface);
  const unsigned char* data = cairo_image_surface_get_data(surface);
  FILE* file = std::fopen(path.c_str(), "wb");
  BOOST_REQUIRE(file);
  jpeg_compress_struct info;
  jpeg_error_mgr error;
  info.err = jpeg_std_error(&error);
  jpeg_create_compress(&info);
  jpeg_stdio_dest(&info, file);
  info.image_width = static_cast<JDIMENSION>(width);
  info.image_height = static_cast<JDIMENSION>(height);
  info.input_components = 3;
  info.in_color_space = JCS_RGB;
  jpeg_set_defaults(&info);
  jpeg_set_quality(&info, quality, TRUE);
  jpeg_start_compress(&info, TRUE);
  std::vector<unsigned char> row(static_cast<size_t>(width) * 3);
  for (int y = 0; y < height; ++y) {
    // cairo RGB24 is native-endian 0x00RRGGBB words.
    const auto* pixels = reinterpret_cast<const uint32_t*>(data + y * stride);
    for (int x = 0; x < width; ++x) {
      row[x * 3 + 0] = static_cast<unsigned char>(pixels[x] >> 16);
      row[x * 3 + 1] = static_cast<unsigned char>(pixels[x] >> 8);
      row[x * 3 + 2] = static_cast<unsigned char>(pixels[x]);
    }
    JSAMPROW rows[] = {row.data()};
    jpeg_write_scanlines(&info, rows, 1);
  }
  jpeg_finish_compress(&info);
  jpeg_destroy_compress(&info);
  std::fclose(file);
}

std::string Save(const TempDir& dir, const std::string& token, const Transform& t, int index) {
  SurfacePtr surface = RenderQr(token, t);
  std::string path = dir.File(std::to_string(index) + "-" + t.name + (t.jpeg ? ".jpg" : ".png"));
  if (t.jpeg) {
    WriteJpeg(surface.get(), path, 80);
  } else {
    BOOST_REQUIRE(cairo_surface_write_to_png(surface.get(), path.c_str()) == CAIRO_STATUS_SUCCESS);
  }
  return path;
}

const Transform kTransforms[] = {{4, 0, false, "upright"},     {2.6, 90, false, "scaled-rot90"},
                                 {5, 10, false, "rot10"},      {3.3, -9.5, false, "scaled-rot-9.5"},
                                 {4, 90, true, "rot90-jpeg"},  {5, 10, true, "rot10-jpeg"},
                                 {2.7, 0, true, "scaled-jpeg"}};

BOOST_AUTO_TEST_CASE(every_transform_reads_back_the_same_token) {
  TempDir dir;
  const std::string token = testing::ValidVectors()[0].token;
  int index = 0;
  for (const Transform& t : kTransforms) {
    std::string path = Save(dir, token, t, index++);
    auto texts = ReadQrCodesFromFile(path);
    BOOST_REQUIRE_MESSAGE(texts.ok(), t.name << ": " << texts.status().ToString());
    BOOST_REQUIRE_MESSAGE(texts->size() == 1u, t.name << ": " << texts->size() << " codes");
    BOOST_CHECK_MESSAGE((*texts)[0] == token, t.name << ": " << (*texts)[0]);
  }
}

BOOST_AUTO_TEST_CASE(every_vector_token_survives_a_photo) {
  TempDir dir;
  auto valid = testing::ValidVectors();
  for (size_t i = 0; i < valid.size(); ++i) {
    // Tokens with spaces and '/' in their signature must come back byte for byte.
    const Transform& t = kTransforms[(i * 3 + 1) % std::size(kTransforms)];
    std::string path = Save(dir, valid[i].token, t, static_cast<int>(i));
    auto texts = ReadQrCodesFromFile(path);
    BOOST_REQUIRE(texts.ok());
    BOOST_REQUIRE_EQUAL(texts->size(), 1u);
    BOOST_CHECK_EQUAL((*texts)[0], valid[i].token);
  }
}

BOOST_AUTO_TEST_CASE(no_code_and_bad_files) {
  TempDir dir;
  // A blank white PNG: read fine, no code.
  SurfacePtr blank(cairo_image_surface_create(CAIRO_FORMAT_RGB24, 200, 200), cairo_surface_destroy);
  cairo_t* cr = cairo_create(blank.get());
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_destroy(cr);
  BOOST_REQUIRE(cairo_surface_write_to_png(blank.get(), dir.File("blank.png").c_str()) ==
                CAIRO_STATUS_SUCCESS);
  auto none = ReadQrCodesFromFile(dir.File("blank.png"));
  BOOST_REQUIRE(none.ok());
  BOOST_CHECK(none->empty());

  BOOST_CHECK_EQUAL(ReadQrCodesFromFile(dir.File("missing.png")).status().code(), "IO_ERROR");
  std::ofstream(dir.File("note.txt")) << "not an image";
  BOOST_CHECK_EQUAL(ReadQrCodesFromFile(dir.File("note.txt")).status().code(), "UNSUPPORTED_IMAGE");

  // Truncated files are BAD_IMAGE, never a crash.
  std::string jpeg_path = Save(dir, testing::ValidVectors()[0].token, kTransforms[4], 99);
  std::string png_path = Save(dir, testing::ValidVectors()[0].token, kTransforms[0], 98);
  for (const std::string& path : {jpeg_path, png_path}) {
    std::string bytes = cradle::testing::ReadFile(path);
    BOOST_REQUIRE_GT(bytes.size(), 100u);
    auto decoded = DecodeImageBytes(bytes.substr(0, 60));
    BOOST_CHECK_EQUAL(decoded.status().code(), "BAD_IMAGE");
    auto whole = DecodeImageBytes(bytes);
    BOOST_REQUIRE(whole.ok());
    BOOST_CHECK_GT(whole->width, 0);
    BOOST_CHECK_EQUAL(whole->pixels.size(),
                      static_cast<size_t>(whole->width) * static_cast<size_t>(whole->height));
  }
}

}  // namespace
}  // namespace cradle::scan
