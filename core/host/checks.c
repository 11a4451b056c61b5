/* The check runner (checks.h): the engine's passes with a visitor that pushes each patient's
 * facts to Lua and calls the plugins' checks on them. */
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks_internal.h"
#include "eval_config.h"
#include "facts_push.h"
#include "util.h"

struct eval *eval_new(struct host *h, struct store *s)
{
    struct med_db *db;
    struct med_standard *std;
    char err[1024];
    if (host_med(h, &db, &std, err, sizeof err) != 0) {
        host_fail(h, "cannot load the MED tables: %s", err);
        return NULL;
    }
    struct rules rules;
    if (host_read_rules(h, &rules) != 0) {
        rules_free(&rules);
        host_fail(h, "configuration error: %s", h->last_error);
        return NULL;
    }
    struct eval *e = xcalloc(1, sizeof *e);
    e->h = h;
    e->s = s;
    e->en = eval_engine_new(s, db, std, &rules);
    checks_load(e);
    rules_hook_load(h, &e->rules);
    if (checks_apply_overrides(e) != 0) {
        host_fail(h, "configuration error: %s", h->last_error);
        eval_free(e);
        return NULL;
    }
    return e;
}

void eval_free(struct eval *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->nchecks; i++) {
        struct check_def *c = &e->checks[i];
        free(c->id);
        free(c->plugin);
        free(c->title);
        free(c->description);
        free(c->severity);
        free(c->hook);
        luaL_unref(e->h->L, LUA_REGISTRYINDEX, c->fn_ref);
        luaL_unref(e->h->L, LUA_REGISTRYINDEX, c->params_ref);
    }
    free(e->checks);
    rules_hook_free(e->h, &e->rules);
    eval_engine_free(e->en);
    free(e);
}

const struct med_standard *eval_standard(struct eval *e)
{
    return eval_engine_standard(e->en);
}

struct med_db *eval_med_db(struct eval *e)
{
    return e->h->med_db;
}

struct eval_engine *eval_engine(struct eval *e)
{
    return e->en;
}

struct host *eval_host(struct eval *e)
{
    return e->h;
}

const struct med_timeline *eval_timeline(struct eval *e)
{
    return eval_engine_timeline(e->en);
}

const char *med_standard_name_of(struct eval *e)
{
    return med_standard_name(eval_standard(e));
}

/* ------------------------------------------------------------------ running checks */

void checks_result_add(struct eval_result *r, const struct check_def *c, const char *patient,
                       const char *clinician, const char *site, const char *severity, day_t due,
                       const char *detail)
{
    struct gap g = {.check = c->id,
                    .plugin = c->plugin ? c->plugin : (char *)"",
                    .patient = (char *)patient,
                    .clinician = clinician && *clinician ? (char *)clinician : NULL,
                    .site = site && *site ? (char *)site : NULL,
                    .severity = (char *)severity,
                    .detail = (char *)(detail ? detail : ""),
                    .due = due,
                    .level = c->level};
    eval_result_add(r, &g);
}

static void report_check_error(struct check_def *c, const char *msg)
{
    /* The first few failures of each check are shown; the count covers the rest. */
    if (c->errors++ < 3)
        host_log("error", "%s", msg);
}

/* Calls check c with the facts table at facts_idx. */
void run_check(struct eval *e, struct check_def *c, int facts_idx, struct outcome *o)
{
    lua_State *L = e->h->L;
    memset(o, 0, sizeof *o);
    o->due = DATE_NONE;
    lua_rawgeti(L, LUA_REGISTRYINDEX, c->fn_ref);
    lua_pushvalue(L, facts_idx);
    lua_rawgeti(L, LUA_REGISTRYINDEX, c->params_ref);
    if (host_pcall(e->h, c->plugin, c->hook, 2, 1, e->h->limits.check_seconds) != 0) {
        o->error = true;
        snprintf(o->detail, sizeof o->detail, "%s", e->h->last_error);
        report_check_error(c, e->h->last_error);
        return;
    }
    int t = lua_type(L, -1);
    if (t == LUA_TNIL || (t == LUA_TBOOLEAN && !lua_toboolean(L, -1))) {
        lua_pop(L, 1);
        return;
    }
    if (t != LUA_TTABLE) {
        o->error = true;
        snprintf(o->detail, sizeof o->detail,
                 "plugin '%s', %s: returned a %s; expected nil or a table", c->plugin, c->hook,
                 lua_typename(L, t));
        report_check_error(c, o->detail);
        lua_pop(L, 1);
        return;
    }
    o->gap = true;
    lua_getfield(L, -1, "severity");
    snprintf(o->severity, sizeof o->severity, "%s",
             lua_isstring(L, -1) ? lua_tostring(L, -1)
             : c->severity       ? c->severity
                                 : "due");
    lua_pop(L, 1);
    lua_getfield(L, -1, "detail");
    snprintf(o->detail, sizeof o->detail, "%s", lua_isstring(L, -1) ? lua_tostring(L, -1) : "");
    lua_pop(L, 1);
    lua_getfield(L, -1, "due");
    if (lua_type(L, -1) == LUA_TSTRING) {
        size_t len;
        const char *s = lua_tolstring(L, -1, &len);
        if (date_parse(s, len, &o->due) != 0) {
            o->gap = false;
            o->error = true;
            snprintf(o->detail, sizeof o->detail,
                     "plugin '%s', %s: returned due = '%s'; expected a YYYY-MM-DD date", c->plugin,
                     c->hook, s);
            report_check_error(c, o->detail);
        }
    }
    lua_pop(L, 2);
}

static bool applies_to(const struct check_def *c, const struct facts *f)
{
    if (c->applies == APPLIES_ALL)
        return true;
    if (f->excluded)
        return false;
    return c->applies == APPLIES_FILL_RULE ? f->fill_rule : f->ltot;
}

bool check_selected(const struct check_def *c, const struct eval_filter *flt)
{
    return c->enabled && (!flt->check || strcmp(flt->check, c->id) == 0);
}

/* ------------------------------------------------------------------ patients */

static void explain_keep(struct eval *e, const struct patient_rows *pr, const struct facts *f)
{
    struct check_explain *x = e->explain;
    x->found = true;
    x->as_of = e->as_of;
    patient_rows_copy(&x->pr, pr);
    x->f = *f;
    x->rules = eval_engine_rules(e->en);
    x->checks = xcalloc(e->nchecks ? e->nchecks : 1, sizeof *x->checks);
}

static void explain_add(struct eval *e, const struct check_def *c, const struct outcome *o,
                        bool ran)
{
    struct check_outcome *k = &e->explain->checks[e->explain->nchecks++];
    k->id = c->id;
    k->description = c->description;
    k->enabled = c->enabled;
    k->applies = c->applies;
    k->ran = ran;
    k->gap = o->gap;
    k->error = o->error;
    memcpy(k->severity, o->severity, sizeof k->severity);
    k->due = o->due;
    memcpy(k->detail, o->detail, sizeof k->detail);
}

/* Runs the patient-level checks on facts already computed (and counted by the engine). */
static void on_patient(void *ud, const struct patient_rows *pr, const struct facts *fp)
{
    struct eval *e = ud;
    lua_State *L = e->h->L;
    struct facts f = *fp;
    const struct rules *ru = eval_engine_rules(e->en);
    if (rules_hook_active(&e->rules))
        e->r->check_errors += rules_hook_apply(e->h, &e->rules, ru, pr, &f, e->as_of);
    if (e->visit) {
        if (e->visit_all || (f.ltot && !f.excluded)) {
            int base = lua_gettop(L);
            facts_push(L, ru, pr, &f, e->as_of);
            e->visit(e, e->visit_ud);
            lua_settop(L, base);
        }
        if (!e->visit_checks)
            return;
    }
    const struct eval_filter *flt = e->flt;
    bool any = e->explain != NULL;
    for (size_t i = 0; !any && i < e->nchecks; i++)
        any = e->checks[i].level == LEVEL_PATIENT && check_selected(&e->checks[i], flt) &&
              applies_to(&e->checks[i], &f);
    if (!any)
        return;
    int top = lua_gettop(L);
    facts_push(L, ru, pr, &f, e->as_of);
    int facts_idx = lua_gettop(L);
    if (e->explain)
        explain_keep(e, pr, &f);
    for (size_t i = 0; i < e->nchecks; i++) {
        struct check_def *c = &e->checks[i];
        if (c->level != LEVEL_PATIENT || (flt->check && strcmp(flt->check, c->id) != 0))
            continue;
        struct outcome o = {.due = DATE_NONE};
        bool ran = c->enabled && applies_to(c, &f);
        if (ran) {
            run_check(e, c, facts_idx, &o);
            if (o.error)
                e->r->check_errors++;
            else if (o.gap)
                checks_result_add(e->r, c, pr->id, pr->has_clinician ? pr->clinician : NULL,
                                  pr->site, o.severity, o.due, o.detail);
        }
        if (e->explain)
            explain_add(e, c, &o, ran);
    }
    lua_settop(L, top);
}

static void on_batch(void *ud)
{
    struct eval *e = ud;
    eval_writer_feed(e->writer, e->r);
}

int eval_run(struct eval *e, day_t as_of, const struct eval_filter *flt, struct eval_result *r,
             struct check_explain *explain)
{
    if (explain)
        memset(explain, 0, sizeof *explain);
    e->as_of = as_of;
    e->flt = flt;
    e->r = r;
    e->explain = explain;
    struct eval_pass p = {.as_of = as_of,
                          .earliest = DATE_NONE,
                          .filter = flt,
                          .serial = explain != NULL,
                          .visit = on_patient,
                          .ud = e,
                          .batch_done = on_batch};
    char err[512];
    int rc = eval_engine_pass(e->en, &p, r, err, sizeof err);
    if (rc != 0)
        host_fail(e->h, "%s", err);
    if (rc == 0 && !e->visit)
        checks_run_levels(e);
    e->explain = NULL;
    e->r = NULL;
    e->flt = NULL;
    for (size_t i = 0; i < e->nchecks; i++)
        if (e->checks[i].errors > 3)
            host_log("error", "plugin '%s', %s failed %d times in all", e->checks[i].plugin,
                     e->checks[i].hook, e->checks[i].errors);
    return rc;
}

int eval_run_stored(struct eval *e, day_t as_of, const struct eval_filter *flt,
                    struct eval_result *r)
{
    char err[512];
    struct eval_writer *w = eval_writer_open(e->s, as_of, err, sizeof err);
    if (!w)
        return host_fail(e->h, "%s", err);
    e->writer = w;
    int rc = eval_run(e, as_of, flt, r, NULL);
    e->writer = NULL;
    if (rc == 0)
        eval_writer_feed(w, r);
    if (eval_writer_close(w, r, rc == 0, err, sizeof err) != 0) {
        if (rc == 0)
            host_fail(e->h, "%s", err);
        rc = -1;
    }
    return rc;
}

int eval_each_patient(struct eval *e, day_t as_of, const struct eval_filter *f, bool all,
                      eval_patient_fn fn, void *ud, struct eval_result *r)
{
    e->visit = fn;
    e->visit_ud = ud;
    e->visit_all = all;
    int rc = eval_run(e, as_of, f, r, NULL);
    e->visit = NULL;
    e->visit_ud = NULL;
    return rc;
}

int eval_each_patient_checked(struct eval *e, day_t as_of, const struct eval_filter *f, bool all,
                              eval_patient_fn fn, void *ud, struct eval_result *r)
{
    e->visit_checks = true;
    int rc = eval_each_patient(e, as_of, f, all, fn, ud, r);
    e->visit_checks = false;
    return rc;
}

void check_explain_free(struct check_explain *x)
{
    if (!x->found)
        return;
    patient_rows_free(&x->pr);
    free(x->checks);
    memset(x, 0, sizeof *x);
}
