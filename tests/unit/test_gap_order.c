/* The order gaps are listed in: eval_gaps_sort ranks each kind of string once and sorts on
 * packed keys; the result must be the documented order, also with missing clinicians and
 * patients, ids that share prefixes, and every level. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"

static int cmp_null_last(const char *a, const char *b)
{
    if (!a || !b)
        return (a == NULL) - (b == NULL);
    return strcmp(a, b);
}

static const char *group(const struct gap *g)
{
    return g->level == LEVEL_SITE ? g->site : g->clinician;
}

/* The orders spelled out field by field, as the documentation states them. */
static int want_sites_last(const struct gap *a, const struct gap *b)
{
    int sa = a->level == LEVEL_SITE, sb = b->level == LEVEL_SITE, c;
    if (sa != sb)
        return sa - sb;
    if ((c = cmp_null_last(group(a), group(b))))
        return c;
    if (a->level != b->level)
        return (int)a->level - (int)b->level;
    if ((c = cmp_null_last(a->patient, b->patient)))
        return c;
    return strcmp(a->check, b->check);
}

static int want_by_level(const struct gap *a, const struct gap *b)
{
    int c;
    if (a->level != b->level)
        return (int)a->level - (int)b->level;
    if ((c = cmp_null_last(group(a), group(b))))
        return c;
    if ((c = cmp_null_last(a->patient, b->patient)))
        return c;
    return strcmp(a->check, b->check);
}

static const char *const clinicians[] = {"C1", "C10", "C2", "C20", "Cx", NULL};
static const char *const sites[] = {"S1", "S10", "S2"};
static const char *const patients[] = {"P1", "P10", "P100", "P2", "P9", "Q"};
static const char *const checks[] = {"udt-due", "pdmp-due", "high-dose", "benzo-overlap",
                                     "team-meeting-due"};

static void fill(struct gap *g, size_t n, unsigned seed)
{
    srand(seed);
    for (size_t i = 0; i < n; i++) {
        memset(&g[i], 0, sizeof g[i]);
        g[i].level = (enum gap_level)(rand() % 3);
        g[i].check = (char *)checks[rand() % 5];
        g[i].site = (char *)sites[rand() % 3];
        g[i].clinician = g[i].level == LEVEL_SITE ? NULL : (char *)clinicians[rand() % 6];
        g[i].patient = g[i].level == LEVEL_PATIENT ? (char *)patients[rand() % 6] : NULL;
    }
}

static void sorted_in(enum gap_order order, int (*want)(const struct gap *, const struct gap *))
{
    for (unsigned seed = 1; seed <= 20; seed++) {
        size_t n = 50 + seed * 37;
        struct gap *g = calloc(n, sizeof *g);
        fill(g, n, seed);
        eval_gaps_sort(g, n, order);
        for (size_t i = 1; i < n; i++)
            if (want(&g[i - 1], &g[i]) > 0)
                fail_msg("seed %u: gap %zu (%s %s %s) before gap %zu (%s %s %s)", seed, i - 1,
                         g[i - 1].check, group(&g[i - 1]) ? group(&g[i - 1]) : "-",
                         g[i - 1].patient ? g[i - 1].patient : "-", i, g[i].check,
                         group(&g[i]) ? group(&g[i]) : "-", g[i].patient ? g[i].patient : "-");
        free(g);
    }
}

static void sites_last_order(void **state)
{
    (void)state;
    sorted_in(GAP_ORDER_SITES_LAST, want_sites_last);
}

static void by_level_order(void **state)
{
    (void)state;
    sorted_in(GAP_ORDER_BY_LEVEL, want_by_level);
}

static void nothing_to_sort(void **state)
{
    (void)state;
    struct gap one = {.check = "udt-due", .patient = "P1", .clinician = "C1", .site = "S1"};
    eval_gaps_sort(&one, 1, GAP_ORDER_SITES_LAST);
    eval_gaps_sort(NULL, 0, GAP_ORDER_BY_LEVEL);
    assert_string_equal(one.check, "udt-due");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sites_last_order),
        cmocka_unit_test(by_level_order),
        cmocka_unit_test(nothing_to_sort),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
