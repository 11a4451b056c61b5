/* The measures engine (measures.h). One pass over the population: per patient, the timeline is
 * built once and every month end is evaluated from it; numbers are added up per organisation,
 * site and clinician as they come, so memory grows with groups × measures × months, not with
 * patients (patient lists aside, which are kept for the last period unless asked for all). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "eval.h"
#include "measures.h"
#include "hashmap.h"
#include "keyset.h"
#include "med_internal.h"
#include "store.h"
#include "store_eval.h"

struct cell {
    double num, den, sum;
};

struct group {
    enum group_level level;
    size_t id_at, site_at; /* offsets in the ids arena */
    struct cell *cells;    /* [measure * nperiods + period] */
};

struct engine {
    struct eval_engine *ev;
    struct measures *m;
    const struct measure_def *defs;
    const struct annual_params *ap;
    struct med_timeline *tl;
    day_t year_start, year_end;
    bool all_lists, any_annual;
    measure_custom_fn custom;
    void *ud;
    struct keyset group_index;
    struct group *groups;
    size_t ngroups;
    struct buf ids; /* NUL-terminated ids: groups' and listed patients' */
    size_t capl;
    size_t cur_site, cur_clin; /* the visited patient's groups ((size_t)-1: no clinician) */
};

day_t measures_default_from(day_t as_of)
{
    int y, mo, d;
    date_to_ymd(date_add_months(as_of, -23), &y, &mo, &d);
    return date_from_ymd(y, mo, 1);
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
static size_t group_get(struct engine *en, enum group_level level, const char *id, const char *site)
{
    char key[2 * ID_MAX];
    snprintf(key, sizeof key, "%d:%s", (int)level, id);
    uint32_t at;
    if (keyset_get_str(&en->group_index, key, &at))
        return at;
    en->groups = xrealloc(en->groups, (en->ngroups + 1) * sizeof *en->groups);
    struct group *g = &en->groups[en->ngroups];
    g->level = level;
    g->id_at = ids_add(en, id);
    g->site_at = ids_add(en, site);
    g->cells = xcalloc(en->m->ndefs * en->m->nperiods, sizeof *g->cells);
    keyset_put_str(&en->group_index, key, (uint32_t)en->ngroups);
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
    l->clinician =
        (const char *)(uintptr_t)(pr->has_clinician ? ids_add(en, pr->clinician) : (size_t)-1);
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

static void eval_measure(struct engine *en, size_t mi, size_t p, const struct patient_ctx *c)
{
    const struct measure_def *md = &en->defs[mi];
    bool den = md->den_custom ? en->custom(en->ud, mi, false, c) : rule_holds(&md->den, c);
    if (!den)
        return;
    bool num = md->num_custom ? en->custom(en->ud, mi, true, c) : rule_holds(&md->num, c);
    tally(en, c->pr, mi, p, num, md->value_med ? c->f.med : 0, c->f.med);
}

static void eval_annual(struct engine *en, const struct patient_rows *pr)
{
    struct annual_result ar;
    annual_compute(pr, en->tl, en->ap, en->year_start, en->year_end, &ar);
    size_t last = en->m->nperiods - 1;
    for (size_t mi = 0; mi < en->m->ndefs; mi++) {
        if (en->m->defs[mi].kind != MK_ANNUAL)
            continue;
        int s = en->defs[mi].standard;
        bool den = s == 0 ? ar.hdo_den : s == 1 ? ar.cob_den : ar.omp_den;
        bool num = s == 0 ? ar.hdo_num : s == 1 ? ar.cob_num : ar.omp_num;
        if (den)
            tally(en, pr, mi, last, num, s == 0 ? ar.hdo_avg_mme : 0, s == 0 ? ar.hdo_avg_mme : 0);
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
    en->cur_clin =
        pr->has_clinician ? group_get(en, GROUP_CLINICIAN, pr->clinician, pr->site) : (size_t)-1;
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

static int snap_fail(struct store *s, char *err, size_t errlen)
{
    snprintf(err, errlen, "cannot store measure snapshots: %s", store_errmsg(s));
    return -1;
}

/* Replaces the snapshots of the computed periods (whole-population runs only). */
int measures_store(struct store *s, const struct measures *m, char *err, size_t errlen)
{
    if (store_begin(s) != 0)
        return snap_fail(s, err, errlen);
    long long now = (long long)time(NULL);
    bool ok = true;
    for (size_t i = 0; ok && i < m->nrows; i++) {
        const struct measure_row *r = &m->rows[i];
        const struct measure_info *mi = &m->defs[r->measure];
        struct store_snapshot sn = {.measure = mi->id,
                                    .period = mi->kind == MK_ANNUAL ? m->year
                                                                    : m->periods[r->period].label,
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
        return snap_fail(s, err, errlen);
    }
    return store_commit(s) == 0 ? 0 : snap_fail(s, err, errlen);
}

struct measures *measures_tally(struct eval_engine *ev, const struct measures_request *rq,
                                const struct measure_set *set, measure_custom_fn custom, void *ud,
                                char *err, size_t errlen)
{
    struct measures *m = xcalloc(1, sizeof *m);
    m->defs = set->info;
    m->ndefs = set->n;
    struct engine en = {.ev = ev,
                        .m = m,
                        .defs = set->defs,
                        .ap = &set->ap,
                        .any_annual = set->any_annual,
                        .all_lists = rq->all_lists,
                        .custom = custom,
                        .ud = ud};
    make_periods(m, rq->from, rq->to);
    int y, mo, d;
    date_to_ymd(rq->to, &y, &mo, &d);
    en.year_start = date_from_ymd(y, 1, 1);
    en.year_end = rq->to;
    struct med_timeline_options o = {.missing_supply_days =
                                         eval_engine_rules(ev)->missing_supply_days};
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
    if (!m->nperiods)
        snprintf(err, errlen, "the period has no months (from is after to)");
    else
        rc = eval_engine_pass(ev, &pass, &r, err, errlen);
    eval_result_free(&r);
    if (rc == 0) {
        make_rows(&en);
        lists_finish(&en);
        m->impl = en.ids.data; /* owns the strings rows and lists point into */
        en.ids.data = NULL;
    }
    buf_free(&en.ids);
    for (size_t i = 0; i < en.ngroups; i++)
        free(en.groups[i].cells);
    free(en.groups);
    keyset_free(&en.group_index);
    med_timeline_free(en.tl);
    if (rc != 0) {
        measures_free(m);
        return NULL;
    }
    return m;
}

void measure_defs_free(struct measure_def *defs, size_t n)
{
    for (size_t i = 0; defs && i < n; i++) {
        rule_free(&defs[i].num);
        rule_free(&defs[i].den);
    }
    free(defs);
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
