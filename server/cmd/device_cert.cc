// cradle-server device-cert --data DIR DEVICE_ID OUT_DIR [ORG_USCC]: issues a scanner's client
// certificate. With ORG_USCC the device is also registered to that collector or facility
// organisation first (what POST /api/v1/devices does), so the certificate works at once; if
// the registration fails, no certificate is issued. The database may be in use by a running
// server (SQLite WAL, busy timeout).
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "core/clock.h"
#include "server/pki/certs.h"
#include "server/pki/signing_keys.h"
#include "server/service/catalogue_source.h"
#include "server/service/parties.h"
#include "server/store/database.h"
#include "server/store/tokens.h"

#include "server/cmd/command.h"

namespace cradle::cmd {
namespace {

// Registers `device_id` to `org` as the system administrator. A device already registered to
// that organisation is fine (a certificate re-issued).
Status RegisterDevice(const Config& cfg, const std::string& device_id, const std::string& org) {
  SystemClock clock;
  store::Database::Options db_opts;
  db_opts.path = cfg.data + "/cradle.db";
  db_opts.clock = &clock;
  auto db = store::Database::Open(db_opts);
  if (!db.ok()) return db.status();
  auto keys = pki::SigningKeyStore::LoadOrCreate(cfg.data + "/keys");
  if (!keys.ok()) return keys.status();
  auto catalogue = service::LoadDeploymentCatalogue(cfg.data);
  if (!catalogue.ok()) return catalogue.status();
  service::Context ctx{**db, **keys, *catalogue, clock, {}};
  service::Principal system;
  system.role = service::Role::kAdmin;
  auto created = service::CreateDevice(ctx, system, device_id, org);
  if (created.ok()) return Status();
  if (created.status().code() == "CONFLICT" || created.status().code() == "ALREADY_EXISTS") {
    Status same = (*db)->Read([&](store::Txn& txn) -> Status {
      auto d = store::FindDevice(txn, device_id);
      if (!d.ok()) return d.status();
      if (d->org != org) return Status("CONFLICT", device_id + " is registered to " + d->org);
      return Status();
    });
    return same;
  }
  return created.status();
}

}  // namespace

int DeviceCert(const Invocation& in) {
  const Config& cfg = in.cfg;
  if (cfg.args.size() != 2 && cfg.args.size() != 3) {
    std::cerr << "usage: cradle-server device-cert --data DIR DEVICE_ID OUT_DIR [ORG_USCC]\n";
    return 2;
  }
  const std::string& device_id = cfg.args[0];
  const std::string& out_dir = cfg.args[1];
  if (cfg.args.size() == 3) {
    if (Status s = RegisterDevice(cfg, device_id, cfg.args[2]); !s.ok()) {
      return Fail("cannot register " + device_id + " to " + cfg.args[2] + ": " + s.ToString());
    }
  }
  if (Status s = pki::EnsureDevCerts(cfg.data + "/certs"); !s.ok()) return Fail(s.ToString());
  if (::mkdir(out_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return Fail("cannot create " + out_dir + ": " + std::strerror(errno));
  }
  Status s = pki::IssueDeviceCert(cfg.data + "/certs", device_id, out_dir);
  if (!s.ok()) return Fail(s.ToString());
  std::cout << out_dir << "/" << device_id << ".crt\n" << out_dir << "/" << device_id << ".key\n";
  if (cfg.args.size() == 3) {
    std::cout << "registered " << device_id << " to " << cfg.args[2] << "\n";
  } else {
    std::cout << "not registered: POST /api/v1/devices {device_id, org} before it can sign in\n";
  }
  return 0;
}

}  // namespace cradle::cmd
