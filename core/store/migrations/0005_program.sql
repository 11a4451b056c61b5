-- Program tracking for facilitators: each clinic's stage and track (with history), its
-- improvement team, hand-counted event tallies, and kickoff / outcomes survey answers. Steps
-- carried into a new action plan remember the step they came from.

-- One row per stage change; a clinic's current stage is its latest row (by start date, then id).
CREATE TABLE site_stages (
  id          INTEGER PRIMARY KEY,
  site_id     TEXT NOT NULL REFERENCES sites(site_id),
  stage       TEXT NOT NULL CHECK (stage IN ('prepare_launch','design_implement','monitor_sustain')),
  track       TEXT NOT NULL CHECK (track IN ('full','fast_track')),
  start_date  TEXT NOT NULL,
  recorded_at INTEGER NOT NULL
);
CREATE INDEX site_stages_site ON site_stages(site_id, start_date);

CREATE TABLE team_members (
  id        INTEGER PRIMARY KEY,
  site_id   TEXT NOT NULL REFERENCES sites(site_id),
  role      TEXT NOT NULL CHECK (role IN ('qi_lead','clinical_champion','tracking_lead','ma','nurse',
                                          'behavioral_health','pharmacist','moud_provider','other')),
  name      TEXT NOT NULL,
  email     TEXT,
  added_at  INTEGER NOT NULL
);
CREATE INDEX team_members_site ON team_members(site_id);

CREATE TABLE tallies (
  id       INTEGER PRIMARY KEY,
  site_id  TEXT NOT NULL REFERENCES sites(site_id),
  measure  TEXT NOT NULL,
  date     TEXT NOT NULL,
  count    INTEGER NOT NULL CHECK (count >= 0),
  note     TEXT,
  UNIQUE (site_id, measure, date)
);

CREATE TABLE survey_answers (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('kickoff','outcomes')),
  site_id     TEXT NOT NULL REFERENCES sites(site_id),
  respondent  TEXT NOT NULL,
  date        TEXT NOT NULL,
  question    TEXT NOT NULL,
  answer      TEXT NOT NULL,
  value       REAL,   -- the answer as a number when it is one, for comparisons
  UNIQUE (kind, site_id, respondent, question)
);

ALTER TABLE plan_steps ADD COLUMN carried_from INTEGER REFERENCES plan_steps(id);
ALTER TABLE plan_activities ADD COLUMN carried_from INTEGER REFERENCES plan_activities(id);
CREATE INDEX plan_activities_plan ON plan_activities(plan_id);
CREATE INDEX plan_steps_activity ON plan_steps(activity_id);
