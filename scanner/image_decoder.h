// QR codes from photos of labels: PNG (libpng) and JPEG (libjpeg) files are loaded as 8-bit
// luminance and handed to zxing-cpp 1.4 (QR only, try rotate, try harder), so a skewed or
// sideways photo still reads; when that finds nothing, once more with a whole-image threshold
// (small modules blurred by JPEG compression).
//
// Errors are values: IO_ERROR when the file cannot be read, UNSUPPORTED_IMAGE for a format other
// than PNG or JPEG (recognised by its first bytes, not its name), BAD_IMAGE for a corrupt one.
//
// Thread safety: stateless functions; safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace cradle::scan {

// 8-bit grey, row-major, `width` bytes a row (0 black, 255 white).
struct GreyImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;
};

Result<GreyImage> LoadImageFile(const std::string& path);
Result<GreyImage> DecodeImageBytes(const std::string& bytes);

// The texts of every QR code found, in the decoder's order; empty when none.
std::vector<std::string> ReadQrCodes(const GreyImage& image);

// LoadImageFile then ReadQrCodes.
Result<std::vector<std::string>> ReadQrCodesFromFile(const std::string& path);

}  // namespace cradle::scan
