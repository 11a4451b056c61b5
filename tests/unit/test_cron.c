/* Cron expressions: parsing (fields, names, steps, ranges, lists, macros, every error), the
 * day-of-month / day-of-week rule, and the next-fire search across month ends, leap days and
 * daylight-saving changes. Expected instants are written as ISO times with offsets and checked
 * against timegm(), and the DST behaviour is also checked against a minute-by-minute model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "cron.h"
#include "tz.h"
#include "util.h"

#define ZONEINFO "/usr/share/zoneinfo"

static struct cron parse(const char *expr)
{
    struct cron c;
    char err[256] = "";
    if (cron_parse(expr, &c, err, sizeof err) < 0)
        fail_msg("%s", err);
    return c;
}

static struct tz *load(const char *name)
{
    char err[256] = "";
    struct tz *z = tz_load_dir(ZONEINFO, name, err, sizeof err);
    if (!z)
        fail_msg("%s", err);
    return z;
}

/* "YYYY-MM-DDTHH:MM:SS±HH:MM" (or "Z") to an instant, computed with the C library. */
static int64_t instant(const char *iso)
{
    struct tm tm = {0};
    char sign = 'Z';
    int oh = 0, om = 0;
    int n = sscanf(iso, "%d-%d-%dT%d:%d:%d%c%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &sign, &oh, &om);
    assert_true(n == 7 || n == 9);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    int off = (sign == '-' ? -1 : 1) * (oh * 3600 + om * 60);
    return (int64_t)timegm(&tm) - off;
}

/* Checks that expr in zone fires at exactly the listed times after `after`, one after the
 * other. */
static void expect_fires(const char *expr, const char *zone, const char *after,
                         const char *const *want, size_t n)
{
    struct cron c = parse(expr);
    struct tz *z = load(zone);
    int64_t t = instant(after);
    for (size_t i = 0; i < n; i++) {
        int64_t next = 0;
        char iso[TZ_ISO_LEN];
        if (cron_next(&c, z, t, &next) != CRON_OK)
            fail_msg("\"%s\" in %s: no fire time after %s", expr, zone, tz_format_iso(z, t, iso));
        tz_format_iso(z, next, iso);
        if (next != instant(want[i]) || strcmp(iso, want[i]) != 0)
            fail_msg("\"%s\" in %s, fire %zu: got %s, want %s", expr, zone, i + 1, iso, want[i]);
        t = next;
    }
    tz_free(z);
}

#define EXPECT_FIRES(expr, zone, after, ...)                                                       \
    do {                                                                                           \
        static const char *const want_[] = {__VA_ARGS__};                                          \
        expect_fires(expr, zone, after, want_, ARRAY_LEN(want_));                                  \
    } while (0)

static uint64_t bits(const int *values, size_t n)
{
    uint64_t b = 0;
    for (size_t i = 0; i < n; i++)
        b |= UINT64_C(1) << values[i];
    return b;
}

#define BITS(...) bits((const int[]){__VA_ARGS__}, ARRAY_LEN(((const int[]){__VA_ARGS__})))

/* ---- Parsing ------------------------------------------------------------------------------ */

static void test_parse_steps_ranges_lists(void **state)
{
    (void)state;
    struct cron c = parse("*/15 1-10/2 1,15,31 */3 *");
    assert_int_equal(c.minute, BITS(0, 15, 30, 45));
    assert_int_equal(c.hour, BITS(1, 3, 5, 7, 9));
    assert_int_equal(c.mday, BITS(1, 15, 31));
    assert_int_equal(c.month, BITS(1, 4, 7, 10));
    assert_int_equal(c.wday, 0x7f);
    assert_false(c.hour_star);
    assert_false(c.mday_star);
    assert_true(c.wday_star);

    c = parse("0-4,50-59/3 * * * *");
    assert_int_equal(c.minute, BITS(0, 1, 2, 3, 4, 50, 53, 56, 59));
    assert_true(c.hour_star);
    assert_int_equal(c.hour, 0xffffff);
    /* A value with a step runs to the end of the field. */
    c = parse("5/20 22/1 * * *");
    assert_int_equal(c.minute, BITS(5, 25, 45));
    assert_int_equal(c.hour, BITS(22, 23));
    c = parse("59 23 31 12 6");
    assert_int_equal(c.minute, BITS(59));
    assert_int_equal(c.hour, BITS(23));
    assert_int_equal(c.mday, BITS(31));
    assert_int_equal(c.month, BITS(12));
    assert_int_equal(c.wday, BITS(6));
    /* Steps as large as the field are allowed and select only the first value. */
    c = parse("*/60 */24 */31 */12 */7");
    assert_int_equal(c.minute, BITS(0));
    assert_int_equal(c.hour, BITS(0));
    assert_int_equal(c.mday, BITS(1));
    assert_int_equal(c.month, BITS(1));
    assert_int_equal(c.wday, BITS(0));
}

static void test_parse_names(void **state)
{
    (void)state;
    struct cron c = parse("0 9 * jan,Mar,DEC mon-FRI");
    assert_int_equal(c.month, BITS(1, 3, 12));
    assert_int_equal(c.wday, BITS(1, 2, 3, 4, 5));
    c = parse("0 9 * FEB-apr/2 sun,sat");
    assert_int_equal(c.month, BITS(2, 4));
    assert_int_equal(c.wday, BITS(0, 6));
    c = parse("0 9 * * Tue-Thu/2");
    assert_int_equal(c.wday, BITS(2, 4));
    c = parse("0 9 * 1-jun *");
    assert_int_equal(c.month, BITS(1, 2, 3, 4, 5, 6));
}

static void test_parse_sunday_as_seven(void **state)
{
    (void)state;
    assert_int_equal(parse("0 0 * * 7").wday, BITS(0));
    assert_int_equal(parse("0 0 * * 5-7").wday, BITS(0, 5, 6));
    assert_int_equal(parse("0 0 * * FRI-SUN").wday, BITS(0, 5, 6));
    assert_int_equal(parse("0 0 * * 0-7").wday, 0x7f);
    assert_int_equal(parse("0 0 * * 0,7").wday, BITS(0));
}

static void expect_same(const char *a, const char *b)
{
    struct cron x = parse(a), y = parse(b);
    if (memcmp(&x, &y, sizeof x) != 0)
        fail_msg("\"%s\" differs from \"%s\"", a, b);
}

static void test_parse_macros(void **state)
{
    (void)state;
    expect_same("@hourly", "0 * * * *");
    expect_same("@daily", "0 0 * * *");
    expect_same("@midnight", "0 0 * * *");
    expect_same("@weekly", "0 0 * * 0");
    expect_same("@monthly", "0 0 1 * *");
    expect_same("@yearly", "0 0 1 1 *");
    expect_same("@annually", "0 0 1 1 *");
    expect_same("  @Daily\t ", "0 0 * * *");
    expect_same("\t0  9 *\t* 1-5 ", "0 9 * * MON-FRI");
}

static void expect_error(const char *expr, const char *want)
{
    struct cron c;
    char err[512] = "";
    if (cron_parse(expr, &c, err, sizeof err) == 0)
        fail_msg("accepted \"%s\"", expr);
    if (strcmp(err, want) != 0)
        fail_msg("\"%s\":\n got  %s\n want %s", expr, err, want);
}

static void test_parse_errors(void **state)
{
    (void)state;
    expect_error("", "cron: empty expression");
    expect_error(" \t ", "cron: empty expression");
    expect_error("0 9 * *", "cron: expected 5 fields (minute hour day-of-month month "
                            "day-of-week) but found 4 in \"0 9 * *\"");
    expect_error("0 0 9 * * *", "cron: expected 5 fields (minute hour day-of-month month "
                                "day-of-week) but found 6 in \"0 0 9 * * *\"");
    expect_error("0 24 * * *",
                 "cron: field 2 (hour) value 24 is out of range 0-23 in \"0 24 * * *\"");
    expect_error("60 * * * *",
                 "cron: field 1 (minute) value 60 is out of range 0-59 in \"60 * * * *\"");
    expect_error("* * 0 * *",
                 "cron: field 3 (day-of-month) value 0 is out of range 1-31 in \"* * 0 * *\"");
    expect_error("* * 32 * *",
                 "cron: field 3 (day-of-month) value 32 is out of range 1-31 in \"* * 32 * *\"");
    expect_error("* * * 13 *",
                 "cron: field 4 (month) value 13 is out of range 1-12 in \"* * * 13 *\"");
    expect_error("* * * 0 *",
                 "cron: field 4 (month) value 0 is out of range 1-12 in \"* * * 0 *\"");
    expect_error("* * * * 8",
                 "cron: field 5 (day-of-week) value 8 is out of range 0-7 in \"* * * * 8\"");
    expect_error("99999999999 * * * *", "cron: field 1 (minute) value 99999999999 is out of "
                                        "range 0-59 in \"99999999999 * * * *\"");
    expect_error("1-70 * * * *",
                 "cron: field 1 (minute) value 70 is out of range 0-59 in \"1-70 * * * *\"");
    expect_error("*/0 * * * *",
                 "cron: field 1 (minute) step 0 is out of range 1-60 in \"*/0 * * * *\"");
    expect_error("*/61 * * * *",
                 "cron: field 1 (minute) step 61 is out of range 1-60 in \"*/61 * * * *\"");
    expect_error("0 */25 * * *",
                 "cron: field 2 (hour) step 25 is out of range 1-24 in \"0 */25 * * *\"");
    expect_error("0 0 * * */8",
                 "cron: field 5 (day-of-week) step 8 is out of range 1-7 in \"0 0 * * */8\"");
    expect_error("5-1 * * * *",
                 "cron: field 1 (minute) range \"5-1\" runs backwards in \"5-1 * * * *\"");
    expect_error("0 0 * * SAT-MON", "cron: field 5 (day-of-week) range \"SAT-MON\" runs "
                                    "backwards in \"0 0 * * SAT-MON\"");
    expect_error("1,,2 * * * *",
                 "cron: field 1 (minute) has an empty list item in \"1,,2 * * * *\"");
    expect_error("1, * * * *", "cron: field 1 (minute) has an empty list item in \"1, * * * *\"");
    expect_error(",1 * * * *", "cron: field 1 (minute) has an empty list item in \",1 * * * *\"");
    expect_error("* * * FOO *",
                 "cron: field 4 (month) has unknown name \"FOO\" in \"* * * FOO *\"");
    expect_error("* * * * MONDAY",
                 "cron: field 5 (day-of-week) has unknown name \"MONDAY\" in \"* * * * MONDAY\"");
    expect_error("* * * JAN-MON *",
                 "cron: field 4 (month) has unknown name \"MON\" in \"* * * JAN-MON *\"");
    expect_error("* * * * JAN",
                 "cron: field 5 (day-of-week) has unknown name \"JAN\" in \"* * * * JAN\"");
    expect_error("MON * * * *",
                 "cron: field 1 (minute) has unexpected text \"MON\" in \"MON * * * *\"");
    expect_error("0 9 MON * *",
                 "cron: field 3 (day-of-month) has unexpected text \"MON\" in \"0 9 MON * *\"");
    expect_error("1-* * * * *",
                 "cron: field 1 (minute) has unexpected text \"1-*\" in \"1-* * * * *\"");
    expect_error("*/ * * * *",
                 "cron: field 1 (minute) has unexpected text \"*/\" in \"*/ * * * *\"");
    expect_error("5- * * * *",
                 "cron: field 1 (minute) has unexpected text \"5-\" in \"5- * * * *\"");
    expect_error("1-5x * * * *",
                 "cron: field 1 (minute) has unexpected text \"1-5x\" in \"1-5x * * * *\"");
    expect_error("-5 * * * *",
                 "cron: field 1 (minute) has unexpected text \"-5\" in \"-5 * * * *\"");
    expect_error("? * * * *", "cron: field 1 (minute) has unexpected text \"?\" in \"? * * * *\"");
    expect_error("** * * * *",
                 "cron: field 1 (minute) has unexpected text \"**\" in \"** * * * *\"");
    expect_error("*/5/2 * * * *",
                 "cron: field 1 (minute) has unexpected text \"*/5/2\" in \"*/5/2 * * * *\"");
    expect_error("0 0 1-2-3 * *", "cron: field 3 (day-of-month) has unexpected text \"1-2-3\" in "
                                  "\"0 0 1-2-3 * *\"");
    expect_error("@reboot", "cron: unknown macro \"@reboot\" in \"@reboot\" (use @hourly, @daily, "
                            "@midnight, @weekly, @monthly, @yearly or @annually)");
    expect_error("@", "cron: unknown macro \"@\" in \"@\" (use @hourly, @daily, @midnight, "
                      "@weekly, @monthly, @yearly or @annually)");
    expect_error("@daily 5", "cron: unexpected text \"5\" after @daily in \"@daily 5\"");
}

/* ---- Which days match --------------------------------------------------------------------- */

static void test_day_rule(void **state)
{
    (void)state;
    /* Both restricted: either may match. 2026-01-13 is a Tuesday, 2026-01-16 a Friday. */
    struct cron c = parse("0 0 13 * FRI");
    assert_true(cron_day_matches(&c, 2026, 1, 13));
    assert_true(cron_day_matches(&c, 2026, 1, 16));
    assert_false(cron_day_matches(&c, 2026, 1, 14));
    /* One is '*': the other alone decides. */
    c = parse("0 0 13 * *");
    assert_true(cron_day_matches(&c, 2026, 1, 13));
    assert_false(cron_day_matches(&c, 2026, 1, 16));
    c = parse("0 0 * * FRI");
    assert_false(cron_day_matches(&c, 2026, 1, 13));
    assert_true(cron_day_matches(&c, 2026, 1, 16));
    /* A starred step still counts as '*': odd days that are also Mondays. */
    c = parse("0 0 */2 * MON");
    assert_true(cron_day_matches(&c, 2026, 1, 5));
    assert_false(cron_day_matches(&c, 2026, 1, 12));
    assert_false(cron_day_matches(&c, 2026, 1, 7));
    /* A full range is a restriction, so with OR every day matches. */
    c = parse("0 0 1-31 * MON");
    assert_true(cron_day_matches(&c, 2026, 1, 7));
    /* The month field always applies. */
    c = parse("0 0 13 FEB FRI");
    assert_false(cron_day_matches(&c, 2026, 1, 13));
    assert_true(cron_day_matches(&c, 2026, 2, 13));
    assert_true(cron_day_matches(&c, 2026, 2, 6));
    /* Day 31 never matches in a 30-day month. */
    c = parse("0 0 31 * *");
    assert_false(cron_day_matches(&c, 2026, 4, 31));
}

static void test_next_or_rule(void **state)
{
    (void)state;
    EXPECT_FIRES("0 9 13 * FRI", "UTC", "2026-01-01T00:00:00Z", "2026-01-02T09:00:00+00:00",
                 "2026-01-09T09:00:00+00:00", "2026-01-13T09:00:00+00:00",
                 "2026-01-16T09:00:00+00:00", "2026-01-23T09:00:00+00:00");
    /* First Sunday of the month: the starred step makes the two day fields combine with AND. */
    EXPECT_FIRES("0 12 1-7 * */7", "UTC", "2026-01-01T00:00:00Z", "2026-01-04T12:00:00+00:00",
                 "2026-02-01T12:00:00+00:00", "2026-03-01T12:00:00+00:00");
    EXPECT_FIRES("0 0 30 2 MON", "UTC", "2026-01-01T00:00:00Z", "2026-02-02T00:00:00+00:00",
                 "2026-02-09T00:00:00+00:00");
}

static void test_next_leap_day(void **state)
{
    (void)state;
    EXPECT_FIRES("0 0 29 2 *", "UTC", "2026-01-01T00:00:00Z", "2028-02-29T00:00:00+00:00",
                 "2032-02-29T00:00:00+00:00", "2036-02-29T00:00:00+00:00");
    /* 2100 is not a leap year. */
    EXPECT_FIRES("0 0 29 2 *", "UTC", "2096-03-01T00:00:00Z", "2104-02-29T00:00:00+00:00");
    EXPECT_FIRES("30 8 29 2 *", "America/Los_Angeles", "2026-01-01T00:00:00Z",
                 "2028-02-29T08:30:00-08:00");
    /* Leap days that fall on a Sunday: 28 years apart, 40 across 2100. */
    EXPECT_FIRES("0 0 29 2 */7", "UTC", "2026-01-01T00:00:00Z", "2032-02-29T00:00:00+00:00",
                 "2060-02-29T00:00:00+00:00", "2088-02-29T00:00:00+00:00",
                 "2128-02-29T00:00:00+00:00");
}

static void test_next_month_ends(void **state)
{
    (void)state;
    EXPECT_FIRES("0 0 31 * *", "UTC", "2026-04-01T00:00:00Z", "2026-05-31T00:00:00+00:00",
                 "2026-07-31T00:00:00+00:00", "2026-08-31T00:00:00+00:00",
                 "2026-10-31T00:00:00+00:00", "2026-12-31T00:00:00+00:00",
                 "2027-01-31T00:00:00+00:00", "2027-03-31T00:00:00+00:00");
    EXPECT_FIRES("59 23 30 * *", "Europe/Berlin", "2026-01-31T00:00:00Z",
                 "2026-03-30T23:59:00+02:00", "2026-04-30T23:59:00+02:00");
    EXPECT_FIRES("@monthly", "America/Los_Angeles", "2026-01-31T23:00:00-08:00",
                 "2026-02-01T00:00:00-08:00", "2026-03-01T00:00:00-08:00",
                 "2026-04-01T00:00:00-07:00");
    EXPECT_FIRES("@yearly", "Europe/Berlin", "2026-06-01T00:00:00Z", "2027-01-01T00:00:00+01:00",
                 "2028-01-01T00:00:00+01:00");
    EXPECT_FIRES("@weekly", "UTC", "2026-01-01T00:00:00Z", "2026-01-04T00:00:00+00:00",
                 "2026-01-11T00:00:00+00:00");
}

static void test_never_fires(void **state)
{
    (void)state;
    struct tz *z = load("America/Los_Angeles");
    int64_t next = 0, after = instant("2026-01-01T00:00:00Z");
    const char *never[] = {"0 0 30 2 *", "0 0 31 4,6,9,11 *", "0 0 31 2 */2", "0 0 30,31 feb *"};
    for (size_t i = 0; i < ARRAY_LEN(never); i++) {
        struct cron c = parse(never[i]);
        clock_t start = clock();
        assert_int_equal(cron_next(&c, z, after, &next), CRON_NEVER);
        /* The search is by month, not by minute; a second is generous even under sanitizers. */
        assert_true(clock() - start < CLOCKS_PER_SEC);
    }
    tz_free(z);
}

static void test_strictly_after(void **state)
{
    (void)state;
    EXPECT_FIRES("0 9 * * *", "UTC", "2026-05-01T09:00:00Z", "2026-05-02T09:00:00+00:00");
    EXPECT_FIRES("0 9 * * *", "UTC", "2026-05-01T08:59:59Z", "2026-05-01T09:00:00+00:00");
    EXPECT_FIRES("0 9 * * *", "UTC", "2026-05-01T09:00:01Z", "2026-05-02T09:00:00+00:00");
    EXPECT_FIRES("* * * * *", "UTC", "2026-12-31T23:59:30Z", "2027-01-01T00:00:00+00:00",
                 "2027-01-01T00:01:00+00:00");
    EXPECT_FIRES("*/20 9-10 * * MON-FRI", "Asia/Kolkata", "2026-05-01T10:45:00+05:30",
                 "2026-05-04T09:00:00+05:30", "2026-05-04T09:20:00+05:30",
                 "2026-05-04T09:40:00+05:30", "2026-05-04T10:00:00+05:30");
}

static void test_out_of_range(void **state)
{
    (void)state;
    struct tz *z = tz_load("UTC", NULL, 0);
    struct cron c = parse("0 0 1 1 *");
    int64_t next;
    assert_int_equal(cron_next(&c, z, TZ_MAX_UTC, &next), CRON_OUT_OF_RANGE);
    assert_int_equal(cron_next(&c, z, TZ_MIN_UTC - 1, &next), CRON_OUT_OF_RANGE);
    assert_int_equal(cron_next(&c, z, instant("9999-06-01T00:00:00Z"), &next), CRON_OUT_OF_RANGE);
    tz_free(z);
}

/* ---- Daylight saving ---------------------------------------------------------------------- */

static void test_la_daily_0230(void **state)
{
    (void)state;
    /* 2026-03-08: 02:00 PST becomes 03:00 PDT; the 02:30 run happens at 03:00, once. */
    EXPECT_FIRES("30 2 * * *", "America/Los_Angeles", "2026-03-06T12:00:00-08:00",
                 "2026-03-07T02:30:00-08:00", "2026-03-08T03:00:00-07:00",
                 "2026-03-09T02:30:00-07:00");
    /* 2026-11-01: 02:00 PDT becomes 01:00 PST; 02:30 comes once, in PST. */
    EXPECT_FIRES("30 2 * * *", "America/Los_Angeles", "2026-10-30T12:00:00-07:00",
                 "2026-10-31T02:30:00-07:00", "2026-11-01T02:30:00-08:00",
                 "2026-11-02T02:30:00-08:00");
}

static void test_la_0130_on_fall_back_day(void **state)
{
    (void)state;
    EXPECT_FIRES("30 1 * * *", "America/Los_Angeles", "2026-10-31T12:00:00-07:00",
                 "2026-11-01T01:30:00-07:00", "2026-11-02T01:30:00-08:00");
    /* Asked from inside the repeated hour, before and after the first 01:30. */
    EXPECT_FIRES("30 1 * * *", "America/Los_Angeles", "2026-11-01T01:10:00-07:00",
                 "2026-11-01T01:30:00-07:00", "2026-11-02T01:30:00-08:00");
    EXPECT_FIRES("30 1 * * *", "America/Los_Angeles", "2026-11-01T01:45:00-07:00",
                 "2026-11-02T01:30:00-08:00");
    EXPECT_FIRES("30 1 * * *", "America/Los_Angeles", "2026-11-01T01:10:00-08:00",
                 "2026-11-02T01:30:00-08:00");
}

static void test_berlin_daily_0230(void **state)
{
    (void)state;
    EXPECT_FIRES("30 2 * * *", "Europe/Berlin", "2026-03-27T12:00:00+01:00",
                 "2026-03-28T02:30:00+01:00", "2026-03-29T03:00:00+02:00",
                 "2026-03-30T02:30:00+02:00");
    /* 2026-10-25: 03:00 CEST becomes 02:00 CET; 02:30 runs at its first occurrence only. */
    EXPECT_FIRES("30 2 * * *", "Europe/Berlin", "2026-10-23T12:00:00+02:00",
                 "2026-10-24T02:30:00+02:00", "2026-10-25T02:30:00+02:00",
                 "2026-10-26T02:30:00+01:00");
}

static void test_hourly_across_changes(void **state)
{
    (void)state;
    EXPECT_FIRES("0 * * * *", "America/Los_Angeles", "2026-03-08T00:30:00-08:00",
                 "2026-03-08T01:00:00-08:00", "2026-03-08T03:00:00-07:00",
                 "2026-03-08T04:00:00-07:00");
    EXPECT_FIRES("0 * * * *", "America/Los_Angeles", "2026-11-01T00:30:00-07:00",
                 "2026-11-01T01:00:00-07:00", "2026-11-01T02:00:00-08:00",
                 "2026-11-01T03:00:00-08:00");
    EXPECT_FIRES("@hourly", "Europe/Berlin", "2026-03-29T00:30:00+01:00",
                 "2026-03-29T01:00:00+01:00", "2026-03-29T03:00:00+02:00",
                 "2026-03-29T04:00:00+02:00");
    EXPECT_FIRES("@hourly", "Europe/Berlin", "2026-10-25T01:30:00+02:00",
                 "2026-10-25T02:00:00+02:00", "2026-10-25T03:00:00+01:00",
                 "2026-10-25T04:00:00+01:00");
    /* Every 30 minutes: silent through the second pass of the repeated hour. */
    EXPECT_FIRES("*/30 * * * *", "America/Los_Angeles", "2026-11-01T00:50:00-07:00",
                 "2026-11-01T01:00:00-07:00", "2026-11-01T01:30:00-07:00",
                 "2026-11-01T02:00:00-08:00");
    /* Stepped hours follow the clock: 02:15 does not exist, so it does not run. */
    EXPECT_FIRES("15 */2 * * *", "America/Los_Angeles", "2026-03-08T00:00:00-08:00",
                 "2026-03-08T00:15:00-08:00", "2026-03-08T04:15:00-07:00");
}

static void test_fixed_hour_gap_runs_once(void **state)
{
    (void)state;
    EXPECT_FIRES("0,30 2 * * *", "America/Los_Angeles", "2026-03-07T12:00:00-08:00",
                 "2026-03-08T03:00:00-07:00", "2026-03-09T02:00:00-07:00",
                 "2026-03-09T02:30:00-07:00");
    EXPECT_FIRES("0 2,3 * * *", "America/Los_Angeles", "2026-03-07T12:00:00-08:00",
                 "2026-03-08T03:00:00-07:00", "2026-03-09T02:00:00-07:00",
                 "2026-03-09T03:00:00-07:00");
    EXPECT_FIRES("* 2 * * *", "Europe/Berlin", "2026-03-28T23:00:00+01:00",
                 "2026-03-29T03:00:00+02:00", "2026-03-30T02:00:00+02:00");
    /* Every minute of the repeated hour runs once, in the first pass. */
    EXPECT_FIRES("* 2 * * *", "Europe/Berlin", "2026-10-25T02:58:00+02:00",
                 "2026-10-25T02:59:00+02:00", "2026-10-26T02:00:00+01:00");
}

static void test_far_future_dst(void **state)
{
    (void)state;
    EXPECT_FIRES("30 2 * * *", "America/Los_Angeles", "2045-03-11T12:00:00-08:00",
                 "2045-03-12T03:00:00-07:00", "2045-03-13T02:30:00-07:00");
    EXPECT_FIRES("30 1 * * *", "America/Los_Angeles", "2045-11-04T12:00:00-07:00",
                 "2045-11-05T01:30:00-07:00", "2045-11-06T01:30:00-08:00");
    EXPECT_FIRES("30 2 * * SUN", "Europe/Berlin", "2050-03-20T12:00:00+01:00",
                 "2050-03-27T03:00:00+02:00", "2050-04-03T02:30:00+02:00");
    EXPECT_FIRES("30 2 * * SUN", "Europe/Berlin", "2050-10-29T12:00:00+02:00",
                 "2050-10-30T02:30:00+02:00", "2050-11-06T02:30:00+01:00");
}

/* ---- Agreement with a minute-by-minute model ---------------------------------------------- */

static bool wall_matches(const struct cron *c, int64_t wall)
{
    struct tz_time t;
    tz_time_from_wall(wall, &t);
    return cron_day_matches(c, t.year, t.month, t.day) && (c->hour >> t.hour & 1) &&
           (c->minute >> t.minute & 1);
}

/* The documented rules restated independently: step through real minutes remembering the
 * highest wall-clock reading so far. A minute whose reading is new fires if the reading matches;
 * for jobs with a restricted hour it also fires if a matching reading was jumped over. A reading
 * that is not new (the second pass of a repeated hour) never fires. */
static int64_t model_next(const struct cron *c, const struct tz *z, int64_t after)
{
    int64_t high = INT64_MIN;
    for (int64_t u = after - 30 * 3600; u <= after; u += 60) {
        int64_t w = u + tz_offset_at(z, u);
        if (w > high)
            high = w;
    }
    for (int64_t u = after + 60; u < after + 4 * 86400; u += 60) {
        int64_t w = u + tz_offset_at(z, u);
        if (w <= high)
            continue;
        bool fire = wall_matches(c, w);
        for (int64_t s = high + 60; !fire && !c->hour_star && s < w; s += 60)
            fire = wall_matches(c, s);
        high = w;
        if (fire)
            return u;
    }
    return -1;
}

static void test_matches_model(void **state)
{
    (void)state;
    static const char *const zones[] = {
        "America/Los_Angeles", "Europe/Berlin",  "Australia/Sydney", "Australia/Lord_Howe",
        "America/Santiago",    "America/Havana", "Pacific/Chatham",  "America/St_Johns"};
    static const char *const exprs[] = {
        "30 2 * * *", "30 1 * * *",   "0 * * * *",   "*/30 * * * *",    "15 */2 * * *",
        "* 2 * * *",  "0,30 2 * * *", "0 2,3 * * *", "45 1,2 * * *",    "*/7 1-3 * * *",
        "0 0 * * *",  "59 23 * * *",  "30 0 * * *",  "*/20 23,0 * * *", "10 3 * * *"};
    for (size_t k = 0; k < ARRAY_LEN(zones); k++) {
        struct tz *z = load(zones[k]);
        /* Every offset change in 2026, found by looking at each day. */
        for (int64_t day = instant("2026-01-01T00:00:00Z"); day < instant("2027-01-01T00:00:00Z");
             day += 86400) {
            if (tz_offset_at(z, day) == tz_offset_at(z, day + 86400))
                continue;
            for (size_t e = 0; e < ARRAY_LEN(exprs); e++) {
                struct cron c = parse(exprs[e]);
                for (int64_t after = day - 6 * 3600; after < day + 2 * 86400; after += 47 * 60) {
                    int64_t got = -1, want = model_next(&c, z, after);
                    if (cron_next(&c, z, after, &got) != CRON_OK || got != want) {
                        char a[TZ_ISO_LEN], g[TZ_ISO_LEN], w[TZ_ISO_LEN];
                        fail_msg("%s \"%s\" after %s: got %s, model %s", zones[k], exprs[e],
                                 tz_format_iso(z, after, a), tz_format_iso(z, got, g),
                                 tz_format_iso(z, want, w));
                    }
                }
            }
        }
        tz_free(z);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_steps_ranges_lists),
        cmocka_unit_test(test_parse_names),
        cmocka_unit_test(test_parse_sunday_as_seven),
        cmocka_unit_test(test_parse_macros),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_day_rule),
        cmocka_unit_test(test_next_or_rule),
        cmocka_unit_test(test_next_leap_day),
        cmocka_unit_test(test_next_month_ends),
        cmocka_unit_test(test_never_fires),
        cmocka_unit_test(test_strictly_after),
        cmocka_unit_test(test_out_of_range),
        cmocka_unit_test(test_la_daily_0230),
        cmocka_unit_test(test_la_0130_on_fall_back_day),
        cmocka_unit_test(test_berlin_daily_0230),
        cmocka_unit_test(test_hourly_across_changes),
        cmocka_unit_test(test_fixed_hour_gap_runs_once),
        cmocka_unit_test(test_far_future_dst),
        cmocka_unit_test(test_matches_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
