// HJ 1276-2022 hazardous-waste labels: one layout, four outputs (SVG, PNG, PDF, ZPL).
//
// The renderer takes plain data only (no store, no HTTP). Every output format is a surface of
// the same layout routine (layout.h), so what a printer prints is what a browser shows.
//
// Errors (Status codes a client may see):
//   MALFORMED      the token is not QR-alphanumeric or too long for a QR code
//   INVALID_FIELD  unsupported size, format, dpi or print-run length
//   RENDER_FAILED  cairo/pango failed (out of memory, font missing)
//
// Thread safety: all functions are reentrant and may run concurrently on any threads; the font
// map is cached per thread (pango font maps are not thread-safe).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace cradle::labels {

// Everything printed on a label; all UTF-8 (invalid sequences are replaced with U+FFFD).
struct LabelContent {
  std::string waste_name;  // e.g. 生活垃圾焚烧飞灰
  std::string category;    // e.g. HW18 焚烧处置残渣
  std::string waste_code;  // 772-002-18
  std::string form;        // 固态 / 液态 / 半固态 ...
  std::string hazards;     // e.g. T (毒性)
  std::string components;  // main components, may be empty
  std::string hazardous_components;
  std::string precautions;
  std::string producer_name;  // 产生单位
  std::string producer_uscc;
  std::string contact;      // contact person and telephone
  std::string produced_on;  // YYYY-MM-DD
  std::string mass;         // declared mass for display, e.g. "1250.5 kg"
  std::string packaging;    // 吨袋 ...
  std::string remarks;
  std::string digital_id;  // 37 chars, printed in clear under the QR
  std::string token;       // WM1 token: the QR payload
};

enum class LabelSize { k100 = 100, k150 = 150, k200 = 200 };  // mm, square
enum class LabelFormat { kSvg, kPng, kPdf, kZpl };

// A QR symbol as a square grid of modules, without the quiet zone.
struct QrMatrix {
  static constexpr int kQuietZone = 4;  // modules of blank margin every renderer keeps
  int version = 0;                      // 1..40
  int width = 0;                        // modules per side = 17 + 4 * version
  char ecc = 'Q';                       // error-correction level
  bool alphanumeric = true;             // encoded in QR alphanumeric mode
  std::vector<uint8_t> modules;         // width * width, row-major, 1 = dark

  bool Dark(int x, int y) const { return modules[static_cast<size_t>(y) * width + x] != 0; }
};

struct RenderOptions {
  // PNG resolution. 200 dpi gives 787 px at 100 mm; 300 dpi gives 1181 px. Allowed 72..1200.
  int png_dpi = 200;
  // ZPL ^GFA data with ZPL's run-length hex compression (every Zebra printer since the 1990s
  // reads it); false writes plain hex.
  bool zpl_compress = true;
};

inline constexpr size_t kMaxPrintRun = 1000;

// Encodes `token` in QR alphanumeric mode at ECC level Q, smallest version that fits.
Result<QrMatrix> EncodeQr(std::string_view token);

// The bytes of one label file in `format`.
Result<std::string> RenderLabel(const LabelContent& content, LabelSize size, LabelFormat format,
                                const RenderOptions& options = {});

// A print run: one multi-page PDF (a page per label) or one ZPL stream (^XA..^XZ per label),
// 1..kMaxPrintRun labels. Other formats are INVALID_FIELD.
Result<std::string> RenderPrintRun(const std::vector<LabelContent>& contents, LabelSize size,
                                   LabelFormat format, const RenderOptions& options = {});

// Streaming form of RenderPrintRun: output bytes go to `sink` as each page completes, so a
// 1000-label run never holds more than one label's raster. A non-OK Status from the sink
// aborts the run and is returned.
using ByteSink = std::function<Status(std::string_view)>;
Status StreamPrintRun(const std::vector<LabelContent>& contents, LabelSize size, LabelFormat format,
                      const ByteSink& sink, const RenderOptions& options = {});

// "image/svg+xml", "image/png", "application/pdf", "application/x-zpl".
const char* MimeType(LabelFormat format);
// "svg", "png", "pdf", "zpl" <-> LabelFormat; nullopt for anything else.
std::optional<LabelFormat> ParseLabelFormat(std::string_view extension);
// 100, 150, 200 -> LabelSize; nullopt for anything else.
std::optional<LabelSize> ParseLabelSize(int millimetres);

}  // namespace cradle::labels
