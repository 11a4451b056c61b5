/* MED per fill: the worked examples, the known failures of other tools, the three standards on
 * the same inputs, boundaries, and properties (order independence, linearity). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <unistd.h>

#include "med_fixture.h"

#define NO NAN

static double med_ok(const struct med_standard *s, struct med_input in)
{
    struct med_result r = compute(s, in);
    if (r.status != MED_OK)
        fail_msg("%s: %s", in.drug ? in.drug : "?", r.error);
    return r.med;
}

static void assert_med(const struct med_standard *s, struct med_input in, double want)
{
    double got = med_ok(s, in);
    if (!near(got, want))
        fail_msg("%s: MED %.10g, expected %.10g", in.drug, got, want);
}

/* ---------------------------------------------------------------- worked examples */

static void worked_examples(void **state)
{
    (void)state;
    assert_med(fx.cdc2022, rx("hydrocodone 5 mg/APAP 300", NO, NO, "1", "4"), 20);
    assert_med(fx.cdc2022, rx("oxycodone ER 10 mg", NO, NO, "1", "2"), 30);
    assert_med(fx.cdc2022, rx("oxycodone 10 mg tablet", 120, 30, NULL, NULL), 60);
    assert_med(fx.cdc2022, rx("fentanyl 25 mcg/hr patch", 10, 30, NULL, NULL), 60);
    assert_med(fx.cdc2022, rx("fentanyl 75 mcg/hr patch", NO, NO, NULL, NULL), 180);
    assert_med(fx.analytic, rx("butorphanol 10 mg/mL nasal spray", 2.5, 30, NULL, NULL),
               10.0 * 2.5 / 30 * 7);
    struct med_result r = compute(fx.analytic, rx("butorphanol 10 mg/mL nasal spray", 2.5, 30,
                                                  NULL, NULL));
    char ar[256];
    med_result_arithmetic(&r, ar, sizeof ar);
    assert_non_null(strstr(ar, "= 5.8"));
    assert_med(fx.cdc2016, rx("methadone 10 mg", NO, NO, "1", "3"), 240);
    assert_med(fx.cdc2022, rx("methadone 10 mg", NO, NO, "1", "3"), 141);
    assert_med(fx.cdc2016, rx("hydromorphone 2 mg", NO, NO, "1", "q4h"), 48);
    assert_med(fx.cdc2022, rx("hydromorphone 2 mg", NO, NO, "1", "q4h"), 60);
    assert_med(fx.cdc2022, rx("tramadol 50 mg", NO, NO, "1", "q6h"), 40);
}

static void arithmetic_line(void **state)
{
    (void)state;
    struct med_result r = compute(fx.cdc2022, rx("oxycodone 10 mg tablet", 120, 30, NULL, NULL));
    char ar[256];
    assert_string_equal(med_result_arithmetic(&r, ar, sizeof ar), "10 mg × 120 ÷ 30 d × 1.5 = 60.0");
    assert_int_equal(r.method, MED_METHOD_DISPENSING);
    assert_string_equal(med_standard_name(r.std), "cdc2022");
    r = compute(fx.cdc2022, rx("fentanyl 75 mcg/hr patch", NO, NO, NULL, NULL));
    assert_string_equal(med_result_arithmetic(&r, ar, sizeof ar), "75 mcg/hr × 2.4 = 180.0");
}

/* ---------------------------------------------------------------- known failures */

static void patch_is_not_504_or_144(void **state)
{
    (void)state;
    /* cqf-ruler #23 gave 504 and 144; whatever the change interval, 180 and 60. */
    assert_med(fx.cdc2022, rx("fentanyl 75 mcg/hr patch", 10, 30, NULL, NULL), 180);
    assert_med(fx.cdc2022, rx("fentanyl 75 mcg/hr patch", NO, NO, "1", "q72h"), 180);
    assert_med(fx.cdc2022, rx("fentanyl 75 mcg/hr patch", NO, NO, "1", "daily"), 180);
    assert_med(fx.cdc2022, rx("Duragesic 25 mcg/hr", 10, 30, NULL, NULL), 60);
    assert_med(fx.analytic, rx("fentanyl 75 mcg/hr patch", 10, 30, NULL, NULL), 180);
    assert_med(fx.analytic, rx("fentanyl 25 mcg/hr patch", 10, 30, NULL, NULL), 60);
}

static void equal_values_both_count(void **state)
{
    (void)state;
    /* A distinct-value sum gave 20 for two 20-MME drugs. */
    struct med_result rows[2];
    rows[0] = compute(fx.cdc2022, rx("hydrocodone 5 mg tablet", NO, NO, "1", "4"));
    rows[1] = compute(fx.cdc2022, rx("hydrocodone 5 mg tablet", NO, NO, "1", "4"));
    size_t bad;
    assert_true(near(med_combine(fx.cdc2022, rows, 2, &bad), 40));
    assert_int_equal(bad, 0);
}

static void no_timing_is_one_dose_a_day(void **state)
{
    (void)state;
    struct med_result r = compute(fx.cdc2022, rx("oxycodone 10 mg tablet", NO, NO, "1", NULL));
    assert_int_equal(r.status, MED_OK);
    assert_true(near(r.med, 15));
    assert_true(r.flags & MED_FLAG_NO_TIMING);
    r = compute(fx.cdc2022, rx("oxycodone 10 mg tablet", NO, NO, NULL, NULL));
    assert_true(near(r.med, 15));
    assert_true(r.flags & MED_FLAG_NO_TIMING);
}

static void dose_ranges_use_the_maximum(void **state)
{
    (void)state;
    struct med_result r = compute(fx.cdc2022, rx("oxycodone 5 mg tablet", NO, NO, "1-2", "q4-6h"));
    assert_int_equal(r.status, MED_OK);
    assert_true(near(r.med, 5 * 2 * 6 * 1.5));
    assert_true(r.flags & MED_FLAG_DOSE_RANGE);
    struct med_input in = rx("oxycodone 5 mg tablet", NO, NO, "1 to 2", "3-4");
    in.prn = true;
    r = compute(fx.cdc2022, in);
    assert_true(near(r.med, 5 * 2 * 4 * 1.5));
    assert_true(r.flags & MED_FLAG_PRN);
}

static void methadone_between_integer_tiers(void **state)
{
    (void)state;
    struct med_result r =
        compute(fx.cdc2016, rx("methadone 20.5 mg/mL solution", 30, 30, NULL, NULL));
    assert_int_equal(r.status, MED_OK);
    assert_true(near(r.factor, 8));
    assert_true(near(r.med, 20.5 * 8));
}

static void division_by_zero_and_bad_quantities(void **state)
{
    (void)state;
    struct med_result r = compute(fx.cdc2022, rx("oxycodone 10 mg tablet", 120, 0, NULL, NULL));
    assert_int_equal(r.status, MED_ERROR);
    assert_non_null(strstr(r.error, "days supply is 0"));
    assert_true(isnan(r.med));
    r = compute(fx.cdc2022, rx("oxycodone 10 mg tablet", 120, NO, NULL, NULL));
    assert_non_null(strstr(r.error, "days supply is missing"));
    r = compute(fx.cdc2022, rx("oxycodone 10 mg tablet", -120, 30, NULL, NULL));
    assert_int_equal(r.status, MED_ERROR);
    assert_non_null(strstr(r.error, "quantity -120"));
    r = compute(fx.cdc2022, rx("oxycodone 10 mg tablet", 0, 30, NULL, NULL));
    assert_int_equal(r.status, MED_ERROR);
    r = compute(fx.cdc2022, rx("oxycodone 10 mg tablet", 1e9, 30, NULL, NULL));
    assert_int_equal(r.status, MED_ERROR);
    r = compute(fx.cdc2022, rx("oxycodone 10 mg tablet", 120, -30, NULL, NULL));
    assert_int_equal(r.status, MED_ERROR);
    r = compute(fx.cdc2022, rx("oxycodone 10 mg tablet", 120, 7.5, NULL, NULL));
    assert_int_equal(r.status, MED_ERROR);
    /* absurd but possible numbers are computed and flagged */
    r = compute(fx.cdc2022, rx("oxycodone 30 mg tablet", 1000, 1, NULL, NULL));
    assert_int_equal(r.status, MED_OK);
    assert_true(r.flags & MED_FLAG_MED_OVER_1000);
    assert_true(r.flags & MED_FLAG_QUANTITY_IMPLAUSIBLE);
    r = compute(fx.cdc2022, rx("oxycodone 30 mg tablet", NO, NO, "40", "30"));
    assert_true(r.flags & MED_FLAG_DOSE_IMPLAUSIBLE);
    r = compute(fx.cdc2022, rx("oxycodone 30 mg tablet", NO, NO, "0", "3"));
    assert_int_equal(r.status, MED_ERROR);
    r = compute(fx.cdc2022, rx("oxycodone 30 mg tablet", NO, NO, "one", "3"));
    assert_int_equal(r.status, MED_ERROR);
    assert_non_null(strstr(r.error, "dose 'one'"));
}

static void days_supply_missing_with_a_sig(void **state)
{
    (void)state;
    struct med_result r = compute(fx.cdc2022, rx("oxycodone 10 mg tablet", 120, 0, "1", "4"));
    assert_int_equal(r.status, MED_OK);
    assert_int_equal(r.method, MED_METHOD_SIG);
    assert_true(near(r.med, 60));
    assert_true(r.flags & MED_FLAG_DAYS_SUPPLY_MISSING);
    r = compute(fx.cdc2022, rx("oxycodone 10 mg tablet", 400, 400, NULL, NULL));
    assert_true(r.flags & MED_FLAG_DAYS_SUPPLY_OVER_365);
}

static void sig_disagreement(void **state)
{
    (void)state;
    /* dispensing 40 mg/day, sig 60 mg/day: 50 % apart */
    struct med_result r = compute(fx.cdc2022, rx("oxycodone 10 mg tablet", 120, 30, "1", "6"));
    assert_int_equal(r.method, MED_METHOD_DISPENSING);
    assert_true(near(r.med, 60));
    assert_true(near(r.sig_dose, 60));
    assert_true(r.flags & MED_FLAG_SIG_DISAGREES);
    /* 40 vs 50: exactly 25 % is not more than 25 % */
    r = compute(fx.cdc2022, rx("oxycodone 10 mg tablet", 120, 30, "1", "5"));
    assert_false(r.flags & MED_FLAG_SIG_DISAGREES);
    r = compute(fx.cdc2022, rx("oxycodone 10 mg tablet", 120, 30, "1", "4"));
    assert_false(r.flags & MED_FLAG_SIG_DISAGREES);
}

/* ---------------------------------------------------------------- standards side by side */

static void three_standards(void **state)
{
    (void)state;
    static const struct {
        const char *drug;
        double qty, days;
        double m2022, m2016, manalytic; /* NAN: not computable under that standard */
    } t[] = {
        {"oxycodone 10 mg tablet", 120, 30, 60, 60, 60},
        {"hydromorphone 4 mg tablet", 60, 30, 40, 32, 32},
        {"tramadol 50 mg tablet", 120, 30, 40, 20, 20},
        {"methadone 10 mg tablet", 90, 30, 141, 240, 90},
        {"methadone 5 mg tablet", 120, 30, 94, 80, 60},
        {"fentanyl 50 mcg/hr patch", 10, 30, 120, 120, 120},
        {"fentanyl 50 mcg/hr patch", 15, 30, 120, 120, 180},
        {"codeine 30 mg tablet", 120, 30, 18, 18, 18},
        {"tapentadol 100 mg tablet", 60, 30, 80, 80, 80},
        {"levorphanol 2 mg tablet", 90, 30, 66, 66, 66},
        {"Fentora 100 mcg buccal tablet", 120, 30, NAN, NAN, 52},
        {"Actiq 200 mcg", 60, 30, NAN, NAN, 52},
        {"Lazanda 100 mcg/spray nasal spray", 90, 30, NAN, NAN, 48},
        {"Subsys 100 mcg oral spray", 90, 30, NAN, NAN, 54},
    };
    const struct med_standard *s[3] = {fx.cdc2022, fx.cdc2016, fx.analytic};
    for (size_t i = 0; i < ARRAY_LEN(t); i++) {
        double want[3] = {t[i].m2022, t[i].m2016, t[i].manalytic};
        for (int k = 0; k < 3; k++) {
            struct med_result r = compute(s[k], rx(t[i].drug, t[i].qty, t[i].days, NULL, NULL));
            if (isnan(want[k])) {
                if (r.status != MED_ERROR || !strstr(r.error, "no conversion factor"))
                    fail_msg("%s under %s: expected no factor, got %s", t[i].drug,
                             med_standard_name(s[k]), r.error);
            } else if (r.status != MED_OK || !near(r.med, want[k])) {
                fail_msg("%s under %s: MED %g (%s), expected %g", t[i].drug,
                         med_standard_name(s[k]), r.med, r.error, want[k]);
            }
        }
    }
}

static void buprenorphine_excluded_and_marked_factors(void **state)
{
    (void)state;
    struct med_result r = compute(fx.cdc2022, rx("Butrans 10 mcg/hr patch", 4, 28, NULL, NULL));
    assert_int_equal(r.status, MED_EXCLUDED);
    assert_int_equal(r.product.cls, MED_CLASS_BUP_PAIN);
    r = compute(fx.cdc2022, rx("Suboxone 8 mg/2 mg film", 30, 30, NULL, NULL));
    assert_int_equal(r.status, MED_NOT_OPIOID);
    assert_int_equal(r.product.cls, MED_CLASS_MOUD);
    r = compute(fx.cdc2022, rx("meperidine 50 mg tablet", 60, 30, NULL, NULL));
    assert_int_equal(r.status, MED_OK);
    assert_true(r.flags & MED_FLAG_NOT_IN_GUIDELINE_TABLE);
    r = compute(fx.cdc2022, rx("oxycodone 5 mg tablet", 60, 30, NULL, NULL));
    assert_false(r.flags & MED_FLAG_NOT_IN_GUIDELINE_TABLE);
    r = compute(fx.cdc2022, rx("morphine 10 mg/mL injection", 10, 5, NULL, NULL));
    assert_int_equal(r.status, MED_ERROR);
    assert_non_null(strstr(r.error, "no conversion factor for morphine injection"));
}

/* ---------------------------------------------------------------- boundaries */

static void methadone_tier_boundaries(void **state)
{
    (void)state;
    static const double mg[] = {20, 20.5, 21, 40, 40.5, 60, 61};
    static const double factor[] = {4, 8, 8, 8, 10, 10, 12};
    for (size_t i = 0; i < ARRAY_LEN(mg); i++) {
        assert_true(near(med_standard_methadone_factor(fx.cdc2016, mg[i]), factor[i]));
        struct med_input in = rx("methadone 1 mg/mL solution", mg[i] * 30, 30, NULL, NULL);
        struct med_result r = compute(fx.cdc2016, in);
        assert_int_equal(r.status, MED_OK);
        if (!near(r.med, mg[i] * factor[i]))
            fail_msg("methadone %g mg/day: MED %g, expected %g", mg[i], r.med, mg[i] * factor[i]);
    }
    assert_true(isnan(med_standard_methadone_factor(fx.cdc2016, 0)));
    struct med_result r = compute(fx.cdc2022, rx("methadone 10 mg tablet", NO, NO, "1", "8"));
    assert_false(r.flags & MED_FLAG_METHADONE_OVER_80);
    r = compute(fx.cdc2022, rx("methadone 10 mg tablet", NO, NO, "1", "9"));
    assert_true(r.flags & MED_FLAG_METHADONE_OVER_80);
}

static void methadone_tiers_use_the_summed_methadone(void **state)
{
    (void)state;
    struct med_result rows[3];
    rows[0] = compute(fx.cdc2016, rx("methadone 10 mg tablet", NO, NO, "1", "1"));
    rows[1] = compute(fx.cdc2016, rx("methadone 5 mg tablet", NO, NO, "1", "3"));
    rows[2] = compute(fx.cdc2016, rx("oxycodone 10 mg tablet", NO, NO, "1", "2"));
    assert_true(near(rows[0].factor, 4)); /* alone: 10 mg/day */
    double total = med_combine(fx.cdc2016, rows, 3, NULL);
    /* 25 mg/day of methadone in total: factor 8 for both rows */
    assert_true(near(rows[0].factor, 8));
    assert_true(near(rows[1].factor, 8));
    assert_true(near(total, 25 * 8 + 30));
}

/* ---------------------------------------------------------------- properties */

static uint64_t rng = 88172645463325252ULL;
static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void total_independent_of_order(void **state)
{
    (void)state;
    static const char *const drugs[] = {
        "oxycodone 5 mg tablet",  "hydrocodone 7.5 mg/325 mg tablet", "morphine ER 15 mg",
        "tramadol 50 mg tablet",  "methadone 10 mg tablet",           "fentanyl 12 mcg/hr patch",
        "codeine 30 mg tablet",   "hydromorphone 2 mg tablet",        "tapentadol 50 mg tablet",
        "methadone 5 mg tablet",  "oxycodone 15 mg tablet",           "xanax 1 mg"};
    enum { N = ARRAY_LEN(drugs) };
    struct med_input in[N];
    for (int i = 0; i < N; i++)
        in[i] = rx(drugs[i], (double)(1 + next_rand() % 180), (double)(1 + next_rand() % 30),
                   NULL, NULL);
    const struct med_standard *stds[2] = {fx.cdc2016, fx.cdc2022};
    for (int s = 0; s < 2; s++) {
        struct med_result rows[N];
        for (int i = 0; i < N; i++)
            med_compute(fx.db, stds[s], &in[i], &rows[i]);
        double ref = med_combine(stds[s], rows, N, NULL);
        for (int round = 0; round < 200; round++) {
            for (int i = N - 1; i > 0; i--) {
                int j = (int)(next_rand() % (uint64_t)(i + 1));
                struct med_input t = in[i];
                in[i] = in[j];
                in[j] = t;
            }
            for (int i = 0; i < N; i++)
                med_compute(fx.db, stds[s], &in[i], &rows[i]);
            double total = med_combine(stds[s], rows, N, NULL);
            if (total != ref)
                fail_msg("round %d: total %.17g differs from %.17g", round, total, ref);
        }
    }
}

static void med_is_linear_in_quantity(void **state)
{
    (void)state;
    static const char *const drugs[] = {"oxycodone 10 mg tablet", "morphine 2 mg/mL solution",
                                        "hydrocodone-acetaminophen 10 mg/325 mg tablet",
                                        "fentanyl 25 mcg/hr patch"};
    for (size_t d = 0; d < ARRAY_LEN(drugs); d++)
        for (int i = 0; i < 200; i++) {
            double q = (double)(1 + next_rand() % 300), k = (double)(1 + next_rand() % 9);
            double days = (double)(1 + next_rand() % 90);
            double a = med_ok(fx.analytic, rx(drugs[d], q, days, NULL, NULL));
            double b = med_ok(fx.analytic, rx(drugs[d], q * k, days, NULL, NULL));
            if (!near(b, k * a))
                fail_msg("%s: MED(%g × %g) = %.17g, %g × MED(%g) = %.17g", drugs[d], k, q, b, k,
                         q, k * a);
        }
}


/* ---------------------------------------------------------------- loading and building */

static void expect_load_error(const char *json, const char *want)
{
    char path[256], err[512];
    snprintf(path, sizeof path, "%s/med-std-%d.json", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
             (int)getpid());
    assert_int_equal(write_file_atomic(path, json, strlen(json), 0600), 0);
    struct med_standard *s = med_standard_load(path, err, sizeof err);
    unlink(path);
    if (s || !strstr(err, want) || !strstr(err, path))
        fail_msg("expected '%s', got '%s'", want, s ? "(loaded)" : err);
}

static void standard_files_report_exact_errors(void **state)
{
    (void)state;
    const char *head = "{\"name\": \"x\", \"version\": \"1\", \"source\": \"s\", ";
    char buf[1024];
    expect_load_error("{\"version\": \"1\"}", "name: expected a string");
    snprintf(buf, sizeof buf, "%s\"factors\": 3}", head);
    expect_load_error(buf, "factors: expected an array of factor entries");
    snprintf(buf, sizeof buf,
             "%s\"factors\": [{\"ingredient\": \"codeine\", \"unit\": \"mg\", \"factor\": 0.15},"
             " {\"ingredient\": \"morphine\", \"unit\": \"mg\", \"factor\": -1}]}",
             head);
    expect_load_error(buf, "factors[1].factor: expected a positive number");
    snprintf(buf, sizeof buf,
             "%s\"factors\": [{\"ingredient\": \"morphine\", \"unit\": \"grams\", \"factor\": 1}]}",
             head);
    expect_load_error(buf, "factors[0].unit: expected \"mg\", \"mcg\" or \"mcg/hr\"");
    snprintf(buf, sizeof buf,
             "%s\"factors\": [{\"ingredient\": \"fentanyl\", \"routes\": [\"ear\"], "
             "\"unit\": \"mcg\", \"factor\": 1}]}",
             head);
    expect_load_error(buf, "factors[0].routes: expected route names");
    snprintf(buf, sizeof buf,
             "%s\"factors\": [], \"methadone_tiers\": [{\"above_mg\": 0, \"up_to_mg\": 20, "
             "\"factor\": 4}, {\"above_mg\": 30, \"factor\": 8}]}",
             head);
    expect_load_error(buf, "methadone_tiers[1]");
    snprintf(buf, sizeof buf,
             "%s\"factors\": [{\"ingredient\": \"methadone\", \"unit\": \"mg\", \"factor\": 3}],"
             " \"methadone_tiers\": [{\"above_mg\": 0, \"factor\": 4}]}",
             head);
    expect_load_error(buf, "either tiers or a flat factor");
    expect_load_error("{\n\"name\": \"x\",\n oops}", "line 3: not valid JSON");
    char err[256];
    assert_null(med_standard_load_named(fx.config, "../etc/passwd", err, sizeof err));
    assert_null(med_standard_load_named(fx.config, "nosuch", err, sizeof err));
    assert_non_null(strstr(err, "no standard named 'nosuch'"));
}

static void builder(void **state)
{
    (void)state;
    char err[256];
    struct med_standard *s = med_standard_new("mine", "1", "test");
    assert_int_equal(med_standard_set_factor(s, "oxycodone", NULL, "mg", 1.5, 0, err, sizeof err), 0);
    assert_int_equal(med_standard_set_factor(s, "oxycodone", NULL, "mg", 0, 0, err, sizeof err), -1);
    assert_int_equal(med_standard_set_factor(s, "fentanyl", "ear", "mcg", 1, 0, err, sizeof err), -1);
    assert_non_null(strstr(err, "route 'ear'"));
    assert_int_equal(med_standard_add_methadone_tier(s, 0, 20, 4, err, sizeof err), 0);
    assert_int_equal(med_standard_add_methadone_tier(s, 25, 40, 8, err, sizeof err), -1);
    assert_int_equal(med_standard_check(s, err, sizeof err), -1); /* last tier not open */
    assert_int_equal(med_standard_add_methadone_tier(s, 20, INFINITY, 8, err, sizeof err), 0);
    assert_int_equal(med_standard_check(s, err, sizeof err), 0);
    struct med_result r;
    struct med_input in = rx("methadone 10 mg tablet", NAN, NAN, "1", "3");
    med_compute(fx.db, s, &in, &r);
    assert_true(near(r.med, 240));
    assert_string_equal(med_standard_name(r.std), "mine");
    in = rx("oxycodone 10 mg tablet", 120, 30, NULL, NULL);
    med_compute(fx.db, s, &in, &r);
    assert_true(near(r.med, 60));
    med_standard_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(worked_examples),
        cmocka_unit_test(arithmetic_line),
        cmocka_unit_test(patch_is_not_504_or_144),
        cmocka_unit_test(equal_values_both_count),
        cmocka_unit_test(no_timing_is_one_dose_a_day),
        cmocka_unit_test(dose_ranges_use_the_maximum),
        cmocka_unit_test(methadone_between_integer_tiers),
        cmocka_unit_test(division_by_zero_and_bad_quantities),
        cmocka_unit_test(days_supply_missing_with_a_sig),
        cmocka_unit_test(sig_disagreement),
        cmocka_unit_test(three_standards),
        cmocka_unit_test(buprenorphine_excluded_and_marked_factors),
        cmocka_unit_test(methadone_tier_boundaries),
        cmocka_unit_test(methadone_tiers_use_the_summed_methadone),
        cmocka_unit_test(total_independent_of_order),
        cmocka_unit_test(med_is_linear_in_quantity),
        cmocka_unit_test(standard_files_report_exact_errors),
        cmocka_unit_test(builder),
    };
    return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
