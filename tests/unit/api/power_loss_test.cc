// Power loss through the router (issue 11): a real Router over a real Context whose database
// runs through the store::Env VFS in power-loss mode. One story (issuance, a single scan, a scan
// batch, the shutdown checkpoint, a transfer created, submitted, picked up, received and
// receipted, a backup, more issuance) runs on a fresh harness with the same history for
// N = 1, 2, ...; the machine loses power at the Nth sync (or write). The disk as it is after the
// crash (every unsynced write lost, or the crashing file's unsynced writes torn) is then opened on
// its own: `PRAGMA integrity_check` passes, the audit chain verifies, and every table holds
// exactly what it held after the last acknowledged request: everything acknowledged is there,
// and the request answered 503 left nothing. An acknowledged backup is a whole copy of the state
// it was taken from.
#define BOOST_TEST_MODULE api_power_loss_test
#include <sqlite3.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/uuid.h"
#include "server/store/audit.h"
#include "server/store/database.h"
#include "server/store/env.h"
#include "tests/unit/api/api_harness.h"
#include "tests/unit/api/fault_sweep.h"

namespace cradle::testing {
namespace {

const std::string kProducer = UsccFrom("91330100MA2H0F1A3");
const std::string kCollector = UsccFrom("91330100MA2H0F2B4");
const std::string kFacility = UsccFrom("91330100MA2H0F3C5");

// Every row of every table, each table's rows sorted: equal digests, equal contents. Except
// `serials`: issuance reserves its serials in a transaction of their own before signing, and a
// failure after that leaves them unused, never handed out again (service/manifests.cc; the spec
// allows it). That table is compared by Serials() instead.
std::string Digest(sqlite3* db) {
  std::vector<std::string> tables;
  sqlite3_stmt* stmt = nullptr;
  BOOST_REQUIRE(sqlite3_prepare_v2(db,
                                   "SELECT name FROM sqlite_schema WHERE type = 'table' AND name "
                                   "NOT LIKE 'sqlite_%' AND name != 'serials' ORDER BY name",
                                   -1, &stmt, nullptr) == SQLITE_OK);
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
  }
  sqlite3_finalize(stmt);
  std::string out;
  for (const std::string& table : tables) {
    const std::string sql = "SELECT * FROM \"" + table + "\"";
    BOOST_REQUIRE_MESSAGE(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK,
                          sql << ": " << sqlite3_errmsg(db));
    std::vector<std::string> rows;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      std::string row;
      for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
        const unsigned char* text = sqlite3_column_text(stmt, c);
        row += text != nullptr ? reinterpret_cast<const char*>(text) : "<null>";
        row += '\x1f';
      }
      rows.push_back(std::move(row));
    }
    BOOST_REQUIRE_MESSAGE(rc == SQLITE_DONE, sql << ": " << sqlite3_errmsg(db));
    sqlite3_finalize(stmt);
    std::sort(rows.begin(), rows.end());
    out += table + " (" + std::to_string(rows.size()) + ")\n";
    for (const std::string& row : rows) out += row + "\n";
  }
  return out;
}

// Each (producer, waste code, day)'s last reserved serial.
std::map<std::string, int64_t> Serials(sqlite3* db) {
  std::map<std::string, int64_t> out;
  sqlite3_stmt* stmt = nullptr;
  BOOST_REQUIRE(sqlite3_prepare_v2(db,
                                   "SELECT producer || '/' || waste_code || '/' || day, "
                                   "last_serial FROM serials",
                                   -1, &stmt, nullptr) == SQLITE_OK);
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    out[reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0))] =
        sqlite3_column_int64(stmt, 1);
  }
  sqlite3_finalize(stmt);
  return out;
}

// A reserved serial is never handed out again: every counter at least where it was.
void ExpectSerialsKept(const std::map<std::string, int64_t>& image,
                       const std::map<std::string, int64_t>& acked) {
  for (const auto& [key, last] : acked) {
    auto it = image.find(key);
    BOOST_TEST((it != image.end() && it->second >= last), key << " fell below " << last);
  }
}

struct State {
  std::string digest;
  std::map<std::string, int64_t> serials;
};

State LiveState(ApiHarness& h) {
  State out;
  Status s = h.ctx().db.Read([&](store::Txn& txn) -> Status {
    out = {Digest(txn.raw()), Serials(txn.raw())};
    return Status();
  });
  BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
  return out;
}

// A database file as the disk holds it after the crash, opened on its own. Nothing written
// through this connection needs to last (its closing checkpoint skips the fsyncs).
class Image {
 public:
  explicit Image(const std::string& path) {
    BOOST_REQUIRE(sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
    BOOST_REQUIRE(sqlite3_exec(db_, "PRAGMA synchronous=OFF", nullptr, nullptr, nullptr) ==
                  SQLITE_OK);
  }
  ~Image() { sqlite3_close_v2(db_); }
  Image(const Image&) = delete;
  Image& operator=(const Image&) = delete;

  std::string IntegrityCheck() {
    sqlite3_stmt* stmt = nullptr;
    std::string out = "(no answer)";
    if (sqlite3_prepare_v2(db_, "PRAGMA integrity_check", -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    } else {
      out = sqlite3_errmsg(db_);
    }
    sqlite3_finalize(stmt);
    return out;
  }
  // The audit chain, recomputed by the store's own verifier.
  bool AuditVerifies() {
    SystemClock clock;
    store::Txn txn(db_, clock, /*writable=*/false);
    auto v = store::VerifyAudit(txn);
    BOOST_REQUIRE_MESSAGE(v.ok(), v.status().ToString());
    BOOST_TEST_MESSAGE("audit chain: " << v->length << " entries");
    return v->ok && v->length > 0;
  }
  State Read() { return {::cradle::testing::Digest(db_), Serials(db_)}; }

 private:
  sqlite3* db_ = nullptr;
};

// ---- the story --------------------------------------------------------------------------

struct Parties {
  std::string producer, collector, facility;
};

// Not faulted: the organisations and the facility FAC-F.
Parties History(ApiHarness& h) {
  Parties p{h.AddOrgWithToken(kProducer, "producer"), h.AddOrgWithToken(kCollector, "collector"),
            h.AddOrgWithToken(kFacility, "facility")};
  auto f = h.Call("POST", "/api/v1/facilities", h.admin_token(),
                  boost::json::serialize(boost::json::object{
                      {"id", "FAC-F"},
                      {"operator", kFacility},
                      {"name", "FAC-F"},
                      {"kind", "incinerator"},
                      {"capacity", boost::json::object{{"t_per_year", 10000}}}}));
  BOOST_REQUIRE_MESSAGE(f.status == 201, f.body);
  return p;
}

std::string ScansBody(const std::vector<std::string>& tokens, const std::string& kind) {
  boost::json::array scans;
  for (const auto& token : tokens) {
    boost::json::object scan{{"event_id", NewUuidV4()},
                             {"token", token},
                             {"kind", kind},
                             {"mass_g", 25000},
                             {"scanned_at", "2026-11-28T09:41:07+08:00"},
                             {"vehicle", "ZJ-J12345"}};
    if (kind == "receive") scan["facility"] = "FAC-F";
    scans.push_back(std::move(scan));
  }
  return boost::json::serialize(boost::json::object{{"scans", std::move(scans)}});
}

// One step: a request (or the backup) and whether it was acknowledged. The story stops at the
// first step that is not: the machine is gone.
struct Story {
  Story(ApiHarness& harness, Parties parties) : h(harness), p(std::move(parties)) {}
  ApiHarness& h;
  Parties p;
  std::vector<std::string> loose, in_transfer;  // WM1 tokens
  std::vector<std::string> transfer_manifests;
  std::string transfer_id;
  State acked;                  // the state after the last acknowledged step
  std::optional<State> backup;  // the state the acknowledged backup copied
  int acknowledged = 0;
  bool stopped = false;

  // Runs `call` unless stopped; `want` is its success status. A failure must be the
  // documented 503.
  http::Response Step(const char* name, int want, const std::function<http::Response()>& call) {
    http::Response r;
    if (stopped) return r;
    r = call();
    BOOST_TEST_MESSAGE(name << ": " << r.status);
    if (r.status == want) {
      ++acknowledged;
      acked = LiveState(h);
    } else {
      BOOST_TEST_CONTEXT(name) { ExpectStorageUnavailable(r); }
      stopped = true;
    }
    return r;
  }

  std::vector<std::string> Issue(const char* name, int count, std::vector<std::string>* ids) {
    std::vector<std::string> tokens;
    if (stopped) return tokens;
    auto r = Step(name, 201, [&] {
      return h.Call("POST", "/api/v1/manifests", p.producer, IssueBody(kProducer, count));
    });
    if (r.status != 201) return tokens;
    const auto body = Json(r);
    for (const auto& m : body.at("manifests").as_array()) {
      tokens.emplace_back(m.at("token").as_string());
      if (ids != nullptr) ids->emplace_back(m.at("id").as_string());
    }
    return tokens;
  }

  void Scans(const char* name, const std::string& token, const std::vector<std::string>& tokens,
             const std::string& kind) {
    if (stopped) return;
    auto r = Step(name, 200,
                  [&] { return h.Call("POST", "/api/v1/scans", token, ScansBody(tokens, kind)); });
    if (r.status == 200) {
      BOOST_TEST(Statuses(r) == std::vector<std::string>(tokens.size(), "accepted"),
                 boost::test_tools::per_element());
      BOOST_TEST_MESSAGE(r.body);
    }
  }

  void Run(const std::string& backup_path) {
    loose = Issue("issue", 5, nullptr);
    Scans("single scan", p.collector, {loose.empty() ? "" : loose.front()}, "pickup");
    if (!stopped) {
      Scans("scan batch", p.collector, std::vector<std::string>(loose.begin() + 1, loose.end()),
            "pickup");
    }
    // The shutdown checkpoint (TRUNCATE) midway, so that crash points also fall in a
    // checkpoint, the WAL's truncation and its restart. It acknowledges nothing.
    if (!stopped) (void)h.ctx().db.Checkpoint();
    in_transfer = Issue("issue for the transfer", 3, &transfer_manifests);
    auto draft = Step("transfer draft", 201, [&] {
      boost::json::array ids(transfer_manifests.begin(), transfer_manifests.end());
      return h.Call("POST", "/api/v1/transfers", p.producer,
                    boost::json::serialize(boost::json::object{{"sender", kProducer},
                                                               {"carrier", kCollector},
                                                               {"receiver", "FAC-F"},
                                                               {"vehicle", "ZJ-J12345"},
                                                               {"purpose", "disposal"},
                                                               {"containers", ids}}));
    });
    if (!stopped) transfer_id = std::string(Json(draft).at("id").as_string());
    Step("transfer submit", 200, [&] {
      return h.Call("POST", "/api/v1/transfers/" + transfer_id + "/submit", p.producer, "");
    });
    Scans("transfer pickups", p.collector, in_transfer, "pickup");
    Scans("transfer receives", p.facility, in_transfer, "receive");
    Step("transfer receipt", 200, [&] {
      return h.Call(
          "POST", "/api/v1/transfers/" + transfer_id + "/receipt", p.facility,
          boost::json::serialize(boost::json::object{
              {"refused",
               boost::json::array{boost::json::object{{"manifest", transfer_manifests.at(0)},
                                                      {"reason", "包装破损"},
                                                      {"mass_g", 24000}}}},
              {"discrepancies",
               boost::json::array{boost::json::object{{"manifest", transfer_manifests.at(1)},
                                                      {"field", "packaging"},
                                                      {"note", "袋装"}}}}}));
    });
    if (!stopped) {
      Status s = h.ctx().db.Backup(backup_path);
      BOOST_TEST_MESSAGE("backup: " << s.ToString());
      if (s.ok()) {
        ++acknowledged;
        backup = acked;
      } else {
        BOOST_TEST(s.code() == "STORAGE_UNAVAILABLE", s.ToString());
        stopped = true;
      }
    }
    // Work after the backup, so that crashes also fall after an acknowledged backup.
    Issue("issue after the backup", 2, nullptr);
  }
};

struct Counts {
  int points = 0;       // crashes checked
  int max_acked = 0;    // most steps acknowledged before a crash
  int with_backup = 0;  // crashes after an acknowledged backup
};

// One crash point. Returns false when the story ended before the Nth write or sync.
bool CrashOnce(bool at_write, int n, store::Env::Loss loss, Counts* counts) {
  namespace fs = std::filesystem;
  const fs::path image_dir = fs::temp_directory_path() / ("cradle-power-" + NewUuidV4());
  fs::create_directories(image_dir);
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  } cleanup{image_dir};

  State acked;
  std::optional<State> backup;
  {
    store::Env env("cradle-api-power-loss");
    env.SimulatePowerLoss();
    {
      ApiHarness h(&env);
      Story story{h, History(h)};
      story.acked = LiveState(h);
      if (at_write) {
        env.CrashAtNthWrite(n);
      } else {
        env.CrashAtNthSync(n);
      }
      story.Run(h.dir() + "/backup.db");
      if (!env.crashed()) {
        BOOST_TEST(!story.stopped);
        return false;
      }
      BOOST_REQUIRE(env.WritePowerLossImage(image_dir.string(), loss).ok());
      acked = story.acked;
      backup = story.backup;
      counts->max_acked = std::max(counts->max_acked, story.acknowledged);
    }
  }
  ++counts->points;
  Image image((image_dir / "cradle.db").string());
  BOOST_TEST(image.IntegrityCheck() == "ok");
  BOOST_TEST(image.AuditVerifies());
  const State got = image.Read();
  BOOST_TEST(got.digest == acked.digest);  // all acknowledged work, nothing more
  ExpectSerialsKept(got.serials, acked.serials);
  if (backup) {
    ++counts->with_backup;
    Image copy((image_dir / "backup.db").string());
    BOOST_TEST(copy.IntegrityCheck() == "ok");
    BOOST_TEST(copy.AuditVerifies());
    const State copied = copy.Read();
    BOOST_TEST(copied.digest == backup->digest);
    BOOST_TEST((copied.serials == backup->serials));
  }
  return true;
}

Counts Sweep(bool at_write, store::Env::Loss loss) {
  Counts counts;
  bool more = true;
  for (int n = 1; n <= 2000 && more; ++n) {
    BOOST_TEST_CONTEXT((at_write ? "crash at write " : "crash at sync ") << n) {
      more = CrashOnce(at_write, n, loss, &counts);
    }
  }
  BOOST_TEST(!more);
  BOOST_TEST_MESSAGE((at_write ? "write" : "sync")
                     << " crash points: " << counts.points << ", most steps acknowledged before "
                     << "a crash: " << counts.max_acked
                     << ", after a backup: " << counts.with_backup);
  return counts;
}

BOOST_AUTO_TEST_CASE(power_loss_at_every_sync) {
  Counts c = Sweep(/*at_write=*/false, store::Env::Loss::kDropUnsynced);
  BOOST_TEST(c.points >= 10);    // at least one commit per step
  BOOST_TEST(c.max_acked >= 8);  // the crash points reach the end of the story
  BOOST_TEST(c.with_backup > 0);
}

BOOST_AUTO_TEST_CASE(power_loss_at_every_write_some_torn) {
  Counts c = Sweep(/*at_write=*/true, store::Env::Loss::kTornTail);
  BOOST_TEST(c.points > 30);
  BOOST_TEST(c.max_acked >= 8);
  BOOST_TEST(c.with_backup > 0);
}

}  // namespace
}  // namespace cradle::testing
