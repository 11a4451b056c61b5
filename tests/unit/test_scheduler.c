/* The scheduler's decisions and its run ledger: a scheduled time is claimed once and only once
 * (also by a second connection, as a second process would be), manual runs never take a slot,
 * catch-up runs only the latest missed time inside the window and lists the rest as skipped,
 * and runs left 'running' are marked interrupted. Time is passed in, never read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cron.h"
#include "scheduler.h"
#include "store.h"
#include "tz.h"
#include "util.h"

#define T0 INT64_C(1767600000) /* 2026-01-05T08:00:00Z, a Monday */

struct fx {
    char dir[64];
    char *db;
    struct store *s;
};

static int setup(void **state)
{
    struct fx *f = xcalloc(1, sizeof *f);
    strcpy(f->dir, "/tmp/sixbb-sched-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    f->db = xasprintf("%s/sixbb.db", f->dir);
    char err[256];
    f->s = store_open(f->db, STORE_CREATE, err, sizeof err);
    assert_non_null(f->s);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    store_close(f->s);
    remove_tree(f->dir);
    free(f->db);
    free(f);
    return 0;
}

static struct cron parse(const char *expr)
{
    struct cron c;
    char err[256];
    assert_int_equal(cron_parse(expr, &c, err, sizeof err), 0);
    return c;
}

static void claim_once(void **state)
{
    struct fx *f = *state;
    int64_t id1 = 0, id2 = 0;
    assert_int_equal(sched_claim(f->s, "digest", T0, T0, false, &id1), 1);
    assert_int_equal(sched_claim(f->s, "digest", T0, T0 + 5, false, &id2), 0);
    /* Another time, or another job at the same time, is a separate slot. */
    assert_int_equal(sched_claim(f->s, "digest", T0 + 60, T0 + 60, false, &id2), 1);
    assert_true(id2 != id1);
    assert_int_equal(sched_claim(f->s, "other", T0, T0, false, &id2), 1);
    /* A second connection (another process) cannot claim it either. */
    char err[256];
    struct store *other = store_open(f->db, 0, err, sizeof err);
    assert_non_null(other);
    assert_int_equal(sched_claim(other, "digest", T0, T0 + 9, false, &id2), 0);
    store_close(other);
    /* Finishing does not free the slot. */
    assert_int_equal(sched_finish(f->s, id1, T0 + 1, "error", "boom"), 0);
    assert_int_equal(sched_claim(f->s, "digest", T0, T0 + 10, false, &id2), 0);
    struct sched_last last;
    assert_int_equal(sched_last_run(f->s, "other", &last), 0);
    assert_true(last.found);
    assert_string_equal(last.status, "running");
}

static void manual_runs_never_take_a_slot(void **state)
{
    struct fx *f = *state;
    int64_t id;
    assert_int_equal(sched_claim(f->s, "digest", T0, T0, true, &id), 1);
    assert_int_equal(sched_claim(f->s, "digest", T0, T0, true, &id), 1);
    assert_int_equal(sched_claim(f->s, "digest", T0, T0, false, &id), 1);
    /* Manual runs leave checked_until alone; the scheduled one moved it. */
    int64_t until = 0;
    assert_int_equal(sched_checked_until(f->s, "digest", &until), 1);
    assert_int_equal(until, T0);
    assert_int_equal(sched_checked_until(f->s, "never-seen", &until), 0);
}

static void checked_until_never_moves_back(void **state)
{
    struct fx *f = *state;
    int64_t until;
    assert_int_equal(sched_set_checked(f->s, "j", T0 + 100), 0);
    assert_int_equal(sched_set_checked(f->s, "j", T0), 0);
    assert_int_equal(sched_checked_until(f->s, "j", &until), 1);
    assert_int_equal(until, T0 + 100);
    int64_t times[] = {T0 - 120, T0 - 60};
    assert_int_equal(sched_skip(f->s, "j", times, 2, T0 + 200, T0 + 200), 0);
    assert_int_equal(sched_checked_until(f->s, "j", &until), 1);
    assert_int_equal(until, T0 + 200);
    /* A skipped time is a used slot. */
    int64_t id;
    assert_int_equal(sched_claim(f->s, "j", T0 - 60, T0 + 300, false, &id), 0);
}

static void stale_runs_are_interrupted(void **state)
{
    struct fx *f = *state;
    int64_t a, b, c;
    assert_int_equal(sched_claim(f->s, "a", T0, T0, false, &a), 1);
    assert_int_equal(sched_claim(f->s, "b", T0, T0, false, &b), 1);
    assert_int_equal(sched_finish(f->s, b, T0 + 1, "ok", NULL), 0);
    /* A manual run of this very process is still alive: left alone. */
    assert_int_equal(sched_claim(f->s, "c", T0, T0, true, &c), 1);
    assert_int_equal(sched_interrupt_stale(f->s, T0 + 50), 1);
    struct sched_last last;
    sched_last_run(f->s, "a", &last);
    assert_string_equal(last.status, "interrupted");
    sched_last_run(f->s, "b", &last);
    assert_string_equal(last.status, "ok");
    sched_last_run(f->s, "c", &last);
    assert_string_equal(last.status, "running");
    /* An interrupted time is never run again. */
    assert_int_equal(sched_claim(f->s, "a", T0, T0 + 60, false, &a), 0);
    assert_int_equal(sched_interrupt_stale(f->s, T0 + 60), 0);
}

static void plan_nothing_due(void **state)
{
    (void)state;
    struct tz *z = tz_load("UTC", NULL, 0);
    struct cron c = parse("0 9 * * *");
    struct sched_plan p;
    assert_int_equal(sched_plan(&c, z, T0, T0 + 600, 86400, &p), 0);
    assert_false(p.run);
    assert_int_equal(p.skipped_total, 0);
    /* Exactly at the scheduled time it is due (the interval is (last, now]). */
    assert_int_equal(sched_plan(&c, z, T0, T0 + 3600, 86400, &p), 0);
    assert_true(p.run);
    assert_int_equal(p.run_at, T0 + 3600);
    tz_free(z);
}

static void plan_runs_latest_missed_only(void **state)
{
    (void)state;
    struct tz *z = tz_load("UTC", NULL, 0);
    struct cron c = parse("0 * * * *"); /* hourly */
    struct sched_plan p;
    /* Down from 08:00 to 12:30: 09, 10, 11, 12 missed; 12:00 runs, the others are skipped. */
    assert_int_equal(sched_plan(&c, z, T0, T0 + 4 * 3600 + 1800, 24 * 3600, &p), 0);
    assert_true(p.run);
    assert_int_equal(p.run_at, T0 + 4 * 3600);
    assert_int_equal(p.nskipped, 3);
    assert_int_equal(p.skipped_total, 3);
    assert_int_equal(p.skipped[0], T0 + 3600);
    assert_int_equal(p.skipped[2], T0 + 3 * 3600);
    tz_free(z);
}

static void plan_outside_window_skips_all(void **state)
{
    (void)state;
    struct tz *z = tz_load("UTC", NULL, 0);
    struct cron c = parse("0 9 * * *");
    struct sched_plan p;
    /* Down until 11:00 two days later, window one hour: all three 09:00s are too old. */
    assert_int_equal(sched_plan(&c, z, T0, T0 + 2 * 86400 + 3 * 3600, 3600, &p), 0);
    assert_false(p.run);
    assert_int_equal(p.skipped_total, 3);
    assert_int_equal(p.skipped[2], p.run_at);
    assert_int_equal(p.run_at, T0 + 2 * 86400 + 3600);
    /* Window 0 still runs a time that is exactly now. */
    assert_int_equal(sched_plan(&c, z, T0, T0 + 3600, 0, &p), 0);
    assert_true(p.run);
    tz_free(z);
}

static void plan_lists_most_recent_skipped(void **state)
{
    (void)state;
    struct tz *z = tz_load("UTC", NULL, 0);
    struct cron c = parse("* * * * *");
    struct sched_plan p;
    /* 1000 minutes down: one runs, 999 skipped, the last SCHED_MAX_SKIPPED listed in order. */
    assert_int_equal(sched_plan(&c, z, T0, T0 + 1000 * 60, 86400, &p), 0);
    assert_true(p.run);
    assert_int_equal(p.run_at, T0 + 1000 * 60);
    assert_int_equal(p.skipped_total, 999);
    assert_int_equal(p.nskipped, SCHED_MAX_SKIPPED);
    assert_int_equal(p.skipped[SCHED_MAX_SKIPPED - 1], T0 + 999 * 60);
    assert_int_equal(p.skipped[0], T0 + (999 - SCHED_MAX_SKIPPED + 1) * 60);
    tz_free(z);
}

static void plan_in_a_zone(void **state)
{
    (void)state;
    char err[256];
    struct tz *z = tz_load("America/Los_Angeles", err, sizeof err);
    assert_non_null(z);
    struct cron c = parse("30 7 * * *");
    struct sched_plan p;
    /* 07:30 in Los Angeles in January is 15:30Z. */
    assert_int_equal(sched_plan(&c, z, T0, T0 + 8 * 3600, 86400, &p), 0);
    assert_true(p.run);
    assert_int_equal(p.run_at, T0 + 7 * 3600 + 1800);
    tz_free(z);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(claim_once, setup, teardown),
        cmocka_unit_test_setup_teardown(manual_runs_never_take_a_slot, setup, teardown),
        cmocka_unit_test_setup_teardown(checked_until_never_moves_back, setup, teardown),
        cmocka_unit_test_setup_teardown(stale_runs_are_interrupted, setup, teardown),
        cmocka_unit_test(plan_nothing_due),
        cmocka_unit_test(plan_runs_latest_missed_only),
        cmocka_unit_test(plan_outside_window_skips_all),
        cmocka_unit_test(plan_lists_most_recent_skipped),
        cmocka_unit_test(plan_in_a_zone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
