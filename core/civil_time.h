// The deployment's calendar: civil dates, a fixed UTC offset, RFC 3339 timestamps, working days.
//
// Calendar months and days in cradle are those of the deployment's zone. The default zone is
// Asia/Shanghai, which has had no DST since 1991, so a fixed offset (+08:00) is exact and no tz
// database is needed (GCC 12 has no std::chrono tzdb). Offsets are minutes east of UTC.
// Day arithmetic uses the proleptic Gregorian calendar (H. Hinnant's days_from_civil).
//
// Thread safety: pure functions on values; safe from any thread.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace cradle {

// Minutes east of UTC of Asia/Shanghai (+08:00).
inline constexpr int kDefaultUtcOffsetMinutes = 8 * 60;
inline constexpr int64_t kMicrosPerSecond = 1'000'000;
inline constexpr int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;

// A calendar date. Not validated by construction: use IsValidDate.
struct CivilDate {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  auto operator<=>(const CivilDate&) const = default;
};

bool IsLeapYear(int year);
int DaysInMonth(int year, int month);            // 0 for a month outside 1..12
bool IsValidDate(int year, int month, int day);  // years 1..9999 only
bool IsValidDate(const CivilDate& date);

// Days since 1970-01-01 (negative before) and back.
int64_t DaysFromCivil(const CivilDate& date);
CivilDate CivilFromDays(int64_t days);

// ISO weekday: 1 = Monday .. 7 = Sunday.
int IsoWeekday(const CivilDate& date);
bool IsWorkingDay(const CivilDate& date);  // Monday to Friday (no holiday calendar)
CivilDate AddDays(const CivilDate& date, int64_t days);
// The date `working_days` (>= 0) Monday-to-Friday days after `date`, counting from the next day:
// Friday + 1 = Monday, Saturday + 1 = Monday, any date + 0 = itself.
CivilDate AddWorkingDays(const CivilDate& date, int working_days);

// "YYYY-MM-DD" and "YYYYMMDD" (code INVALID_DATE for a bad shape or no such day).
Result<CivilDate> ParseIsoDate(std::string_view text);
Result<CivilDate> ParseCompactDate(std::string_view text);
std::string FormatIsoDate(const CivilDate& date);      // "2026-11-28"
std::string FormatCompactDate(const CivilDate& date);  // "20261128"

// "+08:00", "-05:30" or "Z" -> minutes east of UTC (code INVALID_TIME).
Result<int> ParseUtcOffset(std::string_view text);
std::string FormatUtcOffset(int offset_minutes);  // "+08:00"; 0 gives "+00:00"

// RFC 3339 date-time with a mandatory offset ("Z" or +hh:mm), optional fraction (to micros;
// extra digits are truncated), 'T' or 't' or ' ' as separator -> microseconds since the epoch
// (UTC). Code INVALID_TIME. Leap second 60 is rejected.
Result<int64_t> ParseRfc3339(std::string_view text);
// The digits of a second's fraction that FormatRfc3339 writes: ".ffffff" only when the time is
// not a whole second, or always three (".fff", truncated) or six.
enum class SecondFraction { kWhenNotWhole, kMillis, kMicros };
// Micros UTC -> local time at `offset_minutes`: "2026-11-28T09:41:07+08:00". The one RFC 3339
// formatter: API fields, labels, the scanner, the audit chain and the access log all use it.
std::string FormatRfc3339(int64_t micros_utc, int offset_minutes = kDefaultUtcOffsetMinutes,
                          SecondFraction fraction = SecondFraction::kWhenNotWhole);
// The same in UTC, written with "Z" (the access log, the audit chain's `at`):
// "2026-11-28T01:41:07.000123Z" with kMicros.
std::string FormatRfc3339Utc(int64_t micros_utc, SecondFraction fraction);

// The local calendar day of an instant.
CivilDate LocalCivilDate(int64_t micros_utc, int offset_minutes = kDefaultUtcOffsetMinutes);
std::string LocalDate(int64_t micros_utc,
                      int offset_minutes = kDefaultUtcOffsetMinutes);  // "YYYY-MM-DD"
// First instant (micros UTC) of a local day.
int64_t StartOfLocalDay(const CivilDate& date, int offset_minutes = kDefaultUtcOffsetMinutes);

// Month keys "YYYY-MM" as used by /reconciliation/{YYYY-MM}.
struct YearMonth {
  int year = 1970;
  int month = 1;
  auto operator<=>(const YearMonth&) const = default;
};
std::string MonthKey(int64_t micros_utc, int offset_minutes = kDefaultUtcOffsetMinutes);
std::string FormatMonthKey(const YearMonth& month);
Result<YearMonth> ParseMonthKey(std::string_view text);  // code INVALID_DATE
YearMonth NextMonth(const YearMonth& month);
// [start, end) of a local calendar month in micros UTC.
int64_t StartOfLocalMonth(const YearMonth& month, int offset_minutes = kDefaultUtcOffsetMinutes);

}  // namespace cradle
