// EncodeQr: libqrencode in alphanumeric mode at ECC level Q.
#include <qrencode.h>

#include <memory>

#include "server/labels/label.h"

namespace cradle::labels {
namespace {

// The 45 characters of the QR alphanumeric set (ISO/IEC 18004 table 5).
bool IsQrAlphanumeric(char c) {
  if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')) return true;
  switch (c) {
    case ' ':
    case '$':
    case '%':
    case '*':
    case '+':
    case '-':
    case '.':
    case '/':
    case ':':
      return true;
    default:
      return false;
  }
}

struct InputDeleter {
  void operator()(QRinput* p) const { QRinput_free(p); }
};
struct CodeDeleter {
  void operator()(QRcode* p) const { QRcode_free(p); }
};

}  // namespace

Result<QrMatrix> EncodeQr(std::string_view token) {
  if (token.empty()) return Status("MALFORMED", "empty QR payload");
  for (char c : token) {
    if (!IsQrAlphanumeric(c)) {
      return Status("MALFORMED", "QR payload has a character outside the alphanumeric set");
    }
  }
  // Version 0 lets libqrencode choose the smallest version that holds the data.
  std::unique_ptr<QRinput, InputDeleter> input(QRinput_new2(0, QR_ECLEVEL_Q));
  if (!input) return Status("RENDER_FAILED", "QRinput_new2 failed");
  const auto* bytes = reinterpret_cast<const unsigned char*>(token.data());
  if (QRinput_append(input.get(), QR_MODE_AN, static_cast<int>(token.size()), bytes) != 0) {
    return Status("MALFORMED", "QR payload rejected by the alphanumeric encoder");
  }
  std::unique_ptr<QRcode, CodeDeleter> code(QRcode_encodeInput(input.get()));
  if (!code) return Status("MALFORMED", "QR payload does not fit any QR version at level Q");

  QrMatrix m;
  m.version = code->version;
  m.width = code->width;
  m.ecc = 'Q';
  m.alphanumeric = true;
  const size_t n = static_cast<size_t>(code->width) * code->width;
  m.modules.resize(n);
  // libqrencode: bit 0 of each byte is the module colour (1 = dark).
  for (size_t i = 0; i < n; ++i) m.modules[i] = code->data[i] & 1;
  return m;
}

}  // namespace cradle::labels
