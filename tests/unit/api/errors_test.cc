// The error table (server/api/errors.h): every error code that core, the store, the service,
// the labels, the PKI or the API can return has a row, so none falls through to 500 unseen;
// internal details (SQLite messages, file paths) never reach a 422/503/500 body but are logged
// with the request id.
#define BOOST_TEST_MODULE api_errors_test
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "server/api/api.h"
#include "server/api/errors.h"

namespace cradle::testing {
namespace {

namespace fs = std::filesystem;

// Every code in `Status("CODE"`, `Status::Private("CODE"` and `Rename(..., "CODE"` under the
// layers a request passes through.
std::set<std::string> CodesInSources() {
  std::set<std::string> codes;
  const std::regex status(R"re(Status(?:::Private)?\("([A-Z][A-Z0-9_]*)")re");
  const std::regex rename(R"re(Rename\([^;]*?,\s*"([A-Z][A-Z0-9_]*)")re");
  const std::regex problem(R"re(Problem\(\d+,\s*"([A-Z][A-Z0-9_]*)")re");
  for (const char* dir : {"core", "server/store", "server/service", "server/labels", "server/pki",
                          "server/api", "server/http"}) {
    for (const auto& e : fs::recursive_directory_iterator(fs::path(CRADLE_SOURCE_DIR) / dir)) {
      const auto ext = e.path().extension();
      if (ext != ".cc" && ext != ".h") continue;
      std::ifstream in(e.path());
      std::stringstream text;
      text << in.rdbuf();
      const std::string s = text.str();
      for (const auto* re : {&status, &rename, &problem}) {
        for (std::sregex_iterator it(s.begin(), s.end(), *re), end; it != end; ++it) {
          codes.insert((*it)[1].str());
        }
      }
    }
  }
  return codes;
}

BOOST_AUTO_TEST_CASE(every_code_any_layer_returns_is_in_the_table) {
  const auto codes = CodesInSources();
  // The scan finds what it should (a broken regex must not pass silently).
  BOOST_TEST(codes.count("NOT_FOUND") == 1u);
  BOOST_TEST(codes.count("STORAGE_UNAVAILABLE") == 1u);
  BOOST_TEST(codes.count("CONFLICT") == 1u);
  BOOST_TEST(codes.size() > 40u);
  // Codes the HTTP layer answers itself (the router, the server, the body readers) are not
  // use-case errors; they never pass through FromStatus.
  const std::set<std::string> http_only = {"METHOD_NOT_ALLOWED",     "MALFORMED_JSON",
                                           "UNSUPPORTED_MEDIA_TYPE", "VALIDATION_FAILED",
                                           "BODY_TOO_LARGE",         "HEADERS_TOO_LARGE"};
  for (const auto& code : codes) {
    if (http_only.count(code)) continue;
    BOOST_TEST(api::FindError(code) != nullptr, code << " has no row in server/api/errors.cc");
  }
}

BOOST_AUTO_TEST_CASE(the_table_is_well_formed) {
  std::set<std::string_view> seen;
  for (const auto& e : api::ErrorTable()) {
    BOOST_TEST(seen.insert(e.code).second, "duplicate row " << e.code);
    BOOST_TEST((e.status >= 400 && e.status <= 599), e.code);
    BOOST_TEST(!e.title.empty());
    // Every 500 answers INTERNAL with a generic detail; every 503 a generic detail too.
    if (e.status == 500) BOOST_TEST(e.public_code == "INTERNAL", e.code);
    if (e.status >= 500) BOOST_TEST(!e.generic_detail.empty(), e.code);
    // Each row's status is what FromStatus answers.
    auto r = api::FromStatus(Status(std::string(e.code), "m"));
    BOOST_TEST(r.status == e.status, e.code);
  }
  BOOST_TEST(api::FindError("NO_SUCH_CODE") == nullptr);
  BOOST_TEST(api::FromStatus(Status("NO_SUCH_CODE", "x")).status == 500);
}

struct Logged {
  std::vector<std::string> lines;
  std::function<void(const std::string&)> sink() {
    return [this](const std::string& l) { lines.push_back(l); };
  }
};

BOOST_AUTO_TEST_CASE(internal_details_are_logged_with_the_request_id_not_answered) {
  const std::string secret =
      "INSERT INTO orgs: CHECK constraint failed: /var/lib/cradle/cradle.db disk I/O error";
  struct Row {
    Status status;
    int http;
  };
  const Row rows[] = {
      {Status("STORAGE_UNAVAILABLE", secret), 503},
      {Status("BUSY", secret), 503},
      {Status::Private("INVALID_FIELD", secret), 422},
      {Status::Private("CONFLICT", secret), 409},
      {Status("INTERNAL", secret), 500},
      {Status("IO_ERROR", secret), 500},
  };
  for (const auto& row : rows) {
    BOOST_TEST_CONTEXT(row.status.code()) {
      Logged log;
      auto r = api::FromStatus(row.status, "req-42", log.sink());
      BOOST_TEST(r.status == row.http);
      BOOST_TEST(r.body.find("constraint") == std::string::npos, r.body);
      BOOST_TEST(r.body.find("/var/lib") == std::string::npos, r.body);
      BOOST_TEST(r.body.find("I/O") == std::string::npos, r.body);
      auto body = boost::json::parse(r.body).as_object();
      BOOST_TEST(!body.at("detail").as_string().empty());
      BOOST_TEST(body.at("code").as_string() ==
                 (row.http == 500 ? std::string("INTERNAL") : row.status.code()));
      BOOST_REQUIRE(log.lines.size() == 1u);
      BOOST_TEST(log.lines[0].find("req-42") != std::string::npos);
      BOOST_TEST(log.lines[0].find(secret) != std::string::npos);
    }
  }
  // A client-facing message passes through and is not logged.
  Logged log;
  auto r = api::FromStatus(Status("UNKNOWN_ORG", "no organisation 9133..."), "req-1", log.sink());
  BOOST_TEST(r.status == 422);
  BOOST_TEST(r.body.find("no organisation 9133...") != std::string::npos);
  BOOST_TEST(log.lines.empty());
}

}  // namespace
}  // namespace cradle::testing
