/* Calendar arithmetic: round trips over centuries, strict parsing, month arithmetic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "date.h"

static void test_epoch_and_known_days(void **state)
{
    (void)state;
    assert_int_equal(date_from_ymd(1970, 1, 1), 0);
    assert_int_equal(date_from_ymd(2000, 3, 1), 11017);
    assert_int_equal(date_from_ymd(2026, 6, 30), 20634);
    assert_int_equal(date_weekday(date_from_ymd(2026, 11, 22)), 0); /* a Sunday */
}

static void test_round_trip(void **state)
{
    (void)state;
    for (day_t d = date_from_ymd(1800, 1, 1); d < date_from_ymd(2400, 1, 1); d++) {
        int y, m, dd;
        date_to_ymd(d, &y, &m, &dd);
        assert_int_equal(date_from_ymd(y, m, dd), d);
        char buf[16];
        day_t back;
        assert_int_equal(date_parse(date_format(d, buf), 10, &back), 0);
        assert_int_equal(back, d);
    }
}

static void test_strict_parse(void **state)
{
    (void)state;
    day_t d;
    const char *bad[] = {"2026-02-29", "2026-13-01", "2026-00-10", "2026-1-01", "26-01-01",
                         "2026/01/01", "2026-01-32", "2026-04-31", "abcd-ef-gh", "2026-01-01x",
                         ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (date_parse(bad[i], strlen(bad[i]), &d) == 0)
            fail_msg("'%s' was accepted", bad[i]);
    assert_int_equal(date_parse("2024-02-29", 10, &d), 0);
    assert_int_equal(date_parse("2000-02-29", 10, &d), 0);
    assert_int_not_equal(date_parse("1900-02-29", 10, &d), 0);
}

static void test_add_months_clamps(void **state)
{
    (void)state;
    char buf[16];
    assert_string_equal(date_format(date_add_months(date_from_ymd(2026, 1, 31), 1), buf),
                        "2026-02-28");
    assert_string_equal(date_format(date_add_months(date_from_ymd(2024, 1, 31), 1), buf),
                        "2024-02-29");
    assert_string_equal(date_format(date_add_months(date_from_ymd(2026, 3, 15), -3), buf),
                        "2025-12-15");
    assert_string_equal(date_format(date_add_months(date_from_ymd(2026, 12, 1), 14), buf),
                        "2028-02-01");
}

static void test_age_years(void **state)
{
    (void)state;
    day_t born = date_from_ymd(1970, 3, 4);
    assert_int_equal(date_age_years(born, date_from_ymd(2026, 3, 3)), 55); /* the day before */
    assert_int_equal(date_age_years(born, date_from_ymd(2026, 3, 4)), 56); /* the birthday */
    assert_int_equal(date_age_years(born, date_from_ymd(2026, 12, 31)), 56);
    day_t leap = date_from_ymd(2004, 2, 29);
    assert_int_equal(date_age_years(leap, date_from_ymd(2026, 2, 28)), 21);
    assert_int_equal(date_age_years(leap, date_from_ymd(2026, 3, 1)), 22);
    assert_int_equal(date_age_years(leap, date_from_ymd(2028, 2, 29)), 24);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_epoch_and_known_days),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_strict_parse),
        cmocka_unit_test(test_add_months_clamps),
        cmocka_unit_test(test_age_years),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
