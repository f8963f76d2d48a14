-- 004_transfers: the transfer manifest (电子转移联单, 2021 Transfer Measures Art. 13-21), one per
-- vehicle trip per sender; custody of each container; revisions after signing; the transfer
-- roll-ups of the monthly reconciliation; new finding and case kinds.

-- Last serial handed out per (year, province, city) prefix of the transfer number
-- (core/transfer_number.h knows the rule). Rows only ever increase.
CREATE TABLE transfer_serials (
  prefix TEXT PRIMARY KEY CHECK (length(prefix) = 8 AND prefix NOT GLOB '*[^0-9]*'),
  last_serial INTEGER NOT NULL CHECK (last_serial BETWEEN 0 AND 999999)
) STRICT, WITHOUT ROWID;

CREATE TABLE transfers (
  id TEXT PRIMARY KEY CHECK (length(id) = 14 AND id NOT GLOB '*[^0-9]*'),
  sender TEXT NOT NULL REFERENCES orgs(uscc),
  carrier TEXT NOT NULL REFERENCES orgs(uscc),
  receiver TEXT REFERENCES facilities(id),   -- NULL: an ad hoc trip before its first receipt,
  receiver_org TEXT REFERENCES orgs(uscc),   --   or a return to a sender without a facility
  vehicle TEXT NOT NULL,
  driver_name TEXT,
  driver_licence TEXT,
  purpose TEXT NOT NULL CHECK (purpose IN ('disposal', 'utilisation')),
  planned_on TEXT,
  status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'in_transit', 'delivered',
                                         'received', 'refused', 'cancelled')),
  ad_hoc INTEGER NOT NULL DEFAULT 0 CHECK (ad_hoc IN (0, 1)),
  trip_day TEXT,                 -- ad hoc: local day of the first pickup
  return_of TEXT REFERENCES transfers(id),
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  submitted_at INTEGER,
  sender_signed_at INTEGER,
  carrier_signed_at INTEGER,
  delivered_at INTEGER,
  receipt_due TEXT,
  receiver_signed_at INTEGER,
  cancelled_at INTEGER,
  cancel_reason TEXT,
  receipt_note TEXT,
  weighbridge_g INTEGER CHECK (weighbridge_g IS NULL OR weighbridge_g > 0),
  version INTEGER NOT NULL DEFAULT 1,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX transfers_by_sender ON transfers(sender, id);
CREATE INDEX transfers_by_carrier ON transfers(carrier, id);
CREATE INDEX transfers_by_receiver_org ON transfers(receiver_org, id);
CREATE INDEX transfers_by_status ON transfers(status, id);
CREATE INDEX transfers_ad_hoc_trip ON transfers(carrier, sender, vehicle, trip_day)
  WHERE ad_hoc = 1;
CREATE INDEX transfers_by_return ON transfers(return_of) WHERE return_of IS NOT NULL;

-- A container's line on a transfer. 'removed' keeps a draft's removed container as evidence.
CREATE TABLE transfer_containers (
  transfer_id TEXT NOT NULL REFERENCES transfers(id),
  manifest_id TEXT NOT NULL REFERENCES manifests(id),
  status TEXT NOT NULL CHECK (status IN ('listed', 'loaded', 'received', 'refused', 'not_loaded',
                                         'removed')),
  declared_g INTEGER NOT NULL,
  waste_code TEXT NOT NULL,          -- as declared on this transfer (a revision may correct it)
  packaging TEXT NOT NULL,
  pickup_g INTEGER,
  received_g INTEGER,
  apportioned INTEGER NOT NULL DEFAULT 0 CHECK (apportioned IN (0, 1)),  -- from weighbridge_g
  refusal_reason TEXT,
  refused_g INTEGER,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (transfer_id, manifest_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX transfer_containers_by_manifest ON transfer_containers(manifest_id, transfer_id);

-- Custody: the container's open transfer (listed, loaded or received on a transfer that is not
-- finished) and the facility holding it, kept by the same writes as the scans and transfers,
-- so a scan's custody check is one primary-key read.
ALTER TABLE manifests ADD COLUMN open_transfer TEXT;
ALTER TABLE manifests ADD COLUMN holder_facility TEXT;
UPDATE manifests SET holder_facility = (
  SELECT e.facility FROM manifest_events e WHERE e.manifest_id = manifests.id
    AND e.kind = 'receive' ORDER BY e.seq DESC LIMIT 1)
  WHERE status IN ('received', 'disposed');

CREATE TABLE transfer_discrepancies (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  transfer_id TEXT NOT NULL REFERENCES transfers(id),
  manifest_id TEXT NOT NULL,
  field TEXT NOT NULL CHECK (field IN ('name', 'quantity', 'characteristics', 'form',
                                       'packaging')),
  note TEXT NOT NULL,
  at INTEGER NOT NULL
) STRICT;
CREATE INDEX transfer_discrepancies_by_transfer ON transfer_discrepancies(transfer_id, seq);

-- Every state change of a transfer, in order (the transfer's history).
CREATE TABLE transfer_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  transfer_id TEXT NOT NULL REFERENCES transfers(id),
  action TEXT NOT NULL,
  actor TEXT NOT NULL,
  from_status TEXT,
  to_status TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail)),
  at INTEGER NOT NULL
) STRICT;
CREATE INDEX transfer_log_by_transfer ON transfer_log(transfer_id, seq);

-- Corrections after signing: proposed by one party, approved by every other, applied by the
-- last approval, ended by any refusal. `before`/`after` keep both versions of what changed.
CREATE TABLE transfer_revisions (
  id INTEGER PRIMARY KEY,
  transfer_id TEXT NOT NULL REFERENCES transfers(id),
  base_version INTEGER NOT NULL,
  proposed_by TEXT NOT NULL,        -- USCC of the proposing party
  proposed_actor TEXT NOT NULL,     -- audit actor
  changes TEXT NOT NULL CHECK (json_valid(changes)),
  reason TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('proposed', 'applied', 'refused')),
  parties TEXT NOT NULL CHECK (json_valid(parties)),  -- USCCs who must approve
  before TEXT CHECK (before IS NULL OR json_valid(before)),
  created_at INTEGER NOT NULL,
  decided_at INTEGER
) STRICT;
CREATE INDEX transfer_revisions_by_transfer ON transfer_revisions(transfer_id, id);

CREATE TABLE transfer_revision_votes (
  revision_id INTEGER NOT NULL REFERENCES transfer_revisions(id),
  party TEXT NOT NULL,
  decision TEXT NOT NULL CHECK (decision IN ('approve', 'refuse')),
  actor TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  at INTEGER NOT NULL,
  PRIMARY KEY (revision_id, party)
) STRICT, WITHOUT ROWID;

-- Transfer counts per party and month, kept in the same transaction as each change.
-- role: 'producer' (the sender), 'carrier', 'facility' (the receiver facility).
CREATE TABLE recon_transfer_month (
  month TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('producer', 'carrier', 'facility')),
  party TEXT NOT NULL,
  submitted INTEGER NOT NULL DEFAULT 0,
  delivered INTEGER NOT NULL DEFAULT 0,
  received INTEGER NOT NULL DEFAULT 0,
  refused INTEGER NOT NULL DEFAULT 0,
  overdue INTEGER NOT NULL DEFAULT 0,
  refused_g INTEGER NOT NULL DEFAULT 0,
  apportioned_g INTEGER NOT NULL DEFAULT 0,   -- received mass apportioned from weighbridge_g
  PRIMARY KEY (month, role, party)
) STRICT, WITHOUT ROWID;

-- New finding and case kinds: the CHECKs of 002/003 are rebuilt (SQLite cannot alter a CHECK).
-- Inside the migration's transaction foreign keys cannot be switched off, so case_actions is
-- rebuilt too, first pointing at cases_new: no row is ever orphaned, and renaming cases_new
-- rewrites that reference to cases.

CREATE TABLE scan_findings_new (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL
    CHECK (kind IN ('forged_label', 'copied_label', 'weight_mismatch', 'clock_skew',
                    'custody_refused')),
  manifest_id TEXT,
  actor TEXT NOT NULL,
  device TEXT,
  event_id TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail)),
  at INTEGER NOT NULL
) STRICT;
INSERT INTO scan_findings_new SELECT * FROM scan_findings;
DROP TABLE scan_findings;
ALTER TABLE scan_findings_new RENAME TO scan_findings;
CREATE INDEX scan_findings_by_manifest ON scan_findings(manifest_id, seq)
  WHERE manifest_id IS NOT NULL;
CREATE INDEX scan_findings_by_kind ON scan_findings(kind, seq);
CREATE INDEX scan_findings_by_event ON scan_findings(event_id, kind);

CREATE TABLE cases_new (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('weight_mismatch', 'uncollected', 'unreceived',
                                     'forged_label', 'copied_label', 'capacity',
                                     'receipt_overdue', 'transfer_discrepancy',
                                     'transfer_unsigned', 'refused_not_returned',
                                     'custody_refused')),
  subject TEXT NOT NULL,
  threshold TEXT NOT NULL DEFAULT '',
  party TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open'
    CHECK (status IN ('open', 'dispatched', 'responded', 'closed')),
  detail TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail)),
  opened_at INTEGER NOT NULL,
  opened_month TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (kind, subject, threshold)
) STRICT;
INSERT INTO cases_new SELECT * FROM cases;
CREATE TABLE case_actions_new (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  case_id INTEGER NOT NULL REFERENCES cases_new(id),
  action TEXT NOT NULL CHECK (action IN ('open', 'dispatch', 'respond', 'close', 'reopen')),
  actor TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  from_status TEXT,
  to_status TEXT NOT NULL,
  at INTEGER NOT NULL
) STRICT;
INSERT INTO case_actions_new SELECT * FROM case_actions;
DROP TABLE case_actions;
DROP TABLE cases;
ALTER TABLE cases_new RENAME TO cases;
ALTER TABLE case_actions_new RENAME TO case_actions;
CREATE INDEX cases_by_status ON cases(status, id);
CREATE INDEX cases_by_party ON cases(party, id);
CREATE INDEX cases_by_month ON cases(opened_month, id);
CREATE INDEX case_actions_by_case ON case_actions(case_id, seq);
