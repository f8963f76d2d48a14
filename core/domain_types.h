// The domain's closed vocabularies as enum classes, each with ONE table to and from the text
// used in the API, the database (CHECK constraints in schema/) and the token. Comparing a
// record's text field against Name(ManifestStatus::kIssued) instead of "issued" means a typo
// does not compile.
//
//   Name(CaseStatus::kOpen) == "open";  Parse<CaseStatus>("open") == CaseStatus::kOpen;
//   Parse<CaseStatus>("opened") == std::nullopt;  Values<CaseStatus>() lists all of them.
//
// Pure constexpr tables, no I/O; thread-safe.
#pragma once

#include <array>
#include <optional>
#include <string_view>
#include <utility>

namespace cradle {

enum class ManifestStatus { kIssued, kCollected, kReceived, kDisposed, kVoided, kRejected };
// What a manifest event records: issuance, a void, or one of the scans.
enum class EventKind { kIssue, kVoid, kPickup, kReceive, kDispose, kReject };
// The kinds a scanner may send (a subset of EventKind).
enum class ScanKind { kPickup, kReceive, kDispose, kReject };
// What a scan finding records.
enum class FindingKind { kForgedLabel, kCopiedLabel, kWeightMismatch, kClockSkew, kCustodyRefused };
enum class CaseKind {
  kWeightMismatch,
  kUncollected,
  kUnreceived,
  kForgedLabel,
  kCopiedLabel,
  kCapacity,
  kReceiptOverdue,
  kTransferDiscrepancy,
  kTransferUnsigned,
  kRefusedNotReturned,
  kCustodyRefused
};
enum class CaseStatus { kOpen, kDispatched, kResponded, kClosed };
enum class CaseAction { kDispatch, kRespond, kClose, kReopen };
// Container codes of the WM1 token (core/wm1.h has their names).
enum class PackagingCode { kDR, kBG, kTB, kBX, kIB, kTK, kBK, kOT };
// Who a credential acts as.
enum class Role { kAdmin, kRegulator, kProducer, kCollector, kFacility };
enum class FacilityKind { kLandfill, kIncinerator, kUtilisation, kTransferStation };

template <class E>
struct DomainTable;  // specialised below: static constexpr rows {value, text}

#define CRADLE_DOMAIN_TABLE(E, N, ...)                                                   \
  template <>                                                                            \
  struct DomainTable<E> {                                                                \
    static constexpr std::array<std::pair<E, std::string_view>, N> kRows{{__VA_ARGS__}}; \
  }

CRADLE_DOMAIN_TABLE(ManifestStatus, 6, {ManifestStatus::kIssued, "issued"},
                    {ManifestStatus::kCollected, "collected"},
                    {ManifestStatus::kReceived, "received"},
                    {ManifestStatus::kDisposed, "disposed"}, {ManifestStatus::kVoided, "voided"},
                    {ManifestStatus::kRejected, "rejected"});
CRADLE_DOMAIN_TABLE(EventKind, 6, {EventKind::kIssue, "issue"}, {EventKind::kVoid, "void"},
                    {EventKind::kPickup, "pickup"}, {EventKind::kReceive, "receive"},
                    {EventKind::kDispose, "dispose"}, {EventKind::kReject, "reject"});
CRADLE_DOMAIN_TABLE(ScanKind, 4, {ScanKind::kPickup, "pickup"}, {ScanKind::kReceive, "receive"},
                    {ScanKind::kDispose, "dispose"}, {ScanKind::kReject, "reject"});
CRADLE_DOMAIN_TABLE(FindingKind, 5, {FindingKind::kForgedLabel, "forged_label"},
                    {FindingKind::kCopiedLabel, "copied_label"},
                    {FindingKind::kWeightMismatch, "weight_mismatch"},
                    {FindingKind::kClockSkew, "clock_skew"},
                    {FindingKind::kCustodyRefused, "custody_refused"});
CRADLE_DOMAIN_TABLE(CaseKind, 11, {CaseKind::kWeightMismatch, "weight_mismatch"},
                    {CaseKind::kUncollected, "uncollected"}, {CaseKind::kUnreceived, "unreceived"},
                    {CaseKind::kForgedLabel, "forged_label"},
                    {CaseKind::kCopiedLabel, "copied_label"}, {CaseKind::kCapacity, "capacity"},
                    {CaseKind::kReceiptOverdue, "receipt_overdue"},
                    {CaseKind::kTransferDiscrepancy, "transfer_discrepancy"},
                    {CaseKind::kTransferUnsigned, "transfer_unsigned"},
                    {CaseKind::kRefusedNotReturned, "refused_not_returned"},
                    {CaseKind::kCustodyRefused, "custody_refused"});
CRADLE_DOMAIN_TABLE(CaseStatus, 4, {CaseStatus::kOpen, "open"},
                    {CaseStatus::kDispatched, "dispatched"}, {CaseStatus::kResponded, "responded"},
                    {CaseStatus::kClosed, "closed"});
CRADLE_DOMAIN_TABLE(CaseAction, 4, {CaseAction::kDispatch, "dispatch"},
                    {CaseAction::kRespond, "respond"}, {CaseAction::kClose, "close"},
                    {CaseAction::kReopen, "reopen"});
CRADLE_DOMAIN_TABLE(PackagingCode, 8, {PackagingCode::kDR, "DR"}, {PackagingCode::kBG, "BG"},
                    {PackagingCode::kTB, "TB"}, {PackagingCode::kBX, "BX"},
                    {PackagingCode::kIB, "IB"}, {PackagingCode::kTK, "TK"},
                    {PackagingCode::kBK, "BK"}, {PackagingCode::kOT, "OT"});
CRADLE_DOMAIN_TABLE(Role, 5, {Role::kAdmin, "admin"}, {Role::kRegulator, "regulator"},
                    {Role::kProducer, "producer"}, {Role::kCollector, "collector"},
                    {Role::kFacility, "facility"});
CRADLE_DOMAIN_TABLE(FacilityKind, 4, {FacilityKind::kLandfill, "landfill"},
                    {FacilityKind::kIncinerator, "incinerator"},
                    {FacilityKind::kUtilisation, "utilisation"},
                    {FacilityKind::kTransferStation, "transfer_station"});

#undef CRADLE_DOMAIN_TABLE

// The text of `value` ("unknown" only for a value outside the enum, which a cast can make).
template <class E>
constexpr std::string_view Name(E value) {
  for (const auto& [v, text] : DomainTable<E>::kRows) {
    if (v == value) return text;
  }
  return "unknown";
}

// The value for `text` (exact, case-sensitive), or nullopt.
template <class E>
constexpr std::optional<E> Parse(std::string_view text) {
  for (const auto& [v, t] : DomainTable<E>::kRows) {
    if (t == text) return v;
  }
  return std::nullopt;
}

// Every value, in table order.
template <class E>
constexpr std::array<E, DomainTable<E>::kRows.size()> Values() {
  std::array<E, DomainTable<E>::kRows.size()> out{};
  for (size_t i = 0; i < out.size(); ++i) out[i] = DomainTable<E>::kRows[i].first;
  return out;
}

// True when `text` is the name of `value`: record fields are text, compared without literals.
template <class E>
constexpr bool Is(std::string_view text, E value) {
  return text == Name(value);
}

}  // namespace cradle
