// Request-body parsing for handlers: JSON with a content-type check, and a field reader that
// collects every field error (so a client learns all of them at once, as 422 problem+json).
//
// Thread safety: plain values, one per request.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/http/message.h"
#include "server/http/problem.h"

namespace cradle::api {

// The body as a JSON object, or the problem to answer: 415 for a non-JSON content type,
// 400 for malformed JSON, nesting deeper than 32 or a top level that is not an object.
std::optional<boost::json::object> ParseJsonObject(const http::Request& req,
                                                   http::Response* problem);

// Reads typed fields from one JSON object. Every accessor records an error for a missing
// required field or a value of the wrong type or range, and returns nullopt in that case.
class FieldReader {
 public:
  FieldReader(const boost::json::object& obj, std::string prefix = "")
      : obj_(obj), prefix_(std::move(prefix)) {}

  std::optional<std::string> String(const char* name, bool required, size_t max_len = 512);
  std::optional<int64_t> Int(const char* name, bool required, int64_t min, int64_t max);
  std::optional<double> Number(const char* name, bool required, double min, double max);
  std::optional<bool> Bool(const char* name, bool required);
  std::optional<std::vector<std::string>> Strings(const char* name, bool required, size_t max_items,
                                                  size_t max_len = 64);
  const boost::json::object* Object(const char* name, bool required);
  // Fields not in `known` are errors (UNKNOWN_FIELD): typos must not be silently ignored.
  void OnlyKnown(std::initializer_list<const char*> known);

  void Add(const std::string& field, std::string code, std::string detail);
  bool ok() const { return errors_.empty(); }
  std::vector<http::FieldError>& errors() { return errors_; }
  std::string Path(const char* name) const { return prefix_ + name; }

 private:
  const boost::json::value* Find(const char* name, bool required);
  const boost::json::object& obj_;
  std::string prefix_;
  std::vector<http::FieldError> errors_;
};

// 422 problem+json listing the field errors.
http::Response ValidationProblem(std::vector<http::FieldError> errors);

// A JSON response with the given status.
http::Response JsonResponse(int status, const boost::json::value& body);

// Paging parameters (?limit=, ?after=): limit 1..1000, default 100.
struct Paging {
  int limit = 100;
  std::optional<std::string> after;
};
std::optional<Paging> ReadPaging(const http::Request& req, http::Response* problem);

}  // namespace cradle::api
