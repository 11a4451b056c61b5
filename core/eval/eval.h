/* The evaluation loop: for each patient, as of a date, the facts (LtOT status, exclusion,
 * current MED and the dose timeline, coverage, benzodiazepine overlap, last events, latest
 * scores, risk tier) computed once in one pass over the patient's rows, then every enabled check
 * from the plugins; clinician- and site-level checks after. Results can be stored per date. */
#ifndef SIXBB_EVAL_H
#define SIXBB_EVAL_H

#include <stdbool.h>
#include <stdio.h>

#include "date.h"

struct host;
struct store;
struct med_db;
struct med_standard;
struct med_timeline;

enum gap_level { LEVEL_PATIENT, LEVEL_CLINICIAN, LEVEL_SITE };

struct gap {
    char *check, *plugin, *patient, *clinician, *site, *severity, *detail;
    day_t due; /* DATE_NONE when not applicable */
    enum gap_level level;
};

struct eval_filter {
    const char *site, *clinician, *patient, *check;
    /* A list of patients instead of `patient`: each read with the one-patient queries on one
     * connection, so a day's appointments cost as much as their own rows. */
    const char *const *patients;
    size_t npatients;
};

struct eval_result {
    day_t as_of;
    int patients, ltot, excluded, fill_rule, labeled;
    int ltot_labeled;                      /* LtOT, not excluded, with a label diagnosis */
    int active_fills, active_computable;   /* opioid fills active at as_of; with a MED */
    struct gap *gaps;
    size_t ngaps, capgaps;
    int check_errors; /* check calls that failed (reported on stderr) */
    /* The gaps' strings, allocated in blocks that are freed together. */
    char **blocks;
    size_t nblocks;
    char *free_at; /* the next free byte of the block being filled */
    size_t left;   /* and how many bytes it still has */
};
/* The two orders gaps are shown in. SITES_LAST (sixbb check): clinicians by id, each with their
 * patients' gaps then their own, and site-level gaps at the end; BY_LEVEL (reports): patient,
 * then clinician, then site level, each by clinician or site, patient and check. Strings sort
 * byte-wise, a missing one after the others. */
enum gap_order { GAP_ORDER_SITES_LAST, GAP_ORDER_BY_LEVEL };
void eval_gaps_sort(struct gap *gaps, size_t n, enum gap_order order);
/* A copy of s (NULL for NULL) that lives as long as r's gaps. */
char *eval_result_strdup(struct eval_result *r, const char *s);

/* Everything evaluation needs, opened once per command. */
struct eval;
/* Opens the MED database and the site's standard, reads the rule parameters and prepares the
 * checks (parameters merged with the site's overrides, which are validated here). NULL after
 * printing the reason. */
struct eval *eval_new(struct host *h, struct store *s);
void eval_free(struct eval *e);
const struct med_standard *eval_standard(struct eval *e);
struct med_db *eval_med_db(struct eval *e);

/* Runs the evaluation. With explain set (and filter->patient), writes the facts and every
 * check's outcome for that patient to explain. Returns 0, or -1 after printing why. */
int eval_run(struct eval *e, day_t as_of, const struct eval_filter *f, struct eval_result *r,
             FILE *explain);
/* Calls fn once per patient matching the filter, with the patient's facts table (docs/facts.md)
 * on top of the host's Lua stack; fn must leave the stack as it found it. Only patients on LtOT
 * and not excluded, unless all is set. Runs no checks. Counts go to r as in eval_run (free it
 * with eval_result_free). Returns 0, or -1 after printing why. */
typedef void (*eval_patient_fn)(struct eval *e, void *ud);
int eval_each_patient(struct eval *e, day_t as_of, const struct eval_filter *f, bool all,
                      eval_patient_fn fn, void *ud, struct eval_result *r);
/* The same, and runs the patient-level checks as eval_run does, their gaps going to r. */
int eval_each_patient_checked(struct eval *e, day_t as_of, const struct eval_filter *f, bool all,
                              eval_patient_fn fn, void *ud, struct eval_result *r);
/* Pushes the parameters a check runs with: the defaults of its registry entry (at stack index
 * entry) with the site's checks[id] settings merged over them, as evaluation merges them.
 * Returns 0, or -1 with the host's last error set (the parameters are pushed either way). */
int eval_push_check_params(struct host *h, int entry, const char *id);
/* The host the evaluation runs checks in. */
struct host *eval_host(struct eval *e);
/* The dose timeline of the patient being visited, inside an eval_each_patient callback (built
 * on first use on the visitor's thread, whichever thread read the patient). */
const struct med_timeline *eval_timeline(struct eval *e);
/* eval_run for an unfiltered run that also replaces the stored results of its date: the gaps
 * are written on a thread and a connection of their own while the evaluation runs, in one
 * transaction committed only when everything succeeded. */
int eval_run_stored(struct eval *e, day_t as_of, const struct eval_filter *flt,
                    struct eval_result *r);
void eval_result_free(struct eval_result *r);

/* Name of the MED standard in use. */
const char *med_standard_name_of(struct eval *e);
/* The as-of date for a command: given (validated), or today in the site's zone. 0 or 2. */
/* The as-of date: given (YYYY-MM-DD, else a usage error naming command cmd), or today in the
 * site's time zone. */
int site_as_of(struct host *h, const char *cmd, const char *given, day_t *out);

/* Evidence for milestones, computed from the data as of a date for one site ("" for the whole
 * organisation): counts from an evaluation without checks, prescribers registered with the PDMP,
 * and the last evaluation and reports produced. Pushes the table `e` the milestones' evidence
 * functions read onto the host's Lua stack. Returns 0, or -1 with nothing pushed. */
int eval_push_evidence(struct eval *e, day_t as_of, const char *site);

/* Loads the MED database and the standard the site's config names (standard = "..."), looking
 * first in the site's standards/ folder, then in the installed config. NULL on error (err). */
int eval_open_med(struct host *h, struct med_db **db, struct med_standard **std, char *err,
                  size_t errlen);

#endif
