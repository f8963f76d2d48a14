// Who is calling: a role, the organisation it acts for, and how it proved it.
//
// Thread safety: plain value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/domain_types.h"

namespace cradle::service {

// The roles and their names are core's (core/domain_types.h).
using Role = cradle::Role;

std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);

struct Principal {
  Role role = Role::kProducer;
  std::string org;       // USCC; empty only for the bootstrap admin
  std::string device;    // device id when authenticated by client certificate
  int64_t token_id = 0;  // api_tokens.id when authenticated by bearer token

  // Regulators and admins read every party's records.
  bool ReadsAll() const { return role == Role::kAdmin || role == Role::kRegulator; }
  bool Is(Role r) const { return role == r; }
  // The actor recorded in the audit log: "device:<id>", "token:<id>@<org>" or "token:<id>".
  std::string Actor() const;
};

}  // namespace cradle::service
