/* Calling a report's run(ctx). The ctx carries the request as ISO strings and the report's
 * params with the caller's overrides; the returned value is converted and checked here, so a
 * renderer never sees a malformed document. */
#include "report.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host.h"
#include "merge.h"
#include "tojson.h"
#include "report_doc.h"
#include "store.h"
#include "store_report.h"
#include "util.h"
#include "lua_fields.h"

/* The registered report id nearest to id, or NULL; pops nothing. */
static char *nearest_report(struct host *h, const char *id)
{
    lua_State *L = h->L;
    host_push_registry(h, REG_REPORTS);
    struct nearest near = nearest_start(id, 3);
    lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, -1, i);
        lua_getfield(L, -1, "id");
        /* The string outlives the pop: the registry's entry holds it. */
        nearest_offer(&near, lua_tostring(L, -1));
        lua_pop(L, 2);
    }
    char *best = near.best ? xstrdup(near.best) : NULL;
    lua_pop(L, 1);
    return best;
}

/* Applies "key=value" overrides to the params table on top of the stack. A value replaces a
 * number default only when it reads as a number, and keys must exist, so a typo is an error
 * instead of a silently ignored option. */
static int apply_params(lua_State *L, const char *const *params, char *err, size_t errlen)
{
    for (size_t i = 0; params && params[i]; i++) {
        const char *eq = strchr(params[i], '=');
        if (!eq || eq == params[i]) {
            snprintf(err, errlen, "--param '%s' must look like KEY=VALUE", params[i]);
            return -1;
        }
        char *key = xstrndup(params[i], (size_t)(eq - params[i]));
        int t = lua_getfield(L, -1, key);
        lua_pop(L, 1);
        int rc = 0;
        if (t == LUA_TNIL) {
            snprintf(err, errlen, "this report has no parameter '%s'", key);
            rc = -1;
        } else if (t == LUA_TNUMBER) {
            if (!lua_stringtonumber(L, eq + 1)) {
                snprintf(err, errlen, "--param %s must be a number, got '%s'", key, eq + 1);
                rc = -1;
            }
        } else if (t == LUA_TBOOLEAN) {
            bool yes = strcmp(eq + 1, "true") == 0 || strcmp(eq + 1, "yes") == 0;
            if (!yes && strcmp(eq + 1, "false") != 0 && strcmp(eq + 1, "no") != 0) {
                snprintf(err, errlen, "--param %s must be true or false, got '%s'", key, eq + 1);
                rc = -1;
            } else {
                lua_pushboolean(L, yes);
            }
        } else if (t == LUA_TSTRING) {
            lua_pushstring(L, eq + 1);
        } else {
            snprintf(err, errlen, "parameter '%s' is a %s and cannot be set from the command line",
                     key, lua_typename(L, t));
            rc = -1;
        }
        if (rc == 0)
            lua_setfield(L, -2, key);
        free(key);
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* Pushes ctx for the entry at idx. */
static int push_ctx(struct host *h, int entry, const struct report_request *rq, char *err,
                    size_t errlen)
{
    lua_State *L = h->L;
    char d[16];
    lua_createtable(L, 0, 10);
    lf_str(L, "report", rq->id);
    lf_str(L, "as_of", date_format(rq->as_of, d));
    lua_pushboolean(L, rq->as_of_given);
    lua_setfield(L, -2, "as_of_given");
    lf_str(L, "from", rq->from);
    lf_str(L, "to", rq->to);
    lf_str(L, "site", rq->site);
    lf_str(L, "clinician", rq->clinician);
    lf_str(L, "patient", rq->patient);
    lf_str(L, "format", render_format_name(rq->format));
    if (lua_getfield(L, entry, "params") == LUA_TTABLE) {
        host_push_copy(L, -1); /* so a report that changes ctx.params keeps its defaults */
        lua_remove(L, -2);
    } else {
        lua_pop(L, 1);
        lua_newtable(L);
    }
    if (apply_params(L, rq->params, err, errlen) != 0) {
        lua_pop(L, 2);
        return -1;
    }
    lua_setfield(L, -2, "params");
    return 0;
}

cJSON *report_run(struct host *h, const struct report_request *rq, char *err, size_t errlen,
                  bool *usage)
{
    lua_State *L = h->L;
    int top = lua_gettop(L);
    *usage = false;
    host_push_entry(h, REG_REPORTS, rq->id);
    if (lua_isnil(L, -1)) {
        char *near = nearest_report(h, rq->id);
        if (near)
            snprintf(err, errlen,
                     "no report '%s' is registered (did you mean '%s'?); see 'sixbb "
                     "reports'",
                     rq->id, near);
        else
            snprintf(err, errlen, "no report '%s' is registered; see 'sixbb reports'", rq->id);
        free(near);
        lua_settop(L, top);
        return NULL;
    }
    int entry = lua_gettop(L);
    lua_getfield(L, entry, "plugin");
    char *plugin = xstrdup(lua_tostring(L, -1) ? lua_tostring(L, -1) : "?");
    lua_pop(L, 1);
    char *hook = xasprintf("report '%s'", rq->id);
    cJSON *doc = NULL;
    lua_getfield(L, entry, "run");
    if (push_ctx(h, entry, rq, err, errlen) != 0) {
        *usage = true;
        goto done;
    }
    if (host_pcall(h, plugin, hook, 1, 1, h->limits.call_seconds) != 0) {
        snprintf(err, errlen, "%s", h->last_error);
        goto done;
    }
    char why[600];
    cJSON *raw = lua_isnil(L, -1) ? NULL : lua_to_json(L, -1, why, sizeof why);
    if (lua_isnil(L, -1))
        snprintf(why, sizeof why, "returned nothing; run(ctx) must return a document table");
    if (raw)
        doc = report_doc_normalize(raw, why, sizeof why);
    cJSON_Delete(raw);
    if (!doc)
        snprintf(err, errlen, "plugin '%s', %s: invalid document: %s", plugin, hook, why);
done:
    free(plugin);
    free(hook);
    lua_settop(L, top);
    return doc;
}

void report_render_options(struct host *h, struct render_options *o)
{
    render_options_default(o);
    double b = host_config_number(h, "runchart.baseline", 0);
    o->baseline = b > 0 ? (size_t)b : 0;
    o->rc.astro_sigmas = host_config_number(h, "runchart.astronomical_sigmas", o->rc.astro_sigmas);
    o->rc.shift_min = (int)host_config_number(h, "runchart.shift_points", o->rc.shift_min);
    o->rc.trend_min = (int)host_config_number(h, "runchart.trend_points", o->rc.trend_min);
}

int report_record(struct store *s, const char *id, day_t as_of, const char *format,
                  const char *path, const char *site)
{
    char d[16];
    date_format(as_of, d);
    return store_report_run_add(s, id, d, format, path, (long long)time(NULL), site);
}
