/* The C side of measures on a small registry, without any Lua host: a rows-only pass, the facts
 * at several month ends from rows read once, compiled rules and the annual HEDIS measure, added
 * up as the measures engine adds them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "eval_fixture.h"
#include "measures.h"

/* One rate measure at two month ends, and the annual HDO for the year. */
struct tally {
    const struct eval_engine *en;
    struct med_timeline *tl;
    const struct pred_list *den, *num;
    day_t ends[2];
    int nden[2], nnum[2];
    struct annual_params ap;
    day_t year_start, year_end;
    int hdo_den, hdo_num;
};

static void count_patient(void *ud, const struct patient_rows *pr, const struct facts *f)
{
    assert_null(f);
    struct tally *t = ud;
    med_timeline_build(t->tl, eval_engine_standard(t->en), pr->fills, pr->nfills);
    struct patient_ctx c = {.pr = pr, .tl = t->tl};
    for (int p = 0; p < 2; p++) {
        c.d = t->ends[p];
        facts_at(eval_engine_rules(t->en), t->tl, pr, c.d, &c.f);
        if (!rule_holds(t->den, &c))
            continue;
        t->nden[p]++;
        t->nnum[p] += rule_holds(t->num, &c);
    }
    struct annual_result ar;
    annual_compute(pr, t->tl, &t->ap, t->year_start, t->year_end, &ar);
    t->hdo_den += ar.hdo_den;
    t->hdo_num += ar.hdo_num;
}

static void run(struct world *w, struct tally *t)
{
    struct med_timeline_options o = {.missing_supply_days = 30};
    t->en = w->en;
    t->tl = med_timeline_new(&o);
    t->ends[0] = day("2026-05-31");
    t->ends[1] = day("2026-06-30");
    t->year_start = day("2026-01-01");
    t->year_end = day("2026-06-30");
    struct eval_filter flt = {0};
    struct eval_pass p = {.as_of = t->ends[1],
                          .earliest = t->year_start,
                          .filter = &flt,
                          .rows_only = true,
                          .visit = count_patient,
                          .ud = t};
    struct eval_result r;
    char err[256] = "";
    if (eval_engine_pass(w->en, &p, &r, err, sizeof err) != 0)
        fail_msg("pass: %s", err);
    eval_result_free(&r);
    med_timeline_free(t->tl);
}

static void high_dose_rate(void **state)
{
    struct world *w = *state;
    struct pred at50 = {.op = P_MED_AT_LEAST, .num = 50};
    struct pred_list den = {.population = 0}, num = {.population = -1, .p = &at50, .n = 1};
    struct tally t = {.den = &den, .num = &num};
    t.ap = (struct annual_params){.hdo_min_fills = 2, .hdo_min_days = 15, .hdo_mme = 90};
    run(w, &t);
    /* May: only P1 is on LtOT (P3 has one fill yet, P4 is excluded). June: P1 and P3. */
    assert_int_equal(t.nden[0], 1);
    assert_int_equal(t.nnum[0], 1);
    assert_int_equal(t.nden[1], 2);
    assert_int_equal(t.nnum[1], 2);
    /* HDO: P1, P3 and P4 have two fills or more; none averages 90 MME. */
    assert_int_equal(t.hdo_den, 3);
    assert_int_equal(t.hdo_num, 0);
}

static void benzo_and_thresholds(void **state)
{
    struct world *w = *state;
    struct pred benzo = {.op = P_BENZO_WITHIN, .num = 30};
    struct pred_list den = {.population = 0}, num = {.population = -1, .p = &benzo, .n = 1};
    struct tally t = {.den = &den, .num = &num};
    t.ap = (struct annual_params){.hdo_min_fills = 2, .hdo_min_days = 15, .hdo_mme = 60};
    run(w, &t);
    assert_int_equal(t.nnum[0], 0); /* the benzodiazepine starts in June */
    assert_int_equal(t.nnum[1], 1); /* P3 */
    /* At 60 MME: P1, covered every day; P3 and P4 miss 31 May, so they average a little less. */
    assert_int_equal(t.hdo_num, 1);
}

/* Custom numerators: P1 only, counting the calls. */
static bool only_p1(void *ud, size_t measure, bool numerator, const struct patient_ctx *c)
{
    int *calls = ud;
    (*calls)++;
    assert_int_equal(measure, 1);
    assert_true(numerator);
    return strcmp(c->pr->id, "P1") == 0;
}

static const struct measure_row *row(const struct measures *m, size_t measure, size_t period,
                                     enum group_level level, const char *site)
{
    for (size_t i = 0; i < m->nrows; i++) {
        const struct measure_row *r = &m->rows[i];
        if (r->measure == measure && r->period == period && r->level == level &&
            (!site || (r->site && strcmp(r->site, site) == 0)))
            return r;
    }
    fail_msg("no row for measure %zu period %zu", measure, period);
    return NULL;
}

static void tallied_by_group(void **state)
{
    struct world *w = *state;
    struct measure_set set = {.n = 3};
    set.info = xcalloc(3, sizeof *set.info);
    set.defs = xcalloc(3, sizeof *set.defs);
    const char *ids[] = {"high", "custom", "hdo"};
    for (size_t i = 0; i < 3; i++)
        set.info[i].id = xstrdup(ids[i]);
    set.info[2].kind = MK_ANNUAL;
    set.info[0].kind = set.info[1].kind = MK_RATE;
    struct pred at50 = {.op = P_MED_AT_LEAST, .num = 50};
    set.defs[0].den.population = 0;
    set.defs[0].num = (struct pred_list){.population = -1, .p = xmalloc(sizeof at50), .n = 1};
    set.defs[0].num.p[0] = at50;
    set.defs[1].den.population = 0;
    set.defs[1].num_custom = true;
    set.defs[2].standard = 0;
    set.ap = (struct annual_params){.hdo_min_fills = 2, .hdo_min_days = 15, .hdo_mme = 60};
    set.any_annual = true;
    struct measures_request rq = {.from = day("2026-05-01"), .to = day("2026-06-30")};
    int calls = 0;
    char err[256] = "";
    struct measures *m = measures_tally(w->en, &rq, &set, only_p1, &calls, err, sizeof err);
    if (!m)
        fail_msg("measures_tally: %s", err);
    assert_int_equal(m->nperiods, 2);
    assert_string_equal(m->periods[1].label, "2026-06");
    const struct measure_row *may = row(m, 0, 0, GROUP_ORG, NULL),
                             *june = row(m, 0, 1, GROUP_ORG, NULL);
    assert_true(may->denominator == 1 && may->numerator == 1);
    assert_true(june->denominator == 2 && june->numerator == 2);
    assert_true(row(m, 0, 1, GROUP_SITE, "S1")->denominator == 2);
    assert_int_equal(calls, 3); /* one LtOT patient in May, two in June */
    const struct measure_row *custom = row(m, 1, 1, GROUP_ORG, NULL);
    assert_true(custom->numerator == 1 && custom->denominator == 2);
    assert_true(fabs(custom->value - 0.5) < 1e-9);
    const struct measure_row *hdo = row(m, 2, 1, GROUP_ORG, NULL);
    assert_true(hdo->denominator == 3 && hdo->numerator == 1);
    measures_free(m);
    measure_defs_free(set.defs, set.n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(high_dose_rate, setup, teardown),
        cmocka_unit_test_setup_teardown(benzo_and_thresholds, setup, teardown),
        cmocka_unit_test_setup_teardown(tallied_by_group, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
