#include "server/config.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

namespace cradle {
namespace {

// Applies a textual value to Config; returns an error message (without the setting's name)
// or an empty string.
using Apply = std::function<std::string(Config&, const std::string&)>;

struct Setting {
  std::string name;          // flag spelling
  std::string default_text;  // as shown by --help
  std::string help;
  Apply apply;
  bool is_bool = false;      // a bare --name means true
  bool file_allowed = true;  // may appear in the config file
};

struct Value {
  std::string text;
  std::string source;  // "--listen", "CRADLE_LISTEN", "cradle.conf line 4"
};

template <class T>
std::string ParseInt(const std::string& text, T min, T max, T* out) {
  T value{};
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value < min || value > max)
    return "expected a whole number from " + std::to_string(min) + " to " + std::to_string(max) +
           ", got '" + text + "'";
  *out = value;
  return "";
}

Apply Int(int Config::*field, int min, int max) {
  return [=](Config& c, const std::string& v) { return ParseInt(v, min, max, &(c.*field)); };
}

Apply Int64(int64_t Config::*field, int64_t min, int64_t max) {
  return [=](Config& c, const std::string& v) { return ParseInt(v, min, max, &(c.*field)); };
}

Apply Text(std::string Config::*field) {
  return [=](Config& c, const std::string& v) {
    c.*field = v;
    return std::string();
  };
}

std::string ParseBool(const std::string& text, bool* out) {
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  if (lower == "true" || lower == "1" || lower == "yes" || lower == "on") {
    *out = true;
  } else if (lower == "false" || lower == "0" || lower == "no" || lower == "off") {
    *out = false;
  } else {
    return "expected true or false, got '" + text + "'";
  }
  return "";
}

bool IsHostName(const std::string& host) {
  if (host.empty() || host.size() > 253) return false;
  return std::all_of(host.begin(), host.end(),
                     [](unsigned char ch) { return std::isalnum(ch) || ch == '-' || ch == '.'; });
}

// "ADDR:PORT" or "[IPv6]:PORT".
std::string ApplyListen(Config& c, const std::string& v) {
  const std::string bad = "expected ADDR:PORT (e.g. 127.0.0.1:8443 or [::1]:8443), got '" + v + "'";
  const size_t colon = v.rfind(':');
  if (colon == std::string::npos) return bad;
  std::string host = v.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
    unsigned char buf[16];
    if (inet_pton(AF_INET6, host.c_str(), buf) != 1) return bad;
  } else if (host.find(':') != std::string::npos || !IsHostName(host)) {
    return bad;
  }
  int port = 0;
  if (!ParseInt(v.substr(colon + 1), 0, 65535, &port).empty())
    return "port must be a number from 0 to 65535 in '" + v + "'";
  c.listen = v;
  c.listen_host = host;
  c.listen_port = static_cast<uint16_t>(port);
  return "";
}

// "+08:00", "-05:30", "Z" is not accepted (say +00:00): the offset is a setting, not a time.
std::string ApplyTimeZoneOffset(Config& c, const std::string& v) {
  const std::string bad = "expected +HH:MM or -HH:MM between -12:00 and +14:00, got '" + v + "'";
  if (v.size() != 6 || (v[0] != '+' && v[0] != '-') || v[3] != ':') return bad;
  int hours = 0;
  int minutes = 0;
  if (!ParseInt(v.substr(1, 2), 0, 14, &hours).empty() ||
      !ParseInt(v.substr(4, 2), 0, 59, &minutes).empty())
    return bad;
  const int total = (v[0] == '-' ? -1 : 1) * (hours * 60 + minutes);
  if (total < -12 * 60 || total > 14 * 60) return bad;
  c.time_zone_offset = v;
  c.time_zone_offset_minutes = total;
  return "";
}

std::string ApplyPercent(Config& c, const std::string& v) {
  double value = 0;
  const char* end = v.data() + v.size();
  auto [ptr, ec] = std::from_chars(v.data(), end, value);
  if (v.empty() || ec != std::errc() || ptr != end || !(value >= 0 && value <= 100))
    return "expected a percentage from 0 to 100, got '" + v + "'";
  c.weight_tolerance_pct = value;
  return "";
}

const std::vector<Setting>& Settings() {
  static const std::vector<Setting> kSettings = {
      {"data", "(required)", "data directory: database, keys, certs/, admin.token",
       Text(&Config::data)},
      {"listen", "127.0.0.1:8443", "address and port to serve HTTPS on (port 0: any free port)",
       ApplyListen},
      {"config", "(none)", "config file of `name = value` lines", Text(&Config::config_file), false,
       false},
      {"demo", "false", "seed the demo district into an empty data directory",
       [](Config& c, const std::string& v) { return ParseBool(v, &c.demo); }, true},
      {"tls-cert", "<data>/certs/server.crt", "server certificate chain (PEM)",
       Text(&Config::tls_cert)},
      {"tls-key", "<data>/certs/server.key", "server private key (PEM, mode 0600)",
       Text(&Config::tls_key)},
      {"client-ca", "<data>/certs/ca.crt", "CA that signs scanners' client certificates (PEM)",
       Text(&Config::client_ca)},
      {"io-threads", "2", "threads running the network event loop",
       Int(&Config::io_threads, 1, 256)},
      {"handler-threads", "64", "threads running request handlers and storage",
       Int(&Config::handler_threads, 1, 1024)},
      {"max-body-bytes", "1048576", "largest request body accepted (413 above)",
       Int64(&Config::max_body_bytes, 1, int64_t{1} << 30)},
      {"max-header-bytes", "16384", "largest request header block accepted",
       Int64(&Config::max_header_bytes, 1024, int64_t{1} << 20)},
      {"max-unauthenticated-body-bytes", "65536",
       "largest body read before the request's credentials are accepted (401/429 above)",
       Int64(&Config::max_unauthenticated_body_bytes, 1024, int64_t{1} << 30)},
      {"max-connections-per-address", "256",
       "connections one client address may hold open; more are closed at once",
       Int(&Config::max_connections_per_address, 1, 10000)},
      {"read-timeout-s", "30", "seconds allowed to receive one request",
       Int(&Config::read_timeout_s, 1, 86400)},
      {"idle-timeout-s", "60", "seconds a keep-alive connection may sit idle",
       Int(&Config::idle_timeout_s, 1, 86400)},
      {"handshake-timeout-s", "10", "seconds allowed for the TLS handshake",
       Int(&Config::handshake_timeout_s, 1, 3600)},
      {"rate-limit-rps", "50", "sustained requests per second per client address",
       Int(&Config::rate_limit_rps, 1, 1000000)},
      {"rate-limit-burst", "100", "requests a client may send at once above the rate",
       Int(&Config::rate_limit_burst, 1, 1000000)},
      {"log-file", "(stderr)", "file to append the log to", Text(&Config::log_file)},
      {"calendar-dir", "(shipped calendar/)",
       "folder of NNNN.json working-day calendars (holidays, make-up days), read at start-up",
       Text(&Config::calendar_dir)},
      {"web-root", "(installed share/cradle/web, else source tree web/)",
       "directory of the web pages served under /web/", Text(&Config::web_root)},
      {"time-zone-offset", "+08:00", "UTC offset of the deployment's calendar days and months",
       ApplyTimeZoneOffset},
      {"weight-tolerance-pct", "5", "allowed difference between declared and weighed mass",
       ApplyPercent},
      {"clock-skew-max-s", "600", "how far a scanner's clock may differ from the server's",
       Int(&Config::clock_skew_max_s, 0, 86400)},
      {"uncollected-days", "30", "days after issue before an uncollected manifest is flagged",
       Int(&Config::uncollected_days, 1, 3650)},
      {"unreceived-working-days", "5",
       "working days after dispatch before an unreceived load is flagged",
       Int(&Config::unreceived_working_days, 1, 365)},
      {"rules-interval-s", "600", "seconds between runs of the case rules (uncollected, ...)",
       Int(&Config::rules_interval_s, 1, 86400)},
      {"clock-offset-s", "0",
       "seconds added to the system clock: drills and tests only, never in production",
       Int(&Config::clock_offset_s, -31622400, 31622400)},
      {"print-runs-per-org", "2",
       "label print runs (POST /api/v1/labels) one organisation may "
       "have rendering at once",
       Int(&Config::print_runs_per_org, 1, 64)},
      {"print-runs-total", "4", "label print runs rendering at once, all organisations together",
       Int(&Config::print_runs_total, 1, 256)},
  };
  return kSettings;
}

const Setting* FindSetting(const std::string& name) {
  for (const Setting& s : Settings())
    if (s.name == name) return &s;
  return nullptr;
}

std::string EnvName(const std::string& name) {
  std::string env = "CRADLE_";
  for (char ch : name) env.push_back(ch == '-' ? '_' : static_cast<char>(std::toupper(ch)));
  return env;
}

std::string Trim(const std::string& text) {
  const size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  const size_t end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

using Values = std::map<std::string, Value>;

// Command-line words after argv[0] -> values, positional args and the two info flags.
void ParseFlags(int argc, char** argv, Values* values, ConfigParse* out) {
  bool options_done = false;
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (options_done || word.size() < 2 || word[0] != '-') {
      out->config.args.push_back(word);
      continue;
    }
    if (word == "--") {
      options_done = true;
    } else if (word == "--help" || word == "-h") {
      out->config.help = true;
    } else if (word == "--check-config") {
      out->config.check_config = true;
    } else if (word.rfind("--", 0) != 0) {
      out->errors.push_back("unknown option " + word + " (see --help)");
    } else {
      const size_t eq = word.find('=');
      const std::string name = word.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
      const Setting* s = FindSetting(name);
      if (s == nullptr) {
        out->errors.push_back("unknown option --" + name + " (see --help)");
      } else if (eq != std::string::npos) {
        (*values)[name] = Value{word.substr(eq + 1), "--" + name};
      } else if (s->is_bool) {
        (*values)[name] = Value{"true", "--" + name};
      } else if (i + 1 < argc) {
        (*values)[name] = Value{argv[++i], "--" + name};
      } else {
        out->errors.push_back(name + ": --" + name + " needs a value");
      }
    }
  }
}

// CRADLE_<NAME> variables for known settings; other variables are ignored.
Values ParseEnv(char** envp) {
  std::map<std::string, std::string> env;
  for (char** p = envp; p != nullptr && *p != nullptr; ++p) {
    const std::string entry = *p;
    const size_t eq = entry.find('=');
    if (eq != std::string::npos) env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  Values values;
  for (const Setting& s : Settings()) {
    const std::string env_name = EnvName(s.name);
    if (auto it = env.find(env_name); it != env.end()) values[s.name] = Value{it->second, env_name};
  }
  return values;
}

// `name = value` lines; '#' starts a comment at the start of a line or after a blank.
Values ParseFile(const std::string& path, std::vector<std::string>* errors) {
  Values values;
  std::ifstream in(path);
  if (!in) {
    errors->push_back("config: cannot read config file '" + path + "'");
    return values;
  }
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::string where = path + " line " + std::to_string(number);
    for (size_t hash = line.find('#'); hash != std::string::npos; hash = line.find('#', hash + 1)) {
      if (hash == 0 || line[hash - 1] == ' ' || line[hash - 1] == '\t') {
        line.erase(hash);
        break;
      }
    }
    line = Trim(line);
    if (line.empty()) continue;
    const size_t eq = line.find('=');
    const std::string name = Trim(line.substr(0, eq));
    const Setting* s = FindSetting(name);
    if (eq == std::string::npos) {
      errors->push_back(where + ": expected `name = value`, got '" + line + "'");
    } else if (s == nullptr || !s->file_allowed) {
      errors->push_back(where + ": unknown setting '" + name + "'");
    } else if (values.count(name)) {
      errors->push_back(name + ": set twice in " + path + " (again on line " +
                        std::to_string(number) + ")");
    } else {
      values[name] = Value{Trim(line.substr(eq + 1)), where};
    }
  }
  return values;
}

// Defaults that depend on other settings.
void FillDerived(Config& c, const Values& merged) {
  const std::string certs = c.data + "/certs/";
  if (!merged.count("tls-cert")) c.tls_cert = certs + "server.crt";
  if (!merged.count("tls-key")) c.tls_key = certs + "server.key";
  if (!merged.count("client-ca")) c.client_ca = certs + "ca.crt";
}

void CheckRequired(const Config& c, std::vector<std::string>* errors) {
  if (c.data.empty()) errors->push_back("data: required (--data DIR or CRADLE_DATA)");
}

}  // namespace

ConfigParse ParseConfig(int argc, char** argv, char** envp) {
  ConfigParse out;
  Values flags;
  ParseFlags(argc, argv, &flags, &out);
  const Values env = ParseEnv(envp);

  Values merged;  // lowest precedence first; later layers overwrite
  const Value* config_path = flags.count("config") ? &flags.at("config")
                             : env.count("config") ? &env.at("config")
                                                   : nullptr;
  if (config_path != nullptr && !config_path->text.empty())
    merged = ParseFile(config_path->text, &out.errors);
  for (const Values* layer : {&env, static_cast<const Values*>(&flags)})
    for (const auto& [name, value] : *layer) merged[name] = value;

  for (const auto& [name, value] : merged) {
    const std::string error = FindSetting(name)->apply(out.config, value.text);
    if (!error.empty()) out.errors.push_back(name + ": " + error + " (from " + value.source + ")");
  }
  CheckRequired(out.config, &out.errors);
  FillDerived(out.config, merged);
  return out;
}

Result<Config> LoadConfig(int argc, char** argv, char** envp) {
  ConfigParse parse = ParseConfig(argc, argv, envp);
  if (parse.errors.empty() || parse.config.help) return std::move(parse.config);
  std::string message;
  for (const std::string& e : parse.errors) message += (message.empty() ? "" : "; ") + e;
  return Status("BAD_CONFIG", message);
}

std::optional<int> HandleInfoFlags(const ConfigParse& parse, std::ostream& out, std::ostream& err) {
  if (parse.config.help) {
    out << ConfigHelpText();
    return 0;
  }
  if (!parse.config.check_config) return std::nullopt;
  for (const std::string& e : parse.errors) err << e << "\n";
  if (!parse.errors.empty()) return 2;
  out << "config OK\n";
  return 0;
}

std::string ConfigHelpText() {
  std::ostringstream out;
  out << "Options (precedence: flag > environment CRADLE_<NAME> > --config file > default):\n";
  for (const Setting& s : Settings()) {
    std::string flag = "  --" + s.name + (s.is_bool ? "" : " VALUE");
    flag.resize(std::max<size_t>(flag.size() + 1, 32), ' ');
    out << flag << s.help << " [default: " << s.default_text << "]\n";
  }
  out << "  --check-config                validate the settings, print each error, exit 0 or 2\n"
      << "  --help                        this text\n";
  return out.str();
}

std::vector<std::string> ConfigSettingNames() {
  std::vector<std::string> names;
  for (const Setting& s : Settings()) names.push_back(s.name);
  return names;
}

}  // namespace cradle
