// Fault injection through the Env VFS shim: a failed write, sync or full disk fails the Write
// with STORAGE_UNAVAILABLE, keeps the file intact, loses only the failed write's rows, and the
// database accepts writes again once the fault is gone.
#define BOOST_TEST_MODULE store_fault_test
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

using testing::CountRows;
using testing::OpenOrDie;
using testing::RawDb;
using testing::TempDir;

constexpr int kRowsPerBatch = 40;  // ~40 pages: far more than 20 xWrite calls per commit

Status CreateRows(Database& db) {
  return db.Write([](Txn& txn) {
    return txn.Exec(
        "CREATE TABLE IF NOT EXISTS rows (batch INTEGER, i INTEGER, pad TEXT, "
        "PRIMARY KEY (batch, i))");
  });
}

// One Write inserting a batch of page-sized rows.
Status InsertBatch(Database& db, int batch) {
  return db.Write([&](Txn& txn) -> Status {
    auto stmt = txn.Prepare("INSERT INTO rows (batch, i, pad) VALUES (?, ?, ?)");
    if (!stmt.ok()) return stmt.status();
    for (int i = 0; i < kRowsPerBatch; ++i) {
      stmt->Reset();
      stmt->Bind(1, batch).Bind(2, i).Bind(3, std::string(3000, static_cast<char>('a' + i % 26)));
      if (Status s = stmt->Run(); !s.ok()) return s;
    }
    return Status::Ok();
  });
}

int64_t RowsOfBatch(const Database& db, int batch) {
  int64_t n = -1;
  Status s = db.Read([&](Txn& txn) -> Status {
    auto stmt = txn.Prepare("SELECT count(*) FROM rows WHERE batch = ?");
    if (!stmt.ok()) return stmt.status();
    stmt->Bind(1, batch);
    auto row = stmt->Step();
    n = stmt->Int(0);
    return row.status();
  });
  BOOST_REQUIRE(s.ok());
  return n;
}

BOOST_AUTO_TEST_CASE(the_env_forwards_when_disarmed) {
  TempDir dir;
  Env env("cradle-fault-forward");
  auto db = OpenOrDie({.path = dir.File("cradle.db"), .env = &env});
  BOOST_REQUIRE(CreateRows(*db).ok());
  const int64_t writes = env.writes(), syncs = env.syncs();
  BOOST_REQUIRE(InsertBatch(*db, 1).ok());
  BOOST_TEST(env.writes() > writes + 20);  // the shim really sees the I/O
  BOOST_TEST(env.syncs() > syncs);         // synchronous=FULL syncs every commit
  BOOST_TEST(env.injected() == 0);
}

BOOST_AUTO_TEST_CASE(failing_the_nth_write_for_n_1_to_20) {
  TempDir dir;
  const std::string path = dir.File("cradle.db");
  Env env("cradle-fault-write");
  int64_t acknowledged = 0;
  {
    auto db = OpenOrDie({.path = path, .env = &env});
    BOOST_REQUIRE(CreateRows(*db).ok());
    int batch = 0;
    for (int n = 1; n <= 20; ++n) {
      BOOST_TEST_CONTEXT("n = " << n) {
        BOOST_REQUIRE(InsertBatch(*db, ++batch).ok());  // acknowledged before the fault
        acknowledged += kRowsPerBatch;

        const int failed_batch = ++batch;
        const int64_t injected = env.injected();
        env.FailNthWrite(n);
        Status s = InsertBatch(*db, failed_batch);
        env.Disarm();
        BOOST_TEST(env.injected() == injected + 1);
        BOOST_TEST(s.code() == "STORAGE_UNAVAILABLE", s.ToString());

        BOOST_TEST(db->IntegrityCheck().ok());
        BOOST_TEST(RowsOfBatch(*db, failed_batch) == 0);
        BOOST_TEST(CountRows(*db, "rows") == acknowledged);

        BOOST_REQUIRE(InsertBatch(*db, ++batch).ok());  // recovers
        acknowledged += kRowsPerBatch;
        BOOST_TEST(CountRows(*db, "rows") == acknowledged);
      }
    }
    BOOST_TEST(db->stats().commit_failures == 20u);
  }
  // Reopened from the file alone: the same rows, an intact file.
  RawDb raw(path);
  BOOST_TEST(raw.Scalar("PRAGMA integrity_check") == "ok");
  BOOST_TEST(raw.Int("SELECT count(*) FROM rows") == acknowledged);
}

BOOST_AUTO_TEST_CASE(a_failed_sync_fails_the_write_and_recovers) {
  TempDir dir;
  const std::string path = dir.File("cradle.db");
  Env env("cradle-fault-sync");
  auto db = OpenOrDie({.path = path, .env = &env});
  BOOST_REQUIRE(CreateRows(*db).ok());
  BOOST_REQUIRE(InsertBatch(*db, 1).ok());
  env.FailNthSync(1);
  Status s = InsertBatch(*db, 2);
  env.Disarm();
  BOOST_TEST(env.injected() == 1);
  BOOST_TEST(s.code() == "STORAGE_UNAVAILABLE", s.ToString());
  BOOST_TEST(db->IntegrityCheck().ok());
  BOOST_TEST(RowsOfBatch(*db, 2) == 0);
  BOOST_REQUIRE(InsertBatch(*db, 3).ok());
  BOOST_TEST(RowsOfBatch(*db, 1) == kRowsPerBatch);
  BOOST_TEST(RowsOfBatch(*db, 3) == kRowsPerBatch);
}

BOOST_AUTO_TEST_CASE(a_full_disk_fails_writes_until_space_returns) {
  TempDir dir;
  Env env("cradle-fault-full");
  auto db = OpenOrDie({.path = dir.File("cradle.db"), .env = &env});
  BOOST_REQUIRE(CreateRows(*db).ok());
  BOOST_REQUIRE(InsertBatch(*db, 1).ok());
  env.DiskFullAfter(5);
  for (int batch = 2; batch <= 4; ++batch) {
    Status s = InsertBatch(*db, batch);
    BOOST_TEST(s.code() == "STORAGE_UNAVAILABLE", s.ToString());
  }
  env.Disarm();
  BOOST_TEST(db->IntegrityCheck().ok());
  BOOST_TEST(CountRows(*db, "rows") == kRowsPerBatch);
  BOOST_REQUIRE(InsertBatch(*db, 5).ok());
  BOOST_TEST(CountRows(*db, "rows") == 2 * kRowsPerBatch);
}

// Concurrent writers in one group all lose their commit together, and all get the error.
BOOST_AUTO_TEST_CASE(a_commit_failure_fails_the_whole_group) {
  TempDir dir;
  Env env("cradle-fault-group");
  auto db = OpenOrDie({.path = dir.File("cradle.db"), .env = &env});
  BOOST_REQUIRE(CreateRows(*db).ok());
  env.DiskFullAfter(1);
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      if (InsertBatch(*db, 100 + t).code() == "STORAGE_UNAVAILABLE") failures.fetch_add(1);
    });
  }
  for (auto& th : threads) th.join();
  env.Disarm();
  BOOST_TEST(failures.load() == 8);
  BOOST_TEST(CountRows(*db, "rows") == 0);
  BOOST_TEST(InsertBatch(*db, 200).ok());
}

}  // namespace
}  // namespace cradle::store
