// Label use cases: what goes on a manifest's HJ 1276-2022 label, and rendering one label or a
// print run. The layout itself lives in server/labels; this joins the manifest, its producer
// and the catalogue entry into the label's text.
//
// Errors: NOT_FOUND (absent or another party's), FORBIDDEN, TOO_MANY_LABELS, RENDER_FAILED.
// Thread safety: stateless functions over the thread-safe Context.
#pragma once

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

// One multi-page PDF or one ZPL stream for the producer's own manifests, in the order given.
Result<std::string> RenderLabelRun(const Context& ctx, const Principal& p,
                                   const std::vector<std::string>& ids, labels::LabelSize size,
                                   labels::LabelFormat format);

}  // namespace cradle::service
