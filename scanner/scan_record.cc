#include "scanner/scan_record.h"

namespace cradle::scan {

std::string_view KindName(ScanKind kind) {
  switch (kind) {
    case ScanKind::kPickup:
      return "pickup";
    case ScanKind::kReceive:
      return "receive";
    case ScanKind::kDispose:
      return "dispose";
    case ScanKind::kReject:
      return "reject";
  }
  return "pickup";
}

std::optional<ScanKind> ParseKind(std::string_view name) {
  for (ScanKind kind :
       {ScanKind::kPickup, ScanKind::kReceive, ScanKind::kDispose, ScanKind::kReject}) {
    if (KindName(kind) == name) return kind;
  }
  return std::nullopt;
}

bool MassRequired(ScanKind kind) { return kind == ScanKind::kPickup || kind == ScanKind::kReceive; }

}  // namespace cradle::scan
