// Fault injection end to end: a real router over a real Context whose database runs through the
// store::Env VFS shim. For N = 1, 2, ... the Nth write (or sync, or every write from the Nth on:
// a full disk) fails during one request. The request must answer 503 STORAGE_UNAVAILABLE (or
// 201/200 when the fault was not reached or did not touch the commit), the file must stay intact,
// the audit chain must verify, exactly the acknowledged work must be stored (no manifest without
// its audit entry, no audit entry without its manifests or scans), and the next request must
// succeed: the server serves again once the fault clears. (Transfers: api_transfer_faults_test.)
#define BOOST_TEST_MODULE api_faults_test
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "core/uuid.h"
#include "server/store/env.h"
#include "tests/unit/api/api_harness.h"
#include "tests/unit/api/fault_sweep.h"

namespace cradle::testing {
namespace {

const std::string kProducer = UsccFrom("91330100MA2H0F1A3");
const std::string kCollector = UsccFrom("91330100MA2H0F2B4");
constexpr int kIssueCount = 5;
constexpr int kScanBatch = 10;
constexpr int kMaxN = 40;

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

}  // namespace
}  // namespace cradle::testing
