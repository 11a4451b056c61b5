/* Time zones: TZif loading, POSIX footer rules, wall-clock conversions around DST changes, name
 * checks and errors. Expected instants come from timegm() and the C library's own zone code,
 * not from the module under test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "tz.h"
#include "util.h"

#define ZONEINFO "/usr/share/zoneinfo"

/* "YYYY-MM-DD HH:MM:SS" read as UTC, computed by the C library. */
static int64_t utc(const char *s)
{
    struct tm tm = {0};
    int n = sscanf(s, "%d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                   &tm.tm_min, &tm.tm_sec);
    assert_true(n >= 5);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (int64_t)timegm(&tm);
}

static struct tz *load(const char *name)
{
    char err[256] = "";
    struct tz *z = tz_load_dir(ZONEINFO, name, err, sizeof err);
    if (!z)
        fail_msg("loading %s: %s", name, err);
    return z;
}

static void expect_local(const struct tz *z, int64_t u, const char *want_iso, int want_off)
{
    char buf[TZ_ISO_LEN];
    int off = 12345;
    struct tz_time t;
    assert_int_equal(tz_utc_to_local(z, u, &t, &off), 0);
    assert_int_equal(off, want_off);
    assert_string_equal(tz_format_iso(z, u, buf), want_iso);
}

static void expect_resolve(const struct tz *z, int y, int mo, int d, int h, int mi, int want_kind,
                           int64_t want_earlier, int64_t want_later)
{
    struct tz_time t = {y, mo, d, h, mi, 0, 0};
    int64_t a = 0, b = 0;
    assert_int_equal(tz_local_to_utc(z, &t, &a, &b), want_kind);
    assert_int_equal(a, want_earlier);
    assert_int_equal(b, want_later);
}

static void test_utc_builtin(void **state)
{
    (void)state;
    struct tz *z = tz_load("UTC", NULL, 0);
    assert_non_null(z);
    assert_string_equal(tz_name(z), "UTC");
    struct tz_time t;
    int off = 1;
    assert_int_equal(tz_utc_to_local(z, 0, &t, &off), 0);
    assert_int_equal(off, 0);
    assert_int_equal(t.year, 1970);
    assert_int_equal(t.month, 1);
    assert_int_equal(t.day, 1);
    assert_int_equal(t.weekday, 4);
    expect_local(z, utc("2040-07-01 12:34:56"), "2040-07-01T12:34:56+00:00", 0);
    expect_resolve(z, 2026, 3, 8, 2, 30, TZ_LOCAL_VALID, utc("2026-03-08 02:30:00"),
                   utc("2026-03-08 02:30:00"));
    tz_free(z);
}

static void test_fixed_offsets(void **state)
{
    (void)state;
    struct tz *z = tz_load("+05:30", NULL, 0);
    assert_non_null(z);
    expect_local(z, utc("2026-01-01 00:00:00"), "2026-01-01T05:30:00+05:30", 19800);
    tz_free(z);
    z = tz_load("-08:00", NULL, 0);
    assert_non_null(z);
    expect_local(z, utc("2026-07-01 00:00:00"), "2026-06-30T16:00:00-08:00", -28800);
    tz_free(z);
    char err[256];
    assert_null(tz_load_dir(ZONEINFO, "+5:30", err, sizeof err));
    assert_string_equal(err, "invalid time zone \"+5:30\": unexpected character ':'");
}

static void test_los_angeles_transitions(void **state)
{
    (void)state;
    struct tz *z = load("America/Los_Angeles");
    expect_local(z, utc("2026-03-08 09:59:59"), "2026-03-08T01:59:59-08:00", -28800);
    expect_local(z, utc("2026-03-08 10:00:00"), "2026-03-08T03:00:00-07:00", -25200);
    expect_local(z, utc("2026-11-01 08:59:59"), "2026-11-01T01:59:59-07:00", -25200);
    expect_local(z, utc("2026-11-01 09:00:00"), "2026-11-01T01:00:00-08:00", -28800);
    tz_free(z);
}

static void test_berlin_transitions(void **state)
{
    (void)state;
    struct tz *z = load("Europe/Berlin");
    expect_local(z, utc("2026-03-29 00:59:59"), "2026-03-29T01:59:59+01:00", 3600);
    expect_local(z, utc("2026-03-29 01:00:00"), "2026-03-29T03:00:00+02:00", 7200);
    expect_local(z, utc("2026-10-25 00:59:59"), "2026-10-25T02:59:59+02:00", 7200);
    expect_local(z, utc("2026-10-25 01:00:00"), "2026-10-25T02:00:00+01:00", 3600);
    tz_free(z);
}

static void test_local_to_utc_gap(void **state)
{
    (void)state;
    struct tz *la = load("America/Los_Angeles");
    /* 02:30 does not exist: the first real instant after it is 03:00 PDT; read with PST it
     * would be 03:30 PDT. */
    expect_resolve(la, 2026, 3, 8, 2, 30, TZ_LOCAL_SKIPPED, utc("2026-03-08 10:00:00"),
                   utc("2026-03-08 10:30:00"));
    expect_resolve(la, 2026, 3, 8, 2, 0, TZ_LOCAL_SKIPPED, utc("2026-03-08 10:00:00"),
                   utc("2026-03-08 10:00:00"));
    expect_resolve(la, 2026, 3, 8, 3, 0, TZ_LOCAL_VALID, utc("2026-03-08 10:00:00"),
                   utc("2026-03-08 10:00:00"));
    expect_resolve(la, 2026, 3, 8, 1, 59, TZ_LOCAL_VALID, utc("2026-03-08 09:59:00"),
                   utc("2026-03-08 09:59:00"));
    struct tz *be = load("Europe/Berlin");
    expect_resolve(be, 2026, 3, 29, 2, 30, TZ_LOCAL_SKIPPED, utc("2026-03-29 01:00:00"),
                   utc("2026-03-29 01:30:00"));
    tz_free(la);
    tz_free(be);
}

static void test_local_to_utc_ambiguous(void **state)
{
    (void)state;
    struct tz *la = load("America/Los_Angeles");
    expect_resolve(la, 2026, 11, 1, 1, 30, TZ_LOCAL_AMBIGUOUS, utc("2026-11-01 08:30:00"),
                   utc("2026-11-01 09:30:00"));
    expect_resolve(la, 2026, 11, 1, 1, 0, TZ_LOCAL_AMBIGUOUS, utc("2026-11-01 08:00:00"),
                   utc("2026-11-01 09:00:00"));
    expect_resolve(la, 2026, 11, 1, 2, 0, TZ_LOCAL_VALID, utc("2026-11-01 10:00:00"),
                   utc("2026-11-01 10:00:00"));
    expect_resolve(la, 2026, 11, 1, 0, 59, TZ_LOCAL_VALID, utc("2026-11-01 07:59:00"),
                   utc("2026-11-01 07:59:00"));
    struct tz *be = load("Europe/Berlin");
    expect_resolve(be, 2026, 10, 25, 2, 30, TZ_LOCAL_AMBIGUOUS, utc("2026-10-25 00:30:00"),
                   utc("2026-10-25 01:30:00"));
    tz_free(la);
    tz_free(be);
}

static void test_local_to_utc_rejects_bad_times(void **state)
{
    (void)state;
    struct tz *z = load("Europe/Berlin");
    int64_t a, b;
    struct tz_time feb30 = {2026, 2, 30, 12, 0, 0, 0};
    struct tz_time hour24 = {2026, 2, 3, 24, 0, 0, 0};
    struct tz_time year0 = {0, 12, 31, 12, 0, 0, 0};
    assert_int_equal(tz_local_to_utc(z, &feb30, &a, &b), -1);
    assert_int_equal(tz_local_to_utc(z, &hour24, &a, &b), -1);
    assert_int_equal(tz_local_to_utc(z, &year0, &a, &b), -1);
    struct tz_time t;
    assert_int_equal(tz_utc_to_local(z, TZ_MAX_UTC + 1, &t, NULL), -1);
    assert_int_equal(tz_utc_to_local(z, TZ_MIN_UTC - 1, &t, NULL), -1);
    tz_free(z);
}

/* Past 2037 the files list no transitions; the footer rule decides. */
static void test_far_future_uses_footer(void **state)
{
    (void)state;
    struct tz *la = load("America/Los_Angeles");
    expect_local(la, utc("2045-03-12 09:59:59"), "2045-03-12T01:59:59-08:00", -28800);
    expect_local(la, utc("2045-03-12 10:00:00"), "2045-03-12T03:00:00-07:00", -25200);
    expect_local(la, utc("2045-11-05 08:59:59"), "2045-11-05T01:59:59-07:00", -25200);
    expect_local(la, utc("2045-11-05 09:00:00"), "2045-11-05T01:00:00-08:00", -28800);
    expect_resolve(la, 2045, 3, 12, 2, 30, TZ_LOCAL_SKIPPED, utc("2045-03-12 10:00:00"),
                   utc("2045-03-12 10:30:00"));
    expect_resolve(la, 2045, 11, 5, 1, 30, TZ_LOCAL_AMBIGUOUS, utc("2045-11-05 08:30:00"),
                   utc("2045-11-05 09:30:00"));
    struct tz *be = load("Europe/Berlin");
    expect_local(be, utc("2050-03-27 01:00:00"), "2050-03-27T03:00:00+02:00", 7200);
    expect_local(be, utc("2050-10-30 00:59:59"), "2050-10-30T02:59:59+02:00", 7200);
    expect_local(be, utc("2050-10-30 01:00:00"), "2050-10-30T02:00:00+01:00", 3600);
    expect_local(be, utc("9999-12-31 23:59:59"), "10000-01-01T00:59:59+01:00", 3600);
    tz_free(la);
    tz_free(be);
}

/* ---- Hand-built TZif files ---------------------------------------------------------------- */

static void put32(struct buf *b, uint32_t v)
{
    char c[4] = {(char)(v >> 24), (char)(v >> 16), (char)(v >> 8), (char)v};
    buf_append(b, c, 4);
}

static void put64(struct buf *b, int64_t v)
{
    put32(b, (uint32_t)((uint64_t)v >> 32));
    put32(b, (uint32_t)v);
}

static void put_header(struct buf *b, char version, uint32_t ntimes, uint32_t ntypes)
{
    char head[20] = {'T', 'Z', 'i', 'f', version};
    buf_append(b, head, sizeof head);
    uint32_t counts[6] = {0, 0, 0, ntimes, ntypes, 4};
    for (int i = 0; i < 6; i++)
        put32(b, counts[i]);
}

/* A version-2 file in the "slim" style: an empty 32-bit block, then the 64-bit block with the
 * given transitions and types, then the footer. Types all use the abbreviation "ZZZ". */
static struct buf slim_tzif(const int64_t *times, const uint8_t *idx, uint32_t ntimes,
                            const int32_t *offs, uint32_t ntypes, const char *footer)
{
    struct buf b = {0};
    put_header(&b, '2', 0, 1);
    put32(&b, 0);
    buf_append(&b, "\0\0ZZZ\0", 6);
    put_header(&b, '2', ntimes, ntypes);
    for (uint32_t i = 0; i < ntimes; i++)
        put64(&b, times[i]);
    if (ntimes)
        buf_append(&b, (const char *)idx, ntimes);
    for (uint32_t i = 0; i < ntypes; i++) {
        put32(&b, (uint32_t)offs[i]);
        buf_append(&b, "\0\0", 2);
    }
    buf_append(&b, "ZZZ", 4);
    buf_printf(&b, "\n%s\n", footer);
    return b;
}

static void test_slim_file_footer_only(void **state)
{
    (void)state;
    int32_t offs[] = {-28800};
    struct buf b = slim_tzif(NULL, NULL, 0, offs, 1, "PST8PDT,M3.2.0,M11.1.0");
    char err[256] = "";
    struct tz *z = tz_from_tzif("Test/Slim", (unsigned char *)b.data, b.len, err, sizeof err);
    assert_non_null(z);
    assert_string_equal(tz_name(z), "Test/Slim");
    expect_local(z, utc("2026-03-08 09:59:59"), "2026-03-08T01:59:59-08:00", -28800);
    expect_local(z, utc("2026-03-08 10:00:00"), "2026-03-08T03:00:00-07:00", -25200);
    expect_local(z, utc("2026-11-01 09:00:00"), "2026-11-01T01:00:00-08:00", -28800);
    expect_local(z, utc("2001-07-01 00:00:00"), "2001-06-30T17:00:00-07:00", -25200);
    expect_resolve(z, 2026, 11, 1, 1, 30, TZ_LOCAL_AMBIGUOUS, utc("2026-11-01 08:30:00"),
                   utc("2026-11-01 09:30:00"));
    tz_free(z);
    buf_free(&b);
}

static void test_slim_file_with_transitions_then_footer(void **state)
{
    (void)state;
    /* Local mean time until 1893, then CET, then the footer's rules from 1980 on. */
    int64_t times[] = {utc("1893-04-01 00:00:00"), utc("1980-01-01 00:00:00")};
    uint8_t idx[] = {1, 1};
    int32_t offs[] = {3208, 3600};
    struct buf b = slim_tzif(times, idx, 2, offs, 2, "CET-1CEST,M3.5.0,M10.5.0/3");
    char err[256] = "";
    struct tz *z = tz_from_tzif("Test/Berlin", (unsigned char *)b.data, b.len, err, sizeof err);
    assert_non_null(z);
    assert_int_equal(tz_offset_at(z, utc("1890-06-01 00:00:00")), 3208);
    assert_int_equal(tz_offset_at(z, utc("1950-06-01 00:00:00")), 3600);
    expect_local(z, utc("2026-03-29 01:00:00"), "2026-03-29T03:00:00+02:00", 7200);
    expect_local(z, utc("2026-10-25 01:00:00"), "2026-10-25T02:00:00+01:00", 3600);
    char iso[TZ_ISO_LEN];
    assert_string_equal(tz_format_iso(z, utc("1890-06-01 00:00:00"), iso),
                        "1890-06-01T00:53:28+00:53:28");
    tz_free(z);
    buf_free(&b);
}

static void test_tzdir_override(void **state)
{
    (void)state;
    char dir[] = "/tmp/sixbb-tzdir-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *sub = xasprintf("%s/Test", dir);
    assert_int_equal(mkdir(sub, 0755), 0);
    int32_t offs[] = {3600};
    struct buf b = slim_tzif(NULL, NULL, 0, offs, 1, "CET-1CEST,M3.5.0,M10.5.0/3");
    char *path = xasprintf("%s/Zone", sub);
    assert_int_equal(write_file_atomic(path, b.data, b.len, 0644), 0);
    setenv("TZDIR", dir, 1);
    char err[256] = "";
    struct tz *z = tz_load("Test/Zone", err, sizeof err);
    assert_non_null(z);
    expect_local(z, utc("2026-03-29 01:00:00"), "2026-03-29T03:00:00+02:00", 7200);
    tz_free(z);
    assert_null(tz_load("America/Los_Angeles", err, sizeof err));
    char *want = xasprintf("unknown time zone \"America/Los_Angeles\" (no such zone in %s)", dir);
    assert_string_equal(err, want);
    unsetenv("TZDIR");
    unlink(path);
    rmdir(sub);
    rmdir(dir);
    free(want);
    free(path);
    free(sub);
    buf_free(&b);
}

static void test_corrupt_tzif(void **state)
{
    (void)state;
    char err[256];
    int32_t offs[] = {3600};
    struct buf b = slim_tzif(NULL, NULL, 0, offs, 1, "CET-1");
    assert_null(tz_from_tzif("X", (unsigned char *)"TZxx", 4, err, sizeof err));
    assert_string_equal(err, "time zone \"X\": not a TZif file");
    assert_null(tz_from_tzif("X", (unsigned char *)b.data, b.len - 1, err, sizeof err));
    assert_string_equal(err, "time zone \"X\": missing footer");
    assert_null(tz_from_tzif("X", (unsigned char *)b.data, 60, err, sizeof err));
    assert_string_equal(err, "time zone \"X\": bad second header");
    buf_free(&b);

    b = slim_tzif(NULL, NULL, 0, offs, 1, "CET-1CEST,M3.5.0");
    assert_null(tz_from_tzif("X", (unsigned char *)b.data, b.len, err, sizeof err));
    assert_string_equal(err, "time zone \"X\": bad footer rule \"CET-1CEST,M3.5.0\"");
    buf_free(&b);

    int64_t times[] = {100, 50};
    uint8_t idx[] = {0, 0};
    b = slim_tzif(times, idx, 2, offs, 1, "");
    assert_null(tz_from_tzif("X", (unsigned char *)b.data, b.len, err, sizeof err));
    assert_string_equal(err, "time zone \"X\": bad transition 1");
    buf_free(&b);

    uint8_t bad_idx[] = {0, 7};
    int64_t good_times[] = {50, 100};
    b = slim_tzif(good_times, bad_idx, 2, offs, 1, "");
    assert_null(tz_from_tzif("X", (unsigned char *)b.data, b.len, err, sizeof err));
    assert_string_equal(err, "time zone \"X\": bad transition 1");
    buf_free(&b);

    int32_t huge[] = {200000};
    b = slim_tzif(NULL, NULL, 0, huge, 1, "");
    assert_null(tz_from_tzif("X", (unsigned char *)b.data, b.len, err, sizeof err));
    assert_string_equal(err, "time zone \"X\": offset 200000 out of range");
    buf_free(&b);

    /* An empty footer is allowed: the last type stays in force. */
    b = slim_tzif(good_times, idx, 2, offs, 1, "");
    struct tz *z = tz_from_tzif("X", (unsigned char *)b.data, b.len, err, sizeof err);
    assert_non_null(z);
    assert_int_equal(tz_offset_at(z, utc("2300-01-01 00:00:00")), 3600);
    tz_free(z);
    buf_free(&b);
}

/* ---- POSIX rules --------------------------------------------------------------------------- */

static struct tz *posix(const char *spec)
{
    char err[256] = "";
    struct tz *z = tz_from_posix(spec, err, sizeof err);
    if (!z)
        fail_msg("%s", err);
    return z;
}

static void test_posix_m_rules(void **state)
{
    (void)state;
    struct tz *z = posix("CET-1CEST,M3.5.0,M10.5.0/3");
    expect_local(z, utc("2026-03-29 00:59:59"), "2026-03-29T01:59:59+01:00", 3600);
    expect_local(z, utc("2026-03-29 01:00:00"), "2026-03-29T03:00:00+02:00", 7200);
    expect_local(z, utc("2026-10-25 01:00:00"), "2026-10-25T02:00:00+01:00", 3600);
    tz_free(z);
    z = posix("PST8PDT,M3.2.0,M11.1.0");
    expect_local(z, utc("2026-03-08 10:00:00"), "2026-03-08T03:00:00-07:00", -25200);
    expect_local(z, utc("2026-11-01 09:00:00"), "2026-11-01T01:00:00-08:00", -28800);
    /* Week 5 means the last such weekday even in months with four: 2027-03-28. */
    tz_free(z);
    z = posix("CET-1CEST,M3.5.0,M10.5.0/3");
    expect_local(z, utc("2027-03-28 01:00:00"), "2027-03-28T03:00:00+02:00", 7200);
    tz_free(z);
}

static void test_posix_southern_and_negative_dst(void **state)
{
    (void)state;
    struct tz *z = posix("AEST-10AEDT,M10.1.0,M4.1.0/3");
    expect_local(z, utc("2026-04-04 15:59:59"), "2026-04-05T02:59:59+11:00", 39600);
    expect_local(z, utc("2026-04-04 16:00:00"), "2026-04-05T02:00:00+10:00", 36000);
    expect_local(z, utc("2026-10-03 16:00:00"), "2026-10-04T03:00:00+11:00", 39600);
    expect_local(z, utc("2026-12-31 23:00:00"), "2027-01-01T10:00:00+11:00", 39600);
    tz_free(z);
    /* Ireland's rule names winter as the "daylight" period with a negative saving. */
    z = posix("IST-1GMT0,M10.5.0,M3.5.0/1");
    assert_int_equal(tz_offset_at(z, utc("2026-01-15 12:00:00")), 0);
    assert_int_equal(tz_offset_at(z, utc("2026-07-01 12:00:00")), 3600);
    tz_free(z);
}

static void test_posix_julian_and_quoted(void **state)
{
    (void)state;
    /* The tz project's way of writing "daylight time all year". */
    struct tz *z = posix("EST5EDT4,0/0,J365/25");
    assert_int_equal(tz_offset_at(z, utc("2026-01-01 05:00:00")), -14400);
    assert_int_equal(tz_offset_at(z, utc("2026-06-30 12:00:00")), -14400);
    assert_int_equal(tz_offset_at(z, utc("2026-12-31 23:00:00")), -14400);
    tz_free(z);
    z = posix("<+0330>-3:30");
    assert_int_equal(tz_offset_at(z, utc("2026-06-30 12:00:00")), 12600);
    tz_free(z);
    /* J60 is March 1 in every year; zero-based 59 is March 1 only in common years. */
    z = posix("AAA0BBB,J60/0,J300/0");
    assert_int_equal(tz_offset_at(z, utc("2028-02-29 12:00:00")), 0);
    assert_int_equal(tz_offset_at(z, utc("2028-03-01 00:00:00")), 3600);
    tz_free(z);
    z = posix("AAA0BBB,59/0,300/0");
    assert_int_equal(tz_offset_at(z, utc("2028-02-29 12:00:00")), 3600);
    tz_free(z);
    /* No dates: the United States rules, as the C library assumes. */
    z = posix("EST5EDT");
    assert_int_equal(tz_offset_at(z, utc("2026-03-08 06:59:59")), -18000);
    assert_int_equal(tz_offset_at(z, utc("2026-03-08 07:00:00")), -14400);
    tz_free(z);
}

static void test_posix_errors(void **state)
{
    (void)state;
    const char *bad[] = {"",
                         "ABC",
                         "AB5",
                         "EST",
                         "EST25",
                         "EST5EDT,M13.1.0,M11.1.0",
                         "EST5EDT,M3.2.0",
                         "EST5EDT,M3.6.0,M11.1.0",
                         "EST5EDT,M3.2.7,M11.1.0",
                         "EST5EDT,J0,J100",
                         "EST5EDT,M3.2.0/200,M11.1.0",
                         "EST5 trailing",
                         "<AB>5"};
    char err[256];
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        struct tz *z = tz_from_posix(bad[i], err, sizeof err);
        if (z)
            fail_msg("accepted \"%s\"", bad[i]);
        char *want = xasprintf("invalid POSIX TZ rule \"%s\"", bad[i]);
        assert_string_equal(err, want);
        free(want);
    }
}

/* ---- Names -------------------------------------------------------------------------------- */

static void expect_load_error(const char *name, const char *want)
{
    char err[256] = "";
    struct tz *z = tz_load_dir(ZONEINFO, name, err, sizeof err);
    if (z) {
        tz_free(z);
        fail_msg("loaded \"%s\"", name);
    }
    assert_string_equal(err, want);
}

static void test_name_checks(void **state)
{
    (void)state;
    expect_load_error("", "time zone name is empty");
    expect_load_error("/etc/passwd", "invalid time zone \"/etc/passwd\": give a zone name such as "
                                     "America/Los_Angeles, not a path");
    expect_load_error("../../etc/passwd",
                      "invalid time zone \"../../etc/passwd\": \"..\" is not allowed");
    expect_load_error("America/../../etc/passwd",
                      "invalid time zone \"America/../../etc/passwd\": \"..\" is not allowed");
    expect_load_error("America//Denver", "invalid time zone \"America//Denver\"");
    expect_load_error("America/", "invalid time zone \"America/\"");
    expect_load_error("Los Angeles", "invalid time zone \"Los Angeles\": unexpected character ' '");
    expect_load_error("Mars/Olympus_Mons",
                      "unknown time zone \"Mars/Olympus_Mons\" (no such zone in " ZONEINFO ")");
    expect_load_error("America", "unknown time zone \"America\" (no such zone in " ZONEINFO ")");
    expect_load_error("zone1970.tab", "unknown time zone \"zone1970.tab\" (" ZONEINFO
                                      "/zone1970.tab is not a zone file)");
    expect_load_error("right/UTC", "time zone \"right/UTC\": zones with leap seconds "
                                   "(\"right/...\") are not supported");
}

/* ---- Agreement with the C library --------------------------------------------------------- */

static const char *const libc_zones[] = {
    "America/Los_Angeles", "Europe/Berlin",    "Australia/Sydney", "Australia/Lord_Howe",
    "America/Santiago",    "America/Havana",   "Europe/Dublin",    "Asia/Kolkata",
    "Africa/Casablanca",   "Pacific/Chatham",  "America/St_Johns", "Asia/Tehran",
    "Pacific/Apia",        "America/Sao_Paulo"};

/* Offsets and wall-clock round trips agree with glibc for instants from 1970 to 2100. */
static void test_matches_libc(void **state)
{
    (void)state;
    char *saved = getenv("TZ") ? xstrdup(getenv("TZ")) : NULL;
    for (size_t k = 0; k < ARRAY_LEN(libc_zones); k++) {
        struct tz *z = load(libc_zones[k]);
        setenv("TZ", libc_zones[k], 1);
        tzset();
        for (int64_t u = 0; u < utc("2100-01-01 00:00:00"); u += 86400 * 3 + 3607) {
            time_t t = (time_t)u;
            struct tm tm;
            localtime_r(&t, &tm);
            int off = tz_offset_at(z, u);
            if (off != tm.tm_gmtoff)
                fail_msg("%s at %lld: %d, libc %ld", libc_zones[k], (long long)u, off,
                         tm.tm_gmtoff);
            int64_t a, b;
            enum tz_local_kind kind = tz_wall_to_utc(z, u + off, &a, &b);
            if (kind == TZ_LOCAL_SKIPPED || (a != u && b != u))
                fail_msg("%s: wall time of %lld does not map back", libc_zones[k], (long long)u);
        }
        tz_free(z);
    }
    if (saved) {
        setenv("TZ", saved, 1);
        free(saved);
    } else {
        unsetenv("TZ");
    }
    tzset();
}

/* ---- Text and the system zone ------------------------------------------------------------- */

static void test_parse_iso(void **state)
{
    (void)state;
    struct tz_time t;
    bool has;
    int off = 99;
    assert_int_equal(tz_parse_iso("2026-03-08T02:30", &t, &has, &off), 0);
    assert_false(has);
    assert_int_equal(t.year, 2026);
    assert_int_equal(t.hour, 2);
    assert_int_equal(t.minute, 30);
    assert_int_equal(t.second, 0);
    assert_int_equal(tz_parse_iso("2026-03-08T02:30:15Z", &t, &has, &off), 0);
    assert_true(has);
    assert_int_equal(off, 0);
    assert_int_equal(t.second, 15);
    assert_int_equal(tz_parse_iso("2026-03-08T02:30-07:00", &t, &has, &off), 0);
    assert_int_equal(off, -25200);
    assert_int_equal(tz_parse_iso("2026-03-08T02:30:00+05:45", &t, &has, &off), 0);
    assert_int_equal(off, 20700);
    const char *bad[] = {"2026-03-08",
                         "2026-03-08 02:30",
                         "2026-02-30T10:00",
                         "2026-03-08T24:00",
                         "2026-03-08T02:60",
                         "2026-03-08T02:30:",
                         "2026-03-08T02:30:61",
                         "2026-03-08T02:30+7",
                         "2026-03-08T02:30Zz",
                         "26-03-08T02:30",
                         "2026-3-8T2:30",
                         "2026-03-08T02:30 ",
                         "2026-03-08T02:30+24:00"};
    for (size_t i = 0; i < ARRAY_LEN(bad); i++)
        if (tz_parse_iso(bad[i], &t, &has, &off) == 0)
            fail_msg("accepted \"%s\"", bad[i]);
}

static void test_system_name(void **state)
{
    (void)state;
    char *saved = getenv("TZ") ? xstrdup(getenv("TZ")) : NULL;
    char buf[64];
    setenv("TZ", ":Europe/Berlin", 1);
    assert_int_equal(tz_system_name(buf, sizeof buf), 0);
    assert_string_equal(buf, "Europe/Berlin");
    setenv("TZ", "/usr/share/zoneinfo/Asia/Tokyo", 1);
    assert_int_equal(tz_system_name(buf, sizeof buf), 0);
    assert_string_equal(buf, "Asia/Tokyo");
    setenv("TZ", "America/Argentina/ComodRivadavia", 1);
    assert_int_equal(tz_system_name(buf, 8), -1);
    if (saved) {
        setenv("TZ", saved, 1);
        free(saved);
    } else {
        unsetenv("TZ");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utc_builtin),
        cmocka_unit_test(test_fixed_offsets),
        cmocka_unit_test(test_los_angeles_transitions),
        cmocka_unit_test(test_berlin_transitions),
        cmocka_unit_test(test_local_to_utc_gap),
        cmocka_unit_test(test_local_to_utc_ambiguous),
        cmocka_unit_test(test_local_to_utc_rejects_bad_times),
        cmocka_unit_test(test_far_future_uses_footer),
        cmocka_unit_test(test_slim_file_footer_only),
        cmocka_unit_test(test_slim_file_with_transitions_then_footer),
        cmocka_unit_test(test_tzdir_override),
        cmocka_unit_test(test_corrupt_tzif),
        cmocka_unit_test(test_posix_m_rules),
        cmocka_unit_test(test_posix_southern_and_negative_dst),
        cmocka_unit_test(test_posix_julian_and_quoted),
        cmocka_unit_test(test_posix_errors),
        cmocka_unit_test(test_name_checks),
        cmocka_unit_test(test_matches_libc),
        cmocka_unit_test(test_parse_iso),
        cmocka_unit_test(test_system_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
