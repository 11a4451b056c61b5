/* sixbb.measures: the measures engine for report code. compute{} runs every registered measure
 * over a range of months and hands back the definitions, the periods, one row per measure,
 * period and group, and the patient lists. The evaluation context is opened on first use and
 * kept for the life of the host, because opening it loads the MED tables. */
#include <lauxlib.h>
#include <string.h>

#include "checks.h"
#include "eval_config.h"
#include "host.h"
#include "measures_run.h"
#include "store.h"
#include "store_eval.h"
#include "util.h"
#include "shared_eval.h"
#include "lua_fields.h"

static struct eval *measures_eval(lua_State *L)
{
    return lua_shared_eval(L, "sixbb.measures");
}

static const char *opt_str(lua_State *L, const char *name)
{
    lua_getfield(L, 1, name);
    if (!lua_isnil(L, -1) && lua_type(L, -1) != LUA_TSTRING)
        luaL_error(L, "option '%s' must be a string, got %s", name, luaL_typename(L, -1));
    const char *s = lua_tostring(L, -1);
    lua_pop(L, 1); /* the options table keeps the string alive */
    return s;
}

static day_t opt_date(lua_State *L, const char *name, day_t dflt)
{
    const char *s = opt_str(L, name);
    day_t d;
    if (!s)
        return dflt;
    if (date_parse(s, strlen(s), &d) != 0)
        luaL_error(L, "option '%s' must be a YYYY-MM-DD date, got '%s'", name, s);
    return d;
}

static void push_defs(lua_State *L, const struct measures *m)
{
    lua_createtable(L, (int)m->ndefs, 0);
    for (size_t i = 0; i < m->ndefs; i++) {
        const struct measure_info *d = &m->defs[i];
        lua_createtable(L, 0, 8);
        lf_str(L, "id", d->id);
        lf_str(L, "title", d->title);
        lf_str(L, "kind", d->kind_name ? d->kind_name : "rate");
        lf_str(L, "unit", d->unit);
        lf_str(L, "better", d->better);
        lf_str(L, "description", d->description);
        lf_str(L, "plugin", d->plugin);
        lf_str(L, "standard", d->standard);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
}

static const char *period_label(const struct measures *m, size_t measure, size_t period)
{
    return m->defs[measure].kind == MK_ANNUAL ? m->year : m->periods[period].label;
}

static void push_rows(lua_State *L, const struct measures *m)
{
    static const char *const levels[] = {"organisation", "site", "clinician"};
    lua_createtable(L, (int)m->nrows, 0);
    for (size_t i = 0; i < m->nrows; i++) {
        const struct measure_row *r = &m->rows[i];
        const struct measure_info *d = &m->defs[r->measure];
        lua_createtable(L, 0, 9);
        lf_str(L, "measure", d->id);
        lf_str(L, "period", period_label(m, r->measure, r->period));
        lf_str(L, "level", levels[r->level]);
        lf_str(L, "site", r->site);
        lf_str(L, "clinician", r->clinician);
        lf_num(L, "numerator", r->numerator);
        if (d->kind != MK_COUNT)
            lf_num(L, "denominator", r->denominator);
        if (r->has_value)
            lf_num(L, d->kind == MK_RATE || d->kind == MK_ANNUAL ? "rate" : "value", r->value);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
}

static void push_column_str(lua_State *L, const char *k, const char *v, lua_Integer i)
{
    lua_getfield(L, -1, k);
    lua_pushstring(L, v ? v : "");
    lua_rawseti(L, -2, i);
    lua_pop(L, 1);
}

/* lists[measure] = { period =, patient = {...}, site = {...}, clinician = {...},
 * numerator = {...}, value = {...} }: columns rather than a table per entry, because an
 * organisation's lists run to hundreds of thousands of entries. Only the clinician's entries
 * when list_clinician is given. */
static void push_lists(lua_State *L, const struct measures *m, const char *only)
{
    static const char *const cols[] = {"patient", "site", "clinician", "numerator", "value"};
    lua_createtable(L, 0, (int)m->ndefs);
    for (size_t i = 0; i < m->nlists; i++) {
        const struct measure_list_entry *l = &m->lists[i];
        if (only && (!l->clinician || strcmp(l->clinician, only) != 0))
            continue;
        const char *id = m->defs[l->measure].id;
        if (lua_getfield(L, -1, id) != LUA_TTABLE) {
            lua_pop(L, 1);
            lua_createtable(L, 0, 6);
            for (size_t k = 0; k < ARRAY_LEN(cols); k++) {
                lua_newtable(L);
                lua_setfield(L, -2, cols[k]);
            }
            lf_str(L, "period", period_label(m, l->measure, l->period));
            lua_pushvalue(L, -1);
            lua_setfield(L, -3, id);
        }
        lua_getfield(L, -1, "patient");
        lua_Integer n = (lua_Integer)lua_rawlen(L, -1) + 1;
        lua_pop(L, 1);
        push_column_str(L, "patient", l->patient, n);
        push_column_str(L, "site", l->site, n);
        push_column_str(L, "clinician", l->clinician, n);
        lua_getfield(L, -1, "numerator");
        lua_pushboolean(L, l->numerator);
        lua_rawseti(L, -2, n);
        lua_getfield(L, -2, "value");
        lua_pushnumber(L, l->value);
        lua_rawseti(L, -2, n);
        lua_pop(L, 3);
    }
}

/* compute{ as_of =, from =, to =, site =, clinician =, lists = "latest"|"all", list_clinician =,
 * store = bool } */
static int l_compute(lua_State *L)
{
    if (lua_isnoneornil(L, 1)) {
        lua_settop(L, 0);
        lua_newtable(L);
    }
    luaL_checktype(L, 1, LUA_TTABLE);
    struct host *h = host_from_lua(L);
    day_t today;
    char err[128];
    if (host_as_of(h, NULL, &today, err, sizeof err) != 0)
        return luaL_error(L, "sixbb.measures: cannot tell today's date");
    day_t as_of = opt_date(L, "as_of", today);
    struct measures_request rq = {.to = opt_date(L, "to", as_of)};
    rq.from = opt_date(L, "from", measures_default_from(rq.to));
    rq.site = opt_str(L, "site");
    rq.clinician = opt_str(L, "clinician");
    const char *lists = opt_str(L, "lists");
    const char *list_clinician = opt_str(L, "list_clinician");
    rq.all_lists = lists && strcmp(lists, "all") == 0;
    lua_getfield(L, 1, "store");
    rq.store = lua_toboolean(L, -1);
    lua_pop(L, 1);
    struct measures *m = measures_compute(measures_eval(L), &rq);
    if (!m)
        return luaL_error(L, "sixbb.measures.compute: the measures failed (see the message above)");
    lua_createtable(L, 0, 6);
    char d[16];
    lf_str(L, "as_of", date_format(rq.to, d));
    lf_str(L, "year", m->year);
    push_defs(L, m);
    lua_setfield(L, -2, "measures");
    lua_createtable(L, (int)m->nperiods, 0);
    for (size_t i = 0; i < m->nperiods; i++) {
        lua_createtable(L, 0, 2);
        lf_str(L, "label", m->periods[i].label);
        lf_str(L, "end", date_format(m->periods[i].end, d));
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "periods");
    push_rows(L, m);
    lua_setfield(L, -2, "rows");
    push_lists(L, m, list_clinician);
    lua_setfield(L, -2, "lists");
    measures_free(m);
    return 1;
}

struct aims_out {
    lua_State *L;
    int n;
};

static void push_aim(const struct store_aim *a, void *ud)
{
    struct aims_out *o = ud;
    lua_State *L = o->L;
    lua_createtable(L, 0, 7);
    lf_num(L, "id", (double)a->id);
    lf_str(L, "measure", a->measure);
    lf_str(L, "site", a->site && *a->site ? a->site : NULL);
    lf_num(L, "target", a->target);
    lf_str(L, "by", a->by);
    lf_str(L, "note", a->note);
    lf_str(L, "created", a->created);
    lua_rawseti(L, -2, ++o->n);
}

/* aims{} → the stored aims: {id, measure, site (nil for the organisation), target, by, note,
 * created}, ordered by measure, site and date. */
static int l_aims(lua_State *L)
{
    struct host *h = host_from_lua(L);
    if (!h->store)
        return luaL_error(L, "sixbb.measures.aims needs a site (no site database is open)");
    lua_newtable(L);
    struct aims_out out = {L, 0};
    if (store_eval_aims(h->store, push_aim, &out) != 0)
        return luaL_error(L, "sixbb.measures.aims: %s", store_errmsg(h->store));
    return 1;
}

int luaopen_sixbb_measures(lua_State *L)
{
    static const luaL_Reg fns[] = {{"compute", l_compute}, {"aims", l_aims}, {NULL, NULL}};
    luaL_newlib(L, fns);
    return 1;
}
