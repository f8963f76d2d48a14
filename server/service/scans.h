// Use case: durable ingest of scan batches from handheld scanners (POST /api/v1/scans).
//
// Each scan is judged on its own and gets one result, in order. The server trusts no scanner
// verdict: every token is parsed, compared byte for byte with the stored one (a genuine label
// needs no public-key work) and otherwise verified fully to name the failure. Token work and
// reads happen before the writer; lifecycle checks, events, findings and one audit entry per
// batch happen in ONE Write, so when IngestScans returns OK every accepted scan is committed
// (synchronous=FULL) and nothing of a failed batch is kept.
//
// Errors of the whole call: FORBIDDEN (caller is not a collector or facility),
// INVALID_BATCH (0 or more than kMaxScansPerBatch scans), STORAGE_UNAVAILABLE.
// Thread safety: stateless functions over the thread-safe Context.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "server/service/context.h"
#include "server/service/principal.h"

namespace cradle::service {

inline constexpr size_t kMaxScansPerBatch = 1000;
inline constexpr int64_t kMaxScanMassGrams = 50'000'000;  // 50 t

// One scan as the client sent it. Field types are checked by the caller (the HTTP adapter);
// a type error is passed in `invalid` (e.g. "mass_g: must be an integer") and rejects only
// this scan with INVALID_SCAN. Everything else is checked here.
struct ScanInput {
  std::string event_id;
  std::string token;
  std::string kind;  // pickup | receive | dispose | reject
  std::optional<int64_t> mass_g;
  std::string scanned_at;  // RFC 3339 with offset
  std::optional<std::string> facility;
  std::optional<std::string> vehicle;
  std::optional<double> lat, lon;
  std::optional<std::string> method;
  std::optional<std::string> note;
  std::optional<std::string> invalid;  // a field error found while reading the JSON
};

struct ScanResult {
  std::string event_id;
  std::string status;    // accepted | duplicate | rejected
  std::string code;      // when rejected
  std::string detail;    // when rejected (a short reason naming the field or rule)
  std::string manifest;  // the manifest id, when the token named one
};

// Ingests a batch; one result per scan, in order.
Result<std::vector<ScanResult>> IngestScans(const Context& ctx, const Principal& p,
                                            const std::vector<ScanInput>& scans);

// The canonical content of a scan, hashed for idempotency (hex SHA-256): every field, each
// length-prefixed with a presence marker, so no two different scans share a serialisation.
std::string ScanContentSha256(const ScanInput& scan);

// The weight rule. Returns nullopt when `measured_g` is within tolerance of `reference_g`,
// else the relative deviation in percent (measured - reference) / reference * 100.
// Tolerance: +-settings.weight_tolerance_pct; category HW18 (fly ash and other incineration
// residues, which dry in transit) is allowed -3 %..+1 %. `waste_code` dashed or 8 digits.
std::optional<double> WeightFinding(int64_t reference_g, int64_t measured_g,
                                    std::string_view waste_code, const Settings& settings);

}  // namespace cradle::service
