#include "scanner/outbox.h"

#include <algorithm>
#include <utility>

namespace cradle::scan {

namespace {

constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS revoked(
  manifest_id TEXT PRIMARY KEY, voided_at TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS seen(
  manifest_id TEXT NOT NULL, kind TEXT NOT NULL, PRIMARY KEY(manifest_id, kind)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS outbox(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  token TEXT NOT NULL,
  manifest_id TEXT NOT NULL,
  mass_g INTEGER,
  scanned_at TEXT NOT NULL,
  facility TEXT, vehicle TEXT, method TEXT,
  state TEXT NOT NULL DEFAULT 'queued' CHECK(state IN ('queued', 'done', 'parked')),
  claimed INTEGER NOT NULL DEFAULT 0,
  code TEXT);
CREATE INDEX IF NOT EXISTS outbox_by_state ON outbox(state, seq);
)sql";

// Version 2: held scans (OUT_OF_ORDER waits for its predecessor). A held scan stays
// state 'queued' so version-1 files migrate with ADD COLUMN (a CHECK cannot be altered).
constexpr char kMigrateTo2[] = R"sql(
ALTER TABLE outbox ADD COLUMN held_since INTEGER;
ALTER TABLE outbox ADD COLUMN retry_at INTEGER;
ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
PRAGMA user_version = 2;
)sql";

// Version 3: the open trips of the device's organisation (trips.h), replaced whole by each
// refresh, so a session bound to one can tell offline whether a label is on it.
constexpr char kMigrateTo3[] = R"sql(
CREATE TABLE IF NOT EXISTS trips(
  id TEXT PRIMARY KEY,
  status TEXT NOT NULL, sender TEXT NOT NULL, carrier TEXT NOT NULL,
  receiver TEXT NOT NULL, receiver_org TEXT NOT NULL, vehicle TEXT NOT NULL,
  planned_on TEXT NOT NULL, ad_hoc INTEGER NOT NULL DEFAULT 0,
  return_of TEXT NOT NULL DEFAULT '') WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS trip_containers(
  trip_id TEXT NOT NULL REFERENCES trips(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  manifest_id TEXT NOT NULL, status TEXT NOT NULL, waste_code TEXT NOT NULL,
  declared_g INTEGER NOT NULL,
  PRIMARY KEY(trip_id, position)) WITHOUT ROWID;
ALTER TABLE outbox ADD COLUMN repeat_scope TEXT;
PRAGMA user_version = 3;
)sql";

constexpr char kScanColumns[] =
    "seq, event_id, kind, token, manifest_id, mass_g, scanned_at, facility, vehicle, method, "
    "repeat_scope";

// The kind as the seen table keys it: "pickup", or "pickup@<return trip>".
std::string SeenKind(ScanKind kind, const std::string& repeat_scope) {
  std::string key(KindName(kind));
  if (!repeat_scope.empty()) key += "@" + repeat_scope;
  return key;
}

// Reads the kScanColumns of the current row.
QueuedScan ReadScan(const Statement& row) {
  QueuedScan queued;
  queued.seq = row.Int(0);
  ScanRecord& scan = queued.scan;
  scan.event_id = row.Text(1);
  scan.kind = ParseKind(row.Text(2)).value_or(ScanKind::kPickup);
  scan.token = row.Text(3);
  scan.manifest_id = row.Text(4);
  if (!row.IsNull(5)) scan.mass_g = row.Int(5);
  scan.scanned_at = row.Text(6);
  scan.facility = row.Text(7);
  scan.vehicle = row.Text(8);
  scan.method = row.Text(9);
  scan.repeat_scope = row.Text(10);
  return queued;
}

}  // namespace

bool IsHoldableCode(const std::string& code) { return code == "OUT_OF_ORDER"; }

Result<std::unique_ptr<Outbox>> Outbox::Open(const std::string& path) {
  auto db = Database::Open(path);
  if (!db.ok()) return db.status();
  std::unique_ptr<Outbox> outbox(new Outbox(std::move(db).value()));
  if (Status s = outbox->db_->Exec(kSchema); !s.ok()) return s;
  if (Status s = outbox->Migrate(); !s.ok()) return s;
  if (Status s = outbox->Prepare(); !s.ok()) return s;
  return outbox;
}

Status Outbox::Migrate() {
  Transaction txn(*db_);
  if (Status s = txn.Begin(); !s.ok()) return s;
  auto version = db_->Prepare("PRAGMA user_version");
  if (!version.ok()) return version.status();
  auto row = version->Step();
  if (!row.ok()) return row.status();
  const int64_t current = *row ? version->Int(0) : 0;
  version->Reset();
  if (current < 2) {
    if (Status s = db_->Exec(kMigrateTo2); !s.ok()) return s;
  }
  if (current < 3) {
    if (Status s = db_->Exec(kMigrateTo3); !s.ok()) return s;
  }
  return txn.Commit();
}

Status Outbox::Prepare() {
  struct Item {
    Statement* target;
    const char* sql;
  };
  const Item items[] = {
      {&insert_scan_,
       "INSERT INTO outbox(event_id, kind, token, manifest_id, mass_g, scanned_at, facility, "
       "vehicle, method, repeat_scope) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"},
      {&insert_seen_, "INSERT INTO seen(manifest_id, kind) VALUES(?1, ?2)"},
      {&set_done_, "UPDATE outbox SET state = 'done' WHERE event_id = ?1 AND state = 'queued'"},
      {&set_parked_,
       "UPDATE outbox SET state = 'parked', code = ?2 WHERE event_id = ?1 AND state = 'queued'"},
      {&find_hold_,
       "SELECT held_since, attempts FROM outbox WHERE event_id = ?1 AND state = 'queued'"},
      {&set_held_,
       "UPDATE outbox SET code = ?2, held_since = ?3, retry_at = ?4, attempts = ?5 "
       "WHERE event_id = ?1 AND state = 'queued'"},
      {&unsee_,
       "DELETE FROM seen WHERE (manifest_id, kind) = "
       "(SELECT manifest_id, kind || COALESCE('@' || repeat_scope, '') FROM outbox "
       "WHERE event_id = ?1)"},
      {&insert_revoked_, "INSERT OR IGNORE INTO revoked(manifest_id, voided_at) VALUES(?1, ?2)"},
      {&find_revoked_, "SELECT 1 FROM revoked WHERE manifest_id = ?1"},
      {&find_seen_, "SELECT 1 FROM seen WHERE manifest_id = ?1 AND kind = ?2"},
  };
  for (const Item& item : items) {
    auto stmt = db_->Prepare(item.sql);
    if (!stmt.ok()) return stmt.status();
    *item.target = std::move(stmt).value();
  }
  return Status::Ok();
}

Status Outbox::SetMeta(const std::string& key, const std::string& value) {
  auto stmt = db_->Prepare("INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)");
  if (!stmt.ok()) return stmt.status();
  return stmt->Bind(1, key).Bind(2, value).Run();
}

Result<std::optional<std::string>> Outbox::GetMeta(const std::string& key) {
  auto stmt = db_->Prepare("SELECT value FROM meta WHERE key = ?1");
  if (!stmt.ok()) return stmt.status();
  auto row = stmt->Bind(1, key).Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(stmt->Text(0));
}

Status Outbox::AddRevocations(const std::vector<Revocation>& items, const std::string& cursor) {
  Transaction txn(*db_);
  if (Status s = txn.Begin(); !s.ok()) return s;
  for (const Revocation& item : items) {
    if (Status s = insert_revoked_.Bind(1, item.manifest_id).Bind(2, item.voided_at).Run();
        !s.ok()) {
      return s;
    }
  }
  if (Status s = SetMeta(kMetaRevocationCursor, cursor); !s.ok()) return s;
  return txn.Commit();
}

Result<bool> Outbox::IsRevoked(const std::string& manifest_id) {
  Result<bool> row = find_revoked_.Bind(1, manifest_id).Step();
  find_revoked_.Reset();  // ends the read, so no snapshot is held between scans
  return row;
}

Result<int64_t> Outbox::RevokedCount() {
  auto stmt = db_->Prepare("SELECT count(*) FROM revoked");
  if (!stmt.ok()) return stmt.status();
  auto row = stmt->Step();
  if (!row.ok()) return row.status();
  return stmt->Int(0);
}

Result<bool> Outbox::WasScanned(const std::string& manifest_id, ScanKind kind,
                                const std::string& repeat_scope) {
  Result<bool> row = find_seen_.Bind(1, manifest_id).Bind(2, SeenKind(kind, repeat_scope)).Step();
  find_seen_.Reset();
  return row;
}

Status Outbox::InsertOne(const ScanRecord& scan) {
  Status seen =
      insert_seen_.Bind(1, scan.manifest_id).Bind(2, SeenKind(scan.kind, scan.repeat_scope)).Run();
  if (seen.code() == "CONSTRAINT") {
    return Status("ALREADY_SCANNED", scan.manifest_id + " was already scanned for " +
                                         std::string(KindName(scan.kind)) + " on this device");
  }
  if (!seen.ok()) return seen;
  return insert_scan_.Bind(1, scan.event_id)
      .Bind(2, KindName(scan.kind))
      .Bind(3, scan.token)
      .Bind(4, scan.manifest_id)
      .Bind(5, scan.mass_g)
      .Bind(6, scan.scanned_at)
      .BindOrNull(7, scan.facility)
      .BindOrNull(8, scan.vehicle)
      .BindOrNull(9, scan.method)
      .BindOrNull(10, scan.repeat_scope)
      .Run();
}

Status Outbox::Enqueue(const ScanRecord& scan) { return EnqueueMany({scan}); }

Status Outbox::EnqueueMany(const std::vector<ScanRecord>& scans) {
  Transaction txn(*db_);
  if (Status s = txn.Begin(); !s.ok()) return s;
  for (const ScanRecord& scan : scans) {
    if (Status s = InsertOne(scan); !s.ok()) return s;
  }
  return txn.Commit();
}

Result<bool> Outbox::AttachMass(const std::string& event_id, int64_t mass_g) {
  auto stmt = db_->Prepare(
      "UPDATE outbox SET mass_g = ?2 WHERE event_id = ?1 AND state = 'queued' AND claimed = 0 "
      "RETURNING seq");
  if (!stmt.ok()) return stmt.status();
  auto row = stmt->Bind(1, event_id).Bind(2, mass_g).Step();
  if (!row.ok()) return row.status();
  bool changed = *row;
  stmt->Reset();  // finishes the statement so the change is committed now
  return changed;
}

Result<std::vector<QueuedScan>> Outbox::ClaimBatch(size_t limit, int64_t now_micros,
                                                   int64_t after_seq) {
  Transaction txn(*db_);
  if (Status s = txn.Begin(); !s.ok()) return s;
  auto select = db_->Prepare(std::string("SELECT ") + kScanColumns +
                             " FROM outbox WHERE state = 'queued' AND seq > ?3 AND "
                             "(retry_at IS NULL OR retry_at <= ?2) ORDER BY seq LIMIT ?1");
  if (!select.ok()) return select.status();
  select->Bind(1, static_cast<int64_t>(limit)).Bind(2, now_micros).Bind(3, after_seq);
  std::vector<QueuedScan> batch;
  batch.reserve(limit);
  for (;;) {
    auto row = select->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    batch.push_back(ReadScan(*select));
  }
  select->Reset();
  if (!batch.empty()) {
    auto claim = db_->Prepare(
        "UPDATE outbox SET claimed = 1 WHERE state = 'queued' AND claimed = 0 AND seq <= ?1");
    if (!claim.ok()) return claim.status();
    if (Status s = claim->Bind(1, batch.back().seq).Run(); !s.ok()) return s;
  }
  if (Status s = txn.Commit(); !s.ok()) return s;
  return batch;
}

Result<std::vector<OutboxState>> Outbox::Settle(const std::vector<ScanOutcome>& outcomes,
                                                int64_t now_micros, const HoldPolicy& hold) {
  std::vector<OutboxState> states;
  states.reserve(outcomes.size());
  Transaction txn(*db_);
  if (Status s = txn.Begin(); !s.ok()) return s;
  for (const ScanOutcome& outcome : outcomes) {
    if (!outcome.parked) {
      if (Status s = set_done_.Bind(1, outcome.event_id).Run(); !s.ok()) return s;
      states.push_back(OutboxState::kDone);
      continue;
    }
    if (IsHoldableCode(outcome.code)) {
      Result<bool> row = find_hold_.Bind(1, outcome.event_id).Step();
      if (!row.ok()) return row.status();
      const bool queued = *row;
      const int64_t since = queued && !find_hold_.IsNull(0) ? find_hold_.Int(0) : now_micros;
      const int64_t attempts = (queued ? find_hold_.Int(1) : 0) + 1;
      find_hold_.Reset();
      const int64_t deadline = since + std::max<int64_t>(0, hold.hold_for_micros);
      if (queued && now_micros < deadline) {
        // first_retry * 2^(attempts-1), capped, and never past the deadline: the last try
        // happens when the hold ends.
        int64_t delay = std::max<int64_t>(0, hold.first_retry_micros);
        for (int64_t i = 1; i < attempts && delay < hold.max_retry_micros; ++i) delay *= 2;
        delay = std::min(delay, std::max<int64_t>(0, hold.max_retry_micros));
        const int64_t retry_at = std::min(now_micros + delay, deadline);
        if (Status s = set_held_.Bind(1, outcome.event_id)
                           .Bind(2, outcome.code)
                           .Bind(3, since)
                           .Bind(4, retry_at)
                           .Bind(5, attempts)
                           .Run();
            !s.ok()) {
          return s;
        }
        states.push_back(OutboxState::kHeld);
        continue;
      }
    }
    // A label the server calls a copy stays seen; any other refusal may be scanned again.
    if (outcome.code != "ALREADY_COLLECTED") {
      if (Status s = unsee_.Bind(1, outcome.event_id).Run(); !s.ok()) return s;
    }
    if (Status s = set_parked_.Bind(1, outcome.event_id).Bind(2, outcome.code).Run(); !s.ok()) {
      return s;
    }
    states.push_back(OutboxState::kParked);
  }
  if (Status s = txn.Commit(); !s.ok()) return s;
  return states;
}

Result<OutboxCounts> Outbox::Counts() {
  auto stmt = db_->Prepare(
      "SELECT CASE WHEN state = 'queued' AND held_since IS NOT NULL THEN 'held' ELSE state END, "
      "count(*) FROM outbox GROUP BY 1");
  if (!stmt.ok()) return stmt.status();
  OutboxCounts counts;
  for (;;) {
    auto row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    std::string state = stmt->Text(0);
    int64_t n = stmt->Int(1);
    if (state == "queued") counts.queued = n;
    if (state == "held") counts.held = n;
    if (state == "done") counts.done = n;
    if (state == "parked") counts.parked = n;
  }
  return counts;
}

Result<std::vector<ParkedScan>> Outbox::Parked(size_t limit) {
  auto stmt = db_->Prepare(
      "SELECT event_id, manifest_id, kind, code FROM outbox WHERE state = 'parked' "
      "ORDER BY seq LIMIT ?1");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, static_cast<int64_t>(limit));
  std::vector<ParkedScan> parked;
  for (;;) {
    auto row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    parked.push_back({stmt->Text(0), stmt->Text(1),
                      ParseKind(stmt->Text(2)).value_or(ScanKind::kPickup), stmt->Text(3)});
  }
  return parked;
}

Result<std::vector<HeldScan>> Outbox::Held(size_t limit) {
  auto stmt = db_->Prepare(
      "SELECT event_id, manifest_id, kind, code, held_since, retry_at, attempts FROM outbox "
      "WHERE state = 'queued' AND held_since IS NOT NULL ORDER BY seq LIMIT ?1");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, static_cast<int64_t>(limit));
  std::vector<HeldScan> held;
  for (;;) {
    auto row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    held.push_back({stmt->Text(0), stmt->Text(1),
                    ParseKind(stmt->Text(2)).value_or(ScanKind::kPickup), stmt->Text(3),
                    stmt->Int(4), stmt->Int(5), stmt->Int(6)});
  }
  return held;
}

Result<std::optional<ScanRecord>> Outbox::Find(const std::string& event_id) {
  auto stmt =
      db_->Prepare(std::string("SELECT ") + kScanColumns + " FROM outbox WHERE event_id = ?1");
  if (!stmt.ok()) return stmt.status();
  auto row = stmt->Bind(1, event_id).Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<ScanRecord>();
  return std::optional<ScanRecord>(ReadScan(*stmt).scan);
}

Result<std::optional<OutboxState>> Outbox::StateOf(const std::string& event_id) {
  auto stmt = db_->Prepare(
      "SELECT CASE WHEN state = 'queued' AND held_since IS NOT NULL THEN 'held' ELSE state END "
      "FROM outbox WHERE event_id = ?1");
  if (!stmt.ok()) return stmt.status();
  auto row = stmt->Bind(1, event_id).Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<OutboxState>();
  std::string state = stmt->Text(0);
  OutboxState value = state == "done"     ? OutboxState::kDone
                      : state == "parked" ? OutboxState::kParked
                      : state == "held"   ? OutboxState::kHeld
                                          : OutboxState::kQueued;
  return std::optional<OutboxState>(value);
}

Status Outbox::ReplaceTrips(const std::vector<Trip>& trips, const std::string& org,
                            int64_t fetched_at_micros) {
  Transaction txn(*db_);
  if (Status s = txn.Begin(); !s.ok()) return s;
  // Explicit deletes: foreign keys (and so the cascade) may be off on this connection.
  if (Status s = db_->Exec("DELETE FROM trip_containers; DELETE FROM trips;"); !s.ok()) return s;
  auto trip_insert = db_->Prepare(
      "INSERT INTO trips(id, status, sender, carrier, receiver, receiver_org, vehicle, "
      "planned_on, ad_hoc, return_of) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  if (!trip_insert.ok()) return trip_insert.status();
  auto container_insert = db_->Prepare(
      "INSERT INTO trip_containers(trip_id, position, manifest_id, status, waste_code, "
      "declared_g) VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
  if (!container_insert.ok()) return container_insert.status();
  for (const Trip& t : trips) {
    Status s = trip_insert->Bind(1, t.id)
                   .Bind(2, t.status)
                   .Bind(3, t.sender)
                   .Bind(4, t.carrier)
                   .Bind(5, t.receiver)
                   .Bind(6, t.receiver_org)
                   .Bind(7, t.vehicle)
                   .Bind(8, t.planned_on)
                   .Bind(9, int64_t{t.ad_hoc ? 1 : 0})
                   .Bind(10, t.return_of)
                   .Run();
    if (s.code() == "CONSTRAINT") return Status("PROTOCOL", "transfer " + t.id + " twice");
    if (!s.ok()) return s;
    int64_t position = 0;
    for (const TripContainer& c : t.containers) {
      if (Status s = container_insert->Bind(1, t.id)
                         .Bind(2, position++)
                         .Bind(3, c.manifest_id)
                         .Bind(4, c.status)
                         .Bind(5, c.waste_code)
                         .Bind(6, c.declared_g)
                         .Run();
          !s.ok()) {
        return s;
      }
    }
  }
  if (Status s = SetMeta(kMetaOrg, org); !s.ok()) return s;
  if (Status s = SetMeta(kMetaTripsFetchedAt, std::to_string(fetched_at_micros)); !s.ok()) {
    return s;
  }
  return txn.Commit();
}

Result<std::vector<Trip>> Outbox::Trips() {
  auto trips = db_->Prepare(
      "SELECT id, status, sender, carrier, receiver, receiver_org, vehicle, planned_on, ad_hoc, "
      "return_of FROM trips ORDER BY id");
  if (!trips.ok()) return trips.status();
  std::vector<Trip> out;
  for (;;) {
    auto row = trips->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    Trip t;
    t.id = trips->Text(0);
    t.status = trips->Text(1);
    t.sender = trips->Text(2);
    t.carrier = trips->Text(3);
    t.receiver = trips->Text(4);
    t.receiver_org = trips->Text(5);
    t.vehicle = trips->Text(6);
    t.planned_on = trips->Text(7);
    t.ad_hoc = trips->Int(8) != 0;
    t.return_of = trips->Text(9);
    out.push_back(std::move(t));
  }
  trips->Reset();
  auto containers = db_->Prepare(
      "SELECT manifest_id, status, waste_code, declared_g FROM trip_containers "
      "WHERE trip_id = ?1 ORDER BY position");
  if (!containers.ok()) return containers.status();
  for (Trip& t : out) {
    containers->Bind(1, t.id);
    for (;;) {
      auto row = containers->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      t.containers.push_back(
          {containers->Text(0), containers->Text(1), containers->Text(2), containers->Int(3)});
    }
    containers->Reset();
  }
  return out;
}

Result<std::optional<Trip>> Outbox::FindTrip(const std::string& id) {
  Result<std::vector<Trip>> trips = Trips();
  if (!trips.ok()) return trips.status();
  for (Trip& t : *trips) {
    if (t.id == id) return std::optional<Trip>(std::move(t));
  }
  return std::optional<Trip>();
}

}  // namespace cradle::scan
