// ZPL output for 203-dpi thermal printers (8 dots/mm).
//
// One ^XA..^XZ block per label: the layout drawn (without the QR) into a 1-bit raster sent as
// one ^GFA graphic field (a stock printer has no CJK font), and the QR as a native ^BQN field
// in manual alphanumeric mode at ECC level Q. Field data goes through ^FH hex escaping, so no
// value can inject ZPL commands.
//
// Internal to cradle_labels. Stateless and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "server/labels/label.h"

namespace cradle::labels::internal {

inline constexpr int kZplDotsPerMm = 8;

// One label as a ^XA..^XZ block.
Result<std::string> RenderZplLabel(const LabelContent& content, LabelSize size, const QrMatrix& qr,
                                   bool compress);

// The ^GFA data for a 1-bit raster (`rows` rows of `row_bytes` bytes, MSB first, 1 = black):
// plain hex, or with ZPL's run-length compression (G-Y/g-z counts, ',' '!' ':' row codes).
std::string ZplGraphicData(const std::vector<uint8_t>& bits, int row_bytes, int rows,
                           bool compress);

// `text` for a ^FH_ field: '_', '^', '~', and anything outside printable ASCII as _XX.
std::string ZplHexEscape(const std::string& text);

}  // namespace cradle::labels::internal
