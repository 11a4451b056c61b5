/* Measures' rule tables as predicates evaluated in C (compiled from their Lua tables by the
 * host, measures_load.c). A rule table is a conjunction: every key must hold. */
#include <stdlib.h>
#include <string.h>

#include "measures_internal.h"

void rule_free(struct pred_list *pl)
{
    for (size_t i = 0; i < pl->n; i++) {
        for (size_t k = 0; k < pl->p[i].nalts; k++)
            rule_free(&pl->p[i].alts[k]);
        free(pl->p[i].alts);
    }
    free(pl->p);
    memset(pl, 0, sizeof *pl);
}

/* "Within N days of d" is (d - N, d], as everywhere in the rules. */
static bool within(day_t x, day_t d, double n)
{
    return x != DATE_NONE && x <= d && x > d - (day_t)n;
}

static bool pred_holds(const struct pred *p, const struct patient_ctx *c)
{
    switch (p->op) {
    case P_MED_AT_LEAST:
        return c->f.med >= p->num;
    case P_BENZO_WITHIN:
        return med_timeline_overlap_days(c->tl, c->d - (day_t)p->num + 1, c->d) > 0;
    case P_NALOXONE_WITHIN:
        return within(rows_last_event_at(c->pr, EV_NALOXONE, c->d), c->d, p->num) ||
               within(rows_last_fill_at(c->pr, MED_CLASS_NALOXONE, c->d), c->d, p->num);
    case P_EVENT_WITHIN:
        return within(rows_last_event_at(c->pr, p->event, c->d), c->d, p->num);
    case P_ASSESSMENT_WITHIN: {
        const struct score *s = rows_score_at(c->pr, p->name, c->d);
        return s && within(s->date, c->d, p->num);
    }
    case P_LABELED:
        return c->f.labeled == (p->num != 0);
    case P_FILL_RULE:
        return c->f.fill_rule == (p->num != 0);
    case P_OUD:
        return c->f.oud == (p->num != 0);
    case P_ANY:
        for (size_t i = 0; i < p->nalts; i++)
            if (rule_holds(&p->alts[i], c))
                return true;
        return false;
    }
    return false;
}

bool in_population(int population, const struct facts_at *f)
{
    switch (population) {
    case 0:
        return f->ltot && !f->excluded;
    case 1:
        return f->fill_rule && !f->excluded;
    default:
        return true;
    }
}

bool rule_holds(const struct pred_list *pl, const struct patient_ctx *c)
{
    if (pl->population >= 0 && !in_population(pl->population, &c->f))
        return false;
    for (size_t i = 0; i < pl->n; i++)
        if (!pred_holds(&pl->p[i], c))
            return false;
    return true;
}
