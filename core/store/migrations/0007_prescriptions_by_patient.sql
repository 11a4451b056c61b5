-- Prescriptions are read patient by patient, in fill-date order, by every evaluation, report and
-- measure. Kept in a table ordered by (patient_id, fill_date, rx_id), a patient's fills lie
-- together and are read in one pass, instead of one lookup in the table per fill through an
-- index; rx_id stays unique through an index of its own. The table is rebuilt with the same rows.
CREATE TABLE prescriptions_new (
  rx_id         TEXT NOT NULL UNIQUE,
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
  resolve_error TEXT,
  PRIMARY KEY (patient_id, fill_date, rx_id)
) WITHOUT ROWID;
INSERT INTO prescriptions_new SELECT * FROM prescriptions;
DROP TABLE prescriptions;
ALTER TABLE prescriptions_new RENAME TO prescriptions;
