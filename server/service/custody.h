// Custody on every scan (../shared/spec/transfers.md "Custody: who may scan what"): who may
// pick up, receive, dispose of or reject a container, and what an accepted scan does to the
// container's transfer. Called from the scan writer (service/scans.cc) inside its Write.
//
// DecideCustody is the rule as a pure function over facts read beforehand (unit-tested);
// CheckCustody reads those facts (one primary-key read of the manifest's custody columns and,
// when it is on a transfer, that transfer); RecordCustody applies an accepted scan to the
// transfer (loaded, in transit, delivered, ad hoc trips) in the same transaction.
// Thread safety: stateless functions; the Txn is the caller's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/domain_types.h"
#include "core/status.h"
#include "server/service/context.h"
#include "server/store/database.h"
#include "server/store/records.h"

namespace cradle::service {

// What the custody rule looks at.
struct CustodyFacts {
  ScanKind kind = ScanKind::kPickup;
  std::string scanner_org;                 // USCC of the scanning organisation
  std::optional<std::string> facility;     // the scan's facility (receive, dispose, reject)
  bool on_transfer = false;                // the container is on an open transfer
  std::string carrier;                     // that transfer's carrier
  std::optional<std::string> receiver;     // that transfer's receiver facility, when known
  std::optional<std::string> destination;  // the manifest's destination, when it names one
  std::optional<std::string> holder;       // the facility holding the container
  bool facility_accepts = true;            // the scan's facility takes the waste code
};

struct CustodyRefusal {
  std::string code;  // NOT_CARRIER | WRONG_RECEIVER | NOT_IN_CUSTODY | NOT_ACCEPTED
  std::string detail;
};

// nullopt when the scan is allowed.
std::optional<CustodyRefusal> DecideCustody(const CustodyFacts& f);

// One scan as the writer sees it.
struct CustodyScan {
  ScanKind kind = ScanKind::kPickup;
  std::string org;    // scanning organisation
  std::string actor;  // audit actor
  std::optional<std::string> facility;
  std::optional<std::string> vehicle;
  std::optional<int64_t> mass_g;
  std::optional<std::string> note;
  std::vector<std::string> facility_accepts;  // the scan facility's accepted codes (dashed)
};

Result<std::optional<CustodyRefusal>> CheckCustody(store::Txn& txn, const CustodyScan& scan,
                                                   const store::Manifest& m);

// Applies an accepted scan to the container's transfer (see transfers.md "States").
Status RecordCustody(const Context& ctx, store::Txn& txn, const CustodyScan& scan,
                     const store::Manifest& m);

}  // namespace cradle::service
