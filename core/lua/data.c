/* sixbb.data: the store's named reads for plugins (docs/plugins.md), grouped as
 * sixbb.data.<group>.<read>(args...). A read named in the store as giving one row returns that
 * row or nil; the others return a list of rows, each shaped as sixbb.query shapes them. */
#include <lauxlib.h>
#include <string.h>

#include "host.h"
#include "query_rows.h"
#include "store_program_reads.h"

struct read_call {
    struct host *h;
    const struct store_read *r;
    const struct store_value *args;
};

static int run_read(void *arg, store_row_fn fn, void *ud, char *err, size_t errlen)
{
    struct read_call *c = arg;
    return store_read_each(c->h->store, c->r, c->args, fn, ud, err, errlen);
}

static int api_read(lua_State *L)
{
    const struct store_read *r = lua_touserdata(L, lua_upvalueindex(1));
    struct host *h = host_from_lua(L);
    lua_settop(L, r->nargs); /* missing arguments are nil */
    struct store_value args[8] = {{0}};
    lua_pushfstring(L, "sixbb.data.%s", r->name);
    const char *what = lua_tostring(L, -1);
    query_params(L, what, 1, r->nargs < 8 ? r->nargs : 8, args);
    if (!h->store)
        return luaL_error(L, "%s: no site is open", what);
    struct read_call c = {h, r, args};
    query_push_rows(L, what, run_read, &c);
    if (r->one)
        lua_rawgeti(L, -1, 1);
    return 1;
}

/* Adds each read of a list to the module table at the top, under its group. */
static void add_reads(lua_State *L, const struct store_read *list)
{
    for (const struct store_read *r = list; r->name; r++) {
        const char *dot = strchr(r->name, '.');
        lua_pushlstring(L, r->name, (size_t)(dot - r->name));
        if (lua_rawget(L, -2) != LUA_TTABLE) {
            lua_pop(L, 1);
            lua_newtable(L);
            lua_pushlstring(L, r->name, (size_t)(dot - r->name));
            lua_pushvalue(L, -2);
            lua_rawset(L, -4);
        }
        lua_pushlightuserdata(L, (void *)r);
        lua_pushcclosure(L, api_read, 1);
        lua_setfield(L, -2, dot + 1);
        lua_pop(L, 1);
    }
}

int luaopen_sixbb_data(lua_State *L)
{
    lua_newtable(L);
    add_reads(L, store_reads);
    add_reads(L, store_report_reads);
    add_reads(L, store_quality_reads);
    return 1;
}
