// Text helpers for the label layout: a per-thread pango font map, cached font descriptions,
// and sanitising of untrusted UTF-8.
//
// Internal to cradle_labels. Pango font maps are not thread-safe, so each thread owns one
// (created on first use, never freed before thread exit); nothing here is shared between
// threads.
#pragma once

#include <pango/pangocairo.h>

#include <memory>
#include <string>
#include <string_view>

namespace cradle::labels::internal {

inline constexpr const char* kFontFamily = "WenQuanYi Micro Hei";
inline constexpr const char* kMonoFamily = "WenQuanYi Micro Hei Mono";

struct GObjectUnref {
  void operator()(void* p) const { g_object_unref(p); }
};
using ContextPtr = std::unique_ptr<PangoContext, GObjectUnref>;
using LayoutPtr = std::unique_ptr<PangoLayout, GObjectUnref>;

// A pango context bound to `cr`'s transformation, from this thread's cached font map. User
// units of `cr` are millimetres, so glyph positions are never rounded to whole units.
// Returns null if pango could not give a context.
ContextPtr NewContextFor(cairo_t* cr, bool antialias);

// A cached font description: `size_mm` em height in user units (mm). Owned by the thread's
// cache; valid until the thread exits.
const PangoFontDescription* Font(bool mono, bool bold, double size_mm);

// Valid UTF-8 (invalid sequences become U+FFFD), control characters and line breaks become
// spaces, runs of spaces collapse, and the result is cut to at most `max_bytes` on a character
// boundary. What is printed is never what a hostile value asked for beyond plain text.
std::string SanitizeText(std::string_view text, size_t max_bytes = 1024);

}  // namespace cradle::labels::internal
