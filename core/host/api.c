/* The `sixbb` table every plugin and script sees: plugin registration, dates, logging. Other
 * modules (med, store queries, reports) are added with host_api_add(). */
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "checks.h"
#include "host.h"
#include "merge.h"
#include "rules_lua.h"

int api_plugin(lua_State *L);
void host_api_init_more(struct host *h, int api);

static day_t check_date(lua_State *L, int idx)
{
    size_t len;
    const char *s = luaL_checklstring(L, idx, &len);
    day_t d;
    if (date_parse(s, len, &d) != 0)
        luaL_error(L, "bad date '%s' (expected YYYY-MM-DD)", s);
    return d;
}

static void push_date(lua_State *L, day_t d)
{
    char buf[16];
    lua_pushstring(L, date_format(d, buf));
}

/* date.add(d, days): nil stays nil, so "no event yet" needs no special case in checks. */
static int date_add(lua_State *L)
{
    if (lua_isnoneornil(L, 1)) {
        lua_pushnil(L);
        return 1;
    }
    day_t d = check_date(L, 1);
    lua_Integer n = luaL_checkinteger(L, 2);
    push_date(L, d + (day_t)n);
    return 1;
}

static int date_add_months_l(lua_State *L)
{
    if (lua_isnoneornil(L, 1)) {
        lua_pushnil(L);
        return 1;
    }
    day_t d = check_date(L, 1);
    push_date(L, date_add_months(d, (int)luaL_checkinteger(L, 2)));
    return 1;
}

static int date_diff(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)check_date(L, 1) - (lua_Integer)check_date(L, 2));
    return 1;
}

static int date_valid(lua_State *L)
{
    size_t len;
    const char *s = lua_tolstring(L, 1, &len);
    day_t d;
    lua_pushboolean(L, s && date_parse(s, len, &d) == 0);
    return 1;
}

static int date_today_l(lua_State *L)
{
    push_date(L, date_today(luaL_optstring(L, 1, NULL)));
    return 1;
}

static int date_parts(lua_State *L)
{
    int y, m, d;
    date_to_ymd(check_date(L, 1), &y, &m, &d);
    lua_pushinteger(L, y);
    lua_pushinteger(L, m);
    lua_pushinteger(L, d);
    return 3;
}

static int date_weekday_l(lua_State *L)
{
    lua_pushinteger(L, date_weekday(check_date(L, 1)));
    return 1;
}

static int date_month_end(lua_State *L)
{
    int y, m, d;
    date_to_ymd(check_date(L, 1), &y, &m, &d);
    push_date(L, date_from_ymd(y, m, date_days_in_month(y, m)));
    return 1;
}

static int open_date(lua_State *L)
{
    static const luaL_Reg fns[] = {{"add", date_add},         {"add_months", date_add_months_l},
                                   {"diff", date_diff},       {"valid", date_valid},
                                   {"today", date_today_l},   {"parts", date_parts},
                                   {"weekday", date_weekday_l}, {"month_end", date_month_end},
                                   {NULL, NULL}};
    luaL_newlib(L, fns);
    return 1;
}

static int log_at(lua_State *L, const char *level)
{
    struct host *h = host_from_lua(L);
    const char *msg = luaL_checkstring(L, 1);
    host_log(level, "[%s] %s", h->cur_plugin ? h->cur_plugin : "lua", msg);
    return 0;
}

static int log_info(lua_State *L)
{
    return log_at(L, "info");
}

static int log_warn(lua_State *L)
{
    return log_at(L, "warn");
}

static int log_error(lua_State *L)
{
    return log_at(L, "error");
}

static int open_log(lua_State *L)
{
    static const luaL_Reg fns[] = {
        {"info", log_info}, {"warn", log_warn}, {"error", log_error}, {NULL, NULL}};
    luaL_newlib(L, fns);
    return 1;
}

void host_api_init(struct host *h, int api)
{
    lua_State *L = h->L;
    lua_pushcfunction(L, api_plugin);
    lua_setfield(L, api, "plugin");
    lua_pushstring(L, SIXBB_VERSION);
    lua_setfield(L, api, "version");
    open_date(L);
    host_make_readonly(L, -1);
    lua_setfield(L, api, "date");
    open_log(L);
    host_make_readonly(L, -1);
    lua_setfield(L, api, "log");
    host_api_init_more(h, api);
}

/* sixbb.plugins(): one table per plugin file, as `sixbb plugins` shows them. */
static int api_plugins(lua_State *L)
{
    struct host *h = host_from_lua(L);
    lua_createtable(L, (int)h->nplugins, 0);
    for (size_t i = 0; i < h->nplugins; i++) {
        const struct plugin *p = &h->plugins[i];
        lua_createtable(L, 0, 8);
        lua_pushstring(L, p->id);
        lua_setfield(L, -2, "id");
        lua_pushstring(L, p->block);
        lua_setfield(L, -2, "block");
        lua_pushstring(L, p->file);
        lua_setfield(L, -2, "file");
        lua_pushboolean(L, p->builtin);
        lua_setfield(L, -2, "builtin");
        lua_pushstring(L, p->error        ? "failed"
                          : p->overridden ? "overridden"
                          : p->disabled   ? "disabled"
                                          : "loaded");
        lua_setfield(L, -2, "status");
        lua_pushstring(L, p->error);
        lua_setfield(L, -2, "error");
        lua_pushstring(L, p->extends);
        lua_setfield(L, -2, "extends");
        lua_createtable(L, 0, REG_NKINDS);
        for (int k = 0; k < REG_NKINDS; k++) {
            lua_pushinteger(L, p->counts[k]);
            lua_setfield(L, -2, reg_kind_names[k]);
        }
        lua_setfield(L, -2, "registered");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static enum reg_kind check_kind(lua_State *L, int idx)
{
    const char *name = luaL_checkstring(L, idx);
    for (int k = 0; k < REG_NKINDS; k++)
        if (strcmp(reg_kind_names[k], name) == 0)
            return (enum reg_kind)k;
    luaL_error(L, "unknown registry kind '%s' (milestones, assessment, checks, measures, "
                  "reports, jobs, instruments)", name);
    return REG_CHECKS;
}

/* sixbb.registry(kind): the merged entries of one kind from every loaded plugin. */
static int api_registry(lua_State *L)
{
    struct host *h = host_from_lua(L);
    host_push_registry(h, check_kind(L, 1));
    /* Entries share their tables (params, items) with the registry the evaluation uses. */
    host_make_readonly_deep(L, -1);
    return 1;
}

/* Finds registry entry `id` of a kind; pushes it or nil. */
void host_push_entry(struct host *h, enum reg_kind kind, const char *id)
{
    lua_State *L = h->L;
    host_push_registry(h, kind);
    lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, -1, i);
        lua_getfield(L, -1, "id");
        if (lua_isstring(L, -1) && strcmp(lua_tostring(L, -1), id) == 0) {
            lua_pop(L, 1);
            lua_remove(L, -2);
            return;
        }
        lua_pop(L, 2);
    }
    lua_pop(L, 1);
    lua_pushnil(L);
}

/* sixbb.run_check(id, facts[, params]) -> result | nil, error. Runs one registered check under
 * the check limits, exactly as the evaluation loop does: without params, with its defaults and
 * the site's checks[id] settings merged over them. */
static int api_run_check(lua_State *L)
{
    struct host *h = host_from_lua(L);
    const char *id = luaL_checkstring(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    bool given = !lua_isnoneornil(L, 3);
    lua_settop(L, 3);
    host_push_entry(h, REG_CHECKS, id);
    if (lua_isnil(L, -1))
        return luaL_error(L, "no check '%s' is registered", id);
    int entry = lua_gettop(L);
    lua_getfield(L, entry, "plugin");
    char *owner = strdup(lua_tostring(L, -1));
    lua_pop(L, 1);
    lua_getfield(L, entry, "run");
    lua_pushvalue(L, 2);
    if (given)
        lua_pushvalue(L, 3);
    else if (eval_push_check_params(h, entry, id) != 0) {
        free(owner);
        return luaL_error(L, "%s", h->last_error);
    }
    char hook[200];
    snprintf(hook, sizeof hook, "check '%s'", id);
    int rc = host_pcall(h, owner, hook, 2, 1, h->limits.check_seconds);
    free(owner);
    if (rc != 0) {
        lua_pushnil(L);
        lua_pushstring(L, h->last_error);
        return 2;
    }
    return 1;
}

/* sixbb.setting("rules.risk.high.med"): the site's value of a setting (defaults.lua merged
 * with sixbb.lua), a copy when it is a table. Plugins name a clinical number through it
 * instead of writing it again, so the number has one source. */
static int api_setting(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    struct host *h = host_from_lua(L);
    host_push_config_path(h, path);
    if (lua_isnil(L, -1))
        return luaL_error(L, "sixbb.setting: no setting '%s' (see config/defaults.lua)", path);
    if (lua_istable(L, -1))
        host_push_copy(L, -1);
    return 1;
}

void host_api_init_more(struct host *h, int api)
{
    lua_State *L = h->L;
    lua_pushcfunction(L, api_plugins);
    lua_setfield(L, api, "plugins");
    lua_pushcfunction(L, api_registry);
    lua_setfield(L, api, "registry");
    lua_pushcfunction(L, api_run_check);
    lua_setfield(L, api, "run_check");
    lua_pushcfunction(L, api_setting);
    lua_setfield(L, api, "setting");
    rules_lua_push_api(L);
    host_make_readonly(L, -1);
    lua_setfield(L, api, "rules");
}
