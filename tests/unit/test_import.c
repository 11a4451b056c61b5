/* The import on a small store with no Lua host: counts for new, updated and unchanged rows,
 * MED worked out at import, an error placed at file:line:column, nothing written after a bad
 * row, the site's column names, the instrument scorer called with what it needs, and a batch
 * large enough to go through the background writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "import.h"
#include "store.h"
#include "store_import.h"
#include "util.h"

static char config_dir[4096];

struct site {
    char *dir, *path;
    struct store *store;
};

static void site_new(struct site *s)
{
    s->dir = xstrdup("/tmp/sixbb-import-XXXXXX");
    assert_non_null(mkdtemp(s->dir));
    s->path = xasprintf("%s/sixbb.db", s->dir);
    char err[512] = "";
    s->store = store_open(s->path, STORE_CREATE, err, sizeof err);
    if (!s->store)
        fail_msg("store_open: %s", err);
}

static void site_free(struct site *s)
{
    store_close(s->store);
    unlink(s->path);
    char *wal = xasprintf("%s-wal", s->path), *shm = xasprintf("%s-shm", s->path);
    unlink(wal);
    unlink(shm);
    rmdir(s->dir);
    free(wal);
    free(shm);
    free(s->path);
    free(s->dir);
}

static long count(struct store *s, const char *sql)
{
    sqlite3_stmt *st = store_prepare(s, sql);
    assert_non_null(st);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long n = (long)sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return n;
}

static struct import_options options(void)
{
    struct import_options o = {0};
    o.as_of = date_from_ymd(2025, 6, 30);
    o.config_dir = config_dir;
    return o;
}

static int feed(struct importer *imp, enum import_kind k, const char *name, const char *csv)
{
    return importer_file(imp, k, name, csv, strlen(csv));
}

static const char sites_csv[] = "site_id,name,timezone\nS1,North,America/Denver\n";
static const char clinicians_csv[] = "clinician_id,site_id,name\nC1,S1,Dr One\nC2,S1,Dr Two\n";
static const char patients_csv[] = "patient_id,site_id,clinician_id,birth_date,sex\n"
                                   "P1,S1,C1,1960-01-01,F\n"
                                   "P2,S1,C2,1970-05-05,M\n"
                                   "P3,S1,,1980-09-09,U\n";
static const char rx_csv[] = "rx_id,patient_id,fill_date,drug,quantity,days_supply\n"
                             "R1,P1,2025-06-01,oxycodone 10 mg tablet,120,30\n"
                             "R2,P2,2025-06-02,morphine ER 30 mg tablet,60,30\n";

/* Sites, clinicians, patients and prescriptions in one transaction; 0 when committed. */
static int import_registry(struct store *s, const char *patients, struct importer **out)
{
    struct import_options o = options();
    struct importer *imp = importer_new(s, &o);
    assert_int_equal(importer_begin(imp), 0);
    feed(imp, KIND_SITES, "sites.csv", sites_csv);
    feed(imp, KIND_CLINICIANS, "clinicians.csv", clinicians_csv);
    feed(imp, KIND_PATIENTS, "patients.csv", patients);
    feed(imp, KIND_PRESCRIPTIONS, "prescriptions.csv", rx_csv);
    int rc = importer_finish(imp);
    *out = imp;
    return rc;
}

static void test_counts_and_a_second_import(void **state)
{
    (void)state;
    struct site s;
    site_new(&s);
    struct importer *imp;
    assert_int_equal(import_registry(s.store, patients_csv, &imp), 0);
    assert_int_equal(importer_error_count(imp), 0);
    assert_int_equal(importer_counts(imp, KIND_SITES)->inserted, 1);
    assert_int_equal(importer_counts(imp, KIND_CLINICIANS)->inserted, 2);
    assert_int_equal(importer_counts(imp, KIND_PATIENTS)->inserted, 3);
    assert_int_equal(importer_counts(imp, KIND_PRESCRIPTIONS)->inserted, 2);
    assert_true(importer_used(imp, KIND_PRESCRIPTIONS));
    assert_false(importer_used(imp, KIND_EVENTS));
    assert_int_equal(importer_rows(imp), 8);
    importer_free(imp);
    assert_int_equal(count(s.store, "SELECT count(*) FROM patients"), 3);
    /* 40 mg of oxycodone a day at a factor of 1.5. */
    assert_int_equal(count(s.store, "SELECT med FROM prescriptions WHERE rx_id = 'R1'"), 60);
    assert_int_equal(count(s.store, "SELECT count(*) FROM audit_log WHERE action = 'import'"), 4);

    /* The same files again change nothing; one changed patient is an update. */
    char *changed = xstrdup(patients_csv);
    memcpy(strstr(changed, "1980-09-09"), "1981", 4);
    assert_int_equal(import_registry(s.store, changed, &imp), 0);
    assert_int_equal(importer_counts(imp, KIND_SITES)->unchanged, 1);
    assert_int_equal(importer_counts(imp, KIND_PRESCRIPTIONS)->unchanged, 2);
    assert_int_equal(importer_counts(imp, KIND_PATIENTS)->inserted, 0);
    assert_int_equal(importer_counts(imp, KIND_PATIENTS)->updated, 1);
    assert_int_equal(importer_counts(imp, KIND_PATIENTS)->unchanged, 2);
    importer_free(imp);
    free(changed);
    assert_int_equal(count(s.store, "SELECT count(*) FROM patients WHERE birth_date LIKE '1981%'"),
                     1);
    site_free(&s);
}

static void test_a_bad_row_stops_every_write(void **state)
{
    (void)state;
    struct site s;
    site_new(&s);
    static const char bad[] = "patient_id,site_id,clinician_id,birth_date,sex\n"
                              "P1,S1,C1,1960-01-01,F\n"
                              "P2,S1,C1,1960-13-01,F\n"
                              "P3,S1,C1,1962-01-01,F\n";
    struct importer *imp;
    assert_int_equal(import_registry(s.store, bad, &imp), -1);
    assert_int_equal(importer_error_count(imp), 1);
    const char *const *msgs;
    assert_int_equal(importer_errors(imp, &msgs), 1);
    assert_string_equal(msgs[0], "patients.csv:3:4 (birth_date): '1960-13-01' — expected a date "
                                 "as YYYY-MM-DD");
    assert_int_equal(importer_counts(imp, KIND_PATIENTS)->rejected, 1);
    importer_free(imp);
    /* Nothing of the batch is stored: not the rows before the bad one, nor the other kinds. */
    assert_int_equal(count(s.store, "SELECT count(*) FROM sites"), 0);
    assert_int_equal(count(s.store, "SELECT count(*) FROM patients"), 0);
    assert_int_equal(count(s.store, "SELECT count(*) FROM prescriptions"), 0);
    assert_int_equal(count(s.store, "SELECT count(*) FROM audit_log WHERE action = 'import'"), 0);
    site_free(&s);
}

static void test_site_column_names(void **state)
{
    (void)state;
    struct site s;
    site_new(&s);
    struct import_config cfg = {0};
    cfg.columns[KIND_SITES][0] = xstrdup("CLINIC_CODE");
    struct import_options o = options();
    o.config = &cfg;
    struct importer *imp = importer_new(s.store, &o);
    assert_int_equal(importer_begin(imp), 0);
    assert_int_equal(feed(imp, KIND_SITES, "a.csv", "CLINIC_CODE,name\nS9,Nine\n"), 0);
    assert_int_equal(feed(imp, KIND_SITES, "b.csv", "site_id,name\nS8,Eight\n"), -1);
    assert_int_equal(importer_finish(imp), -1);
    const char *const *msgs;
    assert_int_equal(importer_errors(imp, &msgs), 1);
    assert_string_equal(msgs[0], "b.csv:1: missing column 'CLINIC_CODE' (the site config maps it "
                                 "to site_id with import.columns.sites.site_id)");
    importer_free(imp);
    import_config_free(&cfg);
    assert_null(cfg.columns[KIND_SITES][0]);
    site_free(&s);
}

/* ---------------------------------------------------------------- the scorer */

struct scorer_log {
    int items_calls, score_calls;
    char instrument[32], patient[32], sex[8];
    size_t n;
    double first;
};

static long scale_items(void *ud, const char *instrument)
{
    struct scorer_log *log = ud;
    log->items_calls++;
    return strcmp(instrument, "myscale") == 0 || strcmp(instrument, "broken") == 0 ? 3 : -1;
}

static int scale_score(void *ud, const char *instrument, const char *patient, const char *sex,
                       const double *items, size_t n, double *score, char *err, size_t errlen)
{
    struct scorer_log *log = ud;
    log->score_calls++;
    snprintf(log->instrument, sizeof log->instrument, "%s", instrument);
    snprintf(log->patient, sizeof log->patient, "%s", patient);
    snprintf(log->sex, sizeof log->sex, "%s", sex ? sex : "-");
    log->n = n;
    log->first = items[0];
    if (strcmp(instrument, "broken") == 0) {
        snprintf(err, errlen, "no score today");
        return -1;
    }
    *score = 0;
    for (size_t i = 0; i < n; i++)
        *score += 2 * items[i];
    return 0;
}

static struct importer *assess(struct store *s, struct scorer_log *log, const char *csv)
{
    struct import_scorer sc = {scale_items, scale_score, log};
    struct import_options o = options();
    o.scorer = &sc;
    struct importer *imp = importer_new(s, &o);
    assert_int_equal(importer_begin(imp), 0);
    feed(imp, KIND_SITES, "sites.csv", sites_csv);
    feed(imp, KIND_CLINICIANS, "clinicians.csv", clinicians_csv);
    feed(imp, KIND_PATIENTS, "patients.csv", patients_csv);
    feed(imp, KIND_ASSESSMENTS, "assessments.csv", csv);
    importer_finish(imp);
    return imp;
}

static void test_scorer_is_called(void **state)
{
    (void)state;
    struct site s;
    site_new(&s);
    struct scorer_log log = {0};
    struct importer *imp = assess(s.store, &log,
                                  "patient_id,instrument,date,score,items\n"
                                  "P1,myscale,2025-06-01,,1;2;3\n"
                                  "P2,unknown_scale,2025-06-01,4,\n");
    /* A plugin instrument is scored with the patient's sex from this same batch; an instrument
     * nobody registers is refused without a call to score. */
    assert_int_equal(log.score_calls, 1);
    assert_true(log.items_calls >= 2);
    assert_string_equal(log.instrument, "myscale");
    assert_string_equal(log.patient, "P1");
    assert_string_equal(log.sex, "F");
    assert_int_equal(log.n, 3);
    assert_true(log.first == 1.0);
    const char *const *msgs;
    assert_int_equal(importer_errors(imp, &msgs), 1);
    assert_non_null(strstr(msgs[0], "assessments.csv:3:2 (instrument): 'unknown_scale' — "
                                    "expected an instrument:"));
    importer_free(imp);

    memset(&log, 0, sizeof log);
    imp = assess(s.store, &log,
                 "patient_id,instrument,date,score,items\nP1,myscale,2025-06-01,,1;2;3\n");
    assert_int_equal(importer_error_count(imp), 0);
    assert_int_equal(importer_counts(imp, KIND_ASSESSMENTS)->inserted, 1);
    importer_free(imp);
    assert_int_equal(count(s.store, "SELECT score FROM assessments WHERE patient_id = 'P1'"), 12);
    site_free(&s);
}

static void test_scorer_failures(void **state)
{
    (void)state;
    struct site s;
    site_new(&s);
    struct scorer_log log = {0};
    struct importer *imp = assess(s.store, &log,
                                  "patient_id,instrument,date,score,items\n"
                                  "P1,myscale,2025-06-01,,1;2\n"
                                  "P2,broken,2025-06-01,,1;2;3\n");
    const char *const *msgs;
    assert_int_equal(importer_errors(imp, &msgs), 2);
    assert_string_equal(msgs[0], "assessments.csv:2:5 (items): '1;2' — expected 3 responses for "
                                 "myscale, found 2");
    assert_string_equal(msgs[1], "assessments.csv:3:5 (items): '1;2;3' — the broken scoring "
                                 "failed: no score today");
    assert_int_equal(log.score_calls, 1); /* the wrong count never reaches the scorer */
    assert_string_equal(log.sex, "M");
    importer_free(imp);
    assert_int_equal(count(s.store, "SELECT count(*) FROM assessments"), 0);
    site_free(&s);
}

/* ---------------------------------------------------------------- the writer thread */

#define MANY 5000 /* more than two of the chunks handed to the writer thread */

static char *many_patients(int changed)
{
    struct buf b = {0};
    buf_puts(&b, "patient_id,site_id,clinician_id,birth_date,sex\n");
    for (int i = 0; i < MANY; i++)
        buf_printf(&b, "P%05d,S1,C1,%d-01-01,F\n", i, i == changed ? 1999 : 1950);
    return b.data;
}

/* Sites, clinicians and MANY patients; the importer after finishing. */
static struct importer *import_many(struct store *s, int changed)
{
    char *csv = many_patients(changed);
    struct import_options o = options();
    struct importer *imp = importer_new(s, &o);
    assert_int_equal(importer_begin(imp), 0);
    feed(imp, KIND_SITES, "sites.csv", sites_csv);
    feed(imp, KIND_CLINICIANS, "clinicians.csv", clinicians_csv);
    feed(imp, KIND_PATIENTS, "patients.csv", csv);
    assert_int_equal(importer_finish(imp), 0);
    free(csv);
    return imp;
}

struct progress_seen {
    int calls, finals;
    long last_rows;
    bool last_final;
};

static void on_progress(void *ud, long rows, double rate, bool final)
{
    struct progress_seen *p = ud;
    assert_true(rate >= 0);
    p->calls++;
    p->finals += final;
    p->last_rows = rows;
    p->last_final = final;
}

/* The import reports its progress to the caller, which draws it: never on its own. */
static void test_progress_goes_to_the_caller(void **state)
{
    (void)state;
    struct site s;
    site_new(&s);
    struct progress_seen seen = {0};
    struct import_options o = options();
    o.progress = on_progress;
    o.progress_ud = &seen;
    struct importer *imp = importer_new(s.store, &o);
    assert_int_equal(importer_begin(imp), 0);
    feed(imp, KIND_SITES, "sites.csv", sites_csv);
    feed(imp, KIND_CLINICIANS, "clinicians.csv", clinicians_csv);
    feed(imp, KIND_PATIENTS, "patients.csv", patients_csv);
    feed(imp, KIND_PRESCRIPTIONS, "prescriptions.csv", rx_csv);
    assert_int_equal(importer_finish(imp), 0);
    assert_true(seen.calls >= 1);
    assert_int_equal(seen.finals, 1);
    assert_true(seen.last_final);
    assert_int_equal(seen.last_rows, importer_rows(imp));
    assert_int_equal(seen.last_rows, 8);
    importer_free(imp);
    site_free(&s);
}

static void test_large_batch_in_the_background(void **state)
{
    (void)state;
    struct site s;
    site_new(&s);
    struct importer *imp = import_many(s.store, -1);
    assert_int_equal(importer_counts(imp, KIND_PATIENTS)->inserted, MANY);
    importer_free(imp);
    assert_int_equal(count(s.store, "SELECT count(*) FROM patients"), MANY);
    assert_int_equal(count(s.store, "SELECT count(DISTINCT patient_id) FROM patients"), MANY);
    /* Updates counted on the writer thread are added to the totals. */
    imp = import_many(s.store, 100);
    assert_int_equal(importer_counts(imp, KIND_PATIENTS)->inserted, 0);
    assert_int_equal(importer_counts(imp, KIND_PATIENTS)->updated, 1);
    assert_int_equal(importer_counts(imp, KIND_PATIENTS)->unchanged, MANY - 1);
    importer_free(imp);
    assert_int_equal(count(s.store, "SELECT count(*) FROM patients WHERE birth_date LIKE '1999%'"),
                     1);
    site_free(&s);
}

/* Chunks already handed to the writer thread are part of the transaction, so a bad row after
 * them still leaves nothing written. */
static void test_bad_row_after_written_chunks(void **state)
{
    (void)state;
    struct site s;
    site_new(&s);
    char *csv = many_patients(-1);
    char *bad = strstr(csv, "P04500,S1,C1,1950");
    memcpy(bad + strlen("P04500,S1,C1,"), "19x0", 4);
    struct import_options o = options();
    struct importer *imp = importer_new(s.store, &o);
    assert_int_equal(importer_begin(imp), 0);
    feed(imp, KIND_SITES, "sites.csv", sites_csv);
    feed(imp, KIND_CLINICIANS, "clinicians.csv", clinicians_csv);
    feed(imp, KIND_PATIENTS, "patients.csv", csv);
    assert_int_equal(importer_finish(imp), -1);
    const char *const *msgs;
    assert_int_equal(importer_errors(imp, &msgs), 1);
    assert_string_equal(msgs[0], "patients.csv:4502:4 (birth_date): '19x0-01-01' — expected a "
                                 "date as YYYY-MM-DD");
    importer_free(imp);
    free(csv);
    assert_int_equal(count(s.store, "SELECT count(*) FROM patients"), 0);
    assert_int_equal(count(s.store, "SELECT count(*) FROM sites"), 0);
    site_free(&s);
}

static void test_kinds_match_their_tables(void **state)
{
    (void)state;
    for (int k = 0; k < KIND_COUNT; k++) {
        const char *const *cols;
        size_t n = import_kind_columns((enum import_kind)k, &cols);
        const struct store_import_shape *sh = store_import_shape((enum store_import_table)k);
        assert_int_equal(n, sh->ncolumns);
        assert_true(sh->nkey <= n && n <= sh->nvals);
        assert_true(n <= IMPORT_MAX_COLUMNS);
    }
}

int main(void)
{
    const char *src = getenv("SIXBB_SOURCE");
    snprintf(config_dir, sizeof config_dir, "%s/config", src && *src ? src : SIXBB_SOURCE_DIR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts_and_a_second_import),
        cmocka_unit_test(test_a_bad_row_stops_every_write),
        cmocka_unit_test(test_site_column_names),
        cmocka_unit_test(test_scorer_is_called),
        cmocka_unit_test(test_scorer_failures),
        cmocka_unit_test(test_progress_goes_to_the_caller),
        cmocka_unit_test(test_large_batch_in_the_background),
        cmocka_unit_test(test_bad_row_after_written_chunks),
        cmocka_unit_test(test_kinds_match_their_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
