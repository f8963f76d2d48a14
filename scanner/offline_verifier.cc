#include "scanner/offline_verifier.h"

#include "core/digital_id.h"

namespace cradle::scan {

Verdict OfflineVerifier::Check(std::string_view token, ScanKind kind) const {
  Verdict verdict;
  VerifyOutcome outcome = Verify(StripLineEnding(token), keys_);
  verdict.status = outcome.status;
  verdict.fields = outcome.fields;
  if (outcome.fields) verdict.manifest_id = BuildDigitalId(outcome.fields->id);
  if (!verdict.status.ok()) return verdict;

  Result<bool> revoked = outbox_.IsRevoked(verdict.manifest_id);
  if (!revoked.ok()) {
    verdict.status = revoked.status();
    return verdict;
  }
  if (*revoked) {
    verdict.status = Status("VOIDED", "manifest " + verdict.manifest_id + " was voided");
    return verdict;
  }
  Result<bool> seen =
      outbox_.WasScanned(verdict.manifest_id, kind, RepeatScope(trip_, verdict.manifest_id));
  if (!seen.ok()) {
    verdict.status = seen.status();
    return verdict;
  }
  if (*seen) {
    verdict.status =
        Status("ALREADY_SCANNED", "already scanned for " + std::string(KindName(kind)) +
                                      " on this device: a copied label?");
  }
  return verdict;
}

}  // namespace cradle::scan
