#include <map>
#include <string>

#include "server/api/api.h"
#include "server/http/problem.h"

namespace cradle::api {

http::Response FromStatus(const Status& s) {
  static const std::map<std::string, int> kStatus = {
      {"UNAUTHENTICATED", 401},
      {"FORBIDDEN", 403},
      {"NOT_FOUND", 404},
      {"CONFLICT", 409},
      {"INVALID_STATE", 409},
      {"SERIALS_EXHAUSTED", 409},
      {"IDEMPOTENCY_MISMATCH", 422},
      {"UNKNOWN_ORG", 422},
      {"UNKNOWN_FACILITY", 422},
      {"UNKNOWN_WASTE_CODE", 422},
      {"ROLE_MISMATCH", 422},
      {"NOT_ACCEPTED", 422},
      {"INVALID_FIELD", 422},
      {"INVALID_DATE", 422},
      {"TOO_MANY_LABELS", 422},
      {"STORAGE_UNAVAILABLE", 503},
      {"BUSY", 503},
  };
  auto it = kStatus.find(s.code());
  const int status = it == kStatus.end() ? 500 : it->second;
  if (status == 500) {
    // Internal details stay in the server's log; the client gets a code to quote.
    return http::Problem(500, "INTERNAL", "Internal Server Error", "the server failed: " + s.code());
  }
  return http::Problem(status, s.code(), http::ReasonPhrase(status), s.message());
}

}  // namespace cradle::api
