/* The facts table `p` the plugins' checks read (docs/facts.md), built from the facts evaluation
 * computed in C. */
#include "facts_push.h"

#include <lauxlib.h>

static void set_date(lua_State *L, const char *key, day_t d)
{
    if (d == DATE_NONE)
        return;
    char buf[16];
    lua_pushstring(L, date_format(d, buf));
    lua_setfield(L, -2, key);
}

static void set_str(lua_State *L, const char *key, const char *s)
{
    if (!s || !*s)
        return;
    lua_pushstring(L, s);
    lua_setfield(L, -2, key);
}

static void set_bool(lua_State *L, const char *key, bool v)
{
    lua_pushboolean(L, v);
    lua_setfield(L, -2, key);
}

static void set_num(lua_State *L, const char *key, double v)
{
    lua_pushnumber(L, v);
    lua_setfield(L, -2, key);
}

static void set_int(lua_State *L, const char *key, long v)
{
    lua_pushinteger(L, v);
    lua_setfield(L, -2, key);
}

void facts_push(lua_State *L, const struct rules *ru, const struct patient_rows *pr,
                const struct facts *f, day_t as_of)
{
    lua_createtable(L, 0, 40);
    set_str(L, "id", pr->id);
    set_str(L, "site", pr->site);
    if (pr->has_clinician)
        set_str(L, "clinician", pr->clinician);
    set_date(L, "as_of", as_of);
    set_int(L, "age", f->age);
    set_str(L, "sex", pr->sex);
    set_bool(L, "ltot", f->ltot);
    set_str(L, "ltot_rule", ltot_rule_names[ru->ltot_rule]);
    set_str(L, "ltot_reason", f->ltot_reason);
    set_bool(L, "meets_fill_rule", f->fill_rule);
    set_bool(L, "labeled", pr->labeled);
    set_str(L, "label_code", pr->label_code);
    set_bool(L, "excluded", f->excluded);
    set_str(L, "exclusion", f->excluded ? pr->exclusion : NULL);
    set_num(L, "med", f->med);
    set_bool(L, "med_unknown", f->med_unknown);
    set_str(L, "med_unknown_detail", f->med_unknown_detail);
    set_num(L, "med_max_90", f->med_max90);
    set_num(L, "med_avg_90", f->med_avg90);
    set_int(L, "days_covered_90", f->covered90);
    set_int(L, "benzo_overlap_days", f->benzo_overlap);
    set_bool(L, "oud", pr->oud);
    set_date(L, "oud_date", pr->oud ? pr->oud_date : DATE_NONE);
    set_bool(L, "overdose_ever", f->overdose_ever);
    set_str(L, "risk", risk_names[f->risk]);
    set_int(L, "review_interval", ru->interval[f->risk]);
    set_date(L, "next_visit", pr->next_visit);

    lua_createtable(L, 0, EV_N + 1);
    for (int i = 0; i < EV_N; i++)
        set_date(L, event_names[i], pr->last_event[i]);
    set_date(L, "visit", pr->last_visit);
    lua_setfield(L, -2, "last");

    lua_createtable(L, 0, 4);
    set_date(L, "naloxone", pr->last_fill_naloxone);
    set_date(L, "moud", pr->last_fill_moud);
    set_date(L, "opioid", pr->last_fill_opioid);
    set_date(L, "benzo", pr->last_fill_benzo);
    lua_setfield(L, -2, "fills");

    lua_createtable(L, 0, 8);
    for (size_t i = 0; i < pr->nscores; i++) {
        const struct score *s = &pr->scores[i];
        if (rows_latest_score(pr, s->instrument) != s)
            continue;
        lua_createtable(L, 0, 2);
        if (s->has_score)
            set_num(L, "score", s->score);
        set_date(L, "date", s->date);
        lua_setfield(L, -2, s->instrument);
    }
    lua_setfield(L, -2, "scores");

    lua_createtable(L, f->nreasons, 0);
    for (int i = 0; i < f->nreasons; i++) {
        lua_pushstring(L, f->reasons[i]);
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "risk_reasons");
}
