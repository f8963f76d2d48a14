#include "server/api/errors.h"

#include "server/api/api.h"
#include "server/http/problem.h"

namespace cradle::api {
namespace {

constexpr std::string_view kInternal = "the server failed; quote the request id";
constexpr std::string_view kRefused = "the stored records' rules refuse this request";
constexpr std::string_view kStorage = "the database is unavailable; retry later";

}  // namespace

const std::vector<ErrorInfo>& ErrorTable() {
  // clang-format off
  static const std::vector<ErrorInfo> kTable = {
      // Callers and permissions.
      {"UNAUTHENTICATED",      401, "Unauthorized", "", ""},
      {"FORBIDDEN",            403, "Forbidden", "", ""},
      {"NOT_FOUND",            404, "Not Found", "", ""},
      // State.
      {"CONFLICT",             409, "Conflict", "", ""},
      {"INVALID_STATE",        409, "Conflict", "", ""},
      {"SERIALS_EXHAUSTED",    409, "Conflict", "", ""},
      {"DUPLICATE",            409, "Conflict", "", ""},
      {"ALREADY_SCANNED",      409, "Conflict", "", ""},
      {"VOIDED",               409, "Conflict", "", ""},
      // Requests that name or carry something wrong.
      {"IDEMPOTENCY_MISMATCH", 422, "Unprocessable Content", "", ""},
      {"UNKNOWN_ORG",          422, "Unprocessable Content", "", ""},
      {"UNKNOWN_FACILITY",     422, "Unprocessable Content", "", ""},
      {"UNKNOWN_WASTE_CODE",   422, "Unprocessable Content", "", ""},
      {"ROLE_MISMATCH",        422, "Unprocessable Content", "", ""},
      {"NOT_ACCEPTED",         422, "Unprocessable Content", "", ""},
      {"UNKNOWN_MANIFEST",     422, "Unprocessable Content", "", ""},
      {"NOT_SENDERS",          422, "Unprocessable Content", "", ""},
      {"NOT_ISSUED",           422, "Unprocessable Content", "", ""},
      {"ON_OTHER_TRANSFER",    422, "Unprocessable Content", "", ""},
      {"NOT_RECEIVED",         422, "Unprocessable Content", "", ""},
      {"INVALID_FIELD",        422, "Unprocessable Content", "", ""},
      {"INVALID_DATE",         422, "Unprocessable Content", "", ""},
      {"DATE_OUT_OF_RANGE",    422, "Unprocessable Content", "", ""},
      {"INVALID_TIME",         422, "Unprocessable Content", "", ""},
      {"INVALID_MASS",         422, "Unprocessable Content", "", ""},
      {"INVALID_USCC",         422, "Unprocessable Content", "", ""},
      {"INVALID_WASTE_CODE",   422, "Unprocessable Content", "", ""},
      {"INVALID_BATCH",        422, "Unprocessable Content", "", ""},
      {"INVALID_ARGUMENT",     422, "Unprocessable Content", "", ""},
      {"TOO_MANY_LABELS",      422, "Unprocessable Content", "", ""},
      {"MALFORMED",            422, "Unprocessable Content", "", ""},
      {"BAD_SIGNATURE",        422, "Unprocessable Content", "", ""},
      {"UNKNOWN_KEY",          422, "Unprocessable Content", "", ""},
      {"CATALOGUE_INVALID",    422, "Unprocessable Content", "", ""},
      {"RATE_LIMITED",         429, "Too Many Requests", "", ""},
      // The store cannot serve now: retry.
      {"STORAGE_UNAVAILABLE",  503, "Service Unavailable", kStorage, ""},
      {"BUSY",                 503, "Service Unavailable", kStorage, ""},
      {"LOG_UNAVAILABLE",      503, "Service Unavailable", kStorage, ""},
      {"DRAINING",             503, "Service Unavailable", "the server is shutting down", ""},
      // Internal failures: one public code, the detail in the log.
      {"INTERNAL",             500, "Internal Server Error", kInternal, "INTERNAL"},
      {"IO_ERROR",             500, "Internal Server Error", kInternal, "INTERNAL"},
      {"RENDER_FAILED",        500, "Internal Server Error", kInternal, "INTERNAL"},
      {"KEY_STORE_CORRUPT",    500, "Internal Server Error", kInternal, "INTERNAL"},
      {"INVALID_KEY",          500, "Internal Server Error", kInternal, "INTERNAL"},
      {"CRYPTO_ERROR",         500, "Internal Server Error", kInternal, "INTERNAL"},
      {"CORRUPT",              500, "Internal Server Error", kInternal, "INTERNAL"},
      {"MIGRATION_FAILED",     500, "Internal Server Error", kInternal, "INTERNAL"},
      {"INSECURE_PERMISSIONS", 500, "Internal Server Error", kInternal, "INTERNAL"},
      {"TLS_CONFIG",           500, "Internal Server Error", kInternal, "INTERNAL"},
      {"JWKS_INVALID",         500, "Internal Server Error", kInternal, "INTERNAL"},
      {"STORAGE",              500, "Internal Server Error", kInternal, "INTERNAL"},
      {"SETUP",                500, "Internal Server Error", kInternal, "INTERNAL"},
      {"BAD_CONFIG",           500, "Internal Server Error", kInternal, "INTERNAL"},
      {"INVALID_CALENDAR",     500, "Internal Server Error", kInternal, "INTERNAL"},
      {"USAGE",                500, "Internal Server Error", kInternal, "INTERNAL"},
      {"BAD_IMAGE",            500, "Internal Server Error", kInternal, "INTERNAL"},
      {"UNSUPPORTED_IMAGE",    500, "Internal Server Error", kInternal, "INTERNAL"},
      {"BAD",                  500, "Internal Server Error", kInternal, "INTERNAL"},
      {"BIND_FAILED",          500, "Internal Server Error", kInternal, "INTERNAL"},
      {"ADDRESS_IN_USE",       500, "Internal Server Error", kInternal, "INTERNAL"},
      {"ALREADY_STARTED",      500, "Internal Server Error", kInternal, "INTERNAL"},
  };
  // clang-format on
  return kTable;
}

const ErrorInfo* FindError(std::string_view code) {
  for (const auto& e : ErrorTable()) {
    if (e.code == code) return &e;
  }
  return nullptr;
}

http::Response FromStatus(const Status& s, const std::string& request_id,
                          const std::function<void(const std::string&)>& log) {
  static const ErrorInfo kUnknown{"", 500, "Internal Server Error", kInternal, "INTERNAL"};
  const ErrorInfo* e = FindError(s.code());
  if (e == nullptr) e = &kUnknown;
  const std::string code(e->public_code.empty() ? std::string_view(s.code()) : e->public_code);
  if (e->generic_detail.empty() && !s.message_is_private()) {
    return http::Problem(e->status, code, std::string(e->title), s.message());
  }
  // The message may quote SQLite or name a file: the log has it, the client a code to quote.
  if (log) log("request " + request_id + ": " + std::to_string(e->status) + " " + s.ToString());
  std::string detail(e->generic_detail.empty() ? kRefused : e->generic_detail);
  if (e->status == 500) detail = "the server failed: " + s.code();
  return http::Problem(e->status, code, std::string(e->title), detail);
}

http::Response FromStatus(const Status& status) { return FromStatus(status, "", nullptr); }

}  // namespace cradle::api
