/* The checks as the registry holds them, and the parameters each runs with: its defaults with
 * the site's checks[id] settings merged over them. Unknown keys and values of another type are
 * refused, so a typo in sixbb.lua never silently leaves a default in force. */
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "checks_internal.h"
#include "merge.h"
#include "util.h"

static char *field_str(lua_State *L, int idx, const char *name)
{
    lua_getfield(L, idx, name);
    char *s = lua_isstring(L, -1) ? xstrdup(lua_tostring(L, -1)) : NULL;
    lua_pop(L, 1);
    return s;
}

/* The site's checks[id] over the check's defaults: besides the declared parameters, the top
 * level may hold `enabled`; an empty table declares no keys. Errors do not name the file, the
 * callers add it. */
static int merge_params(struct host *h, int dst, int src, const char *path)
{
    static const struct host_merge how = {
        .noun = "parameters", .quote_path = true, .flag = "enabled"};
    return host_merge(h, &how, dst, src, path);
}

static int find_check(struct eval *e, const char *id)
{
    for (size_t i = 0; i < e->nchecks; i++)
        if (strcmp(e->checks[i].id, id) == 0)
            return (int)i;
    return -1;
}

/* Every key under checks = {...} in the site config must name a registered check. */
int checks_apply_overrides(struct eval *e)
{
    lua_State *L = e->h->L;
    int top = lua_gettop(L);
    host_push_config_path(e->h, "checks");
    int cfg = lua_gettop(L);
    if (!lua_istable(L, cfg)) {
        lua_settop(L, top);
        return 0;
    }
    lua_pushnil(L);
    while (lua_next(L, cfg)) {
        const char *id = lua_tostring(L, -2);
        int i = lua_type(L, -2) == LUA_TSTRING ? find_check(e, id) : -1;
        if (i < 0) {
            const char *best = NULL;
            if (id) {
                struct nearest n = nearest_start(id, 3);
                for (size_t k = 0; k < e->nchecks; k++)
                    nearest_offer(&n, e->checks[k].id);
                best = n.best;
            }
            if (best)
                host_set_error(e->h, "sixbb.lua: unknown check '%s' in checks (did you mean '%s'?)",
                               id ? id : "?", best);
            else
                host_set_error(e->h, "sixbb.lua: unknown check '%s' in checks", id ? id : "?");
            lua_settop(L, top);
            return -1;
        }
        if (!lua_istable(L, -1)) {
            host_set_error(e->h, "sixbb.lua: checks['%s'] must be a table", id);
            lua_settop(L, top);
            return -1;
        }
        struct check_def *c = &e->checks[i];
        lua_getfield(L, -1, "enabled");
        if (lua_isboolean(L, -1) && !lua_toboolean(L, -1))
            c->enabled = false;
        lua_pop(L, 1);
        lua_rawgeti(L, LUA_REGISTRYINDEX, c->params_ref);
        char *path = xasprintf("checks['%s']", id);
        int rc = merge_params(e->h, -1, -2, path);
        free(path);
        if (rc != 0) {
            char *msg = xasprintf("sixbb.lua: %s", e->h->last_error);
            host_set_error(e->h, "%s", msg);
            free(msg);
            lua_settop(L, top);
            return -1;
        }
        lua_pop(L, 2);
    }
    lua_settop(L, top);
    return 0;
}

int eval_push_check_params(struct host *h, int entry, const char *id)
{
    lua_State *L = h->L;
    entry = lua_absindex(L, entry);
    if (lua_getfield(L, entry, "params") == LUA_TTABLE)
        host_push_copy(L, -1);
    else
        lua_newtable(L);
    lua_remove(L, -2);
    int params = lua_gettop(L);
    host_push_config_path(h, "checks");
    int rc = 0;
    if (lua_istable(L, -1) && lua_getfield(L, -1, id) == LUA_TTABLE) {
        char *path = xasprintf("checks['%s']", id);
        rc = merge_params(h, params, -1, path);
        free(path);
    }
    lua_settop(L, params);
    return rc;
}

void checks_load(struct eval *e)
{
    lua_State *L = e->h->L;
    host_push_registry(e->h, REG_CHECKS);
    int list = lua_gettop(L);
    size_t n = lua_rawlen(L, list);
    e->checks = xcalloc(n ? n : 1, sizeof *e->checks);
    for (size_t i = 1; i <= n; i++) {
        lua_rawgeti(L, list, (lua_Integer)i);
        int ent = lua_gettop(L);
        struct check_def *c = &e->checks[e->nchecks++];
        c->id = field_str(L, ent, "id");
        c->plugin = field_str(L, ent, "plugin");
        c->title = field_str(L, ent, "title");
        c->description = field_str(L, ent, "description");
        c->severity = field_str(L, ent, "severity");
        c->hook = xasprintf("check '%s'", c->id);
        char *level = field_str(L, ent, "level");
        c->level = level && strcmp(level, "clinician") == 0 ? LEVEL_CLINICIAN
                   : level && strcmp(level, "site") == 0    ? LEVEL_SITE
                                                            : LEVEL_PATIENT;
        free(level);
        char *applies = field_str(L, ent, "applies");
        c->applies = applies && strcmp(applies, "fill_rule") == 0 ? APPLIES_FILL_RULE
                     : applies && strcmp(applies, "all") == 0     ? APPLIES_ALL
                                                                  : APPLIES_LTOT;
        free(applies);
        lua_getfield(L, ent, "enabled");
        c->enabled = !(lua_isboolean(L, -1) && !lua_toboolean(L, -1));
        lua_pop(L, 1);
        lua_getfield(L, ent, "run");
        c->fn_ref = luaL_ref(L, LUA_REGISTRYINDEX);
        if (lua_getfield(L, ent, "params") == LUA_TTABLE)
            host_push_copy(L, -1);
        else
            lua_newtable(L);
        c->params_ref = luaL_ref(L, LUA_REGISTRYINDEX);
        lua_settop(L, list);
    }
    lua_settop(L, list - 1);
}
