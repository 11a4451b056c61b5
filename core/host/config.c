/* Site configuration. config/defaults.lua declares every known key with its default; the site's
 * sixbb.lua returns a table that may only use those keys (an empty table in the defaults marks a
 * free-form map, e.g. per-check overrides). The merged result is what the host reads. */
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "util.h"

static int eval_file(struct host *h, const char *path, const char *label)
{
    lua_State *L = h->L;
    host_push_env(h, label, NULL, false);
    int rc = host_load_file(h, path, -1);
    lua_remove(L, -2 + (rc != 0)); /* drop the env, keep the chunk if any */
    if (rc != 0)
        return -1;
    if (host_pcall(h, label, "config", 0, 1, h->limits.load_seconds) != 0)
        return -1;
    if (!lua_istable(L, -1)) {
        host_set_error(h, "%s: the file must return a table of settings (return { ... }), got %s",
                       path, luaL_typename(L, -1));
        lua_pop(L, 1);
        return -1;
    }
    return 0;
}

static const char *nearest_key(lua_State *L, int defaults, const char *key)
{
    struct nearest n = nearest_start(key, 3);
    lua_pushnil(L);
    while (lua_next(L, defaults)) {
        lua_pop(L, 1);
        /* The string stays alive after the pop: the key is in the defaults table. */
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

/* Checks site[key] against defaults[key] recursively and writes the merged value into defaults.
 * Errors name the full dotted path and the nearest valid key. */
static int merge(struct host *h, int defaults, int site, const char *path, const char *file)
{
    lua_State *L = h->L;
    defaults = lua_absindex(L, defaults);
    site = lua_absindex(L, site);
    lua_pushnil(L);
    while (lua_next(L, site)) {
        int val = lua_gettop(L), key = val - 1;
        if (lua_type(L, key) != LUA_TSTRING) {
            host_set_error(h, "%s: setting %s has a %s key; settings are named", file,
                           *path ? path : "(top level)", luaL_typename(L, key));
            lua_settop(L, site);
            return -1;
        }
        const char *k = lua_tostring(L, key);
        char *full = *path ? xasprintf("%s.%s", path, k) : xstrdup(k);
        lua_pushvalue(L, key);
        int dt = lua_rawget(L, defaults);
        int dv = lua_gettop(L);
        if (dt == LUA_TNIL) {
            const char *near = nearest_key(L, defaults, k);
            if (near)
                host_set_error(h, "%s: unknown setting '%s' (did you mean '%s%s%s'?)", file, full,
                               path, *path ? "." : "", near);
            else
                host_set_error(h, "%s: unknown setting '%s'", file, full);
            free(full);
            lua_settop(L, site);
            return -1;
        }
        /* A list in the defaults (label codes, say) is replaced whole, not merged by index. */
        if (dt == LUA_TTABLE && !is_empty_table(L, dv) && lua_rawlen(L, dv) == 0) {
            if (!lua_istable(L, val)) {
                host_set_error(h, "%s: setting '%s' must be a table, got %s", file, full,
                               luaL_typename(L, val));
                free(full);
                lua_settop(L, site);
                return -1;
            }
            int rc = merge(h, dv, val, full, file);
            free(full);
            if (rc != 0)
                return -1;
        } else {
            if (dt != LUA_TTABLE && lua_type(L, val) != dt) {
                host_set_error(h, "%s: setting '%s' must be a %s, got %s", file, full,
                               lua_typename(L, dt), luaL_typename(L, val));
                free(full);
                lua_settop(L, site);
                return -1;
            }
            if (dt == LUA_TTABLE && !lua_istable(L, val)) {
                host_set_error(h, "%s: setting '%s' must be a table, got %s", file, full,
                               luaL_typename(L, val));
                free(full);
                lua_settop(L, site);
                return -1;
            }
            free(full);
            lua_pushvalue(L, key);
            lua_pushvalue(L, val);
            lua_rawset(L, defaults);
        }
        lua_settop(L, key);
    }
    return 0;
}

static void apply_limits(struct host *h)
{
    h->limits.instructions = (long long)host_config_number(h, "limits.instructions",
                                                           (double)h->limits.instructions);
    h->limits.load_seconds = host_config_number(h, "limits.load_seconds", h->limits.load_seconds);
    h->limits.check_seconds =
        host_config_number(h, "limits.check_seconds", h->limits.check_seconds);
    h->limits.call_seconds = host_config_number(h, "limits.call_seconds", h->limits.call_seconds);
    double mb = host_config_number(h, "limits.memory_mb", 0);
    if (mb > 0)
        h->limits.memory_bytes = (size_t)(mb * 1024 * 1024);
}

int host_load_config(struct host *h, const char *defaults_path, const char *site_path)
{
    lua_State *L = h->L;
    int top = lua_gettop(L);
    if (eval_file(h, defaults_path, "defaults") != 0)
        return -1;
    if (site_path && path_exists(site_path)) {
        if (eval_file(h, site_path, "sixbb.lua") != 0) {
            lua_settop(L, top);
            return -1;
        }
        if (merge(h, top + 1, top + 2, "", site_path) != 0) {
            lua_settop(L, top);
            return -1;
        }
        lua_pop(L, 1);
    }
    if (h->config_ref != LUA_NOREF)
        luaL_unref(L, LUA_REGISTRYINDEX, h->config_ref);
    h->config_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_settop(L, top);
    apply_limits(h);
    return 0;
}

void host_push_config(struct host *h)
{
    lua_State *L = h->L;
    if (h->config_ref == LUA_NOREF)
        lua_newtable(L);
    else
        lua_rawgeti(L, LUA_REGISTRYINDEX, h->config_ref);
}

void host_push_config_path(struct host *h, const char *path)
{
    lua_State *L = h->L;
    host_push_config(h);
    const char *p = path;
    while (*p) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        if (!lua_istable(L, -1)) {
            lua_pop(L, 1);
            lua_pushnil(L);
            return;
        }
        lua_pushlstring(L, p, n);
        lua_rawget(L, -2);
        lua_remove(L, -2);
        p += n + (dot ? 1 : 0);
        if (!dot)
            break;
    }
}

double host_config_number(struct host *h, const char *path, double fallback)
{
    host_push_config_path(h, path);
    double v = lua_type(h->L, -1) == LUA_TNUMBER ? lua_tonumber(h->L, -1) : fallback;
    lua_pop(h->L, 1);
    return v;
}

const char *host_config_string(struct host *h, const char *path)
{
    host_push_config_path(h, path);
    /* The string is anchored in the config table, which the registry keeps alive. */
    const char *s = lua_type(h->L, -1) == LUA_TSTRING ? lua_tostring(h->L, -1) : NULL;
    lua_pop(h->L, 1);
    return s;
}
