// Seeds an empty deployment with the model district (shared/context): the regulator, the fly-ash
// producing incinerator, the fly-ash landfill phase 2 (238,000 m³), the sorting centre, the
// utilisation plant, the small-enterprise collection programme with 177 members, 20 key
// producers, and a first set of issued manifests. Every write goes through the use cases, so
// the demo is audited like real data.
//
// Thread safety: call once at start-up, before serving.
#pragma once

#include <string>

#include "core/status.h"
#include "server/service/context.h"

namespace cradle::service {

// Writes one bearer token per demo role to `tokens_path` (mode 0600).
Status SeedDemo(const Context& ctx, const std::string& tokens_path);

// A valid USCC with the given 17-character body (its check character computed).
std::string DemoUscc(const std::string& first17);

}  // namespace cradle::service
