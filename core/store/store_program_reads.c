/* The plugins' named reads; see store_program_reads.h. Arguments are documented with each
 * read in docs/plugins.md. */
#include "store_program_reads.h"

#include <sqlite3.h>
#include <stdio.h>

#include "store_program_sql.h"

/* The steps of every clinic's current plan (see IS_CURRENT_PLAN), from which the open-step
 * reads select. */
#define CURRENT_STEPS                                                                              \
    " FROM plan_steps s JOIN plan_activities a ON a.id = s.activity_id"                            \
    " JOIN action_plans p ON p.plan_id = a.plan_id WHERE " IS_CURRENT_PLAN("p")

const struct store_read store_reads[] = {
    /* sites */
    {"sites.list", 1, false,
     "SELECT site_id, name FROM sites WHERE ?1 IS NULL OR site_id = ?1 ORDER BY site_id"},
    {"sites.stage", 2, true,
     "SELECT stage, track, start_date FROM site_stages WHERE site_id = ?1 AND start_date <= ?2 "
     "ORDER BY start_date DESC, id DESC LIMIT 1"},
    {"team.has_role", 2, true,
     "SELECT 1 AS y FROM team_members WHERE site_id = ?1 AND role = ?2 LIMIT 1"},
    {"meetings.last", 3, true,
     "SELECT max(date) AS date FROM meetings WHERE site_id = ?1 AND type = ?2 AND date <= ?3"},
    /* action plans */
    {"plans.current", 1, true,
     "SELECT * FROM action_plans p WHERE p.site_id = ?1 AND " IS_CURRENT_PLAN("p")},
    {"plans.get", 2, true, "SELECT * FROM action_plans WHERE plan_id = ?1 AND site_id = ?2"},
    {"plans.activities", 1, false,
     "SELECT id, block, title, manager, due, resources, future, carried_from "
     "FROM plan_activities WHERE plan_id = ?1 ORDER BY id"},
    {"plans.steps", 1, false,
     "SELECT id, what, who, due, done, carried_from FROM plan_steps WHERE activity_id = ?1 "
     "ORDER BY id"},
    {"plans.open_steps", 1, false,
     "SELECT p.site_id, p.plan_id, a.block, a.title AS activity, s.id AS step_id, s.what, s.who, "
     "s.due" CURRENT_STEPS " AND s.done IS NULL AND (?1 IS NULL OR (s.due IS NOT NULL AND "
     "s.due <= ?1)) ORDER BY s.due IS NULL, s.due, p.site_id, s.id"},
    {"plans.open_step_counts", 2, true,
     "SELECT count(*) AS open, count(CASE WHEN s.due < ?2 THEN 1 END) AS overdue" CURRENT_STEPS
     " AND s.done IS NULL AND (?1 IS NULL OR p.site_id = ?1)"},
    /* milestones */
    {"milestones.status", 1, false,
     "SELECT milestone_id, status, date, note FROM milestone_status WHERE site_id = ?1"},
    {"milestones.added", 1, false,
     "SELECT milestone_id, block, title FROM local_milestones WHERE site_id IS NULL OR "
     "site_id = ?1 ORDER BY created_at, milestone_id"},
    {"milestones.counts", 1, true,
     "SELECT count(CASE WHEN status = 'complete' THEN 1 END) AS complete, "
     "count(CASE WHEN status = 'in_progress' THEN 1 END) AS in_progress "
     "FROM milestone_status WHERE ?1 IS NULL OR site_id = ?1"},
    /* tallies and self-assessment */
    {"tallies.series", 4, false,
     "SELECT measure, date, count FROM tallies WHERE site_id = ?1 AND (?2 IS NULL OR "
     "measure = ?2) AND (?3 IS NULL OR date >= ?3) AND date <= ?4 ORDER BY measure, date"},
    {"assessment.scores", 1, false,
     "SELECT occasion, item, count(*) AS n, avg(score) AS mean, min(score) AS lo, "
     "max(score) AS hi FROM self_assessments WHERE site_id = ?1 GROUP BY occasion, item "
     "ORDER BY item"},
    /* measures, evaluations and their results */
    {"measures.latest_snapshot", 1, true,
     "SELECT period, numerator, denominator, value FROM measure_snapshots WHERE measure_id = ?1 "
     "AND site_id = '' AND clinician_id = '' ORDER BY period DESC LIMIT 1"},
    {"evaluations.latest", 1, true,
     "SELECT as_of, patients_evaluated, ltot, excluded FROM evaluations WHERE as_of <= ?1 "
     "ORDER BY as_of DESC LIMIT 1"},
    {"results.latest_as_of", 0, true, "SELECT max(as_of) AS as_of FROM check_results"},
    {"results.by_check", 2, false,
     "SELECT check_id, severity, count(*) AS n FROM check_results WHERE as_of = ?1 AND "
     "clinician_id = ?2 GROUP BY check_id, severity ORDER BY n DESC, check_id"},
    {"results.open_gaps", 2, true,
     "SELECT count(*) AS n FROM check_results WHERE site_id = ?1 AND as_of = "
     "(SELECT max(as_of) FROM evaluations WHERE as_of <= ?2)"},
    {"appointments.by_clinician", 1, false,
     "SELECT clinician_id, count(*) AS n FROM appointments WHERE date = ?1 AND clinician_id IS "
     "NOT NULL AND coalesce(status, 'scheduled') = 'scheduled' GROUP BY clinician_id "
     "ORDER BY clinician_id"},
    {NULL, 0, false, NULL},
};

int store_read_each(struct store *s, const struct store_read *r, const struct store_value *args,
                    store_row_fn fn, void *ud, char *err, size_t errlen)
{
    sqlite3_stmt *st = store_prepare(s, r->sql);
    if (!st) {
        snprintf(err, errlen, "%s", store_errmsg(s));
        return -1;
    }
    store_bind_values(st, args, r->nargs);
    int rc = store_rows_each(st, fn, ud);
    if (rc < 0)
        snprintf(err, errlen, "%s", store_errmsg(s));
    return rc;
}
