/* The evaluation engine on a small registry, without any Lua host: facts (LtOT, exclusion, MED,
 * benzodiazepine overlap), the counts and tallies of a pass, filters, and the results writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "eval_fixture.h"

/* What the visitor saw, by patient. */
struct seen {
    char id[8][ID_MAX];
    struct facts f[8];
    size_t n;
    bool saw_no_facts; /* a visit without facts (rows-only passes) */
};

static void collect(void *ud, const struct patient_rows *pr, const struct facts *f)
{
    struct seen *s = ud;
    assert_true(s->n < 8);
    snprintf(s->id[s->n], sizeof s->id[s->n], "%s", pr->id);
    if (f)
        s->f[s->n] = *f;
    else
        s->saw_no_facts = true;
    s->n++;
}

static const struct facts *facts_of(const struct seen *s, const char *id)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->id[i], id) == 0)
            return &s->f[i];
    fail_msg("patient %s was not visited", id);
    return NULL;
}

static int pass(struct world *w, const struct eval_filter *flt, bool serial, struct seen *seen,
                struct eval_result *r)
{
    struct eval_pass p = {.as_of = day("2026-06-30"),
                          .earliest = DATE_NONE,
                          .filter = flt,
                          .serial = serial,
                          .visit = collect,
                          .ud = seen};
    char err[256] = "";
    int rc = eval_engine_pass(w->en, &p, r, err, sizeof err);
    if (rc != 0)
        fail_msg("pass: %s", err);
    return rc;
}

static void whole_population(void **state)
{
    struct world *w = *state;
    struct seen seen = {0};
    struct eval_result r;
    struct eval_filter flt = {0};
    pass(w, &flt, false, &seen, &r);
    assert_int_equal(r.patients, 4);
    assert_int_equal(seen.n, 4);
    assert_int_equal(r.ltot, 2);
    assert_int_equal(r.excluded, 1);
    const struct facts *p1 = facts_of(&seen, "P1"), *p2 = facts_of(&seen, "P2");
    const struct facts *p3 = facts_of(&seen, "P3"), *p4 = facts_of(&seen, "P4");
    assert_true(p1->ltot);
    assert_false(p1->excluded);
    assert_true(fabs(p1->med - 60) < 1e-9);
    assert_int_equal(p1->benzo_overlap, 0);
    assert_false(p2->ltot);
    assert_true(fabs(p2->med - 60) < 1e-9);
    assert_true(p3->ltot);
    assert_int_equal(p3->benzo_overlap, 21); /* 06-10 to 06-30 */
    assert_true(p4->excluded);
    assert_int_equal(eval_engine_ltot_patients(w->en, LEVEL_SITE, "S1"), 2);
    assert_int_equal(eval_engine_ltot_patients(w->en, LEVEL_SITE, "S2"), 0);
    assert_int_equal(eval_engine_ltot_patients(w->en, LEVEL_CLINICIAN, "C1"), 2);
    eval_result_free(&r);
}

static void one_patient_and_lists(void **state)
{
    struct world *w = *state;
    struct seen seen = {0};
    struct eval_result r;
    struct eval_filter one = {.patient = "P3"};
    pass(w, &one, true, &seen, &r);
    assert_int_equal(r.patients, 1);
    assert_string_equal(seen.id[0], "P3");
    assert_int_equal(seen.f[0].benzo_overlap, 21);
    eval_result_free(&r);

    const char *ids[] = {"P2", "P1", "P2", "nobody"};
    struct eval_filter list = {.patients = ids, .npatients = 4};
    memset(&seen, 0, sizeof seen);
    pass(w, &list, false, &seen, &r);
    assert_int_equal(r.patients, 2); /* each once, in id order */
    assert_string_equal(seen.id[0], "P1");
    assert_string_equal(seen.id[1], "P2");
    eval_result_free(&r);

    struct eval_filter site = {.site = "S2"};
    memset(&seen, 0, sizeof seen);
    pass(w, &site, false, &seen, &r);
    assert_int_equal(r.patients, 1);
    assert_int_equal(r.excluded, 1);
    eval_result_free(&r);
}

static void rows_only_pass(void **state)
{
    struct world *w = *state;
    struct seen seen = {0};
    struct eval_filter flt = {0};
    struct eval_pass p = {.as_of = day("2026-06-30"),
                          .earliest = day("2026-01-31"),
                          .filter = &flt,
                          .rows_only = true,
                          .visit = collect,
                          .ud = &seen};
    struct eval_result r;
    char err[256];
    assert_int_equal(eval_engine_pass(w->en, &p, &r, err, sizeof err), 0);
    assert_int_equal(seen.n, 4);
    assert_true(seen.saw_no_facts);  /* no facts handed out */
    assert_int_equal(r.patients, 0); /* and nothing counted */
    eval_result_free(&r);
}

static int count(struct store *s, const char *q)
{
    sqlite3_stmt *st = store_prepare(s, q);
    assert_non_null(st);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int n = sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    return n;
}

static void writer_stores_and_replaces(void **state)
{
    struct world *w = *state;
    char err[256];
    for (int round = 0; round < 2; round++) {
        struct eval_writer *wr = eval_writer_open(w->s, day("2026-06-30"), err, sizeof err);
        assert_non_null(wr);
        struct eval_result r = {.patients = 4, .ltot = 2, .excluded = 1};
        for (int i = 0; i < 20 + round; i++) {
            char patient[16];
            snprintf(patient, sizeof patient, "P%d", i);
            struct gap g = {.check = "c",
                            .plugin = "p",
                            .patient = patient,
                            .site = "S1",
                            .severity = "due",
                            .detail = "d",
                            .due = DATE_NONE};
            eval_result_add(&r, &g);
            if (i == 3)
                eval_writer_feed(wr, &r);
        }
        eval_writer_feed(wr, &r);
        assert_int_equal(eval_writer_close(wr, &r, true, err, sizeof err), 0);
        eval_result_free(&r);
        assert_int_equal(
            count(w->s, "SELECT count(*) FROM check_results WHERE as_of = '2026-06-30'"),
            20 + round);
    }
    assert_int_equal(count(w->s, "SELECT max(seq) FROM check_results"), 20);
    assert_int_equal(count(w->s, "SELECT ltot FROM evaluations WHERE as_of = '2026-06-30'"), 2);

    /* A run that failed leaves the stored results as they were. */
    struct eval_writer *wr = eval_writer_open(w->s, day("2026-06-30"), err, sizeof err);
    struct eval_result r = {0};
    assert_int_equal(eval_writer_close(wr, &r, false, err, sizeof err), -1);
    assert_int_equal(count(w->s, "SELECT count(*) FROM check_results"), 21);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(whole_population, setup, teardown),
        cmocka_unit_test_setup_teardown(one_patient_and_lists, setup, teardown),
        cmocka_unit_test_setup_teardown(rows_only_pass, setup, teardown),
        cmocka_unit_test_setup_teardown(writer_stores_and_replaces, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
