/* Rows out of the store without SQLite types: values as plain C (store_value), rows handed to a
 * callback one at a time, or collected as JSON. store_query_each also runs the read-only SQL a
 * site script passes to sixbb.query (checked by query_prepare). */
#ifndef SIXBB_STORE_QUERY_H
#define SIXBB_STORE_QUERY_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "store.h"

enum store_type { STORE_NULL, STORE_INT, STORE_REAL, STORE_TEXT };

/* A parameter or a column value. Column text is NUL-terminated unless it came from a BLOB;
 * len is its length either way. */
struct store_value {
    enum store_type type;
    long long i;
    double d;
    const char *s;
    size_t len;
};

struct store_row {
    int ncols;
    const char *const *names;
    const struct store_value *values;
};

/* Called for each row; a non-zero return stops the query and is returned by the caller. */
typedef int (*store_row_fn)(const struct store_row *row, void *ud);

/* Runs one read-only statement (see query.h) with params bound in order. Returns 0, the
 * callback's non-zero value, or -1 with the reason in err. A statement whose parameter count
 * does not match nparams is refused. stop(stop_ud) is polled during long queries; when it
 * returns non-zero the query ends with "stopped: exceeded the time limit". */
int store_query_each(struct store *s, const char *sql, const struct store_value *params,
                     int nparams, int (*stop)(void *), void *stop_ud, store_row_fn fn, void *ud,
                     char *err, size_t errlen);

/* Helpers for the store's own files. */
struct sqlite3_stmt;
/* Every row of a statement as a JSON array of objects keyed by column name (integers, reals
 * rounded to two decimals, text, null). Steps from the start and resets the statement. */
cJSON *store_rows_json(struct sqlite3_stmt *st);
/* Steps a statement that yields rows, giving each to fn as a store_row; resets it. Returns 0,
 * fn's non-zero value, or -1 when SQLite fails. */
int store_rows_each(struct sqlite3_stmt *st, store_row_fn fn, void *ud);
/* Binds text, or NULL when v is NULL. */
void store_bind_opt(struct sqlite3_stmt *st, int i, const char *v);
/* Binds params[0..n-1] to ?1..?n. */
void store_bind_values(struct sqlite3_stmt *st, const struct store_value *params, int n);

#endif
