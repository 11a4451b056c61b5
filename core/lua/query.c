/* sixbb.query(sql, ...) -> { {column = value, ...}, ... }: read-only SQL on the site database,
 * with `...` bound to the statement's parameters. The checks live in core/query.c. The
 * statement is finalized before any error is raised, and a long query is interrupted when the
 * calling plugin's time limit passes. */
#include <lauxlib.h>
#include <stdio.h>

#include "clock.h"
#include "host.h"
#include "query.h"
#include "store.h"

static int past_deadline(void *arg)
{
    struct host *h = arg;
    return h->in_call && clock_monotonic() > h->deadline;
}

static void check_params(lua_State *L, int first, int last)
{
    for (int i = first; i <= last; i++) {
        int t = lua_type(L, i);
        if (t != LUA_TNIL && t != LUA_TBOOLEAN && t != LUA_TNUMBER && t != LUA_TSTRING)
            luaL_error(L, "sixbb.query: parameter %d must be nil, a boolean, a number or a "
                          "string, got %s", i - first + 1, luaL_typename(L, i));
    }
}

static void bind_params(lua_State *L, sqlite3_stmt *st, int first, int last)
{
    for (int i = first; i <= last; i++) {
        int k = i - first + 1;
        switch (lua_type(L, i)) {
        case LUA_TBOOLEAN:
            sqlite3_bind_int(st, k, lua_toboolean(L, i));
            break;
        case LUA_TNUMBER:
            if (lua_isinteger(L, i))
                sqlite3_bind_int64(st, k, (sqlite3_int64)lua_tointeger(L, i));
            else
                sqlite3_bind_double(st, k, lua_tonumber(L, i));
            break;
        case LUA_TSTRING: {
            size_t len;
            const char *s = lua_tolstring(L, i, &len);
            sqlite3_bind_text(st, k, s, (int)len, SQLITE_TRANSIENT);
            break;
        }
        default:
            sqlite3_bind_null(st, k);
        }
    }
}

static void push_value(lua_State *L, sqlite3_stmt *st, int col)
{
    switch (sqlite3_column_type(st, col)) {
    case SQLITE_INTEGER:
        lua_pushinteger(L, (lua_Integer)sqlite3_column_int64(st, col));
        break;
    case SQLITE_FLOAT:
        lua_pushnumber(L, sqlite3_column_double(st, col));
        break;
    case SQLITE_NULL:
        lua_pushnil(L);
        break;
    default:
        lua_pushlstring(L, (const char *)sqlite3_column_blob(st, col),
                        (size_t)sqlite3_column_bytes(st, col));
    }
}

/* Runs protected: may raise (memory, an SQLite error) while the caller still owns the
 * statement. */
static int collect(lua_State *L)
{
    sqlite3_stmt *st = lua_touserdata(L, 1);
    lua_newtable(L);
    int ncols = sqlite3_column_count(st), rc;
    lua_Integer n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        lua_createtable(L, 0, ncols);
        for (int c = 0; c < ncols; c++) {
            push_value(L, st, c);
            lua_setfield(L, -2, sqlite3_column_name(st, c));
        }
        lua_rawseti(L, -2, ++n);
    }
    if (rc == SQLITE_INTERRUPT)
        return luaL_error(L, "sixbb.query: stopped: exceeded the time limit");
    if (rc != SQLITE_DONE)
        return luaL_error(L, "sixbb.query: %s", sqlite3_errmsg(sqlite3_db_handle(st)));
    return 1;
}

static int api_query(lua_State *L)
{
    struct host *h = host_from_lua(L);
    const char *sql = luaL_checkstring(L, 1);
    int top = lua_gettop(L);
    check_params(L, 2, top);
    if (!h->store)
        return luaL_error(L, "sixbb.query: no site is open");
    sqlite3 *db = store_db(h->store);
    sqlite3_stmt *st;
    char err[512];
    if (query_prepare(db, sql, &st, err, sizeof err) < 0)
        return luaL_error(L, "sixbb.query: %s", err);
    int want = sqlite3_bind_parameter_count(st);
    if (want != top - 1) {
        sqlite3_finalize(st);
        return luaL_error(L, "sixbb.query: the statement has %d parameter(s) but %d value(s) "
                             "were given", want, top - 1);
    }
    bind_params(L, st, 2, top);
    sqlite3_progress_handler(db, 1000, past_deadline, h);
    lua_pushcfunction(L, collect);
    lua_pushlightuserdata(L, st);
    int status = lua_pcall(L, 1, 1, 0);
    sqlite3_progress_handler(db, 0, NULL, NULL);
    sqlite3_finalize(st);
    if (status != LUA_OK)
        return lua_error(L);
    return 1;
}

int luaopen_sixbb_query(lua_State *L)
{
    lua_pushcfunction(L, api_query);
    return 1;
}
