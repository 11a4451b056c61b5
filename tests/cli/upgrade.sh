#!/usr/bin/env bash
# Opening a site whose schema is older upgrades it in place: the prescriptions table moves to
# patient order with the same rows, the evaluation's indexes cover what it reads, and the file
# is compacted once when the rebuild left a large share of it free.
source "$SIXBB_SOURCE/tests/lib.sh"

"$SIXBB" synth --out org --patients 3000 --seed 3 --as-of 2026-06-30 --no-noise >/dev/null
"$SIXBB" init site >/dev/null
"$SIXBB" -C site import org --as-of 2026-06-30 >/dev/null
db=site/sixbb.db
rows() { sqlite3 "$db" "SELECT * FROM prescriptions ORDER BY rx_id" | md5sum; }
want=$(rows)
count=$(sqlite3 "$db" "SELECT count(*) FROM prescriptions")
[ "$count" -gt 50000 ] || fail "fixture too small ($count prescriptions)"

# Put the tables back the way schema version 6 kept them (prescriptions a rowid table keyed by
# rx_id with an index on patient and date; the narrower indexes; stored gaps in a rowid table
# with an index on date and check), and forget migrations 7 to 9.
sqlite3 "$db" <<'SQL'
CREATE TABLE old_rx AS SELECT * FROM prescriptions;
DROP TABLE prescriptions;
CREATE TABLE prescriptions (
  rx_id TEXT PRIMARY KEY, patient_id TEXT NOT NULL REFERENCES patients(patient_id),
  fill_date TEXT NOT NULL, drug TEXT NOT NULL, quantity REAL NOT NULL, days_supply INTEGER,
  clinician_id TEXT, ndc TEXT, rxnorm TEXT, strength REAL, strength_unit TEXT, form TEXT,
  dose TEXT, doses_per_day TEXT, prn INTEGER, written_date TEXT, pharmacy_id TEXT, source TEXT,
  class TEXT, ingredient TEXT, product_key TEXT, daily_dose REAL, dose_unit TEXT, factor REAL,
  med REAL, long_acting INTEGER, dq_flags TEXT, resolve_error TEXT);
INSERT INTO prescriptions SELECT * FROM old_rx;
DROP TABLE old_rx;
CREATE INDEX prescriptions_patient ON prescriptions(patient_id, fill_date);
DROP INDEX assessments_by_patient;
DROP INDEX diagnoses_by_patient;
DROP INDEX appointments_patient;
CREATE INDEX appointments_patient ON appointments(patient_id, date);
DROP TABLE check_results;
CREATE TABLE check_results (as_of TEXT NOT NULL, check_id TEXT NOT NULL, patient_id TEXT,
  clinician_id TEXT, site_id TEXT, severity TEXT NOT NULL, due TEXT, detail TEXT);
CREATE INDEX check_results_asof ON check_results(as_of, check_id);
INSERT INTO check_results VALUES
  ('2026-05-31', 'udt-due', 'P000002', 'C0001', 'S01', 'due', NULL, 'no UDT on record'),
  ('2026-06-30', 'pdmp-due', 'P000001', 'C0001', 'S01', 'due', '2026-06-01', 'last PDMP check'),
  ('2026-05-31', 'team-meeting-due', NULL, NULL, 'S01', 'due', NULL, 'no meeting'),
  ('2026-06-30', 'udt-due', 'P000003', NULL, 'S02', 'overdue', NULL, 'no UDT on record');
DELETE FROM schema_version WHERE version >= 7;
VACUUM;
SQL
equals "$(rows)" "$want" "rows in the old layout"
equals "$(sqlite3 "$db" "SELECT max(version) FROM schema_version")" 6 "old schema version"

expect_rc 0 "$SIXBB" -C site check --as-of 2026-06-30 --patient P000001
contains "$err" "compacting the database after the schema upgrade"
equals "$(sqlite3 "$db" "SELECT max(version) FROM schema_version")" 9 "schema version"
# Stored gaps keep their rows, numbered within their date in the order they were stored.
equals "$(sqlite3 "$db" "SELECT group_concat(as_of || '/' || seq || '/' || check_id || '/' || ifnull(patient_id, '-'), ' ') FROM (SELECT * FROM check_results WHERE as_of < '2026-07-01' ORDER BY as_of, seq)")" \
  "2026-05-31/0/udt-due/P000002 2026-05-31/1/team-meeting-due/- 2026-06-30/0/pdmp-due/P000001 2026-06-30/1/udt-due/P000003" \
  "stored gaps after the upgrade"
equals "$(rows)" "$want" "rows after the upgrade"
equals "$(sqlite3 "$db" "PRAGMA freelist_count")" 0 "free pages after compaction"
contains "$(sqlite3 "$db" "SELECT sql FROM sqlite_master WHERE name = 'prescriptions'")" "WITHOUT ROWID"
indexes=$(sqlite3 "$db" "SELECT group_concat(name) FROM sqlite_master WHERE type = 'index'")
not_contains "$indexes" "prescriptions_patient"
contains "$indexes" "assessments_by_patient"
contains "$(sqlite3 "$db" "SELECT sql FROM sqlite_master WHERE name = 'appointments_patient'")" \
  "patient_id, date, status"

# The next open has nothing to do.
expect_rc 0 "$SIXBB" -C site check --as-of 2026-06-30 --patient P000001
not_contains "$err" "compacting"
done_ok
