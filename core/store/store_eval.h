/* The queries evaluation runs: the patients' rows read in patient order on a connection of their
 * own, the results of a run written on another, and the few lookups the clinician-, site- and
 * milestone-level facts need. Evaluation sees rows through cursors, never through SQLite. */
#ifndef SIXBB_STORE_EVAL_H
#define SIXBB_STORE_EVAL_H

#include <stdbool.h>
#include <stddef.h>

struct store;

#include <math.h>
#include <sqlite3.h>

/* A statement standing on a row (or past the last one). Columns are read by index; the
 * accessors are inline, as evaluation reads millions of columns in a pass. */
struct store_cursor {
    sqlite3_stmt *st;
    bool done;
};
enum store_col {
    STORE_COL_INT = SQLITE_INTEGER,
    STORE_COL_FLOAT = SQLITE_FLOAT,
    STORE_COL_TEXT = SQLITE_TEXT,
    STORE_COL_BLOB = SQLITE_BLOB,
    STORE_COL_NULL = SQLITE_NULL
};
/* Steps to the next row; false at the end (and from then on). */
bool store_cursor_step(struct store_cursor *c);
bool store_cursor_done(const struct store_cursor *c);
/* Moves past rows whose first column (a patient id) sorts before id and tells whether the cursor
 * now stands on a row of id. */
bool store_cursor_at(struct store_cursor *c, const char *id);
static inline const char *store_col_text(struct store_cursor *c, int i)
{
    return (const char *)sqlite3_column_text(c->st, i);
}
/* NAN for NULL. */
static inline double store_col_num(struct store_cursor *c, int i)
{
    return sqlite3_column_type(c->st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(c->st, i);
}
static inline int store_col_int(struct store_cursor *c, int i)
{
    return sqlite3_column_int(c->st, i);
}
static inline enum store_col store_col_type(struct store_cursor *c, int i)
{
    return (enum store_col)sqlite3_column_type(c->st, i);
}
/* The column's bytes as stored (text or blob), with their length. */
static inline const void *store_col_bytes(struct store_cursor *c, int i, size_t *n)
{
    const void *p = sqlite3_column_blob(c->st, i);
    *n = p ? (size_t)sqlite3_column_bytes(c->st, i) : 0;
    return p;
}

/* The rows of a population, each table read once in patient order. */
enum store_rows_table {
    ROWS_FILLS,
    ROWS_EVENTS,
    ROWS_ASSESSMENTS,
    ROWS_APPOINTMENTS,
    ROWS_DX,
    ROWS_N
};
struct store_rows_query {
    const char *patient, *site, *clinician; /* NULL: any */
    bool one_by_one;  /* read through the patient index, one patient (or a list) at a time */
    bool prescribers; /* read the fills' prescriber and pharmacy (else NULL in those columns) */
    const char *as_of, *oldest_fill; /* YYYY-MM-DD */
};
/* Column order of each table (the patient id is column 0 of every one):
 *   patients:     id, site, clinician, birth date, sex
 *   fills:        id, rx, fill date, drug, quantity, days supply, ndc, rxnorm, strength,
 *                 strength unit, form, dose, doses per day, prn, prescriber, pharmacy
 *   events:       id, type, date
 *   assessments:  id, instrument, date, score
 *   appointments: id, date, status
 *   diagnoses:    id, code, date, end date */
struct store_rows;
/* Opens a read-only connection to the store's file. NULL with the reason in err. */
struct store_rows *store_rows_open(struct store *s, const struct store_rows_query *q, char *err,
                                   size_t errlen);
void store_rows_close(struct store_rows *r);
/* The patients cursor (not yet stepped) and the table cursors (standing on their first row). */
struct store_cursor *store_rows_patients(struct store_rows *r);
struct store_cursor *store_rows_table(struct store_rows *r, enum store_rows_table t);
/* Points a one-by-one reader at another patient. */
void store_rows_rebind(struct store_rows *r, const char *id);

/* The stored results of one date, replaced in one transaction on a connection of its own. */
struct store_result_row {
    const char *check, *patient, *clinician, *site, *severity, *due, *detail;
};
/* Rows per statement of store_results_insert at best. */
#define STORE_RESULT_BATCH 16
struct store_results;
struct store_results *store_results_open(struct store *s, const char *as_of, char *err,
                                         size_t errlen);
/* Deletes the rows of the date. 0, or -1 (store_results_errmsg). */
int store_results_clear(struct store_results *w);
/* Inserts rows numbered from *seq on. 0, or -1. */
int store_results_insert(struct store_results *w, const struct store_result_row *rows, size_t n,
                         size_t *seq);
/* Records the evaluation, audits it and commits. 0, or -1. */
int store_results_commit(struct store_results *w, int patients, int ltot, int excluded,
                         const char *detail);
/* Rolls back what was not committed and closes. */
void store_results_close(struct store_results *w);
const char *store_results_errmsg(struct store_results *w);

/* Clinicians for the clinician-level checks, by id. */
struct store_clinician {
    const char *id, *site, *role, *pdmp_registered, *delegate_of;
};
typedef void (*store_clinician_fn)(const struct store_clinician *c, void *ud);
void store_eval_clinicians(struct store *s, const char *site, const char *clinician,
                           store_clinician_fn fn, void *ud);
/* Sites for the site-level checks, by id. */
typedef void (*store_site_fn)(const char *id, const char *name, void *ud);
void store_eval_sites(struct store *s, const char *site, store_site_fn fn, void *ud);
/* The last meeting of each type (spaces as underscores) on or before as_of. */
typedef void (*store_meeting_fn)(const char *type, const char *date, void *ud);
void store_eval_last_meetings(struct store *s, const char *site, const char *as_of,
                              store_meeting_fn fn, void *ud);
/* The program stage and track in force at as_of (either may be NULL); fn is not called when
 * none is recorded. */
typedef void (*store_stage_fn)(const char *stage, const char *track, void *ud);
void store_eval_site_stage(struct store *s, const char *site, const char *as_of, store_stage_fn fn,
                           void *ud);

/* A monthly measure number, replacing one of the same measure, period and group. */
struct store_snapshot {
    const char *measure, *period, *site, *clinician;
    double numerator, denominator, value;
    bool has_value;
};
int store_measure_snapshot_put(struct store *s, const struct store_snapshot *sn,
                               long long taken_at);

/* Milestone evidence: prescribers and those registered with the PDMP (site "" for all). */
int store_eval_prescribers(struct store *s, const char *site, int *prescribers, int *registered);
/* The last evaluation date, and the day a report last ran; false when none. */
bool store_eval_last_evaluation(struct store *s, char *out, size_t n);
bool store_eval_last_report(struct store *s, const char *report, char *out, size_t n);

/* The aims, by measure, site and date. */
struct store_aim {
    long long id;
    const char *measure, *site, *by, *note, *created;
    double target;
};
typedef void (*store_aim_fn)(const struct store_aim *a, void *ud);
int store_eval_aims(struct store *s, store_aim_fn fn, void *ud);

#endif
