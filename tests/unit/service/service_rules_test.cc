// The rule functions (service/rules.h) with explicit dates and numbers: deadlines at their
// boundaries, weekends, capacity thresholds, landfill volume, fill projection, case transitions
// and who answers for a finding.
#define BOOST_TEST_MODULE service_rules
#include <boost/test/unit_test.hpp>

#include "server/service/rules.h"

namespace cradle::service {
namespace {

BOOST_AUTO_TEST_CASE(uncollected_after_more_than_n_days) {
  const CivilDate issued{2026, 3, 1};
  BOOST_TEST(!IsUncollected(issued, {2026, 3, 31}, 30));  // exactly 30 days: not yet
  BOOST_TEST(IsUncollected(issued, {2026, 4, 1}, 30));
  BOOST_TEST(!IsUncollected(issued, issued, 30));
  BOOST_TEST(IsUncollected({2026, 12, 31}, {2027, 1, 2}, 1));  // across a year end
}

BOOST_AUTO_TEST_CASE(unreceived_counts_working_days_only) {
  // Friday 2026-03-06 + 5 working days = Friday 2026-03-13; flagged from Saturday the 14th.
  const CivilDate friday{2026, 3, 6};
  BOOST_TEST(!IsUnreceived(friday, {2026, 3, 13}, 5));
  BOOST_TEST(IsUnreceived(friday, {2026, 3, 14}, 5));
  // Picked up on a Saturday: the first working day counted is Monday.
  BOOST_TEST(!IsUnreceived({2026, 3, 7}, {2026, 3, 13}, 5));
  BOOST_TEST(IsUnreceived({2026, 3, 7}, {2026, 3, 16}, 5));
}

BOOST_AUTO_TEST_CASE(capacity_thresholds_are_80_and_95) {
  BOOST_TEST(CapacityThresholdsReached(0.79).empty());
  BOOST_TEST(CapacityThresholdsReached(0.8) == std::vector<int>({80}));
  BOOST_TEST(CapacityThresholdsReached(0.949) == std::vector<int>({80}));
  BOOST_TEST(CapacityThresholdsReached(0.95) == std::vector<int>({80, 95}));
  BOOST_TEST(CapacityThresholdsReached(1.7) == std::vector<int>({80, 95}));
}

BOOST_AUTO_TEST_CASE(landfill_volume_counts_cover_as_a_share_of_airspace) {
  namespace tt = boost::test_tools;
  BOOST_TEST(LandfillVolumeUsedM3(130, 1.3, 0) == 100.0, tt::tolerance(1e-12));
  BOOST_TEST(LandfillVolumeUsedM3(85, 1.0, 0.15) == 100.0, tt::tolerance(1e-12));
  // The district's phase 2: 238,000 m³ at 1.3 t/m³ and 15 % cover holds 262,990 t.
  BOOST_TEST(LandfillVolumeUsedM3(262990, 1.3, 0.15) == 238000.0, tt::tolerance(1e-9));
  BOOST_TEST(LandfillVolumeUsedM3(10, 0, 0.1) == 0.0);  // nonsense density: no volume
}

BOOST_AUTO_TEST_CASE(fill_date_projection) {
  BOOST_TEST(FormatIsoDate(*ProjectFillDate({2026, 3, 31}, 887.5, 1.25)) ==
             FormatIsoDate(CivilDate{2028, 3, 10}));
  BOOST_TEST(FormatIsoDate(*ProjectFillDate({2026, 1, 1}, 10, 3)) ==
             FormatIsoDate(CivilDate{2026, 1, 5}));  // ceil(3.33)
  BOOST_TEST(FormatIsoDate(*ProjectFillDate({2026, 1, 1}, 0, 3)) ==
             FormatIsoDate(CivilDate{2026, 1, 1}));               // full now
  BOOST_TEST(!ProjectFillDate({2026, 1, 1}, 10, 0).has_value());  // no rate
}

BOOST_AUTO_TEST_CASE(case_transitions_legal_and_illegal) {
  BOOST_TEST(*NextCaseStatus("open", "dispatch") == "dispatched");
  BOOST_TEST(*NextCaseStatus("dispatched", "respond") == "responded");
  BOOST_TEST(*NextCaseStatus("responded", "close") == "closed");
  BOOST_TEST(*NextCaseStatus("responded", "reopen") == "dispatched");
  BOOST_TEST(*NextCaseStatus("closed", "reopen") == "dispatched");
  for (auto [from, action] :
       std::vector<std::pair<const char*, const char*>>{{"open", "respond"},
                                                        {"open", "close"},
                                                        {"open", "reopen"},
                                                        {"dispatched", "dispatch"},
                                                        {"dispatched", "close"},
                                                        {"dispatched", "reopen"},
                                                        {"responded", "respond"},
                                                        {"closed", "close"},
                                                        {"closed", "respond"},
                                                        {"closed", "dispatch"}}) {
    auto r = NextCaseStatus(from, action);
    BOOST_TEST(!r.ok(), from << " " << action);
    BOOST_TEST(r.status().code() == "INVALID_STATE");
  }
  BOOST_TEST(NextCaseStatus("open", "delete").status().code() == "INVALID_FIELD");
}

BOOST_AUTO_TEST_CASE(who_answers_for_a_finding) {
  BOOST_TEST(FindingParty("weight_mismatch", "pickup", "P", "C", "C") == "P");
  BOOST_TEST(FindingParty("weight_mismatch", "receive", "P", "F", "C") == "C");
  BOOST_TEST(FindingParty("copied_label", "pickup", "P", "C2", "C2") == "C2");
  BOOST_TEST(FindingParty("forged_label", "pickup", "P", "C", "C") == "C");
}

}  // namespace
}  // namespace cradle::service
