// cradle-server [serve] --data DIR [--listen ADDR:PORT] [--config FILE] [--demo]: runs the
// HTTPS API until SIGTERM/SIGINT, then checkpoints and exits 0.
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <string>

#include "core/clock.h"
#include "server/api/api.h"
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

#include "server/cmd/command.h"

namespace cradle::cmd {
namespace {

// The system clock shifted by a fixed offset (the clock-offset-s setting; 0 in production).
class OffsetClock final : public Clock {
 public:
  explicit OffsetClock(int64_t offset_micros) : offset_(offset_micros) {}
  int64_t NowMicros() const override { return system_.NowMicros() + offset_; }

 private:
  SystemClock system_;
  int64_t offset_;
};

}  // namespace

int Serve(const Invocation& in) {
  const Config& cfg = in.cfg;
  if (Status s = PrepareDataDir(cfg.data); !s.ok()) return Fail(s.message());
  // The database first: if it cannot be opened, start-up fails before certificates or keys
  // are written into the data directory.
  OffsetClock system_clock(int64_t{cfg.clock_offset_s} * 1000000);
  if (cfg.clock_offset_s != 0) {
    std::cerr << "cradle-server: WARNING: clock shifted by " << cfg.clock_offset_s
              << " s (clock-offset-s); never in production\n";
  }
  PinnableClock clock(system_clock);  // the demo seed pins it while it writes its history
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

  // Unset folders: an installed tree's copies, else the source tree's (compiled in).
  const std::string share = InstalledShareDir();
  std::string calendar_dir = cfg.calendar_dir, web_root = cfg.web_root;
  if (calendar_dir.empty()) {
    calendar_dir = share.empty() ? service::DefaultCalendarDir() : share + "/calendar";
  }
  if (web_root.empty() && !share.empty()) web_root = share + "/web";
  auto calendar = service::LoadCalendar(calendar_dir);
  if (!calendar.ok()) return Fail(calendar.status().ToString());

  service::Context ctx{**db, **keys, *catalogue, clock, {}};
  ctx.calendar = &*calendar;
  ctx.settings.tz_offset_minutes = cfg.time_zone_offset_minutes;
  ctx.settings.weight_tolerance_pct = cfg.weight_tolerance_pct;
  ctx.settings.clock_skew_max_s = cfg.clock_skew_max_s;
  ctx.settings.uncollected_days = cfg.uncollected_days;
  ctx.settings.unreceived_working_days = cfg.unreceived_working_days;
  ctx.settings.print_runs_per_org = cfg.print_runs_per_org;
  ctx.settings.print_runs_total = cfg.print_runs_total;

  // admin.token is written before the token's hash is committed: a failed write keeps
  // nothing, so the next start issues a token again instead of locking the admin out.
  const std::string admin_path = cfg.data + "/admin.token";
  bool admin_written = false;
  auto admin = service::BootstrapAdminToken(ctx, [&](const std::string& token) {
    ::unlink(admin_path.c_str());  // a stale file from an earlier, wiped database
    Status s = pki::WriteSecretFile(admin_path, token + "\n");
    admin_written = s.ok();
    return s;
  });
  if (!admin.ok()) {
    if (admin_written) ::unlink(admin_path.c_str());  // its hash was not committed
    return Fail(admin.status().ToString());
  }
  // --demo seeds only a deployment that has no parties yet; later starts keep what is there.
  if (cfg.demo) {
    service::Principal system;
    system.role = service::Role::kAdmin;
    auto orgs = service::ListOrgs(ctx, system, std::nullopt, 1);
    if (!orgs.ok()) return Fail(orgs.status().ToString());
    if (orgs->items.empty()) {
      std::cerr << "cradle-server: seeding the demo district...\n";
      if (Status s = service::SeedDemo(ctx, clock, cfg.data + "/demo-tokens.txt"); !s.ok()) {
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
                 web_root};
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
  opts.limits.unauthenticated_body_bytes = static_cast<size_t>(cfg.max_unauthenticated_body_bytes);
  opts.limits.max_connections_per_address = static_cast<size_t>(cfg.max_connections_per_address);
  opts.pre_authenticate = [&deps](const http::Request& req) {
    return api::PreAuthenticate(deps, req);
  };
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

}  // namespace cradle::cmd
