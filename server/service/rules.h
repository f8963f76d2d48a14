// The reconciliation rules as plain functions: deadlines, capacity thresholds, landfill volume
// and fill projection, case transitions and who answers for a case. No I/O, no clock: callers
// pass dates, so every rule is unit-tested with explicit values.
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/civil_time.h"
#include "core/status.h"
#include "core/working_calendar.h"

namespace cradle::service {

// Issued on `issued_on` and still uncollected on `as_of`: true when more than `days` calendar
// days have passed (issued_on + days < as_of).
bool IsUncollected(const CivilDate& issued_on, const CivilDate& as_of, int days);
// Collected on `picked_up_on` and not received by `as_of`: true when the deadline
// picked_up_on + `working_days` working days (Mon-Fri) is before as_of.
bool IsUnreceived(const CivilDate& picked_up_on, const CivilDate& as_of, int working_days);

// Capacity alert thresholds in percent (domain.md: 80 % and 95 %), each a separate case.
inline constexpr int kCapacityThresholds[] = {80, 95};
// The thresholds (80, 95) that `used_fraction` (0..1+) has reached.
std::vector<int> CapacityThresholdsReached(double used_fraction);

// A landfill's figures where none were given, when it is registered and when a stored facility
// lacks them (domain.md): treated fly ash in place is about 1.3 t/m³; cover soil takes 10-20 %
// of the airspace.
inline constexpr double kDefaultLandfillDensityTPerM3 = 1.3;
inline constexpr double kDefaultLandfillCoverFraction = 0.15;

// Landfill airspace used by `tonnes` placed. Cover soil takes `cover_fraction` of the airspace
// (domain.md: 10-20 %), so the waste fills only (1 - cover_fraction) of each cubic metre used:
//   volume_used_m3 = tonnes / density_t_per_m3 / (1 - cover_fraction).
double LandfillVolumeUsedM3(double tonnes, double density_t_per_m3, double cover_fraction);

// Fill projection from a trailing rate: `volume_left_m3` at `as_of` filled at `m3_per_day`.
// nullopt when the rate is zero or negative (no projection); as_of itself when nothing is left.
std::optional<CivilDate> ProjectFillDate(const CivilDate& as_of, double volume_left_m3,
                                         double m3_per_day);

// Case lifecycle: open -dispatch-> dispatched -respond-> responded -close-> closed;
// reopen: responded|closed -> dispatched. INVALID_STATE for any other (status, action);
// INVALID_FIELD for an unknown action.
Result<std::string> NextCaseStatus(std::string_view status, std::string_view action);

// Who answers for a finding-based case. A weight mismatch found at pickup (against the declared
// mass) is the producer's; one found at receipt is the collector's (who carried it). A copied
// label is the collector's (it presented a label already used); a forged label the scanning
// organisation's (it holds the container and must say where it came from).
// `against` is the weight finding's "against" ("declared" or "pickup"), `kind` its scan kind.
std::string FindingParty(std::string_view finding_kind, std::string_view scan_kind,
                         const std::string& producer, const std::string& scanner,
                         const std::string& collector);

// A deadline missed as of `as_of`: the deadline lies before as_of and what it waited for
// (confirming a receipt, signing, starting a return) was not done by then: not at all
// (`done_on` nullopt) or on a later day. Done late, the cause stays a cause, so the rules open
// the same case whenever they run.
bool MissedDeadline(const CivilDate& deadline, const std::optional<CivilDate>& done_on,
                    const CivilDate& as_of);

// Who answers for a transfer case (transfers.md "New case kinds"):
//   receipt_overdue      the receiver's operator: Art. 19 puts the 5-day confirmation on it;
//   transfer_discrepancy the sender: it declared what the receiver found different or refused;
//   transfer_unsigned    the sender: only it can sign the ad hoc trip;
//   refused_not_returned the carrier: it brought the load and carries it back (the return trip
//                        keeps the carrier), whoever of carrier or receiver starts the return.
// The carrier stands in when a receipt case names no receiver organisation. Empty for any other
// kind.
std::string TransferCaseParty(std::string_view kind, const std::string& sender,
                              const std::string& carrier,
                              const std::optional<std::string>& receiver_org);

}  // namespace cradle::service
