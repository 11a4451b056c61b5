/* Internals shared by the evaluation files (eval.c, eval_facts.c, eval_rules.c). */
#ifndef SIXBB_EVAL_INTERNAL_H
#define SIXBB_EVAL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <lua.h>

#include "date.h"
#include "eval.h"
#include "host.h"
#include "med.h"
#include "util.h"

enum risk { RISK_HIGH, RISK_MODERATE, RISK_LOW };
extern const char *const risk_names[3];
extern const char *const ltot_rule_names[4];

enum ev_type {
    EV_PDMP,
    EV_UDT,
    EV_AGREEMENT,
    EV_NALOXONE,
    EV_EDUCATION,
    EV_REF_BH,
    EV_REF_OUD,
    EV_MOUD,
    EV_CARE_PLAN,
    EV_TAPER_PLAN,
    EV_OVERDOSE,
    EV_EARLY_REFILL,
    EV_N
};
extern const char *const event_names[EV_N];
int event_type_index(const char *name);

struct code_range {
    char lo[16], hi[16];
};
struct code_set {
    struct code_range *r;
    size_t n;
};
void code_normalize(const char *in, char *out, size_t n);
bool code_in_set(const struct code_set *set, const char *normalized);

struct rules {
    int ltot_rule; /* index into ltot_rule_names */
    struct code_set label, oud, cancer, sickle, palliative;
    int seed_window, seed_min_fills, seed_min_span;
    int cdc_windows, cdc_window_days, cdc_min_days;
    int bree_window, bree_min, kpwa_window, kpwa_min;
    bool exclusions;
    int cancer_days, palliative_days;
    double high_med, high_ort, mod_med, mod_ort, mod_phq9;
    int high_benzo_days, high_overdose_days;
    int interval[3];
    int missing_supply_days;
};
int rules_read(struct host *h, struct rules *r);
void rules_free(struct rules *r);

/* The rows of one patient, gathered in one pass. Strings live in `arena`. */
#define ID_MAX 64
struct score {
    char instrument[24];
    day_t date;
    double score;
    bool has_score;
};
struct patient_rows {
    char id[ID_MAX], site[ID_MAX], clinician[ID_MAX];
    bool has_clinician;
    day_t birth;
    char sex[16];
    struct med_fill *fills;
    size_t *rx_at;  /* offset of each fill's rx_id in arena */
    size_t *why_at; /* offset of its error text, or (size_t)-1 */
    size_t nfills, capfills;
    struct buf arena;
    day_t last_event[EV_N];
    day_t last_fill_naloxone, last_fill_moud, last_fill_opioid, last_fill_benzo;
    struct score *scores;
    size_t nscores, capscores;
    day_t last_visit, next_visit;
    /* diagnoses, already reduced against the rules */
    bool labeled;
    char label_code[16];
    bool oud;
    day_t oud_date;
    char exclusion[160];
};

struct facts {
    bool ltot, fill_rule, excluded, med_unknown, overdose_ever;
    char ltot_reason[200];
    char med_unknown_detail[400];
    double med, med_max90, med_avg90;
    int covered90, overlap30;
    int active_fills, active_computable; /* opioid fills active at D; those with a MED */
    int risk;
    char reasons[6][80];
    int nreasons;
    int age;
};

/* Computes the facts of one patient from its rows with a (reused) timeline. */
void facts_compute(const struct rules *ru, const struct med_standard *std,
                   struct med_timeline *tl, struct patient_rows *pr, day_t as_of,
                   struct facts *f);
/* Pushes the Lua table `p` for checks (docs/facts.md). */
void facts_push(lua_State *L, const struct rules *ru, const struct patient_rows *pr,
                const struct facts *f, day_t as_of);
const struct score *rows_latest_score(const struct patient_rows *pr, const char *instrument);

#endif
