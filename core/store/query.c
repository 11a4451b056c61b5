#include "query.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Reading actions only. SQLITE_PRAGMA is refused too: the read-only pragmas plugins might want
 * are reachable as table-valued functions (pragma_table_info(...)), which report as reads. */
static int authorize(void *arg, int action, const char *a, const char *b, const char *c,
                     const char *d)
{
    (void)arg, (void)a, (void)b, (void)c, (void)d;
    switch (action) {
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_FUNCTION:
    case SQLITE_RECURSIVE:
        return SQLITE_OK;
    default:
        return SQLITE_DENY;
    }
}

/* True when text holds no further statement (only spaces, semicolons and comments). */
static bool only_trailing(sqlite3 *db, const char *tail)
{
    while (tail && *tail) {
        sqlite3_stmt *st = NULL;
        const char *next = NULL;
        if (sqlite3_prepare_v2(db, tail, -1, &st, &next) != SQLITE_OK)
            return false;
        if (st) {
            sqlite3_finalize(st);
            return false;
        }
        if (next == tail)
            break;
        tail = next;
    }
    return true;
}

int query_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **out, char *err, size_t errlen)
{
    *out = NULL;
    sqlite3_stmt *st = NULL;
    const char *tail = NULL;
    sqlite3_set_authorizer(db, authorize, NULL);
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, &tail);
    bool single = rc == SQLITE_OK && only_trailing(db, tail);
    sqlite3_set_authorizer(db, NULL, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "%s", sqlite3_errmsg(db));
        if (rc == SQLITE_AUTH)
            snprintf(err, errlen, "only reading statements are allowed (SELECT or WITH ... "
                                  "SELECT)");
        return -1;
    }
    if (!st) {
        snprintf(err, errlen, "empty statement");
        return -1;
    }
    if (!single) {
        sqlite3_finalize(st);
        snprintf(err, errlen, "only one statement is allowed per query");
        return -1;
    }
    if (!sqlite3_stmt_readonly(st)) {
        sqlite3_finalize(st);
        snprintf(err, errlen, "only reading statements are allowed (SELECT or WITH ... SELECT)");
        return -1;
    }
    *out = st;
    return 0;
}
