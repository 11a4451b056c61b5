/* Internals shared by the check runner's files. */
#ifndef SIXBB_CHECKS_INTERNAL_H
#define SIXBB_CHECKS_INTERNAL_H

#include "checks.h"
#include "host.h"
#include "rules_lua.h"

struct check_def {
    char *id, *plugin, *title, *description, *severity, *hook;
    enum gap_level level;
    enum check_applies applies;
    int fn_ref, params_ref;
    bool enabled;
    int errors;
};

struct eval {
    struct host *h;
    struct store *s;
    struct eval_engine *en;
    struct eval_writer *writer; /* set while eval_run_stored runs */
    struct check_def *checks;
    size_t nchecks;
    struct rules_hook rules; /* plugin rules replacing the built-in risk tier or LtOT rule */
    /* The pass in progress. */
    day_t as_of;
    const struct eval_filter *flt;
    struct eval_result *r;
    struct check_explain *explain;
    /* Set only during eval_each_patient: visit patients instead of running checks. */
    eval_patient_fn visit;
    void *visit_ud;
    bool visit_all;
    bool visit_checks; /* run the checks too, gaps into the result */
};

/* Reads the checks from the registry, then the site's checks = {...} over them. 0, or -1 with
 * the host's last error set. */
void checks_load(struct eval *e);
int checks_apply_overrides(struct eval *e);

/* Outcome of one check call, for the result list and for --explain. */
struct outcome {
    bool gap, error;
    char severity[32];
    day_t due;
    char detail[512];
};
/* Calls check c with the facts table at facts_idx. */
void run_check(struct eval *e, struct check_def *c, int facts_idx, struct outcome *o);
bool check_selected(const struct check_def *c, const struct eval_filter *flt);
/* Adds a gap of check c (empty clinician and site ids stored as none). */
void checks_result_add(struct eval_result *r, const struct check_def *c, const char *patient,
                       const char *clinician, const char *site, const char *severity, day_t due,
                       const char *detail);
/* The clinician- and site-level checks after a pass (checks_levels.c). */
void checks_run_levels(struct eval *e);

#endif
