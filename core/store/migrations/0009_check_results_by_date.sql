-- The gaps of one evaluation date are written together, read together and replaced together.
-- Kept in a table ordered by (as_of, seq), where seq is the gap's place in its run, a date's
-- gaps lie together: replacing them is one range of one b-tree, and a new run appends, instead
-- of every row going into the table and a separate index on (as_of, check_id).
CREATE TABLE check_results_new (
  as_of         TEXT NOT NULL,
  seq           INTEGER NOT NULL,
  check_id      TEXT NOT NULL,
  patient_id    TEXT,
  clinician_id  TEXT,
  site_id       TEXT,
  severity      TEXT NOT NULL,
  due           TEXT,
  detail        TEXT,
  PRIMARY KEY (as_of, seq)
) WITHOUT ROWID;
INSERT INTO check_results_new
  SELECT as_of, row_number() OVER (PARTITION BY as_of ORDER BY rowid) - 1, check_id, patient_id,
         clinician_id, site_id, severity, due, detail
    FROM check_results;
DROP TABLE check_results;
ALTER TABLE check_results_new RENAME TO check_results;
