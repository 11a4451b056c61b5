/* The "did you mean" helper and the error formatter: the distance limit, ties going to the first
 * candidate, no limit at all, NULL candidates, the list form, and an error buffer that is absent,
 * empty or too small. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util.h"

static void test_within_limit(void **state)
{
    (void)state;
    struct nearest n = nearest_start("medd", 3);
    assert_null(n.best);
    assert_true(nearest_offer(&n, "med"));
    assert_string_equal(n.best, "med");
    assert_int_equal(n.dist, 1);
    assert_false(nearest_offer(&n, "meds")); /* as near: the first one stays */
    assert_string_equal(n.best, "med");
    assert_false(nearest_offer(&n, "zzzzzzzzzz"));
    assert_true(nearest_offer(&n, "medd"));
    assert_int_equal(n.dist, 0);
}

static void test_limit_is_inclusive(void **state)
{
    (void)state;
    struct nearest n = nearest_start("abc", 2);
    assert_false(nearest_offer(&n, "xyz")); /* distance 3 */
    assert_true(nearest_offer(&n, "axy"));  /* distance 2 */
    assert_string_equal(n.best, "axy");
    n = nearest_start("abc", 0);
    assert_false(nearest_offer(&n, "abd"));
    assert_true(nearest_offer(&n, "abc"));
}

static void test_no_limit_and_null(void **state)
{
    (void)state;
    struct nearest n = nearest_start("daily", NEAREST_ANY);
    assert_false(nearest_offer(&n, NULL));
    assert_true(nearest_offer(&n, "a completely different name"));
    assert_true(nearest_offer(&n, "dally"));
    assert_string_equal(n.best, "dally");
}

static void test_list(void **state)
{
    (void)state;
    const char *const list[] = {"html", "json", "markdown", "text", NULL};
    assert_string_equal(nearest_in(list, "jsno", 3), "json");
    assert_string_equal(nearest_in(list, "txt", 3), "text");
    assert_null(nearest_in(list, "spreadsheet", 3));
    const char *const empty[] = {NULL};
    assert_null(nearest_in(empty, "x", NEAREST_ANY));
}

static void test_errf(void **state)
{
    (void)state;
    char err[16] = "untouched";
    errf(err, sizeof err, "%s %d", "line", 42);
    assert_string_equal(err, "line 42");
    errf(err, 5, "%s", "cut short");
    assert_string_equal(err, "cut ");
    errf(NULL, 10, "%s", "nowhere");
    errf(err, 0, "%s", "nothing");
    assert_string_equal(err, "cut ");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_within_limit),
        cmocka_unit_test(test_limit_is_inclusive),
        cmocka_unit_test(test_no_limit_and_null),
        cmocka_unit_test(test_list),
        cmocka_unit_test(test_errf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
