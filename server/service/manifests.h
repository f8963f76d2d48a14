// Use cases for manifests: issue (with signed WM1 tokens), read with timeline, list, void,
// the revocations feed, and online token verification.
//
// Errors: FORBIDDEN, NOT_FOUND, UNKNOWN_ORG, UNKNOWN_WASTE_CODE, UNKNOWN_FACILITY,
// SERIALS_EXHAUSTED (409), INVALID_STATE (409), IDEMPOTENCY_MISMATCH (422), STORAGE_UNAVAILABLE.
// Thread safety: stateless functions over the thread-safe Context.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/wm1.h"
#include "server/service/context.h"
#include "server/service/principal.h"
#include "server/store/manifests.h"
#include "server/store/records.h"

namespace cradle::service {

struct IssueRequest {
  std::string producer;    // USCC
  std::string waste_code;  // dashed, in the catalogue
  int64_t mass_g = 0;      // declared, per container
  std::string packaging;   // DR BG TB BX IB TK BK OT
  int count = 1;           // 1..1000
  std::optional<std::string> produced_on;  // YYYY-MM-DD; default today (deployment zone)
  std::optional<std::string> destination;  // facility id
  std::optional<std::string> description;
};

// An Idempotency-Key and a renderer for the response body: the first response is stored in
// the same transaction as the manifests, so a retry returns byte-for-byte the same body.
struct Idempotency {
  std::string key;             // empty: no idempotency
  std::string request_sha256;  // of the request body
};
struct IssueResult {
  int status = 201;
  std::string body;          // rendered JSON
  bool replayed = false;     // true when this is a stored first response
  int issued = 0;            // manifests created by this call (0 on replay)
};
using ManifestsRenderer = std::function<std::string(const std::vector<store::Manifest>&)>;

Result<IssueResult> IssueManifests(const Context& ctx, const Principal& p, const IssueRequest& req,
                                   const Idempotency& idem, const ManifestsRenderer& render);

struct ManifestWithTimeline {
  store::Manifest manifest;
  std::vector<store::ManifestEvent> events;
};
Result<ManifestWithTimeline> GetManifest(const Context& ctx, const Principal& p,
                                         const std::string& id);

Result<store::Page<store::Manifest>> ListManifests(const Context& ctx, const Principal& p,
                                                   store::ManifestFilter filter,
                                                   const std::optional<std::string>& after,
                                                   int limit);

Result<store::Manifest> VoidManifest(const Context& ctx, const Principal& p, const std::string& id,
                                     const std::string& reason);

Result<store::Page<store::VoidedManifest, int64_t>> Revocations(const Context& ctx,
                                                                const Principal& p, int64_t after,
                                                                int limit);

struct OnlineVerification {
  bool valid = false;
  std::string error;                  // the token error code when !valid
  std::optional<TokenFields> fields;  // when valid
  std::optional<std::string> status;  // the manifest's status when the server knows it
};
OnlineVerification VerifyOnline(const Context& ctx, std::string_view token);

// True when `p` may read manifest `m` (its producer, a party that scanned it, the operator of
// its destination, or a regulator/admin). `events` are the manifest's events.
bool MayRead(const Principal& p, const store::Manifest& m,
             const std::vector<store::ManifestEvent>& events,
             const std::optional<std::string>& destination_operator);

}  // namespace cradle::service
