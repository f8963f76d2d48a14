// Server settings (server/config.h): precedence flag > env > file > default, validation
// messages that name the setting, --help and --check-config, and server/cradle.conf.
#define BOOST_TEST_MODULE pki_config_test
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <sstream>

#include "server/config.h"
#include "tests/unit/pki/pki_test_util.h"

namespace cradle {
namespace {

using pki::testing::ScratchDir;

// argv/envp arrays over owned strings, as main() would receive them.
class Args {
 public:
  Args(std::vector<std::string> argv, std::vector<std::string> env = {})
      : argv_(std::move(argv)), env_(std::move(env)) {
    argv_.insert(argv_.begin(), "cradle-server");
    for (auto& a : argv_) argv_ptrs_.push_back(a.data());
    argv_ptrs_.push_back(nullptr);
    for (auto& e : env_) env_ptrs_.push_back(e.data());
    env_ptrs_.push_back(nullptr);
  }
  ConfigParse Parse() { return ParseConfig(argc(), argv_ptrs_.data(), env_ptrs_.data()); }
  Result<Config> Load() { return LoadConfig(argc(), argv_ptrs_.data(), env_ptrs_.data()); }

 private:
  int argc() const { return static_cast<int>(argv_.size()); }
  std::vector<std::string> argv_, env_;
  std::vector<char*> argv_ptrs_, env_ptrs_;
};

std::string WriteConf(const ScratchDir& dir, const std::string& text) {
  const std::string path = dir / "test.conf";
  std::ofstream(path) << text;
  return path;
}

std::string JoinErrors(const ConfigParse& p) {
  std::string all;
  for (const auto& e : p.errors) all += e + "\n";
  return all;
}

BOOST_AUTO_TEST_CASE(defaults) {
  Result<Config> c = Args({"--data", "/srv/cradle"}).Load();
  BOOST_REQUIRE_MESSAGE(c.ok(), c.status().ToString());
  BOOST_TEST(c->data == "/srv/cradle");
  BOOST_TEST(c->listen_host == "127.0.0.1");
  BOOST_TEST(c->listen_port == 8443);
  BOOST_TEST(!c->demo);
  BOOST_TEST(c->tls_cert == "/srv/cradle/certs/server.crt");
  BOOST_TEST(c->tls_key == "/srv/cradle/certs/server.key");
  BOOST_TEST(c->client_ca == "/srv/cradle/certs/ca.crt");
  BOOST_TEST(c->time_zone_offset_minutes == 480);
  BOOST_TEST(c->weight_tolerance_pct == 5.0);
  BOOST_TEST(c->clock_skew_max_s == 600);
  BOOST_TEST(c->uncollected_days == 30);
  BOOST_TEST(c->unreceived_working_days == 5);
  BOOST_TEST(c->log_file.empty());
}

BOOST_AUTO_TEST_CASE(precedence_default_file_env_flag) {
  ScratchDir dir;
  const std::string conf = WriteConf(dir, "# comment\ndata = /d\nio-threads = 3  # inline\n");
  // File over default.
  Result<Config> file = Args({"--config", conf}).Load();
  BOOST_REQUIRE_MESSAGE(file.ok(), file.status().ToString());
  BOOST_TEST(file->io_threads == 3);
  // Env over file.
  Result<Config> env = Args({"--config", conf}, {"CRADLE_IO_THREADS=5"}).Load();
  BOOST_TEST(env->io_threads == 5);
  // Flag over env, in both spellings.
  BOOST_TEST(
      Args({"--config", conf, "--io-threads", "7"}, {"CRADLE_IO_THREADS=5"}).Load()->io_threads ==
      7);
  BOOST_TEST(
      Args({"--config=" + conf, "--io-threads=8"}, {"CRADLE_IO_THREADS=5"}).Load()->io_threads ==
      8);
  // Default when nobody says anything.
  BOOST_TEST(Args({"--data", "/d"}).Load()->io_threads == 2);
}

BOOST_AUTO_TEST_CASE(config_file_named_by_environment) {
  ScratchDir dir;
  const std::string conf = WriteConf(dir, "data = /from-file\nlisten = 0.0.0.0:9443\n");
  Result<Config> c = Args({}, {"CRADLE_CONFIG=" + conf, "HOME=/root"}).Load();
  BOOST_REQUIRE_MESSAGE(c.ok(), c.status().ToString());
  BOOST_TEST(c->data == "/from-file");
  BOOST_TEST(c->listen_host == "0.0.0.0");
  BOOST_TEST(c->listen_port == 9443);
  BOOST_TEST(c->config_file == conf);
}

BOOST_AUTO_TEST_CASE(bool_listen_and_zone_forms) {
  Result<Config> c =
      Args({"--data", "/d", "--demo", "--listen", "[::1]:0", "--time-zone-offset", "-05:30"})
          .Load();
  BOOST_REQUIRE_MESSAGE(c.ok(), c.status().ToString());
  BOOST_TEST(c->demo);
  BOOST_TEST(c->listen_host == "::1");
  BOOST_TEST(c->listen_port == 0);
  BOOST_TEST(c->time_zone_offset_minutes == -330);
  // The zone's name was never read by anything: the setting is gone, not silently ignored.
  Result<Config> named = Args({"--data", "/d", "--time-zone-name", "UTC-05:30"}).Load();
  BOOST_TEST(!named.ok());
  BOOST_TEST(!Args({"--data", "/d", "--demo=false"}, {"CRADLE_DEMO=yes"}).Load()->demo);
  BOOST_TEST(Args({"--data", "/d"}, {"CRADLE_DEMO=1"}).Load()->demo);
}

BOOST_AUTO_TEST_CASE(bad_values_name_the_setting_and_the_source) {
  struct Case {
    std::vector<std::string> argv, env;
    std::string setting, source;
  };
  const std::vector<Case> cases = {
      {{"--listen", "localhost"}, {}, "listen:", "--listen"},
      {{"--listen", "1.2.3.4:70000"}, {}, "listen:", "--listen"},
      {{}, {"CRADLE_IO_THREADS=zero"}, "io-threads:", "CRADLE_IO_THREADS"},
      {{"--io-threads", "0"}, {}, "io-threads:", "--io-threads"},
      {{"--max-body-bytes", "12x"}, {}, "max-body-bytes:", "--max-body-bytes"},
      {{"--demo=maybe"}, {}, "demo:", "--demo"},
      {{"--time-zone-offset", "+8"}, {}, "time-zone-offset:", "--time-zone-offset"},
      {{"--time-zone-offset", "+15:00"}, {}, "time-zone-offset:", "--time-zone-offset"},
      {{"--weight-tolerance-pct", "150"}, {}, "weight-tolerance-pct:", "--weight-tolerance-pct"},
      {{"--read-timeout-s", "-1"}, {}, "read-timeout-s:", "--read-timeout-s"},
      {{"--rate-limit-rps", "0"}, {}, "rate-limit-rps:", "--rate-limit-rps"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> argv = {"--data", "/d"};
    argv.insert(argv.end(), c.argv.begin(), c.argv.end());
    const ConfigParse p = Args(argv, c.env).Parse();
    BOOST_REQUIRE_MESSAGE(p.errors.size() == 1u, JoinErrors(p));
    BOOST_TEST(p.errors[0].rfind(c.setting, 0) == 0u, p.errors[0]);
    BOOST_TEST(p.errors[0].find("(from " + c.source + ")") != std::string::npos, p.errors[0]);
    BOOST_TEST(p.errors[0].find('\n') == std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(structural_errors) {
  BOOST_TEST(Args({}).Parse().errors.at(0).rfind("data: required", 0) == 0u);
  BOOST_TEST(Args({"--data", "/d", "--bogus", "1"}).Parse().errors.at(0).find("--bogus") !=
             std::string::npos);
  BOOST_TEST(Args({"--data"}).Parse().errors.at(0).find("needs a value") != std::string::npos);
  ScratchDir dir;
  const ConfigParse unknown = Args({"--config", WriteConf(dir, "data = /d\nport = 1\n")}).Parse();
  BOOST_REQUIRE(unknown.errors.size() == 1u);
  BOOST_TEST(unknown.errors[0].find("line 2: unknown setting 'port'") != std::string::npos);
  BOOST_TEST(Args({"--config", dir / "missing.conf", "--data", "/d"}).Parse().errors.size() == 1u);
  BOOST_TEST(Args({"--config", WriteConf(dir, "data = /a\ndata = /b\n")})
                 .Parse()
                 .errors.at(0)
                 .find("set twice") != std::string::npos);
  // Several errors: each its own entry; LoadConfig joins them on one line.
  Result<Config> many = Args({"--io-threads", "x", "--listen", "y"}).Load();
  BOOST_TEST(many.status().code() == "BAD_CONFIG");
  BOOST_TEST(many.status().message().find("; ") != std::string::npos);
  BOOST_TEST(many.status().message().find('\n') == std::string::npos);
}

BOOST_AUTO_TEST_CASE(positional_words_after_a_subcommand) {
  // The lead strips "device-cert" and passes the rest with argv[0] = subcommand.
  Result<Config> c = Args({"--data", "/d", "SCN-1", "/tmp/out"}).Load();
  BOOST_REQUIRE(c.ok());
  const std::vector<std::string> expected = {"SCN-1", "/tmp/out"};
  BOOST_TEST(c->args == expected, boost::test_tools::per_element());
  BOOST_TEST(Args({"--data", "/d", "--", "--not-an-option"}).Load()->args.at(0) ==
             "--not-an-option");
}

BOOST_AUTO_TEST_CASE(check_config_exit_codes) {
  std::ostringstream out, err;
  BOOST_TEST(!HandleInfoFlags(Args({"--data", "/d"}).Parse(), out, err).has_value());

  BOOST_TEST(*HandleInfoFlags(Args({"--data", "/d", "--check-config"}).Parse(), out, err) == 0);
  BOOST_TEST(out.str() == "config OK\n");
  BOOST_TEST(err.str().empty());

  out.str("");
  const auto rc = HandleInfoFlags(Args({"--check-config", "--io-threads", "x"}).Parse(), out, err);
  BOOST_TEST(*rc == 2);
  BOOST_TEST(out.str().empty());
  // Two errors (io-threads and the missing data), one line each.
  const std::string lines = err.str();
  BOOST_TEST(std::count(lines.begin(), lines.end(), '\n') == 2);
  BOOST_TEST(lines.find("io-threads:") != std::string::npos);
  BOOST_TEST(lines.find("data: required") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(help_lists_every_option_with_its_default) {
  std::ostringstream out, err;
  // Help works even without the required --data.
  BOOST_TEST(*HandleInfoFlags(Args({"--help"}).Parse(), out, err) == 0);
  BOOST_TEST(Args({"--help"}).Load().ok());
  const std::string help = out.str();
  for (const std::string& name : ConfigSettingNames())
    BOOST_TEST(help.find("--" + name) != std::string::npos, name);
  BOOST_TEST(help.find("[default: 127.0.0.1:8443]") != std::string::npos);
  BOOST_TEST(help.find("[default: +08:00]") != std::string::npos);
  BOOST_TEST(help.find("--check-config") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(shipped_cradle_conf_documents_every_setting_and_parses) {
  const std::string path = std::string(CRADLE_SOURCE_DIR) + "/server/cradle.conf";
  std::ifstream in(path);
  BOOST_REQUIRE_MESSAGE(in, "cannot read " << path);
  std::stringstream text;
  text << in.rdbuf();
  // Every setting the server reads (except `config` itself) appears as "# name = default".
  const std::vector<std::string> names = ConfigSettingNames();
  for (const std::string& name : names) {
    if (name == "config") continue;
    BOOST_TEST(text.str().find("\n# " + name + " =") != std::string::npos, name);
  }
  // Uncommenting every setting line must give a valid file with the default values.
  ScratchDir dir;
  std::string uncommented;
  std::istringstream lines(text.str());
  for (std::string line; std::getline(lines, line);) {
    const size_t space = line.find(' ', 2);
    if (line.rfind("# ", 0) == 0 && space != std::string::npos &&
        std::count(names.begin(), names.end(), line.substr(2, space - 2)) &&
        line.compare(space, 2, " =") == 0)
      line = line.substr(2);
    uncommented += line + "\n";
  }
  const ConfigParse p = Args({"--config", WriteConf(dir, uncommented), "--data", "/d"}).Parse();
  BOOST_REQUIRE_MESSAGE(p.errors.empty(), JoinErrors(p));
  const ConfigParse defaults = Args({"--data", "/d"}).Parse();
  BOOST_TEST(p.config.listen == defaults.config.listen);
  BOOST_TEST(p.config.io_threads == defaults.config.io_threads);
  BOOST_TEST(p.config.max_body_bytes == defaults.config.max_body_bytes);
  BOOST_TEST(p.config.rate_limit_burst == defaults.config.rate_limit_burst);
  BOOST_TEST(p.config.time_zone_offset_minutes == defaults.config.time_zone_offset_minutes);
  BOOST_TEST(p.config.unreceived_working_days == defaults.config.unreceived_working_days);
}

}  // namespace
}  // namespace cradle
