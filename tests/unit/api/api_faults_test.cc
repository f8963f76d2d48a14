// Fault injection end to end: a real router over a real Context whose database runs through the
// store::Env VFS shim. For N = 1, 2, ... the Nth write (or sync, or every write from the Nth on:
// a full disk) fails during one request. The request must answer 503 STORAGE_UNAVAILABLE (or
// 201/200 when the fault was not reached or did not touch the commit), the file must stay intact,
// the audit chain must verify, exactly the acknowledged work must be stored (no manifest without
// its audit entry, no audit entry without its manifests or scans), and the next request must
// succeed: the server serves again once the fault clears. The transfer use cases with the most
// writes (submit, receipt, the revision approval that applies a correction) are swept the same
// way: 503 leaves every transfer table, custody, log, audit and roll-up as they were.
#define BOOST_TEST_MODULE api_faults_test
#include <boost/test/unit_test.hpp>

#include <functional>
#include <string>
#include <vector>

#include "core/uuid.h"
#include "server/store/env.h"
#include "tests/unit/api/api_harness.h"

namespace cradle::testing {
namespace {

const std::string kProducer = UsccFrom("91330100MA2H0F1A3");
const std::string kCollector = UsccFrom("91330100MA2H0F2B4");
constexpr int kIssueCount = 5;
constexpr int kScanBatch = 10;
constexpr int kMaxN = 40;

enum class Fault { kWrite, kSync, kFull };

const char* Name(Fault f) {
  switch (f) {
    case Fault::kWrite:
      return "write";
    case Fault::kSync:
      return "sync";
    case Fault::kFull:
      return "full";
  }
  return "?";
}

void Arm(store::Env& env, Fault f, int64_t n) {
  switch (f) {
    case Fault::kWrite:
      env.FailNthWrite(n);
      break;
    case Fault::kSync:
      env.FailNthSync(n);
      break;
    case Fault::kFull:
      env.DiskFullAfter(n);
      break;
  }
}

// One integer from SQL on the harness's own database (a read transaction).
int64_t Scalar(ApiHarness& h, const std::string& sql) {
  int64_t n = -1;
  Status s = h.ctx().db.Read([&](store::Txn& txn) -> Status {
    auto stmt = txn.Prepare(sql);
    if (!stmt.ok()) return stmt.status();
    auto row = stmt->Step();
    if (!row.ok()) return row.status();
    n = stmt->Int(0);
    return Status();
  });
  BOOST_REQUIRE_MESSAGE(s.ok(), sql << ": " << s.ToString());
  return n;
}

// Manifests the API lists (all pages), optionally only those with `status`.
size_t ListedManifests(ApiHarness& h, const std::string& status = "") {
  size_t n = 0;
  std::string after;
  for (int page = 0; page < 100; ++page) {
    std::string target = "/api/v1/manifests?limit=1000";
    if (!status.empty()) target += "&status=" + status;
    if (!after.empty()) target += "&after=" + after;
    auto r = h.Call("GET", target, h.admin_token());
    BOOST_REQUIRE_MESSAGE(r.status == 200, r.body);
    auto v = Json(r);
    n += v.at("items").as_array().size();
    const auto& next = v.at("next");
    if (next.is_null()) return n;
    after = std::string(next.as_string());
  }
  BOOST_FAIL("GET /api/v1/manifests did not end");
  return n;
}

void ExpectStorageUnavailable(const http::Response& r) {
  BOOST_TEST(r.status == 503);
  BOOST_TEST(r.content_type.rfind("application/problem+json", 0) == 0u, r.content_type);
  auto v = Json(r);
  BOOST_REQUIRE(v.is_object());
  BOOST_TEST(v.at("code").as_string() == "STORAGE_UNAVAILABLE");
  BOOST_TEST(v.at("status").to_number<int>() == 503);
  // SQLite's words and the database's path stay in the log (issue 11, item 9).
  BOOST_TEST(v.at("detail").as_string() == "the database is unavailable; retry later");
  BOOST_TEST(r.body.find(".db") == std::string::npos, r.body);
  BOOST_TEST(r.body.find("I/O") == std::string::npos, r.body);
}

// The file and the audit chain are intact.
void ExpectIntact(ApiHarness& h) {
  Status s = h.ctx().db.IntegrityCheck();
  BOOST_TEST(s.ok(), s.ToString());
  auto verify = h.Call("GET", "/api/v1/audit/verify", h.admin_token());
  BOOST_TEST(verify.status == 200);
  auto v = Json(verify);
  BOOST_TEST((v.is_object() && v.at("ok").as_bool()), verify.body);
}

// Exactly the acknowledged issuances are stored, each with its audit entry and nothing more.
void ExpectIssued(ApiHarness& h, int64_t manifests, int64_t requests) {
  ExpectIntact(h);
  BOOST_TEST(ListedManifests(h) == static_cast<size_t>(manifests));
  BOOST_TEST(Scalar(h, "SELECT count(*) FROM manifests") == manifests);
  BOOST_TEST(Scalar(h, "SELECT count(*) FROM audit_log WHERE action = 'manifest.issue'") ==
             requests);
  // Every issue entry names a stored manifest.
  BOOST_TEST(Scalar(h,
                    "SELECT count(*) FROM audit_log a WHERE a.action = 'manifest.issue' AND NOT "
                    "EXISTS (SELECT 1 FROM manifests m WHERE m.id = a.object)") == 0);
}

// One N: a fresh harness with the same history each time (one acknowledged issuance), so the
// faulted request has the same shape for every N and N sweeps every write (or sync) of it up to
// its last. (On one long-lived database the request grows as N does and the fault never reaches
// its final transaction.) Returns whether the fault was hit.
bool IssueOnce(store::Env& env, Fault fault, int n, int* faulted) {
  ApiHarness h(&env);
  const std::string producer = h.AddOrgWithToken(kProducer, "producer");
  const std::string body = IssueBody(kProducer, kIssueCount);
  BOOST_REQUIRE_EQUAL(h.Call("POST", "/api/v1/manifests", producer, body).status, 201);
  int64_t manifests = kIssueCount, requests = 1;

  const int64_t injected = env.injected();
  Arm(env, fault, n);
  auto r = h.Call("POST", "/api/v1/manifests", producer, body);
  env.Disarm();
  const bool hit = env.injected() > injected;
  BOOST_TEST_MESSAGE("n = " << n << ": " << r.status << (hit ? " (fault hit)" : ""));
  if (!hit) {
    BOOST_TEST(r.status == 201, r.body);
  } else if (r.status != 201) {  // a fault outside the commit (a checkpoint) may still 201
    ExpectStorageUnavailable(r);
    ++*faulted;
  }
  if (r.status == 201) {
    BOOST_TEST(Json(r).at("manifests").as_array().size() == static_cast<size_t>(kIssueCount));
    manifests += kIssueCount;
    ++requests;
  }
  ExpectIssued(h, manifests, requests);

  auto again = h.Call("POST", "/api/v1/manifests", producer, body);
  BOOST_REQUIRE_MESSAGE(again.status == 201, again.body);
  ExpectIssued(h, manifests + kIssueCount, requests + 1);
  return hit;
}

void IssueLoop(Fault fault) {
  store::Env env(std::string("cradle-api-fault-issue-") + Name(fault));
  int faulted = 0;
  bool completed = false;
  for (int n = 1; n <= kMaxN && !completed; ++n) {
    BOOST_TEST_CONTEXT(Name(fault) << " fault at n = " << n) {
      completed = !IssueOnce(env, fault, n, &faulted);
    }
  }
  BOOST_TEST_MESSAGE("issue, " << Name(fault) << ": " << faulted << " requests failed with 503, "
                               << env.injected() << " faults injected");
  BOOST_TEST(completed);
  BOOST_TEST(faulted > 0);
}

BOOST_AUTO_TEST_CASE(issuing_under_a_failed_write) { IssueLoop(Fault::kWrite); }
BOOST_AUTO_TEST_CASE(issuing_under_a_failed_sync) { IssueLoop(Fault::kSync); }
BOOST_AUTO_TEST_CASE(issuing_on_a_full_disk) { IssueLoop(Fault::kFull); }

// ---- scans -------------------------------------------------------------------------------

struct Scan {
  std::string event_id;
  std::string token;
};

boost::json::object ScanJson(const Scan& s) {
  return {{"event_id", s.event_id},
          {"token", s.token},
          {"kind", "pickup"},
          {"mass_g", 25000},
          {"scanned_at", "2026-11-28T09:41:07+08:00"},
          {"vehicle", "ZJ-J12345"}};
}

std::string ScansBody(const std::vector<Scan>& scans) {
  boost::json::array arr;
  for (const auto& s : scans) arr.push_back(ScanJson(s));
  return boost::json::serialize(boost::json::object{{"scans", std::move(arr)}});
}

// Issues a batch of manifests (no fault armed) and returns one fresh pickup per label.
std::vector<Scan> NewPickups(ApiHarness& h, const std::string& producer) {
  auto r = h.Call("POST", "/api/v1/manifests", producer, IssueBody(kProducer, kScanBatch));
  BOOST_REQUIRE_MESSAGE(r.status == 201, r.body);
  std::vector<Scan> out;
  const auto body = Json(r);  // outlives the loop (a temporary's member would not)
  for (const auto& m : body.at("manifests").as_array()) {
    out.push_back({NewUuidV4(), std::string(m.at("token").as_string())});
  }
  return out;
}

std::vector<std::string> Statuses(const http::Response& r) {
  std::vector<std::string> out;
  auto v = Json(r);
  if (!v.is_object()) return out;
  for (const auto& x : v.at("results").as_array()) {
    out.emplace_back(x.at("status").as_string());
  }
  return out;
}

int64_t StoredOf(ApiHarness& h, const std::vector<Scan>& scans) {
  std::string in;
  for (const auto& s : scans) in += (in.empty() ? "'" : ",'") + s.event_id + "'";
  return Scalar(h, "SELECT count(*) FROM manifest_events WHERE event_id IN (" + in + ")");
}

// Exactly the acknowledged scans are stored, with one audit entry per batch that accepted any.
void ExpectScans(ApiHarness& h, int64_t scans, int64_t batches) {
  ExpectIntact(h);
  BOOST_TEST(Scalar(h, "SELECT count(*) FROM manifest_events WHERE kind = 'pickup'") == scans);
  BOOST_TEST(ListedManifests(h, "collected") == static_cast<size_t>(scans));
  BOOST_TEST(Scalar(h, "SELECT count(*) FROM audit_log WHERE action = 'scans.ingest'") == batches);
  BOOST_TEST(Scalar(h,
                    "SELECT count(*) FROM audit_log a WHERE a.action = 'scans.ingest' AND NOT "
                    "EXISTS (SELECT 1 FROM manifest_events e WHERE e.event_id = a.object)") == 0);
}

// One N, on a fresh harness with the same history (one acknowledged batch), as IssueOnce.
bool ScanOnce(store::Env& env, Fault fault, int n, int* faulted) {
  ApiHarness h(&env);
  const std::string producer = h.AddOrgWithToken(kProducer, "producer");
  const std::string collector = h.AddOrgWithToken(kCollector, "collector");
  const std::vector<Scan> previous = NewPickups(h, producer);
  auto first = h.Call("POST", "/api/v1/scans", collector, ScansBody(previous));
  BOOST_REQUIRE_MESSAGE(first.status == 200, first.body);
  int64_t scans = kScanBatch, batches = 1;

  const std::vector<Scan> batch = NewPickups(h, producer);
  const int64_t injected = env.injected();
  Arm(env, fault, n);
  auto r = h.Call("POST", "/api/v1/scans", collector, ScansBody(batch));
  env.Disarm();
  const bool hit = env.injected() > injected;
  BOOST_TEST_MESSAGE("n = " << n << ": " << r.status << (hit ? " (fault hit)" : ""));
  if (!hit) {
    BOOST_TEST(r.status == 200, r.body);
  } else if (r.status != 200) {
    ExpectStorageUnavailable(r);
    ++*faulted;
  }
  const bool acknowledged = r.status == 200;
  if (acknowledged) {
    BOOST_TEST(Statuses(r) == std::vector<std::string>(kScanBatch, "accepted"),
               boost::test_tools::per_element());
    scans += kScanBatch;
    ++batches;
  }
  BOOST_TEST(StoredOf(h, batch) == (acknowledged ? kScanBatch : 0));
  ExpectScans(h, scans, batches);

  // The scanner retries the batch, with a few scans it already had acknowledged.
  std::vector<Scan> retry = batch;
  retry.insert(retry.end(), previous.begin(), previous.begin() + 3);
  auto again = h.Call("POST", "/api/v1/scans", collector, ScansBody(retry));
  BOOST_REQUIRE_MESSAGE(again.status == 200, again.body);
  std::vector<std::string> want(kScanBatch, acknowledged ? "duplicate" : "accepted");
  want.resize(retry.size(), "duplicate");
  BOOST_TEST(Statuses(again) == want, boost::test_tools::per_element());
  if (!acknowledged) {
    scans += kScanBatch;
    ++batches;
  }
  BOOST_TEST(StoredOf(h, batch) == kScanBatch);
  ExpectScans(h, scans, batches);
  return hit;
}

void ScanLoop(Fault fault) {
  store::Env env(std::string("cradle-api-fault-scan-") + Name(fault));
  int faulted = 0;
  bool completed = false;
  for (int n = 1; n <= kMaxN && !completed; ++n) {
    BOOST_TEST_CONTEXT(Name(fault) << " fault at n = " << n) {
      completed = !ScanOnce(env, fault, n, &faulted);
    }
  }
  BOOST_TEST_MESSAGE("scan, " << Name(fault) << ": " << faulted << " batches failed with 503, "
                              << env.injected() << " faults injected");
  BOOST_TEST(completed);
  BOOST_TEST(faulted > 0);
}

BOOST_AUTO_TEST_CASE(scanning_under_a_failed_write) { ScanLoop(Fault::kWrite); }
BOOST_AUTO_TEST_CASE(scanning_under_a_failed_sync) { ScanLoop(Fault::kSync); }
BOOST_AUTO_TEST_CASE(scanning_on_a_full_disk) { ScanLoop(Fault::kFull); }

// ---- transfers -----------------------------------------------------------------------------

const std::string kFacility = UsccFrom("91330100MA2H0F3C5");
constexpr int kTransferContainers = 3;
constexpr int kMaxTransferN = 80;

// The text of one SQL value (group_concat of a state), "" for NULL.
std::string Text(ApiHarness& h, const std::string& sql) {
  std::string out;
  Status s = h.ctx().db.Read([&](store::Txn& txn) -> Status {
    auto stmt = txn.Prepare(sql);
    if (!stmt.ok()) return stmt.status();
    auto row = stmt->Step();
    if (!row.ok()) return row.status();
    out = stmt->OptText(0).value_or("");
    return Status();
  });
  BOOST_REQUIRE_MESSAGE(s.ok(), sql << ": " << s.ToString());
  return out;
}

// Everything a transfer use case changes, without times: the transfers, their containers,
// custody, the transfer log, the audit actions, revisions and votes, discrepancies and the
// roll-ups. Equal states mean the same work was stored (transfer numbers and manifest ids are
// the same on every fresh harness with the same history).
std::string TransferState(ApiHarness& h) {
  static const char* const kParts[] = {
      "SELECT group_concat(id || '/' || status || '/v' || version || '/s' || "
      "(sender_signed_at IS NOT NULL) || '/c' || (carrier_signed_at IS NOT NULL) || '/r' || "
      "(receiver_signed_at IS NOT NULL) || '/' || vehicle, ';') FROM "
      "(SELECT * FROM transfers ORDER BY id)",
      "SELECT group_concat(transfer_id || '/' || manifest_id || '/' || status || '/' || "
      "declared_g || '/' || coalesce(received_g, '-') || '/' || coalesce(refused_g, '-'), ';') "
      "FROM (SELECT * FROM transfer_containers ORDER BY transfer_id, manifest_id)",
      "SELECT group_concat(id || '/' || status || '/' || coalesce(open_transfer, '-') || '/' || "
      "coalesce(holder_facility, '-'), ';') FROM (SELECT * FROM manifests ORDER BY id)",
      "SELECT group_concat(transfer_id || ':' || action || '>' || to_status, ';') FROM "
      "(SELECT * FROM transfer_log ORDER BY seq)",
      "SELECT group_concat(action, ';') FROM (SELECT * FROM audit_log ORDER BY seq)",
      "SELECT group_concat(status || '/' || coalesce(before, '-'), ';') FROM "
      "(SELECT * FROM transfer_revisions ORDER BY id)",
      "SELECT group_concat(revision_id || '/' || party || '/' || decision, ';') FROM "
      "(SELECT * FROM transfer_revision_votes ORDER BY revision_id, party)",
      "SELECT group_concat(manifest_id || '/' || field, ';') FROM "
      "(SELECT * FROM transfer_discrepancies ORDER BY seq)",
      "SELECT group_concat(month || '/' || role || '/' || party || '/' || submitted || '/' || "
      "delivered || '/' || received || '/' || refused || '/' || refused_g, ';') FROM "
      "(SELECT * FROM recon_transfer_month ORDER BY month, role, party)"};
  std::string out;
  for (const char* sql : kParts) out += Text(h, sql) + "\n";
  return out;
}

struct Request {
  std::string target, token, body;
};

// A transfer use case under faults: `history` brings a fresh harness to the point before the
// request (never faulted) and returns the request; `again` is the status a repeat gets once it
// has been applied (the state no longer allows it).
struct TransferCase {
  const char* name;
  std::function<Request(ApiHarness&)> history;
  int again = 409;
};

// The parties, FAC-F, and a draft of kTransferContainers containers; returns (draft id, tokens).
struct TransferSetup {
  std::string producer, collector, facility, id;
  std::vector<std::string> tokens;  // the labels' WM1 tokens
};

TransferSetup Draft(ApiHarness& h) {
  TransferSetup t;
  t.producer = h.AddOrgWithToken(kProducer, "producer");
  t.collector = h.AddOrgWithToken(kCollector, "collector");
  t.facility = h.AddOrgWithToken(kFacility, "facility");
  auto f = h.Call("POST", "/api/v1/facilities", h.admin_token(),
                  boost::json::serialize(boost::json::object{
                      {"id", "FAC-F"},
                      {"operator", kFacility},
                      {"name", "FAC-F"},
                      {"kind", "incinerator"},
                      {"capacity", boost::json::object{{"t_per_year", 10000}}}}));
  BOOST_REQUIRE_MESSAGE(f.status == 201, f.body);
  auto issued =
      h.Call("POST", "/api/v1/manifests", t.producer, IssueBody(kProducer, kTransferContainers));
  BOOST_REQUIRE_MESSAGE(issued.status == 201, issued.body);
  boost::json::array ids;
  const auto body = Json(issued);
  for (const auto& m : body.at("manifests").as_array()) {
    ids.push_back(m.at("id"));
    t.tokens.emplace_back(m.at("token").as_string());
  }
  auto draft = h.Call("POST", "/api/v1/transfers", t.producer,
                      boost::json::serialize(boost::json::object{{"sender", kProducer},
                                                                 {"carrier", kCollector},
                                                                 {"receiver", "FAC-F"},
                                                                 {"vehicle", "ZJ-J12345"},
                                                                 {"purpose", "disposal"},
                                                                 {"containers", ids}}));
  BOOST_REQUIRE_MESSAGE(draft.status == 201, draft.body);
  t.id = std::string(Json(draft).at("id").as_string());
  return t;
}

void Ok(ApiHarness& h, const std::string& target, const std::string& token, const std::string& body,
        int want = 200) {
  auto r = h.Call("POST", target, token, body);
  BOOST_REQUIRE_MESSAGE(r.status == want, target << " -> " << r.status << " " << r.body);
}

TransferSetup Submitted(ApiHarness& h) {
  TransferSetup t = Draft(h);
  Ok(h, "/api/v1/transfers/" + t.id + "/submit", t.producer, "");
  return t;
}

// Every container picked up by the carrier and received at FAC-F: delivered.
TransferSetup Delivered(ApiHarness& h) {
  TransferSetup t = Submitted(h);
  for (const char* kind : {"pickup", "receive"}) {
    boost::json::array scans;
    for (const auto& token : t.tokens) {
      boost::json::object scan{{"event_id", NewUuidV4()},
                               {"token", token},
                               {"kind", kind},
                               {"mass_g", 25000},
                               {"scanned_at", "2026-11-28T09:41:07+08:00"},
                               {"vehicle", "ZJ-J12345"}};
      if (std::string(kind) == "receive") scan["facility"] = "FAC-F";
      scans.push_back(std::move(scan));
    }
    auto r = h.Call("POST", "/api/v1/scans", kind[0] == 'p' ? t.collector : t.facility,
                    boost::json::serialize(boost::json::object{{"scans", std::move(scans)}}));
    BOOST_REQUIRE_MESSAGE(r.status == 200, r.body);
    BOOST_REQUIRE((Statuses(r) == std::vector<std::string>(kTransferContainers, "accepted")));
  }
  return t;
}

const TransferCase kSubmit{
    "submit", [](ApiHarness& h) {
      TransferSetup t = Draft(h);
      return Request{"/api/v1/transfers/" + t.id + "/submit", t.producer, ""};
    }};

const TransferCase kReceipt{
    "receipt", [](ApiHarness& h) {
      TransferSetup t = Delivered(h);
      auto list = h.Call("GET", "/api/v1/transfers/" + t.id, t.facility);
      const auto v = Json(list);
      const auto& cs = v.at("containers").as_array();
      const std::string refused(cs.at(0).at("manifest").as_string());
      const std::string noted(cs.at(1).at("manifest").as_string());
      return Request{
          "/api/v1/transfers/" + t.id + "/receipt", t.facility,
          boost::json::serialize(boost::json::object{
              {"refused", boost::json::array{boost::json::object{
                              {"manifest", refused}, {"reason", "包装破损"}, {"mass_g", 24000}}}},
              {"discrepancies",
               boost::json::array{boost::json::object{
                   {"manifest", noted}, {"field", "packaging"}, {"note", "袋装"}}}}})};
    }};

// The last approval of a revision, which applies it (vehicle and a container's declared mass).
const TransferCase kApprove{
    "revision approval", [](ApiHarness& h) {
      TransferSetup t = Submitted(h);
      auto got = Json(h.Call("GET", "/api/v1/transfers/" + t.id, t.producer));
      const std::string first(got.at("containers").as_array().at(0).at("manifest").as_string());
      auto rev = h.Call(
          "POST", "/api/v1/transfers/" + t.id + "/revisions", t.producer,
          boost::json::serialize(boost::json::object{
              {"changes", boost::json::object{{"vehicle", "ZJ-J99999"},
                                              {"containers",
                                               boost::json::array{boost::json::object{
                                                   {"manifest", first}, {"declared_g", 26000}}}}}},
              {"reason", "换车"}}));
      BOOST_REQUIRE_MESSAGE(rev.status == 201, rev.body);
      const std::string r = std::to_string(Json(rev).at("id").as_int64());
      Ok(h, "/api/v1/revisions/" + r + "/approve", t.collector, "");
      return Request{"/api/v1/revisions/" + r + "/approve", t.facility, ""};
    }};

// The state after the request succeeds, from a run with no fault.
std::string ReferenceState(const TransferCase& tc) {
  ApiHarness h;
  const Request req = tc.history(h);
  Ok(h, req.target, req.token, req.body);
  return TransferState(h);
}

// One N on a fresh harness with the same history: 503 and nothing changed, or 200 and exactly
// the reference state; intact either way; a repeat then succeeds (after a 503) or is refused as
// the state now requires (after a 200), and the result is the reference state.
bool TransferOnce(const TransferCase& tc, const std::string& reference, store::Env& env,
                  Fault fault, int n, int* faulted) {
  ApiHarness h(&env);
  const Request req = tc.history(h);
  const std::string before = TransferState(h);
  const int64_t injected = env.injected();
  Arm(env, fault, n);
  auto r = h.Call("POST", req.target, req.token, req.body);
  env.Disarm();
  const bool hit = env.injected() > injected;
  BOOST_TEST_MESSAGE(tc.name << " n = " << n << ": " << r.status << (hit ? " (fault hit)" : ""));
  if (!hit) {
    BOOST_TEST(r.status == 200, r.body);
  } else if (r.status != 200) {
    ExpectStorageUnavailable(r);
    ++*faulted;
  }
  ExpectIntact(h);
  BOOST_TEST(TransferState(h) == (r.status == 200 ? reference : before));

  auto again = h.Call("POST", req.target, req.token, req.body);
  BOOST_TEST(again.status == (r.status == 200 ? tc.again : 200), again.body);
  ExpectIntact(h);
  BOOST_TEST(TransferState(h) == reference);
  return hit;
}

void TransferLoop(const TransferCase& tc, Fault fault) {
  const std::string reference = ReferenceState(tc);
  store::Env env(std::string("cradle-api-fault-transfer-") + Name(fault));
  int faulted = 0;
  bool completed = false;
  for (int n = 1; n <= kMaxTransferN && !completed; ++n) {
    BOOST_TEST_CONTEXT(tc.name << ", " << Name(fault) << " fault at n = " << n) {
      completed = !TransferOnce(tc, reference, env, fault, n, &faulted);
    }
  }
  BOOST_TEST_MESSAGE(tc.name << ", " << Name(fault) << ": " << faulted
                             << " requests failed with 503, " << env.injected()
                             << " faults injected");
  BOOST_TEST(completed);
  BOOST_TEST(faulted > 0);
}

BOOST_AUTO_TEST_CASE(transfer_submit_under_a_failed_write) { TransferLoop(kSubmit, Fault::kWrite); }
BOOST_AUTO_TEST_CASE(transfer_submit_under_a_failed_sync) { TransferLoop(kSubmit, Fault::kSync); }
BOOST_AUTO_TEST_CASE(transfer_submit_on_a_full_disk) { TransferLoop(kSubmit, Fault::kFull); }
BOOST_AUTO_TEST_CASE(transfer_receipt_under_a_failed_write) {
  TransferLoop(kReceipt, Fault::kWrite);
}
BOOST_AUTO_TEST_CASE(transfer_receipt_under_a_failed_sync) { TransferLoop(kReceipt, Fault::kSync); }
BOOST_AUTO_TEST_CASE(transfer_receipt_on_a_full_disk) { TransferLoop(kReceipt, Fault::kFull); }
BOOST_AUTO_TEST_CASE(revision_approval_under_a_failed_write) {
  TransferLoop(kApprove, Fault::kWrite);
}
BOOST_AUTO_TEST_CASE(revision_approval_under_a_failed_sync) {
  TransferLoop(kApprove, Fault::kSync);
}
BOOST_AUTO_TEST_CASE(revision_approval_on_a_full_disk) { TransferLoop(kApprove, Fault::kFull); }

}  // namespace
}  // namespace cradle::testing
