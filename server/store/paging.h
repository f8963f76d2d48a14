// Internal to cradle_store: reading one keyset page from a statement that selects LIMIT limit+1.
#pragma once

#include "core/status.h"
#include "server/store/database.h"
#include "server/store/records.h"
#include "server/store/sqlite_util.h"

namespace cradle::store::internal {

// Reads up to `limit` rows with `read_row`; a (limit+1)-th row means more follow, and `next` is
// then the key (`key_of`) of the last item returned.
template <class T, class Cursor, class ReadRow, class KeyOf>
Result<Page<T, Cursor>> ReadPage(Stmt& stmt, int limit, ReadRow read_row, KeyOf key_of) {
  Page<T, Cursor> page;
  while (true) {
    CRADLE_STORE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    if (static_cast<int>(page.items.size()) == limit) {
      page.next = key_of(page.items.back());
      break;
    }
    page.items.push_back(read_row(stmt));
  }
  return page;
}

}  // namespace cradle::store::internal
