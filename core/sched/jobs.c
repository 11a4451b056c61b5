#include "jobs.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "host.h"
#include "outbox.h"
#include "scheduler.h"
#include "store.h"
#include "tz.h"
#include "util.h"

/* ---- the job list ---- */

void jobs_free(struct job_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        struct job *j = &l->v[i];
        free(j->id);
        free(j->plugin);
        free(j->title);
        free(j->schedule);
        free(j->error);
    }
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

struct job *jobs_find(const struct job_list *l, const char *id)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].id, id) == 0)
            return &l->v[i];
    return NULL;
}

const char *jobs_nearest(const struct job_list *l, const char *id)
{
    struct nearest n = nearest_start(id, NEAREST_ANY);
    for (size_t i = 0; i < l->n; i++)
        nearest_offer(&n, l->v[i].id);
    return n.best;
}

static char *field_dup(lua_State *L, int idx, const char *name)
{
    lua_getfield(L, idx, name);
    char *s = lua_type(L, -1) == LUA_TSTRING ? xstrdup(lua_tostring(L, -1)) : NULL;
    lua_pop(L, 1);
    return s;
}

/* Reads the registry into out (no overrides yet). */
static void read_registry(struct host *h, struct job_list *out)
{
    lua_State *L = h->L;
    host_push_registry(h, REG_JOBS);
    size_t n = lua_rawlen(L, -1);
    out->v = xcalloc(n ? n : 1, sizeof *out->v);
    out->n = n;
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, -1, (lua_Integer)i + 1);
        struct job *j = &out->v[i];
        j->id = field_dup(L, -1, "id");
        j->plugin = field_dup(L, -1, "plugin");
        j->title = field_dup(L, -1, "title");
        j->schedule = field_dup(L, -1, "schedule");
        lua_getfield(L, -1, "enabled");
        j->enabled = lua_isnil(L, -1) || lua_toboolean(L, -1);
        lua_pop(L, 2);
    }
    lua_pop(L, 1);
}

/* Applies one `jobs.<id> = {...}` entry of the site config. */
static int apply_setting(struct host *h, struct job *j, const struct job_setting *set)
{
    if (set->error) {
        host_set_error(h, "%s", set->error);
        return -1;
    }
    if (set->schedule) {
        free(j->schedule);
        j->schedule = xstrdup(set->schedule);
        free(j->error);
        j->error = NULL;
        char err[512];
        if (cron_parse(j->schedule, &j->cron, err, sizeof err) < 0) {
            host_set_error(h, "sixbb.lua: setting 'jobs.%s.schedule': %s", set->id, err);
            return -1;
        }
    }
    if (set->enabled >= 0)
        j->enabled = set->enabled;
    return 0;
}

static int apply_config(struct host *h, const struct sched_config *cfg, struct job_list *l)
{
    for (size_t i = 0; i < cfg->njobs; i++) {
        const char *id = cfg->jobs[i].id;
        struct job *j = jobs_find(l, id);
        if (!j) {
            const char *near = jobs_nearest(l, id);
            if (near)
                host_set_error(h, "sixbb.lua: unknown job '%s' in 'jobs' (did you mean '%s'?)", id,
                               near);
            else
                host_set_error(h,
                               "sixbb.lua: unknown job '%s' in 'jobs' (no plugin registers "
                               "any job)",
                               id);
            return -1;
        }
        if (apply_setting(h, j, &cfg->jobs[i]) < 0)
            return -1;
    }
    return 0;
}

int jobs_load(struct host *h, const struct sched_config *cfg, struct job_list *out)
{
    memset(out, 0, sizeof *out);
    read_registry(h, out);
    for (size_t i = 0; i < out->n; i++) {
        struct job *j = &out->v[i];
        char err[512];
        if (cron_parse(j->schedule, &j->cron, err, sizeof err) < 0)
            j->error = xasprintf("plugin '%s', job '%s': %s", j->plugin, j->id, err);
    }
    if (apply_config(h, cfg, out) < 0) {
        jobs_free(out);
        return -1;
    }
    return 0;
}

struct tz *jobs_zone(const struct sched_config *cfg, char *err, size_t errlen)
{
    const char *name = cfg->timezone;
    char inner[400];
    struct tz *z = tz_load(name ? name : "UTC", inner, sizeof inner);
    if (!z)
        snprintf(err, errlen, "setting 'timezone': %s", inner);
    return z;
}

/* ---- ctx.send ---- */

#define SENDER_META "sixbb.sender"

/* What ctx.send appends to; the Lua side holds a pointer that is cleared when the run ends, so
 * a send kept for later (in a timer, say) fails cleanly instead of touching freed memory. */
struct sender {
    const char *job;
    char scheduled_iso[TZ_ISO_LEN];
    struct outbox_msg *msgs;
    size_t n;
};

static const char *const send_fields[] = {"to", "subject", "body", "attachments", "key", NULL};

/* Type checks first, so that nothing raised later can leak what is built from the table. */
static void check_send_table(lua_State *L, int t)
{
    lua_pushnil(L);
    while (lua_next(L, t)) {
        const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
        int i = 0;
        while (k && send_fields[i] && strcmp(send_fields[i], k) != 0)
            i++;
        if (!k || !send_fields[i])
            luaL_error(L, "ctx.send: unknown field '%s' (to, subject, body, attachments, key)",
                       k ? k : luaL_typename(L, -2));
        bool ok = i == 3 ? lua_istable(L, -1) : lua_type(L, -1) == LUA_TSTRING;
        if (!ok)
            luaL_error(L, "ctx.send: field '%s' must be %s, got %s", k,
                       i == 3 ? "a list of file paths" : "a string", luaL_typename(L, -1));
        lua_pop(L, 1);
    }
    if (lua_getfield(L, t, "attachments") == LUA_TTABLE) {
        lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
        for (lua_Integer i = 1; i <= n; i++) {
            if (lua_rawgeti(L, -1, i) != LUA_TSTRING)
                luaL_error(L, "ctx.send: attachments[%d] must be a path string", (int)i);
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);
}

static void build_msg(lua_State *L, int t, const struct sender *s, struct outbox_msg *m)
{
    m->job = xstrdup(s->job);
    m->to = field_dup(L, t, "to");
    m->subject = field_dup(L, t, "subject");
    m->body = field_dup(L, t, "body");
    m->key = field_dup(L, t, "key");
    if (!m->key && m->to && m->subject)
        m->key = outbox_default_key(s->job, s->scheduled_iso, m->to, m->subject);
    if (lua_getfield(L, t, "attachments") == LUA_TTABLE) {
        size_t n = lua_rawlen(L, -1);
        m->attachments = xcalloc(n ? n : 1, sizeof *m->attachments);
        for (size_t i = 0; i < n; i++) {
            lua_rawgeti(L, -1, (lua_Integer)i + 1);
            m->attachments[m->nattachments++] = xstrdup(lua_tostring(L, -1));
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);
}

static int ctx_send(lua_State *L)
{
    struct sender **box = luaL_checkudata(L, lua_upvalueindex(1), SENDER_META);
    if (!*box)
        return luaL_error(L, "ctx.send: the job run this ctx belongs to has ended");
    luaL_checktype(L, 1, LUA_TTABLE);
    check_send_table(L, 1);
    struct sender *s = *box;
    struct outbox_msg m = {0};
    build_msg(L, 1, s, &m);
    char err[512];
    if (outbox_msg_check(&m, err, sizeof err) < 0) {
        outbox_msg_free(&m);
        return luaL_error(L, "ctx.send: %s", err);
    }
    s->msgs = xrealloc(s->msgs, (s->n + 1) * sizeof *s->msgs);
    s->msgs[s->n++] = m;
    lua_pushstring(L, m.key);
    return 1;
}

static void sender_free(struct sender *s)
{
    for (size_t i = 0; i < s->n; i++)
        outbox_msg_free(&s->msgs[i]);
    free(s->msgs);
}

/* ---- running ---- */

/* Pushes plugin params overlaid with jobs.<id>.params from the config (one level deep). */
static void push_params(struct host *h, int entry, const char *id)
{
    lua_State *L = h->L;
    lua_newtable(L);
    int out = lua_gettop(L);
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 0) {
            lua_getfield(L, entry, "params");
        } else {
            host_push_config(h);
            lua_getfield(L, -1, "jobs");
            lua_remove(L, -2);
            if (lua_istable(L, -1)) {
                lua_getfield(L, -1, id);
                lua_remove(L, -2);
            }
            if (lua_istable(L, -1)) {
                lua_getfield(L, -1, "params");
                lua_remove(L, -2);
            }
        }
        if (lua_istable(L, -1)) {
            lua_pushnil(L);
            while (lua_next(L, -2)) {
                lua_pushvalue(L, -2);
                lua_insert(L, -2);
                lua_rawset(L, out);
            }
        }
        lua_pop(L, 1);
    }
    /* Nested tables are the plugin's and the config's own: a job reads them, never changes them. */
    host_make_readonly_deep(L, out);
}

static void push_recipients(struct host *h)
{
    lua_State *L = h->L;
    host_push_config(h);
    lua_getfield(L, -1, "delivery");
    lua_remove(L, -2);
    if (lua_istable(L, -1))
        lua_getfield(L, -1, "recipients");
    else
        lua_pushnil(L);
    lua_remove(L, -2);
    if (!lua_istable(L, -1)) {
        lua_pop(L, 1);
        lua_newtable(L);
    }
    host_make_readonly_deep(L, -1);
}

/* Pushes the ctx table; returns the Lua-side pointer to the sender, for the caller to clear
 * when the run ends. */
static struct sender **push_ctx(struct host *h, int entry, const struct job *j,
                                const struct job_ctx *ctx, struct sender *s)
{
    lua_State *L = h->L;
    lua_createtable(L, 0, 8);
    int t = lua_gettop(L);
    char date[16];
    day_t as_of = ctx->as_of;
    if (as_of == DATE_NONE) {
        struct tz_time tm;
        tz_utc_to_local(ctx->zone, ctx->scheduled, &tm, NULL);
        as_of = date_from_ymd(tm.year, tm.month, tm.day);
    }
    lua_pushstring(L, date_format(as_of, date));
    lua_setfield(L, t, "as_of");
    lua_pushstring(L, s->scheduled_iso);
    lua_setfield(L, t, "scheduled");
    lua_pushstring(L, j->id);
    lua_setfield(L, t, "job");
    lua_pushboolean(L, ctx->manual);
    lua_setfield(L, t, "manual");
    lua_pushstring(L, tz_name(ctx->zone));
    lua_setfield(L, t, "timezone");
    push_params(h, entry, j->id);
    lua_setfield(L, t, "params");
    push_recipients(h);
    lua_setfield(L, t, "recipients");
    struct sender **ud = lua_newuserdatauv(L, sizeof *ud, 0);
    *ud = s;
    luaL_setmetatable(L, SENDER_META);
    lua_pushcclosure(L, ctx_send, 1);
    lua_setfield(L, t, "send");
    return ud;
}

/* Calls the job's run(ctx). 0 ok, -1 with h->last_error. */
static int call_job(struct host *h, const struct job *j, const struct job_ctx *ctx,
                    struct sender *s)
{
    lua_State *L = h->L;
    int top = lua_gettop(L);
    if (luaL_newmetatable(L, SENDER_META)) {
        lua_pushliteral(L, "locked");
        lua_setfield(L, -2, "__metatable");
    }
    lua_pop(L, 1);
    host_push_entry(h, REG_JOBS, j->id);
    if (!lua_istable(L, -1)) {
        host_set_error(h, "job '%s' is no longer registered", j->id);
        lua_settop(L, top);
        return -1;
    }
    int entry = lua_gettop(L);
    lua_getfield(L, entry, "run");
    struct sender **ud = push_ctx(h, entry, j, ctx, s);
    /* Keep the sender's userdata on the stack below the call: a failed call collects garbage,
     * and the pointer must still exist when it is cleared below. */
    lua_getfield(L, -1, "send");
    lua_getupvalue(L, -1, 1);
    lua_remove(L, -2);
    lua_insert(L, -3);
    char hook[160];
    snprintf(hook, sizeof hook, "job '%s'", j->id);
    int rc = host_pcall(h, j->plugin, hook, 1, 0, h->limits.call_seconds);
    *ud = NULL;
    lua_settop(L, top);
    return rc == 0 ? 0 : -1;
}

void job_outcome_free(struct job_outcome *o)
{
    free(o->error);
    memset(o, 0, sizeof *o);
}

static int record(struct store *st, int64_t run_id, const struct sender *s,
                  const struct job_ctx *ctx, const struct clock *c, struct job_outcome *out)
{
    int64_t now = clock_now(c);
    if (store_begin(st) != 0)
        return -1;
    for (size_t i = 0; out->ok && i < s->n; i++) {
        int rc = outbox_enqueue(st, &s->msgs[i], ctx->channel, now, NULL);
        if (rc < 0)
            goto fail;
        if (rc == 1)
            out->queued++;
        else
            out->duplicates++;
    }
    if (sched_finish(st, run_id, now, out->ok ? "ok" : "error", out->error) != 0)
        goto fail;
    return store_commit(st);
fail:
    store_rollback(st);
    return -1;
}

int jobs_execute(struct host *h, struct store *st, const struct job *j, int64_t run_id,
                 const struct job_ctx *ctx, const struct clock *c, struct job_outcome *out)
{
    memset(out, 0, sizeof *out);
    struct sender s = {.job = j->id};
    tz_format_iso(ctx->zone, ctx->scheduled, s.scheduled_iso);
    out->ok = call_job(h, j, ctx, &s) == 0;
    if (!out->ok)
        out->error = xstrdup(h->last_error ? h->last_error : "unknown error");
    int rc = record(st, run_id, &s, ctx, c, out);
    sender_free(&s);
    return rc;
}
