// What the service tests stand on: a Context over real components in a fresh temporary
// directory (tests/support/temp_dir.h): a SQLite file, a signing key store, the embedded 2016
// catalogue and a FakeClock the test moves. Each test's World adds its own parties on top.
//
// Ownership: the Deployment owns the directory and everything in it; ctx borrows the rest.
// Thread safety: one test thread.
#pragma once

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <memory>
#include <optional>

#include "core/catalogue.h"
#include "core/clock.h"
#include "server/pki/signing_keys.h"
#include "server/service/catalogue_source.h"
#include "server/service/context.h"
#include "server/store/database.h"
#include "tests/support/temp_dir.h"

namespace cradle::service::testing {

struct Deployment {
  // The clock starts at `start_micros`; the database has `readers` reader connections.
  explicit Deployment(int64_t start_micros, int readers) : clock(start_micros) {
    store::Database::Options o;
    o.path = dir.File("cradle.db");
    o.clock = &clock;
    o.readers = readers;
    auto d = store::Database::Open(o);
    BOOST_REQUIRE_MESSAGE(d.ok(), d.status().ToString());
    db = std::move(*d);
    auto k = pki::SigningKeyStore::LoadOrCreate(dir.File("keys"));
    BOOST_REQUIRE_MESSAGE(k.ok(), k.status().ToString());
    keys = std::move(*k);
    auto c = LoadCatalogueCsv(EmbeddedCatalogue2016(), "2016");
    BOOST_REQUIRE(c.ok());
    catalogue = std::move(*c);
    ctx.reset(new Context{*db, *keys, *catalogue, clock, {}});
  }

  ::cradle::testing::TempDir dir{"cradle-service"};
  FakeClock clock;
  std::unique_ptr<store::Database> db;
  std::unique_ptr<pki::SigningKeyStore> keys;
  std::optional<Catalogue> catalogue;
  std::unique_ptr<Context> ctx;
};

}  // namespace cradle::service::testing
