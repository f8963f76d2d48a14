// Test support: decode QR codes from images with a real decoder (zxing-cpp).
//
// For tests only (unit, scanner and black-box). Every function returns the texts of all QR
// codes found, in the decoder's order; an empty vector means none was found. Errors reading
// the file come back as a Status (code IO_ERROR or MALFORMED).
//
// Thread safety: stateless; safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace cradle::testing {

// An 8-bit grey raster (0 = black, 255 = white), row-major, `width` bytes a row.
struct GreyImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;
};

// Loads a PNG (any colour type cairo reads) and converts it to luminance; transparent pixels
// are taken as on white.
Result<GreyImage> LoadPngGrey(const std::string& path);
// The same from PNG bytes in memory.
Result<GreyImage> DecodePngGrey(const std::string& png_bytes);

// All QR texts in `image`.
std::vector<std::string> DecodeQr(const GreyImage& image);
// All QR texts in the PNG file at `path`.
Result<std::vector<std::string>> DecodeQrFromPngFile(const std::string& path);
// All QR texts in PNG bytes.
Result<std::vector<std::string>> DecodeQrFromPng(const std::string& png_bytes);

}  // namespace cradle::testing
