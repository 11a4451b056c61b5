/* The facilitator commands' shared helpers: site, word and date checks with the wording the
 * commands print. Rows as JSON and the audited writes are the store's (test_store_program.c). */
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
#include "store_program.h"
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

static void test_checks(void **state)
{
    struct fixture *f = *state;
    char err[256];
    assert_true(store_site_exists(f->s, "N1"));
    assert_false(store_site_exists(f->s, "Q1"));
    assert_int_equal(prog_need_site(f->s, "N1", err, sizeof err), 0);
    assert_int_equal(prog_need_site(f->s, "Q1", err, sizeof err), 1);
    assert_string_equal(err, "no site 'Q1' in this registry");
    static const char *const words[] = {"full", "fast_track"};
    assert_int_equal(prog_need_word("track", "full", words, 2, err, sizeof err), 0);
    assert_int_equal(prog_need_word("track", "fast", words, 2, err, sizeof err), 1);
    assert_string_equal(err, "track 'fast' is not one of full, fast_track");
    day_t d;
    assert_int_equal(prog_need_date("--date", "2026-02-28", &d, err, sizeof err), 0);
    assert_int_equal(d, date_from_ymd(2026, 2, 28));
    assert_int_equal(prog_need_date("--date", "2026-02-29", &d, err, sizeof err), 1);
    assert_string_equal(err, "--date '2026-02-29' is not a date (YYYY-MM-DD)");
}

static int csv_reject(const struct prog_csv_row *row, void *ud)
{
    (void)ud;
    return prog_csv_fail(row, 1, "'%s' is not a number", row->values[1]);
}

static void test_csv_errors(void **state)
{
    struct fixture *f = *state;
    char *path = xasprintf("%s/in.csv", f->dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("b,a\nx,seven\n", fp);
    fclose(fp);
    static const char *const cols[] = {"a", "b"};
    char err[256], *want = xasprintf("%s:2:1: 'x' is not a number", path);
    assert_int_equal(prog_csv_each(path, cols, 2, csv_reject, NULL, err, sizeof err), 1);
    assert_string_equal(err, want);
    free(want);
    static const char *const missing[] = {"c"};
    want = xasprintf("%s:1: the header has no column 'c'", path);
    assert_int_equal(prog_csv_each(path, missing, 1, csv_reject, NULL, err, sizeof err), 1);
    assert_string_equal(err, want);
    free(want);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_checks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_csv_errors, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
