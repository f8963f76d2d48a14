// Fault injection over the transfer use cases with the most writes: submit, the receipt (with a
// refusal and a discrepancy) and the last approval of a revision, which applies the correction.
// A real router over a real Context whose database runs through the store::Env VFS shim; for
// N = 1, 2, ... the Nth write (or sync, or every write from the Nth on: a full disk) fails
// during that one request, on a fresh harness with the same history each time. The request must
// answer 503 STORAGE_UNAVAILABLE and leave every transfer table, custody, the transfer log, the
// audit chain, revisions, discrepancies and roll-ups as they were, or answer 200 and store
// exactly what a run without faults stores; the file and the audit chain stay intact; and a
// repeat then succeeds (after a 503) or is refused as the new state requires (after a 200).
#define BOOST_TEST_MODULE api_transfer_faults_test
#include <boost/test/unit_test.hpp>

#include <functional>
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
