// Six months of the model district's history, ending yesterday, written through the same use
// cases a producer, a scanner and a facility call (IssueManifests, IngestScans, CreateTransfer,
// SubmitTransfer, SignTransfer, ConfirmReceipt, ReturnTransfer, revisions, RunRules, ActOnCase),
// day by day, with the clock pinned to each simulated moment. Nothing is inserted behind the use
// cases' backs, so the history is audited, hashed and rolled up exactly as live data is, and it
// cannot drift from production code: a use case that refuses a step fails the seed.
//
// What happens: the incinerator's daily fly-ash tonne bags go to the landfill on weekly trips
// (submitted transfers, carrier pickups, receive scans at the gate, receipts); the collector's
// monthly door-to-door round of the 177 small enterprises runs as ad hoc trips (pickups on no
// open transfer, signed by each sender afterwards); the 20 key producers' weekly drums go to the
// utilisation plant every other week on submitted transfers. Planted among them: one partial
// refusal with its return trip, one delivery whose receipt is never confirmed (overdue), one
// correction approved by every party, one ad hoc trip never signed, weight mismatches, one
// copied and one forged label, drums never collected and a round never delivered. The rules run
// on the first of every month and today; the oldest cases are moved through the case loop.
//
// The data is the same on every run (fixed seed). Independent steps of one simulated moment run
// on several threads so that the writer commits them together (group commit); the order of the
// entries written at one moment, and so the transfer numbers, may differ between runs.
//
// Thread safety: call once at start-up, before serving. `clock` must be the Context's clock and
// the Database's (the seed pins it); it is released when the history is written.
#pragma once

#include <string>
#include <vector>

#include "core/civil_time.h"
#include "core/clock.h"
#include "core/status.h"
#include "server/service/context.h"

namespace cradle::service {

struct DemoParties {
  std::string regulator, incinerator, collector, landfill_op, utilisation;
  std::vector<std::string> key_producers;
  std::vector<std::string> members;  // small enterprises in the programme
  // Scanning devices (registered): the collector's handheld (pickups, and receipts at its
  // transfer station), the landfill's gate and the utilisation plant's gate.
  std::string collector_device, landfill_device, utilisation_device;
};

// The first simulated day: `days` before today (the clock's local day).
CivilDate DemoHistoryFirstDay(const Context& ctx, int64_t now_micros, int days = 182);

Status SeedDemoHistory(const Context& ctx, PinnableClock& clock, const DemoParties& parties,
                       int days = 182);

}  // namespace cradle::service
