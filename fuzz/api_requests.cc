// Fuzz target: the JSON bodies of the POST endpoints, through the functions the handlers use:
// ParseJsonObject, then FieldReader with ReadOrg / ReadIssueRequest / ReadFacility /
// ReadProgramme / ReadTokenRequest / ReadDevice / ReadLabelRun.
//
// Input: byte 0 (mod 7) picks the reader; the rest is the request body.
//
// Properties: a body ParseJsonObject refuses gets a 400 problem+json whose body is JSON with code
// MALFORMED_JSON; a reader either accepts (no errors) a value that meets every rule of its
// endpoint, or records errors whose field is named (empty only for an unknown key "") and whose
// code is UPPER_SNAKE, and the 422
// built from them is valid problem+json listing each; reading is deterministic (the same
// object read twice gives the same verdict).
#include <boost/json.hpp>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>

#include "core/catalogue.h"
#include "core/civil_time.h"
#include "core/digital_id.h"
#include "core/uscc.h"
#include "core/waste_code.h"
#include "core/wm1.h"
#include "fuzz/fuzz_check.h"
#include "server/api/json_io.h"
#include "server/api/requests.h"
#include "server/pki/certs.h"
#include "server/service/principal.h"

#ifndef CRADLE_SHARED_DIR
#error "CRADLE_SHARED_DIR must be defined (fuzz/CMakeLists.txt)"
#endif

namespace {

using cradle::fuzz::Printable;
namespace api = cradle::api;
namespace json = boost::json;

const cradle::Catalogue& Catalogue() {
  static const cradle::Catalogue catalogue = [] {
    std::ifstream in(CRADLE_SHARED_DIR "/data/hw-catalogue-2016.csv", std::ios::binary);
    std::string csv((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto loaded = cradle::LoadCatalogueCsv(csv, "2016");
    if (!loaded.ok() || loaded->size() == 0) {
      std::fprintf(stderr, "catalogue: %s\n", loaded.status().ToString().c_str());
      std::abort();
    }
    return std::move(*loaded);
  }();
  return catalogue;
}

bool IsIdentifier(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  return s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") ==
         std::string::npos;
}

bool OneOf(const std::string& v, std::initializer_list<const char*> set) {
  for (const char* s : set) {
    if (v == s) return true;
  }
  return false;
}

// Runs reader `which` and, when it accepted, checks the value against the endpoint's rules.
// Returns the error count.
size_t ReadAndCheck(int which, const json::object& obj,
                    std::vector<cradle::http::FieldError>* errors) {
  api::FieldReader r(obj);
  const std::string body = json::serialize(obj);
  switch (which) {
    case 0: {
      auto org = api::ReadOrg(r);
      if (!r.ok()) break;
      FUZZ_CHECK(cradle::IsValidUscc(org.uscc) && !org.name.empty() && !org.roles.empty(), body);
      for (const auto& role : org.roles) {
        FUZZ_CHECK(OneOf(role, {"producer", "collector", "facility", "regulator"}), body);
      }
      break;
    }
    case 1: {
      auto req = api::ReadIssueRequest(r, Catalogue());
      if (!r.ok()) break;
      FUZZ_CHECK(cradle::IsValidUscc(req.producer), body);
      FUZZ_CHECK(Catalogue().Find(req.waste_code) != nullptr, body);
      FUZZ_CHECK(req.mass_g >= 1 && req.mass_g <= cradle::kMaxTokenMassGrams, body);
      FUZZ_CHECK(cradle::FindPackaging(req.packaging) != nullptr, body);
      FUZZ_CHECK(req.count >= 1 && req.count <= 1000, body);
      if (req.produced_on) FUZZ_CHECK(cradle::ParseIsoDate(*req.produced_on).ok(), body);
      if (req.destination) FUZZ_CHECK(IsIdentifier(*req.destination), body);
      break;
    }
    case 2: {
      auto f = api::ReadFacility(r);
      if (!r.ok()) break;
      FUZZ_CHECK(IsIdentifier(f.id) && cradle::IsValidUscc(f.operator_org), body);
      FUZZ_CHECK(OneOf(f.kind, {"landfill", "incinerator", "utilisation", "transfer_station"}),
                 body);
      for (const auto& code : f.accepts) FUZZ_CHECK(cradle::ValidateWasteCode(code).ok(), body);
      if (f.kind == "landfill") {
        FUZZ_CHECK(f.volume_m3 && *f.volume_m3 >= 1 && f.density_t_per_m3 && f.cover_fraction,
                   body);
      } else {
        FUZZ_CHECK(f.t_per_year && *f.t_per_year > 0, body);
      }
      break;
    }
    case 3: {
      auto in = api::ReadProgramme(r);
      if (!r.ok()) break;
      FUZZ_CHECK(IsIdentifier(in.programme.id) && cradle::IsValidUscc(in.programme.collector),
                 body);
      FUZZ_CHECK(in.programme.capacity_t_per_year > 0, body);
      for (const auto& m : in.members) FUZZ_CHECK(cradle::IsValidUscc(m), body);
      break;
    }
    case 4: {
      auto in = api::ReadTokenRequest(r);
      if (!r.ok()) break;
      FUZZ_CHECK(cradle::service::ParseRole(in.role).has_value(), body);
      FUZZ_CHECK(in.label.size() <= 200, body);
      break;
    }
    case 5: {
      auto in = api::ReadDevice(r);
      if (!r.ok()) break;
      FUZZ_CHECK(cradle::pki::IsValidDeviceId(in.device_id) && cradle::IsValidUscc(in.org), body);
      break;
    }
    default: {
      auto in = api::ReadLabelRun(r);
      if (!r.ok()) break;
      FUZZ_CHECK(!in.ids.empty(), body);
      for (const auto& id : in.ids) FUZZ_CHECK(cradle::SplitDigitalId(id).ok(), body);
      FUZZ_CHECK(in.format == "pdf" || in.format == "zpl", body);
      FUZZ_CHECK(in.size == 100 || in.size == 150 || in.size == 200, body);
      break;
    }
  }
  *errors = r.errors();
  return errors->size();
}

void CheckErrors(const std::vector<cradle::http::FieldError>& errors) {
  for (const auto& e : errors) {
    // Only an unknown key may be empty: the body's own key "" is named as it was sent.
    FUZZ_CHECK(!e.field.empty() || e.code == "UNKNOWN_FIELD", e.code + " " + e.detail);
    FUZZ_CHECK(cradle::fuzz::IsUpperSnake(e.code), e.field + ": " + e.code);
  }
  if (errors.empty()) return;
  cradle::http::Response problem = api::ValidationProblem(errors);
  FUZZ_CHECK(problem.status == 422, std::to_string(problem.status));
  boost::system::error_code ec;
  json::value v = json::parse(problem.body, ec);
  FUZZ_CHECK(!ec && v.is_object(), Printable(problem.body));
  const json::value* listed = v.as_object().if_contains("errors");
  FUZZ_CHECK(listed && listed->is_array() && listed->as_array().size() == errors.size(),
             Printable(problem.body));
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  Catalogue();  // load once, outside the timed runs
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const int which = data[0] % 7;
  cradle::http::Request req;
  req.method = "POST";
  req.headers["content-type"] = "application/json";
  req.body = std::string(cradle::fuzz::AsText(data + 1, size - 1));
  cradle::http::Response problem;
  auto obj = api::ParseJsonObject(req, &problem);
  if (!obj) {
    FUZZ_CHECK(problem.status == 400, std::to_string(problem.status));
    boost::system::error_code ec;
    json::value v = json::parse(problem.body, ec);
    FUZZ_CHECK(!ec && v.is_object(), Printable(problem.body));
    const json::value* code = v.as_object().if_contains("code");
    FUZZ_CHECK(code && code->is_string() && code->as_string() == "MALFORMED_JSON",
               Printable(problem.body));
    return 0;
  }
  std::vector<cradle::http::FieldError> first;
  std::vector<cradle::http::FieldError> second;
  const size_t n = ReadAndCheck(which, *obj, &first);
  FUZZ_CHECK(ReadAndCheck(which, *obj, &second) == n, Printable(req.body));
  CheckErrors(first);
  return 0;
}
