#include "site_config.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "util.h"

static char *config_dup(struct host *h, const char *path)
{
    const char *s = host_config_string(h, path);
    return s ? xstrdup(s) : NULL;
}

/* The first problem with one entry (value at v), as the message the site sees, or NULL. The
 * keys and types are those apply_setting in core/sched/jobs.c honours. */
static char *entry_error(lua_State *L, int v, const char *id)
{
    if (!lua_istable(L, v))
        return xasprintf("sixbb.lua: setting 'jobs.%s' must be a table such as { enabled = "
                         "false }, got %s",
                         id, luaL_typename(L, v));
    static const char *const keys[] = {"schedule", "enabled", "params"};
    static const int types[] = {LUA_TSTRING, LUA_TBOOLEAN, LUA_TTABLE};
    char *err = NULL;
    lua_pushnil(L);
    while (!err && lua_next(L, v)) {
        size_t k = 0;
        const char *key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
        while (k < ARRAY_LEN(keys) && strcmp(keys[k], key) != 0)
            k++;
        if (k == ARRAY_LEN(keys))
            err = xasprintf("sixbb.lua: unknown setting 'jobs.%s.%s' (a job takes schedule, "
                            "enabled and params)",
                            id, key);
        else if (lua_type(L, -1) != types[k])
            err = xasprintf("sixbb.lua: setting 'jobs.%s.%s' must be a %s, got %s", id, key,
                            lua_typename(L, types[k]), luaL_typename(L, -1));
        lua_pop(L, 1);
    }
    lua_settop(L, v);
    return err;
}

static void read_entry(lua_State *L, int v, struct job_setting *j)
{
    j->id = xstrdup(lua_type(L, v - 1) == LUA_TSTRING ? lua_tostring(L, v - 1) : "?");
    j->enabled = -1;
    if ((j->error = entry_error(L, v, j->id)))
        return;
    if (lua_getfield(L, v, "schedule") == LUA_TSTRING)
        j->schedule = xstrdup(lua_tostring(L, -1));
    if (lua_getfield(L, v, "enabled") == LUA_TBOOLEAN)
        j->enabled = lua_toboolean(L, -1);
    lua_settop(L, v);
}

static void read_jobs(struct host *h, struct sched_config *out)
{
    lua_State *L = h->L;
    int top = lua_gettop(L);
    host_push_config(h);
    if (lua_getfield(L, -1, "jobs") == LUA_TTABLE) {
        int map = lua_gettop(L);
        lua_pushnil(L);
        while (lua_next(L, map)) {
            out->jobs = xrealloc(out->jobs, (out->njobs + 1) * sizeof *out->jobs);
            struct job_setting *j = &out->jobs[out->njobs++];
            memset(j, 0, sizeof *j);
            read_entry(L, lua_gettop(L), j);
            lua_pop(L, 1);
        }
    }
    lua_settop(L, top);
}

void site_sched_config(struct host *h, struct sched_config *out)
{
    memset(out, 0, sizeof *out);
    out->timezone = config_dup(h, "timezone");
    out->catch_up_hours = host_config_number(h, "scheduler.catch_up_hours", 24);
    out->poll_seconds = host_config_number(h, "scheduler.poll_seconds", 30);
    struct delivery_config *d = &out->delivery;
    d->channel = config_dup(h, "delivery.channel");
    d->from = config_dup(h, "delivery.from");
    d->command = config_dup(h, "delivery.command");
    d->command_timeout_seconds = host_config_number(h, "delivery.command_timeout_seconds", 60);
    d->max_attempts = host_config_number(h, "delivery.retry.max_attempts", 8);
    d->base_seconds = host_config_number(h, "delivery.retry.base_seconds", 60);
    d->max_seconds = host_config_number(h, "delivery.retry.max_seconds", 21600);
    read_jobs(h, out);
}

void sched_config_free(struct sched_config *c)
{
    free(c->timezone);
    free(c->delivery.channel);
    free(c->delivery.from);
    free(c->delivery.command);
    for (size_t i = 0; i < c->njobs; i++) {
        free(c->jobs[i].id);
        free(c->jobs[i].error);
        free(c->jobs[i].schedule);
    }
    free(c->jobs);
    memset(c, 0, sizeof *c);
}
