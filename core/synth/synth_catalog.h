/* The products the synthetic data generator prescribes, and the dose ladders it moves patients
 * along. Every NDC and RxNorm code here is a real code taken from the reference tables in
 * config/data/ (a unit test checks each one against those tables). */
#ifndef SIXBB_SYNTH_CATALOG_H
#define SIXBB_SYNTH_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

enum rx_class {
    RXC_OPIOID,   /* opioid analgesic */
    RXC_MOUD,     /* buprenorphine for opioid use disorder */
    RXC_BENZO,    /* benzodiazepine */
    RXC_MUSCLE,   /* muscle relaxant */
    RXC_NALOXONE, /* naloxone rescue kit */
};

enum product_id {
    P_HC_APAP_5,
    P_HC_APAP_75,
    P_HC_APAP_10,
    P_NORCO_10,
    P_OXY_APAP_5,
    P_OXY_APAP_75,
    P_OXY_APAP_10,
    P_PERCOCET_5,
    P_PERCOCET_10,
    P_OXY_5,
    P_OXY_10,
    P_OXY_15,
    P_OXYCONTIN_10,
    P_OXYCONTIN_20,
    P_OXYCONTIN_40,
    P_MSCONTIN_15,
    P_MSCONTIN_30,
    P_MORPHINE_ER_15,
    P_MORPHINE_ER_30,
    P_MORPHINE_ER_60,
    P_MORPHINE_IR_15,
    P_METHADONE_5,
    P_METHADONE_10,
    P_FENTANYL_12,
    P_FENTANYL_25,
    P_FENTANYL_50,
    P_FENTANYL_75,
    P_DURAGESIC_25,
    P_TRAMADOL_50,
    P_ULTRAM_50,
    P_NUCYNTA_50,
    P_NUCYNTA_75,
    P_NUCYNTA_ER_100,
    P_HYDROMORPHONE_2,
    P_HYDROMORPHONE_4,
    P_SUBOXONE_FILM_8,
    P_BUP_NAL_TAB_8,
    P_BUP_TAB_8,
    P_NALOXONE_SPRAY,
    P_ALPRAZOLAM_05,
    P_ALPRAZOLAM_1,
    P_CLONAZEPAM_05,
    P_CLONAZEPAM_1,
    P_LORAZEPAM_1,
    P_DIAZEPAM_5,
    P_DIAZEPAM_10,
    P_TEMAZEPAM_15,
    P_CYCLOBENZAPRINE_10,
    P_METHOCARBAMOL_750,
    P_TIZANIDINE_4,
    P_BACLOFEN_10,
    P_CARISOPRODOL_350,
    P_COUNT
};

struct product {
    const char *drug;     /* description as a pharmacy or EHR extract writes it */
    const char *ndc;      /* 11-digit NDC, "" when the product has none in the tables */
    const char *rxnorm;   /* RxNorm concept id, "" when none */
    const char *strength; /* active (opioid) component per unit, as written */
    const char *unit;     /* "mg" or "mcg/hr" */
    const char *form;     /* tablet, capsule, patch, film, nasal spray */
    enum rx_class cls;
    /* Daily MED x10 for one unit a day (one patch worn, for patches) under the CDC 2022 factors.
     * The generator uses it only to steer each story (naloxone, tapers, visit cadence); the
     * registry computes MED itself. */
    int med10;
    bool patch;
};

extern const struct product synth_products[P_COUNT];

/* A rung of a dose ladder: a product taken so many units a day. */
struct dose_step {
    enum product_id product;
    int per_day;
};

enum ladder_id {
    L_HC_APAP,
    L_OXY_APAP,
    L_OXY_IR,
    L_OXY_ER,
    L_MORPHINE_ER,
    L_MSCONTIN,
    L_MORPHINE_IR,
    L_METHADONE,
    L_FENTANYL,
    L_TRAMADOL,
    L_TAPENTADOL,
    L_TAPENTADOL_ER,
    L_HYDROMORPHONE,
    L_BUP_NAL,
    L_ALPRAZOLAM,
    L_CLONAZEPAM,
    L_LORAZEPAM,
    L_DIAZEPAM,
    L_TEMAZEPAM,
    L_CYCLOBENZAPRINE,
    L_METHOCARBAMOL,
    L_TIZANIDINE,
    L_BACLOFEN,
    L_CARISOPRODOL,
    L_COUNT
};

struct ladder {
    const struct dose_step *steps;
    int nsteps;
    int start_lo, start_hi; /* usual starting rungs */
    bool prn;               /* short-acting, usually written "as needed" */
};

extern const struct ladder synth_ladders[L_COUNT];

/* Daily MED x10 of a rung. */
int dose_step_med10(const struct dose_step *s);

#endif
