// Shared fixtures for the labels_* tests: WM1 vectors from the shared spec, sample label
// content, a scratch directory, external tools (pdftoppm, pdfinfo, rsvg-convert), and an
// independent decoder for ZPL ^GFA graphic fields.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "server/labels/label.h"
#include "tests/support/qr_decode.h"
#include "tests/support/temp_dir.h"

namespace cradle::labels::testing {

struct TokenVector {
  std::string token;
  std::string digital_id;
  std::string waste_code;
  std::string produced_on;
};

// The "valid" list of shared/spec/vectors/wm1.json, read at run time.
std::vector<TokenVector> LoadValidTokens();

// A realistic fly-ash label carrying `v`'s token and digital id.
LabelContent SampleContent(const TokenVector& v);

// The tests' scratch directory (tests/support/temp_dir.h), its files named as paths.
class TempDir : public ::cradle::testing::TempDir {
 public:
  TempDir() : ::cradle::testing::TempDir("cradle-labels") {}
  std::filesystem::path Path(const std::string& name) const { return File(name); }
};

void WriteFile(const std::filesystem::path& path, std::string_view bytes);
// Runs a shell command; returns its exit status (0 = success). stdout goes to `out` if given.
int Run(const std::string& command, std::string* out = nullptr);

// Decodes the QR codes of page `page` (1-based) of a PDF file via `pdftoppm -png -r 150`.
std::vector<std::string> DecodePdfPage(const TempDir& dir, const std::filesystem::path& pdf,
                                       int page);
// Number of pages `pdfinfo` reports, or -1.
int PdfPages(const std::filesystem::path& pdf);

// A ^GFA field found in a ZPL block.
struct ZplGraphic {
  int total_bytes = 0;  // first parameter
  int field_bytes = 0;  // second parameter
  int row_bytes = 0;    // third parameter
  std::string data;     // as written (possibly compressed)
};
// Every ^GFA field in `zpl`, in order.
std::vector<ZplGraphic> FindGraphics(const std::string& zpl);
// Expands ZPL ASCII-hex data (with or without compression) into bytes, written here from the
// ZPL manual independently of the encoder. Fails the current test on malformed data.
std::vector<uint8_t> ExpandGraphic(const ZplGraphic& g);

// `bits` (1 = black, MSB first, `row_bytes` a row) as a grey image, one pixel per dot.
cradle::testing::GreyImage BitsToGrey(const std::vector<uint8_t>& bits, int row_bytes, int rows);

// Fraction of pixels darker than 128 in a rectangle (clipped to the image).
double InkFraction(const cradle::testing::GreyImage& img, int x, int y, int w, int h);

}  // namespace cradle::labels::testing
