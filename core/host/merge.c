/* One merge of settings over their defaults, for the site configuration and the check
 * parameters; see merge.h. */
#include "merge.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "util.h"

void host_push_copy(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    lua_newtable(L);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pushvalue(L, -2);
        if (lua_istable(L, -2))
            host_push_copy(L, -2);
        else
            lua_pushvalue(L, -2);
        lua_rawset(L, -5);
        lua_pop(L, 1);
    }
}

static const char *nearest_key(lua_State *L, int t, const char *key, const char *extra)
{
    struct nearest n = nearest_start(key, 3);
    nearest_offer(&n, extra); /* first, so it wins a tie with a key of the table */
    lua_pushnil(L);
    while (lua_next(L, t)) {
        lua_pop(L, 1);
        /* The string stays alive after the pop: the key is in the table. */
        if (lua_type(L, -1) == LUA_TSTRING)
            nearest_offer(&n, lua_tostring(L, -1));
    }
    return n.best;
}

static bool is_empty_table(lua_State *L, int idx)
{
    lua_pushnil(L);
    if (lua_next(L, idx)) {
        lua_pop(L, 2);
        return false;
    }
    return true;
}

/* The error text: the file prefix, then the message. */
static void merge_error(struct host *h, const struct host_merge *how, const char *msg)
{
    host_set_error(h, "%s%s%s", how->file ? how->file : "", how->file ? ": " : "", msg);
}

static int refuse_key_type(struct host *h, const struct host_merge *how, const char *path, int key)
{
    char *shown = !*path            ? xstrdup("(top level)")
                  : how->quote_path ? xasprintf("'%s'", path)
                                    : xstrdup(path);
    char *msg = xasprintf("setting %s has a %s key; %s are named", shown, luaL_typename(h->L, key),
                          how->noun);
    merge_error(h, how, msg);
    free(msg);
    free(shown);
    return -1;
}

static int refuse_unknown(struct host *h, const struct host_merge *how, int dst, const char *path,
                          const char *key, const char *full, bool top)
{
    const char *near = nearest_key(h->L, dst, key, top ? how->flag : NULL);
    char *msg = near ? xasprintf("unknown setting '%s' (did you mean '%s%s%s'?)", full, path,
                                 *path ? "." : "", near)
                     : xasprintf("unknown setting '%s'", full);
    merge_error(h, how, msg);
    free(msg);
    return -1;
}

static int refuse_type(struct host *h, const struct host_merge *how, const char *full,
                       const char *want, int val)
{
    char *msg =
        xasprintf("setting '%s' must be a %s, got %s", full, want, luaL_typename(h->L, val));
    merge_error(h, how, msg);
    free(msg);
    return -1;
}

static int merge_table(struct host *h, const struct host_merge *how, int dst, int src,
                       const char *path, bool top);

/* Merges one key (at key, its value just above it) into dst. */
static int merge_key(struct host *h, const struct host_merge *how, int dst, const char *path,
                     bool top)
{
    lua_State *L = h->L;
    int val = lua_gettop(L), key = val - 1;
    if (lua_type(L, key) != LUA_TSTRING)
        return refuse_key_type(h, how, path, key);
    const char *k = lua_tostring(L, key);
    char *full = *path ? xasprintf("%s.%s", path, k) : xstrdup(k);
    int rc = 0;
    if (top && how->flag && strcmp(k, how->flag) == 0) {
        if (!lua_isboolean(L, val)) {
            char *msg = xasprintf("setting '%s' must be a boolean", full);
            merge_error(h, how, msg);
            free(msg);
            rc = -1;
        }
        free(full);
        return rc;
    }
    lua_pushvalue(L, key);
    int dt = lua_rawget(L, dst), dv = lua_gettop(L);
    if (dt == LUA_TNIL)
        rc = refuse_unknown(h, how, dst, path, k, full, top);
    else if (lua_type(L, val) != dt)
        rc = refuse_type(h, how, full, lua_typename(L, dt), val);
    else if (dt == LUA_TTABLE && lua_rawlen(L, dv) == 0 &&
             !(how->empty_is_map && is_empty_table(L, dv)))
        rc = merge_table(h, how, dv, val, full, false);
    else {
        /* A list in the defaults (label codes, say) is replaced whole, not merged by index. */
        lua_pushvalue(L, key);
        lua_pushvalue(L, val);
        lua_rawset(L, dst);
    }
    free(full);
    return rc;
}

static int merge_table(struct host *h, const struct host_merge *how, int dst, int src,
                       const char *path, bool top)
{
    lua_State *L = h->L;
    dst = lua_absindex(L, dst);
    src = lua_absindex(L, src);
    lua_pushnil(L);
    while (lua_next(L, src)) {
        int key = lua_gettop(L) - 1;
        if (merge_key(h, how, dst, path, top) != 0) {
            lua_settop(L, src);
            return -1;
        }
        lua_settop(L, key);
    }
    return 0;
}

int host_merge(struct host *h, const struct host_merge *how, int dst, int src, const char *path)
{
    return merge_table(h, how, dst, src, path, true);
}
