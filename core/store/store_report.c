/* Reads and the run log for reports; see store_report.h. */
#include "store_report.h"

#include <sqlite3.h>

#include "util.h"

int store_evaluation_counts(struct store *s, const char *as_of, int *patients, int *ltot,
                            int *excluded)
{
    sqlite3_stmt *ev = store_prepare(s, "SELECT patients_evaluated, ltot, excluded FROM "
                                        "evaluations WHERE as_of = ?1");
    if (!ev)
        return 0;
    store_bind_opt(ev, 1, as_of);
    bool found = sqlite3_step(ev) == SQLITE_ROW;
    if (found) {
        *patients = sqlite3_column_int(ev, 0);
        *ltot = sqlite3_column_int(ev, 1);
        *excluded = sqlite3_column_int(ev, 2);
    }
    sqlite3_reset(ev);
    return found;
}

int store_results_each(struct store *s, const char *as_of, const char *site, const char *clinician,
                       const char *patient, store_row_fn fn, void *ud)
{
    sqlite3_stmt *st = store_prepare(
        s, "SELECT check_id, patient_id, clinician_id, site_id, severity, due, detail FROM "
           "check_results WHERE as_of = ?1 AND (?2 IS NULL OR site_id = ?2) AND (?3 IS NULL OR "
           "clinician_id = ?3) AND (?4 IS NULL OR patient_id = ?4)");
    if (!st)
        return -1;
    store_bind_opt(st, 1, as_of);
    store_bind_opt(st, 2, site);
    store_bind_opt(st, 3, clinician);
    store_bind_opt(st, 4, patient);
    return store_rows_each(st, fn, ud);
}

char *store_patient_name(struct store *s, const char *patient)
{
    sqlite3_stmt *st = store_prepare(s, "SELECT name FROM patients WHERE patient_id = ?1");
    if (!st)
        return NULL;
    store_bind_opt(st, 1, patient);
    char *name = NULL;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        name = xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    return name;
}

int store_report_run_add(struct store *s, const char *report, const char *as_of, const char *format,
                         const char *path, long long produced_at, const char *site)
{
    sqlite3_stmt *st = store_prepare(s, "INSERT INTO report_runs(report, as_of, format, path, "
                                        "produced_at, site) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!st)
        return -1;
    store_bind_opt(st, 1, report);
    store_bind_opt(st, 2, as_of);
    store_bind_opt(st, 3, format);
    store_bind_opt(st, 4, path);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)produced_at);
    store_bind_opt(st, 6, site);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    sqlite3_reset(st);
    return rc;
}
