// cradle-server rotate-key --data DIR: makes a new label-signing key the active one.
#include <iostream>

#include "server/pki/signing_keys.h"

#include "server/cmd/command.h"

namespace cradle::cmd {

int RotateKey(const Invocation& in) {
  const Config& cfg = in.cfg;
  auto keys = pki::SigningKeyStore::LoadOrCreate(cfg.data + "/keys");
  if (!keys.ok()) return Fail(keys.status().ToString());
  auto kid = (*keys)->Rotate();
  if (!kid.ok()) return Fail(kid.status().ToString());
  std::cout << "active signing key is now " << *kid
            << " (older keys stay published; restart the server to sign with it)\n";
  return 0;
}

}  // namespace cradle::cmd
