/* The facilitator's reads and writes; see store_program.h. */
#include "store_program.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_query.h"
#include "util.h"

static void keep_reason(struct store *s, char *err, size_t errlen)
{
    if (err && errlen)
        snprintf(err, errlen, "%s", store_errmsg(s));
}

int store_end(struct store *s, bool ok, char *err, size_t errlen)
{
    if (!ok) {
        /* Keep SQLite's reason: the rollback would replace it. */
        keep_reason(s, err, errlen);
        store_rollback(s);
        return -1;
    }
    if (store_commit(s) != 0) {
        keep_reason(s, err, errlen);
        return -1;
    }
    return 0;
}

static bool step_done(sqlite3_stmt *st)
{
    bool ok = st && sqlite3_step(st) == SQLITE_DONE;
    if (st)
        sqlite3_reset(st);
    return ok;
}

static bool step_row(sqlite3_stmt *st)
{
    bool found = st && sqlite3_step(st) == SQLITE_ROW;
    if (st)
        sqlite3_reset(st);
    return found;
}

/* Steps one bound write inside its own transaction with an audit entry naming id, or the new
 * row's id when id is NULL (also stored in *new_id). */
static int audited(struct store *s, sqlite3_stmt *st, const char *action, const char *entity,
                   const char *id, const char *detail, long long *new_id, char *err, size_t errlen)
{
    if (!st || store_begin(s) != 0) {
        if (st)
            sqlite3_reset(st);
        keep_reason(s, err, errlen);
        return -1;
    }
    bool ok = sqlite3_step(st) == SQLITE_DONE;
    sqlite3_reset(st);
    /* Read the new row's id before the audit entry becomes the last insert. */
    long long rowid = (long long)sqlite3_last_insert_rowid(store_db(s));
    char idtxt[24];
    snprintf(idtxt, sizeof idtxt, "%lld", rowid);
    ok = ok && store_audit(s, action, entity, id ? id : idtxt, detail) == 0;
    if (new_id)
        *new_id = rowid;
    return store_end(s, ok, err, errlen);
}

static cJSON *rows1(struct store *s, const char *sql, const char *a)
{
    sqlite3_stmt *st = store_prepare(s, sql);
    store_bind_opt(st, 1, a);
    return store_rows_json(st);
}

static cJSON *rows2(struct store *s, const char *sql, const char *a, const char *b)
{
    sqlite3_stmt *st = store_prepare(s, sql);
    store_bind_opt(st, 1, a);
    store_bind_opt(st, 2, b);
    return store_rows_json(st);
}

static char *col_dup(sqlite3_stmt *st, int c)
{
    const char *v = (const char *)sqlite3_column_text(st, c);
    return v ? xstrdup(v) : NULL;
}

/* ------------------------------------------------------------------ sites */

bool store_site_exists(struct store *s, const char *site)
{
    sqlite3_stmt *st = store_prepare(s, "SELECT 1 FROM sites WHERE site_id = ?1");
    store_bind_opt(st, 1, site);
    return step_row(st);
}

cJSON *store_sites(struct store *s, const char *only)
{
    return rows1(s,
                 "SELECT site_id, name FROM sites WHERE ?1 IS NULL OR site_id = ?1 "
                 "ORDER BY site_id",
                 only);
}

/* One row per clinic: the current stage is the row that started last (ties: recorded last). */
static const char overview_sql[] =
    "WITH cur AS (SELECT site_id, stage, track, start_date, row_number() OVER (PARTITION BY "
    "site_id ORDER BY start_date DESC, id DESC) AS n FROM site_stages), "
    "met AS (SELECT site_id, max(CASE WHEN type = 'improvement_team' THEN date END) AS it, "
    "max(CASE WHEN type = 'action_plan' THEN date END) AS ap FROM meetings GROUP BY site_id), "
    "team AS (SELECT site_id, count(*) AS n, max(role = 'qi_lead') AS qi, "
    "max(role = 'clinical_champion') AS cc FROM team_members GROUP BY site_id) "
    "SELECT s.site_id AS site, s.name, cur.stage, cur.track, cur.start_date AS stage_start, "
    "coalesce(team.n, 0) AS team, "
    "nullif(trim(CASE WHEN team.qi THEN '' ELSE 'qi_lead' END || ' ' || "
    "CASE WHEN team.cc THEN '' ELSE 'clinical_champion' END), '') AS missing_roles, "
    "met.it AS last_improvement_team, met.ap AS last_action_plan "
    "FROM sites s LEFT JOIN cur ON cur.site_id = s.site_id AND cur.n = 1 "
    "LEFT JOIN met ON met.site_id = s.site_id LEFT JOIN team ON team.site_id = s.site_id "
    "ORDER BY s.site_id";

cJSON *store_sites_overview(struct store *s)
{
    return store_rows_json(store_prepare(s, overview_sql));
}

void store_site_stage(struct store *s, const char *site, char **stage, char **track)
{
    sqlite3_stmt *q = store_prepare(s, "SELECT stage, track FROM site_stages WHERE site_id = ?1 "
                                       "ORDER BY start_date DESC, id DESC LIMIT 1");
    store_bind_opt(q, 1, site);
    *stage = *track = NULL;
    if (q && sqlite3_step(q) == SQLITE_ROW) {
        *stage = col_dup(q, 0);
        *track = col_dup(q, 1);
    }
    if (q)
        sqlite3_reset(q);
}

static bool save_name(struct store *s, const char *site, const char *name, bool exists)
{
    sqlite3_stmt *q = store_prepare(s, exists ? "UPDATE sites SET name = ?2 WHERE site_id = ?1"
                                              : "INSERT INTO sites(site_id, name) VALUES (?1, ?2)");
    store_bind_opt(q, 1, site);
    store_bind_opt(q, 2, name);
    return step_done(q) && store_audit(s, exists ? "rename" : "create", "site", site, name) == 0;
}

static bool save_stage(struct store *s, const char *site, const char *stage, const char *track,
                       const char *date)
{
    sqlite3_stmt *q = store_prepare(s, "INSERT INTO site_stages(site_id, stage, track, start_date, "
                                       "recorded_at) VALUES (?1,?2,?3,?4,strftime('%s','now'))");
    store_bind_opt(q, 1, site);
    store_bind_opt(q, 2, stage);
    store_bind_opt(q, 3, track);
    store_bind_opt(q, 4, date);
    char detail[160];
    snprintf(detail, sizeof detail, "%s (%s) from %s", stage, track, date);
    return step_done(q) && store_audit(s, "stage", "site", site, detail) == 0;
}

int store_site_update(struct store *s, const char *site, const char *name, bool exists,
                      const char *stage, const char *track, const char *date, char *err,
                      size_t errlen)
{
    store_begin(s);
    bool ok = !name || save_name(s, site, name, exists);
    if (ok && stage)
        ok = save_stage(s, site, stage, track, date);
    return store_end(s, ok, err, errlen);
}

/* ------------------------------------------------------------------ team */

cJSON *store_team(struct store *s, const char *site)
{
    return rows1(s,
                 "SELECT id, site_id AS site, role, name, email FROM team_members "
                 "WHERE ?1 IS NULL OR site_id = ?1 ORDER BY site_id, role, id",
                 site);
}

int store_team_add(struct store *s, const char *site, const char *role, const char *name,
                   const char *email, long long *id, char *err, size_t errlen)
{
    sqlite3_stmt *st = store_prepare(s, "INSERT INTO team_members(site_id, role, name, email, "
                                        "added_at) VALUES (?1,?2,?3,?4,strftime('%s','now'))");
    store_bind_opt(st, 1, site);
    store_bind_opt(st, 2, role);
    store_bind_opt(st, 3, name);
    store_bind_opt(st, 4, email);
    char detail[120];
    snprintf(detail, sizeof detail, "%s at site %s", role, site);
    /* The audit entry names the role, never the person. */
    return audited(s, st, "add", "team_member", NULL, detail, id, err, errlen);
}

bool store_team_member_at(struct store *s, const char *id, const char *site)
{
    sqlite3_stmt *st = store_prepare(s, "SELECT 1 FROM team_members WHERE id = ?1 AND "
                                        "site_id = ?2");
    store_bind_opt(st, 1, id);
    store_bind_opt(st, 2, site);
    return step_row(st);
}

int store_team_remove(struct store *s, const char *id, const char *site, char *err, size_t errlen)
{
    sqlite3_stmt *st = store_prepare(s, "DELETE FROM team_members WHERE id = ?1");
    store_bind_opt(st, 1, id);
    return audited(s, st, "remove", "team_member", id, site, NULL, err, errlen);
}

/* ------------------------------------------------------------------ meetings and tallies */

int store_meeting_add(struct store *s, const char *site, const char *type, const char *date,
                      const char *attendees, const char *notes, long long *id, char *err,
                      size_t errlen)
{
    sqlite3_stmt *st = store_prepare(s, "INSERT INTO meetings(site_id, type, date, attendees, "
                                        "notes) VALUES (?1,?2,?3,?4,?5)");
    const char *v[] = {site, type, date, attendees, notes};
    for (int i = 0; i < 5; i++)
        store_bind_opt(st, i + 1, v[i]);
    char detail[160];
    snprintf(detail, sizeof detail, "%s at site %s on %s", type, site, date);
    return audited(s, st, "add", "meeting", NULL, detail, id, err, errlen);
}

cJSON *store_meetings(struct store *s, const char *site, const char *type)
{
    return rows2(s,
                 "SELECT id, site_id AS site, type, date, attendees, notes FROM meetings "
                 "WHERE (?1 IS NULL OR site_id = ?1) AND (?2 IS NULL OR type = ?2) "
                 "ORDER BY date DESC, id DESC",
                 site, type);
}

bool store_tally_exists(struct store *s, const char *site, const char *measure, const char *date)
{
    sqlite3_stmt *q = store_prepare(s, "SELECT 1 FROM tallies WHERE site_id = ?1 AND "
                                       "measure = ?2 AND date = ?3");
    store_bind_opt(q, 1, site);
    store_bind_opt(q, 2, measure);
    store_bind_opt(q, 3, date);
    return step_row(q);
}

int store_tally_add(struct store *s, const char *site, const char *measure, const char *date,
                    long count, const char *note, char *err, size_t errlen)
{
    sqlite3_stmt *q = store_prepare(s, "INSERT INTO tallies(site_id, measure, date, count, "
                                       "note) VALUES (?1,?2,?3,?4,?5)");
    store_bind_opt(q, 1, site);
    store_bind_opt(q, 2, measure);
    store_bind_opt(q, 3, date);
    if (q)
        sqlite3_bind_int64(q, 4, count);
    store_bind_opt(q, 5, note);
    char detail[200];
    snprintf(detail, sizeof detail, "site %s, %s on %s: %ld", site, measure, date, count);
    return audited(s, q, "add", "tally", NULL, detail, NULL, err, errlen);
}

cJSON *store_tallies(struct store *s, const char *site, const char *measure)
{
    return rows2(s,
                 "SELECT site_id AS site, measure, date, count, note "
                 "FROM tallies WHERE (?1 IS NULL OR site_id = ?1) AND "
                 "(?2 IS NULL OR measure = ?2) "
                 "ORDER BY site_id, measure, date",
                 site, measure);
}

/* ------------------------------------------------------------------ surveys, self-assessment */

int store_survey_put(struct store *s, const char *kind, const char *const v[5], bool numeric,
                     double value)
{
    sqlite3_stmt *q = store_prepare(
        s, "INSERT INTO survey_answers(kind, site_id, respondent, date, question, answer, "
           "value) VALUES (?1,?2,?3,?4,?5,?6,?7) ON CONFLICT(kind, site_id, respondent, "
           "question) DO UPDATE SET date = excluded.date, answer = excluded.answer, "
           "value = excluded.value");
    store_bind_opt(q, 1, kind);
    for (int i = 0; i < 5; i++)
        store_bind_opt(q, i + 2, v[i]);
    if (q && numeric)
        sqlite3_bind_double(q, 7, value);
    return step_done(q) ? 0 : -1;
}

static const char survey_summary_sql[] =
    "SELECT site_id AS site, question, "
    "count(CASE WHEN kind = 'kickoff' THEN value END) AS baseline_n, "
    "avg(CASE WHEN kind = 'kickoff' THEN value END) AS baseline_mean, "
    "count(CASE WHEN kind = 'outcomes' THEN value END) AS end_n, "
    "avg(CASE WHEN kind = 'outcomes' THEN value END) AS end_mean, "
    "avg(CASE WHEN kind = 'outcomes' THEN value END) - avg(CASE WHEN kind = 'kickoff' THEN value "
    "END) AS change, count(*) - count(value) AS text_answers "
    "FROM survey_answers WHERE ?1 IS NULL OR site_id = ?1 GROUP BY site_id, question "
    "ORDER BY site_id, question";

cJSON *store_survey_summary(struct store *s, const char *site)
{
    return rows1(s, survey_summary_sql, site);
}

int store_assess_put(struct store *s, const char *const v[7])
{
    sqlite3_stmt *q = store_prepare(
        s, "INSERT INTO self_assessments(site_id, occasion, respondent_role, respondent, date, "
           "item, score) VALUES (?1,?2,?3,?4,?5,?6,?7) ON CONFLICT(site_id, occasion, "
           "respondent_role, respondent, item) DO UPDATE SET score = excluded.score, "
           "date = excluded.date");
    for (int i = 0; i < 7; i++)
        store_bind_opt(q, i + 1, v[i]);
    return step_done(q) ? 0 : -1;
}

void store_assess_seen_reset(struct store *s)
{
    store_exec(s,
               "CREATE TEMP TABLE IF NOT EXISTS assess_seen(k TEXT PRIMARY KEY); "
               "DELETE FROM temp.assess_seen",
               NULL, 0);
}

bool store_assess_seen(struct store *s, const char *key)
{
    sqlite3_stmt *q = store_prepare(s, "SELECT 1 FROM temp.assess_seen WHERE k = ?1");
    store_bind_opt(q, 1, key);
    bool dup = step_row(q);
    if (!dup) {
        q = store_prepare(s, "INSERT INTO temp.assess_seen(k) VALUES (?1)");
        store_bind_opt(q, 1, key);
        step_done(q);
    }
    return dup;
}

static const char assess_items_sql[] =
    "SELECT site_id AS site, occasion, item, count(*) AS n, avg(score) AS mean, min(score) AS min, "
    "max(score) AS max, (SELECT avg(b.score) FROM self_assessments b WHERE b.site_id = "
    "a.site_id AND b.item = a.item AND b.occasion = 'kickoff') AS baseline "
    "FROM self_assessments a WHERE ?1 IS NULL OR site_id = ?1 GROUP BY site_id, occasion, item "
    "ORDER BY site_id, CASE occasion WHEN 'kickoff' THEN 1 WHEN 'midpoint' THEN 2 ELSE 3 END, item";

cJSON *store_assess_items(struct store *s, const char *site)
{
    return rows1(s, assess_items_sql, site);
}

/* ------------------------------------------------------------------ aims */

int store_aim_add(struct store *s, const char *measure, const char *site, double target,
                  const char *by, const char *note, const char *created, long long *id, char *err,
                  size_t errlen)
{
    sqlite3_stmt *st = store_prepare(s, "INSERT INTO aims(measure_id, site_id, target, "
                                        "by_date, note, created) VALUES (?1,?2,?3,?4,?5,?6)");
    store_bind_opt(st, 1, measure);
    store_bind_opt(st, 2, site ? site : "");
    if (st)
        sqlite3_bind_double(st, 3, target);
    store_bind_opt(st, 4, by);
    store_bind_opt(st, 5, note ? note : "");
    store_bind_opt(st, 6, created);
    if (!step_done(st)) {
        keep_reason(s, err, errlen);
        return -1;
    }
    *id = (long long)sqlite3_last_insert_rowid(store_db(s));
    char idtxt[32];
    snprintf(idtxt, sizeof idtxt, "%lld", *id);
    store_audit(s, "aim set", "aims", idtxt, measure);
    return 0;
}

int store_aim_remove(struct store *s, const char *id, char *err, size_t errlen)
{
    sqlite3_stmt *st = store_prepare(s, "DELETE FROM aims WHERE aim_id = ?1");
    store_bind_opt(st, 1, id);
    if (!step_done(st)) {
        keep_reason(s, err, errlen);
        return -1;
    }
    if (sqlite3_changes(store_db(s)) == 0)
        return 1;
    store_audit(s, "aim remove", "aims", id, "");
    return 0;
}

cJSON *store_aims(struct store *s)
{
    sqlite3_stmt *st = store_prepare(s, "SELECT aim_id, measure_id, site_id, target, "
                                        "by_date, note, created FROM aims "
                                        "ORDER BY measure_id, site_id, by_date, aim_id");
    if (!st)
        return cJSON_CreateArray();
    /* Targets as stored, not rounded: the list prints them with %g. */
    cJSON *arr = cJSON_CreateArray();
    while (sqlite3_step(st) == SQLITE_ROW) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "aim_id", (double)sqlite3_column_int64(st, 0));
        const char *k[] = {"measure_id", "site_id", NULL, "by_date", "note", "created"};
        for (int c = 1; c < 7; c++) {
            const char *v = (const char *)sqlite3_column_text(st, c);
            if (c == 3)
                cJSON_AddNumberToObject(o, "target", sqlite3_column_double(st, 3));
            else if (v)
                cJSON_AddStringToObject(o, k[c - 1], v);
            else
                cJSON_AddNullToObject(o, k[c - 1]);
        }
        cJSON_AddItemToArray(arr, o);
    }
    sqlite3_reset(st);
    return arr;
}
