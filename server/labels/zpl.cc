#include "server/labels/zpl.h"

#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "server/labels/layout.h"

namespace cradle::labels::internal {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";

struct SurfaceFree {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct CairoFree {
  void operator()(cairo_t* c) const { cairo_destroy(c); }
};

// ZPL repeat count prefix: g..z are 20..400 in steps of 20, G..Y are 1..19.
void AppendCount(std::string& out, int n) {
  while (n >= 400) {
    out.push_back('z');
    n -= 400;
  }
  if (n >= 20) {
    out.push_back(static_cast<char>('g' + n / 20 - 1));
    n %= 20;
  }
  if (n > 0) out.push_back(static_cast<char>('G' + n - 1));
}

std::string CompressRow(const std::string& hex) {
  // A row of zeros or ones, or its tail, is one character.
  size_t end = hex.size();
  char tail = 0;
  if (hex.back() == '0' || hex.back() == 'F') {
    tail = hex.back();
    while (end > 0 && hex[end - 1] == tail) --end;
  }
  std::string out;
  for (size_t i = 0; i < end;) {
    size_t j = i;
    while (j < end && hex[j] == hex[i]) ++j;
    const int n = static_cast<int>(j - i);
    if (n > 1) AppendCount(out, n);
    out.push_back(hex[i]);
    i = j;
  }
  if (tail != 0) out.push_back(tail == '0' ? ',' : '!');
  return out;
}

}  // namespace

std::string ZplGraphicData(const std::vector<uint8_t>& bits, int row_bytes, int rows,
                           bool compress) {
  std::string out;
  std::string prev;
  std::string hex(static_cast<size_t>(row_bytes) * 2, '0');
  for (int r = 0; r < rows; ++r) {
    for (int i = 0; i < row_bytes; ++i) {
      const uint8_t b = bits[static_cast<size_t>(r) * row_bytes + i];
      hex[2 * i] = kHex[b >> 4];
      hex[2 * i + 1] = kHex[b & 15];
    }
    if (!compress) {
      out += hex;
    } else if (r > 0 && hex == prev) {
      out.push_back(':');  // same as the previous row
    } else {
      out += CompressRow(hex);
      prev = hex;
    }
  }
  return out;
}

std::string ZplHexEscape(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (c == '_' || c == '^' || c == '~' || c < 0x20 || c > 0x7E) {
      out.push_back('_');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

Result<std::string> RenderZplLabel(const LabelContent& content, LabelSize size, const QrMatrix& qr,
                                   bool compress) {
  const double mm = static_cast<double>(size);
  const int dots = static_cast<int>(mm) * kZplDotsPerMm;
  std::unique_ptr<cairo_surface_t, SurfaceFree> surface(
      cairo_image_surface_create(CAIRO_FORMAT_A8, dots, dots));  // alpha = ink
  std::unique_ptr<cairo_t, CairoFree> cr(cairo_create(surface.get()));
  cairo_scale(cr.get(), kZplDotsPerMm, kZplDotsPerMm);
  DrawOptions opt;
  opt.colour = false;
  opt.draw_qr = false;
  opt.device_per_mm = kZplDotsPerMm;
  Result<LayoutReport> report = DrawLabel(cr.get(), content, size, qr, opt);
  if (!report.ok()) return report.status();
  cairo_surface_flush(surface.get());
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return Status("RENDER_FAILED", "ZPL raster surface failed");
  }

  // Threshold to 1 bit, MSB first.
  const int row_bytes = (dots + 7) / 8;
  std::vector<uint8_t> bits(static_cast<size_t>(row_bytes) * dots, 0);
  const unsigned char* data = cairo_image_surface_get_data(surface.get());
  const int stride = cairo_image_surface_get_stride(surface.get());
  for (int y = 0; y < dots; ++y) {
    const unsigned char* row = data + static_cast<size_t>(y) * stride;
    uint8_t* out = &bits[static_cast<size_t>(y) * row_bytes];
    for (int x = 0; x < dots; ++x) {
      if (row[x] >= 128) out[x >> 3] |= static_cast<uint8_t>(0x80 >> (x & 7));
    }
  }
  const size_t total = bits.size();

  // The QR: ^BQN magnification is whole dots per module, 1..10.
  const int unit = static_cast<int>(std::lround(report->qr_module_mm * kZplDotsPerMm));
  const int mag = std::clamp(unit, 1, 10);
  const int total_modules = qr.width + 2 * QrMatrix::kQuietZone;
  const int shift = (unit - mag) * total_modules / 2;  // recentre if capped
  const int qx = static_cast<int>(std::lround(report->qr_zone.x * kZplDotsPerMm)) + shift +
                 QrMatrix::kQuietZone * mag;
  const int qy = static_cast<int>(std::lround(report->qr_zone.y * kZplDotsPerMm)) + shift +
                 QrMatrix::kQuietZone * mag;

  std::string z;
  z.reserve(total / 4 + 512);
  z += "^XA\n^CI28\n";
  z += "^PW" + std::to_string(dots) + "\n^LL" + std::to_string(dots) + "\n^LH0,0\n";
  z += "^FO0,0^GFA," + std::to_string(total) + "," + std::to_string(total) + "," +
       std::to_string(row_bytes) + ",";
  z += ZplGraphicData(bits, row_bytes, dots, compress);
  z += "^FS\n";
  z += "^FO" + std::to_string(qx) + "," + std::to_string(qy) + "^BQN,2," + std::to_string(mag) +
       "^FH_^FDQM,A" + ZplHexEscape(content.token) + "^FS\n";
  z += "^PQ1\n^XZ\n";
  return z;
}

}  // namespace cradle::labels::internal
