/* The C side of measures on a small registry, without any Lua host: a rows-only pass, the facts
 * at several month ends from rows read once, compiled rules and the annual HEDIS measure, added
 * up as the measures engine adds them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "eval_fixture.h"
#include "measures_internal.h"

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(high_dose_rate, setup, teardown),
        cmocka_unit_test_setup_teardown(benzo_and_thresholds, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
