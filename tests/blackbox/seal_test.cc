// Black-box test of the row seals (issue 11): on the real server over TLS, records written
// through the API verify; then, with the server stopped, a manifest, a scan event, a case and a
// transfer are edited directly in the SQLite file, a transfer_log row is deleted and a
// scan_findings row inserted; after a restart GET /api/v1/audit/verify names each by table and
// key (and, for the sealed ones, the audit entry that sealed them), with the chain itself intact;
// a later legitimate write over the altered case does not hide the alteration.
#define BOOST_TEST_MODULE blackbox_seal_test
#include <sqlite3.h>

#include <boost/test/unit_test.hpp>
#include <map>
#include <string>

#include "tests/blackbox/transfer_world.h"

namespace cradle::testing {
namespace {

namespace json = boost::json;

// Runs `sql` on `db`; returns the first column of the first row as text ("" when none).
std::string Sql(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* st = nullptr;
  BOOST_REQUIRE_MESSAGE(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK,
                        sql << ": " << sqlite3_errmsg(db));
  std::string out;
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW && sqlite3_column_text(st, 0) != nullptr) {
    out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  }
  BOOST_REQUIRE_MESSAGE(rc == SQLITE_ROW || rc == SQLITE_DONE, sql << ": " << sqlite3_errmsg(db));
  sqlite3_finalize(st);
  return out;
}

json::value Verify(TransferWorld& w) {
  auto c = w.server.Client();
  return CallJson(c, "GET", "/api/v1/audit/verify", w.admin, nullptr, 200);
}

// "table key" -> the problem reported for it.
std::map<std::string, json::object> Problems(const json::value& v) {
  std::map<std::string, json::object> out;
  for (const auto& p : v.at("row_problems").as_array()) {
    out[Str(p, "table") + " " + json::serialize(p.at("key"))] = p.as_object();
  }
  return out;
}

BOOST_AUTO_TEST_CASE(records_edited_deleted_or_inserted_behind_the_server_are_named) {
  TransferWorld w;
  auto ms = w.Issue(3);
  // A pickup (a manifest_events row, the manifest re-sealed as collected), a copy of the same
  // label (a copied_label finding, then a case), and a submitted transfer of the other two.
  BOOST_REQUIRE(w.ScanOne(w.c_tok, TransferWorld::Scan("pickup", ms[0])) == "accepted");
  BOOST_REQUIRE(w.ScanOne(w.c2_tok, TransferWorld::Scan("pickup", ms[0])) != "accepted");
  {
    auto c = w.server.Client();
    CallJson(c, "POST", "/api/v1/rules/run", w.reg_tok, json::object{}, 200);
  }
  const std::string transfer = w.Submitted({ms[1], ms[2]});

  json::value v = Verify(w);
  BOOST_TEST_MESSAGE(json::serialize(v));
  BOOST_TEST(v.at("ok").as_bool());
  BOOST_TEST(v.at("row_problem_count").as_int64() == 0);
  BOOST_TEST(v.at("row_problems").as_array().empty());
  BOOST_TEST(v.at("rows_checked").as_int64() >= 15);
  const int64_t length = v.at("length").as_int64();
  BOOST_REQUIRE(w.server.Stop() == 0);

  sqlite3* db = nullptr;
  BOOST_REQUIRE(sqlite3_open((w.server.data_dir() + "/cradle.db").c_str(), &db) == SQLITE_OK);
  const std::string event = Sql(db,
                                "SELECT seq FROM manifest_events WHERE kind = 'pickup' AND "
                                "manifest_id = '" +
                                    ms[0].id + "'");
  const std::string case_id = Sql(db, "SELECT id FROM cases ORDER BY id LIMIT 1");
  const std::string log_seq =
      Sql(db, "SELECT max(seq) FROM transfer_log WHERE transfer_id = '" + transfer + "'");
  BOOST_REQUIRE(!event.empty());
  BOOST_REQUIRE_MESSAGE(!case_id.empty(), "the copied label opened no case");
  BOOST_REQUIRE(!log_seq.empty());
  for (const std::string& edit : {
           "UPDATE manifests SET mass_g = 1 WHERE id = '" + ms[1].id + "'",
           "UPDATE manifest_events SET mass_g = 1 WHERE seq = " + event,
           "UPDATE cases SET party = '" + w.regulator + "' WHERE id = " + case_id,
           "UPDATE transfers SET vehicle = '浙A00000' WHERE id = '" + transfer + "'",
           "DELETE FROM transfer_log WHERE seq = " + log_seq,
           "INSERT INTO scan_findings (kind, manifest_id, actor, event_id, at) VALUES "
           "('weight_mismatch', '" +
               ms[2].id + "', 'nobody', 'made-up', 1)",
       }) {
    Sql(db, edit);
    BOOST_REQUIRE_MESSAGE(sqlite3_changes(db) == 1, edit);
  }
  const std::string finding = Sql(db, "SELECT max(seq) FROM scan_findings");
  sqlite3_close(db);

  Status s = w.server.Start();
  BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
  v = Verify(w);
  BOOST_TEST_MESSAGE(json::serialize(v));
  BOOST_TEST(!v.at("ok").as_bool());
  BOOST_TEST(!v.as_object().contains("first_bad_seq"));  // the chain itself was not touched
  BOOST_TEST(v.at("length").as_int64() >= length);
  auto problems = Problems(v);
  const std::map<std::string, std::string> want = {
      {"manifests [\"" + ms[1].id + "\"]", "altered"},
      {"manifest_events [" + event + "]", "altered"},
      {"cases [" + case_id + "]", "altered"},
      {"transfers [\"" + transfer + "\"]", "altered"},
      {"transfer_log [" + log_seq + "]", "missing"},
      {"scan_findings [" + finding + "]", "unsealed"},
  };
  BOOST_TEST(v.at("row_problem_count").as_int64() == static_cast<int64_t>(want.size()));
  for (const auto& [row, problem] : want) {
    auto it = problems.find(row);
    BOOST_REQUIRE_MESSAGE(it != problems.end(), "verify does not name " << row);
    BOOST_TEST(std::string(it->second.at("problem").as_string()) == problem, row);
    // A sealed row names the audit entry that sealed it, an entry of the chain.
    if (problem != "unsealed") {
      BOOST_REQUIRE(it->second.contains("audit_seq"));
      BOOST_TEST(it->second.at("audit_seq").as_int64() >= 1);
      BOOST_TEST(it->second.at("audit_seq").as_int64() <= v.at("length").as_int64());
    } else {
      BOOST_TEST(!it->second.contains("audit_seq"));
    }
  }
  auto c = w.server.Client();
  // A legitimate write over the tampered case (the regulator dispatches it) re-seals the row,
  // but the alteration stays reported, against the seal it broke.
  const std::string case_row = "cases [" + case_id + "]";
  const int64_t broken_seal = problems.at(case_row).at("audit_seq").as_int64();
  CallJson(c, "POST", "/api/v1/cases/" + case_id + "/actions", w.reg_tok,
           json::object{{"action", "dispatch"}, {"note", "seen"}}, 200);
  v = Verify(w);
  BOOST_TEST_MESSAGE(json::serialize(v));
  BOOST_TEST(v.at("length").as_int64() > length);
  BOOST_TEST(v.at("row_problem_count").as_int64() == static_cast<int64_t>(want.size()));
  problems = Problems(v);
  BOOST_REQUIRE(problems.count(case_row) == 1);
  BOOST_TEST(std::string(problems.at(case_row).at("problem").as_string()) == "altered");
  BOOST_TEST(problems.at(case_row).at("audit_seq").as_int64() == broken_seal);
  // Verify is for regulators and admins only.
  CallJson(c, "GET", "/api/v1/audit/verify", w.p_tok, nullptr, 403);
  BOOST_TEST(w.server.Stop() == 0);
}

}  // namespace
}  // namespace cradle::testing
