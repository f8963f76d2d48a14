// China's working days: weekends, the public holidays and the make-up working days (调休上班)
// the State Council announces each year, read from one data file per year (calendar/2026.json).
//
// File grammar (JSON object):
//   {"year": 2026, "source": "...", "confirmed": true|false, "uncertain": ["..."],
//    "holidays": [{"from": "YYYY-MM-DD", "to": "YYYY-MM-DD", "name": "..."}],
//    "workdays": [{"date": "YYYY-MM-DD", "name": "..."}]}
// Every date must lie in `year`; a day may not be both a holiday and a make-up day.
// A year with no file has weekends only (Saturday and Sunday off).
//
// Core does no I/O: the server reads the files and hands their text to AddYear.
// Thread safety: build once (AddYear), then any number of threads may read it concurrently.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/civil_time.h"
#include "core/status.h"

namespace cradle {

class WorkingCalendar {
 public:
  WorkingCalendar() = default;  // weekends only

  // Parses one year's file. INVALID_CALENDAR (naming the field) for a malformed file, a date
  // outside the year, a day both off and on, or a year loaded twice; nothing is added then.
  Status AddYear(std::string_view json_text);

  bool IsWorkingDay(const CivilDate& date) const;
  // The date `n` (>= 0) working days after `date`, counting from the next day; `date` itself
  // when n is 0.
  CivilDate AddWorkingDays(const CivilDate& date, int n) const;

  bool Covers(int year) const { return years_.count(year) != 0; }
  std::vector<int> Years() const;
  // Whether the year's file says its dates are confirmed against the State Council's notice.
  bool Confirmed(int year) const;

 private:
  struct Year {
    bool confirmed = false;
  };
  std::map<int, Year> years_;
  std::set<CivilDate> holidays_;
  std::set<CivilDate> workdays_;
};

}  // namespace cradle
