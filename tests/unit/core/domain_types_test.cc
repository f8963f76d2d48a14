// core/domain_types.h: every table round-trips, names are unique, unknown text is refused, and
// the texts are exactly those the schema's CHECK constraints allow.
#define BOOST_TEST_MODULE core_domain_types_test
#include <boost/test/unit_test.hpp>

#include <set>
#include <string>
#include <vector>

#include "core/domain_types.h"
#include "core/wm1.h"

namespace cradle {
namespace {

template <class E>
std::vector<std::string> RoundTrip() {
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (E v : Values<E>()) {
    const std::string name(Name(v));
    BOOST_TEST(!name.empty());
    BOOST_TEST(name != "unknown");
    BOOST_TEST(seen.insert(name).second, "duplicate name " << name);
    BOOST_TEST((Parse<E>(name) == v), name);
    BOOST_TEST(Is(name, v));
    names.push_back(name);
  }
  BOOST_TEST(!Parse<E>("").has_value());
  BOOST_TEST(!Parse<E>("no-such-value").has_value());
  return names;
}

using Names = std::vector<std::string>;

BOOST_AUTO_TEST_CASE(every_table_round_trips_and_matches_the_schema) {
  BOOST_TEST(RoundTrip<ManifestStatus>() ==
             (Names{"issued", "collected", "received", "disposed", "voided", "rejected"}));
  BOOST_TEST(RoundTrip<EventKind>() ==
             (Names{"issue", "void", "pickup", "receive", "dispose", "reject"}));
  BOOST_TEST(RoundTrip<ScanKind>() == (Names{"pickup", "receive", "dispose", "reject"}));
  BOOST_TEST(RoundTrip<FindingKind>() == (Names{"forged_label", "copied_label", "weight_mismatch",
                                                "clock_skew", "custody_refused"}));
  BOOST_TEST(RoundTrip<CaseKind>() ==
             (Names{"weight_mismatch", "uncollected", "unreceived", "forged_label", "copied_label",
                    "capacity", "receipt_overdue", "transfer_discrepancy", "transfer_unsigned",
                    "refused_not_returned", "custody_refused"}));
  BOOST_TEST(RoundTrip<CaseStatus>() == (Names{"open", "dispatched", "responded", "closed"}));
  BOOST_TEST(RoundTrip<CaseAction>() == (Names{"dispatch", "respond", "close", "reopen"}));
  BOOST_TEST(RoundTrip<Role>() ==
             (Names{"admin", "regulator", "producer", "collector", "facility"}));
  BOOST_TEST(RoundTrip<FacilityKind>() ==
             (Names{"landfill", "incinerator", "utilisation", "transfer_station"}));
  BOOST_TEST(RoundTrip<PackagingCode>() == (Names{"DR", "BG", "TB", "BX", "IB", "TK", "BK", "OT"}));
}

BOOST_AUTO_TEST_CASE(parsing_is_exact) {
  BOOST_TEST(!Parse<ManifestStatus>("Issued").has_value());
  BOOST_TEST(!Parse<Role>(" admin").has_value());
  BOOST_TEST(!Parse<PackagingCode>("dr").has_value());
  // A value cast from outside the enum has no name.
  BOOST_TEST(Name(static_cast<CaseStatus>(99)) == "unknown");
}

BOOST_AUTO_TEST_CASE(packaging_codes_are_the_tokens_packaging_table) {
  for (PackagingCode c : Values<PackagingCode>()) {
    BOOST_TEST(FindPackaging(Name(c)) != nullptr, Name(c));
  }
  // Every token packaging code has an enum value.
  for (const char* code : {"DR", "BG", "TB", "BX", "IB", "TK", "BK", "OT"}) {
    BOOST_TEST(Parse<PackagingCode>(code).has_value());
  }
  BOOST_TEST(FindPackaging("XX") == nullptr);
}

// Compile-time: the tables are constexpr, so a misspelt value is a compile error.
static_assert(Name(ManifestStatus::kVoided) == "voided");
static_assert(Parse<CaseStatus>("closed") == CaseStatus::kClosed);

}  // namespace
}  // namespace cradle
