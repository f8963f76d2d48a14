-- 005_row_seals: tamper evidence over the stored records themselves (server/store/seal.h).
-- Every write that changes a row of a sealed table records the row's canonical content hash in
-- row_seal_log under the audit entry of that write; the entry's rows_sha256 (part of its chain
-- hash) covers exactly those seals. Verify recomputes every live row and compares.

-- '' for entries written before this migration and for entries that sealed no row: their hash is
-- computed exactly as before (audit.h), so old chains still verify.
ALTER TABLE audit_log ADD COLUMN rows_sha256 TEXT NOT NULL DEFAULT '';

-- Append-only. content_sha256 NULL: the write deleted the row. key is json_array(key columns).
-- prior_sha256: the row's content just before the write (NULL: it did not exist), which must be
-- the previous seal's content: a write over a row altered behind cradle's back cannot hide it.
CREATE TABLE row_seal_log (
  audit_seq INTEGER NOT NULL,
  tbl TEXT NOT NULL,
  key TEXT NOT NULL,
  content_sha256 TEXT CHECK (content_sha256 IS NULL OR length(content_sha256) = 64),
  prior_sha256 TEXT CHECK (prior_sha256 IS NULL OR length(prior_sha256) = 64),
  PRIMARY KEY (audit_seq, tbl, key)
) STRICT, WITHOUT ROWID;
-- No index by (tbl, key): verify sorts instead, so a write adds no random index page per row.

-- One row while the rows that existed at upgrade time still have to be sealed; the server seals
-- them at its next start, in one audited transaction ('rows.seal_upgrade'), and deletes the row.
CREATE TABLE row_seal_upgrade (pending INTEGER NOT NULL) STRICT;
INSERT INTO row_seal_upgrade VALUES (1);
