// Use cases for manifests: issue (with signed WM1 tokens), read with timeline, list, void,
// the revocations feed, and online token verification.
//
// Errors: FORBIDDEN, NOT_FOUND, UNKNOWN_ORG, UNKNOWN_WASTE_CODE, UNKNOWN_FACILITY,
// SERIALS_EXHAUSTED (409), INVALID_STATE (409), IDEMPOTENCY_MISMATCH (422), STORAGE_UNAVAILABLE.
// Thread safety: stateless functions over the thread-safe Context.
#pragma once

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
  std::string producer;                    // USCC
  std::string waste_code;                  // dashed, in the catalogue
  int64_t mass_g = 0;                      // declared, per container
  std::string packaging;                   // DR BG TB BX IB TK BK OT
  int count = 1;                           // 1..1000
  std::optional<std::string> produced_on;  // YYYY-MM-DD; default today (deployment zone)
  std::optional<std::string> destination;  // facility id
  std::optional<std::string> description;
};

// An Idempotency-Key: the service records, in the same transaction as the manifests, what it
// did for (actor, key, request hash); a retry gets the same manifests back (replayed = true)
// and issues nothing. Responses are the API layer's business: it renders and replays them.
struct IdempotencyKey {
  std::string key;             // empty: no idempotency
  std::string request_sha256;  // of the request body
};
struct IssueResult {
  std::vector<store::Manifest> manifests;  // issued now, or by the first request on a replay
  bool replayed = false;                   // true when the key was seen before
  int issued = 0;                          // manifests created by this call (0 on replay)
};

// How long a key is remembered: a retry after this issues anew.
inline constexpr int64_t kIdempotencyRetentionMicros = int64_t{7} * 24 * 3600 * 1000000;

Result<IssueResult> IssueManifests(const Context& ctx, const Principal& p, const IssueRequest& req,
                                   const IdempotencyKey& idem = {});

// Forgets idempotency keys older than kIdempotencyRetentionMicros; returns how many.
Result<int64_t> PruneIdempotencyKeys(const Context& ctx);

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
// A storage error (anything but NOT_FOUND) comes back as an error, never as "status unknown".
Result<OnlineVerification> VerifyOnline(const Context& ctx, std::string_view token);

// True when `p` may read manifest `m` (its producer, a party that scanned it, the operator of
// its destination, or a regulator/admin). `events` are the manifest's events.
bool MayRead(const Principal& p, const store::Manifest& m,
             const std::vector<store::ManifestEvent>& events,
             const std::optional<std::string>& destination_operator);

}  // namespace cradle::service
