-- 001_core: parties, credentials, facilities, programmes, manifests, events, idempotency, audit.
-- Applied once inside one transaction; never edited after release: add 002_... instead.
-- Times *_at are INTEGER microseconds since the Unix epoch (UTC); days are TEXT 'YYYY-MM-DD';
-- masses INTEGER grams; waste codes the 8 digits of the digital id.

CREATE TABLE orgs (
  uscc TEXT PRIMARY KEY CHECK (length(uscc) = 18),
  name TEXT NOT NULL,
  roles TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(roles) AND json_type(roles) = 'array'),
  district TEXT NOT NULL DEFAULT '',
  small_enterprise INTEGER NOT NULL DEFAULT 0 CHECK (small_enterprise IN (0, 1)),
  contact TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  org TEXT REFERENCES orgs(uscc),
  role TEXT NOT NULL CHECK (role IN ('admin', 'regulator', 'producer', 'collector', 'facility')),
  label TEXT NOT NULL DEFAULT '',
  token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
  created_at INTEGER NOT NULL,
  revoked_at INTEGER,
  CHECK (org IS NOT NULL OR role = 'admin')
) STRICT;
CREATE INDEX api_tokens_by_org ON api_tokens(org);

CREATE TABLE devices (
  device_id TEXT PRIMARY KEY,
  org TEXT NOT NULL REFERENCES orgs(uscc),
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
) STRICT;

CREATE TABLE facilities (
  id TEXT PRIMARY KEY,
  operator TEXT NOT NULL REFERENCES orgs(uscc),
  name TEXT NOT NULL,
  kind TEXT NOT NULL
    CHECK (kind IN ('landfill', 'incinerator', 'utilisation', 'transfer_station')),
  accepts TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(accepts) AND json_type(accepts) = 'array'),
  volume_m3 REAL,
  density_t_per_m3 REAL,
  cover_fraction REAL CHECK (cover_fraction IS NULL OR (cover_fraction >= 0 AND cover_fraction < 1)),
  t_per_year REAL,
  regime TEXT NOT NULL DEFAULT 'hazardous',
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX facilities_by_operator ON facilities(operator, id);

CREATE TABLE programmes (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  collector TEXT NOT NULL REFERENCES orgs(uscc),
  capacity_t_per_year REAL NOT NULL CHECK (capacity_t_per_year >= 0),
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE programme_members (
  programme_id TEXT NOT NULL REFERENCES programmes(id),
  member TEXT NOT NULL REFERENCES orgs(uscc),
  joined_at INTEGER NOT NULL,
  PRIMARY KEY (programme_id, member)
) STRICT, WITHOUT ROWID;
CREATE INDEX programme_members_by_member ON programme_members(member, programme_id);

-- Per producer, waste code and day: the last serial handed out. Rows are only ever increased.
CREATE TABLE serials (
  producer TEXT NOT NULL,
  waste_code TEXT NOT NULL,
  day TEXT NOT NULL,
  last_serial INTEGER NOT NULL CHECK (last_serial BETWEEN 0 AND 999),
  PRIMARY KEY (producer, waste_code, day)
) STRICT, WITHOUT ROWID;

CREATE TABLE manifests (
  id TEXT PRIMARY KEY CHECK (length(id) = 37),
  producer TEXT NOT NULL REFERENCES orgs(uscc),
  waste_code TEXT NOT NULL CHECK (length(waste_code) = 8 AND waste_code NOT GLOB '*[^0-9]*'),
  produced_on TEXT NOT NULL CHECK (produced_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  serial INTEGER NOT NULL CHECK (serial BETWEEN 1 AND 999),
  mass_g INTEGER NOT NULL CHECK (mass_g BETWEEN 1 AND 50000000),
  packaging TEXT NOT NULL CHECK (packaging IN ('DR', 'BG', 'TB', 'BX', 'IB', 'TK', 'BK', 'OT')),
  kid TEXT NOT NULL,
  token TEXT NOT NULL,
  status TEXT NOT NULL
    CHECK (status IN ('issued', 'collected', 'received', 'disposed', 'voided', 'rejected')),
  destination TEXT REFERENCES facilities(id),
  description TEXT,
  issued_at INTEGER NOT NULL,
  issued_by TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (producer, waste_code, produced_on, serial)
) STRICT;
-- Keyset paging is by id within each filter.
CREATE INDEX manifests_by_producer ON manifests(producer, id);
CREATE INDEX manifests_by_status ON manifests(status, id);
CREATE INDEX manifests_by_day ON manifests(produced_on, id);
CREATE INDEX manifests_by_producer_day ON manifests(producer, produced_on, id);

CREATE TABLE manifest_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT NOT NULL UNIQUE,
  manifest_id TEXT NOT NULL REFERENCES manifests(id),
  kind TEXT NOT NULL
    CHECK (kind IN ('issue', 'void', 'pickup', 'receive', 'dispose', 'reject')),
  actor TEXT NOT NULL,
  device TEXT,
  mass_g INTEGER CHECK (mass_g IS NULL OR mass_g >= 0),
  scanned_at INTEGER,
  received_at INTEGER NOT NULL,
  facility TEXT,
  vehicle TEXT,
  lat REAL,
  lon REAL,
  method TEXT,
  note TEXT,
  content_sha256 TEXT NOT NULL,
  reason TEXT
) STRICT;
CREATE INDEX manifest_events_by_manifest ON manifest_events(manifest_id, seq);
CREATE INDEX manifest_events_by_kind ON manifest_events(kind, seq);
CREATE INDEX manifest_events_by_facility ON manifest_events(facility, received_at)
  WHERE facility IS NOT NULL;

CREATE TABLE idempotency (
  actor TEXT NOT NULL,
  route TEXT NOT NULL,
  key TEXT NOT NULL,
  request_sha256 TEXT NOT NULL,
  status INTEGER NOT NULL,
  response_body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (actor, route, key)
) STRICT, WITHOUT ROWID;
CREATE INDEX idempotency_by_age ON idempotency(created_at);

-- Append-only; seq runs 1, 2, 3, ... (no AUTOINCREMENT: the store takes max(seq) + 1).
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  object TEXT NOT NULL,
  change_sha256 TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
) STRICT;
