#include "server/service/principal.h"

#include <array>
#include <utility>

namespace cradle::service {
namespace {
constexpr std::array<std::pair<Role, std::string_view>, 5> kRoles{{
    {Role::kAdmin, "admin"},
    {Role::kRegulator, "regulator"},
    {Role::kProducer, "producer"},
    {Role::kCollector, "collector"},
    {Role::kFacility, "facility"},
}};
}  // namespace

std::string_view RoleName(Role role) {
  for (const auto& [r, name] : kRoles) {
    if (r == role) return name;
  }
  return "unknown";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (const auto& [r, n] : kRoles) {
    if (n == name) return r;
  }
  return std::nullopt;
}

std::string Principal::Actor() const {
  if (!device.empty()) return "device:" + device + "@" + org;
  std::string actor = "token:" + std::to_string(token_id);
  if (!org.empty()) actor += "@" + org;
  return actor;
}

}  // namespace cradle::service
