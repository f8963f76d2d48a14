// cradle-server backup --data DIR DEST.db: an online copy of the live database.
#include <iostream>

#include "server/store/database.h"

#include "server/cmd/command.h"

namespace cradle::cmd {

int Backup(const Invocation& in) {
  const Config& cfg = in.cfg;
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

}  // namespace cradle::cmd
