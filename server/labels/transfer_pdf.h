// The printable transfer manifest (危险废物转移联单): an A4 PDF in Chinese that the driver
// carries, with the parties, vehicle and driver, the lines per waste code, every container by
// its digital identification code, the signatures with their times (or 未签), the status, and
// a QR code holding the signed WT1 transfer token (docs/transfer-token.md) that an inspector
// verifies offline (`cradle-scan verify-transfer`).
//
// TransferSheet is plain data: the transfer service maps a stored transfer onto it (display
// names, masses in grams, times in micros); nothing here reads a store or knows HTTP. Status,
// purpose and container states are the wire names of shared/spec/transfers.md and are printed
// in Chinese; an unknown one is printed as given. Long container lists continue on further
// pages, each with the transfer number, the table header and "第 i 页 共 n 页".
//
// Errors: MALFORMED when the token is empty or not QR-alphanumeric; INVALID_FIELD for more than
// kMaxSheetContainers containers or kMaxSheetLines lines; RENDER_FAILED when cairo/pango fail.
//
// Thread safety: reentrant; the pango font map is per thread (server/labels/text.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/transfer_token.h"

namespace cradle::labels {

inline constexpr size_t kMaxSheetContainers = 5000;
inline constexpr size_t kMaxSheetLines = 200;

struct TransferSheetParty {
  std::string name;  // 单位名称
  std::string id;    // USCC (sender, carrier) or facility id (receiver)
  std::string note;  // e.g. the facility's name or address; may be empty
};

struct TransferSheetLine {
  std::string waste_code;  // 772-002-18
  std::string waste_name;  // 生活垃圾焚烧飞灰
  int64_t count = 0;
  std::optional<int64_t> declared_g, pickup_g, received_g, refused_g;
};

struct TransferSheetContainer {
  std::string digital_id;  // the 37-character id (数字识别码)
  std::string waste_code;
  std::string status;  // listed | loaded | received | refused | not_loaded
  std::optional<int64_t> declared_g, pickup_g, received_g;
};

struct TransferSheet {
  std::string number;  // 14 digits
  std::string
      status;  // draft | submitted | in_transit | delivered | received | refused | cancelled
  std::string purpose;      // disposal | utilisation
  std::string planned_on;   // YYYY-MM-DD, may be empty
  std::string receipt_due;  // YYYY-MM-DD, may be empty
  std::string return_of;    // the transfer this one returns, may be empty
  TransferSheetParty sender, carrier, receiver;
  std::string vehicle;
  std::string driver_name, driver_licence;  // may be empty (optional until departure)
  std::optional<int64_t> sender_signed_at, carrier_signed_at, receiver_signed_at;  // micros UTC
  std::optional<int64_t> delivered_at;
  int64_t printed_at = 0;           // micros UTC
  int utc_offset_minutes = 8 * 60;  // the deployment's zone for printed times
  std::vector<TransferSheetLine> lines;
  std::vector<TransferSheetContainer> containers;
  std::string token;  // the signed WT1 token: the QR payload
};

struct TransferPdf {
  std::string bytes;
  int pages = 0;
  int unknown_glyphs = 0;  // characters the font could not draw (0 for any Chinese text)
};

// The WT1 fields that a sheet's QR should carry: its number, parties, vehicle, the lines'
// declared masses, signed at `printed_at`; `date` is the planned day (or the ad hoc trip's day).
// Canonical (lines sorted, containers summed); BuildTransferToken validates them.
TransferTokenFields TokenFieldsFor(const TransferSheet& sheet, std::string kid, CivilDate date);

// The PDF with what the layout observed.
Result<TransferPdf> RenderTransferPdfDetailed(const TransferSheet& sheet);

// The PDF bytes.
Result<std::string> RenderTransferPdf(const TransferSheet& sheet);

}  // namespace cradle::labels
