#include "core/transfer_state.h"

#include <array>
#include <string>
#include <utility>

namespace cradle {
namespace {

constexpr std::array<std::pair<TransferStatus, std::string_view>, 7> kStatuses{{
    {TransferStatus::kDraft, "draft"},
    {TransferStatus::kSubmitted, "submitted"},
    {TransferStatus::kInTransit, "in_transit"},
    {TransferStatus::kDelivered, "delivered"},
    {TransferStatus::kReceived, "received"},
    {TransferStatus::kRefused, "refused"},
    {TransferStatus::kCancelled, "cancelled"},
}};
constexpr std::array<std::pair<ContainerStatus, std::string_view>, 6> kContainer{{
    {ContainerStatus::kListed, "listed"},
    {ContainerStatus::kLoaded, "loaded"},
    {ContainerStatus::kReceived, "received"},
    {ContainerStatus::kRefused, "refused"},
    {ContainerStatus::kNotLoaded, "not_loaded"},
    {ContainerStatus::kRemoved, "removed"},
}};

}  // namespace

std::string_view TransferStatusName(TransferStatus s) {
  for (const auto& [v, n] : kStatuses)
    if (v == s) return n;
  return "?";
}

std::optional<TransferStatus> ParseTransferStatus(std::string_view name) {
  for (const auto& [v, n] : kStatuses)
    if (n == name) return v;
  return std::nullopt;
}

std::string_view ContainerStatusName(ContainerStatus s) {
  for (const auto& [v, n] : kContainer)
    if (v == s) return n;
  return "?";
}

std::optional<ContainerStatus> ParseContainerStatus(std::string_view name) {
  for (const auto& [v, n] : kContainer)
    if (n == name) return v;
  return std::nullopt;
}

std::string_view TransferActionName(TransferAction a) {
  switch (a) {
    case TransferAction::kSubmit:
      return "submit";
    case TransferAction::kPickup:
      return "pickup";
    case TransferAction::kDeliver:
      return "deliver";
    case TransferAction::kReceipt:
      return "receipt";
    case TransferAction::kReceiptRefusingAll:
      return "receipt";
    case TransferAction::kCancel:
      return "cancel";
  }
  return "?";
}

Result<TransferStatus> NextTransferStatus(TransferStatus from, TransferAction action) {
  using S = TransferStatus;
  using A = TransferAction;
  std::optional<S> next;
  switch (action) {
    case A::kSubmit:
      if (from == S::kDraft) next = S::kSubmitted;
      break;
    case A::kPickup:
      if (from == S::kSubmitted || from == S::kInTransit) next = S::kInTransit;
      break;
    case A::kDeliver:
      if (from == S::kInTransit || from == S::kDelivered) next = S::kDelivered;
      break;
    case A::kReceipt:
      if (from == S::kDelivered) next = S::kReceived;
      break;
    case A::kReceiptRefusingAll:
      if (from == S::kDelivered) next = S::kRefused;
      break;
    case A::kCancel:
      if (from == S::kDraft || from == S::kSubmitted) next = S::kCancelled;
      break;
  }
  if (!next) {
    return Status("INVALID_STATE", "a " + std::string(TransferStatusName(from)) +
                                       " transfer does not allow " +
                                       std::string(TransferActionName(action)));
  }
  return *next;
}

bool IsOpenTransfer(TransferStatus s) {
  return s == TransferStatus::kSubmitted || s == TransferStatus::kInTransit ||
         s == TransferStatus::kDelivered;
}

bool AcceptsRevisions(TransferStatus s) {
  return s != TransferStatus::kDraft && s != TransferStatus::kCancelled;
}

}  // namespace cradle
