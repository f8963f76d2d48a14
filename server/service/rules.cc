#include "server/service/rules.h"

#include "core/domain_types.h"

#include <cmath>

namespace cradle::service {

bool IsUncollected(const CivilDate& issued_on, const CivilDate& as_of, int days) {
  return AddDays(issued_on, days) < as_of;
}

bool IsUnreceived(const CivilDate& picked_up_on, const CivilDate& as_of, int working_days) {
  return AddWorkingDays(picked_up_on, working_days) < as_of;
}

std::vector<int> CapacityThresholdsReached(double used_fraction) {
  std::vector<int> out;
  for (int t : kCapacityThresholds) {
    // A hair of slack so exactly 80 % counts despite floating-point division.
    if (used_fraction * 100.0 + 1e-9 >= t) out.push_back(t);
  }
  return out;
}

double LandfillVolumeUsedM3(double tonnes, double density, double cover) {
  if (density <= 0 || cover < 0 || cover >= 1) return 0;
  return tonnes / density / (1.0 - cover);
}

std::optional<CivilDate> ProjectFillDate(const CivilDate& as_of, double volume_left_m3,
                                         double m3_per_day) {
  if (volume_left_m3 <= 0) return as_of;
  if (!(m3_per_day > 0)) return std::nullopt;
  const double days = std::ceil(volume_left_m3 / m3_per_day);
  if (days > 365.0 * 1000) return std::nullopt;  // beyond any planning horizon
  return AddDays(as_of, static_cast<int64_t>(days));
}

Result<std::string> NextCaseStatus(std::string_view status, std::string_view action) {
  std::string next;
  if (Is(action, CaseAction::kDispatch)) {
    if (Is(status, CaseStatus::kOpen)) next = Name(CaseStatus::kDispatched);
  } else if (Is(action, CaseAction::kRespond)) {
    if (Is(status, CaseStatus::kDispatched)) next = Name(CaseStatus::kResponded);
  } else if (Is(action, CaseAction::kClose)) {
    if (Is(status, CaseStatus::kResponded)) next = Name(CaseStatus::kClosed);
  } else if (Is(action, CaseAction::kReopen)) {
    if (Is(status, CaseStatus::kResponded) || Is(status, CaseStatus::kClosed))
      next = Name(CaseStatus::kDispatched);
  } else {
    return Status("INVALID_FIELD", "action: one of dispatch, respond, close, reopen");
  }
  if (next.empty()) {
    return Status("INVALID_STATE", "a case that is " + std::string(status) + " cannot be " +
                                       std::string(action) +
                                       (Is(action, CaseAction::kDispatch)  ? "ed"
                                        : Is(action, CaseAction::kRespond) ? "ed to"
                                                                           : "d"));
  }
  return next;
}

std::string FindingParty(std::string_view finding_kind, std::string_view scan_kind,
                         const std::string& producer, const std::string& scanner,
                         const std::string& collector) {
  if (Is(finding_kind, FindingKind::kWeightMismatch)) {
    if (Is(scan_kind, ScanKind::kPickup)) return producer;
    return collector.empty() ? producer : collector;
  }
  if (Is(finding_kind, FindingKind::kCopiedLabel)) return collector.empty() ? scanner : collector;
  return scanner;  // forged_label
}

bool MissedDeadline(const CivilDate& deadline, const std::optional<CivilDate>& done_on,
                    const CivilDate& as_of) {
  return deadline < as_of && (!done_on || deadline < *done_on);
}

std::string TransferCaseParty(std::string_view kind, const std::string& sender,
                              const std::string& carrier,
                              const std::optional<std::string>& receiver_org) {
  if (Is(kind, CaseKind::kReceiptOverdue)) return receiver_org.value_or(carrier);
  if (Is(kind, CaseKind::kTransferDiscrepancy) || Is(kind, CaseKind::kTransferUnsigned)) {
    return sender;
  }
  if (Is(kind, CaseKind::kRefusedNotReturned)) return carrier;
  return "";
}

}  // namespace cradle::service
