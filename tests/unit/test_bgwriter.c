/* The background writer: batches consumed in the order pushed, never more outstanding than the
 * depth, the first failure kept and every later batch skipped but released, and the idle
 * barrier really waiting for the worker. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "bgwriter.h"

#define NBATCH 200

struct sink {
    int seen[NBATCH]; /* batch numbers in the order consumed */
    int nseen;
    int released[NBATCH];
    int nreleased;
    int fail_at;   /* the batch number whose consumer fails, -1 for none */
    long sleep_ns; /* how long each batch takes */
};

static void nap(long ns)
{
    struct timespec ts = {0, ns};
    if (ns)
        nanosleep(&ts, NULL);
}

static int consume(void *ud, void *batch, char *err, size_t errlen)
{
    struct sink *s = ud;
    int n = *(int *)batch;
    nap(s->sleep_ns);
    s->seen[s->nseen++] = n;
    if (n == s->fail_at) {
        snprintf(err, errlen, "batch %d failed", n);
        return -1;
    }
    return 0;
}

static void release(void *ud, void *batch)
{
    struct sink *s = ud;
    /* Atomic: the producer reads the count while later batches are being released. */
    int i = __atomic_load_n(&s->nreleased, __ATOMIC_SEQ_CST);
    s->released[i] = *(int *)batch;
    __atomic_store_n(&s->nreleased, i + 1, __ATOMIC_SEQ_CST);
}

static void test_order_and_depth(void **state)
{
    (void)state;
    static struct sink s;
    memset(&s, 0, sizeof s);
    s.fail_at = -1;
    s.sleep_ns = 20000;
    int nums[NBATCH];
    struct bgwriter *w = bgwriter_start(3, consume, release, &s);
    assert_non_null(w);
    for (int i = 0; i < NBATCH; i++) {
        nums[i] = i;
        assert_int_equal(bgwriter_push(w, &nums[i]), 0);
        /* Once a push returns, at most depth batches are outstanding: the one depth pushes
         * back is done with. */
        if (i >= 3)
            assert_true(__atomic_load_n(&s.nreleased, __ATOMIC_SEQ_CST) >= i - 2);
    }
    assert_int_equal(bgwriter_close(w, NULL, 0), 0);
    assert_int_equal(s.nseen, NBATCH);
    assert_int_equal(s.nreleased, NBATCH);
    for (int i = 0; i < NBATCH; i++) {
        assert_int_equal(s.seen[i], i);
        assert_int_equal(s.released[i], i);
    }
}

static void test_first_failure_skips_the_rest(void **state)
{
    (void)state;
    static struct sink s;
    memset(&s, 0, sizeof s);
    s.fail_at = 5;
    int nums[20];
    struct bgwriter *w = bgwriter_start(2, consume, release, &s);
    assert_non_null(w);
    int failed_pushes = 0;
    for (int i = 0; i < 20; i++) {
        nums[i] = i;
        if (i == 12)
            nums[i] = 5; /* would fail again: the first message must stay */
        failed_pushes += bgwriter_push(w, &nums[i]) != 0;
    }
    assert_true(failed_pushes > 0);
    assert_int_equal(bgwriter_wait(w), -1);
    assert_string_equal(bgwriter_error(w), "batch 5 failed");
    char err[64];
    assert_int_equal(bgwriter_close(w, err, sizeof err), -1);
    assert_string_equal(err, "batch 5 failed");
    /* Batches 0..5 were consumed, the failing one last; every batch was released. */
    assert_int_equal(s.nseen, 6);
    for (int i = 0; i < 6; i++)
        assert_int_equal(s.seen[i], i);
    assert_int_equal(s.nreleased, 20);
}

static void test_wait_is_a_barrier(void **state)
{
    (void)state;
    static struct sink s;
    memset(&s, 0, sizeof s);
    s.fail_at = -1;
    s.sleep_ns = 2000000;
    int nums[8];
    struct bgwriter *w = bgwriter_start(8, consume, NULL, &s);
    assert_non_null(w);
    assert_int_equal(bgwriter_wait(w), 0); /* nothing pushed: returns at once */
    for (int i = 0; i < 8; i++) {
        nums[i] = i;
        assert_int_equal(bgwriter_push(w, &nums[i]), 0);
    }
    assert_int_equal(bgwriter_wait(w), 0);
    /* The worker is idle: all eight were consumed, and nothing is running any more. */
    assert_int_equal(s.nseen, 8);
    assert_null(bgwriter_error(w));
    nums[0] = 99;
    assert_int_equal(bgwriter_push(w, &nums[0]), 0);
    assert_int_equal(bgwriter_wait(w), 0);
    assert_int_equal(s.nseen, 9);
    assert_int_equal(s.seen[8], 99);
    assert_int_equal(bgwriter_close(w, NULL, 0), 0);
    assert_int_equal(bgwriter_close(NULL, NULL, 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_and_depth),
        cmocka_unit_test(test_first_failure_skips_the_rest),
        cmocka_unit_test(test_wait_is_a_barrier),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
