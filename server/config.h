// Every server setting, and where each comes from.
//
// Precedence, highest first: command-line flags (`--name VALUE`, `--name=VALUE`), environment
// variables `CRADLE_<NAME>` (upper case, '-' -> '_'), the config file (`--config FILE`, or
// CRADLE_CONFIG; INI-style `name = value` lines, `#` comments), then built-in defaults.
// `server/cradle.conf` lists every setting with its default and why.
//
// Parsing never throws and never exits: errors come back as one line each, naming the setting
// and where the bad value came from. main() decides what to print and which exit code to use
// (HandleInfoFlags does --help and --check-config the documented way).
//
// Subcommands: LoadConfig reads argv after argv[0], so a caller that has consumed a subcommand
// passes (argc - 1, argv + 1). Words that are not options land in Config::args, in order.
//
// Thread safety: plain values and pure functions (envp is only read).
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/status.h"

namespace cradle {

struct Config {
  std::string data;  // data directory (required)
  std::string listen = "127.0.0.1:8443";
  std::string listen_host = "127.0.0.1";  // parsed from listen; IPv6 without brackets
  uint16_t listen_port = 8443;            // 0 = any free port
  std::string config_file;                // empty when none was given
  bool demo = false;
  std::string tls_cert;   // default <data>/certs/server.crt
  std::string tls_key;    // default <data>/certs/server.key
  std::string client_ca;  // default <data>/certs/ca.crt
  int io_threads = 2;
  int handler_threads = 64;
  int64_t max_body_bytes = 1 << 20;
  int64_t max_header_bytes = 16 << 10;
  int64_t max_unauthenticated_body_bytes = 64 << 10;  // before credentials are accepted
  int max_connections_per_address = 256;
  int read_timeout_s = 30;
  int idle_timeout_s = 60;
  int handshake_timeout_s = 10;
  int rate_limit_rps = 50;  // per client address, sustained
  int rate_limit_burst = 100;
  std::string log_file;      // empty = stderr
  std::string calendar_dir;  // working-day calendar folder; empty = the shipped calendar/
  std::string web_root;      // pages under /web/; empty = the source tree's web/ (CRADLE_WEB_ROOT)
  std::string time_zone_offset = "+08:00";
  int time_zone_offset_minutes = 480;
  double weight_tolerance_pct = 5;
  int clock_skew_max_s = 600;
  int uncollected_days = 30;
  int unreceived_working_days = 5;
  int rules_interval_s = 600;  // how often the server runs the case rules
  int clock_offset_s = 0;      // added to the system clock (drills and tests only)

  // Label print runs rendering at once (POST /api/v1/labels): per organisation, and in all.
  int print_runs_per_org = 2;
  int print_runs_total = 4;

  std::vector<std::string> args;  // positional words, e.g. DEVICE_ID OUT_DIR
  bool help = false;              // --help was given
  bool check_config = false;      // --check-config was given
};

// The full outcome of reading the settings: `config` is meaningful only when `errors` is empty
// (help/check_config are set regardless).
struct ConfigParse {
  Config config;
  std::vector<std::string> errors;  // one line each, e.g. "listen: ... (from CRADLE_LISTEN)"
};

ConfigParse ParseConfig(int argc, char** argv, char** envp);

// ParseConfig as a Result: code BAD_CONFIG with the errors joined by "; " (one line). With
// --help the Config is returned even if settings are bad, so help always works.
Result<Config> LoadConfig(int argc, char** argv, char** envp);

// --help: prints ConfigHelpText() to out, returns 0. --check-config: prints each error on its
// own line to err and returns 2, or "config OK" to out and returns 0. Otherwise nullopt: carry on.
std::optional<int> HandleInfoFlags(const ConfigParse& parse, std::ostream& out, std::ostream& err);

// Every option with its default and meaning.
std::string ConfigHelpText();

// Names of all settings (flag spelling, e.g. "max-body-bytes"), in help order.
std::vector<std::string> ConfigSettingNames();

}  // namespace cradle
