/* Run-chart rules at their boundaries: 5 vs 6 points for a shift, 4 vs 5 for a trend, the
 * number of runs just inside and just outside the table's limits, points on the median, equal
 * neighbours, phases and the astronomical-point threshold. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runchart.h"
#include "util.h"

static struct rc_options opts(void)
{
    struct rc_options o;
    runchart_options_default(&o);
    return o;
}

static void analyze(const double *v, size_t n, size_t baseline, struct rc_result *r)
{
    struct rc_options o = opts();
    char err[128];
    assert_int_equal(runchart_analyze(v, NULL, n, NULL, 0, baseline, &o, r, err, sizeof err), 0);
}

static size_t count_rule(const struct rc_result *r, enum rc_rule rule)
{
    size_t k = 0;
    for (size_t i = 0; i < r->nsignals; i++)
        k += r->signals[i].rule == rule;
    return k;
}

static const struct rc_signal *first_of(const struct rc_result *r, enum rc_rule rule)
{
    for (size_t i = 0; i < r->nsignals; i++)
        if (r->signals[i].rule == rule)
            return &r->signals[i];
    return NULL;
}

/* Baseline 4,6,4,6 sets the median at 5; then points below it. */
static void test_shift_six_not_five(void **state)
{
    (void)state;
    struct rc_result r;
    const double six[] = {4, 6, 4, 6, 4, 3, 4, 3, 4, 3, 6};
    analyze(six, ARRAY_LEN(six), 4, &r);
    assert_float_equal(r.phases[0].median, 5, 1e-12);
    assert_int_equal(count_rule(&r, RC_SHIFT), 1);
    const struct rc_signal *s = first_of(&r, RC_SHIFT);
    assert_int_equal(s->first, 4);
    assert_int_equal(s->last, 9);
    assert_string_equal(s->text, "shift: 6 points below the median from point 5 to point 10");
    assert_true(r.flags[4] & RC_FLAG_SHIFT);
    assert_false(r.flags[10] & RC_FLAG_SHIFT);
    runchart_free(&r);

    const double five[] = {4, 6, 4, 6, 3, 4, 3, 4, 3, 6, 4};
    analyze(five, ARRAY_LEN(five), 4, &r);
    assert_int_equal(count_rule(&r, RC_SHIFT), 0);
    runchart_free(&r);
}

/* A point on the median neither adds to a shift nor breaks it. */
static void test_shift_ignores_points_on_median(void **state)
{
    (void)state;
    struct rc_result r;
    const double with_six[] = {4, 6, 4, 6, 4, 3, 5, 4, 3, 4, 3, 6};
    analyze(with_six, ARRAY_LEN(with_six), 4, &r);
    assert_int_equal(count_rule(&r, RC_SHIFT), 1);
    assert_true(r.flags[6] & RC_FLAG_ON_MEDIAN);
    assert_false(r.flags[6] & RC_FLAG_SHIFT);
    assert_int_equal(r.phases[0].useful, 11);
    runchart_free(&r);

    const double with_five[] = {4, 6, 4, 6, 3, 4, 5, 3, 4, 3, 6, 4};
    analyze(with_five, ARRAY_LEN(with_five), 4, &r);
    assert_int_equal(count_rule(&r, RC_SHIFT), 0);
    runchart_free(&r);
}

static void test_trend_five_not_four(void **state)
{
    (void)state;
    struct rc_result r;
    const double five[] = {1, 2, 3, 4, 5, 2};
    analyze(five, ARRAY_LEN(five), 0, &r);
    assert_int_equal(count_rule(&r, RC_TREND), 1);
    const struct rc_signal *s = first_of(&r, RC_TREND);
    assert_int_equal(s->first, 0);
    assert_int_equal(s->last, 4);
    assert_string_equal(s->text, "trend: 5 points going up from point 1 to point 5");
    runchart_free(&r);

    const double four[] = {1, 2, 3, 4, 1, 2};
    analyze(four, ARRAY_LEN(four), 0, &r);
    assert_int_equal(count_rule(&r, RC_TREND), 0);
    runchart_free(&r);
}

/* Equal neighbours are skipped: 1 2 2 3 4 5 is five distinct rising points, 1 2 2 3 4 only four. */
static void test_trend_ignores_equal_neighbours(void **state)
{
    (void)state;
    struct rc_result r;
    const double tie5[] = {1, 2, 2, 3, 4, 5, 1};
    analyze(tie5, ARRAY_LEN(tie5), 0, &r);
    assert_int_equal(count_rule(&r, RC_TREND), 1);
    assert_int_equal(first_of(&r, RC_TREND)->last, 5);
    runchart_free(&r);

    const double tie4[] = {1, 2, 2, 3, 4, 1, 1};
    analyze(tie4, ARRAY_LEN(tie4), 0, &r);
    assert_int_equal(count_rule(&r, RC_TREND), 0);
    runchart_free(&r);
}

/* The turning point ends one trend and starts the next. */
static void test_trend_up_then_down(void **state)
{
    (void)state;
    struct rc_result r;
    const double v[] = {5, 6, 7, 8, 9, 8, 7, 6, 5};
    analyze(v, ARRAY_LEN(v), 0, &r);
    assert_int_equal(count_rule(&r, RC_TREND), 2);
    assert_int_equal(r.signals[0].last, 4);
    assert_int_equal(r.signals[1].first, 4);
    assert_string_equal(r.signals[1].text, "trend: 5 points going down from point 5 to point 9");
    runchart_free(&r);
}

/* Builds 20 points, 10 below (1) and 10 above (9) the median 5, from run lengths starting below. */
static size_t from_runs(const int *lengths, size_t nruns, double *out)
{
    size_t n = 0;
    for (size_t k = 0; k < nruns; k++)
        for (int i = 0; i < lengths[k]; i++)
            out[n++] = k % 2 ? 9 : 1;
    return n;
}

static void test_runs_at_the_limits(void **state)
{
    (void)state;
    int lo, hi;
    assert_true(runchart_runs_limits(20, &lo, &hi));
    assert_int_equal(lo, 6);
    assert_int_equal(hi, 16);
    assert_false(runchart_runs_limits(9, &lo, &hi));
    assert_true(runchart_runs_limits(60, &lo, &hi));
    assert_int_equal(lo, 24);
    assert_int_equal(hi, 38);
    /* The normal approximation continues the table smoothly. */
    assert_true(runchart_runs_limits(61, &lo, &hi));
    assert_true(lo >= 24 && lo <= 25 && hi >= 38 && hi <= 39);

    double v[20];
    struct rc_result r;
    const int five[] = {4, 3, 3, 7, 3}; /* 5 runs: too few */
    analyze(v, from_runs(five, ARRAY_LEN(five), v), 0, &r);
    assert_float_equal(r.phases[0].median, 5, 1e-12);
    assert_int_equal(r.phases[0].useful, 20);
    assert_int_equal(r.phases[0].runs, 5);
    assert_int_equal(count_rule(&r, RC_RUNS_FEW), 1);
    assert_string_equal(first_of(&r, RC_RUNS_FEW)->text,
                        "too few runs: 5 runs in 20 useful observations (at least 6 expected) "
                        "from point 1 to point 20");
    runchart_free(&r);

    const int six[] = {3, 3, 3, 3, 4, 4};
    analyze(v, from_runs(six, ARRAY_LEN(six), v), 0, &r);
    assert_int_equal(r.phases[0].runs, 6);
    assert_int_equal(count_rule(&r, RC_RUNS_FEW) + count_rule(&r, RC_RUNS_MANY), 0);
    runchart_free(&r);

    const int sixteen[] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2};
    analyze(v, from_runs(sixteen, ARRAY_LEN(sixteen), v), 0, &r);
    assert_int_equal(r.phases[0].runs, 16);
    assert_int_equal(count_rule(&r, RC_RUNS_MANY), 0);
    runchart_free(&r);

    const int seventeen[] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 2, 2};
    analyze(v, from_runs(seventeen, ARRAY_LEN(seventeen), v), 0, &r);
    assert_int_equal(r.phases[0].runs, 17);
    assert_int_equal(count_rule(&r, RC_RUNS_MANY), 1);
    runchart_free(&r);
}

/* Points on the median are not useful observations: fewer than 10 useful means no runs rule. */
/* The exact distribution of the number of runs among m points above and k below the median, all
 * orders equally likely (Swed and Eisenhart): P(R = r) for r = 2 .. m + k. */
static void runs_distribution(int m, int k, double *p)
{
    double c[64][64] = {{0}};
    for (int i = 0; i < 64; i++) {
        c[i][0] = 1;
        for (int j = 1; j <= i; j++)
            c[i][j] = c[i - 1][j - 1] + (j < i ? c[i - 1][j] : 0);
    }
    double all = c[m + k][k];
    for (int r = 0; r <= m + k; r++) {
        p[r] = 0;
        if (r < 2)
            continue;
        int h = r / 2;
        if (r % 2 == 0)
            p[r] = 2 * c[m - 1][h - 1] * c[k - 1][h - 1] / all;
        else
            p[r] = ((h <= m - 1 ? c[m - 1][h] : 0) * c[k - 1][h - 1] +
                    c[m - 1][h - 1] * (h <= k - 1 ? c[k - 1][h] : 0)) /
                   all;
    }
}

/* The published limits against the exact distribution with the useful observations split in
 * halves: every limit within one run of the 2.5 %-per-tail limit, the two tails together at most
 * 7 %, and 16 observations exactly 5 to 13 (the value the source table gives; a different,
 * narrower table by another author gives 5 to 12). */
static void test_runs_table_against_exact_distribution(void **state)
{
    (void)state;
    for (int n = 10; n <= 60; n++) {
        int m = (n + 1) / 2, k = n / 2, lo, hi;
        assert_true(runchart_runs_limits(n, &lo, &hi));
        double p[64];
        runs_distribution(m, k, p);
        double below = 0, above = 0;
        for (int r = 0; r < lo; r++)
            below += p[r];
        for (int r = hi + 1; r <= n; r++)
            above += p[r];
        int exact_lo = 2, exact_hi = n;
        for (double t = p[0] + p[1]; exact_lo < n && t + p[exact_lo] <= 0.025; exact_lo++)
            t += p[exact_lo];
        for (double t = 0; exact_hi > 2 && t + p[exact_hi] <= 0.025; exact_hi--)
            t += p[exact_hi];
        if (abs(lo - exact_lo) > 1 || abs(hi - exact_hi) > 1 || below + above > 0.07)
            fail_msg("%d useful observations: table %d-%d, exact %d-%d, false signals %.3f", n,
                     lo, hi, exact_lo, exact_hi, below + above);
    }
    int lo, hi;
    runchart_runs_limits(16, &lo, &hi);
    assert_int_equal(lo, 5);
    assert_int_equal(hi, 13);
}

static void test_runs_skip_points_on_median(void **state)
{
    (void)state;
    const double v[] = {1, 5, 1, 5, 1, 5, 9, 5, 9, 5, 9, 5, 9};
    struct rc_result r;
    analyze(v, ARRAY_LEN(v), 0, &r);
    assert_float_equal(r.phases[0].median, 5, 1e-12);
    assert_int_equal(r.phases[0].useful, 7);
    assert_int_equal(r.phases[0].runs, 2);
    assert_int_equal(r.phases[0].runs_lo, 0);
    assert_int_equal(count_rule(&r, RC_RUNS_FEW), 0);
    runchart_free(&r);
}

/* Baseline 10,11 alternating: mean moving range 1, sigma 1/1.128, 3 sigma about 2.66 from the
 * median 10.5. */
static void test_astronomical_threshold(void **state)
{
    (void)state;
    double v[] = {10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 14, 13};
    struct rc_result r;
    analyze(v, ARRAY_LEN(v), 10, &r);
    assert_float_equal(r.phases[0].sigma, 1 / 1.128, 1e-9);
    assert_int_equal(count_rule(&r, RC_ASTRONOMICAL), 1);
    assert_true(r.flags[10] & RC_FLAG_ASTRONOMICAL);
    assert_false(r.flags[11] & RC_FLAG_ASTRONOMICAL);
    assert_string_equal(first_of(&r, RC_ASTRONOMICAL)->text,
                        "astronomical point: point 11 lies more than 3 sigma above the median");
    runchart_free(&r);

    struct rc_options o = opts();
    o.astro_sigmas = 0;
    char err[64];
    assert_int_equal(runchart_analyze(v, NULL, ARRAY_LEN(v), NULL, 0, 10, &o, &r, err, sizeof err),
                     0);
    assert_int_equal(count_rule(&r, RC_ASTRONOMICAL), 0);
    runchart_free(&r);

    o.astro_sigmas = 5; /* 5 sigma is about 4.4: 14 is within it */
    assert_int_equal(runchart_analyze(v, NULL, ARRAY_LEN(v), NULL, 0, 10, &o, &r, err, sizeof err),
                     0);
    assert_int_equal(count_rule(&r, RC_ASTRONOMICAL), 0);
    runchart_free(&r);
}

/* A new phase takes its own median, so a step change after it is not a shift. */
static void test_phases_set_new_medians(void **state)
{
    (void)state;
    const double v[] = {10, 11, 10, 11, 10, 11, 10, 11, 20, 21, 20, 21, 20, 21, 20, 21};
    const char *labels[] = {"2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06",
                            "2026-07", "2026-08", "2026-09", "2026-10", "2026-11", "2026-12",
                            "2027-01", "2027-02", "2027-03", "2027-04"};
    struct rc_options o = opts();
    char err[128];
    struct rc_result r;
    assert_int_equal(runchart_analyze(v, labels, 16, NULL, 0, 8, &o, &r, err, sizeof err), 0);
    assert_int_equal(count_rule(&r, RC_SHIFT), 1);
    assert_string_equal(first_of(&r, RC_SHIFT)->text,
                        "shift: 9 points above the median from 2026-08 to 2027-04");
    runchart_free(&r);

    const struct rc_phase_in ph[] = {{8, 0}};
    assert_int_equal(runchart_analyze(v, labels, 16, ph, 1, 0, &o, &r, err, sizeof err), 0);
    assert_int_equal(r.nphases, 2);
    assert_float_equal(r.phases[0].median, 10.5, 1e-12);
    assert_float_equal(r.phases[1].median, 20.5, 1e-12);
    assert_float_equal(r.center[12], 20.5, 1e-12);
    assert_int_equal(r.phases[1].start, 8);
    assert_int_equal(r.phases[1].end, 16);
    assert_int_equal(count_rule(&r, RC_SHIFT), 0);
    runchart_free(&r);
}

static void test_bad_input(void **state)
{
    (void)state;
    struct rc_options o = opts();
    char err[128];
    struct rc_result r;
    const double v[] = {1, 2, 3};
    assert_int_equal(runchart_analyze(v, NULL, 0, NULL, 0, 0, &o, &r, err, sizeof err), -1);
    runchart_free(&r);
    const struct rc_phase_in late[] = {{3, 0}};
    assert_int_equal(runchart_analyze(v, NULL, 3, late, 1, 0, &o, &r, err, sizeof err), -1);
    assert_string_equal(err, "a phase starts after the last point");
    runchart_free(&r);
    const struct rc_phase_in back[] = {{2, 0}, {1, 0}};
    assert_int_equal(runchart_analyze(v, NULL, 3, back, 2, 0, &o, &r, err, sizeof err), -1);
    runchart_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shift_six_not_five),
        cmocka_unit_test(test_shift_ignores_points_on_median),
        cmocka_unit_test(test_trend_five_not_four),
        cmocka_unit_test(test_trend_ignores_equal_neighbours),
        cmocka_unit_test(test_trend_up_then_down),
        cmocka_unit_test(test_runs_at_the_limits),
        cmocka_unit_test(test_runs_table_against_exact_distribution),
        cmocka_unit_test(test_runs_skip_points_on_median),
        cmocka_unit_test(test_astronomical_threshold),
        cmocka_unit_test(test_phases_set_new_medians),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
