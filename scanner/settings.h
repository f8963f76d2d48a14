// The handheld's own settings: <home>/scanner.conf, optional, one `key = value` a line, `#`
// starts a comment. Known keys (durations are a number with s, m, h or d; a bare number is
// seconds):
//   hold_for       = 24h   how long a scan refused as OUT_OF_ORDER is kept and retried
//   hold_retry     = 1m    the first wait before it is sent again (doubling ...)
//   hold_retry_max = 1h    ... up to this
// Command-line options (--hold-for, --hold-retry) override the file.
//
// Ownership: plain values. Thread safety: the functions are pure but for reading the file.
#pragma once

#include <filesystem>
#include <string>

#include "core/status.h"
#include "scanner/outbox.h"

namespace cradle::scan {

struct ScannerSettings {
  HoldPolicy hold;
};

// "90s", "15m", "24h", "2d", "3600". Code USAGE for anything else (or over 10 years).
Result<int64_t> ParseDurationMicros(const std::string& text);

// Parses the text of a scanner.conf; code SETUP naming the line for an unknown key or a bad
// value.
Result<ScannerSettings> ParseSettings(const std::string& text);

// Reads `path`; a missing file gives the defaults.
Result<ScannerSettings> LoadSettings(const std::filesystem::path& path);

}  // namespace cradle::scan
