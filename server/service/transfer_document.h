// Use case: the printed transfer manifest (危险废物转移联单, GET /api/v1/transfers/{id}.pdf).
// Joins a transfer the caller may read with its parties' names and the catalogue's waste names
// into the renderer's TransferSheet (server/labels/transfer_pdf.h), signs the WT1 transfer token
// (docs/transfer-token.md) with the active label key for its QR code, and renders the A4 PDF.
//
// Who: the parties on the transfer and those who read everything (regulators, admin); anyone
// else reads NOT_FOUND, as for GET /api/v1/transfers/{id}.
// Errors: NOT_FOUND; INVALID_STATE for a draft or a cancelled transfer (a paper whose QR
// verifies must only exist for a trip that was signed and may run) and for an ad hoc trip whose
// receiver is not known yet (the token names it); INVALID_FIELD when the transfer does not fit
// a token (more than 32 waste codes); RENDER_FAILED.
// Thread safety: stateless functions over the thread-safe Context.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/catalogue.h"
#include "core/status.h"
#include "server/labels/transfer_pdf.h"
#include "server/service/context.h"
#include "server/service/principal.h"
#include "server/service/transfers.h"
#include "server/store/records.h"

namespace cradle::service {

// The registered parties a sheet names (the receiver only once the transfer has one).
struct TransferParties {
  store::Org sender, carrier;
  std::optional<store::Facility> receiver;
  std::optional<store::Org> receiver_operator;
};

// The sheet for a transfer as stored, printed at `printed_at` (micros UTC) in the zone `tz`
// (minutes east of UTC), without its token (pure: no I/O).
labels::TransferSheet TransferSheetFor(const TransferView& v, const TransferParties& parties,
                                       const Catalogue& catalogue, int64_t printed_at, int tz);

// The day a transfer's token carries: planned day, else the ad hoc trip's day, else the local
// day it was submitted (or created).
CivilDate TransferTokenDate(const store::Transfer& t, int tz);

// The PDF bytes of the transfer `id` for a caller who may read it, with a freshly signed token.
Result<std::string> RenderTransferDocument(const Context& ctx, const Principal& p,
                                           const std::string& id);

}  // namespace cradle::service
