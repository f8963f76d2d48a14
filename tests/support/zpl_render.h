// Test support: an independent ZPL II interpreter that rasterises a label the way a printer
// would, so tests check what gets printed rather than what cradle meant to print.
//
// Written from the ZPL II programming guide, sharing no code with server/labels/zpl.* or with
// cradle's QR encoder: ^BQN symbols are encoded with zxing-cpp's own QR writer. Understood:
// ^XA ^XZ ^FO ^FS ^FH ^FD ^PW ^LL ^GFA (ASCII hex, with or without ZPL's compression: G..Y and
// g..z repeat counts, ',' '!' ':' row codes) and ^BQN (model 2, magnification 1..10; field data
// "<ecc><input>,<data>" with ecc H/Q/M/L, input A automatic or M manual + N/A/B<4 digits>/K).
// Every other command is skipped. The symbol's top-left module is drawn at the field origin
// (printers differ by a few dots here; tests leave a quiet zone around it).
//
// Errors are values: MALFORMED with what was wrong (unknown compression code, a row longer than
// declared, ^FD for a QR field in a form not listed above).
// Thread safety: stateless; safe from any thread.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "tests/support/qr_decode.h"

namespace cradle::testing {

struct ZplQrSymbol {
  int x = 0, y = 0;  // field origin, dots
  int magnification = 0;
  int modules = 0;   // symbol width in modules (no quiet zone)
  char ecc = 0;      // 'H', 'Q', 'M' or 'L'
  std::string text;  // after ^FH decoding and the mode prefix
};

struct ZplPage {
  GreyImage image;              // 0 = black dot, 255 = white; ^PW x ^LL dots
  std::vector<ZplQrSymbol> qr;  // every ^BQN field, in order
};

struct ZplRenderOptions {
  bool draw_graphics = true;  // ^GFA fields
  bool draw_barcodes = true;  // ^BQN fields
};

// One page per ^XA..^XZ block.
Result<std::vector<ZplPage>> RenderZpl(const std::string& zpl,
                                       const ZplRenderOptions& options = {});

}  // namespace cradle::testing
