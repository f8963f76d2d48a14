-- 002_scans: evidence that a scan raised (forged or copied labels, weight mismatches, device
-- clocks ahead of the server). The case workflow (next issue) reads these; rows are append-only.
-- A finding may belong to a rejected scan (forged, copied): such scans have no manifest_events row,
-- so event_id is not a foreign key and manifest_id may name no stored manifest (or be NULL).

CREATE TABLE scan_findings (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL
    CHECK (kind IN ('forged_label', 'copied_label', 'weight_mismatch', 'clock_skew')),
  manifest_id TEXT,
  actor TEXT NOT NULL,
  device TEXT,
  event_id TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail)),
  at INTEGER NOT NULL
) STRICT;
CREATE INDEX scan_findings_by_manifest ON scan_findings(manifest_id, seq)
  WHERE manifest_id IS NOT NULL;
CREATE INDEX scan_findings_by_kind ON scan_findings(kind, seq);
CREATE INDEX scan_findings_by_event ON scan_findings(event_id, kind);
