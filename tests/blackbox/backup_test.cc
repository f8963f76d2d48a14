// Backup and restore on the real binary: `cradle-server backup` as a separate process while
// clients issue manifests and scan pickups, `restore` into a new directory, and a server started
// on it. The archive carries the signing keys (encrypted under a passphrase): labels signed by
// every kid verify on the restored server with nothing copied by hand; a wrong passphrase is
// refused and writes nothing. Also: the application's SQL never deletes records (only
// idempotency pruning deletes).
#define BOOST_TEST_MODULE blackbox_backup_test
#include <sqlite3.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <regex>
#include <set>
#include <thread>

#include "core/civil_time.h"
#include "core/clock.h"
#include "core/uuid.h"
#include "tests/blackbox/server_test_helpers.h"

namespace cradle::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

std::string ServerBinary() { return Binary("server/cradle-server"); }

// One integer from a query on a read-only connection; -1 on any error.
int64_t QueryInt(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  int64_t v = -1;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    v = sqlite3_column_int64(stmt, 0);
  }
  sqlite3_finalize(stmt);
  return v;
}

// Counts moved from "in flight" to "acknowledged" when the server answers. An upper bound for
// what a snapshot can hold is read in-flight first, then acknowledged (a request finishing
// between the reads is counted twice, never missed).
struct Progress {
  std::atomic<int64_t> in_flight{0};
  std::atomic<int64_t> acked{0};
  int64_t UpperBound() const {
    const int64_t f = in_flight.load();
    return f + acked.load();
  }
};

// Producer and collector on a running server, and the load they generate.
struct Load {
  std::string producer_token, collector_token;
  Progress manifests, pickups;
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::mutex mu;
  std::deque<IssuedManifest> to_pick_up;
  std::vector<IssuedManifest> all_issued;  // guarded by mu
  std::string first_error;                 // guarded by mu

  void Failed(const std::string& why) {
    ++failures;
    std::lock_guard lock(mu);
    if (first_error.empty()) first_error = why;
  }
};

void SetUpParties(ServerProcess& s, Load& load) {
  auto c = s.Client();
  const std::string admin = s.admin_token();
  load.producer_token = AddProducer(c, admin, UsccA());
  const std::string& collector = UsccB();
  auto org = MustSend(c, "POST", "/api/v1/orgs", Bearer(admin),
                      json::serialize(json::object{{"uscc", collector},
                                                   {"name", "Collector"},
                                                   {"roles", json::array{"collector"}},
                                                   {"district", "331002"}}));
  BOOST_REQUIRE_MESSAGE(org.status == 201, org.body);
  auto tok = MustSend(c, "POST", "/api/v1/orgs/" + collector + "/tokens", Bearer(admin),
                      R"({"role":"collector","label":"backup test"})");
  BOOST_REQUIRE_MESSAGE(tok.status == 201, tok.body);
  load.collector_token = std::string(ParseJson(tok.body).at("token").as_string());
}

// Issues 5 manifests per request until stopped.
void IssueLoop(ServerProcess& s, Load& load) {
  auto c = s.Client();
  constexpr int kPerRequest = 5;
  for (int i = 0; i < 100000 && !load.stop; ++i) {
    load.manifests.in_flight += kPerRequest;
    // Serials run out at 999 per producer, waste code and day: a new day every 150 requests.
    char day[16];
    std::snprintf(day, sizeof day, "2026-%02d-%02d", 1 + (i / 150 / 28) % 12, 1 + (i / 150) % 28);
    auto r = c.Send("POST", "/api/v1/manifests", Bearer(load.producer_token),
                    json::serialize(json::object{{"producer", UsccA()},
                                                 {"waste_code", "900-041-49"},
                                                 {"mass_g", 25000},
                                                 {"packaging", "DR"},
                                                 {"count", kPerRequest},
                                                 {"produced_on", day}}));
    if (!r.ok() || r->status != 201) {
      load.manifests.in_flight -= kPerRequest;
      load.Failed("issue: " + (r.ok() ? r->body : r.status().ToString()));
      return;
    }
    const json::value body = ParseJson(r->body);
    {
      std::lock_guard lock(load.mu);
      for (const auto& m : body.at("manifests").as_array()) {
        IssuedManifest im{std::string(m.at("id").as_string()),
                          std::string(m.at("token").as_string())};
        load.to_pick_up.push_back(im);
        load.all_issued.push_back(im);
      }
    }
    load.manifests.acked += kPerRequest;
    load.manifests.in_flight -= kPerRequest;
  }
}

json::object Pickup(const IssuedManifest& m) {
  return {{"event_id", NewUuidV4()},
          {"token", m.token},
          {"kind", "pickup"},
          {"mass_g", 25000},
          {"scanned_at", FormatRfc3339(SystemClock().NowMicros())}};
}

// Picks up what was issued, up to 20 per batch, until stopped.
void ScanLoop(ServerProcess& s, Load& load) {
  auto c = s.Client();
  for (int i = 0; i < 100000 && !load.stop; ++i) {
    json::array scans;
    {
      std::lock_guard lock(load.mu);
      while (!load.to_pick_up.empty() && scans.size() < 20) {
        scans.push_back(Pickup(load.to_pick_up.front()));
        load.to_pick_up.pop_front();
      }
    }
    if (scans.empty()) {
      std::this_thread::sleep_for(5ms);
      continue;
    }
    const auto n = static_cast<int64_t>(scans.size());
    load.pickups.in_flight += n;
    auto r = c.Send("POST", "/api/v1/scans", Bearer(load.collector_token),
                    json::serialize(json::object{{"scans", std::move(scans)}}));
    if (!r.ok() || r->status != 200) {
      load.pickups.in_flight -= n;
      load.Failed("scan: " + (r.ok() ? r->body : r.status().ToString()));
      return;
    }
    int64_t accepted = 0;
    const json::value answer = ParseJson(r->body);  // outlives the loop
    for (const auto& res : answer.at("results").as_array()) {
      if (res.at("status").as_string() == "accepted") {
        ++accepted;
      } else {
        load.Failed("pickup not accepted: " + json::serialize(res));
      }
    }
    load.pickups.acked += accepted;
    load.pickups.in_flight -= n;
  }
}

// A passphrase file in `dir`; returns its path.
std::string WritePassphrase(const std::string& dir, const std::string& name,
                            const std::string& passphrase) {
  const std::string path = dir + "/" + name;
  std::ofstream(path) << passphrase << "\n";
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
  return path;
}

// Every file under `dir`, relative, sorted: what a restore left behind.
std::set<std::string> FilesUnder(const std::string& dir) {
  std::set<std::string> out;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out.insert(fs::relative(e.path(), dir).string());
  }
  return out;
}

BOOST_AUTO_TEST_CASE(backup_under_load_restores_a_consistent_snapshot) {
  TempServer s;
  BOOST_REQUIRE_MESSAGE(s.Start().ok(), "server start");
  Load load;
  SetUpParties(s, load);

  std::thread issuer([&] { IssueLoop(s, load); });
  std::thread scanner([&] { ScanLoop(s, load); });
  std::this_thread::sleep_for(1500ms);  // the load is running before the backup starts

  const std::string work = MakeTempDir("cradle-backup");
  const std::string dest = work + "/backup.cbak";
  const std::string pass = WritePassphrase(work, "pass", "correct horse battery staple");
  const int64_t manifests_before = load.manifests.acked.load();
  const int64_t pickups_before = load.pickups.acked.load();
  std::string out;
  const int rc =
      RunCommand(ServerBinary() + " backup --data " + s.data_dir() + " " + dest + " " + pass, &out);
  const int64_t manifests_after = load.manifests.UpperBound();
  const int64_t pickups_after = load.pickups.UpperBound();
  std::this_thread::sleep_for(300ms);  // and goes on after it
  load.stop = true;
  issuer.join();
  scanner.join();
  BOOST_REQUIRE_MESSAGE(rc == 0, out);
  BOOST_REQUIRE_MESSAGE(load.failures == 0, load.first_error);
  BOOST_TEST_MESSAGE("acked before backup: " << manifests_before << " manifests, " << pickups_before
                                             << " pickups; after: " << manifests_after << ", "
                                             << pickups_after << "; at the end: "
                                             << load.manifests.acked << ", " << load.pickups.acked);
  BOOST_REQUIRE(manifests_before > 0);
  BOOST_REQUIRE(pickups_before > 0);
  // The load went on after the backup: otherwise the snapshot check below proves little.
  BOOST_TEST(load.manifests.acked.load() > manifests_after);

  // Restore into an empty directory; a second restore over it is refused.
  const std::string restored = work + "/restored";
  const std::string restore =
      ServerBinary() + " restore --data " + restored + " " + dest + " " + pass;
  BOOST_REQUIRE_MESSAGE(RunCommand(restore, &out) == 0, out);
  BOOST_TEST(RunCommand(restore, &out) != 0);
  BOOST_TEST(out.find("non-empty") != std::string::npos, out);

  // The snapshot is consistent: counts within the acknowledged bounds, every manifest has its
  // issue audit entry, every event its manifest, every collected manifest its pickup.
  sqlite3* db = nullptr;
  BOOST_REQUIRE(sqlite3_open_v2((restored + "/cradle.db").c_str(), &db, SQLITE_OPEN_READONLY,
                                nullptr) == SQLITE_OK);
  const int64_t manifests = QueryInt(db, "SELECT count(*) FROM manifests");
  // Issuance is audited once per request of five; its manifests come whole or not at all.
  const int64_t issue_audits =
      QueryInt(db, "SELECT count(*) FROM audit_log WHERE action='manifest.issue'");
  const int64_t audit_rows = QueryInt(db, "SELECT count(*) FROM audit_log");
  const int64_t pickups = QueryInt(db, "SELECT count(*) FROM manifest_events WHERE kind='pickup'");
  const int64_t orphans = QueryInt(db,
                                   "SELECT count(*) FROM manifest_events e LEFT JOIN manifests m "
                                   "ON m.id = e.manifest_id WHERE m.id IS NULL");
  const int64_t collected = QueryInt(db, "SELECT count(*) FROM manifests WHERE status='collected'");
  const int64_t picked_manifests =
      QueryInt(db, "SELECT count(DISTINCT manifest_id) FROM manifest_events WHERE kind='pickup'");
  sqlite3_close_v2(db);
  BOOST_TEST_MESSAGE("restored: " << manifests << " manifests, " << pickups << " pickups");
  BOOST_TEST(manifests >= manifests_before);
  BOOST_TEST(manifests <= manifests_after);
  BOOST_TEST(pickups >= pickups_before);
  BOOST_TEST(pickups <= pickups_after);
  BOOST_TEST(issue_audits * 5 == manifests);
  BOOST_TEST(orphans == 0);
  BOOST_TEST(collected == pickups);
  BOOST_TEST(picked_manifests == pickups);

  // Keys, certs and admin token came with the archive: a server on the restored directory works.
  ServerProcess r(restored);
  BOOST_REQUIRE_MESSAGE(r.Start().ok(), "restored server start");
  auto c = r.Client();
  auto verify = MustSend(c, "GET", "/api/v1/audit/verify", Bearer(r.admin_token()));
  BOOST_REQUIRE_MESSAGE(verify.status == 200, verify.body);
  const json::value v = ParseJson(verify.body);
  BOOST_TEST(v.at("ok").as_bool(), verify.body);
  BOOST_TEST(v.at("length").to_number<int64_t>() == audit_rows);

  // Tokens printed before the backup still verify, and their manifests are there.
  std::vector<IssuedManifest> old_labels(load.all_issued.begin(), load.all_issued.begin() + 5);
  for (const auto& m : old_labels) {
    auto t = MustSend(c, "POST", "/api/v1/verify", {{"Content-Type", "application/json"}},
                      json::serialize(json::object{{"token", m.token}}));
    BOOST_TEST(t.status == 200);
    BOOST_TEST(ParseJson(t.body).at("valid").as_bool(), t.body);
    auto got = MustSend(c, "GET", "/api/v1/manifests/" + m.id, Bearer(r.admin_token()));
    BOOST_TEST(got.status == 200, got.body);
  }
  // A manifest issued after the backup finished is not in the restored deployment.
  auto last =
      MustSend(c, "GET", "/api/v1/manifests/" + load.all_issued.back().id, Bearer(r.admin_token()));
  BOOST_TEST(last.status == 404);
  BOOST_TEST(r.Stop() == 0);
  std::error_code ec;
  fs::remove_all(work, ec);
}

BOOST_AUTO_TEST_CASE(archive_carries_every_key_and_refuses_a_wrong_passphrase) {
  TempServer s;
  BOOST_REQUIRE_MESSAGE(s.Start().ok(), "server start");
  std::vector<IssuedManifest> labels;
  {
    auto c = s.Client();
    const std::string producer = AddProducer(c, s.admin_token(), UsccA());
    labels = IssueManifests(c, producer, UsccA(), 3);  // signed by K1
    BOOST_REQUIRE_EQUAL(s.Stop(), 0);
    std::string out;
    BOOST_REQUIRE_MESSAGE(
        RunCommand(ServerBinary() + " rotate-key --data " + s.data_dir(), &out) == 0, out);
    BOOST_REQUIRE_MESSAGE(s.Start().ok(), "server restart");
    auto c2 = s.Client();
    for (auto& m : IssueManifests(c2, producer, UsccA(), 3)) labels.push_back(m);  // K2
  }
  BOOST_REQUIRE(labels.front().token.starts_with("WM1:K1/"));
  BOOST_REQUIRE(labels.back().token.starts_with("WM1:K2/"));
  const std::string work = MakeTempDir("cradle-archive");
  const std::string dest = work + "/deploy.cbak";
  const std::string pass = WritePassphrase(work, "pass", "a long enough passphrase");
  const std::string wrong = WritePassphrase(work, "wrong", "a long enough passphrasf");
  std::string out;
  BOOST_REQUIRE_MESSAGE(
      RunCommand(ServerBinary() + " backup --data " + s.data_dir() + " " + dest + " " + pass,
                 &out) == 0,
      out);
  BOOST_TEST(s.Stop() == 0);
  // The private keys are not in the archive in the clear.
  const std::string archive = ReadFile(dest);
  for (const char* kid : {"K1", "K2"}) {
    const std::string seed = ReadFile(s.data_dir() + "/keys/" + kid + ".key");
    BOOST_REQUIRE(!seed.empty());
    BOOST_TEST(archive.find(seed.substr(0, 32)) == std::string::npos, kid);
  }

  // A wrong passphrase: refused, and nothing at all written.
  const std::string refused = work + "/refused";
  BOOST_TEST(RunCommand(ServerBinary() + " restore --data " + refused + " " + dest + " " + wrong,
                        &out) != 0);
  BOOST_TEST(out.find("passphrase") != std::string::npos, out);
  BOOST_TEST(FilesUnder(refused).empty());
  // A too-short passphrase file is refused before anything is read.
  const std::string short_pass = WritePassphrase(work, "short", "short");
  BOOST_TEST(
      RunCommand(ServerBinary() + " restore --data " + refused + " " + dest + " " + short_pass,
                 &out) != 0);
  BOOST_TEST(FilesUnder(refused).empty());

  // The right one: database, both keys, certificates and admin token, and no leftovers.
  const std::string restored = work + "/restored";
  BOOST_REQUIRE_MESSAGE(
      RunCommand(ServerBinary() + " restore --data " + restored + " " + dest + " " + pass, &out) ==
          0,
      out);
  const std::set<std::string> files = FilesUnder(restored);
  for (const char* want :
       {"cradle.db", "keys/K1.key", "keys/K2.key", "keys/active", "admin.token"}) {
    BOOST_TEST(files.count(want) == 1, want);
  }
  for (const auto& f : files) {
    BOOST_TEST(f.find(".restore-") == std::string::npos, "leftover " << f);
    BOOST_TEST(!f.ends_with("-wal"), "leftover " << f);
    BOOST_TEST(!f.ends_with("-shm"), "leftover " << f);
  }
  BOOST_TEST(ReadFile(restored + "/keys/K1.key") == ReadFile(s.data_dir() + "/keys/K1.key"));
  BOOST_TEST(ReadFile(restored + "/keys/active") == ReadFile(s.data_dir() + "/keys/active"));
  BOOST_TEST(((fs::status(restored + "/keys/K1.key").permissions() & fs::perms::group_all) ==
              fs::perms::none));

  // Every label printed before the backup verifies on the restored server, nothing copied by hand.
  ServerProcess r(restored);
  BOOST_REQUIRE_MESSAGE(r.Start().ok(), "restored server start");
  auto c = r.Client();
  for (const auto& m : labels) {
    auto t = MustSend(c, "POST", "/api/v1/verify", {{"Content-Type", "application/json"}},
                      json::serialize(json::object{{"token", m.token}}));
    BOOST_TEST(t.status == 200, t.body);
    const json::value v = ParseJson(t.body);
    BOOST_TEST(v.at("valid").as_bool(), t.body);
  }
  BOOST_TEST(r.Stop() == 0);
  std::error_code ec;
  fs::remove_all(work, ec);
}

BOOST_AUTO_TEST_CASE(restore_refuses_a_damaged_backup_and_leaves_no_database) {
  const std::string work = MakeTempDir("cradle-restore");
  {
    std::ofstream bad(work + "/bad.db", std::ios::binary);
    bad << "SQLite format 3" << std::string(1, '\0') << std::string(8192, 'x');
  }
  std::string out;
  BOOST_TEST(RunCommand(ServerBinary() + " restore --data " + work + "/target " + work + "/bad.db",
                        &out) != 0);
  BOOST_TEST(!fs::exists(work + "/target/cradle.db"));
  BOOST_TEST_MESSAGE(out);
  // A readable SQLite file that is not a cradle database is refused too.
  sqlite3* db = nullptr;
  BOOST_REQUIRE(sqlite3_open_v2((work + "/other.db").c_str(), &db,
                                SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) == SQLITE_OK);
  BOOST_REQUIRE(sqlite3_exec(db, "CREATE TABLE t(x)", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close_v2(db);
  BOOST_TEST(
      RunCommand(ServerBinary() + " restore --data " + work + "/target " + work + "/other.db",
                 &out) != 0);
  BOOST_TEST(out.find("not a cradle database") != std::string::npos, out);
  BOOST_TEST(!fs::exists(work + "/target/cradle.db"));
  std::error_code ec;
  fs::remove_all(work, ec);
}

// Records are never deleted by the application. The statement text in server/store and the
// schema is searched for DELETE FROM, REPLACE INTO and DROP TABLE on a record table.
BOOST_AUTO_TEST_CASE(no_sql_deletes_records) {
  const std::set<std::string> records = {"manifests", "manifest_events", "audit_log",
                                         "scan_findings", "cases"};
  const std::regex statement(
      R"((DELETE\s+FROM|REPLACE\s+INTO|DROP\s+TABLE(?:\s+IF\s+EXISTS)?)\s+["`]?(\w+))",
      std::regex::icase);
  int files = 0;
  std::set<std::string> deleted_from;
  for (const char* dir : {"server/store", "schema"}) {
    for (const auto& e :
         fs::recursive_directory_iterator(std::string(CRADLE_SOURCE_DIR) + "/" + dir)) {
      const std::string ext = e.path().extension().string();
      if (!e.is_regular_file() || (ext != ".cc" && ext != ".h" && ext != ".sql")) continue;
      ++files;
      const std::string text = ReadFile(e.path().string());
      for (std::sregex_iterator it(text.begin(), text.end(), statement), end; it != end; ++it) {
        std::string table = (*it)[2].str();
        for (auto& ch : table) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        deleted_from.insert(table);
        // SQLite cannot alter a CHECK constraint: a migration rebuilds the table, copying every
        // row into TABLE_new before the old one is dropped and the copy renamed into its place.
        // That keeps the records, so it is the one DROP allowed on a record table.
        const bool rebuilt = ext == ".sql" &&
                             text.find("INSERT INTO " + table + "_new SELECT * FROM " + table +
                                       ";") < static_cast<size_t>(it->position()) &&
                             text.find("ALTER TABLE " + table + "_new RENAME TO " + table + ";",
                                       static_cast<size_t>(it->position())) != std::string::npos;
        BOOST_TEST((!records.count(table) || rebuilt), e.path().string() << ": " << (*it)[0].str());
      }
    }
  }
  BOOST_TEST(files > 10);
  // Positive control: the pattern does find idempotency pruning, the one permitted delete.
  BOOST_TEST(deleted_from.count("idempotency") == 1u);
}

}  // namespace
}  // namespace cradle::testing
