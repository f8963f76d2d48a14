#include "server/api/json_io.h"

#include <algorithm>
#include <cmath>

namespace cradle::api {
namespace {

constexpr int kMaxDepth = 32;

bool IsJsonContentType(const std::string& ct) {
  std::string lower;
  for (char c : ct) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  const auto semi = lower.find(';');
  std::string base = lower.substr(0, semi);
  while (!base.empty() && base.back() == ' ') base.pop_back();
  return base == "application/json";
}

}  // namespace

std::optional<boost::json::object> ParseJsonObject(const http::Request& req,
                                                   http::Response* problem) {
  if (!IsJsonContentType(req.Header("content-type"))) {
    *problem = http::Problem(415, "UNSUPPORTED_MEDIA_TYPE", "Unsupported Media Type",
                             "send the body as application/json");
    return std::nullopt;
  }
  boost::json::parse_options opts;
  opts.max_depth = kMaxDepth;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(req.body, ec, {}, opts);
  if (ec) {
    *problem = http::Problem(400, "MALFORMED_JSON", "Malformed JSON", ec.message());
    return std::nullopt;
  }
  if (!v.is_object()) {
    *problem = http::Problem(400, "MALFORMED_JSON", "Malformed JSON", "the body must be an object");
    return std::nullopt;
  }
  return std::move(v.as_object());
}

const boost::json::value* FieldReader::Find(const char* name, bool required) {
  const auto* v = obj_.if_contains(name);
  if (!v || v->is_null()) {
    if (required) Add(Path(name), "REQUIRED", std::string(name) + " is required");
    return nullptr;
  }
  return v;
}

void FieldReader::Add(const std::string& field, std::string code, std::string detail) {
  errors_.push_back({field, std::move(code), std::move(detail)});
}

std::optional<std::string> FieldReader::String(const char* name, bool required, size_t max_len) {
  const auto* v = Find(name, required);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    Add(Path(name), "WRONG_TYPE", std::string(name) + " must be a string");
    return std::nullopt;
  }
  const auto& s = v->as_string();
  if (s.size() > max_len) {
    Add(Path(name), "TOO_LONG", std::string(name) + " is longer than " + std::to_string(max_len));
    return std::nullopt;
  }
  return std::string(s);
}

std::optional<int64_t> FieldReader::Int(const char* name, bool required, int64_t min, int64_t max) {
  const auto* v = Find(name, required);
  if (!v) return std::nullopt;
  int64_t n = 0;
  if (v->is_int64()) {
    n = v->as_int64();
  } else if (v->is_uint64() && v->as_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    n = static_cast<int64_t>(v->as_uint64());
  } else if (v->is_double() && std::floor(v->as_double()) == v->as_double() &&
             std::fabs(v->as_double()) < 9e15) {
    n = static_cast<int64_t>(v->as_double());
  } else {
    Add(Path(name), "WRONG_TYPE", std::string(name) + " must be an integer");
    return std::nullopt;
  }
  if (n < min || n > max) {
    Add(Path(name), "OUT_OF_RANGE",
        std::string(name) + " must be in " + std::to_string(min) + ".." + std::to_string(max));
    return std::nullopt;
  }
  return n;
}

std::optional<double> FieldReader::Number(const char* name, bool required, double min, double max) {
  const auto* v = Find(name, required);
  if (!v) return std::nullopt;
  if (!v->is_number()) {
    Add(Path(name), "WRONG_TYPE", std::string(name) + " must be a number");
    return std::nullopt;
  }
  const double d = v->to_number<double>();
  if (!(d >= min && d <= max)) {
    Add(Path(name), "OUT_OF_RANGE", std::string(name) + " is out of range");
    return std::nullopt;
  }
  return d;
}

std::optional<bool> FieldReader::Bool(const char* name, bool required) {
  const auto* v = Find(name, required);
  if (!v) return std::nullopt;
  if (!v->is_bool()) {
    Add(Path(name), "WRONG_TYPE", std::string(name) + " must be true or false");
    return std::nullopt;
  }
  return v->as_bool();
}

std::optional<std::vector<std::string>> FieldReader::Strings(const char* name, bool required,
                                                             size_t max_items, size_t max_len) {
  const auto* v = Find(name, required);
  if (!v) return std::nullopt;
  if (!v->is_array()) {
    Add(Path(name), "WRONG_TYPE", std::string(name) + " must be an array of strings");
    return std::nullopt;
  }
  const auto& a = v->as_array();
  if (a.size() > max_items) {
    Add(Path(name), "TOO_MANY", std::string(name) + " has more than " + std::to_string(max_items));
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!a[i].is_string() || a[i].as_string().size() > max_len) {
      Add(Path(name) + "[" + std::to_string(i) + "]", "WRONG_TYPE",
          "each item must be a string of at most " + std::to_string(max_len) + " characters");
      return std::nullopt;
    }
    out.emplace_back(a[i].as_string());
  }
  return out;
}

const boost::json::object* FieldReader::Object(const char* name, bool required) {
  const auto* v = Find(name, required);
  if (!v) return nullptr;
  if (!v->is_object()) {
    Add(Path(name), "WRONG_TYPE", std::string(name) + " must be an object");
    return nullptr;
  }
  return &v->as_object();
}

void FieldReader::OnlyKnown(std::initializer_list<const char*> known) {
  for (const auto& kv : obj_) {
    const bool ok =
        std::any_of(known.begin(), known.end(), [&](const char* k) { return kv.key() == k; });
    if (!ok) Add(prefix_ + std::string(kv.key()), "UNKNOWN_FIELD", "no such field");
  }
}

http::Response ValidationProblem(std::vector<http::FieldError> errors) {
  return http::Problem(422, "VALIDATION_FAILED", "Invalid fields", "one or more fields are invalid",
                       std::move(errors));
}

http::Response JsonResponse(int status, const boost::json::value& body) {
  http::Response r;
  r.status = status;
  r.body = boost::json::serialize(body);
  return r;
}

std::optional<Paging> ReadPaging(const http::Request& req, http::Response* problem) {
  Paging p;
  if (auto l = req.Query("limit")) {
    int n = 0;
    bool ok = !l->empty() && l->size() <= 4;
    for (char c : *l) ok = ok && c >= '0' && c <= '9';
    if (ok) n = std::stoi(*l);
    if (!ok || n < 1 || n > 1000) {
      *problem = ValidationProblem({{"limit", "OUT_OF_RANGE", "limit must be 1..1000"}});
      return std::nullopt;
    }
    p.limit = n;
  }
  if (auto a = req.Query("after")) {
    if (a->size() > 128) {
      *problem = ValidationProblem({{"after", "TOO_LONG", "cursor too long"}});
      return std::nullopt;
    }
    if (!a->empty()) p.after = *a;
  }
  return p;
}

}  // namespace cradle::api
