-- The registry (one table per canonical CSV kind), program tracking, evaluation results,
-- scheduling, and the audit log. Dates are ISO 'YYYY-MM-DD' text; instants are Unix seconds.

CREATE TABLE sites (
  site_id     TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  timezone    TEXT
);

CREATE TABLE clinicians (
  clinician_id    TEXT PRIMARY KEY,
  site_id         TEXT NOT NULL REFERENCES sites(site_id),
  name            TEXT NOT NULL,
  role            TEXT,
  npi             TEXT,
  pdmp_registered TEXT,
  delegate_of     TEXT
);
CREATE INDEX clinicians_site ON clinicians(site_id);

CREATE TABLE patients (
  patient_id   TEXT PRIMARY KEY,
  site_id      TEXT NOT NULL REFERENCES sites(site_id),
  clinician_id TEXT REFERENCES clinicians(clinician_id),
  birth_date   TEXT NOT NULL,
  sex          TEXT NOT NULL,
  name         TEXT,
  status       TEXT
);
CREATE INDEX patients_site ON patients(site_id);
CREATE INDEX patients_clinician ON patients(clinician_id);

CREATE TABLE prescriptions (
  rx_id         TEXT PRIMARY KEY,
  patient_id    TEXT NOT NULL REFERENCES patients(patient_id),
  fill_date     TEXT NOT NULL,
  drug          TEXT NOT NULL,
  quantity      REAL NOT NULL,
  days_supply   INTEGER NOT NULL,
  clinician_id  TEXT,
  ndc           TEXT,
  rxnorm        TEXT,
  strength      REAL,
  strength_unit TEXT,
  form          TEXT,
  dose          REAL,
  doses_per_day REAL,
  prn           INTEGER,
  written_date  TEXT,
  pharmacy_id   TEXT,
  source        TEXT,
  -- Filled in by the MED engine at import time.
  class         TEXT,     -- opioid | moud | benzodiazepine | muscle_relaxant | naloxone | other | unresolved
  ingredient    TEXT,
  product_key   TEXT,     -- same-product identity used for chaining early refills
  daily_dose    REAL,
  dose_unit     TEXT,
  factor        REAL,
  med           REAL,     -- daily MED of this fill under the site's standard; NULL when not computable
  long_acting   INTEGER,
  dq_flags      TEXT,     -- data-quality flags, comma separated
  resolve_error TEXT
);
CREATE INDEX prescriptions_patient ON prescriptions(patient_id, fill_date);

CREATE TABLE events (
  id           INTEGER PRIMARY KEY,
  patient_id   TEXT NOT NULL REFERENCES patients(patient_id),
  type         TEXT NOT NULL,
  date         TEXT NOT NULL,
  result       TEXT,
  clinician_id TEXT,
  note         TEXT,
  UNIQUE (patient_id, type, date)
);

CREATE TABLE assessments (
  id          INTEGER PRIMARY KEY,
  patient_id  TEXT NOT NULL REFERENCES patients(patient_id),
  instrument  TEXT NOT NULL,
  date        TEXT NOT NULL,
  score       REAL,
  items       TEXT,
  UNIQUE (patient_id, instrument, date)
);

CREATE TABLE appointments (
  appointment_id TEXT PRIMARY KEY,
  patient_id     TEXT NOT NULL REFERENCES patients(patient_id),
  date           TEXT NOT NULL,
  clinician_id   TEXT,
  time           TEXT,
  type           TEXT,
  status         TEXT
);
CREATE INDEX appointments_patient ON appointments(patient_id, date);
CREATE INDEX appointments_date ON appointments(date);

CREATE TABLE diagnoses (
  id          INTEGER PRIMARY KEY,
  patient_id  TEXT NOT NULL REFERENCES patients(patient_id),
  code        TEXT NOT NULL,
  date        TEXT NOT NULL,
  end_date    TEXT,
  UNIQUE (patient_id, code, date)
);

-- Program tracking.
CREATE TABLE local_milestones (
  milestone_id TEXT PRIMARY KEY,
  block        TEXT NOT NULL,
  title        TEXT NOT NULL,
  site_id      TEXT REFERENCES sites(site_id),
  created_at   INTEGER NOT NULL
);

CREATE TABLE milestone_status (
  site_id      TEXT NOT NULL,
  milestone_id TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('complete','in_progress','planned','not_priority')),
  date         TEXT,
  note         TEXT,
  updated_at   INTEGER NOT NULL,
  PRIMARY KEY (site_id, milestone_id)
);

CREATE TABLE meetings (
  id         INTEGER PRIMARY KEY,
  site_id    TEXT NOT NULL REFERENCES sites(site_id),
  type       TEXT NOT NULL,
  date       TEXT NOT NULL,
  attendees  TEXT,
  notes      TEXT
);
CREATE INDEX meetings_site ON meetings(site_id, date);

CREATE TABLE action_plans (
  plan_id      INTEGER PRIMARY KEY,
  site_id      TEXT NOT NULL REFERENCES sites(site_id),
  created      TEXT NOT NULL,
  through      TEXT NOT NULL,
  goal         TEXT NOT NULL,
  previous_id  INTEGER REFERENCES action_plans(plan_id)
);

CREATE TABLE plan_activities (
  id         INTEGER PRIMARY KEY,
  plan_id    INTEGER NOT NULL REFERENCES action_plans(plan_id) ON DELETE CASCADE,
  block      TEXT NOT NULL,
  title      TEXT NOT NULL,
  manager    TEXT,
  due        TEXT,
  resources  TEXT,
  future     INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE plan_steps (
  id           INTEGER PRIMARY KEY,
  activity_id  INTEGER NOT NULL REFERENCES plan_activities(id) ON DELETE CASCADE,
  what         TEXT NOT NULL,
  who          TEXT,
  due          TEXT,
  done         TEXT    -- date completed, NULL while open
);

CREATE TABLE self_assessments (
  id               INTEGER PRIMARY KEY,
  site_id          TEXT NOT NULL REFERENCES sites(site_id),
  occasion         TEXT NOT NULL,
  date             TEXT NOT NULL,
  respondent_role  TEXT NOT NULL,
  respondent       TEXT NOT NULL DEFAULT '',
  item             INTEGER NOT NULL CHECK (item BETWEEN 1 AND 22),
  score            INTEGER NOT NULL CHECK (score BETWEEN 1 AND 12),
  UNIQUE (site_id, occasion, respondent_role, respondent, item)
);

-- Evaluation results and measures.
CREATE TABLE evaluations (
  as_of               TEXT PRIMARY KEY,
  run_at              INTEGER NOT NULL,
  patients_evaluated  INTEGER NOT NULL,
  ltot                INTEGER NOT NULL,
  excluded            INTEGER NOT NULL
);

CREATE TABLE check_results (
  as_of         TEXT NOT NULL,
  check_id      TEXT NOT NULL,
  patient_id    TEXT,
  clinician_id  TEXT,
  site_id       TEXT,
  severity      TEXT NOT NULL,
  due           TEXT,
  detail        TEXT
);
CREATE INDEX check_results_asof ON check_results(as_of, check_id);

CREATE TABLE measure_snapshots (
  measure_id    TEXT NOT NULL,
  period        TEXT NOT NULL,
  site_id       TEXT NOT NULL DEFAULT '',
  clinician_id  TEXT NOT NULL DEFAULT '',
  numerator     REAL,
  denominator   REAL,
  value         REAL,
  taken_at      INTEGER NOT NULL,
  PRIMARY KEY (measure_id, period, site_id, clinician_id)
);

-- Scheduling and delivery.
CREATE TABLE job_runs (
  id            INTEGER PRIMARY KEY,
  job           TEXT NOT NULL,
  scheduled_at  INTEGER NOT NULL,
  started_at    INTEGER,
  finished_at   INTEGER,
  status        TEXT NOT NULL,  -- running | ok | error | skipped
  error         TEXT,
  UNIQUE (job, scheduled_at)
);

CREATE TABLE outbox (
  id            INTEGER PRIMARY KEY,
  dedupe_key    TEXT NOT NULL UNIQUE,
  job           TEXT,
  channel       TEXT NOT NULL,
  recipient     TEXT NOT NULL,
  subject       TEXT NOT NULL,
  body          TEXT NOT NULL,
  attachments   TEXT,          -- JSON array of file paths
  status        TEXT NOT NULL DEFAULT 'pending', -- pending | sending | delivered | failed
  attempts      INTEGER NOT NULL DEFAULT 0,
  next_attempt  INTEGER NOT NULL DEFAULT 0,
  last_error    TEXT,
  created_at    INTEGER NOT NULL,
  delivered_at  INTEGER
);

-- Every write made through the CLI: who ran it, when, and what it changed.
CREATE TABLE audit_log (
  id        INTEGER PRIMARY KEY,
  at        INTEGER NOT NULL,
  who       TEXT NOT NULL,
  command   TEXT NOT NULL,
  action    TEXT NOT NULL,
  entity    TEXT,
  entity_id TEXT,
  detail    TEXT
);
