#include "server/labels/layout.h"

#include <algorithm>
#include <cmath>

#include "server/labels/text.h"

namespace cradle::labels::internal {
namespace {

// HJ 1276-2022: orange-yellow ground, RGB (255, 150, 0), black text.
constexpr double kOrange[3] = {1.0, 150.0 / 255.0, 0.0};
constexpr const char* kColon = "：";  // full-width colon after each caption
constexpr bool kIdMono = false;       // proportional digits are narrower than the Mono face

// All lengths in mm. Geometry scales with the label; text follows the per-size minimums.
struct Metrics {
  double size = 100, s = 1;
  double inset = 3, border = 1;       // blank margin outside the border, border width
  double font = 3.3, title_font = 7;  // em heights
  double cell_pad_v = 0.45, cell_pad_h = 0.8, rule = 0.25;
  double line = 0;  // one line of body text, measured
};

Metrics MetricsFor(LabelSize size) {
  Metrics m;
  m.size = static_cast<double>(size);
  m.s = m.size / 100.0;
  m.inset = 3.0 * m.s;   // >= 3 mm blank outside the border
  m.border = 1.0 * m.s;  // >= 1 mm border
  // Em height a little over the minimum so CJK ink height meets it.
  m.font = MinTextHeightMm(size) * 1.1;
  m.title_font = 6.5 * m.s;
  m.cell_pad_v = 0.3 + 0.1 * m.s;  // pango's line box already has leading
  m.cell_pad_h = 0.8 * m.s;
  m.rule = 0.25 * m.s;
  return m;
}

struct Cell {
  std::string caption;  // bold, followed by a full-width colon; empty for plain text
  std::string value;
};

// A table row: one or two cells side by side. Lower priority values get spare lines first.
struct Row {
  std::vector<Cell> cells;
  int priority = 0;
  int lines = 1;  // allotted
};

// Draws text and rules on one cairo context, recording every text box in the report.
// Borrows `cr`; lives for one DrawLabel call.
class Painter {
 public:
  Painter(cairo_t* cr, PangoContext* ctx, const Metrics& m, LayoutReport* report)
      : cr_(cr), ctx_(ctx), m_(m), report_(report) {}

  LayoutPtr Make(const Cell& cell, bool mono, bool bold, double font, double width, int max_lines,
                 PangoAlignment align, bool wrap_chars = false) const {
    LayoutPtr layout(pango_layout_new(ctx_));
    std::string text = cell.caption.empty() ? cell.value : cell.caption + kColon + cell.value;
    pango_layout_set_text(layout.get(), text.data(), static_cast<int>(text.size()));
    pango_layout_set_font_description(layout.get(), Font(mono, bold, font));
    pango_layout_set_width(layout.get(), static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_wrap(layout.get(), wrap_chars ? PANGO_WRAP_CHAR : PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(layout.get(), align);
    if (max_lines > 0) {
      pango_layout_set_height(layout.get(), -max_lines);
      pango_layout_set_ellipsize(layout.get(), PANGO_ELLIPSIZE_END);
    }
    if (!cell.caption.empty()) {
      PangoAttrList* attrs = pango_attr_list_new();
      PangoAttribute* bold_attr = pango_attr_weight_new(PANGO_WEIGHT_BOLD);
      bold_attr->start_index = 0;
      bold_attr->end_index = static_cast<guint>(cell.caption.size() + std::string(kColon).size());
      pango_attr_list_insert(attrs, bold_attr);
      pango_layout_set_attributes(layout.get(), attrs);
      pango_attr_list_unref(attrs);
    }
    return layout;
  }

  // Lines `cell` needs at `width` with no limit.
  int NeededLines(const Cell& cell, double width) const {
    LayoutPtr l = Make(cell, false, false, m_.font, width, 0, PANGO_ALIGN_LEFT);
    return pango_layout_get_line_count(l.get());
  }

  double LineHeight(bool mono, double font) const {
    LayoutPtr l = Make(Cell{"", "国A0"}, mono, false, font, 1000, 1, PANGO_ALIGN_LEFT);
    PangoRectangle logical;
    pango_layout_get_extents(l.get(), nullptr, &logical);
    return static_cast<double>(logical.height) / PANGO_SCALE;
  }

  // Draws `layout` inside `box`, vertically centred (or top-aligned), and records it.
  void Show(const std::string& name, PangoLayout* layout, const Rect& box, double font,
            bool centre_v = true) {
    PangoRectangle logical;
    pango_layout_get_extents(layout, nullptr, &logical);
    const double h = static_cast<double>(logical.height) / PANGO_SCALE;
    const double y = centre_v ? box.y + (box.h - h) / 2 : box.y;
    cairo_set_source_rgb(cr_, 0, 0, 0);
    cairo_move_to(cr_, box.x, y);
    pango_cairo_show_layout(cr_, layout);

    TextBox tb;
    tb.name = name;
    tb.allotted = box;
    tb.logical = Rect{box.x + static_cast<double>(logical.x) / PANGO_SCALE,
                      y + static_cast<double>(logical.y) / PANGO_SCALE,
                      static_cast<double>(logical.width) / PANGO_SCALE, h};
    tb.lines = pango_layout_get_line_count(layout);
    tb.unknown_glyphs = pango_layout_get_unknown_glyphs_count(layout);
    tb.ellipsized = pango_layout_is_ellipsized(layout);
    tb.font_mm = font;
    report_->unknown_glyphs += tb.unknown_glyphs;
    report_->boxes.push_back(std::move(tb));
  }

  void Line(double x0, double y0, double x1, double y1, double width) {
    cairo_set_source_rgb(cr_, 0, 0, 0);
    cairo_set_line_width(cr_, width);
    cairo_move_to(cr_, x0, y0);
    cairo_line_to(cr_, x1, y1);
    cairo_stroke(cr_);
  }

  const Metrics& metrics() const { return m_; }

 private:
  cairo_t* cr_;
  PangoContext* ctx_;
  const Metrics& m_;
  LayoutReport* report_;
};

// Height one row needs for `lines` lines of body text.
double RowHeight(const Metrics& m, int lines) { return lines * m.line + 2 * m.cell_pad_v; }

// Gives each row one line, then spare lines by priority to rows whose text needs them.
// Returns false if even one line per row does not fit in `height`.
bool AllotLines(Painter& p, std::vector<Row>& rows, double width, double height) {
  const Metrics& m = p.metrics();
  double used = 0;
  for (auto& r : rows) {
    r.lines = 1;
    used += RowHeight(m, 1);
  }
  if (used > height + 1e-6) return false;
  int spare = static_cast<int>(std::floor((height - used) / m.line + 1e-6));
  std::vector<int> need(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const double cell_w = width / rows[i].cells.size() - 2 * m.cell_pad_h;
    for (const auto& c : rows[i].cells) need[i] = std::max(need[i], p.NeededLines(c, cell_w));
  }
  std::vector<size_t> order(rows.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return rows[a].priority < rows[b].priority; });
  // Round-robin, so one very long value cannot take every spare line.
  bool gave = true;
  while (spare > 0 && gave) {
    gave = false;
    for (size_t i : order) {
      if (spare > 0 && rows[i].lines < need[i]) {
        ++rows[i].lines;
        --spare;
        gave = true;
      }
    }
  }
  return true;
}

// Draws rows top to bottom in `area`, spreading leftover height evenly, with rules between.
void DrawRows(Painter& p, const std::vector<Row>& rows, const Rect& area) {
  const Metrics& m = p.metrics();
  double natural = 0;
  for (const auto& r : rows) natural += RowHeight(m, r.lines);
  const double extra = rows.empty() ? 0 : (area.h - natural) / rows.size();
  double y = area.y;
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    const double h = RowHeight(m, r.lines) + extra;
    const double cell_w = area.w / r.cells.size();
    for (size_t c = 0; c < r.cells.size(); ++c) {
      const double x = area.x + c * cell_w;
      if (c > 0) p.Line(x, y, x, y + h, m.rule);
      Rect box{x + m.cell_pad_h, y + m.cell_pad_v, cell_w - 2 * m.cell_pad_h, h - 2 * m.cell_pad_v};
      LayoutPtr l = p.Make(r.cells[c], false, false, m.font, box.w, r.lines, PANGO_ALIGN_LEFT);
      p.Show(r.cells[c].caption, l.get(), box, m.font);
    }
    y += h;
    if (i + 1 < rows.size()) p.Line(area.x, y, area.Right(), y, m.rule);
  }
}

struct QrPlace {
  double x = 0, y = 0, module = 0;
};

// The side of a `total`-module QR about `side` mm long. With device units (pixels, dots) each
// module is a whole number of them: the nearest count if the result stays within `limit`,
// else the count that fits in `side`.
double SnapQrSide(double side, double limit, int total, double device_per_mm) {
  if (device_per_mm <= 0) return side;
  const double exact = side * device_per_mm / total;
  int unit = static_cast<int>(std::lround(exact));
  if (unit * total / device_per_mm > limit) unit = static_cast<int>(std::floor(exact));
  return std::max(1, unit) * total / device_per_mm;
}

// A `side`-mm QR centred horizontally in [x, x + w) at top `y`, on the device grid if any.
QrPlace PlaceQr(double x, double w, double y, double side, int total, double device_per_mm) {
  QrPlace at{x + (w - side) / 2, y, side / total};
  if (device_per_mm > 0) {
    at.x = std::round(at.x * device_per_mm) / device_per_mm;
    at.y = std::round(at.y * device_per_mm) / device_per_mm;
  }
  return at;
}

void DrawQrModules(cairo_t* cr, const QrMatrix& qr, const QrPlace& at) {
  const double q = QrMatrix::kQuietZone;
  cairo_save(cr);
  cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);  // crisp module edges
  cairo_set_source_rgb(cr, 0, 0, 0);
  for (int y = 0; y < qr.width; ++y) {
    // One rectangle per horizontal run keeps PDF/SVG small.
    for (int x = 0; x < qr.width;) {
      if (!qr.Dark(x, y)) {
        ++x;
        continue;
      }
      int end = x;
      while (end < qr.width && qr.Dark(end, y)) ++end;
      cairo_rectangle(cr, at.x + (q + x) * at.module, at.y + (q + y) * at.module,
                      (end - x) * at.module, at.module);
      x = end;
    }
  }
  cairo_fill(cr);
  cairo_restore(cr);
}

// The digital identification code on two lines, split after the 18-character USCC segment.
std::string SplitDigitalId(const std::string& id) {
  if (id.size() == 37) return id.substr(0, 18) + "\n" + id.substr(18);
  return id;
}

std::string Join(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return a + " " + b;
}

// Orange-yellow ground (colour outputs) and the border; returns the border's inside edge.
Rect DrawFrame(cairo_t* cr, const Metrics& m, bool colour) {
  if (colour) {
    cairo_set_source_rgb(cr, kOrange[0], kOrange[1], kOrange[2]);
    cairo_paint(cr);
  }
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_set_line_width(cr, m.border);
  const double b = m.inset + m.border / 2;
  cairo_rectangle(cr, b, b, m.size - 2 * b, m.size - 2 * b);
  cairo_stroke(cr);
  const double in0 = m.inset + m.border;
  return Rect{in0, in0, m.size - 2 * in0, m.size - 2 * in0};
}

// The "危险废物" band across the top of `inner`; returns its height.
double DrawTitle(Painter& p, const Rect& inner) {
  const Metrics& m = p.metrics();
  const double h = m.title_font * 1.5;
  LayoutPtr l =
      p.Make(Cell{"", "危险废物"}, false, true, m.title_font, inner.w, 1, PANGO_ALIGN_CENTER);
  p.Show("title", l.get(), Rect{inner.x, inner.y, inner.w, h}, m.title_font);
  p.Line(inner.x, inner.y + h, inner.Right(), inner.y + h, m.rule * 2);
  return h;
}

// Width of the QR column: the digital id's longer line fits, within 39-45 % of the label.
double QrColumnWidth(Painter& p, const std::string& id, double inner_w) {
  const Metrics& m = p.metrics();
  LayoutPtr probe = p.Make(Cell{"", id}, kIdMono, false, m.font, 1000, 0, PANGO_ALIGN_LEFT);
  pango_layout_set_width(probe.get(), -1);
  PangoRectangle r;
  pango_layout_get_extents(probe.get(), nullptr, &r);
  const double id_w = static_cast<double>(r.width) / PANGO_SCALE;
  return std::clamp(id_w + 2 * m.cell_pad_h + 0.5 * m.s, 0.39 * inner_w, 0.45 * inner_w);
}

// The caption "数字识别码" and the code on two lines, in [x, x + w) from y down to `bottom`.
void DrawIdBlock(Painter& p, const std::string& id, double x, double w, double y, double bottom) {
  const Metrics& m = p.metrics();
  const double cap_h = std::min(m.line, (bottom - y) / 3);
  LayoutPtr cap = p.Make(Cell{"", "数字识别码"}, false, true, m.font, w, 1, PANGO_ALIGN_CENTER);
  p.Show("数字识别码", cap.get(), Rect{x, y, w, cap_h}, m.font);
  y += cap_h;
  LayoutPtr code = p.Make(Cell{"", id}, kIdMono, false, m.font, w, 2, PANGO_ALIGN_CENTER,
                          /*wrap_chars=*/true);
  p.Show("digital_id", code.get(), Rect{x, y, w, bottom - y}, m.font);
}

// Fields beside the QR (short values) and below it (long values, full width).
std::vector<Row> LeftRows(const LabelContent& in) {
  auto t = [](const std::string& s) { return SanitizeText(s); };
  return {
      {{{"废物名称", t(in.waste_name)}}, 0},
      {{{"废物类别", t(in.category)}}, 2},
      {{{"废物代码", t(in.waste_code)}}, 3},
      {{{"废物形态", t(in.form)}}, 3},
      {{{"危险特性", t(in.hazards)}}, 2},
      {{{"主要成分", t(in.components)}}, 1},
      {{{"有害成分", t(in.hazardous_components)}}, 1},
      {{{"产生日期", t(in.produced_on)}}, 3},
      {{{"废物重量", t(in.mass)}}, 3},
  };
}

std::vector<Row> BottomRows(const LabelContent& in) {
  auto t = [](const std::string& s) { return SanitizeText(s); };
  std::string producer = t(in.producer_name);
  const std::string uscc = t(in.producer_uscc);
  if (!uscc.empty()) producer = Join(producer, "（" + uscc + "）");
  return {
      {{{"注意事项", t(in.precautions)}}, 0},
      {{{"产生/收集单位", producer}}, 1},
      {{{"联系人和联系方式", t(in.contact)}}, 2},
      {{{"包装方式", t(in.packaging)}, {"备注", t(in.remarks)}}, 2},
  };
}

}  // namespace

double MinTextHeightMm(LabelSize size) {
  switch (size) {
    case LabelSize::k100:
      return 3.0;
    case LabelSize::k150:
      return 5.0;
    case LabelSize::k200:
      return 6.0;
  }
  return 6.0;
}

Result<LayoutReport> DrawLabel(cairo_t* cr, const LabelContent& in, LabelSize size,
                               const QrMatrix& qr, const DrawOptions& opt) {
  Metrics m = MetricsFor(size);
  LayoutReport report;
  report.size_mm = m.size;
  report.min_text_mm = MinTextHeightMm(size);
  report.qr_modules = qr.width;

  ContextPtr ctx = NewContextFor(cr, opt.antialias);
  if (!ctx) return Status("RENDER_FAILED", "no pango context");
  Painter p(cr, ctx.get(), m, &report);
  m.line = p.LineHeight(false, m.font);
  const double id_line = p.LineHeight(kIdMono, m.font);

  const Rect inner = DrawFrame(cr, m, opt.colour);
  report.border_inner = inner;
  const double top_y = inner.y + DrawTitle(p, inner);

  // Top section: fields on the left, QR and digital id on the right; bottom section: long
  // fields at full width. The QR gives way if the bottom rows would not get a line each.
  const std::string id = SplitDigitalId(SanitizeText(in.digital_id));
  const double qr_col_w = QrColumnWidth(p, id, inner.w);
  const double left_w = inner.w - qr_col_w;
  const double id_block_h = m.line + 2 * id_line + m.cell_pad_v;
  std::vector<Row> left = LeftRows(in);
  std::vector<Row> bottom = BottomRows(in);
  const double left_min = left.size() * RowHeight(m, 1);
  const double bottom_min = bottom.size() * RowHeight(m, 1);

  const int total = qr.width + 2 * QrMatrix::kQuietZone;
  const double dpm = opt.device_per_mm;
  double qr_side = SnapQrSide(qr_col_w - 2 * m.cell_pad_h, qr_col_w - 2 * m.rule, total, dpm);
  double top_h = std::max(2 * m.cell_pad_v + qr_side + id_block_h, left_min);
  const double spare = inner.Bottom() - top_y - top_h - bottom_min;
  if (spare < 0) {
    const double smaller = qr_side + spare;
    qr_side = SnapQrSide(smaller, smaller, total, dpm);
    top_h = std::max(2 * m.cell_pad_v + qr_side + id_block_h, left_min);
  }
  if (qr_side < 20 * m.s || top_y + top_h + bottom_min > inner.Bottom() + 1e-6) {
    return Status("RENDER_FAILED", "label layout does not fit");
  }
  const Rect left_area{inner.x, top_y, left_w, top_h};
  const Rect bottom_area{inner.x, top_y + top_h, inner.w, inner.Bottom() - top_y - top_h};
  if (!AllotLines(p, left, left_area.w, left_area.h) ||
      !AllotLines(p, bottom, bottom_area.w, bottom_area.h)) {
    return Status("RENDER_FAILED", "label rows do not fit");
  }
  DrawRows(p, left, left_area);
  DrawRows(p, bottom, bottom_area);
  p.Line(inner.x + left_w, top_y, inner.x + left_w, top_y + top_h, m.rule);
  p.Line(inner.x, top_y + top_h, inner.Right(), top_y + top_h, m.rule);

  // QR zone (white, quiet zone included), then the code in clear under it.
  const QrPlace at = PlaceQr(inner.x + left_w, qr_col_w, top_y + m.cell_pad_v, qr_side, total, dpm);
  report.qr_zone = Rect{at.x, at.y, at.module * total, at.module * total};
  report.qr_module_mm = at.module;
  if (opt.colour) {
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, at.x, at.y, report.qr_zone.w, report.qr_zone.h);
    cairo_fill(cr);
  }
  if (opt.draw_qr) DrawQrModules(cr, qr, at);
  DrawIdBlock(p, id, inner.x + left_w + m.cell_pad_h, qr_col_w - 2 * m.cell_pad_h,
              report.qr_zone.Bottom(), top_y + top_h - m.cell_pad_v);

  if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
    return Status("RENDER_FAILED", cairo_status_to_string(cairo_status(cr)));
  }
  return report;
}

}  // namespace cradle::labels::internal
