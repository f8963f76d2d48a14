// The deployment's working-day calendar: every NNNN.json in a folder (calendar/README.md),
// read once at start-up. The folder is the `calendar-dir` setting; by default the calendar/
// folder shipped with the source tree.
//
// Thread safety: LoadCalendar reads files and returns a value; call it before serving.
#pragma once

#include <string>

#include "core/status.h"
#include "core/working_calendar.h"

namespace cradle::service {

std::string DefaultCalendarDir();

// INVALID_CALENDAR naming the file for an unreadable folder or a malformed file; a folder
// without any NNNN.json file is an error too (a mistyped setting must not mean "no holidays").
Result<WorkingCalendar> LoadCalendar(const std::string& dir);

}  // namespace cradle::service
