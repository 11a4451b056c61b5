/* The scheduler's two ledgers in the store, used directly: outbox rows keep their attachments
 * as written (quotes and backslashes too), a rescheduled message carries its status, next
 * attempt and error, 'pending' set by hand resets the attempts, and the job-run ledger records
 * the claiming process and interrupts exactly the runs the caller does not keep. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store.h"
#include "store_jobruns.h"
#include "store_outbox.h"
#include "util.h"

#define T0 INT64_C(1767600000) /* 2026-01-05T08:00:00Z */

struct fx {
    char dir[64];
    struct store *s;
};

static int setup(void **state)
{
    struct fx *f = xcalloc(1, sizeof *f);
    strcpy(f->dir, "/tmp/sixbb-store-sched-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    char *db = xasprintf("%s/sixbb.db", f->dir);
    char err[256];
    f->s = store_open(db, STORE_CREATE, err, sizeof err);
    free(db);
    assert_non_null(f->s);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    store_close(f->s);
    remove_tree(f->dir);
    free(f);
    return 0;
}

static int64_t queue(struct fx *f, const char *key, char **attachments, size_t n)
{
    struct outbox_msg m = {.key = (char *)key,
                           .job = (char *)"digest",
                           .to = (char *)"team@clinic.example",
                           .subject = (char *)"Weekly digest",
                           .body = (char *)"Hello.\n",
                           .attachments = attachments,
                           .nattachments = n};
    int64_t id = 0;
    assert_int_equal(outbox_enqueue(f->s, &m, "file", T0, &id), 1);
    return id;
}

static void attachments_are_stored_as_json(void **state)
{
    struct fx *f = *state;
    char *att[] = {"out/a \"quoted\".csv", "out/back\\slash.txt"};
    int64_t with = queue(f, "k1", att, 2);
    int64_t without = queue(f, "k2", NULL, 0);
    struct outbox_row r = {0};
    assert_int_equal(outbox_get(f->s, with, &r), 1);
    assert_string_equal(r.attachments, "[\"out/a \\\"quoted\\\".csv\",\"out/back\\\\slash.txt\"]");
    assert_string_equal(r.status, "pending");
    assert_int_equal(r.next_attempt, T0);
    outbox_row_free(&r);
    assert_int_equal(outbox_get(f->s, without, &r), 1);
    assert_null(r.attachments);
    outbox_row_free(&r);
    assert_int_equal(outbox_get(f->s, without + 100, &r), 0);
}

static int count(const struct outbox_row *r, void *arg)
{
    (void)r;
    ++*(int *)arg;
    return 0;
}

static void reschedule_and_set_status(void **state)
{
    struct fx *f = *state;
    int64_t id = queue(f, "k", NULL, 0);
    assert_int_equal(outbox_claim(f->s, id, "command"), 1);
    assert_int_equal(outbox_claim(f->s, id, "command"), 0);
    assert_int_equal(outbox_reschedule(f->s, id, "pending", T0 + 600, "exit status 1"), 1);
    struct outbox_row r = {0};
    assert_int_equal(outbox_get(f->s, id, &r), 1);
    assert_string_equal(r.status, "pending");
    assert_string_equal(r.channel, "command");
    assert_string_equal(r.last_error, "exit status 1");
    assert_int_equal(r.next_attempt, T0 + 600);
    assert_int_equal(r.attempts, 1);
    outbox_row_free(&r);
    /* Not due before its next attempt. */
    assert_int_equal(outbox_next_due(f->s, T0 + 599, &r), 0);
    int64_t at = 0;
    assert_int_equal(outbox_earliest_pending(f->s, &at), 1);
    assert_int_equal(at, T0 + 600);
    assert_int_equal(outbox_reschedule(f->s, id, "failed", 0, "gave up"), 1);
    assert_int_equal(outbox_earliest_pending(f->s, &at), 0);
    int n = 0;
    assert_int_equal(outbox_list(f->s, "failed", count, &n), 0);
    assert_int_equal(n, 1);
    /* Pending by hand: due now, attempts start again. */
    assert_int_equal(outbox_set_status(f->s, id, "pending", "retry by hand", T0 + 900), 1);
    assert_int_equal(outbox_next_due(f->s, T0 + 900, &r), 1);
    assert_int_equal(r.id, id);
    assert_int_equal(r.attempts, 0);
    assert_string_equal(r.last_error, "retry by hand");
    outbox_row_free(&r);
    assert_int_equal(outbox_set_status(f->s, id + 1, "pending", "none", T0), 0);
}

static bool keep_pid_42(bool manual, int64_t pid)
{
    return manual && pid == 42;
}

static void runs_record_the_process_and_interrupt_by_choice(void **state)
{
    struct fx *f = *state;
    int64_t a, b, c;
    assert_int_equal(sched_claim_as(f->s, "a", T0, T0, true, 42, &a), 1);
    assert_int_equal(sched_claim_as(f->s, "b", T0, T0, true, 43, &b), 1);
    assert_int_equal(sched_claim_as(f->s, "c", T0, T0, false, 42, &c), 1);
    sqlite3_stmt *st = store_prepare(f->s, "SELECT pid FROM job_runs WHERE id = ?1");
    sqlite3_bind_int64(st, 1, b);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int64(st, 0), 43);
    sqlite3_reset(st);
    assert_int_equal(sched_interrupt_runs(f->s, T0 + 5, keep_pid_42), 2);
    struct sched_last last;
    assert_int_equal(sched_last_run(f->s, "a", &last), 0);
    assert_string_equal(last.status, "running");
    assert_true(last.manual);
    assert_int_equal(sched_last_run(f->s, "b", &last), 0);
    assert_string_equal(last.status, "interrupted");
    assert_int_equal(last.finished_at, T0 + 5);
    assert_int_equal(sched_last_run(f->s, "c", &last), 0);
    assert_string_equal(last.status, "interrupted");
    assert_false(last.manual);
    assert_int_equal(sched_interrupt_runs(f->s, T0 + 6, keep_pid_42), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(attachments_are_stored_as_json, setup, teardown),
        cmocka_unit_test_setup_teardown(reschedule_and_set_status, setup, teardown),
        cmocka_unit_test_setup_teardown(runs_record_the_process_and_interrupt_by_choice, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
