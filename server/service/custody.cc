#include "server/service/custody.h"

#include <algorithm>
#include <boost/json.hpp>

#include "core/transfer_state.h"
#include "core/waste_code.h"
#include "server/service/audit_json.h"
#include "server/service/transfers.h"
#include "server/store/audit.h"
#include "server/store/facilities.h"
#include "server/store/transfers.h"

namespace cradle::service {

std::optional<CustodyRefusal> DecideCustody(const CustodyFacts& f) {
  const std::string fac = f.facility.value_or("");
  // Where the load was sent: the transfer's receiver, else the manifest's destination.
  std::optional<std::string> bound = f.on_transfer && f.receiver ? f.receiver : f.destination;
  switch (f.kind) {
    case ScanKind::kPickup:
      if (f.on_transfer && f.scanner_org != f.carrier) {
        return CustodyRefusal{"NOT_CARRIER", "the container's transfer is carried by " + f.carrier};
      }
      return std::nullopt;
    case ScanKind::kReceive:
      if (bound && *bound != fac) {
        return CustodyRefusal{"WRONG_RECEIVER", "the container is sent to " + *bound};
      }
      return std::nullopt;
    case ScanKind::kDispose:
      if (!f.holder || *f.holder != fac) {
        return CustodyRefusal{"NOT_IN_CUSTODY", f.holder
                                                    ? "the container is held by " + *f.holder
                                                    : "no facility has received the container"};
      }
      if (!f.facility_accepts) {
        return CustodyRefusal{"NOT_ACCEPTED", "facility " + fac + " does not take this code"};
      }
      return std::nullopt;
    case ScanKind::kReject:
      if (bound && *bound != fac) {
        return CustodyRefusal{"NOT_IN_CUSTODY", "the container was delivered to " + *bound};
      }
      return std::nullopt;
  }
  return std::nullopt;
}

Result<std::optional<CustodyRefusal>> CheckCustody(store::Txn& txn, const CustodyScan& scan,
                                                   const store::Manifest& m) {
  auto custody = store::FindCustody(txn, m.id);
  if (!custody.ok()) return custody.status();
  CustodyFacts f;
  f.kind = scan.kind;
  f.scanner_org = scan.org;
  f.facility = scan.facility;
  f.destination = m.destination;
  f.holder = custody->holder_facility;
  if (custody->open_transfer) {
    auto t = store::FindTransfer(txn, *custody->open_transfer);
    if (!t.ok()) return t.status();
    auto st = ParseTransferStatus(t->status);
    if (st && IsOpenTransfer(*st)) {
      f.on_transfer = true;
      f.carrier = t->carrier;
      f.receiver = t->receiver;
    }
  }
  if (!scan.facility_accepts.empty()) {
    auto dashed = WasteCodeToDashed(m.waste_code);
    const std::string code = dashed.ok() ? *dashed : m.waste_code;
    f.facility_accepts = std::find(scan.facility_accepts.begin(), scan.facility_accepts.end(),
                                   code) != scan.facility_accepts.end();
  }
  return DecideCustody(f);
}

Status RecordCustody(const Context& ctx, store::Txn& txn, const CustodyScan& scan,
                     const store::Manifest& m) {
  return internal::ApplyScanToTransfer(ctx, txn, scan, m);
}

}  // namespace cradle::service
