#include "store_jobruns.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "util.h"

/* Steps a statement that returns no rows and resets it, on every path. */
static int step_done(sqlite3_stmt *st)
{
    if (!st)
        return -1;
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int raise_checked(struct store *s, const char *job, int64_t until)
{
    sqlite3_stmt *st = store_prepare(s, "INSERT INTO job_state(job, checked_until) VALUES (?1, ?2) "
                                        "ON CONFLICT(job) DO UPDATE SET checked_until = "
                                        "max(checked_until, excluded.checked_until)");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, job, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, until);
    return step_done(st);
}

int sched_claim_as(struct store *s, const char *job, int64_t scheduled, int64_t now, bool manual,
                   int64_t pid, int64_t *run_id)
{
    if (store_begin(s) != 0)
        return -1;
    sqlite3_stmt *st = store_prepare(
        s, "INSERT OR IGNORE INTO job_runs(job, scheduled_at, started_at, status, manual, pid) "
           "VALUES (?1, ?2, ?3, 'running', ?4, ?5)");
    if (!st)
        goto fail;
    sqlite3_bind_text(st, 1, job, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, scheduled);
    sqlite3_bind_int64(st, 3, now);
    sqlite3_bind_int(st, 4, manual);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)pid);
    if (step_done(st) != 0)
        goto fail;
    sqlite3 *db = store_db(s);
    int claimed = sqlite3_changes(db) == 1;
    if (claimed)
        *run_id = sqlite3_last_insert_rowid(db);
    if (!manual && raise_checked(s, job, scheduled) != 0)
        goto fail;
    if (store_commit(s) != 0)
        return -1;
    return claimed;
fail:
    store_rollback(s);
    return -1;
}

int sched_finish(struct store *s, int64_t run_id, int64_t now, const char *status,
                 const char *error)
{
    sqlite3_stmt *st = store_prepare(
        s, "UPDATE job_runs SET finished_at = ?2, status = ?3, error = ?4 WHERE id = ?1");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_text(st, 3, status, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, error, -1, SQLITE_STATIC);
    return step_done(st);
}

int sched_skip(struct store *s, const char *job, const int64_t *times, int n, int64_t until,
               int64_t now)
{
    if (store_begin(s) != 0)
        return -1;
    for (int i = 0; i < n; i++) {
        sqlite3_stmt *st = store_prepare(
            s, "INSERT OR IGNORE INTO job_runs(job, scheduled_at, finished_at, status, error) "
               "VALUES (?1, ?2, ?3, 'skipped', 'missed: older than the catch-up window or not "
               "the latest missed time')");
        if (!st)
            goto fail;
        sqlite3_bind_text(st, 1, job, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, times[i]);
        sqlite3_bind_int64(st, 3, now);
        if (step_done(st) != 0)
            goto fail;
    }
    if (raise_checked(s, job, until) != 0)
        goto fail;
    return store_commit(s);
fail:
    store_rollback(s);
    return -1;
}

int sched_interrupt_runs(struct store *s, int64_t now,
                         bool (*still_running)(bool manual, int64_t pid))
{
    if (store_begin(s) != 0)
        return -1;
    int count = 0;
    int64_t *ids = NULL;
    sqlite3_stmt *sel = store_prepare(s, "SELECT id, manual, pid FROM job_runs "
                                         "WHERE status = 'running' ORDER BY id");
    if (!sel)
        goto fail;
    /* Collect first: the update below must not run while the select is being stepped. */
    size_t n = 0;
    while (sqlite3_step(sel) == SQLITE_ROW) {
        if (still_running(sqlite3_column_int(sel, 1) != 0, sqlite3_column_int64(sel, 2)))
            continue;
        ids = xrealloc(ids, (n + 1) * sizeof *ids);
        ids[n++] = sqlite3_column_int64(sel, 0);
    }
    sqlite3_reset(sel);
    for (size_t i = 0; i < n; i++) {
        sqlite3_stmt *st = store_prepare(
            s, "UPDATE job_runs SET status = 'interrupted', finished_at = ?2, "
               "error = 'the process running the job stopped before it finished' WHERE id = ?1");
        if (!st)
            goto fail;
        sqlite3_bind_int64(st, 1, ids[i]);
        sqlite3_bind_int64(st, 2, now);
        if (step_done(st) != 0)
            goto fail;
        count++;
    }
    free(ids);
    if (store_commit(s) != 0)
        return -1;
    return count;
fail:
    free(ids);
    store_rollback(s);
    return -1;
}

int sched_checked_until(struct store *s, const char *job, int64_t *until)
{
    sqlite3_stmt *st = store_prepare(s, "SELECT checked_until FROM job_state WHERE job = ?1");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, job, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st), found = 0;
    if (rc == SQLITE_ROW) {
        *until = sqlite3_column_int64(st, 0);
        found = 1;
    } else if (rc != SQLITE_DONE) {
        found = -1;
    }
    sqlite3_reset(st);
    return found;
}

int sched_set_checked(struct store *s, const char *job, int64_t until)
{
    if (store_begin(s) != 0)
        return -1;
    if (raise_checked(s, job, until) != 0) {
        store_rollback(s);
        return -1;
    }
    return store_commit(s);
}

int sched_last_run(struct store *s, const char *job, struct sched_last *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = store_prepare(
        s, "SELECT scheduled_at, started_at, finished_at, manual, status FROM job_runs "
           "WHERE job = ?1 ORDER BY id DESC LIMIT 1");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, job, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->found = true;
        out->scheduled_at = sqlite3_column_int64(st, 0);
        out->started_at = sqlite3_column_int64(st, 1);
        out->finished_at = sqlite3_column_int64(st, 2);
        out->manual = sqlite3_column_int(st, 3) != 0;
        const unsigned char *status = sqlite3_column_text(st, 4);
        snprintf(out->status, sizeof out->status, "%s", status ? (const char *)status : "");
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}
