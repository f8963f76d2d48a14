// The transfer's states and transitions (../shared/spec/transfers.md "States"):
//   draft --submit--> submitted --pickup--> in_transit --deliver--> delivered
//   delivered --receipt--> received | (receipt refusing all) refused
//   draft | submitted --cancel--> cancelled (before any pickup; the service checks that)
// An ad hoc trip is born in_transit (no draft, no submit).
//
// Thread safety: pure functions on values.
#pragma once

#include <optional>
#include <string_view>

#include "core/status.h"

namespace cradle {

enum class TransferStatus {
  kDraft,
  kSubmitted,
  kInTransit,
  kDelivered,
  kReceived,
  kRefused,
  kCancelled
};
enum class TransferAction { kSubmit, kPickup, kDeliver, kReceipt, kReceiptRefusingAll, kCancel };
enum class ContainerStatus { kListed, kLoaded, kReceived, kRefused, kNotLoaded, kRemoved };

std::string_view TransferStatusName(TransferStatus s);
std::optional<TransferStatus> ParseTransferStatus(std::string_view name);
std::string_view ContainerStatusName(ContainerStatus s);
std::optional<ContainerStatus> ParseContainerStatus(std::string_view name);
std::string_view TransferActionName(TransferAction a);

// The status after `action`, or INVALID_STATE naming both. A pickup on an in-transit transfer
// and a delivery (receive scan) on a delivered one leave the status as it is (more containers).
Result<TransferStatus> NextTransferStatus(TransferStatus from, TransferAction action);

// A signed transfer that still holds its containers (submitted, in transit, delivered): they
// are on no other transfer meanwhile. A draft holds nothing yet.
bool IsOpenTransfer(TransferStatus s);
// Corrections (revisions) are for signed documents that are not cancelled.
bool AcceptsRevisions(TransferStatus s);

}  // namespace cradle
