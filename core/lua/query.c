/* sixbb.query(sql, ...) -> { {column = value, ...}, ... }: read-only SQL on the site database,
 * with `...` bound to the statement's parameters. The statement is checked and stepped by the
 * store (store_query_each); a long query is interrupted when the calling plugin's time limit
 * passes. Errors are raised only after the store has let go of the statement. */
#include <lauxlib.h>
#include <stdio.h>

#include "clock.h"
#include "host.h"
#include "query_rows.h"
#include "store_query.h"

static int past_deadline(void *arg)
{
    struct host *h = arg;
    return h->in_call && clock_monotonic() > h->deadline;
}

static struct store_value param(lua_State *L, const char *what, int i, int k)
{
    struct store_value v = {0};
    switch (lua_type(L, i)) {
    case LUA_TNIL:
        break;
    case LUA_TBOOLEAN:
        v.type = STORE_INT;
        v.i = lua_toboolean(L, i);
        break;
    case LUA_TNUMBER:
        if (lua_isinteger(L, i)) {
            v.type = STORE_INT;
            v.i = (long long)lua_tointeger(L, i);
        } else {
            v.type = STORE_REAL;
            v.d = lua_tonumber(L, i);
        }
        break;
    case LUA_TSTRING:
        v.type = STORE_TEXT;
        v.s = lua_tolstring(L, i, &v.len);
        break;
    default:
        luaL_error(L, "%s: parameter %d must be nil, a boolean, a number or a string, got %s", what,
                   k, luaL_typename(L, i));
    }
    return v;
}

void query_params(lua_State *L, const char *what, int first, int n, struct store_value *out)
{
    for (int k = 0; k < n; k++)
        out[k] = param(L, what, first + k, k + 1);
}

static void push_value(lua_State *L, const struct store_value *v)
{
    switch (v->type) {
    case STORE_INT:
        lua_pushinteger(L, (lua_Integer)v->i);
        break;
    case STORE_REAL:
        lua_pushnumber(L, v->d);
        break;
    case STORE_TEXT:
        lua_pushlstring(L, v->s, v->len);
        break;
    default:
        lua_pushnil(L);
    }
}

struct collect {
    lua_State *L;
    int out;
    lua_Integer n;
    const struct store_row *row;
};

/* Runs protected: building the row's table may raise (memory) while the store still holds the
 * statement. */
static int push_row(lua_State *L)
{
    struct collect *c = lua_touserdata(L, 2); /* the list is at 1 */
    const struct store_row *row = c->row;
    lua_createtable(L, 0, row->ncols);
    for (int k = 0; k < row->ncols; k++) {
        push_value(L, &row->values[k]);
        lua_setfield(L, -2, row->names[k]);
    }
    lua_rawseti(L, 1, ++c->n);
    return 0;
}

static int take_row(const struct store_row *row, void *ud)
{
    struct collect *c = ud;
    c->row = row;
    lua_pushcfunction(c->L, push_row);
    lua_pushvalue(c->L, c->out);
    lua_pushlightuserdata(c->L, c);
    return lua_pcall(c->L, 2, 0, 0) == LUA_OK ? 0 : 1;
}

void query_push_rows(lua_State *L, const char *what, query_runner run, void *arg)
{
    lua_newtable(L);
    struct collect c = {L, lua_gettop(L), 0, NULL};
    char err[512];
    int rc = run(arg, take_row, &c, err, sizeof err);
    if (rc > 0)
        lua_error(L); /* the error push_row raised, on top of the stack */
    if (rc < 0)
        luaL_error(L, "%s: %s", what, err);
    lua_settop(L, c.out);
}

struct sql_query {
    struct host *h;
    const char *sql;
    const struct store_value *params;
    int n;
};

static int run_sql(void *arg, store_row_fn fn, void *ud, char *err, size_t errlen)
{
    struct sql_query *q = arg;
    return store_query_each(q->h->store, q->sql, q->params, q->n, past_deadline, q->h, fn, ud, err,
                            errlen);
}

static int api_query(lua_State *L)
{
    struct host *h = host_from_lua(L);
    const char *sql = luaL_checkstring(L, 1);
    int n = lua_gettop(L) - 1;
    /* A userdata, so that a parameter error raised below frees it with the stack. */
    struct store_value *params = lua_newuserdatauv(L, (n ? (size_t)n : 1) * sizeof *params, 0);
    query_params(L, "sixbb.query", 2, n, params);
    if (!h->store)
        return luaL_error(L, "sixbb.query: no site is open");
    struct sql_query q = {h, sql, params, n};
    query_push_rows(L, "sixbb.query", run_sql, &q);
    return 1;
}

int luaopen_sixbb_query(lua_State *L)
{
    lua_pushcfunction(L, api_query);
    return 1;
}
