#include "tests/support/zpl_render.h"

#include <ZXing/BarcodeFormat.h>
#include <ZXing/BitMatrix.h>
#include <ZXing/MultiFormatWriter.h>

#include <cstdint>
#include <optional>

namespace cradle::testing {

namespace {

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::vector<int> Numbers(const std::string& params) {
  std::vector<int> out;
  size_t at = 0;
  while (at <= params.size()) {
    const size_t comma = params.find(',', at);
    const std::string part = params.substr(at, comma == std::string::npos ? comma : comma - at);
    out.push_back(part.empty() ? -1 : std::atoi(part.c_str()));
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  return out;
}

// ^GFA's data as `rows` rows of `row_bytes` bytes (1 bits black, MSB first).
Result<std::vector<uint8_t>> DecodeGraphic(const std::string& data, int total, int row_bytes) {
  if (row_bytes <= 0 || total <= 0 || total % row_bytes != 0) {
    return Status("MALFORMED",
                  "^GFA sizes " + std::to_string(total) + "/" + std::to_string(row_bytes));
  }
  const size_t nibbles_per_row = static_cast<size_t>(row_bytes) * 2;
  std::vector<uint8_t> nibbles;  // one per hex digit, all rows
  std::vector<uint8_t> row, previous;
  int repeat = 0;
  auto finish_row = [&](uint8_t fill) {
    row.resize(nibbles_per_row, fill);
    nibbles.insert(nibbles.end(), row.begin(), row.end());
    previous = row;
    row.clear();
  };
  for (char c : data) {
    if (c == '\r' || c == '\n' || c == ' ') continue;
    if (c >= 'G' && c <= 'Y') {
      repeat += c - 'F';  // G = 1 ... Y = 19
    } else if (c >= 'g' && c <= 'z') {
      repeat += (c - 'f') * 20;  // g = 20 ... z = 400
    } else if (c == ',' || c == '!') {
      if (repeat) return Status("MALFORMED", "a repeat count before a row code");
      finish_row(c == ',' ? 0x0 : 0xF);
    } else if (c == ':') {
      if (repeat || !row.empty() || previous.empty()) {
        return Status("MALFORMED", "':' not at the start of a row after a row");
      }
      row = previous;
      finish_row(0);
    } else {
      const int v = Hex(c);
      if (v < 0) return Status("MALFORMED", std::string("bad ^GFA character ") + c);
      row.insert(row.end(), repeat ? repeat : 1, static_cast<uint8_t>(v));
      repeat = 0;
      if (row.size() > nibbles_per_row) return Status("MALFORMED", "a ^GFA row overflows");
      if (row.size() == nibbles_per_row) finish_row(0);
    }
  }
  if (!row.empty()) finish_row(0);
  if (nibbles.size() != static_cast<size_t>(total) * 2) {
    return Status("MALFORMED", "^GFA holds " + std::to_string(nibbles.size() / 2) +
                                   " bytes, declared " + std::to_string(total));
  }
  std::vector<uint8_t> bytes(static_cast<size_t>(total));
  for (size_t i = 0; i < bytes.size(); ++i) {
    bytes[i] = static_cast<uint8_t>(nibbles[2 * i] << 4 | nibbles[2 * i + 1]);
  }
  return bytes;
}

// ^FH: `indicator` followed by two hex digits is that byte.
Result<std::string> Unescape(const std::string& in, char indicator) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != indicator) {
      out.push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return Status("MALFORMED", "^FH escape cut short");
    const int hi = Hex(in[i + 1]), lo = Hex(in[i + 2]);
    if (hi < 0 || lo < 0) return Status("MALFORMED", "^FH escape is not two hex digits");
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

// "<ecc><input>,<data>" -> ecc and text.
Result<std::pair<char, std::string>> QrFieldData(const std::string& fd) {
  if (fd.size() < 3 || fd[2] != ',' || std::string("HQML").find(fd[0]) == std::string::npos) {
    return Status("MALFORMED", "^BQN field data must start <ecc><input>,: " + fd.substr(0, 8));
  }
  std::string rest = fd.substr(3);
  if (fd[1] == 'A') return std::make_pair(fd[0], rest);
  if (fd[1] != 'M' || rest.empty()) return Status("MALFORMED", "^BQN input mode");
  const char mode = rest[0];
  if (mode == 'N' || mode == 'A' || mode == 'K') return std::make_pair(fd[0], rest.substr(1));
  if (mode == 'B' && rest.size() >= 5) return std::make_pair(fd[0], rest.substr(5));
  return Status("MALFORMED", "^BQN manual mode " + std::string(1, mode));
}

// zxing-cpp's MultiFormatWriter takes 0..8 and uses (level - 1) / 2 as L, M, Q, H.
int ZxingEccLevel(char ecc) {
  switch (ecc) {
    case 'L':
      return 1;
    case 'M':
      return 3;
    case 'Q':
      return 5;
    default:
      return 7;
  }
}

void Paint(GreyImage& img, int x, int y, int w, int h) {
  for (int yy = std::max(0, y); yy < std::min(img.height, y + h); ++yy) {
    for (int xx = std::max(0, x); xx < std::min(img.width, x + w); ++xx) {
      img.pixels[static_cast<size_t>(yy) * img.width + xx] = 0;
    }
  }
}

struct PageState {
  ZplPage page;
  int width = 0, height = 0;
  int fo_x = 0, fo_y = 0;
  char fh = 0;  // 0 = no ^FH in this field
  std::optional<int> qr_mag;
  struct Pending {
    int x, y;
    std::vector<uint8_t> bits;
    int row_bytes, rows;
  };
  std::vector<Pending> graphics;
  std::vector<ZplQrSymbol> qr;
};

}  // namespace

Result<std::vector<ZplPage>> RenderZpl(const std::string& zpl, const ZplRenderOptions& options) {
  std::vector<ZplPage> pages;
  std::optional<PageState> st;
  size_t at = zpl.find_first_of("^~");
  while (at != std::string::npos) {
    const size_t next = zpl.find_first_of("^~", at + 1);
    std::string cmd = zpl.substr(at + 1, next == std::string::npos ? next : next - at - 1);
    at = next;
    while (!cmd.empty() && (cmd.back() == '\n' || cmd.back() == '\r')) cmd.pop_back();
    if (cmd.size() < 2) continue;
    const std::string name = cmd.substr(0, 2);
    const std::string params = cmd.substr(2);
    if (name == "XA") {
      st.emplace();
      continue;
    }
    if (!st) continue;  // outside a label
    if (name == "PW") {
      st->width = std::atoi(params.c_str());
    } else if (name == "LL") {
      st->height = std::atoi(params.c_str());
    } else if (name == "FO") {
      const auto n = Numbers(params);
      st->fo_x = std::max(0, n[0]);
      st->fo_y = n.size() > 1 ? std::max(0, n[1]) : 0;
    } else if (name == "FH") {
      st->fh = params.empty() ? '_' : params[0];
    } else if (name == "BQ") {
      // ^BQN,2,<mag>: orientation N, model 2.
      const auto n = Numbers(params.size() > 0 && params[0] == 'N' ? params.substr(1) : params);
      const int mag = n.size() >= 3 && n[2] > 0 ? n[2] : 2;
      if (mag < 1 || mag > 10) return Status("MALFORMED", "^BQN magnification");
      st->qr_mag = mag;
    } else if (name == "GF") {
      // ^GFA,<total>,<field>,<row bytes>,<data>
      if (params.empty() || params[0] != 'A') return Status("MALFORMED", "only ^GFA is read");
      size_t p = 2, commas = 0, data_at = 0;
      for (size_t i = p; i < params.size() && commas < 3; ++i) {
        if (params[i] == ',' && ++commas == 3) data_at = i + 1;
      }
      if (commas < 3) return Status("MALFORMED", "^GFA needs four parameters");
      const auto n = Numbers(params.substr(p, data_at - p - 1));
      auto bits = DecodeGraphic(params.substr(data_at), n[0], n[2]);
      if (!bits.ok()) return bits.status();
      st->graphics.push_back({st->fo_x, st->fo_y, std::move(*bits), n[2], n[0] / n[2]});
    } else if (name == "FD") {
      std::string data = params;
      if (st->fh) {
        auto un = Unescape(data, st->fh);
        if (!un.ok()) return un.status();
        data = std::move(*un);
      }
      if (st->qr_mag) {
        auto fd = QrFieldData(data);
        if (!fd.ok()) return fd.status();
        ZplQrSymbol q;
        q.x = st->fo_x;
        q.y = st->fo_y;
        q.magnification = *st->qr_mag;
        q.ecc = fd->first;
        q.text = fd->second;
        st->qr.push_back(std::move(q));
      }
    } else if (name == "FS") {
      st->fh = 0;
      st->qr_mag.reset();
    } else if (name == "XZ") {
      ZplPage page;
      page.image.width = st->width > 0 ? st->width : 800;
      page.image.height = st->height > 0 ? st->height : 800;
      page.image.pixels.assign(static_cast<size_t>(page.image.width) * page.image.height, 255);
      if (options.draw_graphics) {
        for (const auto& g : st->graphics) {
          for (int y = 0; y < g.rows; ++y) {
            for (int x = 0; x < g.row_bytes * 8; ++x) {
              const uint8_t byte = g.bits[static_cast<size_t>(y) * g.row_bytes + x / 8];
              if (byte & (0x80 >> (x % 8))) Paint(page.image, g.x + x, g.y + y, 1, 1);
            }
          }
        }
      }
      for (auto& q : st->qr) {
        const ZXing::BitMatrix m = ZXing::MultiFormatWriter(ZXing::BarcodeFormat::QRCode)
                                       .setEccLevel(ZxingEccLevel(q.ecc))
                                       .setMargin(0)
                                       .encode(q.text, 0, 0);
        q.modules = m.width();
        if (!options.draw_barcodes) continue;
        for (int y = 0; y < m.height(); ++y) {
          for (int x = 0; x < m.width(); ++x) {
            if (m.get(x, y)) {
              Paint(page.image, q.x + x * q.magnification, q.y + y * q.magnification,
                    q.magnification, q.magnification);
            }
          }
        }
      }
      page.qr = std::move(st->qr);
      pages.push_back(std::move(page));
      st.reset();
    }
  }
  if (st) return Status("MALFORMED", "^XA without ^XZ");
  return pages;
}

}  // namespace cradle::testing
