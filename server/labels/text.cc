#include "server/labels/text.h"

#include <cmath>
#include <map>
#include <tuple>

namespace cradle::labels::internal {
namespace {

struct FontDescFree {
  void operator()(PangoFontDescription* p) const { pango_font_description_free(p); }
};

// One per thread: the font map (fontconfig's scan is the expensive part) and descriptions.
struct ThreadFonts {
  std::unique_ptr<PangoFontMap, GObjectUnref> map{pango_cairo_font_map_new()};
  std::map<std::tuple<bool, bool, long>, std::unique_ptr<PangoFontDescription, FontDescFree>> fonts;
};

ThreadFonts& Fonts() {
  thread_local ThreadFonts fonts;
  return fonts;
}

}  // namespace

ContextPtr NewContextFor(cairo_t* cr, bool antialias) {
  ContextPtr ctx(pango_font_map_create_context(Fonts().map.get()));
  if (!ctx) return ctx;
  // Millimetre user units: rounding glyph positions to whole units would wreck the text.
  pango_context_set_round_glyph_positions(ctx.get(), FALSE);
  cairo_font_options_t* opts = cairo_font_options_create();
  cairo_font_options_set_hint_style(opts, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_hint_metrics(opts, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_antialias(opts, antialias ? CAIRO_ANTIALIAS_GRAY : CAIRO_ANTIALIAS_NONE);
  pango_cairo_context_set_font_options(ctx.get(), opts);
  cairo_font_options_destroy(opts);
  pango_cairo_update_context(cr, ctx.get());
  return ctx;
}

const PangoFontDescription* Font(bool mono, bool bold, double size_mm) {
  const long key_size = std::lround(size_mm * 1000);
  auto& slot = Fonts().fonts[{mono, bold, key_size}];
  if (!slot) {
    PangoFontDescription* d = pango_font_description_new();
    pango_font_description_set_family(d, mono ? kMonoFamily : kFontFamily);
    pango_font_description_set_weight(d, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_absolute_size(d, size_mm * PANGO_SCALE);
    slot.reset(d);
  }
  return slot.get();
}

std::string SanitizeText(std::string_view text, size_t max_bytes) {
  gchar* valid = g_utf8_make_valid(text.data(), static_cast<gssize>(text.size()));
  std::string out;
  out.reserve(text.size());
  bool last_space = true;  // also trims leading spaces
  for (const gchar* p = valid; *p; p = g_utf8_next_char(p)) {
    const gunichar c = g_utf8_get_char(p);
    const gchar* next = g_utf8_next_char(p);
    const bool space = g_unichar_isspace(c) || g_unichar_iscntrl(c) ||
                       g_unichar_type(c) == G_UNICODE_FORMAT ||
                       g_unichar_type(c) == G_UNICODE_LINE_SEPARATOR ||
                       g_unichar_type(c) == G_UNICODE_PARAGRAPH_SEPARATOR;
    if (space) {
      if (!last_space) {
        if (out.size() + 1 > max_bytes) break;
        out.push_back(' ');
      }
      last_space = true;
      continue;
    }
    const size_t len = static_cast<size_t>(next - p);
    if (out.size() + len > max_bytes) break;
    out.append(p, len);
    last_space = false;
  }
  g_free(valid);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace cradle::labels::internal
