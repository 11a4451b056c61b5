/* The facilitator's store functions on a temporary store: rows as JSON, an audited write that
 * leaves nothing behind when it fails, the current-plan rule and the carry-forward of open
 * steps, and read-only queries through store_query_each. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store_program.h"
#include "store_query.h"
#include "util.h"

struct fixture {
    char dir[64];
    char *path;
    struct store *s;
};

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/sixbb-store-program-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    f->path = xasprintf("%s/sixbb.db", f->dir);
    char err[256];
    f->s = store_open(f->path, STORE_CREATE, err, sizeof err);
    assert_non_null(f->s);
    assert_int_equal(store_exec(f->s,
                                "INSERT INTO sites(site_id, name) VALUES ('N1', 'North'), "
                                "('S1', 'South')",
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

static void test_rows_json(void **state)
{
    struct fixture *f = *state;
    sqlite3_stmt *st =
        store_prepare(f->s, "SELECT site_id AS site, 2 AS n, 2.0 / 3 AS r, NULL AS x "
                            "FROM sites WHERE site_id = 'N1'");
    cJSON *rows = store_rows_json(st);
    char *text = cJSON_PrintUnformatted(rows);
    assert_string_equal(text, "[{\"site\":\"N1\",\"n\":2,\"r\":0.67,\"x\":null}]");
    free(text);
    cJSON_Delete(rows);
    /* The statement was reset: it runs again from the start. */
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    sqlite3_reset(st);
}

static void test_audited_write(void **state)
{
    struct fixture *f = *state;
    char err[256] = "";
    assert_int_equal(store_tally_add(f->s, "N1", "calls", "2026-03-02", 4, NULL, err, sizeof err),
                     0);
    assert_true(store_tally_exists(f->s, "N1", "calls", "2026-03-02"));
    assert_int_equal(count(f->s, "SELECT count(*) FROM audit_log WHERE entity = 'tally' AND "
                                 "entity_id = '1' AND detail = 'site N1, calls on 2026-03-02: 4'"),
                     1);
    /* A second count for the same date violates the unique key: no row, no audit entry, and
     * SQLite's reason survives the rollback. */
    assert_int_equal(store_tally_add(f->s, "N1", "calls", "2026-03-02", 5, NULL, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "UNIQUE"));
    assert_int_equal(count(f->s, "SELECT count(*) FROM tallies"), 1);
    assert_int_equal(count(f->s, "SELECT count(*) FROM audit_log"), 1);
    /* The store is usable afterwards: no transaction was left open. */
    assert_int_equal(store_begin(f->s), 0);
    assert_int_equal(store_commit(f->s), 0);
}

static long long add_step(struct store *s, long long plan, const char *what)
{
    char p[24], err[256], act[24];
    long long a = 0, id = 0;
    snprintf(p, sizeof p, "%lld", plan);
    assert_int_equal(store_plan_activity_add(s, p, "tracking", "Registry", NULL, NULL, NULL, false,
                                             &a, err, sizeof err),
                     0);
    snprintf(act, sizeof act, "%lld", a);
    assert_int_equal(store_plan_step_add(s, act, what, NULL, "2026-01-10", &id, err, sizeof err),
                     0);
    return id;
}

static void test_current_plan(void **state)
{
    struct fixture *f = *state;
    char err[256];
    struct store_plan_started p1, p2, other;
    assert_int_equal(store_plan_current(f->s, "N1"), 0);
    assert_int_equal(
        store_plan_new(f->s, "N1", "2026-01-01", "2026-03-31", "first", &p1, err, sizeof err), 0);
    assert_int_equal(p1.previous, 0);
    assert_int_equal(
        store_plan_new(f->s, "S1", "2026-01-01", "2026-03-31", "south", &other, err, sizeof err),
        0);
    long long open = add_step(f->s, p1.id, "open step");
    long long done = add_step(f->s, p1.id, "done step");
    char id[24];
    snprintf(id, sizeof id, "%lld", done);
    assert_int_equal(store_plan_step_done(f->s, id, "2026-02-01", err, sizeof err), 0);
    (void)open;
    /* The latest plan of the clinic is current, whatever other clinics started after it. */
    assert_int_equal(store_plan_current(f->s, "N1"), p1.id);
    assert_int_equal(
        store_plan_new(f->s, "N1", "2026-04-01", "2026-06-30", "second", &p2, err, sizeof err), 0);
    assert_int_equal(p2.previous, p1.id);
    assert_int_equal(p2.carried, 1);
    assert_int_equal(store_plan_current(f->s, "N1"), p2.id);
    assert_int_equal(store_plan_current(f->s, "S1"), other.id);
    /* Each start is one audit entry naming the new plan. */
    assert_int_equal(count(f->s, "SELECT count(*) FROM audit_log WHERE entity = 'action_plan'"), 3);
}

struct collected {
    int rows;
    long long last;
};

static int take(const struct store_row *row, void *ud)
{
    struct collected *c = ud;
    assert_int_equal(row->ncols, 1);
    assert_string_equal(row->names[0], "n");
    assert_int_equal(row->values[0].type, STORE_INT);
    c->last = row->values[0].i;
    c->rows++;
    return 0;
}

static void test_query_each(void **state)
{
    struct fixture *f = *state;
    char err[256];
    struct collected c = {0};
    struct store_value p = {.type = STORE_TEXT, .s = "N1", .len = 2};
    assert_int_equal(store_query_each(f->s, "SELECT count(*) AS n FROM sites WHERE site_id = ?1",
                                      &p, 1, NULL, NULL, take, &c, err, sizeof err),
                     0);
    assert_int_equal(c.rows, 1);
    assert_int_equal(c.last, 1);
    assert_int_equal(
        store_query_each(f->s, "DELETE FROM sites", NULL, 0, NULL, NULL, take, &c, err, sizeof err),
        -1);
    assert_int_equal(count(f->s, "SELECT count(*) FROM sites"), 2);
    assert_int_equal(
        store_query_each(f->s, "SELECT ?1 AS n", NULL, 0, NULL, NULL, take, &c, err, sizeof err),
        -1);
    assert_string_equal(err, "the statement has 1 parameter(s) but 0 value(s) were given");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_rows_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audited_write, setup, teardown),
        cmocka_unit_test_setup_teardown(test_current_plan, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_each, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
