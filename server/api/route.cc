#include "server/api/route.h"

#include <algorithm>

namespace cradle::api {

bool Who::Allows(const service::Principal& p) const {
  return roles_.empty() || std::find(roles_.begin(), roles_.end(), p.role) != roles_.end();
}

std::string Who::Describe() const {
  std::string out;
  for (size_t i = 0; i < roles_.size(); ++i) {
    if (i > 0) out += i + 1 == roles_.size() ? " or " : ", ";
    out += std::string(service::RoleName(roles_[i])) + (roles_.size() > 1 ? "s" : "");
  }
  return out.empty() ? "signed-in callers" : out;
}

http::Response Call::Fail(const Status& s) const {
  return FromStatus(s, req_.request_id, d_.log_error);
}

Input<Paging> ReadPage(Call& c) {
  http::Response problem;
  auto paging = ReadPaging(c.req(), &problem);
  if (!paging) return problem;
  return *paging;
}

std::optional<int64_t> ParseRowId(const std::string& s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  for (char ch : s) {
    if (ch < '0' || ch > '9') return std::nullopt;
  }
  return std::stoll(s);
}

Input<IdPaging> ReadIdPage(Call& c) {
  http::Response problem;
  auto paging = ReadPaging(c.req(), &problem);
  if (!paging) return problem;
  IdPaging out;
  out.limit = paging->limit;
  if (paging->after) {
    auto after = ParseRowId(*paging->after);
    if (!after) return ValidationProblem({{"after", "INVALID_CURSOR", "a cursor from `next`"}});
    out.after = *after;
  }
  return out;
}

http::Response Bytes(int status, std::string content_type, std::string body) {
  http::Response r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

}  // namespace cradle::api
