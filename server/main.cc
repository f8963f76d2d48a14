// cradle-server: the HTTPS API over the store. Subcommands:
//   cradle-server [serve] --data DIR [--listen ADDR:PORT] [--config FILE] [--demo]
//   cradle-server device-cert --data DIR DEVICE_ID OUT_DIR
//   cradle-server rotate-key --data DIR
//   cradle-server catalogue-import --data DIR --edition YYYY FILE.csv
//   cradle-server backup --data DIR DEST.db
//   cradle-server restore --data NEW_EMPTY_DIR FROM.db
// Exit status: 0 after a clean shutdown; 2 bad usage or config; 1 cannot start (one line why).
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "server/api/api.h"
#include "server/config.h"
#include "server/http/access_log.h"
#include "server/http/metrics.h"
#include "server/http/rate_limiter.h"
#include "server/http/server.h"
#include "server/notify.h"
#include "server/pki/certs.h"
#include "server/pki/secrets.h"
#include "server/pki/signing_keys.h"
#include "server/service/calendar_source.h"
#include "server/service/catalogue_source.h"
#include "server/service/demo.h"
#include "server/service/parties.h"
#include "server/service/scheduler.h"
#include "server/store/database.h"

extern char** environ;

namespace cradle {
namespace {

int Fail(const std::string& why) {
  std::cerr << "cradle-server: " << why << "\n";
  return 1;
}

// Creates the data directory (0700) and checks it is writable, so a read-only or foreign
// directory fails at start with a clear reason rather than at the first write.
Status PrepareDataDir(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return Status("IO_ERROR", "cannot create data directory " + dir + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    // access() below would pass for root on an executable file.
    return Status("IO_ERROR", "data directory " + dir + " is not a directory");
  }
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    return Status("IO_ERROR",
                  "data directory " + dir + " is not writable: " + std::strerror(errno));
  }
  return Status();
}

struct Loaded {
  ConfigParse parse;
  std::optional<int> exit;
};

Loaded Load(int argc, char** argv) {
  Loaded l;
  l.parse = ParseConfig(argc, argv, environ);
  l.exit = HandleInfoFlags(l.parse, std::cout, std::cerr);
  if (!l.exit && !l.parse.errors.empty()) {
    for (const auto& e : l.parse.errors) std::cerr << "cradle-server: " << e << "\n";
    l.exit = 2;
  }
  if (!l.exit && l.parse.config.data.empty()) {
    std::cerr << "cradle-server: --data DIR is required\n";
    l.exit = 2;
  }
  return l;
}

int Serve(const Config& cfg) {
  if (Status s = PrepareDataDir(cfg.data); !s.ok()) return Fail(s.message());
  // The database first: if it cannot be opened, start-up fails before certificates or keys
  // are written into the data directory.
  SystemClock clock;
  store::Database::Options db_opts;
  db_opts.path = cfg.data + "/cradle.db";
  db_opts.clock = &clock;
  auto db = store::Database::Open(db_opts);
  if (!db.ok()) return Fail(db.status().ToString());
  const std::string certs = cfg.data + "/certs";
  if (Status s = pki::EnsureDevCerts(certs); !s.ok()) return Fail(s.ToString());
  auto keys = pki::SigningKeyStore::LoadOrCreate(cfg.data + "/keys");
  if (!keys.ok()) return Fail(keys.status().ToString());
  auto catalogue = service::LoadDeploymentCatalogue(cfg.data);
  if (!catalogue.ok()) return Fail(catalogue.status().ToString());

  auto calendar = service::LoadCalendar(cfg.calendar_dir.empty() ? service::DefaultCalendarDir()
                                                                  : cfg.calendar_dir);
  if (!calendar.ok()) return Fail(calendar.status().ToString());

  service::Context ctx{**db, **keys, *catalogue, clock, {}};
  ctx.calendar = &*calendar;
  ctx.settings.tz_offset_minutes = cfg.time_zone_offset_minutes;
  ctx.settings.weight_tolerance_pct = cfg.weight_tolerance_pct;
  ctx.settings.clock_skew_max_s = cfg.clock_skew_max_s;
  ctx.settings.uncollected_days = cfg.uncollected_days;
  ctx.settings.unreceived_working_days = cfg.unreceived_working_days;

  auto admin = service::BootstrapAdminToken(ctx);
  if (!admin.ok()) return Fail(admin.status().ToString());
  const std::string admin_path = cfg.data + "/admin.token";
  if (*admin) {
    ::unlink(admin_path.c_str());  // a stale file from an earlier, wiped database
    if (Status s = pki::WriteSecretFile(admin_path, **admin + "\n"); !s.ok()) {
      return Fail(s.ToString());
    }
  }
  // --demo seeds only a deployment that has no parties yet; later starts keep what is there.
  if (cfg.demo) {
    service::Principal system;
    system.role = service::Role::kAdmin;
    auto orgs = service::ListOrgs(ctx, system, std::nullopt, 1);
    if (!orgs.ok()) return Fail(orgs.status().ToString());
    if (orgs->items.empty()) {
      std::cerr << "cradle-server: seeding the demo district...\n";
      if (Status s = service::SeedDemo(ctx, cfg.data + "/demo-tokens.txt"); !s.ok()) {
        return Fail("demo seed failed: " + s.ToString());
      }
    }
  }

  std::unique_ptr<http::AccessLog> log;
  if (cfg.log_file.empty()) {
    log = http::AccessLog::Stderr();
  } else {
    auto f = http::AccessLog::OpenFile(cfg.log_file);
    if (!f.ok()) return Fail(f.status().ToString());
    log = std::move(*f);
  }
  http::MetricsRegistry& metrics = http::DefaultMetrics();
  http::RateLimiterOptions auth_limit;
  auth_limit.rate_per_second = 1;
  auth_limit.burst = 20;
  http::RateLimiter auth_failures(auth_limit);

  std::unique_ptr<http::Server> server;
  api::Deps deps{ctx, metrics, auth_failures, [&server] { return server && server->draining(); },
                 cfg.web_root};
  http::Router router;
  api::RegisterRoutes(router, deps);

  http::ServerOptions opts;
  opts.address = cfg.listen_host;
  opts.port = cfg.listen_port;
  opts.io_threads = cfg.io_threads;
  opts.handler_threads = cfg.handler_threads;
  opts.cert_chain_file = cfg.tls_cert.empty() ? certs + "/server.crt" : cfg.tls_cert;
  opts.key_file = cfg.tls_key.empty() ? certs + "/server.key" : cfg.tls_key;
  opts.client_ca_file = cfg.client_ca.empty() ? certs + "/ca.crt" : cfg.client_ca;
  opts.limits.body_bytes = static_cast<size_t>(cfg.max_body_bytes);
  opts.limits.header_bytes = static_cast<size_t>(cfg.max_header_bytes);
  opts.timeouts.read = std::chrono::seconds(cfg.read_timeout_s);
  opts.timeouts.idle = std::chrono::seconds(cfg.idle_timeout_s);
  opts.timeouts.handshake = std::chrono::seconds(cfg.handshake_timeout_s);
  opts.rate_limit.rate_per_second = cfg.rate_limit_rps;
  opts.rate_limit.burst = cfg.rate_limit_burst;
  opts.access_log = log.get();
  opts.metrics = &metrics;
  opts.handle_signals = true;
  server = std::make_unique<http::Server>(opts, std::move(router));
  if (Status s = server->Start(); !s.ok()) return Fail(s.message());

  std::cerr << "cradle-server: listening on https://" << cfg.listen_host << ":" << server->port()
            << "/  (CA certificate: " << certs << "/ca.crt, admin token: " << admin_path
            << ", catalogue edition " << catalogue->edition() << ")\n";
  std::cout << "READY https://" << cfg.listen_host << ":" << server->port() << std::endl;
  NotifySystemd("READY=1");
  service::RulesScheduler rules(
      ctx, std::chrono::seconds(cfg.rules_interval_s), [](const Status& s) {
        std::cerr << "cradle-server: rules run failed: " << s.ToString() << "\n";
      });
  rules.Start();
  server->RunUntilSignal();
  rules.Stop();
  NotifySystemd("STOPPING=1");
  if (Status s = (*db)->Checkpoint(); !s.ok())
    std::cerr << "cradle-server: " << s.ToString() << "\n";
  db->reset();
  std::cerr << "cradle-server: stopped cleanly\n";
  return 0;
}

int DeviceCert(const Config& cfg) {
  if (cfg.args.size() != 2) {
    std::cerr << "usage: cradle-server device-cert --data DIR DEVICE_ID OUT_DIR\n";
    return 2;
  }
  if (Status s = pki::EnsureDevCerts(cfg.data + "/certs"); !s.ok()) return Fail(s.ToString());
  if (::mkdir(cfg.args[1].c_str(), 0700) != 0 && errno != EEXIST) {
    return Fail("cannot create " + cfg.args[1] + ": " + std::strerror(errno));
  }
  Status s = pki::IssueDeviceCert(cfg.data + "/certs", cfg.args[0], cfg.args[1]);
  if (!s.ok()) return Fail(s.ToString());
  std::cout << cfg.args[1] << "/" << cfg.args[0] << ".crt\n"
            << cfg.args[1] << "/" << cfg.args[0] << ".key\n";
  return 0;
}

int RotateKey(const Config& cfg) {
  auto keys = pki::SigningKeyStore::LoadOrCreate(cfg.data + "/keys");
  if (!keys.ok()) return Fail(keys.status().ToString());
  auto kid = (*keys)->Rotate();
  if (!kid.ok()) return Fail(kid.status().ToString());
  std::cout << "active signing key is now " << *kid
            << " (older keys stay published; restart the server to sign with it)\n";
  return 0;
}

int CatalogueImport(const Config& cfg, const std::string& edition) {
  if (cfg.args.size() != 1 || edition.empty()) {
    std::cerr << "usage: cradle-server catalogue-import --data DIR --edition YYYY FILE.csv\n";
    return 2;
  }
  if (Status s = PrepareDataDir(cfg.data); !s.ok()) return Fail(s.message());
  if (Status s = service::ImportCatalogue(cfg.data, edition, cfg.args[0]); !s.ok()) {
    return Fail(s.ToString());
  }
  auto cat = service::LoadDeploymentCatalogue(cfg.data);
  if (!cat.ok()) return Fail(cat.status().ToString());
  std::cout << "imported catalogue edition " << cat->edition() << ": " << cat->size()
            << " entries in " << cat->CountByCategory().size() << " categories\n";
  return 0;
}

int Backup(const Config& cfg) {
  if (cfg.args.size() != 1) {
    std::cerr << "usage: cradle-server backup --data DIR DEST.db\n";
    return 2;
  }
  store::Database::Options o;
  o.path = cfg.data + "/cradle.db";
  o.readers = 1;
  auto db = store::Database::Open(o);
  if (!db.ok()) return Fail(db.status().ToString());
  if (Status s = (*db)->Backup(cfg.args[0]); !s.ok()) return Fail(s.ToString());
  std::cout << "backed up to " << cfg.args[0] << "\n"
            << "reminder: the label-signing keys (" << cfg.data << "/keys/), the certificates ("
            << cfg.data
            << "/certs/) and admin.token are not in the database; back them up "
               "too, or old labels will not verify after a restore\n";
  return 0;
}

// PRAGMA integrity_check on `path`: ok, or CORRUPT with SQLite's first complaint. Opened
// read-only so a damaged file is never written to.
Status CheckDatabaseFile(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  std::string verdict;
  if (rc == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    rc = sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, nullptr);
    if (rc == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(stmt, 0);
      verdict = text ? reinterpret_cast<const char*>(text) : "";
    } else {
      verdict = sqlite3_errmsg(db);
    }
    sqlite3_finalize(stmt);
    // A database the server never migrated is not a cradle backup.
    if (verdict == "ok" && sqlite3_exec(db, "SELECT 1 FROM manifests LIMIT 1", nullptr, nullptr,
                                        nullptr) != SQLITE_OK) {
      verdict = "no manifests table: not a cradle database";
    }
  } else {
    verdict = sqlite3_errstr(rc);
  }
  sqlite3_close_v2(db);
  if (verdict != "ok") return Status("CORRUPT", path + ": " + verdict);
  return Status();
}

// fsync of a file or directory, so the rename below is durable.
Status SyncPath(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status("IO_ERROR", "open " + path + ": " + std::strerror(errno));
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Status("IO_ERROR", "fsync " + path + ": " + std::strerror(errno));
  return Status();
}

// Copies FROM.db into DIR/cradle.db: a temporary copy is integrity-checked, synced and then
// renamed into place, so a failed restore leaves no database a server would open.
int Restore(const Config& cfg) {
  namespace fs = std::filesystem;
  if (cfg.args.size() != 1) {
    std::cerr << "usage: cradle-server restore --data NEW_EMPTY_DIR FROM.db\n";
    return 2;
  }
  const std::string from = cfg.args[0];
  if (Status s = PrepareDataDir(cfg.data); !s.ok()) return Fail(s.message());
  const std::string target = cfg.data + "/cradle.db";
  std::error_code ec;
  for (const std::string& p : {target, target + "-wal", target + "-journal"}) {
    if (fs::exists(p, ec) && fs::file_size(p, ec) > 0) {
      return Fail("refusing to restore over a non-empty database: " + p);
    }
  }
  if (!fs::is_regular_file(from, ec)) return Fail("no backup file " + from);
  const std::string temp = target + ".restore-" + std::to_string(::getpid());
  fs::copy_file(from, temp, fs::copy_options::overwrite_existing, ec);
  if (ec) return Fail("cannot copy " + from + ": " + ec.message());
  fs::permissions(temp, fs::perms::owner_read | fs::perms::owner_write, ec);
  Status s = CheckDatabaseFile(temp);
  if (s.ok()) s = SyncPath(temp);
  if (s.ok() && ::rename(temp.c_str(), target.c_str()) != 0) {
    s = Status("IO_ERROR", "rename to " + target + ": " + std::strerror(errno));
  }
  if (!s.ok()) {
    fs::remove(temp, ec);
    return Fail(s.ToString());
  }
  if (Status d = SyncPath(cfg.data); !d.ok()) return Fail(d.ToString());
  std::cout << "restored " << from << " into " << target << "\n";
  if (!fs::exists(cfg.data + "/keys", ec) || !fs::exists(cfg.data + "/certs", ec)) {
    std::cout << "now copy keys/, certs/ and admin.token from the backed-up data directory into "
              << cfg.data
              << " before starting the server: without the old keys, old labels "
                 "will not verify\n";
  }
  return 0;
}

}  // namespace
}  // namespace cradle

int main(int argc, char** argv) {
  using namespace cradle;
  std::string cmd = "serve";
  std::vector<char*> args(argv, argv + argc);
  if (argc > 1 && argv[1][0] != '-') {
    cmd = argv[1];
    args.erase(args.begin() + 1);
  }
  // catalogue-import takes --edition, which is not a server setting.
  std::string edition;
  for (size_t i = 1; i + 1 < args.size(); ++i) {
    if (std::string(args[i]) == "--edition") {
      edition = args[i + 1];
      args.erase(args.begin() + static_cast<long>(i), args.begin() + static_cast<long>(i) + 2);
      break;
    }
  }
  Loaded l = Load(static_cast<int>(args.size()), args.data());
  if (l.exit) return *l.exit;
  const Config& cfg = l.parse.config;
  if (cmd == "serve") return Serve(cfg);
  if (cmd == "device-cert") return DeviceCert(cfg);
  if (cmd == "rotate-key") return RotateKey(cfg);
  if (cmd == "catalogue-import") return CatalogueImport(cfg, edition);
  if (cmd == "backup") return Backup(cfg);
  if (cmd == "restore") return Restore(cfg);
  std::cerr << "cradle-server: unknown command " << cmd
            << " (serve, device-cert, rotate-key, catalogue-import, backup, restore)\n";
  return 2;
}
