// Domain values: USCC, waste codes, digital ids, masses, the civil calendar.
#define BOOST_TEST_MODULE core_domain
#include <boost/test/unit_test.hpp>

#include "core/civil_time.h"
#include "core/digital_id.h"
#include "core/mass.h"
#include "core/uscc.h"
#include "core/waste_code.h"

namespace cradle {
namespace {

BOOST_AUTO_TEST_SUITE(uscc)

BOOST_AUTO_TEST_CASE(normalise) {
  BOOST_TEST(NormaliseUscc("  91110108551385082q\t") == "91110108551385082Q");
  // Full-width digits and letters, ideographic spaces around.
  BOOST_TEST(NormaliseUscc("\u3000９１１１０１０８５５１３８５０８２ｑ\u3000") ==
             "91110108551385082Q");
  BOOST_TEST(IsValidUscc(NormaliseUscc("９１３３１０００ＭＡ２Ｈ０Ａ１Ｂ３Ｅ")));
  BOOST_TEST(NormaliseUscc("") == "");
  BOOST_TEST(NormaliseUscc("浙J") == "浙J");
}

BOOST_AUTO_TEST_CASE(check_character_and_reasons) {
  BOOST_TEST(UsccCheckChar("91110108551385082") == 'Q');
  BOOST_TEST(UsccCheckChar("9111010855138508") == '\0');
  BOOST_TEST(UsccCheckChar("9111010855138508I") == '\0');
  BOOST_TEST(ValidateUscc("91110108551385082Q").ok());
  BOOST_TEST(ValidateUscc("91110108551385082R").message().find("should be Q") != std::string::npos);
  BOOST_TEST(ValidateUscc("9111010855138508").message().find("18 characters") != std::string::npos);
  BOOST_TEST(ValidateUscc("91110108551385082O").message().find("character 18") !=
             std::string::npos);
  BOOST_TEST(ValidateUscc("91A10108551385082Q").message().find("3-8") != std::string::npos);
  BOOST_TEST(!IsValidUscc("91110108551385082q"));  // not normalised
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(waste_code)

BOOST_AUTO_TEST_CASE(shapes_and_categories) {
  BOOST_TEST(*WasteCodeToCompact("772-002-18") == "77200218");
  BOOST_TEST(*WasteCodeToDashed("77200218") == "772-002-18");
  BOOST_TEST(!WasteCodeToCompact("77200218").ok());
  BOOST_TEST(!WasteCodeToDashed("772-002-18").ok());
  BOOST_TEST(!WasteCodeToCompact("772-00218-").ok());
  BOOST_TEST(WasteCodeCategory("772-002-18") == 18);
  BOOST_TEST(WasteCodeCategory("90024908") == 8);
  BOOST_TEST(WasteCodeCategory("x") == 0);
  BOOST_TEST(FormatCategory(8) == "HW08");
  BOOST_TEST(*ParseCategory("HW50") == 50);
  BOOST_TEST(!ParseCategory("HW41").ok());
  BOOST_TEST(!ParseCategory("HW51").ok());
  BOOST_TEST(!ParseCategory("HW00").ok());
  BOOST_TEST(!ParseCategory("hw18").ok());
  int valid = 0;
  for (int c = 0; c <= 99; ++c) valid += IsValidCategory(c) ? 1 : 0;
  BOOST_TEST(valid == 46);
  BOOST_TEST(ValidateWasteCode("900-041-49").ok());
  BOOST_TEST(ValidateWasteCode("90004149").ok());
  BOOST_TEST(ValidateWasteCode("772-002-43").code() == "INVALID_WASTE_CODE");
  BOOST_TEST(ValidateWasteCode("772-002-43").message().find("vacant") != std::string::npos);
  BOOST_TEST(!ValidateWasteCode("772-002-51").ok());
  BOOST_TEST(!ValidateWasteCode("772-002-00").ok());
  BOOST_TEST(!ValidateWasteCode("772 002 18").ok());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(digital_id)

BOOST_AUTO_TEST_CASE(build_and_split) {
  DigitalId id{"91331000MA2H0A1B3E", "77200218", CivilDate{2026, 11, 28}, 1};
  BOOST_TEST(BuildDigitalId(id) == "91331000MA2H0A1B3E7720021820261128001");
  BOOST_TEST(ValidateDigitalId(id).ok());
  auto split = SplitDigitalId("91331000MA2H0A1B3E7720021820261128001");
  BOOST_REQUIRE(split.ok());
  BOOST_TEST((*split == id));
  BOOST_TEST(FormatSerial(7) == "007");
  BOOST_TEST(FormatSerial(999) == "999");
  BOOST_TEST(FormatSerial(42) == "042");
}

BOOST_AUTO_TEST_CASE(precise_errors) {
  struct Case {
    std::string_view text, code, field;
  };
  const Case cases[] = {
      {"91331000MA2H0A1B3E772002182026112800", "MALFORMED", "37"},
      {"91331000MA2H0A1B3E77200218202611280011", "MALFORMED", "37"},
      {"91331000MA2H0A1B3E7720021X20261128001", "MALFORMED", "waste code"},
      {"91331000MA2H0A1B3E772002182026112X001", "MALFORMED", "date"},
      {"91331000MA2H0A1B3E77200218202611280X1", "MALFORMED", "serial"},
      {"91331000MA2H0A1B307720021820261128001", "INVALID_FIELD", "uscc"},
      {"91331000MA2H0A1B3E7720024320261128001", "INVALID_FIELD", "waste code"},
      {"91331000MA2H0A1B3E7720021820260230001", "INVALID_FIELD", "date"},
      {"91331000MA2H0A1B3E7720021820251329001", "INVALID_FIELD", "date"},
      {"91331000MA2H0A1B3E7720021820261128000", "INVALID_FIELD", "serial"},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.text) {
      auto r = SplitDigitalId(c.text);
      BOOST_TEST(!r.ok());
      BOOST_TEST(r.status().code() == c.code);
      BOOST_TEST(r.status().message().find(c.field) != std::string::npos);
    }
  }
  BOOST_TEST(SplitDigitalId("91130200699229617X3360641720240229042").ok());  // leap day
  BOOST_TEST(!SplitDigitalId("91130200699229617X3360641720230229042").ok());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(mass)

BOOST_AUTO_TEST_CASE(parse_table) {
  const std::pair<std::string_view, int64_t> ok[] = {
      {"1251.5", 1251500},    {"1251.5 kg", 1251500}, {"1251.5kg", 1251500},
      {"1251.5 KG", 1251500}, {"1.2515 t", 1251500},  {"1.2515T", 1251500},
      {"1251500 g", 1251500}, {"  0.001 ", 1},        {"50 t", 50000000},
      {"50000", 50000000},    {"0.5 g", 1},           {"1.4 g", 1},
      {"2.5 g", 3},           {"12.345", 12345},      {"3 吨", 3000000},
      {"1.5 公斤", 1500},     {"1.5千克", 1500},      {"1.000001 t", 1000001},
      {"007", 7000},          {"150", 150000},
  };
  for (auto [text, grams] : ok) {
    BOOST_TEST_CONTEXT(text) {
      auto r = ParseMass(text);
      BOOST_REQUIRE_MESSAGE(r.ok(), r.status().ToString());
      BOOST_TEST(*r == grams);
    }
  }
  const std::string_view bad[] = {
      "",          "kg",      "-5",  "+5",     "0",         "0.0004 kg",     "0.4 g",
      "abc",       "1,251.5", "1e3", "1.2345", "1.2345 kg", "1.0000001 t",   "50.001 t",
      "50000.001", "1 lb",    "1.",  ".5",     "1..2",      "999999999999 t"};
  for (std::string_view text : bad) {
    BOOST_TEST_CONTEXT(text) { BOOST_TEST(ParseMass(text).status().code() == "INVALID_MASS"); }
  }
}

BOOST_AUTO_TEST_CASE(format) {
  BOOST_TEST(FormatKg(1250500) == "1250.5 kg");
  BOOST_TEST(FormatKg(1250000) == "1250 kg");
  BOOST_TEST(FormatKg(1) == "0.001 kg");
  BOOST_TEST(FormatKg(0) == "0 kg");
  BOOST_TEST(FormatKg(-1500) == "-1.5 kg");
  BOOST_TEST(FormatTonnes(1250500) == "1.251 t");
  BOOST_TEST(FormatTonnes(1250500, 6) == "1.2505 t");
  BOOST_TEST(FormatTonnes(324100000, 1) == "324.1 t");
  BOOST_TEST(FormatTonnes(50000000, 0) == "50 t");
  BOOST_TEST(FormatTonnes(400) == "0 t");
  BOOST_TEST(FormatTonnes(-1250500) == "-1.251 t");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(civil_time)

BOOST_AUTO_TEST_CASE(calendar_and_leap_years) {
  BOOST_TEST(IsLeapYear(2024));
  BOOST_TEST(!IsLeapYear(2026));
  BOOST_TEST(!IsLeapYear(1900));
  BOOST_TEST(IsLeapYear(2000));
  BOOST_TEST(IsValidDate(2024, 2, 29));
  BOOST_TEST(!IsValidDate(2026, 2, 29));
  BOOST_TEST(!IsValidDate(2100, 2, 29));
  BOOST_TEST(IsValidDate(2000, 2, 29));
  BOOST_TEST(!IsValidDate(2026, 4, 31));
  BOOST_TEST(!IsValidDate(2026, 13, 1));
  BOOST_TEST(!IsValidDate(2026, 0, 1));
  BOOST_TEST(!IsValidDate(2026, 1, 0));
  BOOST_TEST(DaysFromCivil({1970, 1, 1}) == 0);
  BOOST_TEST(DaysFromCivil({2000, 3, 1}) == 11017);
  BOOST_TEST(DaysFromCivil({1969, 12, 31}) == -1);
  BOOST_TEST((CivilFromDays(-1) == CivilDate{1969, 12, 31}));
  for (int64_t d = -800000; d < 800000; d += 97) {
    CivilDate c = CivilFromDays(d);
    BOOST_REQUIRE(IsValidDate(c) || c.year < 1);
    BOOST_REQUIRE(DaysFromCivil(c) == d);
  }
  BOOST_TEST(IsoWeekday({2026, 11, 28}) == 6);  // a Saturday
  BOOST_TEST(IsoWeekday({1970, 1, 1}) == 4);
  BOOST_TEST(IsoWeekday({1969, 12, 29}) == 1);
}

BOOST_AUTO_TEST_CASE(date_text) {
  BOOST_TEST((*ParseIsoDate("2024-02-29") == CivilDate{2024, 2, 29}));
  BOOST_TEST(ParseIsoDate("2023-02-29").status().code() == "INVALID_DATE");
  BOOST_TEST(!ParseIsoDate("2024-2-29").ok());
  BOOST_TEST(!ParseIsoDate("2024/02/29").ok());
  BOOST_TEST((*ParseCompactDate("20261128") == CivilDate{2026, 11, 28}));
  BOOST_TEST(!ParseCompactDate("20261131").ok());
  BOOST_TEST(FormatIsoDate({2026, 1, 5}) == "2026-01-05");
  BOOST_TEST(FormatCompactDate({2026, 1, 5}) == "20260105");
}

BOOST_AUTO_TEST_CASE(rfc3339_table) {
  struct Case {
    std::string_view text;
    int64_t micros;
  };
  // 2026-11-28T01:41:07Z = 1795830067 s.
  const Case cases[] = {
      {"2026-11-28T09:41:07+08:00", 1795830067LL * 1000000},
      {"2026-11-28T01:41:07Z", 1795830067LL * 1000000},
      {"2026-11-28t01:41:07z", 1795830067LL * 1000000},
      {"2026-11-27T20:41:07-05:00", 1795830067LL * 1000000},
      {"2026-11-28T09:41:07.5+08:00", 1795830067LL * 1000000 + 500000},
      {"2026-11-28T09:41:07.1234567+08:00", 1795830067LL * 1000000 + 123456},
      {"1970-01-01T00:00:00Z", 0},
      {"1970-01-01T08:00:00+08:00", 0},
      {"1969-12-31T23:59:59.999999Z", -1},
      {"2024-02-29T12:00:00+00:00", 1709208000LL * 1000000},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.text) {
      auto r = ParseRfc3339(c.text);
      BOOST_REQUIRE_MESSAGE(r.ok(), r.status().ToString());
      BOOST_TEST(*r == c.micros);
    }
  }
  for (std::string_view bad :
       {"2026-11-28T09:41:07", "2026-11-28 09:41", "2026-02-30T00:00:00Z", "2026-11-28T24:00:00Z",
        "2026-11-28T09:60:00Z", "2026-11-28T09:41:60Z", "2026-11-28T09:41:07+0800",
        "2026-11-28T09:41:07.+08:00", "2026-11-28T09:41:07+08:00x", "garbage"}) {
    BOOST_TEST_CONTEXT(bad) { BOOST_TEST(ParseRfc3339(bad).status().code() == "INVALID_TIME"); }
  }
  BOOST_TEST(FormatRfc3339(1795830067LL * 1000000) == "2026-11-28T09:41:07+08:00");
  BOOST_TEST(FormatRfc3339(1795830067LL * 1000000, 0) == "2026-11-28T01:41:07+00:00");
  BOOST_TEST(FormatRfc3339(1795830067LL * 1000000 + 250, -330) ==
             "2026-11-27T20:11:07.000250-05:30");
  BOOST_TEST(FormatRfc3339(-1, 0) == "1969-12-31T23:59:59.999999+00:00");
  for (int64_t m : {int64_t{0}, int64_t{-1}, int64_t{1795830067123456}}) {
    BOOST_TEST(*ParseRfc3339(FormatRfc3339(m)) == m);
  }
}

// The shapes the audit chain (micros, "Z") and the access log (millis, "Z") have always written.
BOOST_AUTO_TEST_CASE(rfc3339_in_utc_with_a_fixed_fraction) {
  const int64_t t = 1795830067LL * 1000000 + 123456;
  BOOST_TEST(FormatRfc3339Utc(t, SecondFraction::kMicros) == "2026-11-28T01:41:07.123456Z");
  BOOST_TEST(FormatRfc3339Utc(t, SecondFraction::kMillis) == "2026-11-28T01:41:07.123Z");
  BOOST_TEST(FormatRfc3339Utc(t - 123456, SecondFraction::kMicros) ==
             "2026-11-28T01:41:07.000000Z");
  BOOST_TEST(FormatRfc3339Utc(t - 123456, SecondFraction::kWhenNotWhole) == "2026-11-28T01:41:07Z");
  BOOST_TEST(FormatRfc3339Utc(-1, SecondFraction::kMillis) == "1969-12-31T23:59:59.999Z");
  BOOST_TEST(FormatRfc3339(t, 480, SecondFraction::kMillis) == "2026-11-28T09:41:07.123+08:00");
  BOOST_TEST(*ParseRfc3339(FormatRfc3339Utc(t, SecondFraction::kMicros)) == t);
}

BOOST_AUTO_TEST_CASE(local_days_and_months) {
  // 2026-11-30T16:30Z is 2026-12-01 00:30 in Shanghai: a new day and a new month.
  int64_t t = *ParseRfc3339("2026-11-30T16:30:00Z");
  BOOST_TEST(LocalDate(t) == "2026-12-01");
  BOOST_TEST(LocalDate(t, 0) == "2026-11-30");
  BOOST_TEST(MonthKey(t) == "2026-12");
  BOOST_TEST(MonthKey(t, 0) == "2026-11");
  BOOST_TEST(StartOfLocalDay({2026, 12, 1}) == *ParseRfc3339("2026-12-01T00:00:00+08:00"));
  BOOST_TEST((*ParseMonthKey("2026-12") == YearMonth{2026, 12}));
  BOOST_TEST(!ParseMonthKey("2026-13").ok());
  BOOST_TEST(!ParseMonthKey("2026-1").ok());
  BOOST_TEST((NextMonth({2026, 12}) == YearMonth{2027, 1}));
  BOOST_TEST(StartOfLocalMonth({2027, 1}) == *ParseRfc3339("2027-01-01T00:00:00+08:00"));
  BOOST_TEST(FormatMonthKey({2026, 3}) == "2026-03");
  BOOST_TEST(*ParseUtcOffset("+08:00") == 480);
  BOOST_TEST(*ParseUtcOffset("-05:30") == -330);
  BOOST_TEST(FormatUtcOffset(-330) == "-05:30");
}

BOOST_AUTO_TEST_CASE(working_days) {
  // 2026-11-27 is a Friday.
  BOOST_TEST((AddWorkingDays({2026, 11, 27}, 1) == CivilDate{2026, 11, 30}));
  BOOST_TEST((AddWorkingDays({2026, 11, 28}, 1) == CivilDate{2026, 11, 30}));   // Saturday
  BOOST_TEST((AddWorkingDays({2026, 11, 29}, 1) == CivilDate{2026, 11, 30}));   // Sunday
  BOOST_TEST((AddWorkingDays({2026, 11, 23}, 5) == CivilDate{2026, 11, 30}));   // Mon + 5
  BOOST_TEST((AddWorkingDays({2026, 11, 25}, 5) == CivilDate{2026, 12, 2}));    // Wed + 5
  BOOST_TEST((AddWorkingDays({2026, 11, 28}, 5) == CivilDate{2026, 12, 4}));    // Sat + 5
  BOOST_TEST((AddWorkingDays({2026, 11, 29}, 10) == CivilDate{2026, 12, 11}));  // Sun + 10
  BOOST_TEST((AddWorkingDays({2026, 11, 28}, 0) == CivilDate{2026, 11, 28}));
  BOOST_TEST((AddWorkingDays({2024, 2, 28}, 1) == CivilDate{2024, 2, 29}));
  // Against a day-by-day count from every weekday, for many lengths.
  for (int start = 0; start < 14; ++start) {
    CivilDate from = AddDays({2026, 11, 23}, start);
    for (int n = 0; n < 40; ++n) {
      CivilDate d = from;
      for (int left = n; left > 0;) {
        d = AddDays(d, 1);
        if (IsWorkingDay(d)) --left;
      }
      BOOST_REQUIRE((AddWorkingDays(from, n) == d));
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace cradle
