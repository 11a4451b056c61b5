/* The measures engine (measures.h). One pass over the population: per patient, the timeline is
 * built once and every month end is evaluated from it; numbers are added up per organisation,
 * site and clinician as they come, so memory grows with groups × measures × months, not with
 * patients (patient lists aside, which are kept for the last period unless asked for all). */
#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "checks.h"
#include "cli.h"
#include "host.h"
#include "measures.h"
#include "measures_load.h"
#include "med_internal.h"
#include "store.h"
#include "store_eval.h"

struct measure_def {
    struct pred_list num, den;
    int num_ref, den_ref, params_ref; /* Lua functions (LUA_NOREF when a rule) */
    bool value_med;                   /* kind value: the mean current MED */
    int standard;                     /* annual: 0 HDO, 1 COB, 2 OMP */
};

struct cell {
    double num, den, sum;
};

struct group {
    enum group_level level;
    size_t id_at, site_at; /* offsets in the ids arena */
    struct cell *cells;    /* [measure * nperiods + period] */
};

struct engine {
    struct eval *e;
    struct eval_engine *ev;
    struct host *h;
    struct measures *m;
    struct measure_def *defs;
    struct med_timeline *tl;
    struct annual_params ap;
    day_t year_start, year_end;
    bool all_lists, any_annual;
    struct med_strmap group_index;
    struct group *groups;
    size_t ngroups;
    struct buf ids; /* NUL-terminated ids: groups' and listed patients' */
    size_t capl;
    size_t cur_site, cur_clin; /* the visited patient's groups ((size_t)-1: no clinician) */
};

static const char *const STANDARDS[] = {"hedis-hdo", "pqa-cob", "pqa-omp"};

day_t measures_default_from(day_t as_of)
{
    int y, mo, d;
    date_to_ymd(date_add_months(as_of, -23), &y, &mo, &d);
    return date_from_ymd(y, mo, 1);
}

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
                snprintf(err, errlen, "sixbb.lua: measures['%s'].%s is not a parameter of the "
                                      "measure, or has the wrong type", id,
                         lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?");
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

static int load_one(struct engine *en, int ent, size_t i, char *err, size_t errlen)
{
    lua_State *L = en->h->L;
    struct measure_info *mi = &en->m->defs[i];
    struct measure_def *md = &en->defs[i];
    mi->id = opt_field(L, ent, "id");
    mi->title = opt_field(L, ent, "title");
    mi->kind_name = opt_field(L, ent, "kind");
    mi->unit = opt_field(L, ent, "unit");
    mi->better = opt_field(L, ent, "better");
    mi->description = opt_field(L, ent, "description");
    mi->plugin = opt_field(L, ent, "plugin");
    mi->standard = opt_field(L, ent, "standard");
    mi->kind = kind_of(mi->kind_name);
    md->num_ref = md->den_ref = md->params_ref = LUA_NOREF;
    char sub[400];
    if (push_params(en->h, ent, mi->id, err, errlen) != 0)
        return -1;
    int params = lua_gettop(L);
    md->params_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_rawgeti(L, LUA_REGISTRYINDEX, md->params_ref);
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
            const char *missing = annual_params_read(L, params, md->standard, &en->ap);
            if (missing) {
                snprintf(sub, sizeof sub, "params.%s must be a number", missing);
                rc = -1;
            }
            en->any_annual = true;
        }
    } else {
        rc = load_part(L, ent, params, "denominator", &md->den, &md->den_ref, sub, sizeof sub);
        if (rc == 0)
            rc = load_part(L, ent, params, "numerator", &md->num, &md->num_ref, sub, sizeof sub);
        md->value_med = mi->kind == MK_VALUE;
    }
    lua_settop(L, params - 1);
    if (rc != 0)
        snprintf(err, errlen, "plugin '%s', measure '%s': %s", mi->plugin ? mi->plugin : "?",
                 mi->id, sub);
    return rc;
}

static int load_defs(struct engine *en, char *err, size_t errlen)
{
    lua_State *L = en->h->L;
    int top = lua_gettop(L);
    host_push_registry(en->h, REG_MEASURES);
    int list = lua_gettop(L);
    size_t n = lua_rawlen(L, list);
    en->m->defs = xcalloc(n ? n : 1, sizeof *en->m->defs);
    en->defs = xcalloc(n ? n : 1, sizeof *en->defs);
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, list, (lua_Integer)i + 1);
        en->m->ndefs = i + 1;
        if (load_one(en, lua_gettop(L), i, err, errlen) != 0) {
            lua_settop(L, top);
            return -1;
        }
        lua_settop(L, list);
    }
    lua_settop(L, top);
    return 0;
}

/* ------------------------------------------------------------------ periods and groups */

static void make_periods(struct measures *m, day_t from, day_t to)
{
    int y, mo, d;
    date_to_ymd(from, &y, &mo, &d);
    for (day_t start = date_from_ymd(y, mo, 1); start <= to; start = date_add_months(start, 1)) {
        date_to_ymd(start, &y, &mo, &d);
        day_t end = date_from_ymd(y, mo, date_days_in_month(y, mo));
        m->periods = xrealloc(m->periods, (m->nperiods + 1) * sizeof *m->periods);
        struct measure_period *p = &m->periods[m->nperiods++];
        snprintf(p->label, sizeof p->label, "%04d-%02d", y % 10000, mo);
        p->end = end < to ? end : to;
    }
    date_to_ymd(to, &y, &mo, &d);
    snprintf(m->year, sizeof m->year, "%04d", y % 10000);
}

static size_t ids_add(struct engine *en, const char *s)
{
    size_t at = en->ids.len;
    buf_append(&en->ids, s, strlen(s) + 1);
    return at;
}

/* An index, not a pointer: adding a group moves the array. */
static size_t group_get(struct engine *en, enum group_level level, const char *id,
                        const char *site)
{
    char key[2 * ID_MAX];
    snprintf(key, sizeof key, "%d:%s", (int)level, id);
    uint32_t at;
    if (med_strmap_get(&en->group_index, key, &at))
        return at;
    en->groups = xrealloc(en->groups, (en->ngroups + 1) * sizeof *en->groups);
    struct group *g = &en->groups[en->ngroups];
    g->level = level;
    g->id_at = ids_add(en, id);
    g->site_at = ids_add(en, site);
    g->cells = xcalloc(en->m->ndefs * en->m->nperiods, sizeof *g->cells);
    med_strmap_put(&en->group_index, key, (uint32_t)en->ngroups);
    return en->ngroups++;
}

/* ------------------------------------------------------------------ evaluation */

static void list_add(struct engine *en, size_t mi, size_t p, const struct patient_rows *pr,
                     bool num, double value)
{
    struct measures *m = en->m;
    if (m->nlists == en->capl) {
        en->capl = en->capl ? en->capl * 2 : 1024;
        m->lists = xrealloc(m->lists, en->capl * sizeof *m->lists);
    }
    /* Offsets for now: the arena moves as it grows; measures_finish() turns them into pointers. */
    struct measure_list_entry *l = &m->lists[m->nlists++];
    l->measure = mi;
    l->period = p;
    l->patient = (const char *)(uintptr_t)ids_add(en, pr->id);
    l->site = (const char *)(uintptr_t)ids_add(en, pr->site);
    l->clinician = (const char *)(uintptr_t)(pr->has_clinician ? ids_add(en, pr->clinician)
                                                                 : (size_t)-1);
    l->numerator = num;
    l->value = value;
}

/* Adds one patient's outcome to the organisation, site and clinician groups. */
/* value is what the measure sums (the MED for an average, else 0); shown is the number its
 * patient list carries (the patient's MED at the period end). */
static void tally(struct engine *en, const struct patient_rows *pr, size_t mi, size_t p, bool num,
                  double value, double shown)
{
    size_t gs[3] = {0, en->cur_site, en->cur_clin};
    for (int k = 0; k < 3; k++) {
        if (gs[k] == (size_t)-1)
            continue;
        struct cell *c = &en->groups[gs[k]].cells[mi * en->m->nperiods + p];
        c->den += 1;
        c->num += num;
        c->sum += value;
    }
    if (en->all_lists || p + 1 == en->m->nperiods)
        list_add(en, mi, p, pr, num, shown);
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
    } flags[] = {{"ltot", c->f.ltot},       {"excluded", c->f.excluded},
                 {"labeled", c->f.labeled}, {"meets_fill_rule", c->f.fill_rule},
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
static bool call_lua(struct engine *en, const struct measure_def *md, int fn_ref,
                     const struct patient_ctx *c, const char *id)
{
    lua_State *L = en->h->L;
    lua_rawgeti(L, LUA_REGISTRYINDEX, fn_ref);
    push_facts_at(L, eval_engine_rules(en->ev), c);
    lua_rawgeti(L, LUA_REGISTRYINDEX, md->params_ref);
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

static void eval_measure(struct engine *en, size_t mi, size_t p, const struct patient_ctx *c)
{
    const struct measure_def *md = &en->defs[mi];
    const char *id = en->m->defs[mi].id;
    bool den = md->den_ref != LUA_NOREF ? call_lua(en, md, md->den_ref, c, id)
                                        : rule_holds(&md->den, c);
    if (!den)
        return;
    bool num = md->num_ref != LUA_NOREF ? call_lua(en, md, md->num_ref, c, id)
                                        : rule_holds(&md->num, c);
    tally(en, c->pr, mi, p, num, md->value_med ? c->f.med : 0, c->f.med);
}

static void eval_annual(struct engine *en, const struct patient_rows *pr)
{
    struct annual_result ar;
    annual_compute(pr, en->tl, &en->ap, en->year_start, en->year_end, &ar);
    size_t last = en->m->nperiods - 1;
    for (size_t mi = 0; mi < en->m->ndefs; mi++) {
        if (en->m->defs[mi].kind != MK_ANNUAL)
            continue;
        int s = en->defs[mi].standard;
        bool den = s == 0 ? ar.hdo_den : s == 1 ? ar.cob_den : ar.omp_den;
        bool num = s == 0 ? ar.hdo_num : s == 1 ? ar.cob_num : ar.omp_num;
        if (den)
            tally(en, pr, mi, last, num, s == 0 ? ar.hdo_avg_mme : 0,
                  s == 0 ? ar.hdo_avg_mme : 0);
    }
}

/* Patients with no opioid fill and no diagnosis the rules read cannot be in any population. */
static bool may_count(const struct patient_rows *pr)
{
    for (size_t i = 0; i < pr->nfills; i++)
        if (med_class_is_analgesic((enum med_class)pr->fills[i].cls))
            return true;
    return pr->ndxs > 0;
}

static void visit(void *ud, const struct patient_rows *pr, const struct facts *unused)
{
    (void)unused;
    struct engine *en = ud;
    if (!may_count(pr))
        return;
    med_timeline_build(en->tl, eval_engine_standard(en->ev), pr->fills, pr->nfills);
    /* Looked up once per patient, not per number added. */
    en->cur_site = group_get(en, GROUP_SITE, pr->site, pr->site);
    en->cur_clin = pr->has_clinician ? group_get(en, GROUP_CLINICIAN, pr->clinician, pr->site)
                                     : (size_t)-1;
    const struct rules *ru = eval_engine_rules(en->ev);
    struct patient_ctx c = {.pr = pr, .tl = en->tl};
    for (size_t p = 0; p < en->m->nperiods; p++) {
        c.d = en->m->periods[p].end;
        facts_at(ru, en->tl, pr, c.d, &c.f);
        for (size_t mi = 0; mi < en->m->ndefs; mi++)
            if (en->m->defs[mi].kind != MK_ANNUAL)
                eval_measure(en, mi, p, &c);
    }
    if (en->any_annual)
        eval_annual(en, pr);
}

/* ------------------------------------------------------------------ results */

static int cmp_groups(const void *a, const void *b, void *ud)
{
    const struct engine *en = ud;
    const struct group *x = &en->groups[*(const size_t *)a], *y = &en->groups[*(const size_t *)b];
    if (x->level != y->level)
        return (int)x->level - (int)y->level;
    return strcmp(en->ids.data + x->id_at, en->ids.data + y->id_at);
}

static void row_fill(struct measure_row *r, const struct measure_info *mi, const struct cell *c)
{
    r->numerator = c->num;
    r->denominator = c->den;
    r->has_value = true;
    if (mi->kind == MK_COUNT) {
        r->numerator = c->den;
        r->value = c->den;
    } else if (mi->kind == MK_VALUE) {
        r->has_value = c->den > 0;
        r->value = c->den > 0 ? c->sum / c->den : 0;
    } else {
        r->has_value = c->den > 0;
        r->value = c->den > 0 ? c->num / c->den : 0;
    }
}

static void make_rows(struct engine *en)
{
    struct measures *m = en->m;
    size_t *order = xcalloc(en->ngroups, sizeof *order);
    for (size_t i = 0; i < en->ngroups; i++)
        order[i] = i;
    qsort_r(order, en->ngroups, sizeof *order, cmp_groups, en);
    m->rows = xcalloc(m->ndefs * m->nperiods * en->ngroups + 1, sizeof *m->rows);
    for (size_t mi = 0; mi < m->ndefs; mi++) {
        bool annual = m->defs[mi].kind == MK_ANNUAL;
        for (size_t p = annual ? m->nperiods - 1 : 0; p < m->nperiods; p++) {
            for (size_t k = 0; k < en->ngroups; k++) {
                const struct group *g = &en->groups[order[k]];
                struct measure_row *r = &m->rows[m->nrows++];
                r->measure = mi;
                r->period = p;
                r->level = g->level;
                r->site = g->level == GROUP_ORG ? NULL : en->ids.data + g->site_at;
                r->clinician = g->level == GROUP_CLINICIAN ? en->ids.data + g->id_at : NULL;
                row_fill(r, &m->defs[mi], &g->cells[mi * m->nperiods + p]);
            }
        }
    }
    free(order);
}

static void lists_finish(struct engine *en)
{
    for (size_t i = 0; i < en->m->nlists; i++) {
        struct measure_list_entry *l = &en->m->lists[i];
        l->patient = en->ids.data + (uintptr_t)l->patient;
        l->site = en->ids.data + (uintptr_t)l->site;
        l->clinician = (uintptr_t)l->clinician == (uintptr_t)(size_t)-1
                           ? NULL
                           : en->ids.data + (uintptr_t)l->clinician;
    }
}

/* Replaces the snapshots of the computed periods (whole-population runs only). */
static int store_snapshots(struct store *s, const struct measures *m)
{
    if (store_begin(s) != 0)
        return cli_fail("cannot store measure snapshots: %s", store_errmsg(s));
    long long now = (long long)time(NULL);
    bool ok = true;
    for (size_t i = 0; ok && i < m->nrows; i++) {
        const struct measure_row *r = &m->rows[i];
        const struct measure_info *mi = &m->defs[r->measure];
        struct store_snapshot sn = {
            .measure = mi->id,
            .period = mi->kind == MK_ANNUAL ? m->year : m->periods[r->period].label,
            .site = r->site ? r->site : "",
            .clinician = r->clinician ? r->clinician : "",
            .numerator = r->numerator,
            .denominator = r->denominator,
            .value = r->value,
            .has_value = r->has_value};
        ok = store_measure_snapshot_put(s, &sn, now) == 0;
    }
    if (!ok) {
        store_rollback(s);
        return cli_fail("cannot store measure snapshots: %s", store_errmsg(s));
    }
    return store_commit(s) == 0 ? 0 : cli_fail("cannot store measure snapshots: %s", store_errmsg(s));
}

static void engine_free(struct engine *en)
{
    for (size_t i = 0; i < en->m->ndefs; i++) {
        struct measure_def *md = &en->defs[i];
        rule_free(&md->num);
        rule_free(&md->den);
        luaL_unref(en->h->L, LUA_REGISTRYINDEX, md->num_ref);
        luaL_unref(en->h->L, LUA_REGISTRYINDEX, md->den_ref);
        luaL_unref(en->h->L, LUA_REGISTRYINDEX, md->params_ref);
    }
    free(en->defs);
    for (size_t i = 0; i < en->ngroups; i++)
        free(en->groups[i].cells);
    free(en->groups);
    med_strmap_free(&en->group_index);
    med_timeline_free(en->tl);
}

struct measures *measures_compute(struct eval *e, const struct measures_request *rq)
{
    struct measures *m = xcalloc(1, sizeof *m);
    struct engine en = {
        .e = e, .ev = eval_engine(e), .h = eval_host(e), .m = m, .all_lists = rq->all_lists};
    char err[600];
    if (load_defs(&en, err, sizeof err) != 0) {
        cli_fail("%s", err);
        engine_free(&en);
        measures_free(m);
        return NULL;
    }
    make_periods(m, rq->from, rq->to);
    int y, mo, d;
    date_to_ymd(rq->to, &y, &mo, &d);
    en.year_start = date_from_ymd(y, 1, 1);
    en.year_end = rq->to;
    struct med_timeline_options o = {.missing_supply_days =
                                         eval_engine_rules(en.ev)->missing_supply_days};
    en.tl = med_timeline_new(&o);
    group_get(&en, GROUP_ORG, "", "");
    struct eval_filter f = {.site = rq->site, .clinician = rq->clinician};
    day_t earliest = m->nperiods ? m->periods[0].end : rq->to;
    if (earliest > en.year_start)
        earliest = en.year_start;
    struct eval_pass pass = {.as_of = rq->to,
                             .earliest = earliest,
                             .filter = &f,
                             .rows_only = true,
                             .visit = visit,
                             .ud = &en};
    struct eval_result r = {0};
    int rc = -1;
    if (m->nperiods && (rc = eval_engine_pass(en.ev, &pass, &r, err, sizeof err)) != 0)
        cli_fail("%s", err);
    eval_result_free(&r);
    if (rc == 0) {
        make_rows(&en);
        lists_finish(&en);
        m->impl = en.ids.data; /* owns the strings rows and lists point into */
        en.ids.data = NULL;
        if (rq->store && !rq->site && !rq->clinician)
            rc = store_snapshots(en.h->store, m);
    } else if (!m->nperiods) {
        cli_fail("the period has no months (from is after to)");
    }
    buf_free(&en.ids);
    engine_free(&en);
    if (rc != 0) {
        measures_free(m);
        return NULL;
    }
    return m;
}

void measures_free(struct measures *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->ndefs; i++) {
        struct measure_info *mi = &m->defs[i];
        free(mi->id);
        free(mi->title);
        free(mi->kind_name);
        free(mi->unit);
        free(mi->better);
        free(mi->description);
        free(mi->plugin);
        free(mi->standard);
    }
    free(m->defs);
    free(m->periods);
    free(m->rows);
    free(m->lists);
    free(m->impl);
    free(m);
}
