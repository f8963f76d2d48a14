#include "server/service/principal.h"

namespace cradle::service {
std::string_view RoleName(Role role) { return Name(role); }

std::optional<Role> ParseRole(std::string_view name) { return Parse<Role>(name); }

std::string Principal::Actor() const {
  if (!device.empty()) return "device:" + device + "@" + org;
  std::string actor = "token:" + std::to_string(token_id);
  if (!org.empty()) actor += "@" + org;
  return actor;
}

}  // namespace cradle::service
