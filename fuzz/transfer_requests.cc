// Fuzz target: the JSON bodies of the transfer endpoints (transfers.md), through the functions
// the handlers use: ParseJsonObject, then FieldReader with ReadCreateTransfer /
// ReadContainerEdit / ReadNoFields / ReadCancel / ReadReceipt / ReadReturn /
// ReadRevisionProposal / ReadRevisionAnswer (server/api/transfer_requests.h).
//
// Input: byte 0 (mod 8) picks the reader; the rest is the request body. As the routes do, an
// empty body stands for {} where every field is optional (submit, sign, receipt, the answers).
//
// Properties: a body ParseJsonObject refuses gets a 400 problem+json with code MALFORMED_JSON;
// a reader either accepts a value that meets every rule of its endpoint (lengths, ranges, enums,
// dates, compact waste codes, one value per array item, something to do), or records errors
// whose field is named (empty only for an unknown key "") and whose code is UPPER_SNAKE, and
// the 422 built from them is valid problem+json listing each; reading is deterministic.
#include <boost/json.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "core/civil_time.h"
#include "core/waste_code.h"
#include "fuzz/fuzz_check.h"
#include "server/api/json_io.h"
#include "server/api/transfer_requests.h"

namespace {

using cradle::fuzz::Printable;
namespace api = cradle::api;
namespace json = boost::json;

constexpr int kReaders = 8;

// Readers whose every field is optional: the route takes an empty body as {}.
bool EmptyIsObject(int which) { return which == 2 || which == 4 || which == 7; }

size_t ArraySize(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_array() ? v->as_array().size() : 0;
}

bool Fits(const std::optional<std::string>& s, size_t max) { return !s || s->size() <= max; }

// Runs reader `which` and, when it accepted, checks the value against the endpoint's rules.
size_t ReadAndCheck(int which, const json::object& obj,
                    std::vector<cradle::http::FieldError>* errors) {
  api::FieldReader r(obj);
  const std::string body = json::serialize(obj);
  switch (which) {
    case 0: {
      auto in = api::ReadCreateTransfer(r, obj);
      if (!r.ok()) break;
      FUZZ_CHECK(in.sender.size() <= 18 && in.carrier.size() <= 18, body);
      FUZZ_CHECK(in.receiver.size() <= 64, body);
      FUZZ_CHECK(!in.vehicle.empty() && in.vehicle.size() <= 64, body);
      FUZZ_CHECK(in.purpose == "disposal" || in.purpose == "utilisation", body);
      if (in.planned_on) FUZZ_CHECK(cradle::ParseIsoDate(*in.planned_on).ok(), body);
      FUZZ_CHECK(Fits(in.driver_name, 100) && Fits(in.driver_licence, 64), body);
      FUZZ_CHECK(in.containers.size() <= cradle::service::kMaxTransferContainers, body);
      FUZZ_CHECK(in.containers.size() == ArraySize(obj, "containers"), body);
      for (const auto& c : in.containers) FUZZ_CHECK(c.size() <= 64, body);
      break;
    }
    case 1: {
      auto in = api::ReadContainerEdit(r, obj);
      if (!r.ok()) break;
      FUZZ_CHECK(obj.contains("add") || obj.contains("remove"), body);
      FUZZ_CHECK(in.add.size() == ArraySize(obj, "add"), body);
      FUZZ_CHECK(in.remove.size() == ArraySize(obj, "remove"), body);
      FUZZ_CHECK(in.add.size() <= cradle::service::kMaxTransferContainers, body);
      FUZZ_CHECK(in.remove.size() <= cradle::service::kMaxTransferContainers, body);
      break;
    }
    case 2: {
      api::ReadNoFields(r, obj);
      FUZZ_CHECK(r.ok() == obj.empty(), body);
      break;
    }
    case 3: {
      auto reason = api::ReadCancel(r, obj);
      if (!r.ok()) break;
      FUZZ_CHECK(!reason.empty() && reason.size() <= 1000, body);
      break;
    }
    case 4: {
      auto in = api::ReadReceipt(r, obj);
      if (!r.ok()) break;
      if (in.weighbridge_g) {
        FUZZ_CHECK(*in.weighbridge_g >= 1 && *in.weighbridge_g <= api::kMaxWeighbridgeGrams, body);
      }
      FUZZ_CHECK(Fits(in.note, 2000), body);
      FUZZ_CHECK(in.refused.size() == ArraySize(obj, "refused"), body);
      FUZZ_CHECK(in.discrepancies.size() == ArraySize(obj, "discrepancies"), body);
      for (const auto& x : in.refused) {
        FUZZ_CHECK(x.manifest.size() <= 64, body);
        FUZZ_CHECK(!x.reason.empty() && x.reason.size() <= 1000, body);
        if (x.mass_g) FUZZ_CHECK(*x.mass_g >= 0 && *x.mass_g <= api::kMaxContainerGrams, body);
      }
      for (const auto& x : in.discrepancies) {
        FUZZ_CHECK(api::IsDiscrepancyField(x.field), body);
        FUZZ_CHECK(x.manifest.size() <= 64 && x.note.size() <= 2000, body);
      }
      break;
    }
    case 5: {
      auto to = api::ReadReturn(r, obj);
      if (!r.ok()) break;
      FUZZ_CHECK(to.size() <= 64 && obj.contains("to"), body);
      break;
    }
    case 6: {
      auto in = api::ReadRevisionProposal(r, obj);
      if (!r.ok()) break;
      FUZZ_CHECK(!in.changes.empty(), body);
      FUZZ_CHECK(!in.reason.empty() && in.reason.size() <= 1000, body);
      FUZZ_CHECK(Fits(in.changes.vehicle, 64) && Fits(in.changes.receiver, 64), body);
      FUZZ_CHECK(Fits(in.changes.driver_name, 100) && Fits(in.changes.driver_licence, 64), body);
      for (const auto& c : in.changes.containers) {
        FUZZ_CHECK(c.manifest.size() <= 64, body);
        if (c.declared_g) {
          FUZZ_CHECK(*c.declared_g >= 1 && *c.declared_g <= api::kMaxContainerGrams, body);
        }
        if (c.waste_code) FUZZ_CHECK(cradle::IsCompactWasteCode(*c.waste_code), body);
        FUZZ_CHECK(Fits(c.packaging, 2), body);
      }
      break;
    }
    default: {
      auto note = api::ReadRevisionAnswer(r, obj);
      if (!r.ok()) break;
      FUZZ_CHECK(note.size() <= 1000, body);
      break;
    }
  }
  *errors = r.errors();
  return errors->size();
}

void CheckErrors(const std::vector<cradle::http::FieldError>& errors) {
  for (const auto& e : errors) {
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

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const int which = data[0] % kReaders;
  cradle::http::Request req;
  req.method = "POST";
  req.headers["content-type"] = "application/json";
  req.body = std::string(cradle::fuzz::AsText(data + 1, size - 1));
  json::object obj;
  if (!(EmptyIsObject(which) && req.body.empty())) {
    cradle::http::Response problem;
    auto parsed = api::ParseJsonObject(req, &problem);
    if (!parsed) {
      FUZZ_CHECK(problem.status == 400, std::to_string(problem.status));
      boost::system::error_code ec;
      json::value v = json::parse(problem.body, ec);
      FUZZ_CHECK(!ec && v.is_object(), Printable(problem.body));
      const json::value* code = v.as_object().if_contains("code");
      FUZZ_CHECK(code && code->is_string() && code->as_string() == "MALFORMED_JSON",
                 Printable(problem.body));
      return 0;
    }
    obj = std::move(*parsed);
  }
  std::vector<cradle::http::FieldError> first;
  std::vector<cradle::http::FieldError> second;
  const size_t n = ReadAndCheck(which, obj, &first);
  FUZZ_CHECK(ReadAndCheck(which, obj, &second) == n, Printable(req.body));
  CheckErrors(first);
  return 0;
}
