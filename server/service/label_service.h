// Label use cases: what goes on a manifest's HJ 1276-2022 label, and rendering one label or a
// print run. The layout itself lives in server/labels; this joins the manifest, its producer
// and the catalogue entry into the label's text.
//
// Errors: NOT_FOUND (absent or another party's), FORBIDDEN, TOO_MANY_LABELS, RENDER_FAILED,
// PRINT_RUNS_BUSY (more print runs rendering than ctx.settings allows, for the caller's
// organisation or in all).
// Thread safety: functions over the thread-safe Context; the print-run counts are one
// process-wide table behind a mutex.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "server/labels/label.h"
#include "server/service/context.h"
#include "server/service/principal.h"
#include "server/store/records.h"

namespace cradle::service {

inline constexpr size_t kMaxPrintRun = 1000;

// The label text for a manifest (pure: no I/O).
labels::LabelContent LabelFor(const store::Manifest& m, const store::Org& producer,
                              const Catalogue& catalogue);

// The bytes of one label for a manifest the caller may read.
Result<std::string> RenderManifestLabel(const Context& ctx, const Principal& p,
                                        const std::string& id, labels::LabelSize size,
                                        labels::LabelFormat format);

// Print runs rendering right now: for `org`, and in all (for tests and metrics).
struct PrintRunCounts {
  int org = 0;
  int total = 0;
};
PrintRunCounts PrintRunsInFlight(const std::string& org);

// A checked print run, ready to render: `write` renders the labels in order into a sink, a
// page at a time (labels::StreamPrintRun), so a 1000-label run is never held whole. The run's
// slot (print_runs_per_org / print_runs_total) is held until the last copy of this is gone.
struct LabelRunStream {
  std::function<Status(const labels::ByteSink&)> write;
};
Result<LabelRunStream> OpenLabelRun(const Context& ctx, const Principal& p,
                                    const std::vector<std::string>& ids, labels::LabelSize size,
                                    labels::LabelFormat format);

// One multi-page PDF or one ZPL stream for the producer's own manifests, in the order given.
// At most ctx.settings.print_runs_per_org runs per organisation and print_runs_total in all
// render at once; beyond that PRINT_RUNS_BUSY at once (the caller retries), never a queue that
// holds handler threads.
Result<std::string> RenderLabelRun(const Context& ctx, const Principal& p,
                                   const std::vector<std::string>& ids, labels::LabelSize size,
                                   labels::LabelFormat format);

}  // namespace cradle::service
