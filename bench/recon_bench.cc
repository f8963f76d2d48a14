// recon_bench: the monthly reconciliation over a database of N scan events (default 10
// million), against the same producer figures computed from the raw events with one SQL query.
// Builds the database directly through the store (InsertManifestAt/InsertEventAt, which keep
// the roll-ups as live ingest does) in big transactions, in a temp dir. Not a test.
//
// Usage: recon_bench [events=10000000] [dir=/tmp]
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "core/civil_time.h"
#include "core/digital_id.h"
#include "core/uscc.h"
#include "server/pki/signing_keys.h"
#include "server/service/catalogue_source.h"
#include "server/service/reconciliation.h"
#include "server/store/facilities.h"
#include "server/store/orgs.h"
#include "server/store/programmes.h"
#include "server/store/reconciliation.h"

using namespace cradle;

namespace {

constexpr int kProducers = 200;
constexpr int kTz = 480;
constexpr int kDays = 730;  // two years of history
const CivilDate kFirstDay{2024, 1, 1};
constexpr int64_t kMinute = 60 * kMicrosPerSecond;

double Ms(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

std::string Org(const char* kind, int i) {
  char body[32];
  std::snprintf(body, sizeof body, "91331000%s%06d", kind, i);
  return std::string(body) + UsccCheckChar(body);
}

Status Parties(store::Database& db) {
  return db.Write([](store::Txn& txn) -> Status {
    auto org = [&](const std::string& uscc, const char* role) {
      store::Org o;
      o.uscc = uscc;
      o.name = "bench " + uscc;
      o.roles = {role};
      return store::InsertOrg(txn, o);
    };
    if (Status s = org(Org("CLT", 1), "collector"); !s.ok()) return s;
    if (Status s = org(Org("LFL", 1), "facility"); !s.ok()) return s;
    store::Facility f;
    f.id = "LF";
    f.operator_org = Org("LFL", 1);
    f.name = "landfill";
    f.kind = "landfill";
    f.volume_m3 = 238000;
    f.density_t_per_m3 = 1.3;
    f.cover_fraction = 0.15;
    if (Status s = store::InsertFacility(txn, f); !s.ok()) return s;
    store::Programme prog;
    prog.id = "PRG";
    prog.name = "programme";
    prog.collector = Org("CLT", 1);
    prog.capacity_t_per_year = 400;
    if (Status s = store::InsertProgramme(txn, prog); !s.ok()) return s;
    for (int i = 1; i <= kProducers; ++i) {
      if (Status s = org(Org("BEN", i), "producer"); !s.ok()) return s;
      if (i % 2 == 0) {
        if (Status s = store::AddProgrammeMember(txn, "PRG", Org("BEN", i)); !s.ok()) return s;
      }
    }
    return Status();
  });
}

// Manifest number n: producer, day and serial so that ids are unique.
store::Manifest MakeManifest(int64_t n, int64_t manifests) {
  const int producer = static_cast<int>(n % kProducers) + 1;
  const int64_t day = n * kDays / manifests;
  const int serial = static_cast<int>((n / kProducers) % 999) + 1;
  const CivilDate d = AddDays(kFirstDay, day);
  store::Manifest m;
  m.producer = Org("BEN", producer);
  m.waste_code = "77200218";
  m.id = BuildDigitalId(DigitalId{m.producer, m.waste_code, d, serial});
  m.produced_on = FormatIsoDate(d);
  m.serial = serial;
  m.mass_g = 1'000'000 + (n % 50) * 1000;
  m.packaging = "TB";
  m.kid = "K1";
  m.token = "bench";
  m.status = "disposed";
  m.destination = "LF";
  m.issued_by = m.producer;
  m.issued_at = StartOfLocalDay(d, kTz) + 8 * 60 * kMinute + (n % 600) * kMicrosPerSecond;
  return m;
}

Status Build(store::Database& db, int64_t events) {
  const int64_t manifests = events / 3;  // pickup, receive, dispose each
  constexpr int64_t kBatch = 50'000;
  const auto t0 = std::chrono::steady_clock::now();
  for (int64_t first = 0; first < manifests; first += kBatch) {
    const int64_t last = std::min(manifests, first + kBatch);
    Status s = db.Write([&](store::Txn& txn) -> Status {
      for (int64_t n = first; n < last; ++n) {
        store::Manifest m = MakeManifest(n, manifests);
        if (Status st = store::InsertManifestAt(txn, m, kTz); !st.ok()) return st;
        const char* kinds[] = {"pickup", "receive", "dispose"};
        for (int k = 0; k < 3; ++k) {
          store::ManifestEvent e;
          e.event_id = "e" + std::to_string(n * 3 + k);
          e.manifest_id = m.id;
          e.kind = kinds[k];
          e.actor = k == 0 ? Org("CLT", 1) : Org("LFL", 1);
          if (k < 2) e.mass_g = m.mass_g - 500 * k;
          e.received_at = m.issued_at + (k + 1) * 60 * kMinute;
          e.scanned_at = e.received_at;
          if (k > 0) e.facility = "LF";
          if (k == 2) e.method = "D1";
          e.content_sha256 = "0";
          if (auto seq = store::InsertEventAt(txn, e, kTz); !seq.ok()) return seq.status();
        }
      }
      return Status();
    });
    if (!s.ok()) return s;
    const double secs = Ms(std::chrono::steady_clock::now() - t0) / 1000;
    std::fprintf(stderr, "\r  %lld / %lld events written (%.0f s)", (long long)(last * 3),
                 (long long)(manifests * 3), secs);
  }
  std::fprintf(stderr, "\n");
  return Status();
}

// The producer figures of `month` straight from the raw rows: one query.
Result<int64_t> RawQuery(store::Database& db, const YearMonth& month) {
  int64_t rows = 0;
  Status s = db.Read([&](store::Txn& txn) -> Status {
    auto st = txn.Prepare(
        "SELECT m.producer, sum(e.kind = 'pickup'), sum(CASE WHEN e.kind = 'pickup' THEN "
        "e.mass_g END), sum(e.kind = 'receive'), sum(CASE WHEN e.kind = 'receive' THEN e.mass_g "
        "END), sum(CASE WHEN e.kind = 'receive' THEN m.mass_g END), sum(e.kind = 'dispose') FROM "
        "manifest_events e JOIN manifests m ON m.id = e.manifest_id WHERE e.received_at >= ? AND "
        "e.received_at < ? GROUP BY m.producer");
    if (!st.ok()) return st.status();
    st->Bind(1, StartOfLocalMonth(month, kTz)).Bind(2, StartOfLocalMonth(NextMonth(month), kTz));
    while (true) {
      auto row = st->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      ++rows;
    }
    return Status();
  });
  if (!s.ok()) return s;
  return rows;
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t events = argc > 1 ? std::atoll(argv[1]) : 10'000'000;
  std::string pattern = std::string(argc > 2 ? argv[2] : "/tmp") + "/recon-bench-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) return 1;
  store::Database::Options o;
  o.path = pattern + "/cradle.db";
  o.readers = 2;
  auto db = store::Database::Open(o);
  if (!db.ok()) {
    std::fprintf(stderr, "%s\n", db.status().ToString().c_str());
    return 1;
  }
  std::fprintf(stderr, "recon_bench: building %lld scan events in %s\n", (long long)events,
               pattern.c_str());
  const auto t0 = std::chrono::steady_clock::now();
  if (Status s = Parties(**db); !s.ok() || !(s = Build(**db, events)).ok()) {
    std::fprintf(stderr, "build failed: %s\n", s.ToString().c_str());
    return 1;
  }
  std::printf("built %lld events in %.1f s\n", (long long)events,
              Ms(std::chrono::steady_clock::now() - t0) / 1000);

  SystemClock clock;
  auto keys = pki::SigningKeyStore::LoadOrCreate(pattern + "/keys");
  auto catalogue = LoadCatalogueCsv(service::EmbeddedCatalogue2016(), "2016");
  if (!keys.ok() || !catalogue.ok()) return 1;
  service::Context ctx{**db, **keys, *catalogue, clock, {}};
  service::Principal regulator;
  regulator.role = service::Role::kRegulator;
  const YearMonth month{2025, 6};
  const std::string key = FormatMonthKey(month);
  double best = 1e9, worst = 0;
  size_t producers = 0;
  for (int i = 0; i < 20; ++i) {
    const auto t = std::chrono::steady_clock::now();
    auto r = service::Reconcile(ctx, regulator, key);
    const double ms = Ms(std::chrono::steady_clock::now() - t);
    if (!r.ok()) {
      std::fprintf(stderr, "reconcile: %s\n", r.status().ToString().c_str());
      return 1;
    }
    producers = r->producers.size();
    best = std::min(best, ms);
    worst = std::max(worst, ms);
  }
  std::printf(
      "monthly reconciliation %s from roll-ups: best %.2f ms, worst %.2f ms (20 runs, "
      "%zu producers)\n",
      key.c_str(), best, worst, producers);
  const auto t = std::chrono::steady_clock::now();
  auto raw = RawQuery(**db, month);
  if (!raw.ok()) {
    std::fprintf(stderr, "raw: %s\n", raw.status().ToString().c_str());
    return 1;
  }
  std::printf("same producer figures from raw events, one SQL query: %.1f ms (%lld producers)\n",
              Ms(std::chrono::steady_clock::now() - t), (long long)*raw);
  db->reset();
  std::error_code ec;
  std::filesystem::remove_all(pattern, ec);
  return 0;
}
