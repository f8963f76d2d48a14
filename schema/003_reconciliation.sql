-- 003_reconciliation: monthly roll-ups, maintained in the same transaction as each issuance, void
-- and accepted scan, so a month's report reads a few rows per party instead of every event; and
-- the case ledger (problems found, dispatched, answered, closed).
-- month is "YYYY-MM" of the event's server receive time (manifest_events.received_at; for an
-- issuance manifests.issued_at) in the deployment's zone (setting time-zone-offset).

CREATE TABLE recon_producer_month (
  month TEXT NOT NULL,
  producer TEXT NOT NULL,
  issued INTEGER NOT NULL DEFAULT 0,
  issued_declared_g INTEGER NOT NULL DEFAULT 0,
  voided INTEGER NOT NULL DEFAULT 0,
  collected INTEGER NOT NULL DEFAULT 0,
  collected_measured_g INTEGER NOT NULL DEFAULT 0,
  received INTEGER NOT NULL DEFAULT 0,
  received_declared_g INTEGER NOT NULL DEFAULT 0,
  received_measured_g INTEGER NOT NULL DEFAULT 0,
  disposed INTEGER NOT NULL DEFAULT 0,
  rejected INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (month, producer)
) STRICT, WITHOUT ROWID;
CREATE INDEX recon_producer_by_producer ON recon_producer_month(producer, month);

CREATE TABLE recon_facility_month (
  month TEXT NOT NULL,
  facility TEXT NOT NULL,
  received INTEGER NOT NULL DEFAULT 0,
  received_g INTEGER NOT NULL DEFAULT 0,
  disposed INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (month, facility)
) STRICT, WITHOUT ROWID;
CREATE INDEX recon_facility_by_facility ON recon_facility_month(facility, month);

-- A programme's pickups: a member's manifest picked up by the programme's own collector.
CREATE TABLE recon_programme_month (
  month TEXT NOT NULL,
  programme TEXT NOT NULL,
  pickups INTEGER NOT NULL DEFAULT 0,
  collected_g INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (month, programme)
) STRICT, WITHOUT ROWID;
CREATE INDEX recon_programme_by_programme ON recon_programme_month(programme, month);

-- One row per member served per month: counts a member once a month and (DISTINCT) once a year.
CREATE TABLE recon_programme_member_month (
  programme TEXT NOT NULL,
  month TEXT NOT NULL,
  member TEXT NOT NULL,
  PRIMARY KEY (programme, month, member)
) STRICT, WITHOUT ROWID;

CREATE TABLE cases (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('weight_mismatch', 'uncollected', 'unreceived',
                                     'forged_label', 'copied_label', 'capacity')),
  subject TEXT NOT NULL,            -- manifest id, facility id or programme id
  threshold TEXT NOT NULL DEFAULT '',  -- capacity: '80' or '95'; otherwise ''
  party TEXT NOT NULL,              -- USCC of the responsible party
  status TEXT NOT NULL DEFAULT 'open'
    CHECK (status IN ('open', 'dispatched', 'responded', 'closed')),
  detail TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail)),
  opened_at INTEGER NOT NULL,
  opened_month TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (kind, subject, threshold)
) STRICT;
CREATE INDEX cases_by_status ON cases(status, id);
CREATE INDEX cases_by_party ON cases(party, id);
CREATE INDEX cases_by_month ON cases(opened_month, id);

CREATE TABLE case_actions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  action TEXT NOT NULL CHECK (action IN ('open', 'dispatch', 'respond', 'close', 'reopen')),
  actor TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  from_status TEXT,
  to_status TEXT NOT NULL,
  at INTEGER NOT NULL
) STRICT;
CREATE INDEX case_actions_by_case ON case_actions(case_id, seq);

-- Where each incremental rule stopped (e.g. the last scan_findings.seq turned into cases).
CREATE TABLE rule_cursors (
  name TEXT PRIMARY KEY,
  last_seq INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
