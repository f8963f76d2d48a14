#include "core/working_calendar.h"

#include <boost/json.hpp>

namespace cradle {
namespace {

Status Bad(const std::string& what) { return Status("INVALID_CALENDAR", what); }

Result<CivilDate> DateIn(const boost::json::value* v, int year, const std::string& field) {
  if (!v || !v->is_string()) return Bad(field + ": a YYYY-MM-DD string");
  auto d = ParseIsoDate(std::string_view(v->as_string()));
  if (!d.ok()) return Bad(field + ": " + d.status().message());
  if (d->year != year) return Bad(field + ": not in " + std::to_string(year));
  return *d;
}

}  // namespace

Status WorkingCalendar::AddYear(std::string_view json_text) {
  boost::system::error_code ec;
  boost::json::value root = boost::json::parse(json_text, ec);
  if (ec || !root.is_object()) return Bad("not a JSON object");
  const auto& o = root.as_object();
  const auto* y = o.if_contains("year");
  if (!y || !y->is_int64() || y->as_int64() < 2000 || y->as_int64() > 9999) {
    return Bad("year: an integer 2000..9999");
  }
  const int year = static_cast<int>(y->as_int64());
  if (years_.count(year)) return Bad("year " + std::to_string(year) + " loaded twice");
  Year info;
  if (const auto* c = o.if_contains("confirmed")) {
    if (!c->is_bool()) return Bad("confirmed: true or false");
    info.confirmed = c->as_bool();
  }
  std::set<CivilDate> off, on;
  if (const auto* h = o.if_contains("holidays")) {
    if (!h->is_array()) return Bad("holidays: an array");
    size_t i = 0;
    for (const auto& e : h->as_array()) {
      const std::string f = "holidays[" + std::to_string(i++) + "]";
      if (!e.is_object()) return Bad(f + ": an object");
      auto from = DateIn(e.as_object().if_contains("from"), year, f + ".from");
      if (!from.ok()) return from.status();
      auto to = DateIn(e.as_object().if_contains("to"), year, f + ".to");
      if (!to.ok()) return to.status();
      if (*to < *from) return Bad(f + ": to before from");
      for (int64_t d = DaysFromCivil(*from); d <= DaysFromCivil(*to); ++d) {
        off.insert(CivilFromDays(d));
      }
    }
  }
  if (const auto* w = o.if_contains("workdays")) {
    if (!w->is_array()) return Bad("workdays: an array");
    size_t i = 0;
    for (const auto& e : w->as_array()) {
      const std::string f = "workdays[" + std::to_string(i++) + "]";
      if (!e.is_object()) return Bad(f + ": an object");
      auto d = DateIn(e.as_object().if_contains("date"), year, f + ".date");
      if (!d.ok()) return d.status();
      if (off.count(*d)) return Bad(f + ": " + FormatIsoDate(*d) + " is also a holiday");
      on.insert(*d);
    }
  }
  years_[year] = info;
  holidays_.insert(off.begin(), off.end());
  workdays_.insert(on.begin(), on.end());
  return Status();
}

bool WorkingCalendar::IsWorkingDay(const CivilDate& date) const {
  if (workdays_.count(date)) return true;
  if (holidays_.count(date)) return false;
  return IsoWeekday(date) <= 5;
}

CivilDate WorkingCalendar::AddWorkingDays(const CivilDate& date, int n) const {
  int64_t day = DaysFromCivil(date);
  while (n > 0) {
    ++day;
    if (IsWorkingDay(CivilFromDays(day))) --n;
  }
  return CivilFromDays(day);
}

std::vector<int> WorkingCalendar::Years() const {
  std::vector<int> out;
  for (const auto& [y, _] : years_) out.push_back(y);
  return out;
}

bool WorkingCalendar::Confirmed(int year) const {
  auto it = years_.find(year);
  return it != years_.end() && it->second.confirmed;
}

}  // namespace cradle
