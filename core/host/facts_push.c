/* The facts table `p` the plugins' checks read (docs/facts.md), built from the facts evaluation
 * computed in C. */
#include "facts_push.h"
#include "lua_fields.h"

#include <lauxlib.h>

static void set_date(lua_State *L, const char *key, day_t d)
{
    if (d == DATE_NONE)
        return;
    char buf[16];
    lua_pushstring(L, date_format(d, buf));
    lua_setfield(L, -2, key);
}

void facts_push(lua_State *L, const struct rules *ru, const struct patient_rows *pr,
                const struct facts *f, day_t as_of)
{
    lua_createtable(L, 0, 40);
    lf_text(L, "id", pr->id);
    lf_text(L, "site", pr->site);
    if (pr->has_clinician)
        lf_text(L, "clinician", pr->clinician);
    set_date(L, "as_of", as_of);
    lf_int(L, "age", f->age);
    lf_text(L, "sex", pr->sex);
    lf_bool(L, "ltot", f->ltot);
    lf_text(L, "ltot_rule", ltot_rule_names[ru->ltot_rule]);
    lf_text(L, "ltot_reason", f->ltot_reason);
    lf_bool(L, "meets_fill_rule", f->fill_rule);
    lf_bool(L, "labeled", pr->labeled);
    lf_text(L, "label_code", pr->label_code);
    lf_bool(L, "excluded", f->excluded);
    lf_text(L, "exclusion", f->excluded ? pr->exclusion : NULL);
    lf_num(L, "med", f->med);
    lf_bool(L, "med_unknown", f->med_unknown);
    lf_text(L, "med_unknown_detail", f->med_unknown_detail);
    lf_num(L, "med_max_90", f->med_max90);
    lf_num(L, "med_avg_90", f->med_avg90);
    lf_int(L, "days_covered_90", f->covered90);
    lf_int(L, "benzo_overlap_days", f->benzo_overlap);
    lf_bool(L, "oud", pr->oud);
    set_date(L, "oud_date", pr->oud ? pr->oud_date : DATE_NONE);
    lf_bool(L, "overdose_ever", f->overdose_ever);
    lf_text(L, "risk", risk_names[f->risk]);
    lf_int(L, "review_interval", ru->interval[f->risk]);
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
            lf_num(L, "score", s->score);
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
