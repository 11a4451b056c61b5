/* Action plans and milestones for the facilitator's commands; see store_program.h. */
#include "store_program.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_program_sql.h"
#include "store_query.h"
#include "util.h"

static bool step_done(sqlite3_stmt *st)
{
    bool ok = st && sqlite3_step(st) == SQLITE_DONE;
    if (st)
        sqlite3_reset(st);
    return ok;
}

static bool exists1(struct store *s, const char *sql, const char *id)
{
    sqlite3_stmt *q = store_prepare(s, sql);
    store_bind_opt(q, 1, id);
    bool found = q && sqlite3_step(q) == SQLITE_ROW;
    if (q)
        sqlite3_reset(q);
    return found;
}

static int audited_end(struct store *s, bool ok, const char *action, const char *entity,
                       const char *id, const char *detail, char *err, size_t errlen)
{
    ok = ok && store_audit(s, action, entity, id, detail) == 0;
    return store_end(s, ok, err, errlen);
}

/* ------------------------------------------------------------------ plans */

long long store_plan_current(struct store *s, const char *site)
{
    sqlite3_stmt *q = store_prepare(s, "SELECT p.plan_id FROM action_plans p WHERE p.site_id = ?1 "
                                       "AND " IS_CURRENT_PLAN("p"));
    store_bind_opt(q, 1, site);
    long long id = q && sqlite3_step(q) == SQLITE_ROW ? (long long)sqlite3_column_int64(q, 0) : 0;
    if (q)
        sqlite3_reset(q);
    return id;
}

bool store_plan_exists(struct store *s, const char *id)
{
    return exists1(s, "SELECT 1 FROM action_plans WHERE plan_id = ?1", id);
}

/* Copies the previous plan's activities that still have open steps (or are future ones), then
 * their open steps, each row remembering where it came from. Returns steps carried, or -1. */
static int carry_forward(struct store *s, long long from, long long to)
{
    sqlite3_stmt *acts = store_prepare(
        s, "INSERT INTO plan_activities(plan_id, block, title, manager, due, resources, future, "
           "carried_from) SELECT ?2, block, title, manager, due, resources, future, id "
           "FROM plan_activities a WHERE plan_id = ?1 AND (future OR EXISTS (SELECT 1 FROM "
           "plan_steps s WHERE s.activity_id = a.id AND s.done IS NULL)) ORDER BY id");
    sqlite3_bind_int64(acts, 1, from);
    sqlite3_bind_int64(acts, 2, to);
    bool ok = step_done(acts);
    sqlite3_stmt *steps = store_prepare(
        s, "INSERT INTO plan_steps(activity_id, what, who, due, carried_from) "
           "SELECT n.id, s.what, s.who, s.due, s.id FROM plan_steps s "
           "JOIN plan_activities n ON n.carried_from = s.activity_id AND n.plan_id = ?1 "
           "WHERE s.done IS NULL ORDER BY s.id");
    sqlite3_bind_int64(steps, 1, to);
    ok = ok && step_done(steps);
    return ok ? sqlite3_changes(store_db(s)) : -1;
}

int store_plan_new(struct store *s, const char *site, const char *from, const char *through,
                   const char *goal, struct store_plan_started *out, char *err, size_t errlen)
{
    long long prev = store_plan_current(s, site);
    store_begin(s);
    sqlite3_stmt *q = store_prepare(s, "INSERT INTO action_plans(site_id, created, through, "
                                       "goal, previous_id) VALUES (?1,?2,?3,?4,?5)");
    store_bind_opt(q, 1, site);
    store_bind_opt(q, 2, from);
    store_bind_opt(q, 3, through);
    store_bind_opt(q, 4, goal);
    if (prev)
        sqlite3_bind_int64(q, 5, prev);
    bool ok = step_done(q);
    long long id = (long long)sqlite3_last_insert_rowid(store_db(s));
    int carried = ok && prev ? carry_forward(s, prev, id) : 0;
    char idtxt[24], detail[200];
    snprintf(idtxt, sizeof idtxt, "%lld", id);
    snprintf(detail, sizeof detail, "site %s, %s to %s, %d open steps carried from plan %lld", site,
             from, through, carried < 0 ? 0 : carried, prev);
    *out = (struct store_plan_started){id, prev, carried};
    return audited_end(s, ok && carried >= 0, "new", "action_plan", idtxt, detail, err, errlen);
}

/* One write with its audit entry naming the new row, in its own transaction. */
static int add_row(struct store *s, sqlite3_stmt *q, const char *entity, const char *detail,
                   long long *id, char *err, size_t errlen)
{
    store_begin(s);
    bool ok = step_done(q);
    *id = (long long)sqlite3_last_insert_rowid(store_db(s));
    char idtxt[24];
    snprintf(idtxt, sizeof idtxt, "%lld", *id);
    return audited_end(s, ok, "add", entity, idtxt, detail, err, errlen);
}

int store_plan_activity_add(struct store *s, const char *plan, const char *block, const char *title,
                            const char *manager, const char *due, const char *resources,
                            bool future, long long *id, char *err, size_t errlen)
{
    sqlite3_stmt *q = store_prepare(s, "INSERT INTO plan_activities(plan_id, block, title, "
                                       "manager, due, resources, future) "
                                       "VALUES (?1,?2,?3,?4,?5,?6,?7)");
    const char *v[] = {plan, block, title, manager, due, resources};
    for (int i = 0; i < 6; i++)
        store_bind_opt(q, i + 1, v[i]);
    sqlite3_bind_int(q, 7, future);
    char detail[80];
    snprintf(detail, sizeof detail, "plan %s, %s", plan, block);
    return add_row(s, q, "plan_activity", detail, id, err, errlen);
}

bool store_plan_activity_exists(struct store *s, const char *id)
{
    return exists1(s, "SELECT 1 FROM plan_activities WHERE id = ?1", id);
}

int store_plan_step_add(struct store *s, const char *activity, const char *what, const char *who,
                        const char *when, long long *id, char *err, size_t errlen)
{
    sqlite3_stmt *q = store_prepare(s, "INSERT INTO plan_steps(activity_id, what, who, due) "
                                       "VALUES (?1,?2,?3,?4)");
    const char *v[] = {activity, what, who, when};
    for (int i = 0; i < 4; i++)
        store_bind_opt(q, i + 1, v[i]);
    char detail[80];
    snprintf(detail, sizeof detail, "activity %s", activity);
    return add_row(s, q, "plan_step", detail, id, err, errlen);
}

int store_plan_step_state(struct store *s, const char *id, char *done, size_t n)
{
    sqlite3_stmt *q = store_prepare(s, "SELECT done FROM plan_steps WHERE id = ?1");
    store_bind_opt(q, 1, id);
    int found = sqlite3_step(q);
    snprintf(done, n, "%s",
             found == SQLITE_ROW && sqlite3_column_text(q, 0)
                 ? (const char *)sqlite3_column_text(q, 0)
                 : "");
    sqlite3_reset(q);
    return found == SQLITE_ROW ? 0 : -1;
}

int store_plan_step_done(struct store *s, const char *id, const char *date, char *err,
                         size_t errlen)
{
    sqlite3_stmt *q = store_prepare(s, "UPDATE plan_steps SET done = ?2 WHERE id = ?1");
    store_bind_opt(q, 1, id);
    store_bind_opt(q, 2, date);
    store_begin(s);
    bool ok = step_done(q);
    return audited_end(s, ok, "done", "plan_step", id, date, err, errlen);
}

static const char steps_sql[] =
    "SELECT s.id, s.what, s.who, s.due AS \"when\", s.done, s.carried_from IS NOT NULL AS carried, "
    "s.done IS NULL AND s.due IS NOT NULL AND s.due < ?2 AS overdue "
    "FROM plan_steps s WHERE s.activity_id = ?1 ORDER BY s.id";

cJSON *store_plan_json(struct store *s, long long id, const char *today)
{
    sqlite3_stmt *q = store_prepare(s, "SELECT plan_id AS plan, site_id AS site, created AS "
                                       "\"from\", through, goal, previous_id AS previous "
                                       "FROM action_plans WHERE plan_id = ?1");
    sqlite3_bind_int64(q, 1, id);
    cJSON *rows = store_rows_json(q);
    cJSON *plan = cJSON_DetachItemFromArray(rows, 0);
    cJSON_Delete(rows);
    q = store_prepare(s, "SELECT id, block, title, manager, due, resources, future, "
                         "carried_from IS NOT NULL AS carried FROM plan_activities "
                         "WHERE plan_id = ?1 ORDER BY future, CASE block WHEN 'leadership' THEN 1 "
                         "WHEN 'policies' THEN 2 WHEN 'tracking' THEN 3 WHEN 'visits' THEN 4 "
                         "WHEN 'complex' THEN 5 WHEN 'measuring' THEN 6 ELSE 7 END, id");
    sqlite3_bind_int64(q, 1, id);
    cJSON *acts = store_rows_json(q), *act;
    cJSON_ArrayForEach(act, acts)
    {
        sqlite3_stmt *sq = store_prepare(s, steps_sql);
        sqlite3_bind_int64(sq, 1, (sqlite3_int64)cJSON_GetObjectItem(act, "id")->valuedouble);
        sqlite3_bind_text(sq, 2, today, -1, SQLITE_TRANSIENT);
        cJSON_AddItemToObject(act, "steps", store_rows_json(sq));
    }
    cJSON_AddItemToObject(plan, "activities", acts);
    return plan;
}

cJSON *store_plans(struct store *s, const char *site, const char *today)
{
    sqlite3_stmt *q = store_prepare(
        s, "SELECT p.plan_id AS plan, p.site_id AS site, p.created AS \"from\", p.through, p.goal, "
           "count(st.id) - count(st.done) AS open, "
           "coalesce(sum(st.done IS NULL AND st.due < ?2), 0) AS overdue, count(st.done) AS done "
           "FROM action_plans p LEFT JOIN plan_activities a ON a.plan_id = p.plan_id "
           "LEFT JOIN plan_steps st ON st.activity_id = a.id "
           "WHERE ?1 IS NULL OR p.site_id = ?1 GROUP BY p.plan_id ORDER BY p.site_id, p.plan_id");
    store_bind_opt(q, 1, site);
    store_bind_opt(q, 2, today);
    return store_rows_json(q);
}

/* ------------------------------------------------------------------ milestones */

cJSON *store_local_milestones(struct store *s, const char *site)
{
    sqlite3_stmt *st = store_prepare(
        s, "SELECT milestone_id, block, title FROM local_milestones "
           "WHERE site_id IS NULL OR site_id = ?1 OR ?1 = '' ORDER BY created_at, milestone_id");
    store_bind_opt(st, 1, site);
    return store_rows_json(st);
}

void store_milestone_status(struct store *s, const char *site, const char *id, char **status,
                            char **date, char **note)
{
    sqlite3_stmt *st = store_prepare(s, "SELECT status, date, note FROM milestone_status "
                                        "WHERE site_id = ?1 AND milestone_id = ?2");
    store_bind_opt(st, 1, site);
    store_bind_opt(st, 2, id);
    char **dst[] = {status, date, note};
    for (int k = 0; k < 3; k++)
        *dst[k] = NULL;
    if (st && sqlite3_step(st) == SQLITE_ROW) {
        for (int k = 0; k < 3; k++) {
            const char *v = (const char *)sqlite3_column_text(st, k);
            *dst[k] = v ? xstrdup(v) : NULL;
        }
    }
    if (st)
        sqlite3_reset(st);
}

int store_milestone_set(struct store *s, const char *site, const char *id, const char *status,
                        const char *date, const char *note, const char *detail, char *err,
                        size_t errlen)
{
    sqlite3_stmt *st = store_prepare(
        s, "INSERT INTO milestone_status(site_id, milestone_id, status, date, note, "
           "updated_at) VALUES (?1,?2,?3,?4,?5,strftime('%s','now')) "
           "ON CONFLICT(site_id, milestone_id) DO UPDATE SET status = excluded.status, "
           "date = coalesce(excluded.date, date), note = coalesce(excluded.note, note), "
           "updated_at = excluded.updated_at");
    const char *v[] = {site, id, status, date, note};
    for (int i = 0; i < 5; i++)
        store_bind_opt(st, i + 1, v[i]);
    store_begin(s);
    bool ok = step_done(st);
    return audited_end(s, ok, "set", "milestone", id, detail, err, errlen);
}

long long store_local_milestone_count(struct store *s, const char *block)
{
    sqlite3_stmt *st = store_prepare(s, "SELECT count(*) FROM local_milestones WHERE block = ?1");
    if (!st)
        return 0; /* the table may not exist in this schema */
    store_bind_opt(st, 1, block);
    long long n = sqlite3_step(st) == SQLITE_ROW ? (long long)sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return n;
}

int store_local_milestone_add(struct store *s, const char *id, const char *block, const char *title,
                              const char *site, char *err, size_t errlen)
{
    sqlite3_stmt *st =
        store_prepare(s, "INSERT INTO local_milestones(milestone_id, block, title, site_id, "
                         "created_at) VALUES (?1,?2,?3,?4,strftime('%s','now'))");
    store_bind_opt(st, 1, id);
    store_bind_opt(st, 2, block);
    store_bind_opt(st, 3, title);
    store_bind_opt(st, 4, site && *site ? site : NULL);
    store_begin(s);
    bool ok = step_done(st);
    return audited_end(s, ok, "add", "milestone", id, title, err, errlen);
}
