/* Setting one field of the table on top of the Lua stack, as the C side of every module builds
 * the tables it hands to plugins. A NULL string sets nothing, so optional values are simply
 * absent; lf_text also leaves out the empty string. */
#ifndef SIXBB_LUA_FIELDS_H
#define SIXBB_LUA_FIELDS_H

#include <stdbool.h>

#include <lua.h>

static inline void lf_int(lua_State *L, const char *key, lua_Integer v)
{
    lua_pushinteger(L, v);
    lua_setfield(L, -2, key);
}

static inline void lf_num(lua_State *L, const char *key, double v)
{
    lua_pushnumber(L, v);
    lua_setfield(L, -2, key);
}

static inline void lf_bool(lua_State *L, const char *key, bool v)
{
    lua_pushboolean(L, v);
    lua_setfield(L, -2, key);
}

static inline void lf_str(lua_State *L, const char *key, const char *v)
{
    if (!v)
        return;
    lua_pushstring(L, v);
    lua_setfield(L, -2, key);
}

static inline void lf_text(lua_State *L, const char *key, const char *v)
{
    if (v && *v)
        lf_str(L, key, v);
}

#endif
