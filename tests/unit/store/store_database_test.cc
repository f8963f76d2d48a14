// The Database: group commit, savepoint isolation, readers beside a long write, durability
// across a killed process, backup and checkpoint.
#define BOOST_TEST_MODULE store_database_test
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <set>
#include <thread>
#include <vector>

#include "server/store/database.h"
#include "tests/unit/store/store_test_util.h"

namespace cradle::store {
namespace {

using testing::CountRows;
using testing::OpenOrDie;
using testing::RawDb;
using testing::TempDir;

Status CreateKv(Database& db) {
  return db.Write([](Txn& txn) {
    return txn.Exec("CREATE TABLE IF NOT EXISTS kv (k INTEGER PRIMARY KEY, v TEXT NOT NULL)");
  });
}

Status Put(Txn& txn, int64_t k, const std::string& v) {
  auto stmt = txn.Prepare("INSERT INTO kv (k, v) VALUES (?, ?)");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, k).Bind(2, v);
  return stmt->Run();
}

BOOST_AUTO_TEST_CASE(group_commit_batches_and_isolates_failures) {
  TempDir dir;
  auto db = OpenOrDie({.path = dir.File("cradle.db")});
  BOOST_REQUIRE(CreateKv(*db).ok());
  const auto base = db->stats();

  constexpr int kThreads = 32, kWrites = 200;
  std::atomic<int> unexpected{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWrites; ++i) {
        const int64_t key = t * 1000 + i;
        const bool fail = i % 10 == 7;  // inserts its row, then fails: the row must vanish
        Status s = db->Write([&](Txn& txn) -> Status {
          if (Status put = Put(txn, key, "v"); !put.ok()) return put;
          return fail ? Status("TEST_FAIL", "deliberate") : Status::Ok();
        });
        if (fail ? s.code() != "TEST_FAIL" : !s.ok()) unexpected.fetch_add(1);
      }
    });
  }
  for (auto& th : threads) th.join();
  BOOST_TEST(unexpected.load() == 0);

  const int expected_rows = kThreads * (kWrites - kWrites / 10);
  BOOST_TEST(CountRows(*db, "kv") == expected_rows);
  Status check = db->Read([&](Txn& txn) -> Status {
    auto stmt = txn.Prepare("SELECT count(*) FROM kv WHERE k % 1000 % 10 = 7");
    if (!stmt.ok()) return stmt.status();
    auto row = stmt->Step();
    BOOST_TEST(stmt->Int(0) == 0);
    return row.status();
  });
  BOOST_TEST(check.ok());

  const auto stats = db->stats();
  const uint64_t groups = stats.groups_committed - base.groups_committed;
  const uint64_t committed = stats.writes_committed - base.writes_committed;
  BOOST_TEST(committed == static_cast<uint64_t>(expected_rows));
  BOOST_TEST(stats.writes_failed - base.writes_failed == kThreads * kWrites / 10u);
  BOOST_TEST(groups < committed, "groups " << groups << " writes " << committed);
  BOOST_TEST(stats.largest_group > 1u);
  BOOST_TEST_MESSAGE("group commit: " << committed << " writes in " << groups << " groups, largest "
                                      << stats.largest_group);
  BOOST_TEST(stats.commit_failures == 0u);
  BOOST_TEST(stats.queue_depth == 0u);
}

BOOST_AUTO_TEST_CASE(a_throwing_fn_is_an_error_not_a_crash) {
  TempDir dir;
  auto db = OpenOrDie({.path = dir.File("cradle.db")});
  BOOST_REQUIRE(CreateKv(*db).ok());
  Status s = db->Write([](Txn& txn) -> Status {
    (void)Put(txn, 1, "x");
    throw std::runtime_error("boom");
  });
  BOOST_TEST(s.code() == "INTERNAL");
  BOOST_TEST(CountRows(*db, "kv") == 0);
  BOOST_TEST(db->Write([](Txn& txn) { return Put(txn, 1, "y"); }).ok());
  BOOST_TEST(CountRows(*db, "kv") == 1);
}

BOOST_AUTO_TEST_CASE(readers_do_not_block_on_a_long_write) {
  TempDir dir;
  auto db = OpenOrDie({.path = dir.File("cradle.db")});
  BOOST_REQUIRE(CreateKv(*db).ok());
  BOOST_REQUIRE(db->Write([](Txn& txn) { return Put(txn, 1, "before"); }).ok());

  std::promise<void> writer_inside, reader_done;
  auto reader_done_future = reader_done.get_future();
  bool reader_finished_while_writing = false;
  std::thread writer([&] {
    Status s = db->Write([&](Txn& txn) -> Status {
      if (Status put = Put(txn, 2, "during"); !put.ok()) return put;
      writer_inside.set_value();
      // Hold the write transaction open until the reader is done (or give up after 10 s).
      reader_finished_while_writing =
          reader_done_future.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
      return Status::Ok();
    });
    BOOST_TEST(s.ok());
  });
  writer_inside.get_future().wait();
  const auto start = std::chrono::steady_clock::now();
  int64_t seen = CountRows(*db, "kv");
  const auto took = std::chrono::steady_clock::now() - start;
  reader_done.set_value();
  writer.join();

  BOOST_TEST(reader_finished_while_writing);
  BOOST_TEST(seen == 1);  // the snapshot before the uncommitted write
  BOOST_TEST(std::chrono::duration_cast<std::chrono::milliseconds>(took).count() < 2000);
  BOOST_TEST(CountRows(*db, "kv") == 2);
}

BOOST_AUTO_TEST_CASE(a_read_sees_one_snapshot) {
  TempDir dir;
  auto db = OpenOrDie({.path = dir.File("cradle.db")});
  BOOST_REQUIRE(CreateKv(*db).ok());
  BOOST_REQUIRE(db->Write([](Txn& txn) { return Put(txn, 1, "a"); }).ok());
  int64_t first = -1, second = -1;
  Status s = db->Read([&](Txn& txn) -> Status {
    auto count = [&]() -> int64_t {
      auto stmt = txn.Prepare("SELECT count(*) FROM kv");
      (void)stmt->Step();
      return stmt->Int(0);
    };
    first = count();
    std::thread([&] { BOOST_TEST(db->Write([](Txn& w) { return Put(w, 2, "b"); }).ok()); }).join();
    second = count();
    return Status::Ok();
  });
  BOOST_TEST(s.ok());
  BOOST_TEST(first == 1);
  BOOST_TEST(second == 1);
  BOOST_TEST(CountRows(*db, "kv") == 2);
}

BOOST_AUTO_TEST_CASE(a_nested_write_is_refused_not_deadlocked) {
  TempDir dir;
  auto db = OpenOrDie({.path = dir.File("cradle.db")});
  Status inner;
  Status outer = db->Write([&](Txn&) -> Status {
    inner = db->Write([](Txn&) { return Status::Ok(); });
    return Status::Ok();
  });
  BOOST_TEST(outer.ok());
  BOOST_TEST(inner.code() == "INTERNAL");
}

BOOST_AUTO_TEST_CASE(readers_cannot_write) {
  TempDir dir;
  auto db = OpenOrDie({.path = dir.File("cradle.db")});
  BOOST_REQUIRE(CreateKv(*db).ok());
  Status s = db->Read([](Txn& txn) { return Put(txn, 1, "x"); });
  BOOST_TEST(!s.ok());
  BOOST_TEST(CountRows(*db, "kv") == 0);
}

// The child writes from 4 threads, reports each acknowledged key through a pipe, and is killed
// with SIGKILL right after a Write returns; every acknowledged key must survive.
BOOST_AUTO_TEST_CASE(acknowledged_writes_survive_a_killed_process) {
  TempDir dir;
  const std::string path = dir.File("cradle.db");
  {
    auto db = OpenOrDie({.path = path});
    BOOST_REQUIRE(CreateKv(*db).ok());
    BOOST_REQUIRE(db->Write([](Txn& txn) { return Put(txn, 0, "parent"); }).ok());
  }
  int fds[2];
  BOOST_REQUIRE(pipe(fds) == 0);
  pid_t pid = fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    auto opened = Database::Open({.path = path});
    if (!opened.ok()) _exit(3);
    Database& db = **opened;
    std::atomic<int> acked{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (int64_t i = 1;; ++i) {
          int64_t key = t * 1000000 + i;
          if (!db.Write([&](Txn& txn) { return Put(txn, key, "child"); }).ok()) _exit(4);
          if (write(fds[1], &key, sizeof key) != sizeof key) _exit(5);
          if (acked.fetch_add(1) + 1 == 150) kill(getpid(), SIGKILL);
        }
      });
    }
    for (auto& th : threads) th.join();
    _exit(6);  // unreachable: the threads never stop
  }
  close(fds[1]);
  std::set<int64_t> acked;
  int64_t key;
  while (read(fds[0], &key, sizeof key) == sizeof key) acked.insert(key);
  close(fds[0]);
  int wstatus = 0;
  BOOST_REQUIRE(waitpid(pid, &wstatus, 0) == pid);
  BOOST_REQUIRE(WIFSIGNALED(wstatus));
  BOOST_TEST(WTERMSIG(wstatus) == SIGKILL);
  BOOST_TEST(acked.size() >= 150u);

  auto db = OpenOrDie({.path = path});
  BOOST_TEST(db->IntegrityCheck().ok());
  std::set<int64_t> present;
  Status s = db->Read([&](Txn& txn) -> Status {
    auto stmt = txn.Prepare("SELECT k FROM kv");
    if (!stmt.ok()) return stmt.status();
    while (true) {
      auto row = stmt->Step();
      if (!row.ok()) return row.status();
      if (!*row) return Status::Ok();
      present.insert(stmt->Int(0));
    }
  });
  BOOST_REQUIRE(s.ok());
  BOOST_TEST(present.count(0) == 1u);
  int missing = 0;
  for (int64_t k : acked) missing += present.count(k) == 0;
  BOOST_TEST(missing == 0);
}

BOOST_AUTO_TEST_CASE(backup_and_checkpoint) {
  TempDir dir;
  auto db = OpenOrDie({.path = dir.File("cradle.db")});
  BOOST_REQUIRE(CreateKv(*db).ok());
  for (int i = 0; i < 50; ++i) {
    BOOST_REQUIRE(db->Write([&](Txn& txn) { return Put(txn, i, "row"); }).ok());
  }
  BOOST_TEST(db->Checkpoint().ok());
  BOOST_TEST(std::filesystem::file_size(dir.File("cradle.db-wal")) == 0u);
  BOOST_TEST(db->Backup(dir.File("copy.db")).ok());
  BOOST_TEST(db->IntegrityCheck().ok());
  RawDb copy(dir.File("copy.db"));
  BOOST_TEST(copy.Int("SELECT count(*) FROM kv") == 50);
  BOOST_TEST(copy.Scalar("PRAGMA integrity_check") == "ok");
}

BOOST_AUTO_TEST_CASE(open_fails_cleanly_on_an_unwritable_path) {
  auto db = Database::Open({.path = "/nonexistent-dir/cradle.db"});
  BOOST_REQUIRE(!db.ok());
  BOOST_TEST(db.status().code() == "STORAGE_UNAVAILABLE");
}

}  // namespace
}  // namespace cradle::store
