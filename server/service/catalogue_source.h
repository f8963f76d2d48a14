// Where the server's waste catalogue comes from: an edition imported into the data directory
// (`<data>/catalogue/active.csv` with `active.edition`), else the 2016 edition compiled in.
//
// Thread safety: functions only; the returned Catalogue is immutable.
#pragma once

#include <string>

#include "core/catalogue.h"
#include "core/status.h"

namespace cradle::service {

// The compiled-in 2016 edition (catalogue/hw-catalogue-2016.csv).
const std::string& EmbeddedCatalogue2016();

Result<Catalogue> LoadDeploymentCatalogue(const std::string& data_dir);

// Validates `csv_path` whole (nothing changes when a row is bad) and makes it the active
// edition. Edition: 4 digits, e.g. "2025".
Status ImportCatalogue(const std::string& data_dir, const std::string& edition,
                       const std::string& csv_path);

}  // namespace cradle::service
