// The scanner's verdict on one token, with no network: core's WM1 verifier with the stored key
// set (MALFORMED / INVALID_FIELD / UNKNOWN_KEY / BAD_SIGNATURE), then VOIDED when the stored
// revocation list holds the manifest, then ALREADY_SCANNED when this device already queued the
// same manifest with the same kind (a copied label), within the repeat scope of a bound return
// trip (trips.h RepeatScope) when there is one.
//
// The server verifies again and never trusts this verdict; this one exists so the operator
// knows at once, at the container, whether the label is genuine.
//
// Ownership: borrows the KeySet and the Outbox, which must outlive the verifier.
// Thread safety: as the Outbox (single thread).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "core/wm1.h"
#include "scanner/outbox.h"
#include "scanner/scan_record.h"

namespace cradle::scan {

struct Verdict {
  Status status;                      // OK or the first failure's code
  std::optional<TokenFields> fields;  // whenever the grammar held
  std::string manifest_id;            // empty when the grammar failed
  bool accepted() const { return status.ok(); }
};

class OfflineVerifier {
 public:
  OfflineVerifier(const KeySet& keys, Outbox& outbox) : keys_(keys), outbox_(outbox) {}

  Verdict Check(std::string_view token, ScanKind kind) const;
  // The trip a session is bound to (null: none); it must outlive the verifier.
  void BindTrip(const Trip* trip) { trip_ = trip; }

 private:
  const Trip* trip_ = nullptr;
  const KeySet& keys_;
  Outbox& outbox_;
};

}  // namespace cradle::scan
