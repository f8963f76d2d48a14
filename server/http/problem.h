// RFC 9457 problem details: the one shape every error response takes.
//
// Problem() builds an `application/problem+json` Response with
//   {"type","title","status","detail","code"} and, when given, "errors":[{field,code,detail}].
// `type` is "https://cradle.invalid/problems/<code in lower case>" ("about:blank" when the
// code is empty). Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "server/http/message.h"

namespace cradle::http {

inline constexpr char kProblemContentType[] = "application/problem+json";

// One invalid field of a request (a 422's "errors" entry).
struct FieldError {
  std::string field;   // JSON path-ish name, e.g. "mass_g" or "scans[3].token"
  std::string code;    // UPPER_SNAKE, e.g. "INVALID_FIELD"
  std::string detail;  // human-readable
};

Response Problem(int status, std::string code, std::string title, std::string detail,
                 std::vector<FieldError> errors = {});

// Problem() with the standard reason phrase of `status` as the title.
Response Problem(int status, std::string code, std::string detail);

// The standard reason phrase ("Not Found"), or "Unknown" for an unlisted status.
const char* ReasonPhrase(int status);

}  // namespace cradle::http
