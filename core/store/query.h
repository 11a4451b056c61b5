/* Read-only SQL for plugins (sixbb.query). A statement is accepted only when it is a single
 * statement, SQLite says it does not write (sqlite3_stmt_readonly), and while it is prepared an
 * authorizer allows nothing but reading: no ATTACH (which could create files), no PRAGMA that
 * changes state, no transaction control that would disturb the host's own transactions. */
#ifndef SIXBB_QUERY_H
#define SIXBB_QUERY_H

#include <sqlite3.h>
#include <stddef.h>

/* Prepares sql on db. 0 and *out, or -1 with the reason in err (nothing to finalize). */
int query_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **out, char *err, size_t errlen);

#endif
