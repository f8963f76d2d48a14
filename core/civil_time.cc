#include "core/civil_time.h"

#include <cstdio>

namespace cradle {
namespace {

constexpr int64_t kMicrosPerMinute = 60 * kMicrosPerSecond;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Parses exactly `n` digits at `pos`; -1 when any is not a digit.
int Digits(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) return -1;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!IsDigit(s[i])) return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

Status InvalidDate(std::string message) { return Status("INVALID_DATE", std::move(message)); }
Status InvalidTime(std::string message) { return Status("INVALID_TIME", std::move(message)); }

std::string Format(const char* fmt, int a, int b, int c) {
  char buf[32];
  std::snprintf(buf, sizeof buf, fmt, a, b, c);
  return buf;
}

}  // namespace

bool IsLeapYear(int year) { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

bool IsValidDate(int year, int month, int day) {
  return year >= 1 && year <= 9999 && day >= 1 && day <= DaysInMonth(year, month);
}

bool IsValidDate(const CivilDate& date) { return IsValidDate(date.year, date.month, date.day); }

// H. Hinnant, "chrono-Compatible Low-Level Date Algorithms".
int64_t DaysFromCivil(const CivilDate& date) {
  int64_t y = date.year - (date.month <= 2 ? 1 : 0);
  int64_t era = FloorDiv(y, 400);
  int64_t yoe = y - era * 400;
  int64_t mp = (date.month + 9) % 12;
  int64_t doy = (153 * mp + 2) / 5 + date.day - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate CivilFromDays(int64_t days) {
  int64_t z = days + 719468;
  int64_t era = FloorDiv(z, 146097);
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  int year = static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
  return CivilDate{year, month, day};
}

int IsoWeekday(const CivilDate& date) {
  // 1970-01-01 was a Thursday (4).
  int64_t w = (DaysFromCivil(date) % 7 + 7 + 3) % 7;  // 0 = Monday
  return static_cast<int>(w) + 1;
}

bool IsWorkingDay(const CivilDate& date) { return IsoWeekday(date) <= 5; }

CivilDate AddDays(const CivilDate& date, int64_t days) {
  return CivilFromDays(DaysFromCivil(date) + days);
}

CivilDate AddWorkingDays(const CivilDate& date, int working_days) {
  int64_t day = DaysFromCivil(date);
  // Whole weeks first so large counts stay O(1).
  day += static_cast<int64_t>(working_days / 5) * 7;
  int left = working_days % 5;
  CivilDate current = CivilFromDays(day);
  while (left > 0) {
    current = CivilFromDays(++day);
    if (IsWorkingDay(current)) --left;
  }
  // Whole weeks from a weekend land on a weekend: the last of those working days was the
  // Friday before.
  while (working_days > 0 && !IsWorkingDay(current)) current = CivilFromDays(--day);
  return current;
}

Result<CivilDate> ParseIsoDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    return InvalidDate("a date is written YYYY-MM-DD");
  }
  CivilDate d{Digits(text, 0, 4), Digits(text, 5, 2), Digits(text, 8, 2)};
  if (d.year < 0 || d.month < 0 || d.day < 0) return InvalidDate("a date is written YYYY-MM-DD");
  if (!IsValidDate(d)) return InvalidDate("no such date " + std::string(text));
  return d;
}

Result<CivilDate> ParseCompactDate(std::string_view text) {
  if (text.size() != 8) return InvalidDate("a compact date is written YYYYMMDD");
  CivilDate d{Digits(text, 0, 4), Digits(text, 4, 2), Digits(text, 6, 2)};
  if (d.year < 0 || d.month < 0 || d.day < 0) {
    return InvalidDate("a compact date is written YYYYMMDD");
  }
  if (!IsValidDate(d)) return InvalidDate("no such date " + std::string(text));
  return d;
}

std::string FormatIsoDate(const CivilDate& date) {
  return Format("%04d-%02d-%02d", date.year, date.month, date.day);
}

std::string FormatCompactDate(const CivilDate& date) {
  return Format("%04d%02d%02d", date.year, date.month, date.day);
}

Result<int> ParseUtcOffset(std::string_view text) {
  if (text == "Z" || text == "z") return 0;
  if (text.size() != 6 || (text[0] != '+' && text[0] != '-') || text[3] != ':') {
    return InvalidTime("an offset is written Z or +hh:mm");
  }
  int hours = Digits(text, 1, 2);
  int minutes = Digits(text, 4, 2);
  if (hours < 0 || minutes < 0 || hours > 23 || minutes > 59) {
    return InvalidTime("offset out of range");
  }
  int total = hours * 60 + minutes;
  return text[0] == '-' ? -total : total;
}

std::string FormatUtcOffset(int offset_minutes) {
  int a = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", offset_minutes < 0 ? '-' : '+', a / 60 % 100,
                a % 60);
  return buf;
}

Result<int64_t> ParseRfc3339(std::string_view text) {
  if (text.size() < 20) return InvalidTime("a time is written YYYY-MM-DDThh:mm:ss+hh:mm");
  auto date = ParseIsoDate(text.substr(0, 10));
  if (!date.ok()) return InvalidTime(date.status().message());
  char sep = text[10];
  if ((sep != 'T' && sep != 't' && sep != ' ') || text[13] != ':' || text[16] != ':') {
    return InvalidTime("a time is written YYYY-MM-DDThh:mm:ss+hh:mm");
  }
  int hour = Digits(text, 11, 2);
  int minute = Digits(text, 14, 2);
  int second = Digits(text, 17, 2);
  if (hour < 0 || minute < 0 || second < 0 || hour > 23 || minute > 59 || second > 59) {
    return InvalidTime("time of day out of range");
  }
  size_t pos = 19;
  int64_t micros = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    size_t start = pos;
    int64_t scale = 100000;
    while (pos < text.size() && IsDigit(text[pos])) {
      micros += (text[pos] - '0') * scale;  // digits past the sixth add 0
      scale /= 10;
      ++pos;
    }
    if (pos == start) return InvalidTime("empty fraction of a second");
  }
  auto offset = ParseUtcOffset(text.substr(pos));
  if (!offset.ok()) return offset.status();
  int64_t local_seconds = DaysFromCivil(*date) * 86400 + hour * 3600 + minute * 60 + second;
  return local_seconds * kMicrosPerSecond + micros - int64_t{*offset} * kMicrosPerMinute;
}

namespace {

// "YYYY-MM-DDThh:mm:ss[.fff[fff]]" of the local time, without the offset.
std::string FormatLocalDateTime(int64_t micros_utc, int offset_minutes, SecondFraction fraction) {
  int64_t local = micros_utc + int64_t{offset_minutes} * kMicrosPerMinute;
  int64_t days = FloorDiv(local, kMicrosPerDay);
  int64_t in_day = local - days * kMicrosPerDay;
  int64_t seconds = in_day / kMicrosPerSecond;
  int64_t micros = in_day % kMicrosPerSecond;
  std::string out = FormatIsoDate(CivilFromDays(days));
  out += Format("T%02d:%02d:%02d", static_cast<int>(seconds / 3600),
                static_cast<int>(seconds / 60 % 60), static_cast<int>(seconds % 60));
  char buf[16];
  if (fraction == SecondFraction::kMillis) {
    std::snprintf(buf, sizeof buf, ".%03lld", static_cast<long long>(micros / 1000));
    out += buf;
  } else if (fraction == SecondFraction::kMicros || micros != 0) {
    std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(micros));
    out += buf;
  }
  return out;
}

}  // namespace

std::string FormatRfc3339(int64_t micros_utc, int offset_minutes, SecondFraction fraction) {
  return FormatLocalDateTime(micros_utc, offset_minutes, fraction) +
         FormatUtcOffset(offset_minutes);
}

std::string FormatRfc3339Utc(int64_t micros_utc, SecondFraction fraction) {
  return FormatLocalDateTime(micros_utc, 0, fraction) + "Z";
}

CivilDate LocalCivilDate(int64_t micros_utc, int offset_minutes) {
  return CivilFromDays(
      FloorDiv(micros_utc + int64_t{offset_minutes} * kMicrosPerMinute, kMicrosPerDay));
}

std::string LocalDate(int64_t micros_utc, int offset_minutes) {
  return FormatIsoDate(LocalCivilDate(micros_utc, offset_minutes));
}

int64_t StartOfLocalDay(const CivilDate& date, int offset_minutes) {
  return DaysFromCivil(date) * kMicrosPerDay - int64_t{offset_minutes} * kMicrosPerMinute;
}

std::string MonthKey(int64_t micros_utc, int offset_minutes) {
  CivilDate d = LocalCivilDate(micros_utc, offset_minutes);
  return FormatMonthKey(YearMonth{d.year, d.month});
}

std::string FormatMonthKey(const YearMonth& month) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", month.year, month.month);
  return buf;
}

Result<YearMonth> ParseMonthKey(std::string_view text) {
  if (text.size() != 7 || text[4] != '-') return InvalidDate("a month is written YYYY-MM");
  YearMonth m{Digits(text, 0, 4), Digits(text, 5, 2)};
  if (m.year < 1 || m.month < 1 || m.month > 12) {
    return InvalidDate("no such month " + std::string(text));
  }
  return m;
}

YearMonth NextMonth(const YearMonth& month) {
  return month.month == 12 ? YearMonth{month.year + 1, 1} : YearMonth{month.year, month.month + 1};
}

int64_t StartOfLocalMonth(const YearMonth& month, int offset_minutes) {
  return StartOfLocalDay(CivilDate{month.year, month.month, 1}, offset_minutes);
}

}  // namespace cradle
