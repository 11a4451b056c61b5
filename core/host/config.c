/* Site configuration. config/defaults.lua declares every known key with its default; the site's
 * sixbb.lua returns a table that may only use those keys (an empty table in the defaults marks a
 * free-form map, e.g. per-check overrides). The merged result is what the host reads. */
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "merge.h"
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

static void apply_limits(struct host *h)
{
    h->limits.instructions =
        (long long)host_config_number(h, "limits.instructions", (double)h->limits.instructions);
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
        /* An empty table in the defaults is a free-form map (per-check overrides, say). */
        struct host_merge how = {.file = site_path, .noun = "settings", .empty_is_map = true};
        if (host_merge(h, &how, top + 1, top + 2, "") != 0) {
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
