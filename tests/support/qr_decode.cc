#include "tests/support/qr_decode.h"

#include <ZXing/ReadBarcode.h>
#include <cairo.h>

#include <cstring>
#include <memory>

namespace cradle::testing {
namespace {

struct SurfaceFree {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
using SurfacePtr = std::unique_ptr<cairo_surface_t, SurfaceFree>;

struct MemReader {
  const std::string* bytes;
  size_t pos = 0;
};

cairo_status_t ReadMem(void* closure, unsigned char* data, unsigned int length) {
  auto* r = static_cast<MemReader*>(closure);
  if (r->pos + length > r->bytes->size()) return CAIRO_STATUS_READ_ERROR;
  std::memcpy(data, r->bytes->data() + r->pos, length);
  r->pos += length;
  return CAIRO_STATUS_SUCCESS;
}

// cairo gives ARGB32 (premultiplied) or RGB24 for PNGs; composite on white, then luminance.
Result<GreyImage> ToGrey(cairo_surface_t* s) {
  if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
    return Status("MALFORMED", cairo_status_to_string(cairo_surface_status(s)));
  }
  const cairo_format_t format = cairo_image_surface_get_format(s);
  if (format != CAIRO_FORMAT_ARGB32 && format != CAIRO_FORMAT_RGB24) {
    return Status("MALFORMED", "unsupported PNG pixel format");
  }
  cairo_surface_flush(s);
  GreyImage g;
  g.width = cairo_image_surface_get_width(s);
  g.height = cairo_image_surface_get_height(s);
  g.pixels.resize(static_cast<size_t>(g.width) * g.height);
  const unsigned char* data = cairo_image_surface_get_data(s);
  const int stride = cairo_image_surface_get_stride(s);
  for (int y = 0; y < g.height; ++y) {
    const auto* row = reinterpret_cast<const uint32_t*>(data + static_cast<size_t>(y) * stride);
    for (int x = 0; x < g.width; ++x) {
      const uint32_t p = row[x];
      const uint32_t a = format == CAIRO_FORMAT_ARGB32 ? p >> 24 : 255;
      // Premultiplied colour over white: c + (255 - a).
      const uint32_t r = ((p >> 16) & 255) + 255 - a;
      const uint32_t gr = ((p >> 8) & 255) + 255 - a;
      const uint32_t b = (p & 255) + 255 - a;
      g.pixels[static_cast<size_t>(y) * g.width + x] =
          static_cast<uint8_t>((r * 299 + gr * 587 + b * 114) / 1000);
    }
  }
  return g;
}

}  // namespace

Result<GreyImage> LoadPngGrey(const std::string& path) {
  SurfacePtr s(cairo_image_surface_create_from_png(path.c_str()));
  if (cairo_surface_status(s.get()) == CAIRO_STATUS_FILE_NOT_FOUND ||
      cairo_surface_status(s.get()) == CAIRO_STATUS_READ_ERROR) {
    return Status("IO_ERROR", "cannot read " + path);
  }
  return ToGrey(s.get());
}

Result<GreyImage> DecodePngGrey(const std::string& png_bytes) {
  MemReader reader{&png_bytes};
  SurfacePtr s(cairo_image_surface_create_from_png_stream(ReadMem, &reader));
  return ToGrey(s.get());
}

std::vector<std::string> DecodeQr(const GreyImage& image) {
  std::vector<std::string> texts;
  if (image.width <= 0 || image.height <= 0) return texts;
  ZXing::ImageView view(image.pixels.data(), image.width, image.height, ZXing::ImageFormat::Lum);
  ZXing::DecodeHints hints;
  hints.setFormats(ZXing::BarcodeFormat::QRCode);
  hints.setTryHarder(true);
  for (const ZXing::Result& r : ZXing::ReadBarcodes(view, hints)) {
    if (r.isValid()) texts.push_back(r.text());
  }
  return texts;
}

Result<std::vector<std::string>> DecodeQrFromPngFile(const std::string& path) {
  Result<GreyImage> g = LoadPngGrey(path);
  if (!g.ok()) return g.status();
  return DecodeQr(*g);
}

Result<std::vector<std::string>> DecodeQrFromPng(const std::string& png_bytes) {
  Result<GreyImage> g = DecodePngGrey(png_bytes);
  if (!g.ok()) return g.status();
  return DecodeQr(*g);
}

}  // namespace cradle::testing
