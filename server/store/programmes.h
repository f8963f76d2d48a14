// Small-enterprise collection programmes and their members. Plain functions on a Txn.
// Thread safety: as the Txn they are given.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "server/store/database.h"
#include "server/store/records.h"

namespace cradle::store {

// CONFLICT when the id exists; INVALID_FIELD for an unknown collector org.
Status InsertProgramme(Txn& txn, const Programme& programme);
Result<Programme> FindProgramme(Txn& txn, const std::string& id);  // NOT_FOUND when absent
Result<Page<Programme>> ListProgrammes(Txn& txn, const std::optional<std::string>& after,
                                       int limit);
// CONFLICT when already a member; INVALID_FIELD for an unknown programme or org.
Status AddProgrammeMember(Txn& txn, const std::string& programme_id, const std::string& member);
// Members ordered by USCC.
Result<std::vector<ProgrammeMember>> ListProgrammeMembers(Txn& txn,
                                                          const std::string& programme_id);
Result<bool> IsMember(Txn& txn, const std::string& programme_id, const std::string& member);
// Programmes that `member` belongs to, ordered by id.
Result<std::vector<std::string>> ProgrammesOf(Txn& txn, const std::string& member);

}  // namespace cradle::store
