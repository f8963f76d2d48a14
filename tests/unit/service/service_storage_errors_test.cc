// Storage errors on the read path are errors, not gaps (issue 11, finding 5). The monthly
// reconciliation, the capacity rules and public verify each look rows up one by one; a row the
// store no longer has (NOT_FOUND) may be left out, but any other failure must fail the call:
// a 200 with a line silently missing is an incomplete legal report.
//
// Method: the world is built on a real SQLite file and closed. For N = 1, 2, ... a fresh copy of
// that file is opened through the store::Env VFS shim (cold caches, so every page is read from
// the file) and the Nth file read of one call fails. The call must then either fail with a code
// other than NOT_FOUND, or answer exactly what it answers without a fault. The sweep ends at the
// first N the call never reaches.
#define BOOST_TEST_MODULE service_storage_errors
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <functional>
#include <string>

#include "server/service/cases.h"
#include "server/service/reconciliation.h"
#include "server/store/env.h"
#include "tests/unit/service/recon_world.h"

namespace cradle::service::testing {
namespace {

constexpr int kMaxReads = 5000;

// The world after `setup`, closed so that its file alone holds everything (WAL checkpointed).
struct ClosedWorld {
  World w;
  std::string pristine;
  explicit ClosedWorld(const std::function<void(World&)>& setup) {
    setup(w);
    w.ctx.reset();
    w.db.reset();
    pristine = w.dir.File("pristine.db");
    std::filesystem::copy_file(w.dir.File("cradle.db"), pristine);
    BOOST_REQUIRE(!std::filesystem::exists(w.dir.File("cradle.db-wal")) ||
                  std::filesystem::file_size(w.dir.File("cradle.db-wal")) == 0);
  }
};

// One call on a fresh copy of the pristine file, opened through `env` (nullptr: no shim), with
// the `n`th read failing (0: none). Returns the call's summary, or its error code prefixed "!".
using Call = std::function<Result<std::string>(const Context&)>;
std::string RunOnCopy(ClosedWorld& cw, store::Env* env, int n, const Call& call, bool* hit) {
  const std::string path = cw.w.dir.File("copy-" + std::to_string(n) + ".db");
  std::filesystem::copy_file(cw.pristine, path);
  std::string out;
  {
    store::Database::Options o;
    o.path = path;
    o.clock = &cw.w.clock;
    o.readers = 1;
    o.env = env;
    auto db = store::Database::Open(o);
    BOOST_REQUIRE_MESSAGE(db.ok(), db.status().ToString());
    Context ctx{**db, *cw.w.keys, *cw.w.catalogue, cw.w.clock, {}};
    const int64_t injected = env ? env->injected() : 0;
    if (env && n > 0) env->FailNthRead(n);
    Result<std::string> r = call(ctx);
    if (env) env->Disarm();
    *hit = env && env->injected() > injected;
    out = r.ok() ? *r : "!" + r.status().code();
  }
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix, ec);
  return out;
}

// Sweeps N; returns how many faulted calls failed (so a sweep that never hit a row fails).
int Sweep(ClosedWorld& cw, const Call& call, const std::string& baseline) {
  store::Env env("cradle-read-fault-" + std::to_string(reinterpret_cast<uintptr_t>(&cw)));
  int failed = 0;
  for (int n = 1; n <= kMaxReads; ++n) {
    bool hit = false;
    const std::string got = RunOnCopy(cw, &env, n, call, &hit);
    if (!hit) {
      BOOST_TEST(got == baseline, "n = " << n << " (fault not reached)");
      BOOST_TEST_MESSAGE("sweep ended at n = " << n << ", " << failed << " calls failed");
      return failed;
    }
    if (got.starts_with("!")) {
      BOOST_TEST(got != "!NOT_FOUND", "n = " << n << ": a read fault reported as NOT_FOUND");
      ++failed;
    } else {
      BOOST_TEST(got == baseline, "n = " << n << ": answered with a different report");
    }
  }
  BOOST_FAIL("the call still reads after " << kMaxReads << " reads");
  return failed;
}

// Fourteen 50 t containers received at the landfill: 875 m³ of its 1000 m³, so capacity opens.
void Busy(World& w) {
  for (auto& m : w.Issue(w.producer_p, 14, 50'000'000)) {
    BOOST_REQUIRE(w.Scan("pickup", m).status == "accepted");
    BOOST_REQUIRE(w.Scan("receive", m).status == "accepted");
  }
  auto q = w.Issue(w.producer_q, 1, 20'000).front();
  BOOST_REQUIRE(w.Scan("pickup", q).status == "accepted");
}

BOOST_AUTO_TEST_CASE(reconciliation_fails_rather_than_leaving_a_line_out) {
  ClosedWorld cw(Busy);
  const Call call = [&](const Context& ctx) -> Result<std::string> {
    auto r = Reconcile(ctx, cw.w.admin, "2026-03");
    if (!r.ok()) return r.status();
    std::string s;
    for (const auto& p : r->producers) s += "P:" + p.r.producer + "=" + p.name + ";";
    for (const auto& f : r->facilities) s += "F:" + f.r.facility + "=" + f.name + ";";
    for (const auto& g : r->programmes) s += "G:" + g.r.programme + "=" + g.name + ";";
    for (const auto& t : r->transfers) s += "T:" + t.name + ";";
    return s;
  };
  bool hit = false;
  const std::string baseline = RunOnCopy(cw, nullptr, 0, call, &hit);
  BOOST_REQUIRE(!baseline.starts_with("!"));
  BOOST_REQUIRE(baseline.find("F:LF=") != std::string::npos);
  BOOST_REQUIRE(baseline.find("G:PRG=") != std::string::npos);
  BOOST_TEST(Sweep(cw, call, baseline) > 0);
}

BOOST_AUTO_TEST_CASE(capacity_rules_fail_rather_than_skipping_a_facility) {
  ClosedWorld cw(Busy);
  const Call call = [&](const Context& ctx) -> Result<std::string> {
    auto r = RunRules(ctx, {2026, 3, 2});
    if (!r.ok()) return r.status();
    std::string s;
    for (const auto& [kind, n] : r->opened_by_kind) s += kind + "=" + std::to_string(n) + ";";
    return s;
  };
  bool hit = false;
  const std::string baseline = RunOnCopy(cw, nullptr, 0, call, &hit);
  BOOST_REQUIRE_MESSAGE(baseline.find("capacity=") != std::string::npos, baseline);
  BOOST_TEST(Sweep(cw, call, baseline) > 0);
}

BOOST_AUTO_TEST_CASE(public_verify_fails_rather_than_hiding_the_status) {
  std::string token;
  ClosedWorld cw([&](World& w) {
    auto m = w.Issue(w.producer_p, 1, 20'000).front();
    BOOST_REQUIRE(w.Scan("pickup", m).status == "accepted");
    token = m.token;
  });
  const Call call = [&](const Context& ctx) -> Result<std::string> {
    Result<OnlineVerification> r = VerifyOnline(ctx, token);
    if (!r.ok()) return r.status();
    return std::string(r->valid ? "valid:" : "invalid:") + r->status.value_or("(none)");
  };
  bool hit = false;
  const std::string baseline = RunOnCopy(cw, nullptr, 0, call, &hit);
  BOOST_REQUIRE_EQUAL(baseline, "valid:collected");
  BOOST_TEST(Sweep(cw, call, baseline) > 0);
}

}  // namespace
}  // namespace cradle::service::testing
