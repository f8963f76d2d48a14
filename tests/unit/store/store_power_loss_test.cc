// Power loss through the Env VFS (SQLite's crash-test model, issue 11): unsynced writes are lost
// at a crash, so a database reopened from what the disk held must be intact and hold exactly the
// acknowledged writes. Also finding 12: a COMMIT whose fsync failed leaves its frames in the WAL;
// after a crash or restart they must not come back.
#define BOOST_TEST_MODULE store_power_loss_test
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "server/store/database.h"
#include "server/store/env.h"
#include "tests/unit/store/store_test_util.h"

namespace cradle::store {
namespace {

using testing::OpenOrDie;
using testing::RawDb;
using testing::TempDir;

constexpr int kRowsPerBatch = 12;  // a dozen page-sized rows: several WAL frames per commit

Status CreateRows(Database& db) {
  return db.Write([](Txn& txn) {
    return txn.Exec(
        "CREATE TABLE IF NOT EXISTS rows (batch INTEGER, i INTEGER, pad TEXT, "
        "PRIMARY KEY (batch, i))");
  });
}

Status InsertBatch(Database& db, int batch, int rows = kRowsPerBatch) {
  return db.Write([&](Txn& txn) -> Status {
    auto stmt = txn.Prepare("INSERT INTO rows (batch, i, pad) VALUES (?, ?, ?)");
    if (!stmt.ok()) return stmt.status();
    for (int i = 0; i < rows; ++i) {
      stmt->Reset();
      stmt->Bind(1, batch).Bind(2, i).Bind(3,
                                           std::string(3000, static_cast<char>('a' + batch % 26)));
      if (Status s = stmt->Run(); !s.ok()) return s;
    }
    return Status::Ok();
  });
}

// A raw connection on an image for checking it. Nothing written through it needs to last, so its
// closing checkpoint skips the fsyncs (which would dominate the sweeps' run time).
std::unique_ptr<RawDb> Open(const std::string& path) {
  auto raw = std::make_unique<RawDb>(path);
  raw->Exec("PRAGMA synchronous=OFF");
  return raw;
}

int64_t Rows(RawDb& raw, int batch) {
  return raw.Int("SELECT count(*) FROM rows WHERE batch = " + std::to_string(batch));
}

// ---- the model itself ----------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(a_crash_loses_exactly_the_unsynced_writes) {
  TempDir dir, image;
  Env env("cradle-power-model");
  env.SimulatePowerLoss();
  auto db = OpenOrDie({.path = dir.File("cradle.db"), .env = &env});
  BOOST_REQUIRE(CreateRows(*db).ok());
  BOOST_REQUIRE(InsertBatch(*db, 1).ok());
  // Writes that were never synced: a raw write through the same VFS would be one; simplest is a
  // commit whose sync is the crash point. Its frames reach the real file but not the disk image.
  env.CrashAtNthSync(1);
  BOOST_TEST(InsertBatch(*db, 2).code() == "STORAGE_UNAVAILABLE");
  BOOST_TEST(env.crashed());
  BOOST_TEST(InsertBatch(*db, 3).code() == "STORAGE_UNAVAILABLE");  // the machine is gone
  BOOST_REQUIRE(env.WritePowerLossImage(image.File(""), Env::Loss::kDropUnsynced).ok());
  db.reset();
  // The real file (a kill -9: page cache kept) differs from the image (power loss).
  auto raw_db = Open(image.File("cradle.db"));
  RawDb& raw = *raw_db;
  BOOST_TEST(raw.Scalar("PRAGMA integrity_check") == "ok");
  BOOST_TEST(Rows(raw, 1) == kRowsPerBatch);
  BOOST_TEST(Rows(raw, 2) == 0);
  BOOST_TEST(Rows(raw, 3) == 0);
}

BOOST_AUTO_TEST_CASE(without_a_crash_the_image_is_the_synced_state) {
  TempDir dir, image;
  Env env("cradle-power-nocrash");
  env.SimulatePowerLoss();
  auto db = OpenOrDie({.path = dir.File("cradle.db"), .env = &env});
  BOOST_REQUIRE(CreateRows(*db).ok());
  for (int b = 1; b <= 3; ++b) BOOST_REQUIRE(InsertBatch(*db, b).ok());
  BOOST_REQUIRE(env.WritePowerLossImage(image.File(""), Env::Loss::kTornTail).ok());
  BOOST_TEST(!env.crashed());
  auto raw_db = Open(image.File("cradle.db"));
  RawDb& raw = *raw_db;
  BOOST_TEST(raw.Scalar("PRAGMA integrity_check") == "ok");
  BOOST_TEST(raw.Int("SELECT count(*) FROM rows") == 3 * kRowsPerBatch);
}

BOOST_AUTO_TEST_CASE(the_image_needs_power_loss_mode) {
  TempDir image;
  Env env("cradle-power-off");
  BOOST_TEST(env.WritePowerLossImage(image.File(""), Env::Loss::kDropUnsynced).code() ==
             "INTERNAL");
}

// ---- the sweep -----------------------------------------------------------------------------

struct SweepResult {
  int points = 0;      // crash points taken (N reached)
  int lost_write = 0;  // crashes that failed a write in flight
};

// One crash point: a fresh database with one acknowledged batch, then batches (a checkpoint
// among them, a backup at the end) until the crash at the Nth write or sync. Returns false when N
// lies beyond the work.
bool CrashOnce(bool at_write, int n, Env::Loss loss, SweepResult* result) {
  TempDir dir, image;
  Env env("cradle-power-sweep");
  env.SimulatePowerLoss();
  std::vector<int> acked, failed;
  bool backup_acked = false;
  {
    auto db = OpenOrDie({.path = dir.File("cradle.db"),
                         .env = &env,
                         .readers = 2,
                         .migrations = std::vector<Migration>{}});
    BOOST_REQUIRE(CreateRows(*db).ok());
    BOOST_REQUIRE(InsertBatch(*db, 1).ok());
    acked.push_back(1);
    if (at_write) {
      env.CrashAtNthWrite(n);
    } else {
      env.CrashAtNthSync(n);
    }
    for (int b = 2; b <= 5; ++b) {
      // Batch 4 is larger than the others: the WAL's auto-checkpoint is not reached, but a
      // larger transaction spills pages in a different pattern.
      Status s = InsertBatch(*db, b, b == 4 ? 3 * kRowsPerBatch : kRowsPerBatch);
      (s.ok() ? acked : failed).push_back(b);
      if (!s.ok()) BOOST_TEST(s.code() == "STORAGE_UNAVAILABLE", s.ToString());
      // The shutdown checkpoint (TRUNCATE) midway: the crash points then also fall in a
      // checkpoint, a WAL truncation and the WAL's restart with new salts.
      if (b == 3) (void)db->Checkpoint();
    }
    backup_acked = db->Backup(dir.File("backup.db")).ok();
    if (!env.crashed()) {
      BOOST_TEST(failed.empty());
      BOOST_TEST(backup_acked);
      return false;
    }
    BOOST_REQUIRE(env.WritePowerLossImage(image.File(""), loss).ok());
  }
  ++result->points;
  auto raw_db = Open(image.File("cradle.db"));
  RawDb& raw = *raw_db;
  BOOST_TEST(raw.Scalar("PRAGMA integrity_check") == "ok");
  for (int b : acked) BOOST_TEST(Rows(raw, b) == (b == 4 ? 3 : 1) * kRowsPerBatch, "batch " << b);
  for (int b : failed) BOOST_TEST(Rows(raw, b) == 0, "batch " << b);
  if (backup_acked) {  // an acknowledged backup is a whole, durable copy
    auto copy_db = Open(image.File("backup.db"));
    RawDb& copy = *copy_db;
    BOOST_TEST(copy.Scalar("PRAGMA integrity_check") == "ok");
    BOOST_TEST(copy.Int("SELECT count(*) FROM rows") == raw.Int("SELECT count(*) FROM rows"));
  }
  return true;
}

void Sweep(bool at_write, Env::Loss loss) {
  SweepResult result;
  bool more = true;
  for (int n = 1; n <= 400 && more; ++n) {
    BOOST_TEST_CONTEXT((at_write ? "write " : "sync ") << n) {
      more = CrashOnce(at_write, n, loss, &result);
    }
  }
  BOOST_TEST(!more);  // swept past the last write of the scenario
  BOOST_TEST(result.points > (at_write ? 20 : 5));
  BOOST_TEST_MESSAGE((at_write ? "write" : "sync") << " crash points: " << result.points);
}

BOOST_AUTO_TEST_CASE(power_loss_at_every_sync_of_writes_and_a_backup) {
  Sweep(/*at_write=*/false, Env::Loss::kDropUnsynced);
}
BOOST_AUTO_TEST_CASE(power_loss_at_every_write_of_writes_and_a_backup) {
  Sweep(/*at_write=*/true, Env::Loss::kDropUnsynced);
}
BOOST_AUTO_TEST_CASE(torn_writes_at_every_write_of_writes_and_a_backup) {
  Sweep(/*at_write=*/true, Env::Loss::kTornTail);
}

// ---- finding 12 ----------------------------------------------------------------------------

// Copies the database and its WAL as a kill -9 leaves them (the page cache survives; the -shm
// is rebuilt from the WAL by the next open).
void CopyAsKilled(const std::string& from_db, const std::string& to_dir) {
  namespace fs = std::filesystem;
  for (const char* suffix : {"", "-wal"}) {
    fs::path from = from_db + suffix;
    if (fs::exists(from)) {
      fs::copy_file(from, fs::path(to_dir) / from.filename(), fs::copy_options::overwrite_existing);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_commit_failed_at_fsync_does_not_reappear_after_a_restart) {
  TempDir dir, killed;
  const std::string path = dir.File("cradle.db");
  Env env("cradle-power-finding12");
  auto db = OpenOrDie({.path = path, .env = &env});
  BOOST_REQUIRE(CreateRows(*db).ok());
  BOOST_REQUIRE(InsertBatch(*db, 1).ok());
  // A reader has read, as in a serving process: it keeps the WAL and its index open, so the
  // writer's reopen after the failure is not the last close (which would checkpoint and delete
  // the WAL, hiding the problem).
  BOOST_REQUIRE(db->IntegrityCheck().ok());
  env.FailNthSync(1);  // the COMMIT's WAL sync: every frame is written, the sync fails
  Status s = InsertBatch(*db, 2);
  env.Disarm();
  BOOST_REQUIRE_EQUAL(env.injected(), 1);
  BOOST_TEST(s.code() == "STORAGE_UNAVAILABLE", s.ToString());
  // The process dies here (no clean close, which would checkpoint and delete the WAL).
  CopyAsKilled(path, killed.File(""));
  auto raw_db = Open(killed.File("cradle.db"));
  RawDb& raw = *raw_db;
  BOOST_TEST(raw.Scalar("PRAGMA integrity_check") == "ok");
  BOOST_TEST(Rows(raw, 1) == kRowsPerBatch);
  BOOST_TEST(Rows(raw, 2) == 0);  // answered 503: not there after the restart
  // And the store goes on: the next write lands and survives the same kind of restart.
  BOOST_REQUIRE(InsertBatch(*db, 3, 2).ok());
  TempDir killed_again;
  CopyAsKilled(path, killed_again.File(""));
  auto again_db = Open(killed_again.File("cradle.db"));
  RawDb& again = *again_db;
  BOOST_TEST(again.Scalar("PRAGMA integrity_check") == "ok");
  BOOST_TEST(Rows(again, 2) == 0);
  BOOST_TEST(Rows(again, 3) == 2);
}

// The same under the power-loss model: a failed sync, a later (smaller) commit whose sync would
// make the failed frames durable too, then the power goes.
BOOST_AUTO_TEST_CASE(a_commit_failed_at_fsync_stays_gone_after_a_power_loss) {
  TempDir dir, image;
  Env env("cradle-power-finding12-loss");
  env.SimulatePowerLoss();
  auto db = OpenOrDie({.path = dir.File("cradle.db"), .env = &env});
  BOOST_REQUIRE(CreateRows(*db).ok());
  BOOST_REQUIRE(InsertBatch(*db, 1).ok());
  BOOST_REQUIRE(db->IntegrityCheck().ok());
  env.FailNthSync(1);
  BOOST_TEST(InsertBatch(*db, 2).code() == "STORAGE_UNAVAILABLE");
  env.Disarm();
  BOOST_REQUIRE(InsertBatch(*db, 3, 1).ok());  // a smaller commit after the failed one
  BOOST_REQUIRE(env.WritePowerLossImage(image.File(""), Env::Loss::kDropUnsynced).ok());
  db.reset();
  auto raw_db = Open(image.File("cradle.db"));
  RawDb& raw = *raw_db;
  BOOST_TEST(raw.Scalar("PRAGMA integrity_check") == "ok");
  BOOST_TEST(Rows(raw, 1) == kRowsPerBatch);
  BOOST_TEST(Rows(raw, 2) == 0);
  BOOST_TEST(Rows(raw, 3) == 1);
}

// While the WAL cannot be cut (here: the disk is full by then), the writer runs no write at all,
// and takes writes again once the cut has succeeded.
BOOST_AUTO_TEST_CASE(writes_are_refused_until_the_wal_is_cut) {
  TempDir dir, killed;
  const std::string path = dir.File("cradle.db");
  Env env("cradle-power-finding12-refuse");
  auto db = OpenOrDie({.path = path, .env = &env});
  BOOST_REQUIRE(CreateRows(*db).ok());
  BOOST_REQUIRE(InsertBatch(*db, 1).ok());
  BOOST_REQUIRE(db->IntegrityCheck().ok());
  int64_t writes = env.writes();
  BOOST_REQUIRE(InsertBatch(*db, 2).ok());
  const int64_t per_batch = env.writes() - writes;  // the frames of one batch
  // The next batch writes all its frames, its COMMIT's sync fails, and from then on the disk is
  // full: the cut (a checkpoint, then the truncation) cannot be done.
  env.FailNthSync(1);
  env.DiskFullAfter(per_batch + 1);
  BOOST_TEST(InsertBatch(*db, 3).code() == "STORAGE_UNAVAILABLE");
  BOOST_REQUIRE_EQUAL(env.injected(), 2);  // the sync, then the first write of the cut
  int calls = 0;
  Status s = db->Write([&](Txn&) {
    ++calls;
    return Status::Ok();
  });
  BOOST_TEST(s.code() == "STORAGE_UNAVAILABLE");
  BOOST_TEST(s.message().find("cannot cut the WAL") != std::string::npos, s.message());
  BOOST_TEST(calls == 0);  // refused before running
  env.Disarm();
  BOOST_REQUIRE(InsertBatch(*db, 4, 1).ok());
  CopyAsKilled(path, killed.File(""));
  auto raw_db = Open(killed.File("cradle.db"));
  RawDb& raw = *raw_db;
  BOOST_TEST(raw.Scalar("PRAGMA integrity_check") == "ok");
  BOOST_TEST(Rows(raw, 2) == kRowsPerBatch);
  BOOST_TEST(Rows(raw, 3) == 0);
  BOOST_TEST(Rows(raw, 4) == 1);
}

}  // namespace
}  // namespace cradle::store
