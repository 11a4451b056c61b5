/* Patient timelines: chaining of early refills, ER + IR concurrency, current MED at the edges of
 * a window, benzodiazepine overlap, days covered, methadone tiers across fills, unknown MED, and
 * independence from the order fills are given in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "med_fixture.h"

static day_t D(int y, int m, int d)
{
    return date_from_ymd(y, m, d);
}

/* A fill from a description, computed under std. */
static struct med_fill fill(const struct med_standard *std, const char *drug, day_t date,
                            double qty, int days)
{
    struct med_result r = compute(std, rx(drug, qty, days > 0 ? days : NAN, NULL, NULL));
    struct med_fill f;
    med_fill_from_result(&f, date, days, &r);
    return f;
}

static struct med_timeline *tl;

static int setup(void **state)
{
    if (fixture_setup(state) < 0)
        return -1;
    tl = med_timeline_new(NULL);
    return 0;
}

static int teardown(void **state)
{
    med_timeline_free(tl);
    return fixture_teardown(state);
}

static void window_edges(void **state)
{
    (void)state;
    struct med_fill f = fill(fx.cdc2022, "oxycodone 10 mg tablet", D(2025, 3, 1), 120, 30);
    med_timeline_build(tl, fx.cdc2022, &f, 1);
    assert_true(near(med_timeline_med_at(tl, D(2025, 2, 28)), 0));
    assert_true(near(med_timeline_med_at(tl, D(2025, 3, 1)), 60));  /* first day */
    assert_true(near(med_timeline_med_at(tl, D(2025, 3, 30)), 60)); /* last day */
    assert_true(near(med_timeline_med_at(tl, D(2025, 3, 31)), 0));  /* the day after */
    assert_int_equal(med_timeline_days_covered(tl, D(2025, 1, 1), D(2025, 12, 31)), 30);
    assert_int_equal(med_timeline_days_covered(tl, D(2025, 3, 16), D(2025, 4, 30)), 15);
    assert_true(near(med_timeline_max(tl, D(2025, 1, 1), D(2025, 12, 31)), 60));
    assert_true(near(med_timeline_sum(tl, D(2025, 3, 1), D(2025, 4, 29)), 60 * 30));
    assert_true(near(med_timeline_avg(tl, D(2025, 3, 1), D(2025, 4, 29)), 30));
    assert_false(med_timeline_unknown_at(tl, D(2025, 3, 10)));
}

static void early_refills_chain(void **state)
{
    (void)state;
    /* three 30-day fills, each 10 days early: no doubled dose, windows pushed back */
    struct med_fill f[3] = {
        fill(fx.cdc2022, "oxycodone 10 mg tablet", D(2025, 1, 1), 120, 30),
        fill(fx.cdc2022, "oxycodone 10 mg tablet", D(2025, 1, 21), 120, 30),
        fill(fx.cdc2022, "oxycodone 10 mg tablet", D(2025, 2, 10), 120, 30),
    };
    med_timeline_build(tl, fx.cdc2022, f, 3);
    assert_true(near(med_timeline_max(tl, D(2025, 1, 1), D(2025, 12, 31)), 60));
    assert_true(near(med_timeline_med_at(tl, D(2025, 1, 25)), 60));
    assert_true(near(med_timeline_med_at(tl, D(2025, 3, 31)), 60)); /* 90 days from Jan 1 */
    assert_true(near(med_timeline_med_at(tl, D(2025, 4, 1)), 0));
    const struct med_window *w;
    assert_int_equal(med_timeline_windows(tl, &w), 3);
    assert_int_equal(w[1].start, D(2025, 1, 31));
    assert_true(w[1].moved);
    assert_int_equal(w[2].start, D(2025, 3, 2));
    assert_int_equal(w[2].end, D(2025, 3, 31));
    assert_int_equal(med_timeline_days_covered(tl, D(2025, 1, 1), D(2025, 12, 31)), 90);
}

static void seven_identical_fills_all_count(void **state)
{
    (void)state;
    /* cqf-ruler #17: identical prescriptions on different dates were silently dropped */
    struct med_fill f[7];
    for (int i = 0; i < 7; i++)
        f[i] = fill(fx.cdc2022, "oxycodone 5 mg tablet", D(2025, 1, 1) + i * 25, 120, 30);
    med_timeline_build(tl, fx.cdc2022, f, 7);
    assert_int_equal(med_timeline_days_covered(tl, D(2025, 1, 1), D(2025, 12, 31)), 210);
    assert_true(near(med_timeline_sum(tl, D(2025, 1, 1), D(2025, 12, 31)), 7 * 30 * 30.0));
    assert_true(near(med_timeline_med_at(tl, D(2025, 1, 1) + 209), 30));
    assert_true(near(med_timeline_med_at(tl, D(2025, 1, 1) + 210), 0));
}

static void er_and_ir_stay_concurrent(void **state)
{
    (void)state;
    struct med_fill f[2] = {
        fill(fx.cdc2022, "OxyContin 20 mg", D(2025, 5, 1), 60, 30),              /* 60 */
        fill(fx.cdc2022, "oxycodone 5 mg tablet", D(2025, 5, 10), 60, 15),        /* 30 */
    };
    med_timeline_build(tl, fx.cdc2022, f, 2);
    assert_true(near(med_timeline_med_at(tl, D(2025, 5, 9)), 60));
    assert_true(near(med_timeline_med_at(tl, D(2025, 5, 10)), 90));
    assert_true(near(med_timeline_med_at(tl, D(2025, 5, 24)), 90));
    assert_true(near(med_timeline_med_at(tl, D(2025, 5, 25)), 60));
    const struct med_window *w;
    med_timeline_windows(tl, &w);
    assert_false(w[0].moved || w[1].moved);
}

static void benzo_overlap_days(void **state)
{
    (void)state;
    struct med_fill f[3] = {
        fill(fx.cdc2022, "oxycodone 10 mg tablet", D(2025, 6, 1), 120, 30), /* Jun 1-30 */
        fill(fx.cdc2022, "alprazolam 1 mg tablet", D(2025, 6, 21), 30, 30), /* Jun 21-Jul 20 */
        fill(fx.cdc2022, "cyclobenzaprine 10 mg", D(2025, 6, 1), 30, 30),
    };
    med_timeline_build(tl, fx.cdc2022, f, 3);
    assert_int_equal(med_timeline_overlap_days(tl, D(2025, 6, 1), D(2025, 7, 31)), 10);
    assert_int_equal(med_timeline_overlap_days(tl, D(2025, 6, 25), D(2025, 7, 31)), 6);
    assert_int_equal(med_timeline_days_covered(tl, D(2025, 6, 1), D(2025, 7, 31)), 30);
    struct med_day day;
    med_timeline_at(tl, D(2025, 7, 1), &day);
    assert_int_equal(day.benzos, 1);
    assert_int_equal(day.analgesics, 0);
    assert_true(near(day.med, 0));
    /* benzodiazepine and muscle relaxant fills carry no MED */
    assert_true(near(med_timeline_med_at(tl, D(2025, 6, 25)), 60));
}

static void methadone_tiers_across_fills(void **state)
{
    (void)state;
    /* 15 mg/day alone (factor 4); with a second 10 mg/day fill, 25 mg/day (factor 8) */
    struct med_fill f[2] = {
        fill(fx.cdc2016, "methadone 5 mg tablet", D(2025, 1, 1), 90, 30),
        fill(fx.cdc2016, "methadone 10 mg tablet", D(2025, 1, 11), 30, 30),
    };
    med_timeline_build(tl, fx.cdc2016, f, 2);
    assert_true(near(med_timeline_med_at(tl, D(2025, 1, 5)), 15 * 4));
    assert_true(near(med_timeline_med_at(tl, D(2025, 1, 15)), 25 * 8));
    struct med_day day;
    med_timeline_at(tl, D(2025, 1, 15), &day);
    assert_true(near(day.methadone_mg, 25));
    assert_true(near(med_timeline_max_methadone(tl, D(2025, 1, 1), D(2025, 3, 1)), 25));
    /* under a flat standard the same fills simply add up */
    f[0] = fill(fx.cdc2022, "methadone 5 mg tablet", D(2025, 1, 1), 90, 30);
    f[1] = fill(fx.cdc2022, "methadone 10 mg tablet", D(2025, 1, 11), 30, 30);
    med_timeline_build(tl, fx.cdc2022, f, 2);
    assert_true(near(med_timeline_med_at(tl, D(2025, 1, 15)), 25 * 4.7));
}

static void unknown_and_excluded(void **state)
{
    (void)state;
    struct med_fill f[3] = {
        fill(fx.cdc2022, "oxycodone tablet", D(2025, 2, 1), 60, 30),  /* no strength */
        fill(fx.cdc2022, "Butrans 10 mcg/hr", D(2025, 3, 1), 4, 28),   /* excluded */
        fill(fx.cdc2022, "wonderdrug 5 mg", D(2025, 4, 1), 30, 30),    /* unresolved */
    };
    med_timeline_build(tl, fx.cdc2022, f, 3);
    assert_true(med_timeline_unknown_at(tl, D(2025, 2, 10)));
    assert_int_equal(med_timeline_days_covered(tl, D(2025, 2, 1), D(2025, 2, 28)), 28);
    assert_false(med_timeline_unknown_at(tl, D(2025, 3, 10)));
    struct med_day day;
    med_timeline_at(tl, D(2025, 3, 10), &day);
    assert_int_equal(day.excluded, 1);
    assert_int_equal(day.analgesics, 1);
    assert_true(med_timeline_unknown_at(tl, D(2025, 4, 10)));
    assert_int_equal(med_timeline_days_covered(tl, D(2025, 4, 1), D(2025, 4, 30)), 0);
}

static void missing_days_supply_gets_a_default_window(void **state)
{
    (void)state;
    struct med_fill f = fill(fx.cdc2022, "oxycodone 10 mg tablet", D(2025, 1, 1), 120, 0);
    assert_int_equal(f.status, MED_ERROR);
    med_timeline_build(tl, fx.cdc2022, &f, 1);
    assert_true(med_timeline_unknown_at(tl, D(2025, 1, 30)));
    assert_false(med_timeline_unknown_at(tl, D(2025, 1, 31)));
    struct med_timeline_options o = {.missing_supply_days = 10};
    struct med_timeline *t2 = med_timeline_new(&o);
    med_timeline_build(t2, fx.cdc2022, &f, 1);
    assert_false(med_timeline_unknown_at(t2, D(2025, 1, 11)));
    med_timeline_free(t2);
}

static void order_does_not_matter(void **state)
{
    (void)state;
    enum { N = 12 };
    static const char *const drugs[] = {"oxycodone 5 mg tablet", "OxyContin 10 mg",
                                        "methadone 5 mg tablet", "alprazolam 1 mg tablet",
                                        "fentanyl 12 mcg/hr patch", "tramadol 50 mg tablet"};
    struct med_fill f[N];
    uint64_t x = 12345;
    for (int i = 0; i < N; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        f[i] = fill(fx.cdc2016, drugs[i % 6], D(2025, 1, 1) + (int)((x >> 33) % 120),
                    (double)(10 + (x >> 40) % 100), 7 + (int)((x >> 50) % 30));
    }
    double ref[240];
    med_timeline_build(tl, fx.cdc2016, f, N);
    med_timeline_daily(tl, D(2025, 1, 1), D(2025, 1, 1) + 239, ref);
    for (int d = 0; d < 240; d++)
        assert_true(ref[d] == med_timeline_med_at(tl, D(2025, 1, 1) + d));
    for (int round = 0; round < 100; round++) {
        for (int i = N - 1; i > 0; i--) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            int j = (int)((x >> 33) % (uint64_t)(i + 1));
            struct med_fill t = f[i];
            f[i] = f[j];
            f[j] = t;
        }
        double got[240];
        med_timeline_build(tl, fx.cdc2016, f, N);
        med_timeline_daily(tl, D(2025, 1, 1), D(2025, 1, 1) + 239, got);
        for (int d = 0; d < 240; d++)
            if (got[d] != ref[d])
                fail_msg("round %d day %d: %.17g vs %.17g", round, d, got[d], ref[d]);
    }
}

static void empty_patient(void **state)
{
    (void)state;
    med_timeline_build(tl, fx.cdc2022, NULL, 0);
    assert_true(near(med_timeline_med_at(tl, D(2025, 1, 1)), 0));
    assert_int_equal(med_timeline_days_covered(tl, D(2025, 1, 1), D(2025, 12, 31)), 0);
    assert_true(near(med_timeline_avg(tl, D(2025, 1, 1), D(2025, 12, 31)), 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(window_edges),
        cmocka_unit_test(early_refills_chain),
        cmocka_unit_test(seven_identical_fills_all_count),
        cmocka_unit_test(er_and_ir_stay_concurrent),
        cmocka_unit_test(benzo_overlap_days),
        cmocka_unit_test(methadone_tiers_across_fills),
        cmocka_unit_test(unknown_and_excluded),
        cmocka_unit_test(missing_days_supply_gets_a_default_window),
        cmocka_unit_test(order_does_not_matter),
        cmocka_unit_test(empty_patient),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
