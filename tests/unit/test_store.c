/* Store and migrations: file mode, schema versioning, refusal of newer schemas, transactions,
 * statement cache, audit log and backup. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "migrations.h"
#include "store.h"
#include "util.h"

static char *tmpdir_new(void)
{
    char *d = xstrdup("/tmp/sixbb-store-XXXXXX");
    assert_non_null(mkdtemp(d));
    return d;
}

static struct store *create(const char *dir, char **path)
{
    *path = xasprintf("%s/sixbb.db", dir);
    char err[512] = "";
    struct store *s = store_open(*path, STORE_CREATE, err, sizeof err);
    if (!s)
        fail_msg("store_open: %s", err);
    return s;
}

static int count(struct store *s, const char *sql)
{
    sqlite3_stmt *st = store_prepare(s, sql);
    assert_non_null(st);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int n = sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    return n;
}

static void test_create_mode_and_version(void **state)
{
    (void)state;
    char *dir = tmpdir_new(), *path;
    struct store *s = create(dir, &path);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(store_schema_version(s), store_latest_version());
    assert_true(store_latest_version() >= 1);
    /* One row per migration applied; numbers may leave gaps while branches are merged. */
    assert_int_equal(count(s, "SELECT count(*) FROM schema_version"), migrations_count);
    /* Every table the design names exists. */
    const char *tables[] = {"sites", "clinicians", "patients", "prescriptions", "events",
                            "assessments", "appointments", "diagnoses", "milestone_status",
                            "check_results", "measure_snapshots", "meetings", "action_plans",
                            "self_assessments", "job_runs", "outbox", "audit_log"};
    for (size_t i = 0; i < ARRAY_LEN(tables); i++) {
        char sql[200];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM sqlite_master WHERE name='%s'", tables[i]);
        sqlite3_stmt *q = NULL;
        sqlite3_prepare_v2(store_db(s), sql, -1, &q, NULL);
        assert_int_equal(sqlite3_step(q), SQLITE_ROW);
        if (sqlite3_column_int(q, 0) != 1)
            fail_msg("table %s is missing", tables[i]);
        sqlite3_finalize(q);
    }
    store_close(s);
    free(path);
    remove_tree(dir);
    free(dir);
}

static void test_create_refuses_existing(void **state)
{
    (void)state;
    char *dir = tmpdir_new(), *path;
    store_close(create(dir, &path));
    char err[512] = "";
    assert_null(store_open(path, STORE_CREATE, err, sizeof err));
    assert_non_null(strstr(err, "cannot create"));
    /* The existing database is still intact. */
    struct store *s = store_open(path, 0, err, sizeof err);
    assert_non_null(s);
    assert_int_equal(store_schema_version(s), store_latest_version());
    store_close(s);
    free(path);
    remove_tree(dir);
    free(dir);
}

static void test_newer_schema_refused(void **state)
{
    (void)state;
    char *dir = tmpdir_new(), *path;
    struct store *s = create(dir, &path);
    char sql[200];
    snprintf(sql, sizeof sql,
             "INSERT INTO schema_version(version, name, applied_at) VALUES (%d, 'future', 0)",
             store_latest_version() + 5);
    assert_int_equal(store_exec(s, sql, NULL, 0), 0);
    store_close(s);
    char err[512] = "";
    assert_null(store_open(path, 0, err, sizeof err));
    assert_non_null(strstr(err, "newer sixbb"));
    assert_null(store_open(path, STORE_READONLY, err, sizeof err));
    free(path);
    remove_tree(dir);
    free(dir);
}

static void test_reopen_is_noop(void **state)
{
    (void)state;
    char *dir = tmpdir_new(), *path;
    store_close(create(dir, &path));
    char err[512];
    struct store *s = store_open(path, 0, err, sizeof err);
    assert_non_null(s);
    /* One row per migration applied; numbers may leave gaps while branches are merged. */
    assert_int_equal(count(s, "SELECT count(*) FROM schema_version"), migrations_count);
    store_close(s);
    free(path);
    remove_tree(dir);
    free(dir);
}

static void test_not_a_database(void **state)
{
    (void)state;
    char *dir = tmpdir_new();
    char *path = xasprintf("%s/junk.db", dir);
    const char junk[] = "this is not a database at all, just text that is long enough............."
                        "..............................................................";
    assert_int_equal(write_file_atomic(path, junk, sizeof junk, 0600), 0);
    char err[512] = "";
    assert_null(store_open(path, 0, err, sizeof err));
    assert_non_null(strstr(err, "not a sixbb database"));
    free(path);
    remove_tree(dir);
    free(dir);
}

static void test_transactions_nest_and_rollback(void **state)
{
    (void)state;
    char *dir = tmpdir_new(), *path;
    struct store *s = create(dir, &path);
    assert_int_equal(store_begin(s), 0);
    assert_int_equal(store_exec(s, "INSERT INTO sites(site_id, name) VALUES ('S1','One')", NULL, 0),
                     0);
    assert_int_equal(store_begin(s), 0);
    assert_int_equal(store_exec(s, "INSERT INTO sites(site_id, name) VALUES ('S2','Two')", NULL, 0),
                     0);
    store_rollback(s); /* inner failure dooms the whole transaction */
    assert_int_not_equal(store_commit(s), 0);
    assert_int_equal(count(s, "SELECT count(*) FROM sites"), 0);

    assert_int_equal(store_begin(s), 0);
    assert_int_equal(store_exec(s, "INSERT INTO sites(site_id, name) VALUES ('S3','Three')", NULL,
                                0),
                     0);
    assert_int_equal(store_commit(s), 0);
    assert_int_equal(count(s, "SELECT count(*) FROM sites"), 1);
    store_close(s);
    free(path);
    remove_tree(dir);
    free(dir);
}

static void test_statement_cache_and_audit(void **state)
{
    (void)state;
    char *dir = tmpdir_new(), *path;
    struct store *s = create(dir, &path);
    static const char sql[] = "SELECT count(*) FROM audit_log";
    sqlite3_stmt *a = store_prepare(s, sql);
    sqlite3_stmt *b = store_prepare(s, sql);
    assert_ptr_equal(a, b);
    int before = count(s, sql);
    store_set_actor(s, "unit-test");
    assert_int_equal(store_audit(s, "update", "patient", "P1", "status=active"), 0);
    assert_int_equal(count(s, sql), before + 1);
    sqlite3_stmt *q = store_prepare(s, "SELECT command, action, entity_id FROM audit_log "
                                       "ORDER BY id DESC LIMIT 1");
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(q, 0), "unit-test");
    assert_string_equal((const char *)sqlite3_column_text(q, 1), "update");
    assert_string_equal((const char *)sqlite3_column_text(q, 2), "P1");
    sqlite3_reset(q);
    store_close(s);
    free(path);
    remove_tree(dir);
    free(dir);
}

static void test_backup(void **state)
{
    (void)state;
    char *dir = tmpdir_new(), *path;
    struct store *s = create(dir, &path);
    assert_int_equal(store_exec(s, "INSERT INTO sites(site_id, name) VALUES ('S1','One')", NULL, 0),
                     0);
    char *dest = xasprintf("%s/copy.db", dir);
    char err[512] = "";
    assert_int_equal(store_backup(s, dest, err, sizeof err), 0);
    struct stat st;
    assert_int_equal(stat(dest, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_not_equal(store_backup(s, dest, err, sizeof err), 0); /* never overwrites */
    struct store *c = store_open(dest, STORE_READONLY, err, sizeof err);
    assert_non_null(c);
    assert_int_equal(count(c, "SELECT count(*) FROM sites"), 1);
    store_close(c);
    store_close(s);
    free(dest);
    free(path);
    remove_tree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_mode_and_version),
        cmocka_unit_test(test_create_refuses_existing),
        cmocka_unit_test(test_newer_schema_refused),
        cmocka_unit_test(test_reopen_is_noop),
        cmocka_unit_test(test_not_a_database),
        cmocka_unit_test(test_transactions_nest_and_rollback),
        cmocka_unit_test(test_statement_cache_and_audit),
        cmocka_unit_test(test_backup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
