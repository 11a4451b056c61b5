-- Aims: "reduce X by N% by DATE", kept as a target value of a measure to reach by a date, for
-- the organisation (site_id '') or one site. Drawn as the goal line of the measure's run chart.
CREATE TABLE aims (
  aim_id      INTEGER PRIMARY KEY,
  measure_id  TEXT NOT NULL,
  site_id     TEXT NOT NULL DEFAULT '',
  target      REAL NOT NULL,
  by_date     TEXT NOT NULL,
  note        TEXT NOT NULL DEFAULT '',
  created     TEXT NOT NULL
);
CREATE INDEX aims_measure ON aims(measure_id, site_id);
