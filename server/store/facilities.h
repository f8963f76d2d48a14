// Disposal, utilisation and transfer facilities. Plain functions on a Txn.
// Thread safety: as the Txn they are given.
#pragma once

#include <optional>
#include <string>

#include "core/status.h"
#include "server/store/database.h"
#include "server/store/records.h"

namespace cradle::store {

// CONFLICT when the id exists; INVALID_FIELD for a bad kind or unknown operator org.
Status InsertFacility(Txn& txn, const Facility& facility);
// NOT_FOUND when absent.
Result<Facility> FindFacility(Txn& txn, const std::string& id);
// Ordered by id, keyset-paged as ListOrgs; `operator_org` filters when set.
Result<Page<Facility>> ListFacilities(Txn& txn, const std::optional<std::string>& operator_org,
                                      const std::optional<std::string>& after, int limit);

}  // namespace cradle::store
