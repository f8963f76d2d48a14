#include "server/http/problem.h"

#include <boost/json.hpp>
#include <cctype>
#include <utility>

namespace cradle::http {
namespace {

std::string TypeUri(const std::string& code) {
  if (code.empty()) return "about:blank";
  std::string lower = code;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return "https://cradle.invalid/problems/" + lower;
}

}  // namespace

Response Problem(int status, std::string code, std::string title, std::string detail,
                 std::vector<FieldError> errors) {
  boost::json::object body;
  body["type"] = TypeUri(code);
  // json::value copies a string_view: moving the std::string would save nothing.
  body["title"] = title;
  body["status"] = status;
  body["detail"] = detail;
  body["code"] = code;
  if (!errors.empty()) {
    boost::json::array list;
    for (FieldError& e : errors) {
      list.push_back(boost::json::object{{"field", std::move(e.field)},
                                         {"code", std::move(e.code)},
                                         {"detail", std::move(e.detail)}});
    }
    body["errors"] = std::move(list);
  }
  Response response;
  response.status = status;
  response.content_type = kProblemContentType;
  response.body = boost::json::serialize(body);
  return response;
}

Response Problem(int status, std::string code, std::string detail) {
  return Problem(status, std::move(code), ReasonPhrase(status), std::move(detail));
}

const char* ReasonPhrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 411:
      return "Length Required";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Unknown";
  }
}

}  // namespace cradle::http
