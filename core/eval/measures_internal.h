/* Internals shared by the measures files: compiled rules and the per-patient context they are
 * evaluated against. */
#ifndef SIXBB_MEASURES_INTERNAL_H
#define SIXBB_MEASURES_INTERNAL_H

#include <stdbool.h>

#include "eval_facts.h"

enum pred_op {
    P_MED_AT_LEAST,
    P_BENZO_WITHIN,
    P_NALOXONE_WITHIN, /* a naloxone event or a naloxone fill */
    P_EVENT_WITHIN,
    P_ASSESSMENT_WITHIN,
    P_LABELED,
    P_FILL_RULE,
    P_OUD,
    P_ANY
};

struct pred_list;
struct pred {
    enum pred_op op;
    double num; /* threshold or days; 0/1 for the yes/no facts */
    int event;
    char name[24];
    struct pred_list *alts; /* P_ANY: holds when any alternative holds */
    size_t nalts;
};
struct pred_list {
    int population; /* -1 none, 0 LtOT, 1 meets the fill rule, 2 everyone (all not excluded) */
    struct pred *p;
    size_t n;
};

/* A patient at one period end. */
struct patient_ctx {
    const struct patient_rows *pr;
    const struct med_timeline *tl;
    day_t d;
    struct facts_at f;
};

void rule_free(struct pred_list *pl);
bool rule_holds(const struct pred_list *pl, const struct patient_ctx *c);
bool in_population(int population, const struct facts_at *f);

/* The annual standard measures for one patient over [year_start, year_end]. */
struct annual_params {
    double hdo_min_fills, hdo_min_days, hdo_mme;
    double cob_min_fills, cob_min_supply, cob_min_benzo_fills, cob_min_overlap;
    double omp_min_fills, omp_min_supply, omp_prescribers, omp_pharmacies, omp_window;
};
struct annual_result {
    bool hdo_den, hdo_num, cob_den, cob_num, omp_den, omp_num;
    double hdo_avg_mme;
};
void annual_compute(const struct patient_rows *pr, const struct med_timeline *tl,
                    const struct annual_params *ap, day_t year_start, day_t year_end,
                    struct annual_result *out);

#endif
