// The one table from an error code (core/status.h) to its HTTP status, title and what the
// client is told. Every code any layer can return is listed; errors_test checks that against
// the sources, so a new code without a row fails a test instead of silently answering 500.
//
// Detail policy: a client-facing code passes the use case's message through; an internal one
// (5xx, storage, SQLite, file paths) answers a fixed generic detail, and the message goes to
// the server's log with the request id.
// Thread safety: the table is immutable.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "server/http/message.h"

namespace cradle::api {

struct ErrorInfo {
  std::string_view code;
  int status;              // HTTP status
  std::string_view title;  // problem "title"
  // Empty: the Status message is the problem's detail. Otherwise the fixed detail to answer,
  // and the message is logged instead (it may name files or quote SQLite).
  std::string_view generic_detail;
  // The code the client sees ("INTERNAL" for every 500, so internals are not enumerated).
  std::string_view public_code;
};

const std::vector<ErrorInfo>& ErrorTable();

// The row for `code`; nullptr when the code is not in the table (then the answer is 500).
const ErrorInfo* FindError(std::string_view code);

}  // namespace cradle::api
