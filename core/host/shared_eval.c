#include "shared_eval.h"

#include <lauxlib.h>

#include "checks.h"
#include "host.h"

static const char EVAL_KEY = 0;

static int eval_gc(lua_State *L)
{
    struct eval **pe = lua_touserdata(L, 1);
    if (*pe)
        eval_free(*pe);
    *pe = NULL;
    return 0;
}

struct eval *lua_shared_eval(lua_State *L, const char *module)
{
    struct host *h = host_from_lua(L);
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &EVAL_KEY) == LUA_TUSERDATA) {
        struct eval *e = *(struct eval **)lua_touserdata(L, -1);
        lua_pop(L, 1);
        return e;
    }
    lua_pop(L, 1);
    if (!h->store)
        luaL_error(L, "%s needs a site (no site database is open)", module);
    /* The context lives in a userdata whose __gc frees it with the state. */
    struct eval **pe = lua_newuserdatauv(L, sizeof *pe, 0);
    *pe = NULL;
    lua_newtable(L);
    lua_pushcfunction(L, eval_gc);
    lua_setfield(L, -2, "__gc");
    lua_setmetatable(L, -2);
    *pe = eval_new(h, h->store);
    if (!*pe)
        luaL_error(L, "%s: cannot prepare the evaluation (see the message above)", module);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &EVAL_KEY);
    return *pe;
}
