// Six months of the model district's history, ending yesterday, written straight through the
// store in large batches (not HTTP) with explicit past times, rolled up exactly as live data:
// the incinerator's daily fly-ash tonne bags to the landfill, the 177 small enterprises' monthly
// collections (~27 t a month), the key producers' weekly drums, weighing noise, and planted
// discrepancies (weight mismatches, one copied and one forged label, uncollected and unreceived
// manifests). Then the rules run month by month and cases are moved through every status.
//
// Deterministic (fixed seed). Thread safety: call once at start-up, before serving.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "server/service/context.h"

namespace cradle::service {

struct DemoParties {
  std::string regulator, incinerator, collector, landfill_op, utilisation;
  std::vector<std::string> key_producers;
  std::vector<std::string> members;  // small enterprises in the programme
};

Status SeedDemoHistory(const Context& ctx, const DemoParties& parties, int days = 182);

}  // namespace cradle::service
