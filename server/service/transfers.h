// Use case: transfers (电子转移联单, ../shared/spec/transfers.md): create, edit, submit, sign,
// cancel, receipt, return trips, revisions, list and read. Every change is one Write with its
// transfer_log row, its audit entry and its roll-ups; a failure keeps nothing.
//
// Who: the sender (or an admin) drafts, submits, signs and cancels; the receiver facility's
// operator confirms receipt; the carrier or the receiver starts a return trip; any party
// proposes a revision and every other party answers it. Parties see their transfers and
// regulators every one; anyone else reads NOT_FOUND (a transfer's existence is not disclosed).
// A party acting outside its part gets FORBIDDEN; a state that does not allow the action
// INVALID_STATE (409); a bad container, field or party INVALID_FIELD / UNKNOWN_* (422).
// Thread safety: stateless functions over the thread-safe Context.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/working_calendar.h"
#include "server/service/context.h"
#include "server/service/principal.h"
#include "server/store/transfers.h"

namespace cradle::service {

inline constexpr int kReceiptWorkingDays = 5;        // Art. 19
inline constexpr int kAdHocSignWorkingDays = 1;      // transfer_unsigned after this
inline constexpr int kRefusedReturnWorkingDays = 5;  // refused_not_returned after this
inline constexpr size_t kMaxTransferContainers = 1000;

// One line per waste code (as declared on the transfer).
struct TransferLine {
  std::string waste_code;  // 8 digits
  int64_t count = 0, declared_g = 0, pickup_g = 0, received_g = 0, refused_g = 0;
  bool apportioned = false;  // some received_g came from the weighbridge net mass
};

struct TransferView {
  store::Transfer t;
  std::vector<store::TransferContainer> containers;  // without removed lines
  std::vector<TransferLine> lines;
  std::vector<store::TransferDiscrepancy> discrepancies;
  std::vector<store::TransferLogEntry> history;
  std::vector<store::TransferRevision> revisions;
};

struct CreateTransferInput {
  std::string sender, carrier, receiver, vehicle, purpose;
  std::optional<std::string> driver_name, driver_licence, planned_on;
  std::vector<std::string> containers;
};
Result<TransferView> CreateTransfer(const Context& ctx, const Principal& p,
                                    const CreateTransferInput& in);
Result<TransferView> EditTransferContainers(const Context& ctx, const Principal& p,
                                            const std::string& id,
                                            const std::vector<std::string>& add,
                                            const std::vector<std::string>& remove);
Result<TransferView> SubmitTransfer(const Context& ctx, const Principal& p, const std::string& id);
Result<TransferView> SignTransfer(const Context& ctx, const Principal& p, const std::string& id);
Result<TransferView> CancelTransfer(const Context& ctx, const Principal& p, const std::string& id,
                                    const std::string& reason);

struct RefusalInput {
  std::string manifest, reason;
  std::optional<int64_t> mass_g;
};
struct DiscrepancyInput {
  std::string manifest, field, note;  // field: name | quantity | characteristics | form | packaging
};
struct ReceiptInput {
  std::vector<RefusalInput> refused;
  std::vector<DiscrepancyInput> discrepancies;
  std::optional<int64_t> weighbridge_g;
  std::optional<std::string> note;
};
Result<TransferView> ConfirmReceipt(const Context& ctx, const Principal& p, const std::string& id,
                                    const ReceiptInput& in);
// `to`: "sender" or a facility id.
Result<TransferView> ReturnTransfer(const Context& ctx, const Principal& p, const std::string& id,
                                    const std::string& to);

struct ContainerCorrection {
  std::string manifest;
  std::optional<int64_t> declared_g;
  std::optional<std::string> waste_code;  // 8 digits
  std::optional<std::string> packaging;
};
struct RevisionChanges {
  std::optional<std::string> vehicle, driver_name, driver_licence, receiver;
  std::vector<ContainerCorrection> containers;
  bool empty() const {
    return !vehicle && !driver_name && !driver_licence && !receiver && containers.empty();
  }
};
Result<store::TransferRevision> ProposeRevision(const Context& ctx, const Principal& p,
                                                const std::string& id,
                                                const RevisionChanges& changes,
                                                const std::string& reason);
// approve=false refuses. Returns the revision as decided or still pending.
Result<store::TransferRevision> AnswerRevision(const Context& ctx, const Principal& p,
                                               int64_t revision_id, bool approve,
                                               const std::string& note);

struct TransferQuery {
  std::optional<std::string> status, party, month;
  bool overdue = false;
};
Result<store::Page<store::Transfer>> ListTransfers(const Context& ctx, const Principal& p,
                                                   const TransferQuery& q,
                                                   const std::optional<std::string>& after,
                                                   int limit);
Result<TransferView> GetTransfer(const Context& ctx, const Principal& p, const std::string& id);

// Lines per waste code from the containers (pure).
std::vector<TransferLine> TransferLines(const std::vector<store::TransferContainer>& containers);
// Splits `total_g` over `declared_g` in proportion (largest remainder: the parts sum to total).
std::vector<int64_t> Apportion(int64_t total_g, const std::vector<int64_t>& declared_g);
// receipt_due: `n` working days after the delivery day.
std::string ReceiptDue(const WorkingCalendar& cal, const CivilDate& delivered_on,
                       int n = kReceiptWorkingDays);

struct CustodyScan;
namespace internal {
// The scan writer's hook (see custody.h RecordCustody).
Status ApplyScanToTransfer(const Context& ctx, store::Txn& txn, const CustodyScan& scan,
                           const store::Manifest& m);
}  // namespace internal

}  // namespace cradle::service
