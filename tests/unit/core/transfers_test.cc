// The transfer number rule, the transfer state machine and the working-day calendar (with the
// shipped calendar/ files, read from CRADLE_SOURCE_DIR).
#define BOOST_TEST_MODULE core_transfers
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <sstream>

#include "core/civil_time.h"
#include "core/transfer_number.h"
#include "core/transfer_state.h"
#include "core/working_calendar.h"

namespace cradle {
namespace {

CivilDate D(const char* iso) { return *ParseIsoDate(iso); }

std::string Shipped(int year) {
  std::ifstream in(std::string(CRADLE_SOURCE_DIR) + "/calendar/" + std::to_string(year) + ".json");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

WorkingCalendar ShippedCalendar() {
  WorkingCalendar cal;
  BOOST_REQUIRE(cal.AddYear(Shipped(2025)).ok());
  BOOST_REQUIRE(cal.AddYear(Shipped(2026)).ok());
  return cal;
}

BOOST_AUTO_TEST_SUITE(number)

BOOST_AUTO_TEST_CASE(year_province_city_serial) {
  // 91331082MA7Q8LXK0C: division code 331082 (Taizhou, Yuhuan): province-city 3310.
  auto prefix = TransferNumberPrefix(2026, "91331082MA7Q8LXK0C");
  BOOST_REQUIRE(prefix.ok());
  BOOST_TEST(*prefix == "20263310");
  BOOST_TEST(*FormatTransferNumber(*prefix, 42) == "20263310000042");
  BOOST_TEST(*FormatTransferNumber(*prefix, 999999) == "20263310999999");
  BOOST_TEST(IsTransferNumber("20263310000042"));
}

BOOST_AUTO_TEST_CASE(refuses_what_breaks_the_rule) {
  BOOST_TEST(!TransferNumberPrefix(1999, "91331082MA7Q8LXK0C").ok());
  BOOST_TEST(!TransferNumberPrefix(2026, "91AB1082MA7Q8LXK0C").ok());
  BOOST_TEST(!TransferNumberPrefix(2026, "913").ok());
  BOOST_TEST(!FormatTransferNumber("20263310", 0).ok());
  BOOST_TEST(!FormatTransferNumber("20263310", 1000000).ok());
  BOOST_TEST(!FormatTransferNumber("2026331", 1).ok());
  BOOST_TEST(!IsTransferNumber("2026331000004"));   // 13 digits
  BOOST_TEST(!IsTransferNumber("20263310000000"));  // serial 0
  BOOST_TEST(!IsTransferNumber("2026331000004x"));
  BOOST_TEST(!IsTransferNumber("19993310000001"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(states)

BOOST_AUTO_TEST_CASE(the_spec_s_transitions) {
  using S = TransferStatus;
  using A = TransferAction;
  BOOST_TEST((*NextTransferStatus(S::kDraft, A::kSubmit) == S::kSubmitted));
  BOOST_TEST((*NextTransferStatus(S::kSubmitted, A::kPickup) == S::kInTransit));
  BOOST_TEST((*NextTransferStatus(S::kInTransit, A::kPickup) == S::kInTransit));
  BOOST_TEST((*NextTransferStatus(S::kInTransit, A::kDeliver) == S::kDelivered));
  BOOST_TEST((*NextTransferStatus(S::kDelivered, A::kReceipt) == S::kReceived));
  BOOST_TEST((*NextTransferStatus(S::kDelivered, A::kReceiptRefusingAll) == S::kRefused));
  BOOST_TEST((*NextTransferStatus(S::kDraft, A::kCancel) == S::kCancelled));
  BOOST_TEST((*NextTransferStatus(S::kSubmitted, A::kCancel) == S::kCancelled));
}

BOOST_AUTO_TEST_CASE(everything_else_is_invalid_state) {
  using S = TransferStatus;
  using A = TransferAction;
  const std::pair<S, A> bad[] = {
      {S::kSubmitted, A::kSubmit},  {S::kDraft, A::kPickup},      {S::kDraft, A::kDeliver},
      {S::kSubmitted, A::kDeliver}, {S::kInTransit, A::kReceipt}, {S::kReceived, A::kReceipt},
      {S::kInTransit, A::kCancel},  {S::kDelivered, A::kCancel},  {S::kCancelled, A::kSubmit},
      {S::kRefused, A::kPickup},    {S::kReceived, A::kDeliver},  {S::kCancelled, A::kCancel},
  };
  for (const auto& [from, action] : bad) {
    auto r = NextTransferStatus(from, action);
    BOOST_TEST_CONTEXT(TransferStatusName(from) << " " << TransferActionName(action)) {
      BOOST_TEST(!r.ok());
      BOOST_TEST(r.status().code() == "INVALID_STATE");
    }
  }
}

BOOST_AUTO_TEST_CASE(names_round_trip_and_open_states) {
  for (auto s : {TransferStatus::kDraft, TransferStatus::kSubmitted, TransferStatus::kInTransit,
                 TransferStatus::kDelivered, TransferStatus::kReceived, TransferStatus::kRefused,
                 TransferStatus::kCancelled}) {
    BOOST_TEST((ParseTransferStatus(TransferStatusName(s)) == s));
  }
  BOOST_TEST(!ParseTransferStatus("in transit"));
  BOOST_TEST(!IsOpenTransfer(TransferStatus::kDraft));
  BOOST_TEST(IsOpenTransfer(TransferStatus::kSubmitted));
  BOOST_TEST(IsOpenTransfer(TransferStatus::kDelivered));
  BOOST_TEST(!IsOpenTransfer(TransferStatus::kReceived));
  BOOST_TEST(!AcceptsRevisions(TransferStatus::kDraft));
  BOOST_TEST(AcceptsRevisions(TransferStatus::kReceived));
  BOOST_TEST((ParseContainerStatus("not_loaded") == ContainerStatus::kNotLoaded));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(calendar)

BOOST_AUTO_TEST_CASE(weekends_only_without_files) {
  WorkingCalendar cal;
  BOOST_TEST(!cal.IsWorkingDay(D("2026-10-03")));  // Saturday
  BOOST_TEST(cal.IsWorkingDay(D("2026-10-01")));   // Thursday, no holiday known
  BOOST_TEST((cal.AddWorkingDays(D("2026-11-27"), 1) == D("2026-11-30")));  // Fri -> Mon
  BOOST_TEST((cal.AddWorkingDays(D("2026-11-27"), 0) == D("2026-11-27")));
}

BOOST_AUTO_TEST_CASE(receipt_due_crosses_national_day_2026) {
  const WorkingCalendar cal = ShippedCalendar();
  BOOST_TEST(cal.Covers(2026));
  BOOST_TEST(!cal.Confirmed(2026));  // marked unconfirmed in the file
  // Delivered Wednesday 30 September: 1-7 October off; Thu 8, Fri 9, Sat 10 (make-up day),
  // Mon 12, Tue 13.
  BOOST_TEST(!cal.IsWorkingDay(D("2026-10-05")));
  BOOST_TEST(cal.IsWorkingDay(D("2026-10-10")));
  BOOST_TEST(cal.IsWorkingDay(D("2026-09-20")));  // Sunday make-up day
  BOOST_TEST((cal.AddWorkingDays(D("2026-09-30"), 5) == D("2026-10-13")));
  // Weekends only would have said 7 October.
  BOOST_TEST((WorkingCalendar().AddWorkingDays(D("2026-09-30"), 5) == D("2026-10-07")));
}

BOOST_AUTO_TEST_CASE(national_day_2025_and_spring_festival) {
  const WorkingCalendar cal = ShippedCalendar();
  // 2025: 1-8 October off, Saturday 11 October worked.
  BOOST_TEST((cal.AddWorkingDays(D("2025-09-30"), 5) == D("2025-10-14")));
  // Delivered Friday 24 January 2025: Sun 26 worked, Mon 27, then 28 Jan - 4 Feb off, Wed 5,
  // Thu 6, Fri 7.
  BOOST_TEST((cal.AddWorkingDays(D("2025-01-24"), 5) == D("2025-02-07")));
  // Across the year end: Wed 31 Dec 2025 + 1 = Sunday 4 January 2026 (make-up day).
  BOOST_TEST((cal.AddWorkingDays(D("2025-12-31"), 1) == D("2026-01-04")));
}

BOOST_AUTO_TEST_CASE(malformed_files_are_refused_whole) {
  WorkingCalendar cal;
  for (const char* bad : {
           "",
           "[]",
           R"({"year": 1999})",
           R"({"year": "2026"})",
           R"({"year": 2026, "holidays": [{"from": "2027-01-01", "to": "2027-01-02"}]})",
           R"({"year": 2026, "holidays": [{"from": "2026-01-03", "to": "2026-01-01"}]})",
           R"({"year": 2026, "holidays": [{"from": "2026-02-30", "to": "2026-03-01"}]})",
           R"({"year": 2026, "holidays": [{"from": "2026-01-01", "to": "2026-01-01"}],
               "workdays": [{"date": "2026-01-01"}]})",
           R"({"year": 2026, "workdays": "2026-01-04"})",
       }) {
    BOOST_TEST_CONTEXT(bad) {
      Status s = cal.AddYear(bad);
      BOOST_TEST(s.code() == "INVALID_CALENDAR");
    }
  }
  BOOST_TEST(cal.Years().empty());
  BOOST_TEST(cal.AddYear(R"({"year": 2026})").ok());
  BOOST_TEST(cal.AddYear(R"({"year": 2026})").code() == "INVALID_CALENDAR");  // twice
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace cradle
