/* What evaluation knows of a patient: the rules it applies (read from the site config by the
 * host), the patient's rows gathered in one pass, and the facts computed from them
 * (docs/facts.md). Plain C data, handed to the check runner and to measures. */
#ifndef SIXBB_EVAL_FACTS_H
#define SIXBB_EVAL_FACTS_H

#include <stdbool.h>
#include <stddef.h>

#include "date.h"
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
/* Adds "C00-C96" (a range over the first characters) or "D57" (a prefix) to the set. */
void code_set_add(struct code_set *set, const char *spec);

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
/* The rules are filled in by whoever reads the site config (the host); freed here. */
void rules_free(struct rules *r);

/* The rows of one patient, gathered in one pass. Strings live in `arena`. */
#define ID_MAX 64
struct score {
    char instrument[24];
    day_t date;
    double score;
    bool has_score;
};
/* Dated rows kept for evaluation at several dates (measures back-filled month by month): the
 * "last before as-of" fields below answer only for the date the rows were read at. */
struct dated_event {
    int type; /* enum ev_type */
    day_t date;
};
#define DX_LABEL 1u
#define DX_OUD 2u
#define DX_CANCER 4u
#define DX_SICKLE 8u
#define DX_PALLIATIVE 16u
struct dated_dx {
    unsigned flags; /* DX_*: the code classified once against the rules */
    day_t date, end;
};
struct patient_rows {
    char id[ID_MAX], site[ID_MAX], clinician[ID_MAX];
    bool has_clinician;
    day_t birth;
    char sex[16];
    struct med_fill *fills;
    size_t *rx_at;                       /* offset of each fill's rx_id in arena */
    size_t *why_at;                      /* offset of its error text, or (size_t)-1 */
    size_t *prescriber_at, *pharmacy_at; /* offsets of the fill's clinician and pharmacy ids */
    size_t nfills, capfills;
    struct buf arena;
    day_t last_event[EV_N];
    struct dated_event *events;
    size_t nevents, capevents;
    struct dated_dx *dxs;
    size_t ndxs, capdxs;
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
    int covered90, benzo_overlap;
    int active_fills, active_computable; /* opioid fills active at D; those with a MED */
    int risk;
    char reasons[6][80];
    int nreasons;
    int age;
};

/* The few facts measures need at one date, for evaluating a patient at many dates from rows
 * read once: the timeline must already be built from the patient's fills (med.h: a timeline
 * built from later fills answers earlier dates the same). */
struct facts_at {
    bool ltot, fill_rule, labeled, excluded, oud;
    double med;
};
void facts_at(const struct rules *ru, const struct med_timeline *tl, const struct patient_rows *pr,
              day_t d, struct facts_at *f);
/* Latest dated event of a type on or before d, DATE_NONE when none. */
day_t rows_last_event_at(const struct patient_rows *pr, int type, day_t d);
/* Latest assessment of an instrument dated on or before d, NULL when none. */
const struct score *rows_score_at(const struct patient_rows *pr, const char *instrument, day_t d);
/* Latest fill of a class (enum med_class) dated on or before d, DATE_NONE when none. */
day_t rows_last_fill_at(const struct patient_rows *pr, int cls, day_t d);

/* What the risk tier reads (docs/facts.md), so the tier can be computed from the facts table as
 * well as from rows: the runner's sixbb.rules.risk_tier gives Lua the same answer as C. */
struct risk_in {
    day_t as_of, last_overdose; /* DATE_NONE when never */
    double med, ort, phq9;
    int benzo_overlap;
    bool oud, has_ort, has_phq9;
};
/* Sets f->risk and f->reasons from the inputs under the thresholds in ru. */
void risk_tier_eval(const struct rules *ru, const struct risk_in *in, struct facts *f);

/* Computes the facts of one patient from its rows with a (reused) timeline. */
void facts_compute(const struct rules *ru, const struct med_standard *std, struct med_timeline *tl,
                   struct patient_rows *pr, day_t as_of, struct facts *f);
/* A deep copy of src (dst is overwritten; free it with rows_free). */
void patient_rows_copy(struct patient_rows *dst, const struct patient_rows *src);
void patient_rows_free(struct patient_rows *pr);
const struct score *rows_latest_score(const struct patient_rows *pr, const char *instrument);

#endif
