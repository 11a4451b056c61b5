-- The scheduler and the outbox.
--
-- job_runs gains `manual` and `pid`. A manual run ('sixbb jobs run') is stamped with the time it
-- was started, which may coincide with a scheduled time of the same job; uniqueness therefore
-- covers scheduled runs only, so a manual run can never use up (or be refused by) a scheduled
-- slot. `pid` lets a later process tell a run whose process died from one still going.
-- SQLite cannot change a constraint in place, so the table is rebuilt and its rows copied.
CREATE TABLE job_runs_new (
  id            INTEGER PRIMARY KEY,
  job           TEXT NOT NULL,
  scheduled_at  INTEGER NOT NULL,
  started_at    INTEGER,
  finished_at   INTEGER,
  status        TEXT NOT NULL,  -- running | ok | error | skipped | interrupted
  error         TEXT,
  manual        INTEGER NOT NULL DEFAULT 0,
  pid           INTEGER
);
INSERT INTO job_runs_new (id, job, scheduled_at, started_at, finished_at, status, error)
  SELECT id, job, scheduled_at, started_at, finished_at, status, error FROM job_runs;
DROP TABLE job_runs;
ALTER TABLE job_runs_new RENAME TO job_runs;
-- A scheduled time of a job is claimed at most once, even across crashes and restarts.
CREATE UNIQUE INDEX job_runs_once ON job_runs(job, scheduled_at) WHERE manual = 0;
CREATE INDEX job_runs_job ON job_runs(job, id);

-- How far the scheduler has dealt with each job: every scheduled time at or before
-- checked_until has been run, skipped, or was not due (the job was disabled). Catch-up after a
-- restart starts from here.
CREATE TABLE job_state (
  job            TEXT PRIMARY KEY,
  checked_until  INTEGER NOT NULL
);

-- Delivery picks pending messages in order of their next attempt.
CREATE INDEX outbox_due ON outbox(status, next_attempt);
