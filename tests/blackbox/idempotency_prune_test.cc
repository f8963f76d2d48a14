// The idempotency table is pruned in production: the real cradle-server, started as `serve`
// starts it, forgets a key older than the retention without any test calling the pruning
// function, and the same key then issues anew.
#define BOOST_TEST_MODULE blackbox_idempotency_prune_test
#include <sqlite3.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "tests/blackbox/server_test_helpers.h"

namespace cradle::testing {
namespace {

// Runs one statement on the server's database file beside the server (WAL: readers and a
// short writer do not disturb it); returns the first column of the first row, or -1.
int64_t Sql(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    sqlite3_close_v2(db);
    return -1;
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* stmt = nullptr;
  int64_t out = -1;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK) {
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) out = sqlite3_column_int64(stmt, 0);
    if (rc == SQLITE_DONE) out = sqlite3_changes(db);
  }
  sqlite3_finalize(stmt);
  sqlite3_close_v2(db);
  return out;
}

BOOST_AUTO_TEST_CASE(the_running_server_forgets_keys_older_than_the_retention) {
  TempServer s;
  BOOST_REQUIRE(s.Start().ok());
  auto c = s.Client();
  const std::string producer = AddProducer(c, s.admin_token(), UsccA());
  auto headers = Bearer(producer);
  headers["Idempotency-Key"] = "prune-me";
  auto first = MustSend(c, "POST", "/api/v1/manifests", headers, IssueJson(UsccA(), 1));
  BOOST_REQUIRE_MESSAGE(first.status == 201, first.body);
  auto replay = MustSend(c, "POST", "/api/v1/manifests", headers, IssueJson(UsccA(), 1));
  BOOST_TEST(replay.headers["idempotent-replayed"] == "true");
  BOOST_TEST(replay.body == first.body);
  BOOST_REQUIRE(s.Stop() == 0);

  // Older than any retention (a year), written while the server is down.
  const std::string db = s.data_dir() + "/cradle.db";
  BOOST_REQUIRE(Sql(db, "SELECT count(*) FROM idempotency") == 1);
  BOOST_REQUIRE(Sql(db, "UPDATE idempotency SET created_at = created_at - 365 * 86400000000") == 1);

  // Started again with defaults: its background rules run prunes the key at start-up.
  BOOST_REQUIRE(s.Start().ok());
  int64_t rows = 1;
  for (int i = 0; i < 300 && rows != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    rows = Sql(db, "SELECT count(*) FROM idempotency");
  }
  BOOST_TEST(rows == 0);

  auto c2 = s.Client();
  auto later = MustSend(c2, "POST", "/api/v1/manifests", headers, IssueJson(UsccA(), 1));
  BOOST_TEST(later.status == 201);
  BOOST_TEST(later.headers.count("idempotent-replayed") == 0u);
  BOOST_TEST(later.body != first.body);
}

}  // namespace
}  // namespace cradle::testing
