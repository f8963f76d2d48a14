// Seeds an empty deployment with the model district (shared/context): the regulator, the fly-ash
// producing incinerator, the fly-ash landfill phase 2 (238,000 m³), the sorting centre, the
// utilisation plant, the small-enterprise collection programme with 177 members, 20 key
// producers, six months of history (demo_history.h) and today's first labels. Every write goes
// through the use cases, so the demo is audited like real data and runs production code.
//
// Thread safety: call once at start-up, before serving. `clock` must be the clock of both the
// Context and its Database: the seed pins it to the history's moments and releases it after.
#pragma once

#include <string>

#include "core/clock.h"
#include "core/status.h"
#include "server/service/context.h"

namespace cradle::service {

// Writes one bearer token per demo role to `tokens_path` (mode 0600). INTERNAL when `clock` is
// not the one the Context and the Database read.
Status SeedDemo(const Context& ctx, PinnableClock& clock, const std::string& tokens_path);

// A valid USCC with the given 17-character body (its check character computed).
std::string DemoUscc(const std::string& first17);

}  // namespace cradle::service
