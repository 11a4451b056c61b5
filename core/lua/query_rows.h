/* Rows from the store as Lua tables, shared by sixbb.query (SQL from a site script) and
 * sixbb.data (the store's named reads): parameters checked and converted the same way, and
 * each row a table keyed by column name. */
#ifndef SIXBB_QUERY_ROWS_H
#define SIXBB_QUERY_ROWS_H

#include <lua.h>

#include "store_query.h"

/* Converts stack values first..first+n-1 (nil, boolean, number or string; anything else
 * raises "<what>: parameter K must be ...") into out[0..n-1]. Strings point into the stack. */
void query_params(lua_State *L, const char *what, int first, int n, struct store_value *out);

/* Calls run(arg, fn, ud, err, errlen), which feeds rows to fn, and pushes them as a list.
 * Raises "<what>: reason" when run returns -1. */
typedef int (*query_runner)(void *arg, store_row_fn fn, void *ud, char *err, size_t errlen);
void query_push_rows(lua_State *L, const char *what, query_runner run, void *arg);

#endif
