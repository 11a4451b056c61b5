/* The queries of evaluation (store_eval.h). */
#include "store_eval.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store.h"
#include "util.h"

bool store_cursor_step(struct store_cursor *c)
{
    if (!c->done && sqlite3_step(c->st) != SQLITE_ROW)
        c->done = true;
    return !c->done;
}

bool store_cursor_done(const struct store_cursor *c)
{
    return c->done;
}

bool store_cursor_at(struct store_cursor *c, const char *id)
{
    while (!c->done) {
        const char *pid = (const char *)sqlite3_column_text(c->st, 0);
        int cmp = strcmp(pid ? pid : "", id);
        if (cmp == 0)
            return true;
        if (cmp > 0)
            return false;
        store_cursor_step(c);
    }
    return false;
}

/* ------------------------------------------------------------------ the patients' rows */

/* Two forms of each query: the whole population in patient order, and one patient through the
 * index (an "?1 IS NULL OR patient_id = ?1" test would keep SQLite from using the index). */
#define WHERE_ALL "1"
#define WHERE_ONE "patient_id = ?1"
#define Q_PATIENTS(w)                                                                              \
    "SELECT patient_id, site_id, clinician_id, birth_date, sex FROM patients WHERE " w             \
    " AND (?2 IS NULL OR site_id = ?2) AND (?3 IS NULL OR clinician_id = ?3) "                     \
    "AND (?1 IS NULL OR 1) ORDER BY patient_id"
/* Prescriber and pharmacy are read only for measures (PQA OMP counts them); checks get NULLs,
 * which cost SQLite nothing to produce. */
#define RX_WHO "clinician_id, pharmacy_id"
#define RX_NO_WHO "NULL, NULL"
#define Q_RX(w, who)                                                                               \
    "SELECT patient_id, rx_id, fill_date, drug, quantity, days_supply, ndc, rxnorm, strength, "    \
    "strength_unit, form, dose, doses_per_day, prn, " who " FROM prescriptions WHERE " w           \
    " AND fill_date <= ?2 AND fill_date > ?3 AND (?1 IS NULL OR 1) ORDER BY patient_id"
#define Q_EVENTS(w)                                                                                \
    "SELECT patient_id, type, date FROM events WHERE " w " AND date <= ?2 AND (?1 IS NULL OR 1) "  \
    "ORDER BY patient_id"
#define Q_ASSESS(w)                                                                                \
    "SELECT patient_id, instrument, date, score FROM assessments WHERE " w                         \
    " AND date <= ?2 AND (?1 IS NULL OR 1) ORDER BY patient_id"
#define Q_APPTS(w)                                                                                 \
    "SELECT patient_id, date, status FROM appointments WHERE " w " AND (?1 IS NULL OR 1) "         \
    "ORDER BY patient_id"
#define Q_DX(w)                                                                                    \
    "SELECT patient_id, code, date, end_date FROM diagnoses WHERE " w                              \
    " AND date <= ?2 AND (?1 IS NULL OR 1) ORDER BY patient_id"

static const char *const SQL_ALL[6] = {Q_PATIENTS(WHERE_ALL), Q_RX(WHERE_ALL, RX_WHO),
                                       Q_EVENTS(WHERE_ALL),   Q_ASSESS(WHERE_ALL),
                                       Q_APPTS(WHERE_ALL),    Q_DX(WHERE_ALL)};
static const char *const SQL_ONE[6] = {Q_PATIENTS(WHERE_ONE), Q_RX(WHERE_ONE, RX_WHO),
                                       Q_EVENTS(WHERE_ONE),   Q_ASSESS(WHERE_ONE),
                                       Q_APPTS(WHERE_ONE),    Q_DX(WHERE_ONE)};
static const char *const RX_LEAN[2] = {Q_RX(WHERE_ALL, RX_NO_WHO), Q_RX(WHERE_ONE, RX_NO_WHO)};

struct store_rows {
    sqlite3 *db;
    struct store_cursor ps;
    struct store_cursor c[ROWS_N];
};

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

void store_rows_close(struct store_rows *r)
{
    if (!r)
        return;
    sqlite3_finalize(r->ps.st);
    for (int i = 0; i < ROWS_N; i++)
        sqlite3_finalize(r->c[i].st);
    sqlite3_close(r->db);
    free(r);
}

static struct store_rows *rows_fail(struct store_rows *r, char *err, size_t errlen)
{
    snprintf(err, errlen, "cannot read the registry: %s", sqlite3_errmsg(r->db));
    store_rows_close(r);
    return NULL;
}

struct store_rows *store_rows_open(struct store *s, const struct store_rows_query *q, char *err,
                                   size_t errlen)
{
    struct store_rows *r = xcalloc(1, sizeof *r);
    if (sqlite3_open_v2(store_path(s), &r->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK)
        return rows_fail(r, err, errlen);
    sqlite3_busy_timeout(r->db, 5000);
    sqlite3_exec(r->db, "PRAGMA cache_size=-65536; PRAGMA mmap_size=" SIXBB_MMAP_SIZE, NULL, NULL,
                 NULL);
    const char *const *sql = q->one_by_one ? SQL_ONE : SQL_ALL;
    sqlite3_stmt **all[6] = {&r->ps.st,   &r->c[0].st, &r->c[1].st,
                             &r->c[2].st, &r->c[3].st, &r->c[4].st};
    for (int i = 0; i < 6; i++) {
        const char *text = i == 1 && !q->prescribers ? RX_LEAN[q->one_by_one] : sql[i];
        if (sqlite3_prepare_v2(r->db, text, -1, all[i], NULL) != SQLITE_OK)
            return rows_fail(r, err, errlen);
    }
    bind_text_or_null(r->ps.st, 1, q->patient);
    bind_text_or_null(r->ps.st, 2, q->site);
    bind_text_or_null(r->ps.st, 3, q->clinician);
    for (int i = 0; i < ROWS_N; i++) {
        sqlite3_stmt *st = r->c[i].st;
        bind_text_or_null(st, 1, q->patient);
        if (sqlite3_bind_parameter_count(st) >= 2)
            sqlite3_bind_text(st, 2, q->as_of, -1, SQLITE_TRANSIENT);
        if (sqlite3_bind_parameter_count(st) >= 3)
            sqlite3_bind_text(st, 3, q->oldest_fill, -1, SQLITE_TRANSIENT);
        store_cursor_step(&r->c[i]);
    }
    return r;
}

struct store_cursor *store_rows_patients(struct store_rows *r)
{
    return &r->ps;
}

struct store_cursor *store_rows_table(struct store_rows *r, enum store_rows_table t)
{
    return &r->c[t];
}

void store_rows_rebind(struct store_rows *r, const char *id)
{
    sqlite3_reset(r->ps.st);
    sqlite3_bind_text(r->ps.st, 1, id, -1, SQLITE_TRANSIENT);
    r->ps.done = false;
    for (int i = 0; i < ROWS_N; i++) {
        sqlite3_reset(r->c[i].st);
        sqlite3_bind_text(r->c[i].st, 1, id, -1, SQLITE_TRANSIENT);
        r->c[i].done = false;
        store_cursor_step(&r->c[i]);
    }
}

/* ------------------------------------------------------------------ the results of a run */

#define INSERT_GAP                                                                                 \
    "INSERT INTO check_results(as_of, seq, check_id, patient_id, clinician_id, site_id, "          \
    "severity, due, detail) VALUES (?,?,?,?,?,?,?,?,?)"

struct store_results {
    struct store *s;
    sqlite3 *db;
    sqlite3_stmt *ins, *ins_many;
    bool committed;
    char as_of[16];
};

struct store_results *store_results_open(struct store *s, const char *as_of, char *err,
                                         size_t errlen)
{
    struct store_results *w = xcalloc(1, sizeof *w);
    w->s = s;
    snprintf(w->as_of, sizeof w->as_of, "%s", as_of);
    if (sqlite3_open_v2(store_path(s), &w->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        snprintf(err, errlen, "cannot store the results: %s", sqlite3_errmsg(w->db));
        sqlite3_close(w->db);
        free(w);
        return NULL;
    }
    sqlite3_busy_timeout(w->db, 5000);
    struct buf many = {0};
    buf_puts(&many, INSERT_GAP);
    for (int k = 1; k < STORE_RESULT_BATCH; k++)
        buf_puts(&many, ",(?,?,?,?,?,?,?,?,?)");
    bool ok = sqlite3_exec(w->db, "PRAGMA synchronous=NORMAL; BEGIN IMMEDIATE", NULL, NULL, NULL) ==
                  SQLITE_OK &&
              sqlite3_prepare_v2(w->db, INSERT_GAP, -1, &w->ins, NULL) == SQLITE_OK &&
              sqlite3_prepare_v2(w->db, many.data, -1, &w->ins_many, NULL) == SQLITE_OK;
    buf_free(&many);
    if (!ok) {
        snprintf(err, errlen, "cannot store the results: %s", sqlite3_errmsg(w->db));
        sqlite3_finalize(w->ins);
        sqlite3_close(w->db);
        free(w);
        return NULL;
    }
    return w;
}

int store_results_clear(struct store_results *w)
{
    sqlite3_stmt *del = NULL;
    if (sqlite3_prepare_v2(w->db, "DELETE FROM check_results WHERE as_of = ?1", -1, &del, NULL) !=
        SQLITE_OK)
        return -1;
    sqlite3_bind_text(del, 1, w->as_of, -1, SQLITE_STATIC);
    int rc = sqlite3_step(del) == SQLITE_DONE ? 0 : -1;
    sqlite3_finalize(del);
    return rc;
}

/* Binds row g as the k-th row (0-based) of an insert; the strings stay put until the step. */
static void results_bind(struct store_results *w, sqlite3_stmt *ins, int k,
                         const struct store_result_row *g, size_t seq)
{
    int p = k * 9;
    sqlite3_bind_text(ins, p + 1, w->as_of, -1, SQLITE_STATIC);
    sqlite3_bind_int64(ins, p + 2, (sqlite3_int64)seq);
    sqlite3_bind_text(ins, p + 3, g->check, -1, SQLITE_STATIC);
    const char *texts[3] = {g->patient, g->clinician, g->site};
    for (int i = 0; i < 3; i++)
        if (texts[i])
            sqlite3_bind_text(ins, p + 4 + i, texts[i], -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(ins, p + 4 + i);
    sqlite3_bind_text(ins, p + 7, g->severity, -1, SQLITE_STATIC);
    if (!g->due)
        sqlite3_bind_null(ins, p + 8);
    else
        sqlite3_bind_text(ins, p + 8, g->due, 10, SQLITE_STATIC);
    sqlite3_bind_text(ins, p + 9, g->detail, -1, SQLITE_STATIC);
}

int store_results_insert(struct store_results *w, const struct store_result_row *rows, size_t n,
                         size_t *seq)
{
    while (n) {
        int k = n >= STORE_RESULT_BATCH ? STORE_RESULT_BATCH : 1;
        sqlite3_stmt *ins = k == STORE_RESULT_BATCH ? w->ins_many : w->ins;
        for (int j = 0; j < k; j++)
            results_bind(w, ins, j, &rows[j], (*seq)++);
        int rc = sqlite3_step(ins);
        sqlite3_reset(ins);
        if (rc != SQLITE_DONE)
            return -1;
        rows += k;
        n -= (size_t)k;
    }
    return 0;
}

int store_results_commit(struct store_results *w, int patients, int ltot, int excluded,
                         const char *detail)
{
    sqlite3_stmt *ev = NULL;
    if (sqlite3_prepare_v2(w->db,
                           "INSERT OR REPLACE INTO evaluations(as_of, run_at, "
                           "patients_evaluated, ltot, excluded) VALUES (?1,?2,?3,?4,?5)",
                           -1, &ev, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(ev, 1, w->as_of, -1, SQLITE_STATIC);
    sqlite3_bind_int64(ev, 2, (sqlite3_int64)time(NULL));
    sqlite3_bind_int(ev, 3, patients);
    sqlite3_bind_int(ev, 4, ltot);
    sqlite3_bind_int(ev, 5, excluded);
    int rc = sqlite3_step(ev) == SQLITE_DONE ? 0 : -1;
    sqlite3_finalize(ev);
    if (rc == 0 &&
        store_audit_with(w->s, w->db, "evaluate", "check_results", w->as_of, detail) != 0)
        rc = -1;
    if (rc == 0 && sqlite3_exec(w->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        rc = -1;
    w->committed = rc == 0;
    return rc;
}

void store_results_close(struct store_results *w)
{
    if (!w)
        return;
    sqlite3_finalize(w->ins);
    sqlite3_finalize(w->ins_many);
    if (!w->committed)
        sqlite3_exec(w->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(w->db);
    free(w);
}

const char *store_results_errmsg(struct store_results *w)
{
    return sqlite3_errmsg(w->db);
}

/* ------------------------------------------------------------------ clinicians and sites */

static const char *text(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

void store_eval_clinicians(struct store *s, const char *site, const char *clinician,
                           store_clinician_fn fn, void *ud)
{
    sqlite3_stmt *st = store_prepare(
        s, "SELECT clinician_id, site_id, role, pdmp_registered, delegate_of FROM clinicians "
           "WHERE (?1 IS NULL OR site_id = ?1) AND (?2 IS NULL OR clinician_id = ?2) "
           "ORDER BY clinician_id");
    if (!st)
        return;
    bind_text_or_null(st, 1, site);
    bind_text_or_null(st, 2, clinician);
    while (sqlite3_step(st) == SQLITE_ROW) {
        struct store_clinician c = {text(st, 0), text(st, 1), text(st, 2), text(st, 3),
                                    text(st, 4)};
        fn(&c, ud);
    }
    sqlite3_reset(st);
}

void store_eval_sites(struct store *s, const char *site, store_site_fn fn, void *ud)
{
    sqlite3_stmt *st = store_prepare(s, "SELECT site_id, name FROM sites "
                                        "WHERE (?1 IS NULL OR site_id = ?1) ORDER BY site_id");
    if (!st)
        return;
    bind_text_or_null(st, 1, site);
    while (sqlite3_step(st) == SQLITE_ROW)
        fn(text(st, 0), text(st, 1), ud);
    sqlite3_reset(st);
}

void store_eval_last_meetings(struct store *s, const char *site, const char *as_of,
                              store_meeting_fn fn, void *ud)
{
    sqlite3_stmt *mt = store_prepare(s, "SELECT replace(type, ' ', '_'), max(date) FROM meetings "
                                        "WHERE site_id = ?1 AND date <= ?2 GROUP BY type");
    if (!mt)
        return;
    sqlite3_bind_text(mt, 1, site, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(mt, 2, as_of, -1, SQLITE_TRANSIENT);
    while (sqlite3_step(mt) == SQLITE_ROW)
        fn(text(mt, 0), text(mt, 1), ud);
    sqlite3_reset(mt);
}

void store_eval_site_stage(struct store *s, const char *site, const char *as_of, store_stage_fn fn,
                           void *ud)
{
    sqlite3_stmt *st = store_prepare(s, "SELECT stage, track FROM site_stages WHERE site_id = ?1 "
                                        "AND start_date <= ?2 ORDER BY start_date DESC, id DESC "
                                        "LIMIT 1");
    if (!st)
        return; /* a database from before the stages table */
    sqlite3_bind_text(st, 1, site, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, as_of, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW)
        fn(text(st, 0), text(st, 1), ud);
    sqlite3_reset(st);
}

/* ------------------------------------------------------------------ measures and milestones */

int store_measure_snapshot_put(struct store *s, const struct store_snapshot *sn, long long taken_at)
{
    sqlite3_stmt *ins = store_prepare(
        s, "INSERT OR REPLACE INTO measure_snapshots(measure_id, period, site_id, clinician_id, "
           "numerator, denominator, value, taken_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)");
    if (!ins)
        return -1;
    sqlite3_bind_text(ins, 1, sn->measure, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 2, sn->period, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 3, sn->site, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 4, sn->clinician, -1, SQLITE_STATIC);
    sqlite3_bind_double(ins, 5, sn->numerator);
    sqlite3_bind_double(ins, 6, sn->denominator);
    if (sn->has_value)
        sqlite3_bind_double(ins, 7, sn->value);
    else
        sqlite3_bind_null(ins, 7);
    sqlite3_bind_int64(ins, 8, (sqlite3_int64)taken_at);
    int rc = sqlite3_step(ins) == SQLITE_DONE ? 0 : -1;
    sqlite3_reset(ins);
    return rc;
}

int store_eval_prescribers(struct store *s, const char *site, int *prescribers, int *registered)
{
    sqlite3_stmt *st = store_prepare(s, "SELECT count(*), count(NULLIF(pdmp_registered, '')) "
                                        "FROM clinicians WHERE ?1 = '' OR site_id = ?1");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, site, -1, SQLITE_TRANSIENT);
    int rc = -1;
    if (sqlite3_step(st) == SQLITE_ROW) {
        *prescribers = sqlite3_column_int(st, 0);
        *registered = sqlite3_column_int(st, 1);
        rc = 0;
    }
    sqlite3_reset(st);
    return rc;
}

static bool first_text(struct store *s, const char *sql, const char *arg, char *buf, size_t n)
{
    sqlite3_stmt *st = store_prepare(s, sql);
    if (!st)
        return false; /* the table may not exist in this schema */
    if (arg)
        sqlite3_bind_text(st, 1, arg, -1, SQLITE_TRANSIENT);
    bool found = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0);
    if (found)
        snprintf(buf, n, "%s", text(st, 0));
    sqlite3_reset(st);
    return found;
}

bool store_eval_last_evaluation(struct store *s, char *out, size_t n)
{
    return first_text(s, "SELECT max(as_of) FROM evaluations", NULL, out, n);
}

bool store_eval_last_report(struct store *s, const char *report, char *out, size_t n)
{
    return first_text(s,
                      "SELECT max(date(produced_at, 'unixepoch')) FROM report_runs "
                      "WHERE report = ?1",
                      report, out, n);
}

int store_eval_aims(struct store *s, store_aim_fn fn, void *ud)
{
    sqlite3_stmt *st = store_prepare(s, "SELECT aim_id, measure_id, site_id, target, "
                                        "by_date, note, created FROM aims "
                                        "ORDER BY measure_id, site_id, by_date, aim_id");
    if (!st)
        return -1;
    while (sqlite3_step(st) == SQLITE_ROW) {
        struct store_aim a = {.id = sqlite3_column_int64(st, 0),
                              .measure = text(st, 1),
                              .site = text(st, 2),
                              .target = sqlite3_column_double(st, 3),
                              .by = text(st, 4),
                              .note = text(st, 5),
                              .created = text(st, 6)};
        fn(&a, ud);
    }
    sqlite3_reset(st);
    return 0;
}
