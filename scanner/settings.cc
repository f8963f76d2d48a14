#include "scanner/settings.h"

#include <charconv>
#include <fstream>
#include <sstream>

namespace cradle::scan {

namespace {

std::string Trim(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  const auto end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

}  // namespace

Result<int64_t> ParseDurationMicros(const std::string& text) {
  const std::string value = Trim(text);
  int64_t number = 0;
  const char* begin = value.data();
  const char* end = value.data() + value.size();
  auto [rest, ec] = std::from_chars(begin, end, number);
  if (ec != std::errc() || rest == begin || number < 0) {
    return Status("USAGE", "'" + text + "' is not a duration (e.g. 90s, 15m, 24h, 2d)");
  }
  const std::string unit(rest, end);
  int64_t seconds_per_unit = 0;
  if (unit.empty() || unit == "s") seconds_per_unit = 1;
  if (unit == "m") seconds_per_unit = 60;
  if (unit == "h") seconds_per_unit = 3600;
  if (unit == "d") seconds_per_unit = 86400;
  if (seconds_per_unit == 0) {
    return Status("USAGE", "'" + text + "': the unit must be s, m, h or d");
  }
  constexpr int64_t kMaxSeconds = 10LL * 366 * 86400;
  if (number > kMaxSeconds / seconds_per_unit) {
    return Status("USAGE", "'" + text + "' is longer than ten years");
  }
  return number * seconds_per_unit * 1'000'000;
}

Result<ScannerSettings> ParseSettings(const std::string& text) {
  ScannerSettings settings;
  std::istringstream in(text);
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    line = Trim(line);
    if (line.empty()) continue;
    const auto eq = line.find('=');
    const std::string where = "scanner.conf line " + std::to_string(number) + ": ";
    if (eq == std::string::npos) return Status("SETUP", where + "expected key = value");
    const std::string key = Trim(line.substr(0, eq));
    int64_t* target = key == "hold_for"         ? &settings.hold.hold_for_micros
                      : key == "hold_retry"     ? &settings.hold.first_retry_micros
                      : key == "hold_retry_max" ? &settings.hold.max_retry_micros
                                                : nullptr;
    if (target == nullptr) return Status("SETUP", where + "unknown key '" + key + "'");
    Result<int64_t> micros = ParseDurationMicros(line.substr(eq + 1));
    if (!micros.ok()) return Status("SETUP", where + micros.status().message());
    *target = *micros;
  }
  return settings;
}

Result<ScannerSettings> LoadSettings(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return ScannerSettings{};
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status("SETUP", "cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return ParseSettings(text.str());
}

}  // namespace cradle::scan
