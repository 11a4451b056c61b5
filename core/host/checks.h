/* The check runner: the plugins' checks run in Lua on the facts the evaluation engine computes
 * in C (eval.h). It loads the checks from the registry with their parameters merged with the
 * site's overrides, runs the patient-level checks on every patient of a pass, then the
 * clinician- and site-level checks, and collects the gaps. */
#ifndef SIXBB_CHECKS_H
#define SIXBB_CHECKS_H

#include <stdbool.h>

#include "eval.h"

struct host;
struct store;

enum check_applies { APPLIES_LTOT, APPLIES_FILL_RULE, APPLIES_ALL };

/* One check's outcome for the patient explained. Strings live as long as the runner. */
struct check_outcome {
    const char *id, *description;
    bool enabled;
    enum check_applies applies;
    bool ran; /* enabled and applicable */
    bool gap, error;
    char severity[32];
    day_t due;
    char detail[512];
};

/* What `sixbb check --explain` shows: one patient's rows and facts, and every patient-level
 * check's outcome. */
struct check_explain {
    bool found;
    day_t as_of;
    struct patient_rows pr;
    struct facts f;
    const struct rules *rules;
    struct check_outcome *checks;
    size_t nchecks;
};
void check_explain_free(struct check_explain *x);

/* Everything evaluation needs, opened once per command. */
struct eval;
/* Opens the MED database and the site's standard, reads the rule parameters and prepares the
 * checks (parameters merged with the site's overrides, which are validated here). NULL after
 * printing the reason. */
struct eval *eval_new(struct host *h, struct store *s);
void eval_free(struct eval *e);
const struct med_standard *eval_standard(struct eval *e);
struct med_db *eval_med_db(struct eval *e);
/* The engine the runner drives, and the host the checks run in. */
struct eval_engine *eval_engine(struct eval *e);
struct host *eval_host(struct eval *e);

/* Runs the evaluation. With explain set (and filter->patient), fills it with that patient's
 * facts and every check's outcome. Returns 0, or -1 after printing why. */
int eval_run(struct eval *e, day_t as_of, const struct eval_filter *f, struct eval_result *r,
             struct check_explain *explain);
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
/* The dose timeline of the patient being visited, inside an eval_each_patient callback. */
const struct med_timeline *eval_timeline(struct eval *e);
/* eval_run for an unfiltered run that also replaces the stored results of its date. */
int eval_run_stored(struct eval *e, day_t as_of, const struct eval_filter *flt,
                    struct eval_result *r);

/* Name of the MED standard in use. */
const char *med_standard_name_of(struct eval *e);

/* Evidence for milestones, computed from the data as of a date for one site ("" for the whole
 * organisation): counts from an evaluation without checks, prescribers registered with the PDMP,
 * and the last evaluation and reports produced. Pushes the table `e` the milestones' evidence
 * functions read onto the host's Lua stack. Returns 0, or -1 with nothing pushed. */
int eval_push_evidence(struct eval *e, day_t as_of, const char *site);

#endif
