// The one label layout: draws an HJ 1276-2022 label onto any cairo context.
//
// Every output (SVG, PNG, PDF, ZPL raster) calls DrawLabel on its own surface; only the
// DrawOptions differ. Geometry is in millimetres with the origin at the label's top-left, and
// is one routine for all sizes, scaled, except that text heights follow HJ 1276's per-size
// minimums (3 / 5 / 6 mm).
//
// Internal to cradle_labels (and its tests). Stateless; thread-safe as long as each thread
// draws on its own cairo context.
#pragma once

#include <cairo.h>

#include <string>
#include <vector>

#include "core/status.h"
#include "server/labels/label.h"

namespace cradle::labels::internal {

struct Rect {
  double x = 0, y = 0, w = 0, h = 0;
  double Right() const { return x + w; }
  double Bottom() const { return y + h; }
};

struct DrawOptions {
  bool colour = true;   // orange-yellow ground; false draws black on white (thermal raster)
  bool draw_qr = true;  // false leaves the QR area blank (ZPL draws a native ^BQ there)
  bool antialias = true;
  // Device pixels (or printer dots) per mm; > 0 snaps QR modules to a whole number of them.
  double device_per_mm = 0;
};

// Where one piece of text went, for tests and overflow checks.
struct TextBox {
  std::string name;  // caption or role, e.g. "废物名称", "title", "digital_id"
  Rect allotted;     // the cell interior the text may use
  Rect logical;      // pango's logical extents as drawn
  int lines = 0;     // lines drawn
  int unknown_glyphs = 0;
  bool ellipsized = false;
  double font_mm = 0;  // em height
};

struct LayoutReport {
  double size_mm = 0;
  Rect border_inner;        // inside edge of the border line
  Rect qr_zone;             // the QR including its 4-module quiet zone (white)
  double qr_module_mm = 0;  // one module's side
  int qr_modules = 0;       // modules per side without quiet zone
  double min_text_mm = 0;   // HJ 1276 minimum for this size
  std::vector<TextBox> boxes;
  int unknown_glyphs = 0;  // over all text
};

// Draws `content` with `qr` onto `cr`, whose user space must already be millimetres. Content
// is sanitised here; every text is wrapped and ellipsized inside its cell.
Result<LayoutReport> DrawLabel(cairo_t* cr, const LabelContent& content, LabelSize size,
                               const QrMatrix& qr, const DrawOptions& options);

// HJ 1276 minimum text height for a label size: 3, 5 or 6 mm.
double MinTextHeightMm(LabelSize size);

}  // namespace cradle::labels::internal
