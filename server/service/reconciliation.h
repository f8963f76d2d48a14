// Use case: the monthly reconciliation report (api.md "Reconciliation, cases, audit") and a
// facility's capacity series. Reads only the roll-ups of schema/003 (never the raw events), so
// a month costs the same with 10 million scans as with 10 thousand.
//
// Month: "YYYY-MM" in the deployment's zone; an issuance counts in the month of its issued_at,
// a scan in the month the server received it (manifest_events.received_at), not the device time.
// Transfers: per producer (sender), carrier and receiver facility, from the transfer roll-ups
// kept in the same transaction as each transfer change (see TransferPartyLine).
// Scoping: regulators and admins see every row; any other caller sees only its own rows
// (producer rows of its org, facilities it operates, programmes it collects for, cases naming it,
// transfer rows of its org or of facilities it operates) and totals over those rows.
// Thread safety: stateless functions over the thread-safe Context.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "server/service/context.h"
#include "server/service/principal.h"
#include "server/store/cases.h"
#include "server/store/reconciliation.h"
#include "server/store/transfers.h"

namespace cradle::service {

struct ProducerLine {
  store::ProducerRollup r;
  std::string name;
  // (received measured - received declared) / declared * 100; nullopt when nothing received.
  std::optional<double> receipt_bias_pct;
  // Of received_measured_g, the grams apportioned from weighbridge net masses on the receipts of
  // the producer's transfers (by declared mass), not weighed container by container.
  int64_t apportioned_g = 0;
};

// Landfill figures (kind "landfill" with a volume): see rules.h LandfillVolumeUsedM3.
struct LandfillFigures {
  double volume_m3 = 0, density_t_per_m3 = 0, cover_fraction = 0;
  double tonnes_placed = 0;  // all receipts up to the end of the month
  double volume_used_m3 = 0, volume_left_m3 = 0, used_pct = 0;
  double trailing_t_per_day = 0;  // receipts of the month and the two before, per elapsed day
  std::optional<std::string> projected_fill_date;  // YYYY-MM-DD; nullopt when no receipts
};

struct FacilityLine {
  store::FacilityRollup r;
  std::string name, kind, operator_org;
  std::optional<LandfillFigures> landfill;
  std::optional<double> capacity_t_per_year;
  std::optional<double> ytd_pct_of_capacity;  // ytd tonnes / t_per_year * 100
  int64_t apportioned_g = 0;  // of received_g, apportioned from weighbridge net masses
};

// One party's transfers in the month (schema/004 recon_transfer_month): role "producer" (the
// sender, a producer or a collector shipping from its station), "carrier" or "facility" (the
// receiver facility). submitted, delivered, received (a receipt accepting some), refused (a
// receipt refusing all) count the month's state changes; overdue counts transfers whose
// receipt deadline passed unconfirmed, in the month of the first overdue day; refused_g is the
// mass refused on the month's receipts; apportioned_g the received mass apportioned from a
// weighbridge net mass.
struct TransferPartyLine {
  store::TransferRollup r;  // r.role, r.party (USCC, or facility id for "facility")
  std::string name;
};
struct TransferTotals {
  int64_t submitted = 0, delivered = 0, received = 0, refused = 0, overdue = 0;
  int64_t refused_g = 0, apportioned_g = 0;
};

struct ProgrammeLine {
  store::ProgrammeRollup r;
  std::string name, collector;
  int64_t members = 0;
  double capacity_t_per_year = 0;
  double prorated_capacity_t = 0;  // capacity * (days from 1 Jan to the month's end) / year
  double ytd_pct_of_capacity = 0;  // ytd tonnes / capacity * 100 (the full year's capacity)
};

struct ReportTotals {
  int64_t issued = 0, collected = 0, received = 0, disposed = 0, outstanding = 0;
  int64_t issued_declared_g = 0, collected_measured_g = 0, received_declared_g = 0,
          received_measured_g = 0, facility_received_g = 0, programme_collected_g = 0;
  int64_t cases_opened = 0;
  // Transfer figures summed per role over the rows shown: every transfer has one sender and one
  // carrier, so for a regulator the producer and carrier totals are the district's transfers.
  std::map<std::string, TransferTotals> transfers;  // role -> totals
};

struct MonthlyReport {
  std::string month;
  int tz_offset_minutes = 480;
  std::string as_of;  // YYYY-MM-DD: the month's last day, or today for the current month
  std::vector<ProducerLine> producers;
  std::vector<FacilityLine> facilities;
  std::vector<ProgrammeLine> programmes;
  std::vector<store::Case> cases_opened;
  std::vector<TransferPartyLine> transfers;  // by role (carrier, facility, producer), then party
  ReportTotals totals;
};

// INVALID_DATE for a malformed month.
Result<MonthlyReport> Reconcile(const Context& ctx, const Principal& p, const std::string& month);

struct CapacityPoint {
  std::string month;
  double tonnes = 0, volume_m3 = 0, cumulative_volume_m3 = 0;
};
struct CapacitySeries {
  std::string facility, name, kind;
  std::vector<CapacityPoint> months;        // every month with receipts, ascending
  std::optional<LandfillFigures> landfill;  // as of today
};
// NOT_FOUND for an unknown facility or one the caller may not see (not its operator).
Result<CapacitySeries> FacilityCapacity(const Context& ctx, const Principal& p,
                                        const std::string& facility);

}  // namespace cradle::service
