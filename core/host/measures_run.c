/* The Lua side of measures: the registered measures read from the registry with the site's
 * parameters, their rule tables compiled for the engine (eval/measures.c), and the Lua
 * numerators and denominators of site-defined measures called per patient and month. */
#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "checks.h"
#include "host.h"
#include "measures.h"
#include "measures_load.h"
#include "measures_run.h"
#include "med_internal.h"
#include "store.h"
#include "store_eval.h"

/* The Lua references of one measure: its custom numerator and denominator (LUA_NOREF when a
 * rule table) and its parameters. */
struct measure_refs {
    int num_ref, den_ref, params_ref;
};

static const char *const STANDARDS[] = {"hedis-hdo", "pqa-cob", "pqa-omp"};

struct loader {
    struct host *h;
    const struct rules *rules;
    struct measure_set set;
    struct measure_refs *refs;
};

/* ------------------------------------------------------------------ definitions */

static char *opt_field(lua_State *L, int t, const char *name)
{
    lua_getfield(L, t, name);
    char *s = lua_type(L, -1) == LUA_TSTRING ? xstrdup(lua_tostring(L, -1)) : NULL;
    lua_pop(L, 1);
    return s;
}

/* The measure's params with the site's overrides (measures = { [id] = { key = value } } in
 * sixbb.lua); an unknown key or a value of another type is refused. */
static int push_params(struct host *h, int ent, const char *id, char *err, size_t errlen)
{
    lua_State *L = h->L;
    lua_newtable(L);
    int t = lua_gettop(L);
    if (lua_getfield(L, ent, "params") == LUA_TTABLE) {
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            lua_pushvalue(L, -2);
            lua_insert(L, -2);
            lua_rawset(L, t);
        }
    }
    lua_pop(L, 1);
    host_push_config_path(h, "measures");
    if (lua_istable(L, -1) && lua_getfield(L, -1, id) == LUA_TTABLE) {
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            lua_pushvalue(L, -2);
            int have = lua_rawget(L, t);
            lua_pop(L, 1);
            if (lua_type(L, -2) != LUA_TSTRING || have == LUA_TNIL || have != lua_type(L, -1)) {
                snprintf(err, errlen,
                         "sixbb.lua: measures['%s'].%s is not a parameter of the "
                         "measure, or has the wrong type",
                         id, lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?");
                lua_settop(L, t - 1);
                return -1;
            }
            lua_pushvalue(L, -2);
            lua_insert(L, -2);
            lua_rawset(L, t);
        }
    }
    lua_settop(L, t);
    return 0;
}

/* A parameter of an annual measure; the measure's registration gives every one. */
static double param_num(lua_State *L, int params, const char *key, const char **missing)
{
    lua_getfield(L, params, key);
    bool have = lua_type(L, -1) == LUA_TNUMBER;
    double v = have ? lua_tonumber(L, -1) : 0;
    lua_pop(L, 1);
    if (!have && !*missing)
        *missing = key;
    return v;
}

/* Returns the name of a parameter that is missing or not a number, or NULL. */
static const char *annual_params_read(lua_State *L, int params, int standard,
                                      struct annual_params *ap)
{
    const char *m = NULL;
    if (standard == 0) {
        ap->hdo_min_fills = param_num(L, params, "min_fills", &m);
        ap->hdo_min_days = param_num(L, params, "min_days_covered", &m);
        ap->hdo_mme = param_num(L, params, "mme", &m);
    } else if (standard == 1) {
        ap->cob_min_fills = param_num(L, params, "min_fills", &m);
        ap->cob_min_supply = param_num(L, params, "min_days_supply", &m);
        ap->cob_min_benzo_fills = param_num(L, params, "min_benzo_fills", &m);
        ap->cob_min_overlap = param_num(L, params, "min_overlap_days", &m);
    } else {
        ap->omp_min_fills = param_num(L, params, "min_fills", &m);
        ap->omp_min_supply = param_num(L, params, "min_days_supply", &m);
        ap->omp_prescribers = param_num(L, params, "prescribers", &m);
        ap->omp_pharmacies = param_num(L, params, "pharmacies", &m);
        ap->omp_window = param_num(L, params, "window_days", &m);
    }
    return m;
}

/* numerator or denominator: a rule table (compiled) or a function (kept as a reference). */
static int load_part(lua_State *L, int ent, int params, const char *name, struct pred_list *pl,
                     int *ref, char *err, size_t errlen)
{
    *ref = LUA_NOREF;
    int t = lua_getfield(L, ent, name);
    int rc = 0;
    if (t == LUA_TTABLE)
        rc = rule_compile(L, lua_gettop(L), params, pl, err, errlen);
    else if (t == LUA_TFUNCTION) {
        *ref = luaL_ref(L, LUA_REGISTRYINDEX);
        return 0;
    } else {
        memset(pl, 0, sizeof *pl);
        pl->population = 0; /* unless noted: LtOT and not excluded */
    }
    lua_pop(L, 1);
    return rc;
}

static enum measure_kind kind_of(const char *k)
{
    if (!k || strcmp(k, "rate") == 0)
        return MK_RATE;
    if (strcmp(k, "count") == 0)
        return MK_COUNT;
    return strcmp(k, "value") == 0 ? MK_VALUE : MK_ANNUAL;
}

static int load_one(struct loader *en, int ent, size_t i, char *err, size_t errlen)
{
    lua_State *L = en->h->L;
    struct measure_info *mi = &en->set.info[i];
    struct measure_def *md = &en->set.defs[i];
    struct measure_refs *rf = &en->refs[i];
    mi->id = opt_field(L, ent, "id");
    mi->title = opt_field(L, ent, "title");
    mi->kind_name = opt_field(L, ent, "kind");
    mi->unit = opt_field(L, ent, "unit");
    mi->better = opt_field(L, ent, "better");
    mi->description = opt_field(L, ent, "description");
    mi->plugin = opt_field(L, ent, "plugin");
    mi->standard = opt_field(L, ent, "standard");
    mi->kind = kind_of(mi->kind_name);
    rf->num_ref = rf->den_ref = rf->params_ref = LUA_NOREF;
    char sub[400];
    if (push_params(en->h, ent, mi->id, err, errlen) != 0)
        return -1;
    int params = lua_gettop(L);
    rf->params_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_rawgeti(L, LUA_REGISTRYINDEX, rf->params_ref);
    int rc = 0;
    if (mi->kind == MK_ANNUAL) {
        md->standard = -1;
        for (int k = 0; k < 3; k++)
            if (mi->standard && strcmp(mi->standard, STANDARDS[k]) == 0)
                md->standard = k;
        if (md->standard < 0) {
            snprintf(sub, sizeof sub, "standard must be one of hedis-hdo, pqa-cob, pqa-omp");
            rc = -1;
        } else {
            const char *missing = annual_params_read(L, params, md->standard, &en->set.ap);
            if (missing) {
                snprintf(sub, sizeof sub, "params.%s must be a number", missing);
                rc = -1;
            }
            en->set.any_annual = true;
        }
    } else {
        rc = load_part(L, ent, params, "denominator", &md->den, &rf->den_ref, sub, sizeof sub);
        if (rc == 0)
            rc = load_part(L, ent, params, "numerator", &md->num, &rf->num_ref, sub, sizeof sub);
        md->den_custom = rf->den_ref != LUA_NOREF;
        md->num_custom = rf->num_ref != LUA_NOREF;
        md->value_med = mi->kind == MK_VALUE;
    }
    lua_settop(L, params - 1);
    if (rc != 0)
        snprintf(err, errlen, "plugin '%s', measure '%s': %s", mi->plugin ? mi->plugin : "?",
                 mi->id, sub);
    return rc;
}

static int load_defs(struct loader *en, char *err, size_t errlen)
{
    lua_State *L = en->h->L;
    int top = lua_gettop(L);
    host_push_registry(en->h, REG_MEASURES);
    int list = lua_gettop(L);
    size_t n = lua_rawlen(L, list);
    en->set.info = xcalloc(n ? n : 1, sizeof *en->set.info);
    en->set.defs = xcalloc(n ? n : 1, sizeof *en->set.defs);
    en->refs = xcalloc(n ? n : 1, sizeof *en->refs);
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, list, (lua_Integer)i + 1);
        en->set.n = i + 1;
        if (load_one(en, lua_gettop(L), i, err, errlen) != 0) {
            lua_settop(L, top);
            return -1;
        }
        lua_settop(L, list);
    }
    lua_settop(L, top);
    return 0;
}

/* The facts table for Lua measures: the fields of docs/measures.md at one period end. */
static void push_facts_at(lua_State *L, const struct rules *ru, const struct patient_ctx *c)
{
    char d[16];
    lua_createtable(L, 0, 16);
    lua_pushstring(L, c->pr->id);
    lua_setfield(L, -2, "id");
    lua_pushstring(L, c->pr->site);
    lua_setfield(L, -2, "site");
    if (c->pr->has_clinician) {
        lua_pushstring(L, c->pr->clinician);
        lua_setfield(L, -2, "clinician");
    }
    lua_pushstring(L, date_format(c->d, d));
    lua_setfield(L, -2, "as_of");
    const struct {
        const char *k;
        bool v;
    } flags[] = {{"ltot", c->f.ltot},
                 {"excluded", c->f.excluded},
                 {"labeled", c->f.labeled},
                 {"meets_fill_rule", c->f.fill_rule},
                 {"oud", c->f.oud}};
    for (size_t i = 0; i < ARRAY_LEN(flags); i++) {
        lua_pushboolean(L, flags[i].v);
        lua_setfield(L, -2, flags[i].k);
    }
    lua_pushnumber(L, c->f.med);
    lua_setfield(L, -2, "med");
    lua_pushinteger(L, med_timeline_overlap_days(c->tl, c->d - ru->high_benzo_days + 1, c->d));
    lua_setfield(L, -2, "benzo_overlap_days");
    lua_createtable(L, 0, EV_N);
    for (int i = 0; i < EV_N; i++) {
        day_t x = rows_last_event_at(c->pr, i, c->d);
        if (x != DATE_NONE) {
            lua_pushstring(L, date_format(x, d));
            lua_setfield(L, -2, event_names[i]);
        }
    }
    lua_setfield(L, -2, "last");
}

/* A Lua numerator or denominator: true when it returns a true value. Errors count as false and
 * are reported (the first few) by host_pcall's caller. */
static bool call_lua(void *ud, size_t measure, bool numerator, const struct patient_ctx *c)
{
    struct loader *en = ud;
    lua_State *L = en->h->L;
    const struct measure_refs *rf = &en->refs[measure];
    int fn_ref = numerator ? rf->num_ref : rf->den_ref;
    const char *id = en->set.info[measure].id;
    lua_rawgeti(L, LUA_REGISTRYINDEX, fn_ref);
    push_facts_at(L, en->rules, c);
    lua_rawgeti(L, LUA_REGISTRYINDEX, rf->params_ref);
    char hook[96];
    snprintf(hook, sizeof hook, "measure '%s'", id);
    if (host_pcall(en->h, "measures", hook, 2, 1, en->h->limits.check_seconds) != 0) {
        host_log("error", "%s", en->h->last_error);
        return false;
    }
    bool v = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return v;
}

static void loader_free(struct loader *en)
{
    for (size_t i = 0; i < en->set.n; i++) {
        luaL_unref(en->h->L, LUA_REGISTRYINDEX, en->refs[i].num_ref);
        luaL_unref(en->h->L, LUA_REGISTRYINDEX, en->refs[i].den_ref);
        luaL_unref(en->h->L, LUA_REGISTRYINDEX, en->refs[i].params_ref);
    }
    free(en->refs);
    measure_defs_free(en->set.defs, en->set.n);
}

/* The measure definitions when loading failed part way (on success the result owns them). */
static void info_free(struct measure_info *info, size_t n)
{
    struct measures m = {.defs = info, .ndefs = n};
    struct measures *copy = xmalloc(sizeof *copy);
    *copy = m;
    measures_free(copy);
}

struct measures *measures_compute(struct eval *e, const struct measures_request *rq)
{
    struct loader en = {.h = eval_host(e), .rules = eval_engine_rules(eval_engine(e))};
    char err[600];
    if (load_defs(&en, err, sizeof err) != 0) {
        host_fail(en.h, "%s", err);
        info_free(en.set.info, en.set.n);
        loader_free(&en);
        return NULL;
    }
    struct measures *m =
        measures_tally(eval_engine(e), rq, &en.set, call_lua, &en, err, sizeof err);
    if (!m) {
        host_fail(en.h, "%s", err);
    } else if (rq->store && !rq->site && !rq->clinician &&
               measures_store(en.h->store, m, err, sizeof err) != 0) {
        host_fail(en.h, "%s", err);
        measures_free(m);
        m = NULL;
    }
    loader_free(&en);
    return m;
}
