/* What reports read and record: a stored evaluation's counts and its gaps, patients' names
 * for reports that show them, and the log of reports produced. */
#ifndef SIXBB_STORE_REPORT_H
#define SIXBB_STORE_REPORT_H

#include "store_query.h"

/* The counts of the whole-population evaluation stored for a date: 1 when there is one,
 * 0 when not (nothing set). */
int store_evaluation_counts(struct store *s, const char *as_of, int *patients, int *ltot,
                            int *excluded);
/* The stored gaps of that evaluation, filtered by site, clinician and patient where not NULL:
 * rows of check_id, patient_id, clinician_id, site_id, severity, due, detail. */
int store_results_each(struct store *s, const char *as_of, const char *site, const char *clinician,
                       const char *patient, store_row_fn fn, void *ud);
/* A patient's name (the caller frees it), or NULL when none is recorded. */
char *store_patient_name(struct store *s, const char *patient);
/* Logs a report produced (path and site may be NULL). */
int store_report_run_add(struct store *s, const char *report, const char *as_of, const char *format,
                         const char *path, long long produced_at, const char *site);

#endif
