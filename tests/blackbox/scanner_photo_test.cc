// Photos of printed labels: the server's label.png, scaled and rotated with cairo the way a
// handheld camera sees it, saved as PNG and as JPEG, read by `cradle-scan image` (libpng /
// libjpeg + zxing-cpp), queued with the weighed mass and accepted by the server on sync.
#define BOOST_TEST_MODULE blackbox_scanner_photo
#include <cairo-pdf.h>
#include <cairo.h>

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <numbers>

#include "tests/blackbox/scanner_harness.h"

namespace cradle::testing {
namespace {

struct PngReader {
  const std::string* bytes;
  size_t at = 0;
  static cairo_status_t Read(void* self, unsigned char* out, unsigned int length) {
    auto* r = static_cast<PngReader*>(self);
    if (r->at + length > r->bytes->size()) return CAIRO_STATUS_READ_ERROR;
    std::copy_n(r->bytes->data() + r->at, length, out);
    r->at += length;
    return CAIRO_STATUS_SUCCESS;
  }
};

// How the photo is taken.
struct Shot {
  double scale;
  double degrees;
  bool jpeg;
};

// Draws `label` scaled and rotated about its centre on a white page just large enough.
void Draw(cairo_t* cr, cairo_surface_t* label, const Shot& shot, double width, double height) {
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_translate(cr, width / 2, height / 2);
  cairo_rotate(cr, shot.degrees * std::numbers::pi / 180.0);
  cairo_scale(cr, shot.scale, shot.scale);
  const double w = cairo_image_surface_get_width(label);
  const double h = cairo_image_surface_get_height(label);
  cairo_set_source_surface(cr, label, -w / 2, -h / 2);
  cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
  cairo_paint(cr);
}

// Writes the photo of `png` (the server's label) to `path_base` + ".png" or ".jpg"; the path.
// JPEG goes through a one-page PDF at 72 dpi and poppler's pdftoppm (cairo writes no JPEG).
std::string TakePhoto(const std::string& png, const Shot& shot, const std::string& path_base) {
  PngReader reader{&png};
  cairo_surface_t* label = cairo_image_surface_create_from_png_stream(&PngReader::Read, &reader);
  BOOST_REQUIRE(cairo_surface_status(label) == CAIRO_STATUS_SUCCESS);
  const double w = cairo_image_surface_get_width(label) * shot.scale;
  const double h = cairo_image_surface_get_height(label) * shot.scale;
  const double rad = shot.degrees * std::numbers::pi / 180.0;
  const double out_w = std::ceil(std::abs(w * std::cos(rad)) + std::abs(h * std::sin(rad))) + 40;
  const double out_h = std::ceil(std::abs(w * std::sin(rad)) + std::abs(h * std::cos(rad))) + 40;
  std::string path;
  if (!shot.jpeg) {
    path = path_base + ".png";
    cairo_surface_t* page = cairo_image_surface_create(CAIRO_FORMAT_RGB24, static_cast<int>(out_w),
                                                       static_cast<int>(out_h));
    cairo_t* cr = cairo_create(page);
    Draw(cr, label, shot, out_w, out_h);
    cairo_destroy(cr);
    BOOST_REQUIRE(cairo_surface_write_to_png(page, path.c_str()) == CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(page);
  } else {
    const std::string pdf = path_base + ".pdf";
    cairo_surface_t* page = cairo_pdf_surface_create(pdf.c_str(), out_w, out_h);
    cairo_t* cr = cairo_create(page);
    Draw(cr, label, shot, out_w, out_h);
    cairo_destroy(cr);
    cairo_surface_finish(page);
    BOOST_REQUIRE(cairo_surface_status(page) == CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(page);
    std::string out;
    BOOST_REQUIRE_MESSAGE(
        RunCommand("pdftoppm -jpeg -r 72 -singlefile " + pdf + " " + path_base, &out) == 0, out);
    path = path_base + ".jpg";
    const std::string head = ReadFile(path).substr(0, 3);
    BOOST_REQUIRE_MESSAGE(head == "\xFF\xD8\xFF", "not a JPEG: " << path);
  }
  cairo_surface_destroy(label);
  return path;
}

}  // namespace

BOOST_AUTO_TEST_CASE(photos_of_printed_labels_are_read_queued_and_accepted) {
  ServerProcess server;
  BOOST_REQUIRE_MESSAGE(server.Start().ok(), "server start");
  const Deployment d = SetUpDeployment(server);
  const std::vector<Shot> shots = {
      {0.6, 7, false}, {0.6, 90, false}, {0.6, 7, true}, {0.6, 90, true}, {0.8, -12, true}};
  const auto labels = IssueLabels(server, d, static_cast<int>(shots.size()) + 1);
  ScannerCli scanner("scanner-c1");
  BOOST_REQUIRE(scanner.Enroll(server, d).rc == 0);

  std::string files;
  auto c = server.Client();
  auto photo = [&](size_t i, const Shot& shot) {
    auto png = c.Get("/api/v1/manifests/" + labels[i].id + "/label.png", Bearer(d.producer_token));
    BOOST_REQUIRE(png.ok());
    BOOST_REQUIRE_MESSAGE(png->status == 200, png->body);
    return TakePhoto(png->body, shot, scanner.home() + "/photo" + std::to_string(i));
  };
  for (size_t i = 0; i < shots.size(); ++i) files += " " + photo(i, shots[i]);
  const std::string unweighed = photo(shots.size(), {0.6, 30, false});
  // Not a label at all: a blank page.
  const std::string blank = scanner.home() + "/blank.png";
  cairo_surface_t* white = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 200, 200);
  cairo_t* cr = cairo_create(white);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_destroy(cr);
  BOOST_REQUIRE(cairo_surface_write_to_png(white, blank.c_str()) == CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy(white);

  BOOST_REQUIRE(server.Stop() == 0);  // photos are read offline

  CliRun read = scanner.Run("image" + files + " --kind pickup --mass 1250");
  BOOST_TEST_MESSAGE(read.out);
  BOOST_TEST(read.rc == 0, read.out);
  const auto accepted = read.Lines("ACCEPTED");
  BOOST_REQUIRE_EQUAL(accepted.size(), shots.size());
  for (size_t i = 0; i < shots.size(); ++i) {
    BOOST_TEST(accepted[i].find(labels[i].id) != std::string::npos, accepted[i]);
    BOOST_TEST(accepted[i].find("+0.00%") != std::string::npos, accepted[i]);
  }
  // A photo with no QR code, and one without the mass a pickup needs: exit 1, nothing queued.
  CliRun unreadable = scanner.Run("image " + blank + " --kind pickup --mass 1250");
  BOOST_TEST(unreadable.rc == 1, unreadable.out);
  BOOST_TEST(unreadable.Lines("UNREADABLE").size() == 1u, unreadable.out);
  CliRun massless = scanner.Run("image " + unweighed + " --kind pickup");
  BOOST_TEST(massless.rc == 1, massless.out);
  BOOST_TEST(massless.Lines("DROPPED").size() == 1u, massless.out);
  BOOST_TEST(massless.Has(labels.back().id), massless.out);
  BOOST_TEST(scanner.StatusCmd().Has(std::to_string(shots.size()) + " queued, 0 synced"));

  BOOST_REQUIRE_MESSAGE(server.Start().ok(), "server restart");
  CliRun synced = scanner.Sync();
  BOOST_TEST(synced.rc == 0, synced.out);
  BOOST_TEST(synced.Has(std::to_string(shots.size()) + " accepted"), synced.out);
  for (size_t i = 0; i < shots.size(); ++i) {
    auto m = GetManifest(server, labels[i].id);
    BOOST_TEST(JsonString(m, "status") == "collected");
    BOOST_TEST(m.at("timeline").as_array().back().at("mass_g").to_number<int64_t>() == 1'250'000);
  }
  BOOST_TEST(JsonString(GetManifest(server, labels.back().id), "status") == "issued");
  BOOST_TEST(server.Stop() == 0);
}

}  // namespace cradle::testing
