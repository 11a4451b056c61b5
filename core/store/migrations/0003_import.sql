-- What CSV import needs from the registry tables.
-- prescriptions: days_supply may be missing in real extracts (the fill is kept and flagged, never
-- given an invented supply), so it becomes nullable; dose and doses_per_day keep the prescriber's
-- wording ("1-2", "q6h"), which the MED engine reads, so they become text. SQLite cannot change
-- a column in place: the table is rebuilt with the same rows.
CREATE TABLE prescriptions_new (
  rx_id         TEXT PRIMARY KEY,
  patient_id    TEXT NOT NULL REFERENCES patients(patient_id),
  fill_date     TEXT NOT NULL,
  drug          TEXT NOT NULL,
  quantity      REAL NOT NULL,
  days_supply   INTEGER,
  clinician_id  TEXT,
  ndc           TEXT,
  rxnorm        TEXT,
  strength      REAL,
  strength_unit TEXT,
  form          TEXT,
  dose          TEXT,
  doses_per_day TEXT,
  prn           INTEGER,
  written_date  TEXT,
  pharmacy_id   TEXT,
  source        TEXT,
  class         TEXT,
  ingredient    TEXT,
  product_key   TEXT,
  daily_dose    REAL,
  dose_unit     TEXT,
  factor        REAL,
  med           REAL,
  long_acting   INTEGER,
  dq_flags      TEXT,
  resolve_error TEXT
);
INSERT INTO prescriptions_new SELECT * FROM prescriptions;
DROP TABLE prescriptions;
ALTER TABLE prescriptions_new RENAME TO prescriptions;
CREATE INDEX prescriptions_patient ON prescriptions(patient_id, fill_date);

-- assessments: a score that disagrees with the plugin's score of the items is kept and flagged.
ALTER TABLE assessments ADD COLUMN dq_flags TEXT;
