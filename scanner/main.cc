// cradle-scan: the handheld scanner client. Subcommands enroll, scan, image, sync, status,
// transfers, verify-transfer (scanner/README in the report; shared/spec/api.md for the wire). Exit
// codes: 0 ok, 1 some scans rejected or parked (a held scan is not a failure), 2 usage or setup
// error, 3 network failure after retries.
#include <boost/program_options.hpp>

#include <charconv>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/civil_time.h"
#include "core/clock.h"
#include "core/jwks.h"
#include "core/mass.h"
#include "core/transfer_token.h"
#include "scanner/home.h"
#include "scanner/https_transport.h"
#include "scanner/image_decoder.h"
#include "scanner/outbox.h"
#include "scanner/scan_session.h"
#include "scanner/settings.h"
#include "scanner/sync.h"

namespace po = boost::program_options;

namespace cradle::scan {
namespace {

enum Exit { kOk = 0, kRejected = 1, kSetup = 2, kNetwork = 3 };

constexpr char kUsage[] =
    "usage: cradle-scan COMMAND [options]\n"
    "  enroll --server https://HOST:PORT --ca CA.crt --cert DEV.crt --key DEV.key\n"
    "  scan   --kind pickup|receive|dispose|reject [--vehicle V] [--facility F] [--method D1]\n"
    "         [--transfer ID]   bind the session to a stored trip: labels not on it are warned\n"
    "  image  FILE... --kind KIND [--mass M] [--vehicle V] [--facility F] [--method D1]\n"
    "         [--transfer ID]\n"
    "  sync   [--hold-for 24h] [--hold-retry 1m]   (also refreshes the stored trips)\n"
    "  transfers [--stored]   fetch and list the open trips of this device's organisation\n"
    "  status\n"
    "  verify-transfer IMAGE|TOKEN   check a transfer manifest's QR offline (stored key set)\n"
    "every command takes --home DIR (default $CRADLE_SCAN_HOME or ~/.cradle-scan)\n";

int Fail(const Status& status) {
  std::cerr << "cradle-scan: " << status.ToString() << "\n";
  const std::string& code = status.code();
  if (code == "NETWORK" || code == "PROTOCOL") return kNetwork;
  return kSetup;
}

// What every command but enroll needs: the home and its open database.
struct Workspace {
  Home home{""};
  std::unique_ptr<Outbox> outbox;
};

Result<Workspace> OpenWorkspace(const std::string& home_option) {
  Result<Home> home = Home::Resolve(home_option);
  if (!home.ok()) return home.status();
  std::error_code ec;
  if (!std::filesystem::exists(home->database(), ec)) {
    return Status("SETUP", "not enrolled (no " + home->database().string() +
                               "): run cradle-scan enroll first");
  }
  Result<std::unique_ptr<Outbox>> outbox = Outbox::Open(home->database().string());
  if (!outbox.ok()) return outbox.status();
  return Workspace{*home, std::move(outbox).value()};
}

Result<KeySet> StoredKeys(Outbox& outbox) {
  Result<std::optional<std::string>> jwks = outbox.GetMeta(kMetaJwks);
  if (!jwks.ok()) return jwks.status();
  if (!jwks->has_value()) {
    return Status("SETUP", "no key set stored: run cradle-scan enroll (or sync) with a network");
  }
  return ReadJwks(**jwks);
}

Result<ServerUrl> StoredServer(Outbox& outbox) {
  Result<std::optional<std::string>> url = outbox.GetMeta(kMetaServerUrl);
  if (!url.ok()) return url.status();
  if (!url->has_value()) return Status("SETUP", "no server URL stored: run cradle-scan enroll");
  return ParseServerUrl(**url);
}

SyncDeps RealDeps() {
  auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
  SyncDeps deps;
  deps.sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  deps.random = [engine] { return (*engine)(); };
  return deps;
}

// Parses `args` against `options` (+ positional FILEs for image). Throws po::error.
po::variables_map ParseArgs(const std::vector<std::string>& args,
                            const po::options_description& options, bool with_files = false) {
  po::positional_options_description positional;
  if (with_files) positional.add("file", -1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(options).positional(positional).run(), vm);
  po::notify(vm);
  return vm;
}

std::string Opt(const po::variables_map& vm, const char* name) {
  return vm.count(name) ? vm[name].as<std::string>() : std::string();
}

int RunEnroll(const std::vector<std::string>& args) {
  po::options_description options("enroll");
  options.add_options()("server", po::value<std::string>()->required(), "https://HOST:PORT")(
      "ca", po::value<std::string>()->required(), "the deployment CA certificate (PEM)")(
      "cert", po::value<std::string>()->required(), "this device's certificate (PEM)")(
      "key", po::value<std::string>()->required(), "its private key (PEM)")(
      "home", po::value<std::string>(), "scanner home directory");
  po::variables_map vm = ParseArgs(args, options);

  Result<ServerUrl> server = ParseServerUrl(Opt(vm, "server"));
  if (!server.ok()) return Fail(server.status());
  Result<Home> home = Home::Resolve(Opt(vm, "home"));
  if (!home.ok()) return Fail(home.status());
  using std::filesystem::perms;
  const perms public_file =
      perms::owner_read | perms::owner_write | perms::group_read | perms::others_read;
  Status installed = home->Create();
  if (installed.ok()) installed = home->Install(Opt(vm, "ca"), "ca.crt", public_file);
  if (installed.ok()) installed = home->Install(Opt(vm, "cert"), "device.crt", public_file);
  if (installed.ok()) {
    installed = home->Install(Opt(vm, "key"), "device.key", perms::owner_read | perms::owner_write);
  }
  if (!installed.ok()) return Fail(installed);

  Result<std::unique_ptr<Outbox>> outbox = Outbox::Open(home->database().string());
  if (!outbox.ok()) return Fail(outbox.status());
  if (Status s = (*outbox)->SetMeta(kMetaServerUrl, server->ToString()); !s.ok()) return Fail(s);

  HttpsTransport transport(*server, *home);
  RetryPolicy policy;
  policy.max_attempts = 4;
  Syncer syncer(**outbox, transport, policy, RealDeps());
  if (Status s = syncer.RefreshKeys(); !s.ok()) return Fail(s);
  Result<int64_t> revoked = syncer.RefreshRevocations();
  if (!revoked.ok()) return Fail(revoked.status());
  Result<KeySet> keys = StoredKeys(**outbox);
  std::cout << "enrolled with " << server->ToString() << " in " << home->dir().string() << ": "
            << (keys.ok() ? keys->size() : 0) << " signing key(s), " << *revoked
            << " voided manifest(s)\n";
  return kOk;
}

// Options shared by scan and image.
void AddScanOptions(po::options_description& options) {
  options.add_options()("kind", po::value<std::string>()->required(),
                        "pickup|receive|dispose|reject")("vehicle", po::value<std::string>(),
                                                         "vehicle plate (pickup)")(
      "facility", po::value<std::string>(), "facility id (receive, dispose, reject)")(
      "method", po::value<std::string>(), "disposal method code (dispose)")(
      "transfer", po::value<std::string>(),
      "a stored trip (cradle-scan transfers) to scan against")("home", po::value<std::string>(),
                                                               "scanner home directory");
}

// The trip named by --transfer, from the store (no network: the session may be offline).
Result<std::optional<Trip>> BoundTrip(const po::variables_map& vm, Outbox& outbox) {
  if (!vm.count("transfer")) return std::optional<Trip>();
  const std::string id = Opt(vm, "transfer");
  Result<std::optional<Trip>> trip = outbox.FindTrip(id);
  if (!trip.ok() || trip->has_value()) return trip;
  Result<std::vector<Trip>> stored = outbox.Trips();
  Result<std::optional<std::string>> fetched = outbox.GetMeta(kMetaTripsFetchedAt);
  std::string known = "no trips are stored";
  if (stored.ok() && !stored->empty()) {
    known = "the stored trips are";
    for (const Trip& t : *stored) known += " " + t.id;
  }
  const bool never = !fetched.ok() || !fetched->has_value();
  return Status("UNKNOWN_TRANSFER",
                "transfer " + id + " is not among the open trips of this device's organisation (" +
                    known + (never ? "; never fetched" : "") +
                    "): run cradle-scan transfers with a network, and check the number");
}

// --vehicle and --facility default to the bound trip's vehicle and receiver.
Result<ScanContext> ContextFrom(const po::variables_map& vm, const std::optional<Trip>& trip) {
  std::optional<ScanKind> kind = ParseKind(Opt(vm, "kind"));
  if (!kind) return Status("USAGE", "--kind must be pickup, receive, dispose or reject");
  ScanContext context{*kind, Opt(vm, "facility"), Opt(vm, "vehicle"), Opt(vm, "method")};
  if (trip && *kind == ScanKind::kPickup && context.vehicle.empty())
    context.vehicle = trip->vehicle;
  if (trip && *kind != ScanKind::kPickup && context.facility.empty()) {
    context.facility = trip->receiver;
  }
  if (*kind != ScanKind::kPickup && context.facility.empty()) {
    return Status("USAGE", "--facility is required for " + std::string(KindName(*kind)));
  }
  if (*kind == ScanKind::kDispose && context.method.empty()) {
    return Status("USAGE", "--method (the disposal method code, e.g. D1) is required for dispose");
  }
  return context;
}

void PrintSummary(const ScanSession& session, Outbox& outbox, const std::optional<Trip>& trip) {
  Result<OutboxCounts> counts = outbox.Counts();
  std::cerr << session.accepted() << " accepted, " << session.refused() << " not queued";
  if (counts.ok()) {
    std::cerr << "; outbox: " << counts->queued << " waiting for sync";
    if (counts->held > 0) std::cerr << ", " << counts->held << " held for a retry";
  }
  std::cerr << "\n";
  if (trip) {
    std::cerr << "transfer " << trip->id << ": " << session.on_trip() << " on the trip, "
              << session.off_trip() << " OFF-TRIP, " << session.trip_unscanned() << " of its "
              << trip->containers.size() << " container(s) not scanned in this session\n";
  }
}

// Opens the workspace, the key set and the bound trip, and makes the context: what scan and
// image share.
struct ScanSetup {
  Workspace ws;
  KeySet keys;
  std::optional<Trip> trip;
  ScanContext context;
  std::string org;
};

Result<ScanSetup> SetUpScan(const po::variables_map& vm) {
  // The kind is checked before anything is opened: a usage error needs no enrolment.
  if (!ParseKind(Opt(vm, "kind"))) {
    return Status("USAGE", "--kind must be pickup, receive, dispose or reject");
  }
  Result<Workspace> ws = OpenWorkspace(Opt(vm, "home"));
  if (!ws.ok()) return ws.status();
  Result<KeySet> keys = StoredKeys(*ws->outbox);
  if (!keys.ok()) return keys.status();
  Result<std::optional<Trip>> trip = BoundTrip(vm, *ws->outbox);
  if (!trip.ok()) return trip.status();
  Result<ScanContext> context = ContextFrom(vm, *trip);
  if (!context.ok()) return context.status();
  Result<std::optional<std::string>> org = ws->outbox->GetMeta(kMetaOrg);
  return ScanSetup{std::move(ws).value(), std::move(keys).value(), std::move(trip).value(),
                   std::move(context).value(), org.ok() ? org->value_or("") : ""};
}

int RunScan(const std::vector<std::string>& args) {
  po::options_description options("scan");
  AddScanOptions(options);
  po::variables_map vm = ParseArgs(args, options);
  Result<ScanSetup> setup = SetUpScan(vm);
  if (!setup.ok()) return Fail(setup.status());
  Outbox& outbox = *setup->ws.outbox;

  SystemClock clock;
  ScanSession session(setup->context, setup->keys, outbox, clock, std::cout);
  if (setup->trip) session.BindTrip(&*setup->trip, setup->org);
  std::string line;
  while (std::getline(std::cin, line)) session.OnLine(line);
  session.End();
  PrintSummary(session, outbox, setup->trip);
  return session.refused() > 0 ? kRejected : kOk;
}

int RunImage(const std::vector<std::string>& args) {
  po::options_description options("image");
  AddScanOptions(options);
  options.add_options()("mass", po::value<std::string>(), "measured mass (1251.5 = kg)")(
      "file", po::value<std::vector<std::string>>(), "PNG or JPEG photos");
  po::variables_map vm = ParseArgs(args, options, /*with_files=*/true);
  if (!vm.count("file")) return Fail(Status("USAGE", "image needs at least one FILE"));
  std::optional<int64_t> mass_g;
  if (vm.count("mass")) {
    Result<int64_t> mass = ParseMass(Opt(vm, "mass"));
    if (!mass.ok()) return Fail(Status("USAGE", "--mass: " + mass.status().message()));
    mass_g = *mass;
  }
  Result<ScanSetup> setup = SetUpScan(vm);
  if (!setup.ok()) return Fail(setup.status());
  Outbox& outbox = *setup->ws.outbox;

  SystemClock clock;
  ScanSession session(setup->context, setup->keys, outbox, clock, std::cout);
  if (setup->trip) session.BindTrip(&*setup->trip, setup->org);
  int unreadable = 0;
  for (const std::string& file : vm["file"].as<std::vector<std::string>>()) {
    Result<std::vector<std::string>> texts = ReadQrCodesFromFile(file);
    if (!texts.ok() || texts->empty()) {
      ++unreadable;
      std::cout << "UNREADABLE " << file << ": "
                << (texts.ok() ? "no QR code found" : texts.status().message()) << "\n";
      continue;
    }
    for (const std::string& token : *texts) session.OnToken(token, mass_g);
  }
  PrintSummary(session, outbox, setup->trip);
  return session.refused() + unreadable > 0 ? kRejected : kOk;
}

void PrintSyncReport(const SyncReport& report) {
  std::cerr << "sync: " << report.sent << " sent, " << report.accepted << " accepted, "
            << report.duplicates << " already stored, " << report.parked << " parked";
  for (const auto& [code, n] : report.parked_codes) std::cerr << " " << code << "=" << n;
  if (report.held > 0) {
    std::cerr << ", " << report.held
              << " held OUT_OF_ORDER (the step before has not reached the server yet; "
                 "retried by the next syncs)";
  }
  if (report.retries > 0) std::cerr << " (" << report.retries << " retries)";
  std::cerr << "\n";
}

int RunSync(const std::vector<std::string>& args) {
  po::options_description options("sync");
  options.add_options()("home", po::value<std::string>(), "scanner home directory")(
      "hold-for", po::value<std::string>(),
      "keep retrying a scan refused as OUT_OF_ORDER this long, then park it (default 24h)")(
      "hold-retry", po::value<std::string>(), "first wait before retrying it (default 1m)");
  po::variables_map vm = ParseArgs(args, options);
  Result<Workspace> ws = OpenWorkspace(Opt(vm, "home"));
  if (!ws.ok()) return Fail(ws.status());
  Result<ServerUrl> server = StoredServer(*ws->outbox);
  if (!server.ok()) return Fail(server.status());
  Result<ScannerSettings> settings = LoadSettings(ws->home.settings_file());
  if (!settings.ok()) return Fail(settings.status());
  RetryPolicy policy;
  policy.hold = settings->hold;
  for (auto [name, target] : {std::pair{"hold-for", &policy.hold.hold_for_micros},
                              std::pair{"hold-retry", &policy.hold.first_retry_micros}}) {
    if (!vm.count(name)) continue;
    Result<int64_t> micros = ParseDurationMicros(Opt(vm, name));
    if (!micros.ok())
      return Fail(Status("USAGE", "--" + std::string(name) + ": " + micros.status().message()));
    *target = *micros;
  }

  HttpsTransport transport(*server, ws->home);
  SyncDeps deps = RealDeps();
  deps.progress = [](int64_t done, int64_t total) {
    if (total > static_cast<int64_t>(Syncer::kMaxBatch)) {
      std::cerr << "synced " << done << "/" << total << "\n";
    }
  };
  Syncer syncer(*ws->outbox, transport, policy, std::move(deps));
  Result<SyncReport> report = syncer.Upload();
  if (!report.ok()) return Fail(report.status());
  PrintSyncReport(*report);
  if (Status s = syncer.RefreshKeys(); !s.ok()) return Fail(s);
  Result<int64_t> revoked = syncer.RefreshRevocations();
  if (!revoked.ok()) return Fail(revoked.status());
  // The trips are a convenience for the next offline session: a failure here is said, and
  // neither undoes the upload nor changes the exit status.
  Result<std::vector<Trip>> trips = syncer.RefreshTrips();
  if (trips.ok()) {
    std::cerr << "trips: " << trips->size() << " open transfer(s) stored\n";
  } else {
    std::cerr << "trips: not refreshed (" << trips.status().ToString()
              << "); the stored list is kept\n";
  }
  return report->parked > 0 ? kRejected : kOk;
}

std::string DescribeTime(const std::optional<std::string>& micros_text, int64_t now) {
  int64_t micros = 0;
  if (!micros_text) return "never";
  auto [end, ec] =
      std::from_chars(micros_text->data(), micros_text->data() + micros_text->size(), micros);
  if (ec != std::errc() || end != micros_text->data() + micros_text->size()) return "unknown";
  int64_t age_s = (now - micros) / kMicrosPerSecond;
  std::string age = age_s < 3600    ? std::to_string(age_s / 60) + " min"
                    : age_s < 86400 ? std::to_string(age_s / 3600) + " h"
                                    : std::to_string(age_s / 86400) + " d";
  return FormatRfc3339(micros / kMicrosPerSecond * kMicrosPerSecond,
                       LocalUtcOffsetMinutes(micros)) +
         " (" + age + " ago)";
}

int RunStatus(const std::vector<std::string>& args) {
  po::options_description options("status");
  options.add_options()("home", po::value<std::string>(), "scanner home directory");
  po::variables_map vm = ParseArgs(args, options);
  Result<Workspace> ws = OpenWorkspace(Opt(vm, "home"));
  if (!ws.ok()) return Fail(ws.status());
  Outbox& outbox = *ws->outbox;
  Result<OutboxCounts> counts = outbox.Counts();
  if (!counts.ok()) return Fail(counts.status());
  const int64_t now = SystemClock().NowMicros();
  auto meta = [&](const char* key) {
    auto value = outbox.GetMeta(key);
    return value.ok() ? *value : std::nullopt;
  };
  Result<KeySet> keys = StoredKeys(outbox);
  Result<int64_t> revoked = outbox.RevokedCount();
  std::cout << "home:        " << ws->home.dir().string() << "\n"
            << "server:      " << meta(kMetaServerUrl).value_or("(none)") << "\n"
            << "outbox:      " << counts->queued << " queued, " << counts->done << " synced, "
            << counts->parked << " parked, " << counts->held << " held\n"
            << "last sync:   " << DescribeTime(meta(kMetaLastSyncAt), now) << "\n"
            << "key set:     " << (keys.ok() ? std::to_string(keys->size()) : std::string("no"))
            << " key(s), fetched " << DescribeTime(meta(kMetaJwksFetchedAt), now) << "\n"
            << "revocations: " << (revoked.ok() ? *revoked : 0) << " voided manifest(s)\n";
  constexpr size_t kShown = 50;
  Result<std::vector<HeldScan>> held = outbox.Held(kShown);
  if (held.ok()) {
    for (const HeldScan& h : *held) {
      std::cout << "held:        " << h.code << " " << KindName(h.kind) << " " << h.manifest_id
                << " event " << h.event_id << ", refused " << h.attempts << "x since "
                << DescribeTime(std::to_string(h.held_since_micros), now) << ", next try after "
                << FormatRfc3339(h.retry_at_micros / kMicrosPerSecond * kMicrosPerSecond,
                                 LocalUtcOffsetMinutes(h.retry_at_micros))
                << "\n";
    }
  }
  Result<std::vector<ParkedScan>> parked = outbox.Parked(kShown);
  if (parked.ok()) {
    for (const ParkedScan& p : *parked) {
      std::cout << "parked:      " << p.code << " " << KindName(p.kind) << " " << p.manifest_id
                << " event " << p.event_id << "\n";
    }
    if (counts->parked > static_cast<int64_t>(parked->size())) {
      std::cout << "parked:      ... and " << counts->parked - static_cast<int64_t>(kShown)
                << " more\n";
    }
  }
  return kOk;
}

void PrintTrips(const std::vector<Trip>& trips, const std::string& org) {
  for (const Trip& t : trips) {
    std::cout << t.id << "  " << t.status << (t.ad_hoc ? " (ad hoc)" : "") << "  " << t.RoleOf(org)
              << "  " << t.vehicle << "  " << t.sender << " -> " << t.Destination();
    if (!t.return_of.empty()) std::cout << "  return of " << t.return_of;
    if (!t.planned_on.empty()) std::cout << "  planned " << t.planned_on;
    std::cout << "  " << t.containers.size() << " container(s)\n";
    for (const TripContainer& c : t.containers) {
      std::cout << "  " << c.manifest_id << "  " << c.status << "  " << c.waste_code << "  "
                << FormatKg(c.declared_g) << "\n";
    }
  }
}

// The open trips of the device's organisation: fetched and stored when the server answers,
// else (or with --stored) the list of the last refresh.
int RunTransfers(const std::vector<std::string>& args) {
  po::options_description options("transfers");
  options.add_options()("home", po::value<std::string>(), "scanner home directory")(
      "stored", "list the trips stored by the last refresh, without the network");
  po::variables_map vm = ParseArgs(args, options);
  Result<Workspace> ws = OpenWorkspace(Opt(vm, "home"));
  if (!ws.ok()) return Fail(ws.status());
  Outbox& outbox = *ws->outbox;
  const int64_t now = SystemClock().NowMicros();

  int exit = kOk;
  if (!vm.count("stored")) {
    Result<ServerUrl> server = StoredServer(outbox);
    if (!server.ok()) return Fail(server.status());
    HttpsTransport transport(*server, ws->home);
    RetryPolicy policy;
    policy.max_attempts = 4;
    Syncer syncer(outbox, transport, policy, RealDeps());
    Result<std::vector<Trip>> fetched = syncer.RefreshTrips();
    if (!fetched.ok()) {
      exit = Fail(fetched.status());
      if (exit != kNetwork) return exit;
      std::cerr << "cradle-scan: offline: the trips stored by the last refresh follow\n";
    }
  }
  Result<std::vector<Trip>> trips = outbox.Trips();
  if (!trips.ok()) return Fail(trips.status());
  auto meta = [&](const char* key) {
    auto value = outbox.GetMeta(key);
    return value.ok() ? *value : std::nullopt;
  };
  const std::string org = meta(kMetaOrg).value_or("");
  std::cout << trips->size() << " open transfer(s) of " << (org.empty() ? "(unknown)" : org)
            << " as carrier or receiver, fetched " << DescribeTime(meta(kMetaTripsFetchedAt), now)
            << "\n";
  PrintTrips(*trips, org);
  return exit;
}

// An inspector's check of the paper a driver carries: the WT1 token from a photo of the
// manifest or as text, verified with the key set of the last sync (no network).
int RunVerifyTransfer(const std::vector<std::string>& args) {
  po::options_description options("verify-transfer");
  options.add_options()("home", po::value<std::string>(), "scanner home directory")(
      "file", po::value<std::vector<std::string>>(), "a photo of the manifest, or the token");
  po::variables_map vm = ParseArgs(args, options, /*with_files=*/true);
  if (!vm.count("file")) return Fail(Status("USAGE", "verify-transfer needs IMAGE or TOKEN"));
  Result<Workspace> ws = OpenWorkspace(Opt(vm, "home"));
  if (!ws.ok()) return Fail(ws.status());
  Result<KeySet> keys = StoredKeys(*ws->outbox);
  if (!keys.ok()) return Fail(keys.status());

  int refused = 0;
  for (const std::string& input : vm["file"].as<std::vector<std::string>>()) {
    std::vector<std::string> tokens;
    std::error_code ec;
    if (!IsTransferToken(input) && std::filesystem::is_regular_file(input, ec)) {
      Result<std::vector<std::string>> texts = ReadQrCodesFromFile(input);
      if (!texts.ok() || texts->empty()) {
        ++refused;
        std::cout << "UNREADABLE " << input << ": "
                  << (texts.ok() ? "no QR code found" : texts.status().message()) << "\n";
        continue;
      }
      for (const std::string& text : *texts) {
        if (IsTransferToken(text)) tokens.push_back(text);
      }
      if (tokens.empty()) {
        ++refused;
        std::cout << "NOT_A_TRANSFER " << input
                  << ": the QR codes found are not transfer tokens (a label is checked with scan)"
                  << "\n";
        continue;
      }
    } else {
      tokens.emplace_back(StripLineEnding(input));
    }
    for (const std::string& token : tokens) {
      Result<TransferTokenFields> f = VerifyTransferToken(token, *keys);
      if (!f.ok()) {
        ++refused;
        std::cout << f.status().code() << " " << f.status().message() << "\n";
        continue;
      }
      std::cout << "GENUINE transfer " << f->number << " signed "
                << FormatRfc3339(f->issued_at * kMicrosPerSecond, 0) << " with key " << f->kid
                << "\n"
                << "  sender   " << f->sender << "  carrier " << f->carrier << "  receiver "
                << f->receiver << "\n"
                << "  vehicle  " << f->vehicle << "  date " << FormatIsoDate(f->date)
                << "  containers " << f->containers << "\n";
      for (const TransferTokenLine& line : f->lines) {
        std::cout << "  " << line.waste_code << "  " << line.count << " containers  "
                  << FormatKg(line.mass_g) << " declared\n";
      }
    }
  }
  return refused > 0 ? kRejected : kOk;
}

int Run(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << kUsage;
    return kSetup;
  }
  const std::string command = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << kUsage;
    return kOk;
  }
  try {
    if (command == "enroll") return RunEnroll(args);
    if (command == "scan") return RunScan(args);
    if (command == "image") return RunImage(args);
    if (command == "sync") return RunSync(args);
    if (command == "status") return RunStatus(args);
    if (command == "transfers") return RunTransfers(args);
    if (command == "verify-transfer") return RunVerifyTransfer(args);
  } catch (const po::error& e) {
    std::cerr << "cradle-scan " << command << ": " << e.what() << "\n" << kUsage;
    return kSetup;
  }
  std::cerr << "cradle-scan: unknown command '" << command << "'\n" << kUsage;
  return kSetup;
}

}  // namespace
}  // namespace cradle::scan

int main(int argc, char** argv) { return cradle::scan::Run(argc, argv); }
