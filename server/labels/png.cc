#include "server/labels/png.h"

#include <zlib.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

namespace cradle::labels::internal {
namespace {

void PutU32(std::string& out, uint32_t v) {
  out.push_back(static_cast<char>(v >> 24));
  out.push_back(static_cast<char>(v >> 16));
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v));
}

void PutChunk(std::string& out, const char type[4], const std::string& body) {
  PutU32(out, static_cast<uint32_t>(body.size()));
  const size_t start = out.size();
  out.append(type, 4);
  out += body;
  const auto* p = reinterpret_cast<const Bytef*>(out.data() + start);
  PutU32(out, static_cast<uint32_t>(crc32(0L, p, static_cast<uInt>(body.size() + 4))));
}

// Palette: 0..15 black->white, 16..31 black->orange (255,150,0), 32..47 orange->white.
constexpr int kSteps = 16;

std::string Palette() {
  std::string plte;
  auto rgb = [&plte](int r, int g, int b) {
    plte.push_back(static_cast<char>(r));
    plte.push_back(static_cast<char>(g));
    plte.push_back(static_cast<char>(b));
  };
  for (int k = 0; k < kSteps; ++k) {
    const int v = k * 255 / (kSteps - 1);
    rgb(v, v, v);
  }
  for (int k = 0; k < kSteps; ++k) rgb(255 * k / (kSteps - 1), 150 * k / (kSteps - 1), 0);
  for (int k = 0; k < kSteps; ++k) {
    rgb(255, 150 + 105 * k / (kSteps - 1), 255 * k / (kSteps - 1));
  }
  return plte;
}

int Step(uint32_t v) { return static_cast<int>((v * (kSteps - 1) + 127) / 255); }

// Nearest palette entry for an xRGB pixel on one of the label's three blends.
uint8_t Quantise(uint32_t w) {
  const uint32_t r = (w >> 16) & 255, g = (w >> 8) & 255, b = w & 255;
  if (b == 0 && g <= r) return static_cast<uint8_t>(kSteps + Step(r));          // black..orange
  if (r >= 250 && g >= 140) return static_cast<uint8_t>(2 * kSteps + Step(b));  // orange..white
  return static_cast<uint8_t>(Step((r * 299 + g * 587 + b * 114) / 1000));      // grey
}

}  // namespace

Result<std::string> EncodePngRgb24(const unsigned char* data, int width, int height, int stride,
                                   int dpi) {
  const size_t row = static_cast<size_t>(width);
  std::vector<uint8_t> cur(row), prev(row, 0), filtered(row + 1);

  z_stream zs{};
  if (deflateInit2(&zs, 1, Z_DEFLATED, 15, 8, Z_RLE) != Z_OK) {
    return Status("RENDER_FAILED", "zlib init failed");
  }
  std::string idat;
  idat.resize(deflateBound(&zs, static_cast<uLong>((row + 1) * height)));
  zs.next_out = reinterpret_cast<Bytef*>(idat.data());
  zs.avail_out = static_cast<uInt>(idat.size());

  for (int y = 0; y < height; ++y) {
    const auto* words = reinterpret_cast<const uint32_t*>(data + static_cast<size_t>(y) * stride);
    uint32_t last = words[0] ^ 1;  // flat runs are the rule: quantise only on change
    uint8_t last_index = 0;
    for (int x = 0; x < width; ++x) {
      const uint32_t w = words[x] & 0xFFFFFF;
      if (w != last) {
        last = w;
        last_index = Quantise(w);
      }
      cur[x] = last_index;
    }
    filtered[0] = 2;  // Up: rows of a label repeat, so most bytes become zero
    for (size_t i = 0; i < row; ++i) filtered[i + 1] = static_cast<uint8_t>(cur[i] - prev[i]);
    zs.next_in = filtered.data();
    zs.avail_in = static_cast<uInt>(filtered.size());
    if (deflate(&zs, y + 1 == height ? Z_FINISH : Z_NO_FLUSH) == Z_STREAM_ERROR) {
      deflateEnd(&zs);
      return Status("RENDER_FAILED", "zlib deflate failed");
    }
    cur.swap(prev);
  }
  const bool done = zs.avail_in == 0;
  idat.resize(zs.total_out);
  deflateEnd(&zs);
  if (!done) return Status("RENDER_FAILED", "zlib output overflow");

  std::string out("\x89PNG\r\n\x1a\n", 8);
  std::string ihdr;
  PutU32(ihdr, static_cast<uint32_t>(width));
  PutU32(ihdr, static_cast<uint32_t>(height));
  ihdr +=
      std::string("\x08\x03\x00\x00\x00", 5);  // 8-bit, indexed, deflate, adaptive, no interlace
  PutChunk(out, "IHDR", ihdr);
  PutChunk(out, "PLTE", Palette());
  std::string phys;
  const auto ppm = static_cast<uint32_t>(std::lround(dpi / 0.0254));
  PutU32(phys, ppm);
  PutU32(phys, ppm);
  phys.push_back('\x01');  // unit: metre
  PutChunk(out, "pHYs", phys);
  PutChunk(out, "IDAT", idat);
  PutChunk(out, "IEND", std::string());
  return out;
}

}  // namespace cradle::labels::internal
