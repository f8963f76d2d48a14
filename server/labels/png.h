// A small, fast PNG encoder for the label rasters (cairo's writer uses zlib's default level,
// which costs more than drawing the label).
//
// Internal to cradle_labels. Stateless and thread-safe.
#pragma once

#include <string>

#include "core/status.h"

namespace cradle::labels::internal {

// Encodes a cairo CAIRO_FORMAT_RGB24 image (native-endian 0xXXRRGGBB words, `stride` bytes a
// row) as an 8-bit indexed PNG with a pHYs chunk for `dpi`. A label holds only black, white
// and orange-yellow plus antialiasing between them, so pixels are quantised to a 48-entry
// palette (16 steps on each of the three blends); one byte a pixel, the Up filter and zlib's
// RLE strategy make it small and fast (deflate dominated the cost of a label).
Result<std::string> EncodePngRgb24(const unsigned char* data, int width, int height, int stride,
                                   int dpi);

}  // namespace cradle::labels::internal
