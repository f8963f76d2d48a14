// Transfers (schema/004_transfers.sql): the trip document, its containers, discrepancies,
// history and revisions; custody columns on manifests; the transfer roll-ups. Plain functions
// on a Txn; the rules of what may change when live in service/transfers and core.
// Thread safety: as the Txn they are given.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "server/store/database.h"
#include "server/store/records.h"

namespace cradle::store {

struct Transfer {
  std::string id;  // 14-digit number
  std::string sender, carrier;
  std::optional<std::string> receiver;      // facility id
  std::optional<std::string> receiver_org;  // USCC receiving (the facility's operator)
  std::string vehicle;
  std::optional<std::string> driver_name, driver_licence;
  std::string purpose;  // disposal | utilisation
  std::optional<std::string> planned_on;
  std::string
      status;  // draft | submitted | in_transit | delivered | received | refused | cancelled
  bool ad_hoc = false;
  std::optional<std::string> trip_day;
  std::optional<std::string> return_of;
  int64_t created_at = 0;
  std::string created_by;
  std::optional<int64_t> submitted_at, sender_signed_at, carrier_signed_at, delivered_at;
  std::optional<std::string> receipt_due;
  std::optional<int64_t> receiver_signed_at, cancelled_at;
  std::optional<std::string> cancel_reason, receipt_note;
  std::optional<int64_t> weighbridge_g;
  int64_t version = 1;
  int64_t updated_at = 0;
};

struct TransferContainer {
  std::string transfer_id, manifest_id;
  std::string status;  // listed | loaded | received | refused | not_loaded | removed
  int64_t declared_g = 0;
  std::string waste_code;  // 8 digits, as on this transfer
  std::string packaging;
  std::optional<int64_t> pickup_g, received_g;
  bool apportioned = false;
  std::optional<std::string> refusal_reason;
  std::optional<int64_t> refused_g;
  int64_t updated_at = 0;
};

struct TransferDiscrepancy {
  int64_t seq = 0;
  std::string transfer_id, manifest_id, field, note;
  int64_t at = 0;
};

struct TransferLogEntry {
  int64_t seq = 0;
  std::string transfer_id, action, actor;
  std::optional<std::string> from_status;
  std::string to_status;
  std::string detail = "{}";
  int64_t at = 0;
};

struct RevisionVote {
  int64_t revision_id = 0;
  std::string party, decision, actor, note;
  int64_t at = 0;
};

struct TransferRevision {
  int64_t id = 0;
  std::string transfer_id;
  int64_t base_version = 0;
  std::string proposed_by, proposed_actor;
  std::string changes = "{}";  // JSON object
  std::string reason;
  std::string status;                 // proposed | applied | refused
  std::vector<std::string> parties;   // who must approve
  std::optional<std::string> before;  // JSON of the changed fields before, once applied
  int64_t created_at = 0;
  std::optional<int64_t> decided_at;
  std::vector<RevisionVote> votes;  // filled by FindRevision / ListRevisions
};

// The next serial for a transfer-number prefix (1, 2, ...). SERIALS_EXHAUSTED past 999999.
Result<int> AllocateTransferSerial(Txn& txn, const std::string& prefix);

// created_at/updated_at as given by the caller (the service stamps them from the Txn clock).
Status InsertTransfer(Txn& txn, const Transfer& t);
// Writes every mutable column of `t` (by id) when the stored status is `expected_status`;
// CONFLICT when it moved meanwhile, NOT_FOUND when absent.
Status UpdateTransfer(Txn& txn, const Transfer& t, const std::string& expected_status);
Result<Transfer> FindTransfer(Txn& txn, const std::string& id);  // NOT_FOUND

// Insert or update the (transfer, manifest) line.
Status PutTransferContainer(Txn& txn, const TransferContainer& c);
Result<std::vector<TransferContainer>> ListTransferContainers(Txn& txn, const std::string& id);
Result<std::optional<TransferContainer>> FindTransferContainer(Txn& txn,
                                                               const std::string& transfer_id,
                                                               const std::string& manifest_id);

// Custody columns of a manifest.
struct Custody {
  std::optional<std::string> open_transfer;
  std::optional<std::string> holder_facility;
};
Result<Custody> FindCustody(Txn& txn, const std::string& manifest_id);  // NOT_FOUND
Status SetOpenTransfer(Txn& txn, const std::string& manifest_id,
                       const std::optional<std::string>& transfer_id);
Status SetHolderFacility(Txn& txn, const std::string& manifest_id,
                         const std::optional<std::string>& facility);

// The carrier's in-transit ad hoc trip for (sender, vehicle, local day), if any.
Result<std::optional<std::string>> FindAdHocTrip(Txn& txn, const std::string& carrier,
                                                 const std::string& sender,
                                                 const std::string& vehicle,
                                                 const std::string& day);

Status InsertDiscrepancy(Txn& txn, const TransferDiscrepancy& d);
Result<std::vector<TransferDiscrepancy>> ListDiscrepancies(Txn& txn, const std::string& id);

Status AppendTransferLog(Txn& txn, const TransferLogEntry& e);
Result<std::vector<TransferLogEntry>> ListTransferLog(Txn& txn, const std::string& id);

Result<int64_t> InsertRevision(Txn& txn, const TransferRevision& r);
Result<TransferRevision> FindRevision(Txn& txn, int64_t id);  // NOT_FOUND; with votes
Result<std::vector<TransferRevision>> ListRevisions(Txn& txn, const std::string& transfer_id);
// Moves a revision from 'proposed' to `next` with `before` (applied); CONFLICT if decided.
Status DecideRevision(Txn& txn, int64_t id, const std::string& next,
                      const std::optional<std::string>& before, int64_t at);
Status InsertVote(Txn& txn, const RevisionVote& v);  // CONFLICT when the party voted already

struct TransferFilter {
  std::optional<std::string> status;
  std::optional<std::string> party;  // sender, carrier or receiver_org
  std::optional<std::string> month;  // YYYY-MM of the number's... created_at local month
  int tz_offset_minutes = 480;
  std::optional<std::string> overdue_as_of;  // YYYY-MM-DD: delivered with receipt_due before it
};
Result<Page<Transfer>> ListTransfers(Txn& txn, const TransferFilter& f,
                                     const std::optional<std::string>& after, int limit);

// Rule inputs (service/cases.cc). Each leaves out the transfers whose cause already has its
// case of that kind (subject = transfer id), so a run reads only what may still open one; the
// service applies the working-day deadlines. A deadline missed and made up late is a cause too,
// so each returns the late ones as well, whenever the rules run.
// `working_days` is the rule's deadline, here only a prefilter: a deadline of n working days
// ends at least n calendar days after its start.
// receipt_due before `day` (YYYY-MM-DD), and still delivered or confirmed more than
// `working_days` days after delivery: no receipt_overdue case.
Result<std::vector<Transfer>> ReceiptOverdueCandidates(Txn& txn, const std::string& day,
                                                       int working_days);
// Ad hoc, not cancelled, unsigned by the sender or signed more than `working_days` days after
// creation: no transfer_unsigned case.
Result<std::vector<Transfer>> UnsignedAdHocCandidates(Txn& txn, int working_days);
// Received or refused with refused containers and no (uncancelled) return transfer started
// within `working_days` days of the receipt: no refused_not_returned case.
Result<std::vector<Transfer>> RefusedNotReturnedCandidates(Txn& txn, int working_days);
// The (uncancelled) return trip of `transfer_id`, if any.
Result<std::optional<Transfer>> ReturnOf(Txn& txn, const std::string& transfer_id);
Result<bool> HasReturn(Txn& txn, const std::string& transfer_id);
// Received or refused whose receipt reported a discrepancy or refused a container: no
// transfer_discrepancy case.
Result<std::vector<Transfer>> ReceiptsWithIssues(Txn& txn);

// Monthly transfer roll-ups: adds to one (month, role, party) row.
struct TransferRollupDelta {
  int64_t submitted = 0, delivered = 0, received = 0, refused = 0, overdue = 0;
  int64_t refused_g = 0, apportioned_g = 0;
};
Status RollupTransfer(Txn& txn, const std::string& month, const std::string& role,
                      const std::string& party, const TransferRollupDelta& d);
// RollupTransfer for each party of `t`: its sender (role producer), its carrier and, when it has
// one, its receiver facility.
Status RollupTransferParties(Txn& txn, const std::string& month, const Transfer& t,
                             const TransferRollupDelta& d);
struct TransferRollup {
  std::string role, party;
  TransferRollupDelta d;
};
Result<std::vector<TransferRollup>> TransferRollups(Txn& txn, const std::string& month);

}  // namespace cradle::store

namespace cradle::store {
// Received mass apportioned from a weighbridge net mass: added to the producer's and the
// facility's received measured grams of `month` (the receive scans carried none).
Status RollupApportioned(Txn& txn, const std::string& month, const std::string& producer,
                         const std::string& facility, int64_t grams);
}  // namespace cradle::store
