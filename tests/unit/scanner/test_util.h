// Shared helpers for the scanner's unit tests: the WM1 vectors (read at run time from
// CRADLE_SHARED_DIR) and fresh temporary directories for real SQLite files.
#pragma once

#include <unistd.h>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "core/jwks.h"
#include "core/wm1.h"
#include "scanner/scan_record.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/core/read_file.h"

namespace cradle::scan::testing {

namespace json = boost::json;

inline const json::object& Vectors() {
  static const json::value v = [] {
    std::string text = cradle::testing::ReadFile(CRADLE_SHARED_DIR "/spec/vectors/wm1.json");
    BOOST_REQUIRE_MESSAGE(!text.empty(), "cannot read wm1.json");
    return json::parse(text);
  }();
  return v.as_object();
}

// The JWK Set of the vectors' keys, as a server publishes it.
inline std::string VectorJwks() {
  json::array keys;
  for (const auto& k : Vectors().at("keys").as_array()) keys.push_back(k.at("jwk"));
  json::object set;
  set["keys"] = std::move(keys);
  return json::serialize(set);
}

inline KeySet VectorKeySet() {
  Result<KeySet> keys = ReadJwks(VectorJwks());
  BOOST_REQUIRE_MESSAGE(keys.ok(), keys.status().ToString());
  return *keys;
}

struct ValidVector {
  std::string token;
  std::string digital_id;
  int64_t mass_g = 0;
};

inline std::vector<ValidVector> ValidVectors() {
  std::vector<ValidVector> out;
  for (const auto& v : Vectors().at("valid").as_array()) {
    out.push_back({std::string(v.at("token").as_string()),
                   std::string(v.at("digital_id").as_string()),
                   v.at("mass_g").to_number<int64_t>()});
  }
  return out;
}

struct InvalidVector {
  std::string token;
  std::string error;
  std::string note;
};

inline std::vector<InvalidVector> InvalidVectors() {
  std::vector<InvalidVector> out;
  for (const auto& v : Vectors().at("invalid").as_array()) {
    out.push_back({std::string(v.at("token").as_string()), std::string(v.at("error").as_string()),
                   std::string(v.at("note").as_string())});
  }
  return out;
}

using TempDir = ::cradle::testing::TempDir;  // tests/support/temp_dir.h

// A plausible scan with a given event id and manifest (no token verification involved).
inline ScanRecord SampleScan(const std::string& event_id, const std::string& manifest_id,
                             ScanKind kind = ScanKind::kPickup) {
  ScanRecord scan;
  scan.event_id = event_id;
  scan.kind = kind;
  scan.token = "WM1:K1/" + manifest_id + "/1250500/TB/SIG";
  scan.manifest_id = manifest_id;
  scan.mass_g = 1251500;
  scan.scanned_at = "2026-11-28T09:41:07+08:00";
  scan.vehicle = "浙J12345";
  return scan;
}

}  // namespace cradle::scan::testing
