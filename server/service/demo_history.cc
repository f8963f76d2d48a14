#include "server/service/demo_history.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <iterator>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <thread>

#include "core/digital_id.h"
#include "core/ed25519.h"
#include "core/wm1.h"
#include "server/service/cases.h"
#include "server/service/manifests.h"
#include "server/service/scans.h"
#include "server/service/transfers.h"

namespace cradle::service {
namespace {

constexpr int64_t kMinute = 60 * kMicrosPerSecond;
constexpr size_t kTruckBags = 24;  // tonne bags of ~1.25 t: one 30 t truck
constexpr int64_t kFlyAshBagG = 1'250'000;
constexpr char kFlyAsh[] = "772-002-18";
constexpr char kLandfill[] = "flyash-landfill-2";
constexpr char kStation[] = "small-ent-transfer";
constexpr char kUtilisation[] = "hw-utilisation";
constexpr char kVan[] = "浙JD3021";         // the collector's door-to-door van
constexpr char kDrumTruck[] = "浙J5B771";   // the collector's truck for the key producers
constexpr char kSpareTruck[] = "浙JF0199";  // takes over a trip in the correction

struct Crew {
  const char* vehicle;
  const char* driver;
  const char* licence;
};
// The fly-ash trucks of the carrier (synthetic plates, names and licence numbers).
constexpr Crew kTrucks[] = {
    {"浙JF0101", "王建国", "331004197803120015"}, {"浙JF0102", "李志强", "331002198106230031"},
    {"浙JF0103", "陈海峰", "331003197911080053"}, {"浙JF0104", "周国平", "331021198204170072"},
    {"浙JF0105", "吴立新", "331004198508290018"}, {"浙JF0106", "郑晓东", "331082198012050036"},
    {"浙JF0107", "孙伟", "331003198707140059"},   {"浙JF0108", "黄明", "331002197609300014"},
};
constexpr Crew kSpare = {kSpareTruck, "林永福", "331081198303020057"};

// A container the seed follows from its label on.
struct Bag {
  std::string id, token;
  int64_t declared_g = 0;
};

// One member's stop on the door-to-door round.
struct Visit {
  size_t member = 0;
  int bags = 1;
  const char* code = "";
  int64_t each_g = 0;
  bool unreceived = false;     // collected, never delivered to the station
  bool unsigned_trip = false;  // the sender never signs its ad hoc trip
  std::vector<int> heavy;      // bag indexes weighed +8..13 % at the station
  std::vector<Bag> issued;
};

// One trip on a submitted transfer (fly ash or a key producer's drums).
struct Trip {
  Principal sender;
  CreateTransferInput in;
  std::vector<Bag> bags;
  std::string id;
  bool overdue = false;     // delivered; the receipt is never confirmed
  bool refusal = false;     // the receiver refuses two bags; they go back on a return trip
  bool correction = false;  // the truck is replaced by a revision every party approves
  std::string receive_device, receive_facility;
  Principal receiver;
};

Principal Party(Role role, const std::string& org) {
  Principal p;
  p.role = role;
  p.org = org;
  return p;
}

Principal Device(Role role, const std::string& org, const std::string& device) {
  Principal p = Party(role, org);
  p.device = device;
  return p;
}

// Runs the independent steps of one simulated moment on a fixed set of threads, so that the
// single writer commits their writes together (group commit) rather than one fsync each.
// Ownership: owns its threads, joined on destruction. Thread safety: Run from one thread.
class StepPool {
 public:
  explicit StepPool(size_t threads) {
    for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { Work(); });
  }
  ~StepPool() {
    {
      std::lock_guard<std::mutex> l(mu_);
      stop_ = true;
    }
    work_.notify_all();
    for (auto& t : threads_) t.join();
  }
  StepPool(const StepPool&) = delete;
  StepPool& operator=(const StepPool&) = delete;

  // Every step runs; the first error (in step order) is returned.
  Status Run(const std::vector<std::function<Status()>>& steps) {
    if (steps.empty()) return Status();
    if (steps.size() == 1) return steps.front()();
    std::vector<Status> out(steps.size());
    std::unique_lock<std::mutex> l(mu_);
    steps_ = &steps;
    out_ = &out;
    next_ = done_ = 0;
    ++generation_;
    work_.notify_all();
    done_cv_.wait(l, [&] { return done_ == steps.size(); });
    steps_ = nullptr;
    out_ = nullptr;
    l.unlock();
    for (auto& s : out) {
      if (!s.ok()) return s;
    }
    return Status();
  }

 private:
  void Work() {
    uint64_t seen = 0;
    std::unique_lock<std::mutex> l(mu_);
    while (true) {
      work_.wait(l, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
      while (steps_ && next_ < steps_->size()) {
        const size_t i = next_++;
        const auto* steps = steps_;
        auto* out = out_;
        l.unlock();
        Status s = (*steps)[i]();
        l.lock();
        (*out)[i] = std::move(s);
        if (++done_ == steps->size()) done_cv_.notify_one();
      }
    }
  }

  std::mutex mu_;
  std::condition_variable work_, done_cv_;
  std::vector<std::thread> threads_;
  const std::vector<std::function<Status()>>* steps_ = nullptr;
  std::vector<Status>* out_ = nullptr;
  size_t next_ = 0, done_ = 0;
  uint64_t generation_ = 0;
  bool stop_ = false;
};

Status Demo(const std::string& what, const Status& s) {
  return Status(s.code(), "demo history, " + what + ": " + s.message());
}

// Writes the history day by day, each step at its pinned moment, and checks that every use case
// accepted what it was given (a refusal is drift from production code: the seed fails).
// Ownership: borrows the context, the clock and the parties; owns its step threads.
// Thread safety: Run from one thread; the steps of one moment run on the pool.
class History {
 public:
  History(const Context& ctx, PinnableClock& clock, const DemoParties& parties, CivilDate first,
          CivilDate last, int64_t now)
      : ctx_(ctx),
        clock_(clock),
        p_(parties),
        tz_(ctx.settings.tz_offset_minutes),
        first_(first),
        last_(last),
        now_(now),
        rng_(20230117),
        pool_(24),
        key_pending_(parties.key_producers.size()) {}

  Status Run() {
    PlanRound();
    PlanKeyProducers();
    for (CivilDate d = first_; d <= last_; d = AddDays(d, 1)) {
      if (Status s = Day(d); !s.ok()) return s;
    }
    if (Status s = TodaySoFar(); !s.ok()) return s;
    // The rules as of today, then the regulator works the oldest cases.
    clock_.Pin(now_);
    if (auto r = RunRules(ctx_, LocalCivilDate(now_, tz_), "system:demo"); !r.ok()) {
      return Demo("rules", r.status());
    }
    return WorkCases();
  }

 private:
  int64_t At(const CivilDate& d, int hour, int minute) const {
    return StartOfLocalDay(d, tz_) + (hour * 60LL + minute) * kMinute;
  }
  int64_t Age(const CivilDate& d) const { return DaysFromCivil(last_) - DaysFromCivil(d) + 1; }

  // Event ids from the seeded generator, so that a run is repeatable.
  std::string EventId() {
    static const char* hex = "0123456789abcdef";
    std::string u(36, '-');
    for (int i = 0; i < 36; ++i) {
      if (i == 8 || i == 13 || i == 18 || i == 23) continue;
      u[i] = hex[rng_() % 16];
    }
    u[14] = '4';
    u[19] = hex[8 + rng_() % 4];
    return u;
  }

  // The i-th of n stops spread over `minutes` (scans stay before their sync, so no clock skew).
  static int64_t Spread(size_t i, size_t n, int64_t minutes) {
    return static_cast<int64_t>(i) * minutes * kMinute /
           static_cast<int64_t>(std::max<size_t>(n, 1));
  }

  // Gaussian weighing noise with relative sigma, to 100 g.
  int64_t Noisy(int64_t grams, double sigma) {
    std::normal_distribution<double> n(0.0, sigma);
    const double v =
        static_cast<double>(grams) * (1.0 + std::clamp(n(rng_), -2.5 * sigma, 2.5 * sigma));
    return std::max<int64_t>(100, static_cast<int64_t>(std::llround(v / 100.0) * 100));
  }

  ScanInput Scan(const std::string& token, const char* kind, int64_t scanned_at,
                 std::optional<int64_t> mass_g) {
    ScanInput s;
    s.event_id = EventId();
    s.token = token;
    s.kind = kind;
    s.mass_g = mass_g;
    s.scanned_at = FormatRfc3339(scanned_at, tz_);
    return s;
  }

  // Ingests the scans as `who` in batches; every scan must be accepted but those planted to be
  // refused (event id -> the code the ingest must give).
  Status Ingest(const Principal& who, const std::vector<ScanInput>& scans,
                const std::map<std::string, std::string>& refused = {}) {
    for (size_t i = 0; i < scans.size(); i += kMaxScansPerBatch) {
      std::vector<ScanInput> batch(
          scans.begin() + static_cast<long>(i),
          scans.begin() + static_cast<long>(std::min(scans.size(), i + kMaxScansPerBatch)));
      auto results = IngestScans(ctx_, who, batch);
      if (!results.ok()) return Demo("scans of " + who.Actor(), results.status());
      for (const ScanResult& r : *results) {
        auto want = refused.find(r.event_id);
        const bool ok = want == refused.end() ? r.status == "accepted"
                                              : r.status == "rejected" && r.code == want->second;
        if (!ok) {
          return Status("INTERNAL", "demo history: scan " + r.event_id + " of " + r.manifest +
                                        " was " + r.status + " " + r.code + " " + r.detail);
        }
      }
    }
    return Status();
  }

  Result<std::vector<Bag>> Issue(const std::string& producer, const char* code, int count,
                                 int64_t mass_g, const char* packaging, const char* destination,
                                 const char* description) {
    IssueRequest req;
    req.producer = producer;
    req.waste_code = code;
    req.mass_g = mass_g;
    req.packaging = packaging;
    req.count = count;
    req.destination = destination;
    if (description) req.description = description;
    auto r = IssueManifests(ctx_, Party(Role::kProducer, producer), req);
    if (!r.ok()) return Demo("issue for " + producer, r.status());
    std::vector<Bag> out;
    for (const auto& m : r->manifests) out.push_back(Bag{m.id, m.token, m.mass_g});
    return out;
  }

  // The round: once a month, from the first working day on or after the 8th, the collector
  // visits every member over five working days, a fifth of them a day; 1-3 bags of the member's
  // usual waste (~150 kg in all). Planted in rounds at least ten days old: three stops whose
  // bags never reach the station and one trip its sender never signs; in older rounds, six
  // bags that weigh 8-13 % more at the station.
  void PlanRound() {
    const char* codes[] = {"900-041-49", "900-249-08"};
    const WorkingCalendar& cal = ctx_.Calendar();
    std::vector<CivilDate> days;  // the round days, oldest first
    for (CivilDate m{first_.year, first_.month, 8}; m < last_;
         m = m.month == 12 ? CivilDate{m.year + 1, 1, 8} : CivilDate{m.year, m.month + 1, 8}) {
      CivilDate d = m;
      for (int n = 0; n < 5; ++n, d = AddDays(d, 1)) {
        while (!cal.IsWorkingDay(d)) d = AddDays(d, 1);
        if (d >= first_ && d < last_) days.push_back(d);
      }
    }
    int heavy = 0, unreceived = 0, unsigned_trips = 0;
    for (size_t r = 0; r < days.size(); ++r) {
      const CivilDate d = days[r];
      const int64_t age = Age(d);
      const bool planted_round = age >= 10 && age <= 45;
      for (size_t k = r % 5; k < p_.members.size(); k += 5) {
        Visit v;
        v.member = k;
        v.bags = 1 + static_cast<int>(rng_() % 3);
        v.code = codes[k % 2];
        v.each_g = 150'000 / v.bags + static_cast<int64_t>(rng_() % 10'000) - 5'000;
        if (planted_round && unreceived < 3 && rng_() % 8 == 0) {
          v.unreceived = true;
          ++unreceived;
        } else if (planted_round && unsigned_trips < 1 && rng_() % 8 == 0) {
          v.unsigned_trip = true;
          ++unsigned_trips;
        } else {
          for (int b = 0; b < v.bags; ++b) {
            if (heavy < 6 && age > 45 && rng_() % 40 == 0) {
              v.heavy.push_back(b);
              ++heavy;
            }
          }
        }
        round_[DaysFromCivil(d)].push_back(std::move(v));
      }
    }
  }

  // Key producers: a drum each Monday, shipped every other Tuesday with the fly-ash trucks and
  // treated at the plant on Thursday; six drums of 38-45 days ago are forgotten in the yard
  // (never collected).
  void PlanKeyProducers() {
    CivilDate monday = first_;
    while (IsoWeekday(monday) != 1) monday = AddDays(monday, 1);
    int week = 0;
    for (CivilDate d = monday; d < last_; d = AddDays(d, 7), ++week) {
      const int64_t age = Age(d);
      for (size_t k = 0; k < p_.key_producers.size(); ++k) {
        key_issue_[DaysFromCivil(d)].push_back({k, k < 6 && age >= 38 && age < 45});
        if (week % 2 == 1) key_ship_[DaysFromCivil(AddDays(d, 1))].push_back(k);
      }
    }
  }

  Status Day(const CivilDate& d) {
    const int64_t day = DaysFromCivil(d);
    const int64_t age = Age(d);
    // 06:00 on the first of the month: the rules as the scheduler runs them.
    if (d.day == 1 && d != first_) {
      clock_.Pin(At(d, 6, 0));
      if (auto r = RunRules(ctx_, d, "system:demo"); !r.ok()) return Demo("rules", r.status());
    }

    // 08:00 labels: the day's fly-ash bags, the round's members, the key producers' drums.
    clock_.Pin(At(d, 8, 0));
    std::vector<Visit>& visits = round_[day];
    std::vector<std::function<Status()>> steps;
    std::vector<Bag> fly;
    const int bags = 20 + static_cast<int>(rng_() % 9);  // 25-35 t a day
    steps.push_back([&, bags]() -> Status {
      auto r = Issue(p_.incinerator, kFlyAsh, bags, kFlyAshBagG, "TB", kLandfill, "螯合稳定化飞灰");
      if (!r.ok()) return r.status();
      fly = std::move(*r);
      return Status();
    });
    for (Visit& v : visits) {
      steps.push_back([&]() -> Status {
        auto r = Issue(p_.members[v.member], v.code, v.bags, v.each_g, "BG", kStation, nullptr);
        if (!r.ok()) return r.status();
        v.issued = std::move(*r);
        return Status();
      });
    }
    std::vector<std::pair<size_t, bool>>& drums = key_issue_[day];
    std::vector<std::vector<Bag>> drum_bags(drums.size());
    for (size_t i = 0; i < drums.size(); ++i) {
      const int64_t mass = 180'000 + static_cast<int64_t>(rng_() % 40'000);
      steps.push_back([&, i, mass]() -> Status {
        auto r = Issue(p_.key_producers[drums[i].first], "900-249-08", 1, mass, "DR", kUtilisation,
                       nullptr);
        if (!r.ok()) return r.status();
        drum_bags[i] = std::move(*r);
        return Status();
      });
    }
    if (Status s = pool_.Run(steps); !s.ok()) return s;
    fly_pending_.insert(fly_pending_.end(), fly.begin(), fly.end());
    for (size_t i = 0; i < drums.size(); ++i) {
      if (drums[i].second) continue;  // forgotten in the yard
      auto& pending = key_pending_[drums[i].first];
      pending.insert(pending.end(), drum_bags[i].begin(), drum_bags[i].end());
    }

    // 08:30 the senders draft and sign their transfers: fly ash on Tuesdays, in trucks of 24
    // bags; the key producers' drums every other week.
    std::vector<Trip> trips;
    if (IsoWeekday(d) == 2 && !fly_pending_.empty()) {
      for (size_t i = 0; i < fly_pending_.size(); i += kTruckBags) {
        const Crew& crew = kTrucks[(i / kTruckBags) % std::size(kTrucks)];
        Trip t;
        t.sender = Party(Role::kProducer, p_.incinerator);
        t.in = {p_.incinerator, p_.collector,     kLandfill, crew.vehicle, "disposal", crew.driver,
                crew.licence,   FormatIsoDate(d), {}};
        t.bags.assign(fly_pending_.begin() + static_cast<long>(i),
                      fly_pending_.begin() +
                          static_cast<long>(std::min(fly_pending_.size(), i + kTruckBags)));
        const bool first_truck = i == 0;
        t.overdue = first_truck && age >= 21 && age <= 27;
        t.refusal = first_truck && age >= 40 && age <= 46 && t.bags.size() > 2;
        t.correction = first_truck && age >= 60 && age <= 66;
        t.receive_device = p_.landfill_device;
        t.receive_facility = kLandfill;
        t.receiver = Party(Role::kFacility, p_.landfill_op);
        trips.push_back(std::move(t));
      }
      fly_pending_.clear();
    }
    for (size_t k : key_ship_[day]) {
      if (key_pending_[k].empty()) continue;
      Trip t;
      t.sender = Party(Role::kProducer, p_.key_producers[k]);
      t.in = {p_.key_producers[k],  p_.collector,     kUtilisation,
              kDrumTruck,           "utilisation",    "何志明",
              "331004198402110035", FormatIsoDate(d), {}};
      t.bags = std::move(key_pending_[k]);
      key_pending_[k].clear();
      t.receive_device = p_.utilisation_device;
      t.receive_facility = kUtilisation;
      t.receiver = Party(Role::kFacility, p_.utilisation);
      trips.push_back(std::move(t));
    }
    if (!trips.empty()) {
      clock_.Pin(At(d, 8, 30));
      steps.clear();
      for (Trip& t : trips) {
        for (const Bag& b : t.bags) t.in.containers.push_back(b.id);
        steps.push_back([&]() -> Status {
          auto v = CreateTransfer(ctx_, t.sender, t.in);
          if (!v.ok()) return Demo("create transfer", v.status());
          t.id = v->t.id;
          return Status();
        });
      }
      if (Status s = pool_.Run(steps); !s.ok()) return s;
      clock_.Pin(At(d, 8, 40));
      steps.clear();
      for (Trip& t : trips) {
        steps.push_back([&]() -> Status {
          auto v = SubmitTransfer(ctx_, t.sender, t.id);
          return v.ok() ? Status() : Demo("submit " + t.id, v.status());
        });
      }
      if (Status s = pool_.Run(steps); !s.ok()) return s;
      for (Trip& t : trips) {
        if (!t.correction) continue;
        if (Status s = Correct(d, t); !s.ok()) return s;
      }
    }

    // 12:00 the collector's handheld syncs the morning's pickups: the trucks loaded from 09:00,
    // the round's stops from 08:30. Planted: a copied label (a bag disposed of earlier) a month
    // ago, a forged one three weeks ago.
    std::vector<ScanInput> pickups;
    std::map<std::string, std::string> refused;
    std::vector<std::vector<int64_t>> trip_pickup_g(trips.size());
    for (size_t ti = 0; ti < trips.size(); ++ti) {
      Trip& t = trips[ti];
      for (size_t i = 0; i < t.bags.size(); ++i) {
        const int64_t g = Noisy(t.bags[i].declared_g, 0.003);
        trip_pickup_g[ti].push_back(g);
        ScanInput s = Scan(t.bags[i].token, "pickup",
                           At(d, 9, 0) + Spread(ti, trips.size(), 150) +
                               static_cast<int64_t>(i) * 10 * kMicrosPerSecond,
                           g);
        s.vehicle = t.in.vehicle;
        pickups.push_back(std::move(s));
      }
    }
    std::vector<std::vector<int64_t>> visit_pickup_g(visits.size());
    for (size_t vi = 0; vi < visits.size(); ++vi) {
      const Visit& v = visits[vi];
      for (size_t b = 0; b < v.issued.size(); ++b) {
        const int64_t g = Noisy(v.each_g, 0.008);  // portable scales
        visit_pickup_g[vi].push_back(g);
        ScanInput s = Scan(
            v.issued[b].token, "pickup",
            At(d, 8, 30) + Spread(vi, visits.size(), 200) + static_cast<int64_t>(b) * kMinute, g);
        s.vehicle = kVan;
        pickups.push_back(std::move(s));
      }
    }
    if (age == 30 && !disposed_.empty()) {
      ScanInput s = Scan(disposed_.front().token, "pickup", At(d, 11, 10), 1'248'000);
      s.vehicle = kVan;
      refused[s.event_id] = "ALREADY_COLLECTED";
      pickups.push_back(std::move(s));
    }
    if (age == 21) {
      auto fake = SigningKey::Generate();
      if (!fake.ok()) return fake.status();
      TokenFields f;
      f.kid = ctx_.keys.ActiveKid();
      f.id = DigitalId{p_.incinerator, "77200218", d, 998};
      f.mass_g = kFlyAshBagG;
      f.packaging = "TB";
      ScanInput s = Scan(BuildToken(f, *fake), "pickup", At(d, 11, 20), 1'251'000);
      s.vehicle = kVan;
      refused[s.event_id] = "BAD_SIGNATURE";
      pickups.push_back(std::move(s));
    }
    if (!pickups.empty()) {
      clock_.Pin(At(d, 12, 0));
      const Principal handheld = Device(Role::kCollector, p_.collector, p_.collector_device);
      if (Status s = Ingest(handheld, pickups, refused); !s.ok()) return s;
    }
    // The round's ad hoc trips, one per member (sender, van, day), as the pickups opened them.
    std::map<std::string, std::string> adhoc;
    if (!visits.empty()) {
      TransferQuery q;
      q.status = "in_transit";
      std::optional<std::string> after;
      do {
        auto page = ListTransfers(ctx_, Party(Role::kCollector, p_.collector), q, after, 1000);
        if (!page.ok()) return Demo("list trips", page.status());
        for (const auto& t : page->items) {
          if (t.ad_hoc && t.trip_day == FormatIsoDate(d)) adhoc[t.sender] = t.id;
        }
        after = page->next;
      } while (after);
    }

    // 14:00 the gates sync their receive scans (from 13:00): the landfill's, the plant's and
    // the collector's own at its transfer station.
    std::map<std::string, std::vector<ScanInput>> receives;  // by device
    std::map<std::string, std::string> device_org;
    for (size_t ti = 0; ti < trips.size(); ++ti) {
      Trip& t = trips[ti];
      for (size_t i = 0; i < t.bags.size(); ++i) {
        // Fly ash dries in transit (about -0.5 %); drums weigh what they weighed.
        const int64_t picked = trip_pickup_g[ti][i];
        const int64_t g = t.receive_facility == kLandfill ? Noisy(picked - picked / 200, 0.002)
                                                          : Noisy(picked, 0.003);
        ScanInput s = Scan(t.bags[i].token, "receive",
                           At(d, 13, 0) + static_cast<int64_t>(ti * 30 + i) * kMicrosPerSecond, g);
        s.facility = t.receive_facility;
        receives[t.receive_device].push_back(std::move(s));
      }
      device_org[t.receive_device] = t.receiver.org;
    }
    for (size_t vi = 0; vi < visits.size(); ++vi) {
      const Visit& v = visits[vi];
      if (v.unreceived) continue;
      for (size_t b = 0; b < v.issued.size(); ++b) {
        const bool heavy = std::count(v.heavy.begin(), v.heavy.end(), static_cast<int>(b)) > 0;
        const int64_t g =
            heavy ? v.each_g * (108 + heavy_++) / 100 : Noisy(visit_pickup_g[vi][b], 0.004);
        ScanInput s = Scan(v.issued[b].token, "receive",
                           At(d, 13, 0) + Spread(vi, visits.size(), 50) +
                               static_cast<int64_t>(b) * 10 * kMicrosPerSecond,
                           g);
        s.facility = kStation;
        receives[p_.collector_device].push_back(std::move(s));
      }
      device_org[p_.collector_device] = p_.collector;
    }
    if (!receives.empty()) {
      clock_.Pin(At(d, 14, 0));
      steps.clear();
      for (const auto& batch : receives) {
        const Principal gate = Device(Role::kFacility, device_org[batch.first], batch.first);
        steps.push_back([this, gate, &batch]() -> Status { return Ingest(gate, batch.second); });
      }
      if (Status s = pool_.Run(steps); !s.ok()) return s;
    }

    // 16:00 receipts: each receiver confirms what arrived (the overdue trip excepted).
    steps.clear();
    for (Trip& t : trips) {
      if (t.overdue) continue;
      steps.push_back([&]() -> Status {
        ReceiptInput in;
        if (t.refusal) {
          for (size_t i = t.bags.size() - 2; i < t.bags.size(); ++i) {
            in.refused.push_back({t.bags[i].id, "吨袋破损，飞灰外漏", std::nullopt});
            in.discrepancies.push_back({t.bags[i].id, "packaging", "吨袋底部破损，需重新包装"});
          }
          in.note = "两袋包装破损拒收，随车退回产废单位";
        }
        auto v = ConfirmReceipt(ctx_, t.receiver, t.id, in);
        return v.ok() ? Status() : Demo("receipt of " + t.id, v.status());
      });
    }
    for (const Visit& v : visits) {
      if (v.unreceived) continue;
      const std::string sender = p_.members[v.member];
      steps.push_back([&, sender]() -> Status {
        auto it = adhoc.find(sender);
        if (it == adhoc.end()) return Status("INTERNAL", "demo history: no trip for " + sender);
        auto r = ConfirmReceipt(ctx_, Party(Role::kFacility, p_.collector), it->second, {});
        return r.ok() ? Status() : Demo("receipt of " + it->second, r.status());
      });
    }
    if (!steps.empty()) {
      clock_.Pin(At(d, 16, 0));
      if (Status s = pool_.Run(steps); !s.ok()) return s;
    }

    // The refused bags go back to the incinerator on a return trip the same evening; back home
    // they are issued again and leave on next week's truck.
    for (Trip& t : trips) {
      if (!t.refusal) continue;
      if (Status s = ReturnTrip(d, t); !s.ok()) return s;
    }

    // 17:30 disposal: the landfill places the day's accepted bags; the plant treats the drums
    // received two days ago.
    std::vector<ScanInput> landfill, plant;
    for (const Trip& t : trips) {
      if (t.receive_facility != kLandfill) {
        auto& later = drums_to_treat_[day + 2];
        later.insert(later.end(), t.bags.begin(), t.bags.end());
        continue;
      }
      const size_t keep = t.refusal ? t.bags.size() - 2 : t.bags.size();
      for (size_t i = 0; i < keep; ++i) {
        ScanInput s = Scan(t.bags[i].token, "dispose",
                           At(d, 17, 0) + static_cast<int64_t>(i) * kMicrosPerSecond, std::nullopt);
        s.facility = kLandfill;
        s.method = "D1";
        landfill.push_back(std::move(s));
        if (disposed_.size() < 1) disposed_.push_back(t.bags[i]);
      }
    }
    for (const Bag& b : drums_to_treat_[day]) {
      ScanInput s = Scan(b.token, "dispose", At(d, 17, 0), std::nullopt);
      s.facility = kUtilisation;
      s.method = "R9";
      plant.push_back(std::move(s));
    }
    drums_to_treat_.erase(day);
    steps.clear();
    if (!landfill.empty()) {
      steps.push_back([&]() -> Status {
        return Ingest(Device(Role::kFacility, p_.landfill_op, p_.landfill_device), landfill);
      });
    }
    if (!plant.empty()) {
      steps.push_back([&]() -> Status {
        return Ingest(Device(Role::kFacility, p_.utilisation, p_.utilisation_device), plant);
      });
    }
    if (!steps.empty()) {
      clock_.Pin(At(d, 17, 30));
      if (Status s = pool_.Run(steps); !s.ok()) return s;
    }

    // 18:00 the round's members sign their ad hoc trips (one never does).
    steps.clear();
    for (const Visit& v : visits) {
      if (v.unsigned_trip) continue;
      const std::string sender = p_.members[v.member];
      steps.push_back([&, sender]() -> Status {
        auto it = adhoc.find(sender);
        if (it == adhoc.end()) return Status("INTERNAL", "demo history: no trip for " + sender);
        auto r = SignTransfer(ctx_, Party(Role::kProducer, sender), it->second);
        return r.ok() ? Status() : Demo("sign " + it->second, r.status());
      });
    }
    if (!steps.empty()) {
      clock_.Pin(At(d, 18, 0));
      if (Status s = pool_.Run(steps); !s.ok()) return s;
    }
    round_.erase(day);
    key_issue_.erase(day);
    key_ship_.erase(day);
    return Status();
  }

  // The last hours before the seed's moment: two members' bags collected door to door, one
  // lot straight to the utilisation plant (lab waste), one to the station; both delivered and
  // signed by their senders, their receipts still to come. So the current month always shows
  // flows to two destinations, even on its first day.
  Status TodaySoFar() {
    const std::string lab = p_.members.at(0), shop = p_.members.at(1);
    clock_.Pin(now_ - 90 * kMinute);
    std::vector<Bag> lab_bags, shop_bags;
    Status s = pool_.Run({[&]() -> Status {
                            auto r = Issue(lab, "900-041-49", 3, 23'400, "BG", kUtilisation,
                                           "实验室废试剂瓶");
                            if (r.ok()) lab_bags = std::move(*r);
                            return r.status();
                          },
                          [&]() -> Status {
                            auto r = Issue(shop, "900-249-08", 2, 61'000, "BG", kStation, nullptr);
                            if (r.ok()) shop_bags = std::move(*r);
                            return r.status();
                          }});
    if (!s.ok()) return s;
    std::vector<ScanInput> pickups, at_plant, at_station;
    for (const Bag& b : lab_bags) {
      pickups.push_back(Scan(b.token, "pickup", now_ - 60 * kMinute, Noisy(b.declared_g, 0.008)));
      at_plant.push_back(Scan(b.token, "receive", now_ - 10 * kMinute, std::nullopt));
      at_plant.back().facility = kUtilisation;
      at_plant.back().mass_g = Noisy(b.declared_g, 0.004);
    }
    for (const Bag& b : shop_bags) {
      pickups.push_back(Scan(b.token, "pickup", now_ - 50 * kMinute, Noisy(b.declared_g, 0.008)));
      at_station.push_back(Scan(b.token, "receive", now_ - 5 * kMinute, std::nullopt));
      at_station.back().facility = kStation;
      at_station.back().mass_g = Noisy(b.declared_g, 0.004);
    }
    for (ScanInput& p : pickups) p.vehicle = kVan;
    clock_.Pin(now_ - 30 * kMinute);
    if (Status st = Ingest(Device(Role::kCollector, p_.collector, p_.collector_device), pickups);
        !st.ok()) {
      return st;
    }
    clock_.Pin(now_);
    s = pool_.Run(
        {[&]() -> Status {
           return Ingest(Device(Role::kFacility, p_.utilisation, p_.utilisation_device), at_plant);
         },
         [&]() -> Status {
           return Ingest(Device(Role::kFacility, p_.collector, p_.collector_device), at_station);
         }});
    if (!s.ok()) return s;
    // The senders sign the trips the pickups opened.
    TransferQuery q;
    q.status = "delivered";
    const std::string today = LocalDate(now_ - 30 * kMinute, tz_);  // the pickups' sync
    std::vector<std::function<Status()>> steps;
    for (const std::string& sender : {lab, shop}) {
      q.party = sender;
      auto page = ListTransfers(ctx_, Party(Role::kProducer, sender), q, std::nullopt, 1000);
      if (!page.ok()) return Demo("list trips", page.status());
      for (const auto& t : page->items) {
        if (!t.ad_hoc || t.trip_day != today) continue;
        steps.push_back([this, sender, id = t.id]() -> Status {
          auto r = SignTransfer(ctx_, Party(Role::kProducer, sender), id);
          return r.ok() ? Status() : Demo("sign " + id, r.status());
        });
      }
    }
    if (steps.size() != 2) return Status("INTERNAL", "demo history: today's trips are missing");
    return pool_.Run(steps);
  }

  // The truck broke down after the sender signed: the sender proposes the spare truck and its
  // driver, the carrier and the landfill approve, the last approval applies it.
  Status Correct(const CivilDate& d, Trip& t) {
    clock_.Pin(At(d, 8, 50));
    RevisionChanges ch;
    ch.vehicle = kSpare.vehicle;
    ch.driver_name = kSpare.driver;
    ch.driver_licence = kSpare.licence;
    auto r = ProposeRevision(ctx_, t.sender, t.id, ch, "原定车辆故障，改派备用车辆及驾驶员");
    if (!r.ok()) return Demo("propose a revision of " + t.id, r.status());
    clock_.Pin(At(d, 9, 0));
    auto a = AnswerRevision(ctx_, Party(Role::kCollector, p_.collector), r->id, true, "同意");
    if (!a.ok()) return Demo("approve revision", a.status());
    clock_.Pin(At(d, 9, 10));
    auto b = AnswerRevision(ctx_, t.receiver, r->id, true, "同意，已通知门岗");
    if (!b.ok()) return Demo("approve revision", b.status());
    if (b->status != "applied") {
      return Status("INTERNAL", "demo history: revision " + std::to_string(b->id) + " is " +
                                    b->status + " after every approval");
    }
    t.in.vehicle = kSpare.vehicle;
    return Status();
  }

  // The carrier takes the refused bags back to the incinerator, which confirms their return.
  Status ReturnTrip(const CivilDate& d, Trip& t) {
    clock_.Pin(At(d, 16, 30));
    auto back = ReturnTransfer(ctx_, Party(Role::kCollector, p_.collector), t.id, "sender");
    if (!back.ok()) return Demo("return of " + t.id, back.status());
    std::vector<Bag> refused(t.bags.end() - 2, t.bags.end());
    std::vector<ScanInput> scans;
    for (size_t i = 0; i < refused.size(); ++i) {
      ScanInput s =
          Scan(refused[i].token, "pickup", At(d, 16, 40) + static_cast<int64_t>(i) * kMinute,
               Noisy(refused[i].declared_g, 0.003));
      s.vehicle = back->t.vehicle;
      scans.push_back(std::move(s));
    }
    clock_.Pin(At(d, 17, 0));
    if (Status s = Ingest(Device(Role::kCollector, p_.collector, p_.collector_device), scans);
        !s.ok()) {
      return s;
    }
    clock_.Pin(At(d, 18, 30));
    auto home = ConfirmReceipt(ctx_, t.sender, back->t.id, {});
    if (!home.ok()) return Demo("receipt of return " + back->t.id, home.status());
    fly_pending_.insert(fly_pending_.end(), refused.begin(), refused.end());
    return Status();
  }

  // Moves the oldest cases through the loop so every status shows: about half closed, some
  // responded, some dispatched, the newest still open.
  Status WorkCases() {
    Principal reg = Party(Role::kRegulator, p_.regulator);
    auto page = ListCases(ctx_, reg, {}, 0, 1000);
    if (!page.ok()) return page.status();
    const size_t n = page->items.size();
    for (size_t i = 0; i < n; ++i) {
      const store::Case& c = page->items[i];
      const double pos = static_cast<double>(i) / static_cast<double>(n);
      if (pos >= 0.85) break;  // the newest stay open
      Principal party = Party(Role::kProducer, c.party);
      if (auto r = ActOnCase(ctx_, reg, c.id, "dispatch", "请于5个工作日内核查并说明"); !r.ok()) {
        return r.status();
      }
      if (pos >= 0.7) continue;
      if (auto r = ActOnCase(ctx_, party, c.id, "respond", "已核查，整改完成，附过磅记录");
          !r.ok()) {
        return r.status();
      }
      if (pos >= 0.55) continue;
      if (auto r = ActOnCase(ctx_, reg, c.id, "close", "复核通过，销号"); !r.ok()) {
        return r.status();
      }
    }
    return Status();
  }

  const Context& ctx_;
  PinnableClock& clock_;
  const DemoParties& p_;
  const int tz_;
  const CivilDate first_, last_;
  const int64_t now_;
  std::mt19937 rng_;
  StepPool pool_;
  int heavy_ = 0;
  std::vector<Bag> fly_pending_;                 // issued bags waiting for Tuesday's trucks
  std::vector<std::vector<Bag>> key_pending_;    // per key producer: drums waiting for the truck
  std::vector<Bag> disposed_;                    // a bag placed in the landfill (copied later)
  std::map<int64_t, std::vector<Visit>> round_;  // by day number
  std::map<int64_t, std::vector<std::pair<size_t, bool>>> key_issue_;  // (producer, forgotten)
  std::map<int64_t, std::vector<size_t>> key_ship_;                    // producers shipping
  std::map<int64_t, std::vector<Bag>> drums_to_treat_;                 // at the plant, by day
};

}  // namespace

CivilDate DemoHistoryFirstDay(const Context& ctx, int64_t now_micros, int days) {
  return AddDays(LocalCivilDate(now_micros, ctx.settings.tz_offset_minutes), -days);
}

Status SeedDemoHistory(const Context& ctx, PinnableClock& clock, const DemoParties& parties,
                       int days) {
  const bool was_pinned = clock.pinned();
  const int64_t now = clock.NowMicros();
  const CivilDate today = LocalCivilDate(now, ctx.settings.tz_offset_minutes);
  History history(ctx, clock, parties, DemoHistoryFirstDay(ctx, now, days), AddDays(today, -1),
                  now);
  Status s = history.Run();
  // Left as found: real time again, or (a test) the moment it was pinned to.
  if (was_pinned) {
    clock.Pin(now);
  } else {
    clock.Release();
  }
  return s;
}

}  // namespace cradle::service
