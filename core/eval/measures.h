/* The measures engine: every registered measure for every month of a range, by organisation, site
 * and clinician, with the patient lists behind the numbers. Each patient's rows are read once (up
 * to the last period end) and their dose timeline built once; the facts at each month end come
 * from facts_at(). Measures written as rule tables are compiled once and evaluated in C; measures
 * written as Lua functions are called per patient and month (slower, for site-defined measures).
 * The annual standard measures (HEDIS HDO, PQA COB, PQA OMP) come from the same pass. */
#ifndef SIXBB_MEASURES_H
#define SIXBB_MEASURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "date.h"
#include "measures_internal.h"

struct eval_engine;
struct store;

enum measure_kind { MK_RATE, MK_COUNT, MK_VALUE, MK_ANNUAL };

struct measures_request {
    day_t from, to;               /* the months from..to; the last period ends at `to` */
    const char *site, *clinician; /* narrow the population (NULL: all) */
    bool all_lists;               /* patient lists for every period, not only the last */
    bool store;                   /* keep monthly snapshots in measure_snapshots */
};

/* One measure as registered, with its compiled rule (opaque to callers). */
struct measure_info {
    char *id, *title, *kind_name, *unit, *better, *description, *plugin, *standard;
    enum measure_kind kind;
};

struct measure_period {
    char label[16]; /* YYYY-MM */
    day_t end;
};

enum group_level { GROUP_ORG, GROUP_SITE, GROUP_CLINICIAN };

/* One number: a measure in a period for a group. value is the rate, the count or the mean. */
struct measure_row {
    size_t measure, period; /* period: index, or the year for annual measures (see measures.year) */
    enum group_level level;
    const char *site, *clinician; /* NULL for the organisation row */
    double numerator, denominator, value;
    bool has_value;
};

struct measure_list_entry {
    size_t measure, period;
    const char *patient, *site, *clinician;
    bool numerator;
    double value; /* the patient's current MED at the period end */
};

struct measures {
    struct measure_info *defs;
    size_t ndefs;
    struct measure_period *periods;
    size_t nperiods;
    char year[16]; /* the calendar year of the annual measures */
    struct measure_row *rows;
    size_t nrows;
    struct measure_list_entry *lists;
    size_t nlists;
    void *impl;
};

/* One measure compiled: its numerator and denominator as rules, or computed by the caller's
 * callback (site-defined Lua functions). */
struct measure_def {
    struct pred_list num, den;
    bool num_custom, den_custom;
    bool value_med; /* kind value: the mean current MED */
    int standard;   /* annual: 0 HDO, 1 COB, 2 OMP */
};
void measure_defs_free(struct measure_def *defs, size_t n);

/* The measures to compute: info[i] and defs[i] describe measure i; ap holds the parameters
 * of the annual measures among them. */
struct measure_set {
    struct measure_info *info; /* taken over by the result */
    struct measure_def *defs;  /* the caller's (measure_defs_free) */
    size_t n;
    struct annual_params ap;
    bool any_annual;
};
/* A custom numerator or denominator of a measure for a patient at a period end. */
typedef bool (*measure_custom_fn)(void *ud, size_t measure, bool numerator,
                                  const struct patient_ctx *c);
/* Computes the measures in one rows-only pass of the engine. NULL with the reason in err (the
 * set's info freed either way, with the result or here). */
struct measures *measures_tally(struct eval_engine *en, const struct measures_request *rq,
                                const struct measure_set *set, measure_custom_fn custom, void *ud,
                                char *err, size_t errlen);
/* Replaces the stored monthly snapshots of the computed periods. 0, or -1 with err. */
int measures_store(struct store *s, const struct measures *m, char *err, size_t errlen);
void measures_free(struct measures *m);

/* The default range: the 24 months ending with the month of as_of. */
day_t measures_default_from(day_t as_of);

#endif
