-- Every report produced: which, as of when, in what format, where it was written (NULL for
-- standard output) and when. Milestone evidence reads the last dashboard and huddle dates here.
CREATE TABLE report_runs (
  id           INTEGER PRIMARY KEY,
  report       TEXT NOT NULL,
  as_of        TEXT NOT NULL,
  format       TEXT NOT NULL,
  path         TEXT,
  produced_at  INTEGER NOT NULL,
  site         TEXT
);
CREATE INDEX report_runs_report ON report_runs(report, as_of);
