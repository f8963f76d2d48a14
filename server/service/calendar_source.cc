#include "server/service/calendar_source.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace cradle::service {

std::string DefaultCalendarDir() { return CRADLE_CALENDAR_DIR; }

Result<WorkingCalendar> LoadCalendar(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() == 9 && name.substr(4) == ".json" &&
        std::all_of(name.begin(), name.begin() + 4, [](char c) { return c >= '0' && c <= '9'; })) {
      files.push_back(it->path());
    }
  }
  if (ec) return Status("INVALID_CALENDAR", "calendar-dir " + dir + ": " + ec.message());
  if (files.empty()) return Status("INVALID_CALENDAR", "calendar-dir " + dir + ": no NNNN.json");
  std::sort(files.begin(), files.end());
  WorkingCalendar cal;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in.good() && !in.eof()) return Status("INVALID_CALENDAR", f.string() + ": unreadable");
    if (Status s = cal.AddYear(text.str()); !s.ok()) {
      return Status("INVALID_CALENDAR", f.string() + ": " + s.message());
    }
    // The file name and its "year" agree, or a copied file would stand for another year.
    if (!cal.Covers(std::stoi(f.stem().string()))) {
      return Status("INVALID_CALENDAR", f.string() + ": its year differs from its name");
    }
  }
  return cal;
}

}  // namespace cradle::service
