/* sixbb.report: what report code needs and is cheap in C. gaps{} reads the stored evaluation
 * for a date (or evaluates now), patients{} hands out the patients' fact tables, runchart{}
 * applies the run-chart rules. One evaluation context is opened on first use and kept for the
 * life of the host (freed by the Lua state's finalizer), because opening it loads the MED tables.
 */
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "paths.h"
#include "eval.h"
#include "host.h"
#include "med.h"
#include "report.h"
#include "runchart.h"
#include "store.h"
#include "store_report.h"
#include "util.h"
#include "shared_eval.h"
#include "lua_fields.h"

/* The host's evaluation context (lua/shared_eval.c). */
static struct eval *shared_eval(lua_State *L)
{
    return lua_shared_eval(L, "sixbb.report");
}

/* ------------------------------------------------------------------ options */

struct query {
    day_t as_of;
    struct eval_filter f;
    bool all;
    bool empty_list; /* patients = {} asks for nobody */
};

static const char *opt_str(lua_State *L, const char *name)
{
    lua_getfield(L, 1, name);
    if (!lua_isnil(L, -1) && lua_type(L, -1) != LUA_TSTRING)
        luaL_error(L, "option '%s' must be a string, got %s", name, luaL_typename(L, -1));
    const char *s = lua_tostring(L, -1);
    lua_pop(L, 1); /* the string stays alive: the options table still holds it */
    return s;
}

/* Option `patients`: a list of ids. The array lives in a userdata left on the stack, so an
 * error raised later frees it; the strings stay alive in the options table. */
static void read_patients(lua_State *L, struct query *q)
{
    if (lua_getfield(L, 1, "patients") == LUA_TNIL) {
        lua_pop(L, 1);
        return;
    }
    if (!lua_istable(L, -1))
        luaL_error(L, "option 'patients' must be a list of patient ids");
    size_t n = lua_rawlen(L, -1);
    const char **ids = lua_newuserdatauv(L, (n ? n : 1) * sizeof *ids, 0);
    for (size_t i = 0; i < n; i++) {
        if (lua_rawgeti(L, -2, (lua_Integer)i + 1) != LUA_TSTRING)
            luaL_error(L, "option 'patients' must be a list of patient ids (item %d)", (int)i + 1);
        ids[i] = lua_tostring(L, -1);
        lua_pop(L, 1);
    }
    lua_remove(L, -2);
    q->f.patients = ids;
    q->f.npatients = n;
    q->empty_list = n == 0;
}

static void read_query(lua_State *L, struct query *q, const char *const *allowed)
{
    memset(q, 0, sizeof *q);
    if (lua_isnoneornil(L, 1)) {
        lua_settop(L, 0);
        lua_newtable(L);
    }
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        lua_pop(L, 1);
        const char *k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "?";
        bool ok = false;
        for (size_t i = 0; allowed[i]; i++)
            ok = ok || strcmp(allowed[i], k) == 0;
        if (!ok)
            luaL_error(L, "unknown option '%s'", k);
    }
    const char *as_of = opt_str(L, "as_of");
    if (as_of && date_parse(as_of, strlen(as_of), &q->as_of) != 0)
        luaL_error(L, "option 'as_of' must be a date (YYYY-MM-DD), got '%s'", as_of);
    if (!as_of)
        q->as_of = date_today(host_config_string(host_from_lua(L), "timezone"));
    q->f.site = opt_str(L, "site");
    q->f.clinician = opt_str(L, "clinician");
    q->f.patient = opt_str(L, "patient");
    read_patients(L, q);
    lua_getfield(L, 1, "all");
    q->all = lua_toboolean(L, -1);
    lua_pop(L, 1);
}

/* ------------------------------------------------------------------ gaps */

static char *col_dup(struct eval_result *r, const struct store_value *v)
{
    return eval_result_strdup(r, v->type == STORE_NULL ? NULL : v->s);
}

/* One stored gap into the result. */
static int add_row(const struct store_row *row, void *ud)
{
    struct eval_result *r = ud;
    const struct store_value *v = row->values;
    if (r->ngaps == r->capgaps) {
        r->capgaps = r->capgaps ? r->capgaps * 2 : 64;
        r->gaps = xrealloc(r->gaps, r->capgaps * sizeof *r->gaps);
    }
    struct gap *g = &r->gaps[r->ngaps++];
    g->check = col_dup(r, &v[0]);
    g->plugin = NULL;
    g->patient = col_dup(r, &v[1]);
    g->clinician = col_dup(r, &v[2]);
    g->site = col_dup(r, &v[3]);
    g->severity = col_dup(r, &v[4]);
    if (v[5].type == STORE_NULL || date_parse(v[5].s, v[5].len, &g->due) != 0)
        g->due = DATE_NONE;
    g->detail = col_dup(r, &v[6]);
    g->level = g->patient ? LEVEL_PATIENT : g->clinician ? LEVEL_CLINICIAN : LEVEL_SITE;
    return 0;
}

/* Loads the stored results of a whole-population evaluation for the date, if there was one. */
static bool load_stored(struct store *s, const struct query *q, struct eval_result *r)
{
    char d[16];
    date_format(q->as_of, d);
    if (store_evaluation_counts(s, d, &r->patients, &r->ltot, &r->excluded) != 1)
        return false;
    size_t rounds = q->f.npatients ? q->f.npatients : 1;
    for (size_t k = 0; k < rounds && !q->empty_list; k++)
        store_results_each(s, d, q->f.site, q->f.clinician,
                           q->f.npatients ? q->f.patients[k] : q->f.patient, add_row, r);
    return true;
}

static const char *const level_names[] = {"patient", "clinician", "site"};

/* Pushes one gap; plugins of stored rows come from the check registry at map_idx. */
static void push_gap(lua_State *L, const struct gap *g, int map_idx)
{
    char d[16];
    lua_createtable(L, 0, 9);
    lf_str(L, "check", g->check);
    if (g->plugin && *g->plugin) {
        lf_str(L, "plugin", g->plugin);
    } else {
        lua_getfield(L, map_idx, g->check ? g->check : "");
        lua_setfield(L, -2, "plugin");
    }
    lf_str(L, "level", level_names[g->level]);
    lf_str(L, "patient", g->patient);
    lf_str(L, "clinician", g->clinician);
    lf_str(L, "site", g->site);
    lf_str(L, "severity", g->severity);
    lf_str(L, "due", g->due == DATE_NONE ? NULL : date_format(g->due, d));
    lf_str(L, "detail", g->detail);
}

/* check id -> plugin id, for stored rows. */
static void push_check_owners(struct host *h)
{
    lua_State *L = h->L;
    lua_newtable(L);
    host_push_registry(h, REG_CHECKS);
    lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, -1, i);
        lua_getfield(L, -1, "id");
        lua_getfield(L, -2, "plugin");
        lua_rawset(L, -5);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

/* sixbb.report.gaps{ as_of=, site=, clinician=, patient= } -> gaps, summary */
static int l_gaps(lua_State *L)
{
    static const char *const allowed[] = {"as_of",   "site",     "clinician",
                                          "patient", "patients", NULL};
    struct query q;
    read_query(L, &q, allowed);
    struct host *h = host_from_lua(L);
    if (!h->store)
        return luaL_error(L, "sixbb.report needs a site (no site database is open)");
    struct eval_result r;
    memset(&r, 0, sizeof r);
    r.as_of = q.as_of;
    bool stored = load_stored(h->store, &q, &r);
    if (!stored && !q.empty_list && eval_run(shared_eval(L), q.as_of, &q.f, &r, NULL) != 0) {
        eval_result_free(&r);
        return luaL_error(L, "sixbb.report.gaps: the evaluation failed (see the message above)");
    }
    if (r.ngaps)
        eval_gaps_sort(r.gaps, r.ngaps, GAP_ORDER_BY_LEVEL);
    push_check_owners(h);
    int owners = lua_gettop(L);
    lua_createtable(L, (int)r.ngaps, 0);
    for (size_t i = 0; i < r.ngaps; i++) {
        push_gap(L, &r.gaps[i], owners);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    char d[16];
    lua_createtable(L, 0, 6);
    lf_str(L, "as_of", date_format(q.as_of, d));
    lf_str(L, "source", stored ? "stored" : "evaluated");
    lua_pushinteger(L, r.patients);
    lua_setfield(L, -2, "patients");
    lua_pushinteger(L, r.ltot);
    lua_setfield(L, -2, "ltot");
    lua_pushinteger(L, r.excluded);
    lua_setfield(L, -2, "excluded");
    eval_result_free(&r);
    return 2;
}

/* ------------------------------------------------------------------ patients */

struct collect {
    lua_State *L;
    int list;
    lua_Integer n;
    const day_t *med_on; /* dates for p.med_on, or NULL */
    size_t nmed_on;
};

/* p.med_on[date] = the MED on each date asked for, from the patient's timeline as of the
 * evaluation date (a fill after a date cannot be active on it, so this is the MED as of it). */
static void set_med_on(struct eval *e, struct collect *c)
{
    lua_State *L = c->L;
    const struct med_timeline *tl = eval_timeline(e);
    lua_createtable(L, 0, (int)c->nmed_on);
    char d[16];
    for (size_t i = 0; i < c->nmed_on; i++) {
        lua_pushnumber(L, med_timeline_med_at(tl, c->med_on[i]));
        lua_setfield(L, -2, date_format(c->med_on[i], d));
    }
    lua_setfield(L, -2, "med_on");
}

static void collect_patient(struct eval *e, void *ud)
{
    struct collect *c = ud;
    if (c->med_on)
        set_med_on(e, c);
    lua_pushvalue(c->L, -1);
    lua_rawseti(c->L, c->list, ++c->n);
}

/* Option med_on: a list of dates, kept in a userdata left on the stack. */
static void read_med_on(lua_State *L, const struct query *q, struct collect *c)
{
    if (lua_getfield(L, 1, "med_on") == LUA_TNIL) {
        lua_pop(L, 1);
        return;
    }
    if (!lua_istable(L, -1))
        luaL_error(L, "option 'med_on' must be a list of dates");
    if (!q->f.patient && !q->f.npatients && !q->empty_list)
        luaL_error(L, "option 'med_on' needs 'patient' or 'patients'");
    size_t n = lua_rawlen(L, -1);
    day_t *days = lua_newuserdatauv(L, (n ? n : 1) * sizeof *days, 0);
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, -2, (lua_Integer)i + 1);
        const char *s = lua_tostring(L, -1);
        if (!s || date_parse(s, strlen(s), &days[i]) != 0)
            luaL_error(L, "option 'med_on' must be a list of dates (YYYY-MM-DD)");
        lua_pop(L, 1);
    }
    lua_remove(L, -2);
    c->med_on = days;
    c->nmed_on = n;
}

/* p.gaps for every collected patient: the gaps of the run, in report order. */
static void attach_gaps(lua_State *L, struct host *h, int list, struct eval_result *r)
{
    if (r->ngaps)
        eval_gaps_sort(r->gaps, r->ngaps, GAP_ORDER_BY_LEVEL);
    push_check_owners(h);
    int owners = lua_gettop(L);
    lua_newtable(L); /* id -> p */
    int byid = lua_gettop(L);
    for (lua_Integer i = 1; i <= (lua_Integer)lua_rawlen(L, list); i++) {
        lua_rawgeti(L, list, i);
        lua_newtable(L);
        lua_setfield(L, -2, "gaps");
        lua_getfield(L, -1, "id");
        lua_insert(L, -2);
        lua_rawset(L, byid);
    }
    for (size_t i = 0; i < r->ngaps; i++) {
        if (!r->gaps[i].patient || lua_getfield(L, byid, r->gaps[i].patient) != LUA_TTABLE) {
            lua_pop(L, 1);
            continue;
        }
        lua_getfield(L, -1, "gaps");
        push_gap(L, &r->gaps[i], owners);
        lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
        lua_pop(L, 2);
    }
    lua_settop(L, owners - 1);
}

/* sixbb.report.patients{ as_of=, site=, clinician=, patient=, patients=, all=, gaps=, med_on= }
 * -> list of fact tables */
static int l_patients(lua_State *L)
{
    static const char *const allowed[] = {"as_of", "site", "clinician", "patient", "patients",
                                          "all",   "gaps", "med_on",    NULL};
    struct query q;
    read_query(L, &q, allowed);
    lua_getfield(L, 1, "gaps");
    bool with_gaps = lua_toboolean(L, -1);
    lua_pop(L, 1);
    struct collect c = {L, 0, 0, NULL, 0};
    read_med_on(L, &q, &c);
    struct eval *e = shared_eval(L);
    lua_newtable(L);
    c.list = lua_gettop(L);
    struct eval_result r;
    memset(&r, 0, sizeof r);
    int rc = 0;
    if (!q.empty_list)
        rc = with_gaps ? eval_each_patient_checked(e, q.as_of, &q.f, q.all, collect_patient, &c, &r)
                       : eval_each_patient(e, q.as_of, &q.f, q.all, collect_patient, &c, &r);
    lua_settop(L, c.list);
    if (rc == 0 && with_gaps)
        attach_gaps(L, host_from_lua(L), c.list, &r);
    eval_result_free(&r);
    if (rc != 0)
        return luaL_error(L,
                          "sixbb.report.patients: the evaluation failed (see the message above)");
    return 1;
}

/* ------------------------------------------------------------------ med_series */

struct series {
    day_t from, to;
    double *out;
    bool found;
};

static void series_patient(struct eval *e, void *ud)
{
    struct series *sr = ud;
    med_timeline_daily(eval_timeline(e), sr->from, sr->to, sr->out);
    sr->found = true;
}

static day_t opt_date(lua_State *L, const char *name, day_t dflt)
{
    const char *s = opt_str(L, name);
    day_t d = dflt;
    if (s && date_parse(s, strlen(s), &d) != 0)
        luaL_error(L, "option '%s' must be a date (YYYY-MM-DD), got '%s'", name, s);
    return d;
}

#define SERIES_MAX_DAYS 3660

/* sixbb.report.med_series{ patient=, from=, to= } -> { {date=, med=}, ... } one per day, or
 * nil when there is no such patient. The timeline is built as of `to`, as evaluation does. */
static int l_med_series(lua_State *L)
{
    static const char *const allowed[] = {"patient", "from", "to", NULL};
    struct query q;
    read_query(L, &q, allowed);
    if (!q.f.patient)
        return luaL_error(L, "sixbb.report.med_series needs the option 'patient'");
    day_t to = opt_date(L, "to", q.as_of);
    day_t from = opt_date(L, "from", to - 364);
    if (from > to || to - from >= SERIES_MAX_DAYS)
        return luaL_error(L,
                          "sixbb.report.med_series: 'from' must be on or before 'to', and "
                          "at most %d days before it",
                          SERIES_MAX_DAYS - 1);
    struct eval *e = shared_eval(L);
    size_t n = (size_t)(to - from) + 1;
    struct series sr = {from, to, xcalloc(n, sizeof(double)), false};
    struct eval_result r;
    struct eval_filter f = {.patient = q.f.patient};
    int rc = eval_each_patient(e, to, &f, true, series_patient, &sr, &r);
    eval_result_free(&r);
    if (rc != 0 || !sr.found) {
        free(sr.out);
        if (rc != 0)
            return luaL_error(L, "sixbb.report.med_series: the evaluation failed");
        lua_pushnil(L);
        return 1;
    }
    lua_createtable(L, (int)n, 0);
    char d[16];
    for (size_t i = 0; i < n; i++) {
        lua_createtable(L, 0, 2);
        lf_str(L, "date", date_format(from + (day_t)i, d));
        lua_pushnumber(L, sr.out[i]);
        lua_setfield(L, -2, "med");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    free(sr.out);
    return 1;
}

/* ------------------------------------------------------------------ names */

/* sixbb.report.names{ "P1", "P2", ... } -> { P1 = "name", ... } when the site's config sets
 * reports.show_names = true; otherwise an empty table, so names (PHI) stay out of reports
 * unless a site chose to show them. */
static int l_names(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    struct host *h = host_from_lua(L);
    host_push_config_path(h, "reports.show_names");
    bool show = lua_toboolean(L, -1);
    lua_pop(L, 1);
    lua_newtable(L);
    if (!show || !h->store)
        return 1;
    int out = lua_gettop(L);
    lua_Integer n = (lua_Integer)lua_rawlen(L, 1);
    for (lua_Integer i = 1; i <= n; i++) {
        if (lua_rawgeti(L, 1, i) != LUA_TSTRING) {
            lua_pop(L, 1);
            continue;
        }
        const char *id = lua_tostring(L, -1);
        char *name = store_patient_name(h->store, id);
        if (name) {
            lua_pushstring(L, name);
            free(name);
            lua_setfield(L, out, id);
        }
        lua_pop(L, 1);
    }
    return 1;
}

/* ------------------------------------------------------------------ evidence */

/* sixbb.report.evidence{ site=, as_of= } -> the table milestones' evidence functions read */
static int l_evidence(lua_State *L)
{
    static const char *const allowed[] = {"site", "as_of", NULL};
    struct query q;
    read_query(L, &q, allowed);
    struct eval *e = shared_eval(L);
    if (eval_push_evidence(e, q.as_of, q.f.site ? q.f.site : "") != 0)
        return luaL_error(L, "sixbb.report.evidence: the evaluation failed");
    return 1;
}

/* ------------------------------------------------------------------ runchart */

static double opt_num(lua_State *L, const char *name, double dflt)
{
    lua_getfield(L, 1, name);
    double v = lua_isnil(L, -1) ? dflt : lua_tonumber(L, -1);
    if (!lua_isnil(L, -1) && !lua_isnumber(L, -1))
        luaL_error(L, "option '%s' must be a number", name);
    lua_pop(L, 1);
    return v;
}

/* Reads points and phases into C arrays; on a bad entry writes err and returns -1 with nothing
 * left allocated, so the caller can raise the error safely. */
static int read_series(lua_State *L, double **values, const char ***labels, size_t *n,
                       struct rc_phase_in **phases, size_t *nph, char *err, size_t errlen)
{
    *values = NULL;
    *labels = NULL;
    *phases = NULL;
    if (lua_getfield(L, 1, "points") != LUA_TTABLE) {
        snprintf(err, errlen, "option 'points' must be a list of { label = ..., value = ... }");
        return -1;
    }
    int pts = lua_gettop(L);
    *n = lua_rawlen(L, pts);
    *values = xcalloc(*n ? *n : 1, sizeof **values);
    *labels = xcalloc(*n ? *n : 1, sizeof **labels);
    for (size_t i = 0; i < *n; i++) {
        lua_rawgeti(L, pts, (lua_Integer)i + 1);
        lua_getfield(L, -1, "value");
        lua_getfield(L, -2, "label");
        if (!lua_istable(L, -3) || !lua_isnumber(L, -2) || lua_type(L, -1) != LUA_TSTRING) {
            snprintf(err, errlen, "points[%zu] must be { label = string, value = number }", i + 1);
            goto fail;
        }
        (*values)[i] = lua_tonumber(L, -2);
        (*labels)[i] = lua_tostring(L, -1); /* kept alive by the points table */
        lua_pop(L, 3);
    }
    lua_pop(L, 1);
    lua_getfield(L, 1, "phases");
    *nph = lua_istable(L, -1) ? lua_rawlen(L, -1) : 0;
    *phases = xcalloc(*nph ? *nph : 1, sizeof **phases);
    for (size_t k = 0; k < *nph; k++) {
        lua_rawgeti(L, -1, (lua_Integer)k + 1);
        lua_getfield(L, -1, "start");
        lua_getfield(L, -2, "baseline");
        lua_Integer start = lua_tointeger(L, -2), base = lua_tointeger(L, -1);
        if (start < 2 || base < 0) {
            snprintf(err, errlen, "phases[%zu].start must be a point number of 2 or more", k + 1);
            goto fail;
        }
        (*phases)[k].start = (size_t)start - 1;
        (*phases)[k].baseline = (size_t)base;
        lua_pop(L, 3);
    }
    lua_pop(L, 1);
    return 0;
fail:
    free(*values);
    free(*labels);
    free(*phases);
    *values = NULL;
    *labels = NULL;
    *phases = NULL;
    return -1;
}

static void push_analysis(lua_State *L, const struct rc_result *r, const double *v,
                          const char *const *labels)
{
    lua_createtable(L, 0, 3);
    lua_createtable(L, (int)r->nphases, 0);
    for (size_t k = 0; k < r->nphases; k++) {
        const struct rc_phase *p = &r->phases[k];
        lua_createtable(L, 0, 9);
        lf_int(L, "start", (lua_Integer)p->start + 1);
        lf_int(L, "last", (lua_Integer)p->end);
        lf_int(L, "baseline", (lua_Integer)p->baseline);
        lf_num(L, "median", p->median);
        lf_num(L, "sigma", p->sigma);
        lf_int(L, "useful", p->useful);
        lf_int(L, "runs", p->runs);
        if (p->runs_lo) {
            lf_int(L, "runs_min", p->runs_lo);
            lf_int(L, "runs_max", p->runs_hi);
        }
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    lua_setfield(L, -2, "phases");
    lua_createtable(L, (int)r->n, 0);
    for (size_t i = 0; i < r->n; i++) {
        lua_createtable(L, 0, 7);
        lf_str(L, "label", labels[i]);
        lf_num(L, "value", v[i]);
        lf_num(L, "median", r->center[i]);
        lf_bool(L, "shift", r->flags[i] & RC_FLAG_SHIFT);
        lf_bool(L, "trend", r->flags[i] & RC_FLAG_TREND);
        lf_bool(L, "astronomical", r->flags[i] & RC_FLAG_ASTRONOMICAL);
        lf_bool(L, "on_median", r->flags[i] & RC_FLAG_ON_MEDIAN);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "points");
    lua_createtable(L, (int)r->nsignals, 0);
    for (size_t k = 0; k < r->nsignals; k++) {
        const struct rc_signal *s = &r->signals[k];
        lua_createtable(L, 0, 6);
        lf_str(L, "rule", runchart_rule_name(s->rule));
        lf_int(L, "phase", (lua_Integer)s->phase + 1);
        lf_int(L, "first", (lua_Integer)s->first + 1);
        lf_int(L, "last", (lua_Integer)s->last + 1);
        lf_str(L, "text", s->text);
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    lua_setfield(L, -2, "signals");
}

/* sixbb.report.runchart{ points=, baseline=, phases=, astronomical=, shift=, trend= } */
static int l_runchart(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    struct host *h = host_from_lua(L);
    struct render_options ro;
    report_render_options(h, &ro);
    ro.rc.astro_sigmas = opt_num(L, "astronomical", ro.rc.astro_sigmas);
    ro.rc.shift_min = (int)opt_num(L, "shift", ro.rc.shift_min);
    ro.rc.trend_min = (int)opt_num(L, "trend", ro.rc.trend_min);
    double baseline = opt_num(L, "baseline", (double)ro.baseline);
    double *v;
    const char **labels;
    size_t n, nph;
    struct rc_phase_in *ph;
    char err[200];
    if (read_series(L, &v, &labels, &n, &ph, &nph, err, sizeof err) != 0)
        return luaL_error(L, "sixbb.report.runchart: %s", err);
    struct rc_result r;
    int rc = runchart_analyze(v, labels, n, ph, nph, baseline > 0 ? (size_t)baseline : 0, &ro.rc,
                              &r, err, sizeof err);
    if (rc == 0)
        push_analysis(L, &r, v, labels);
    runchart_free(&r);
    free(v);
    free(labels);
    free(ph);
    if (rc != 0)
        return luaL_error(L, "sixbb.report.runchart: %s", err);
    return 1;
}

static const char *opt_string(lua_State *L, int t, const char *k)
{
    lua_getfield(L, t, k);
    const char *v = lua_isstring(L, -1) ? lua_tostring(L, -1) : NULL;
    lua_pop(L, 1); /* the string stays alive in the options table */
    return v;
}

/* The whole of sixbb.report.run, with C memory released on every path before any Lua error:
 * fills path (relative to the site folder, as outbox attachments are named; caller frees) or
 * err. */
static int run_to_file(struct host *h, const struct report_request *rq, char **path, char *err,
                       size_t errlen)
{
    bool usage = false;
    cJSON *doc = report_run(h, rq, err, errlen, &usage);
    if (!doc)
        return -1;
    struct render_options ro;
    report_render_options(h, &ro);
    struct buf out = {0};
    int rc = render_document(doc, rq->format, &ro, &out, err, errlen);
    cJSON_Delete(doc);
    if (rc != 0) {
        buf_free(&out);
        return -1;
    }
    char d[16];
    date_format(rq->as_of, d);
    char *dir = xasprintf("%s/out/reports", h->site_dir);
    mkdir(dir, 0700);
    free(dir);
    *path = xasprintf("out/reports/%s-%s%s%s%s%s.%s", rq->id, d, rq->site ? "-" : "",
                      rq->site ? rq->site : "", rq->clinician ? "-" : "",
                      rq->clinician ? rq->clinician : "",
                      rq->format == RENDER_HTML   ? "html"
                      : rq->format == RENDER_CSV  ? "csv"
                      : rq->format == RENDER_JSON ? "json"
                                                  : "txt");
    char *full = path_join(h->site_dir, *path);
    rc = write_file_atomic(full, out.data ? out.data : "", out.len, 0600);
    buf_free(&out);
    if (rc != 0) {
        snprintf(err, errlen, "cannot write %s", full);
        free(full);
        free(*path);
        *path = NULL;
        return -1;
    }
    report_record(h->store, rq->id, rq->as_of, render_format_name(rq->format), full, rq->site);
    free(full);
    return 0;
}

/* sixbb.report.run(id, { as_of=, site=, clinician=, patient=, format = "html" }) -> path
 * Produces a report into the site's out/reports/ (mode 0600) and records it, for jobs that
 * attach reports to reminders. */
static int l_run(lua_State *L)
{
    struct host *h = host_from_lua(L);
    const char *id = luaL_checkstring(L, 1);
    if (!lua_isnoneornil(L, 2))
        luaL_checktype(L, 2, LUA_TTABLE);
    else {
        lua_settop(L, 1);
        lua_newtable(L);
    }
    if (!h->store || !h->site_dir)
        return luaL_error(L, "sixbb.report.run needs a site (no site database is open)");
    struct report_request rq;
    memset(&rq, 0, sizeof rq);
    rq.id = id;
    rq.format = RENDER_HTML;
    rq.site = opt_string(L, 2, "site");
    rq.clinician = opt_string(L, 2, "clinician");
    rq.patient = opt_string(L, 2, "patient");
    const char *as_of = opt_string(L, 2, "as_of");
    const char *format = opt_string(L, 2, "format");
    if (as_of && date_parse(as_of, strlen(as_of), &rq.as_of) != 0)
        return luaL_error(L, "sixbb.report.run: as_of '%s' is not a date (YYYY-MM-DD)", as_of);
    if (!as_of)
        rq.as_of = date_today(host_config_string(h, "timezone"));
    if (format && render_format_parse(format, &rq.format) != 0)
        return luaL_error(L, "sixbb.report.run: unknown format '%s' (text, csv, json, html)",
                          format);
    char err[1024];
    char *path = NULL;
    if (run_to_file(h, &rq, &path, err, sizeof err) != 0)
        return luaL_error(L, "sixbb.report.run: %s", err);
    lua_pushstring(L, path);
    free(path);
    return 1;
}

/* sixbb.report.exists(id) -> whether a report with this id is registered. */
static int l_exists(lua_State *L)
{
    struct host *h = host_from_lua(L);
    host_push_entry(h, REG_REPORTS, luaL_checkstring(L, 1));
    lua_pushboolean(L, !lua_isnil(L, -1));
    return 1;
}

int luaopen_sixbb_report(lua_State *L)
{
    static const luaL_Reg fns[] = {{"gaps", l_gaps},
                                   {"patients", l_patients},
                                   {"runchart", l_runchart},
                                   {"med_series", l_med_series},
                                   {"names", l_names},
                                   {"evidence", l_evidence},
                                   {"run", l_run},
                                   {"exists", l_exists},
                                   {NULL, NULL}};
    luaL_newlib(L, fns);
    return 1;
}
