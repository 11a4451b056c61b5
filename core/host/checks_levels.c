/* The clinician- and site-level checks, run after a pass over the patients: each clinician and
 * each site gets a facts table of its own (docs/facts.md) with the counts the pass tallied. */
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "checks_internal.h"
#include "store_eval.h"
#include "util.h"
#include "lua_fields.h"

static void run_level_checks(struct eval *e, enum gap_level level, const char *id, const char *site)
{
    int facts_idx = lua_gettop(e->h->L);
    for (size_t i = 0; i < e->nchecks; i++) {
        struct check_def *c = &e->checks[i];
        if (c->level != level || !check_selected(c, e->flt))
            continue;
        struct outcome o;
        run_check(e, c, facts_idx, &o);
        if (o.error)
            e->r->check_errors++;
        else if (o.gap)
            checks_result_add(e->r, c, NULL, level == LEVEL_CLINICIAN ? id : NULL, site, o.severity,
                              o.due, o.detail);
    }
}

static bool level_wanted(struct eval *e, enum gap_level level)
{
    if (e->flt->patient || e->flt->npatients)
        return false;
    for (size_t i = 0; i < e->nchecks; i++)
        if (e->checks[i].level == level && check_selected(&e->checks[i], e->flt))
            return true;
    return false;
}

static void on_clinician(const struct store_clinician *c, void *ud)
{
    struct eval *e = ud;
    lua_State *L = e->h->L;
    char id[ID_MAX], site[ID_MAX], d[16];
    str_copy(id, sizeof id, c->id ? c->id : "");
    str_copy(site, sizeof site, c->site ? c->site : "");
    lua_createtable(L, 0, 8);
    lf_str(L, "id", id);
    lf_str(L, "site", site);
    lf_str(L, "as_of", date_format(e->as_of, d));
    const char *const opt[][2] = {{"role", c->role},
                                  {"pdmp_registered", c->pdmp_registered},
                                  {"delegate_of", c->delegate_of}};
    for (size_t k = 0; k < ARRAY_LEN(opt); k++)
        if (opt[k][1] && *opt[k][1])
            lf_str(L, opt[k][0], opt[k][1]);
    lua_pushinteger(L, eval_engine_ltot_patients(e->en, LEVEL_CLINICIAN, id));
    lua_setfield(L, -2, "ltot_patients");
    run_level_checks(e, LEVEL_CLINICIAN, id, site);
    lua_pop(L, 1);
}

struct site_list {
    struct {
        char id[ID_MAX], name[128];
    } * v;
    size_t n;
};

static void on_site(const char *id, const char *name, void *ud)
{
    struct site_list *l = ud;
    l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
    str_copy(l->v[l->n].id, sizeof l->v[l->n].id, id ? id : "");
    snprintf(l->v[l->n].name, sizeof l->v[l->n].name, "%s", name ? name : "");
    l->n++;
}

static void on_meeting(const char *type, const char *date, void *ud)
{
    lua_State *L = ud;
    lua_pushstring(L, date);
    lua_setfield(L, -2, type);
}

/* s.stage and s.track: the program stage in force at the as-of date (site_stages, see
 * docs/facilitators.md), so stage-specific program checks such as action-plan-meeting-due can
 * skip clinics the stage does not concern. Both stay nil when no stage is recorded. */
static void on_stage(const char *stage, const char *track, void *ud)
{
    lf_str(ud, "stage", stage);
    lf_str(ud, "track", track);
}

static void site_checks(struct eval *e)
{
    lua_State *L = e->h->L;
    char d[16];
    date_format(e->as_of, d);
    /* Sites are read first: the meeting query below reuses the connection. */
    struct site_list sites = {0};
    store_eval_sites(e->s, e->flt->site, on_site, &sites);
    for (size_t i = 0; i < sites.n; i++) {
        lua_createtable(L, 0, 6);
        lf_str(L, "id", sites.v[i].id);
        lf_str(L, "name", sites.v[i].name);
        lf_str(L, "as_of", d);
        lua_pushinteger(L, eval_engine_ltot_patients(e->en, LEVEL_SITE, sites.v[i].id));
        lua_setfield(L, -2, "ltot_patients");
        lua_newtable(L);
        store_eval_last_meetings(e->s, sites.v[i].id, d, on_meeting, L);
        lua_setfield(L, -2, "last_meeting");
        store_eval_site_stage(e->s, sites.v[i].id, d, on_stage, L);
        run_level_checks(e, LEVEL_SITE, sites.v[i].id, sites.v[i].id);
        lua_pop(L, 1);
    }
    free(sites.v);
}

void checks_run_levels(struct eval *e)
{
    if (level_wanted(e, LEVEL_CLINICIAN))
        store_eval_clinicians(e->s, e->flt->site, e->flt->clinician, on_clinician, e);
    if (level_wanted(e, LEVEL_SITE) && !e->flt->clinician)
        site_checks(e);
}
