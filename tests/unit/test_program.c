/* The facilitator commands' shared helpers: site, word and date checks, rows as JSON, and the
 * audited single write that leaves nothing behind when the statement fails. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "program.h"
#include "util.h"

struct fixture {
    char dir[64];
    char *path;
    struct store *s;
};

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/sixbb-program-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    f->path = xasprintf("%s/sixbb.db", f->dir);
    char err[256];
    f->s = store_open(f->path, STORE_CREATE, err, sizeof err);
    assert_non_null(f->s);
    assert_int_equal(store_exec(f->s, "INSERT INTO sites(site_id, name) VALUES ('N1', 'North')",
                                err, sizeof err),
                     0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    store_close(f->s);
    remove_tree(f->dir);
    free(f->path);
    free(f);
    return 0;
}

static int count(struct store *s, const char *sql)
{
    sqlite3_stmt *st = store_prepare(s, sql);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int n = sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    return n;
}

static void test_checks(void **state)
{
    struct fixture *f = *state;
    assert_true(prog_site_exists(f->s, "N1"));
    assert_false(prog_site_exists(f->s, "Q1"));
    assert_int_equal(prog_need_site(f->s, "N1"), 0);
    assert_int_equal(prog_need_site(f->s, "Q1"), 1);
    static const char *const words[] = {"full", "fast_track"};
    assert_int_equal(prog_need_word("track", "full", words, 2), 0);
    assert_int_equal(prog_need_word("track", "fast", words, 2), 1);
    day_t d;
    assert_int_equal(prog_need_date("--date", "2026-02-28", &d), 0);
    assert_int_equal(d, date_from_ymd(2026, 2, 28));
    assert_int_equal(prog_need_date("--date", "2026-02-29", &d), 1);
}

static void test_rows(void **state)
{
    struct fixture *f = *state;
    sqlite3_stmt *st =
        store_prepare(f->s, "SELECT site_id AS site, 2 AS n, 2.0 / 3 AS r, NULL AS x "
                            "FROM sites");
    cJSON *rows = prog_rows(st);
    char *text = cJSON_PrintUnformatted(rows);
    assert_string_equal(text, "[{\"site\":\"N1\",\"n\":2,\"r\":0.67,\"x\":null}]");
    free(text);
    cJSON_Delete(rows);
    /* The statement was reset: it runs again from the start. */
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    sqlite3_reset(st);
}

static void test_write_audits_or_leaves_nothing(void **state)
{
    struct fixture *f = *state;
    sqlite3_stmt *st = store_prepare(f->s, "INSERT INTO tallies(site_id, measure, date, count) "
                                           "VALUES ('N1', 'calls', '2026-03-02', ?1)");
    sqlite3_bind_int(st, 1, 4);
    long long id = 0;
    assert_int_equal(prog_write(f->s, st, "record", "add", "tally", NULL, "d", &id), 0);
    assert_int_equal(id, 1);
    assert_int_equal(count(f->s, "SELECT count(*) FROM audit_log WHERE entity = 'tally' AND "
                                 "entity_id = '1'"),
                     1);
    /* A second count for the same date violates the unique key: no row, no audit entry. */
    sqlite3_bind_int(st, 1, 5);
    assert_int_equal(prog_write(f->s, st, "record", "add", "tally", NULL, "d", NULL), 1);
    assert_int_equal(count(f->s, "SELECT count(*) FROM tallies"), 1);
    assert_int_equal(count(f->s, "SELECT count(*) FROM audit_log"), 1);
    /* The store is usable afterwards: no transaction was left open. */
    assert_int_equal(store_begin(f->s), 0);
    assert_int_equal(store_commit(f->s), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_checks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_audits_or_leaves_nothing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
