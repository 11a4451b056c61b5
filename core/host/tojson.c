/* Lua tables to cJSON with the path of every value kept for error messages, so a plugin author
 * learns exactly which entry of a large document is wrong. */
#include "tojson.h"

#include <lauxlib.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Deep enough for any document; a table that contains itself stops here. */
#define MAX_DEPTH 24

struct conv {
    lua_State *L;
    char path[512];
    size_t len;
    char *err;
    size_t errlen;
};

static int fail(struct conv *c, const char *what)
{
    snprintf(c->err, c->errlen, "%s %s", c->len ? c->path : "the value", what);
    return -1;
}

static size_t path_push_index(struct conv *c, lua_Integer i)
{
    size_t old = c->len;
    int n = snprintf(c->path + c->len, sizeof c->path - c->len, "[%lld]", (long long)i);
    if (n > 0 && (size_t)n < sizeof c->path - c->len)
        c->len += (size_t)n;
    return old;
}

static size_t path_push_key(struct conv *c, const char *key)
{
    size_t old = c->len;
    int n = snprintf(c->path + c->len, sizeof c->path - c->len, "%s%s", c->len ? "." : "", key);
    if (n > 0 && (size_t)n < sizeof c->path - c->len)
        c->len += (size_t)n;
    return old;
}

static void path_pop(struct conv *c, size_t old)
{
    c->len = old;
    c->path[old] = 0;
}

static cJSON *convert(struct conv *c, int idx, int depth);

/* Classifies the table: a list when its keys are exactly 1..n; *n counts the keys. */
static int table_shape(struct conv *c, int idx, bool *is_list, lua_Integer *n)
{
    lua_State *L = c->L;
    lua_Integer count = 0;
    bool ints = true, strings = true;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        count++;
        if (lua_type(L, -1) == LUA_TSTRING)
            ints = false;
        else if (lua_isinteger(L, -1) && lua_tointeger(L, -1) >= 1)
            strings = false;
        else {
            lua_pop(L, 1);
            return fail(c, "has a key that is neither a name nor a list position");
        }
    }
    if (ints && (lua_Integer)lua_rawlen(L, idx) != count)
        return fail(c, "is a list with holes (a nil in the middle?)");
    if (!ints && !strings)
        return fail(c, "mixes list items and named fields");
    *is_list = ints;
    *n = count;
    return 0;
}

static cJSON *convert_list(struct conv *c, int idx, lua_Integer n, int depth)
{
    cJSON *arr = cJSON_CreateArray();
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(c->L, idx, i);
        size_t old = path_push_index(c, i);
        cJSON *item = convert(c, lua_gettop(c->L), depth + 1);
        lua_pop(c->L, 1);
        if (!item) {
            cJSON_Delete(arr);
            return NULL;
        }
        path_pop(c, old);
        cJSON_AddItemToArray(arr, item);
    }
    return arr;
}

static cJSON *convert_object(struct conv *c, int idx, int depth)
{
    lua_State *L = c->L;
    cJSON *obj = cJSON_CreateObject();
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        size_t old = path_push_key(c, lua_tostring(L, -2));
        cJSON *item = convert(c, lua_gettop(L), depth + 1);
        if (!item) {
            lua_pop(L, 2);
            cJSON_Delete(obj);
            return NULL;
        }
        path_pop(c, old);
        cJSON_AddItemToObject(obj, lua_tostring(L, -2), item);
        lua_pop(L, 1);
    }
    return obj;
}

static cJSON *convert(struct conv *c, int idx, int depth)
{
    lua_State *L = c->L;
    switch (lua_type(L, idx)) {
    case LUA_TSTRING:
        return cJSON_CreateString(lua_tostring(L, idx));
    case LUA_TBOOLEAN:
        return cJSON_CreateBool(lua_toboolean(L, idx));
    case LUA_TNUMBER: {
        double v = lua_tonumber(L, idx);
        if (!isfinite(v)) {
            fail(c, "is not a finite number (nan or inf)");
            return NULL;
        }
        return cJSON_CreateNumber(v);
    }
    case LUA_TTABLE: {
        if (depth > MAX_DEPTH) {
            fail(c, "is nested too deeply (does a table contain itself?)");
            return NULL;
        }
        bool is_list;
        lua_Integer n;
        if (table_shape(c, idx, &is_list, &n) != 0)
            return NULL;
        return is_list ? convert_list(c, idx, n, depth) : convert_object(c, idx, depth);
    }
    default: {
        char what[96];
        snprintf(what, sizeof what,
                 "is a %s; documents hold only strings, numbers, booleans and tables",
                 luaL_typename(L, idx));
        fail(c, what);
        return NULL;
    }
    }
}

cJSON *lua_to_json(lua_State *L, int idx, char *err, size_t errlen)
{
    struct conv c = {.L = L, .len = 0, .err = err, .errlen = errlen};
    c.path[0] = 0;
    if (!lua_checkstack(L, MAX_DEPTH * 3 + 8)) {
        snprintf(err, errlen, "not enough Lua stack to convert the document");
        return NULL;
    }
    return convert(&c, lua_absindex(L, idx), 0);
}
