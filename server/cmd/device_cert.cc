// cradle-server device-cert --data DIR DEVICE_ID OUT_DIR: issues a scanner's client certificate.
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "server/pki/certs.h"

#include "server/cmd/command.h"

namespace cradle::cmd {

int DeviceCert(const Invocation& in) {
  const Config& cfg = in.cfg;
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

}  // namespace cradle::cmd
