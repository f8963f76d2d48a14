// The per-connection prepared-statement cache behind Txn::Prepare: statements are compiled once
// and reused, nested use of the same SQL gets a statement of its own, a returned statement
// carries no bindings or open cursor, and a writer reopened after a failed commit starts afresh.
#define BOOST_TEST_MODULE store_stmt_cache_test
#include <sqlite3.h>

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "server/store/database.h"
#include "server/store/env.h"
#include "tests/unit/store/store_test_util.h"

namespace cradle::store {
namespace {

using testing::OpenOrDie;
using testing::TempDir;

constexpr char kInsert[] = "INSERT INTO kv (k, v) VALUES (?, ?)";
constexpr char kFrom[] = "SELECT k, v FROM kv WHERE k >= ? ORDER BY k";

Status CreateKv(Database& db) {
  return db.Write([](Txn& txn) {
    return txn.Exec("CREATE TABLE IF NOT EXISTS kv (k INTEGER PRIMARY KEY, v TEXT NOT NULL)");
  });
}

Status Put(Database& db, int64_t k, const std::string& v) {
  return db.Write([&](Txn& txn) -> Status {
    auto stmt = txn.Prepare(kInsert);
    if (!stmt.ok()) return stmt.status();
    stmt->Bind(1, k).Bind(2, v);
    return stmt->Run();
  });
}

// Statements SQLite holds for the connection (cached ones, including the store's own BEGIN /
// SAVEPOINT / COMMIT), how many are mid-run, and how many have the text `sql`.
struct ConnStatements {
  int total = 0;
  int busy = 0;
  int matching = 0;
};
ConnStatements Census(sqlite3* db, const std::string& sql = "") {
  ConnStatements c;
  for (sqlite3_stmt* s = sqlite3_next_stmt(db, nullptr); s != nullptr;
       s = sqlite3_next_stmt(db, s)) {
    ++c.total;
    if (sqlite3_stmt_busy(s)) ++c.busy;
    if (sql == sqlite3_sql(s)) ++c.matching;
  }
  return c;
}

ConnStatements WriterCensus(Database& db, const std::string& sql = "") {
  ConnStatements c;
  BOOST_REQUIRE(db.Write([&](Txn& txn) {
                    c = Census(txn.raw(), sql);
                    return Status::Ok();
                  }).ok());
  return c;
}

BOOST_AUTO_TEST_CASE(repeated_sql_is_compiled_once_per_connection) {
  TempDir dir;
  auto db = OpenOrDie({.path = dir.File("cradle.db"), .readers = 1});
  BOOST_REQUIRE(CreateKv(*db).ok());
  BOOST_REQUIRE(Put(*db, 0, "first").ok());
  const auto before = db->stats();
  const int statements_before = WriterCensus(*db).total;
  for (int i = 1; i <= 50; ++i) BOOST_REQUIRE(Put(*db, i, "v").ok());
  const auto after = db->stats();
  BOOST_TEST(after.stmt_prepares == before.stmt_prepares);  // nothing recompiled
  BOOST_TEST(after.stmt_cache_hits >= before.stmt_cache_hits + 50);
  const ConnStatements c = WriterCensus(*db, kInsert);
  BOOST_TEST(c.total == statements_before);  // no statement leaked per call
  BOOST_TEST(c.matching == 1);
  BOOST_TEST(c.busy == 0);

  // Readers have caches of their own: the first read compiles, the rest reuse.
  auto count = [&] {
    int64_t n = -1;
    BOOST_REQUIRE(db->Read([&](Txn& txn) -> Status {
                      auto stmt = txn.Prepare("SELECT count(*) FROM kv");
                      if (!stmt.ok()) return stmt.status();
                      auto row = stmt->Step();
                      if (!row.ok()) return row.status();
                      n = stmt->Int(0);
                      return Status::Ok();
                    }).ok());
    return n;
  };
  BOOST_TEST(count() == 51);
  const auto read1 = db->stats();
  BOOST_TEST(read1.stmt_prepares > after.stmt_prepares);
  for (int i = 0; i < 10; ++i) BOOST_TEST(count() == 51);
  BOOST_TEST(db->stats().stmt_prepares == read1.stmt_prepares);
  BOOST_TEST(db->stats().stmt_cache_hits >= read1.stmt_cache_hits + 10);
}

// Walks kv from `from` with kFrom, and for every row runs the same SQL again (nested) from that
// row's key: both cursors must see their own rows.
Status WalkNested(Txn& txn, int64_t from, std::vector<std::string>& seen) {
  auto outer = txn.Prepare(kFrom);
  if (!outer.ok()) return outer.status();
  outer->Bind(1, from);
  while (true) {
    auto row = outer->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    const int64_t k = outer->Int(0);
    auto inner = txn.Prepare(kFrom);  // same SQL while `outer` is mid-iteration
    if (!inner.ok()) return inner.status();
    inner->Bind(1, k);
    int inner_rows = 0;
    while (true) {
      auto r = inner->Step();
      if (!r.ok()) return r.status();
      if (!*r) break;
      ++inner_rows;
    }
    seen.push_back(outer->Text(1) + ":" + std::to_string(inner_rows));
  }
  return Status::Ok();
}

BOOST_AUTO_TEST_CASE(nested_use_of_the_same_sql_gets_its_own_statement) {
  TempDir dir;
  auto db = OpenOrDie({.path = dir.File("cradle.db"), .readers = 1});
  BOOST_REQUIRE(CreateKv(*db).ok());
  for (int i = 1; i <= 4; ++i) BOOST_REQUIRE(Put(*db, i, "r" + std::to_string(i)).ok());
  const std::vector<std::string> want = {"r1:4", "r2:3", "r3:2", "r4:1"};
  int statements_after_first_round = 0;
  for (int round = 0; round < 3; ++round) {  // first round fills the cache, the rest reuse it
    std::vector<std::string> seen;
    BOOST_REQUIRE(db->Read([&](Txn& txn) { return WalkNested(txn, 1, seen); }).ok());
    BOOST_TEST(seen == want, boost::test_tools::per_element());
    seen.clear();
    BOOST_REQUIRE(db->Write([&](Txn& txn) { return WalkNested(txn, 1, seen); }).ok());
    BOOST_TEST(seen == want, boost::test_tools::per_element());
    if (round == 0) statements_after_first_round = WriterCensus(*db).total;
  }
  // The nested fallbacks were finalized: only the cached kFrom remains, and nothing runs.
  const ConnStatements c = WriterCensus(*db, kFrom);
  BOOST_TEST(c.busy == 0);
  BOOST_TEST(c.matching == 1);
  BOOST_TEST(c.total == statements_after_first_round);
}

BOOST_AUTO_TEST_CASE(a_returned_statement_keeps_no_bindings_and_no_cursor) {
  TempDir dir;
  auto db = OpenOrDie({.path = dir.File("cradle.db"), .readers = 1});
  BOOST_REQUIRE(CreateKv(*db).ok());
  for (int i = 1; i <= 3; ++i) BOOST_REQUIRE(Put(*db, i, "v").ok());
  // Bind, step once and abandon mid-iteration.
  BOOST_REQUIRE(db->Read([](Txn& txn) -> Status {
                    auto stmt = txn.Prepare("SELECT ?, k FROM kv ORDER BY k");
                    if (!stmt.ok()) return stmt.status();
                    stmt->Bind(1, int64_t{42});
                    auto row = stmt->Step();
                    if (!row.ok() || !*row || stmt->Int(0) != 42) return Status("TEST", "setup");
                    return Status::Ok();
                  }).ok());
  bool was_null = false;
  int rows = 0;
  ConnStatements census;
  BOOST_REQUIRE(db->Read([&](Txn& txn) -> Status {
                    // Before borrowing: the abandoned one is back in the cache, not running.
                    census = Census(txn.raw(), "SELECT ?, k FROM kv ORDER BY k");
                    auto stmt = txn.Prepare("SELECT ?, k FROM kv ORDER BY k");
                    if (!stmt.ok()) return stmt.status();
                    while (true) {  // unbound: NULL, and the cursor starts at the first row again
                      auto row = stmt->Step();
                      if (!row.ok()) return row.status();
                      if (!*row) break;
                      if (rows++ == 0) was_null = stmt->IsNull(0);
                    }
                    return Status::Ok();
                  }).ok());
  BOOST_TEST(census.matching == 1);
  BOOST_TEST(census.busy == 0);
  BOOST_TEST(was_null);
  BOOST_TEST(rows == 3);
}

BOOST_AUTO_TEST_CASE(moved_statements_return_to_the_cache_once) {
  TempDir dir;
  auto db = OpenOrDie({.path = dir.File("cradle.db"), .readers = 1});
  BOOST_REQUIRE(CreateKv(*db).ok());
  BOOST_REQUIRE(db->Write([](Txn& txn) -> Status {
                    auto a = txn.Prepare(kInsert);
                    if (!a.ok()) return a.status();
                    Stmt moved = std::move(*a);  // the slot follows the move
                    moved.Bind(1, int64_t{1}).Bind(2, "one");
                    if (Status s = moved.Run(); !s.ok()) return s;
                    auto b = txn.Prepare(kInsert);  // `moved` still holds the cached one
                    if (!b.ok()) return b.status();
                    moved = std::move(*b);  // returns the first, takes the fresh one
                    moved.Bind(1, int64_t{2}).Bind(2, "two");
                    return moved.Run();
                  }).ok());
  const auto before = db->stats();
  BOOST_REQUIRE(Put(*db, 3, "three").ok());
  BOOST_TEST(db->stats().stmt_prepares == before.stmt_prepares);  // the cached one was free
  BOOST_TEST(testing::CountRows(*db, "kv") == 3);
}

BOOST_AUTO_TEST_CASE(a_writer_reopened_after_a_failed_commit_recompiles) {
  TempDir dir;
  Env env("cradle-stmt-cache-sync");
  auto db = OpenOrDie({.path = dir.File("cradle.db"), .env = &env, .readers = 1});
  BOOST_REQUIRE(CreateKv(*db).ok());
  BOOST_REQUIRE(Put(*db, 1, "a").ok());
  env.FailNthSync(1);
  BOOST_TEST(Put(*db, 2, "lost").code() == "STORAGE_UNAVAILABLE");
  env.Disarm();
  const auto before = db->stats();
  BOOST_REQUIRE(Put(*db, 3, "b").ok());
  // The new connection compiled afresh (the old statements died with the old one)...
  const auto reopened = db->stats();
  BOOST_TEST(reopened.stmt_prepares > before.stmt_prepares);
  BOOST_TEST(WriterCensus(*db, kInsert).matching == 1);
  // ...and caches again.
  BOOST_REQUIRE(Put(*db, 4, "c").ok());
  BOOST_TEST(db->stats().stmt_prepares == reopened.stmt_prepares);
  BOOST_TEST(testing::CountRows(*db, "kv") == 3);
  BOOST_TEST(db->IntegrityCheck().ok());
}

BOOST_AUTO_TEST_CASE(the_cache_is_bounded) {
  TempDir dir;
  auto db = OpenOrDie({.path = dir.File("cradle.db"), .readers = 1});
  const int distinct = static_cast<int>(internal::StmtCache::kMaxEntries) + 50;
  int64_t sum = 0;
  ConnStatements census;
  BOOST_REQUIRE(db->Read([&](Txn& txn) -> Status {
                    for (int i = 0; i < distinct; ++i) {
                      auto stmt = txn.Prepare("SELECT " + std::to_string(i));
                      if (!stmt.ok()) return stmt.status();
                      auto row = stmt->Step();
                      if (!row.ok()) return row.status();
                      sum += stmt->Int(0);
                    }
                    census = Census(txn.raw());
                    return Status::Ok();
                  }).ok());
  BOOST_TEST(sum == int64_t{distinct} * (distinct - 1) / 2);
  BOOST_TEST(census.total == static_cast<int>(internal::StmtCache::kMaxEntries));
}

BOOST_AUTO_TEST_CASE(concurrent_readers_and_writers_share_nothing) {
  TempDir dir;
  auto db = OpenOrDie({.path = dir.File("cradle.db"), .readers = 4});
  BOOST_REQUIRE(CreateKv(*db).ok());
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) {
        if (!Put(*db, t * 1000 + i, "v").ok()) ++failures;
        std::vector<std::string> seen;
        if (!db->Read([&](Txn& txn) { return WalkNested(txn, t * 1000 + i, seen); }).ok() ||
            seen.empty()) {
          ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  BOOST_TEST(failures.load() == 0);
  BOOST_TEST(testing::CountRows(*db, "kv") == 800);
  BOOST_TEST(db->stats().stmt_cache_hits > 1000u);
}

}  // namespace
}  // namespace cradle::store
