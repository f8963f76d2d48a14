// cradle-server catalogue-import --data DIR --edition YYYY FILE.csv: installs a waste catalogue
// edition into the data directory.
#include <iostream>

#include "server/service/catalogue_source.h"

#include "server/cmd/command.h"

namespace cradle::cmd {

int CatalogueImport(const Invocation& in) {
  const Config& cfg = in.cfg;
  const std::string& edition = in.edition;
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

}  // namespace cradle::cmd
