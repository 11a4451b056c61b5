/* Rows as plain C values or JSON; see store_query.h. */
#include "store_query.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "json.h"
#include "query.h"
#include "util.h"

void store_bind_opt(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

void store_bind_values(sqlite3_stmt *st, const struct store_value *params, int n)
{
    for (int k = 0; k < n; k++) {
        const struct store_value *v = &params[k];
        switch (v->type) {
        case STORE_INT:
            sqlite3_bind_int64(st, k + 1, (sqlite3_int64)v->i);
            break;
        case STORE_REAL:
            sqlite3_bind_double(st, k + 1, v->d);
            break;
        case STORE_TEXT:
            sqlite3_bind_text(st, k + 1, v->s, (int)v->len, SQLITE_TRANSIENT);
            break;
        default:
            sqlite3_bind_null(st, k + 1);
        }
    }
}

static struct store_value column_value(sqlite3_stmt *st, int c)
{
    struct store_value v = {0};
    switch (sqlite3_column_type(st, c)) {
    case SQLITE_INTEGER:
        v.type = STORE_INT;
        v.i = (long long)sqlite3_column_int64(st, c);
        break;
    case SQLITE_FLOAT:
        v.type = STORE_REAL;
        v.d = sqlite3_column_double(st, c);
        break;
    case SQLITE_NULL:
        break;
    case SQLITE_TEXT:
        /* Text comes NUL-terminated, so callers may use it as a C string too. */
        v.type = STORE_TEXT;
        v.s = (const char *)sqlite3_column_text(st, c);
        v.len = (size_t)sqlite3_column_bytes(st, c);
        break;
    default:
        v.type = STORE_TEXT;
        v.s = (const char *)sqlite3_column_blob(st, c);
        v.len = (size_t)sqlite3_column_bytes(st, c);
    }
    if (v.type == STORE_TEXT && !v.s)
        v.s = "";
    return v;
}

/* Steps st to the end; SQLite's result code of the last step, or fn's non-zero value as a
 * negative number so the two cannot be confused. */
static int step_rows(sqlite3_stmt *st, store_row_fn fn, void *ud, int *fn_rc)
{
    int ncols = sqlite3_column_count(st), rc;
    const char **names = xcalloc(ncols ? (size_t)ncols : 1, sizeof *names);
    struct store_value *values = xcalloc(ncols ? (size_t)ncols : 1, sizeof *values);
    for (int c = 0; c < ncols; c++)
        names[c] = sqlite3_column_name(st, c);
    *fn_rc = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int c = 0; c < ncols; c++)
            values[c] = column_value(st, c);
        struct store_row row = {ncols, names, values};
        if ((*fn_rc = fn(&row, ud)) != 0)
            break;
    }
    free(names);
    free(values);
    return rc;
}

int store_rows_each(sqlite3_stmt *st, store_row_fn fn, void *ud)
{
    int fn_rc;
    int rc = step_rows(st, fn, ud, &fn_rc);
    sqlite3_reset(st);
    if (fn_rc)
        return fn_rc;
    return rc == SQLITE_DONE ? 0 : -1;
}

cJSON *store_rows_json(sqlite3_stmt *st)
{
    cJSON *arr = cJSON_CreateArray();
    while (sqlite3_step(st) == SQLITE_ROW) {
        cJSON *o = cJSON_CreateObject();
        for (int i = 0; i < sqlite3_column_count(st); i++) {
            const char *k = sqlite3_column_name(st, i);
            switch (sqlite3_column_type(st, i)) {
            case SQLITE_INTEGER:
                cJSON_AddNumberToObject(o, k, (double)sqlite3_column_int64(st, i));
                break;
            case SQLITE_FLOAT:
                cJSON_AddItemToObject(o, k, json_num_rounded(sqlite3_column_double(st, i), 2));
                break;
            case SQLITE_NULL:
                cJSON_AddNullToObject(o, k);
                break;
            default:
                cJSON_AddStringToObject(o, k, (const char *)sqlite3_column_text(st, i));
            }
        }
        cJSON_AddItemToArray(arr, o);
    }
    sqlite3_reset(st);
    return arr;
}

struct stopper {
    int (*stop)(void *);
    void *ud;
};

static int progress(void *arg)
{
    struct stopper *sp = arg;
    return sp->stop(sp->ud);
}

int store_query_each(struct store *s, const char *sql, const struct store_value *params,
                     int nparams, int (*stop)(void *), void *stop_ud, store_row_fn fn, void *ud,
                     char *err, size_t errlen)
{
    sqlite3 *db = store_db(s);
    sqlite3_stmt *st;
    if (query_prepare(db, sql, &st, err, errlen) < 0)
        return -1;
    int want = sqlite3_bind_parameter_count(st);
    if (want != nparams) {
        sqlite3_finalize(st);
        snprintf(err, errlen, "the statement has %d parameter(s) but %d value(s) were given", want,
                 nparams);
        return -1;
    }
    store_bind_values(st, params, nparams);
    struct stopper sp = {stop, stop_ud};
    if (stop)
        sqlite3_progress_handler(db, 1000, progress, &sp);
    int fn_rc;
    int rc = step_rows(st, fn, ud, &fn_rc);
    if (stop)
        sqlite3_progress_handler(db, 0, NULL, NULL);
    int out = 0;
    if (fn_rc)
        out = fn_rc;
    else if (rc == SQLITE_INTERRUPT)
        out = -1, snprintf(err, errlen, "stopped: exceeded the time limit");
    else if (rc != SQLITE_DONE)
        out = -1, snprintf(err, errlen, "%s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return out;
}
