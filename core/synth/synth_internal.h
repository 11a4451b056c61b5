/* Shared between the parts of the synthetic data generator: the organisation and the CSV
 * writers (synth.c), one patient's fills (synth_patient.c) and care (synth_care.c). Not a
 * public interface. */
#ifndef SIXBB_SYNTH_INTERNAL_H
#define SIXBB_SYNTH_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "date.h"
#include "rng.h"
#include "synth.h"
#include "synth_catalog.h"
#include "util.h"

/* ---- the organisation ---- */

enum role { ROLE_MD, ROLE_DO, ROLE_NP, ROLE_PA, ROLE_RN, ROLE_MA };

struct site {
    char id[16];
    char name[64];
    const char *tz;
    int weight;             /* relative number of patients */
    int presc_lo, presc_hi; /* prescribers: clinicians[presc_lo .. presc_hi) */
    int deleg_lo, deleg_hi; /* PDMP delegates (nurses, medical assistants) */
    int pharm_lo, pharm_hi; /* local pharmacies */
};

struct clinician {
    char id[16];
    char name[48];
    char npi[12];
    int site;
    enum role role;
    day_t pdmp;      /* PDMP registration date, DATE_NONE when not registered */
    int delegate_of; /* index of the prescriber a delegate works for, -1 otherwise */
    int diligence;   /* permille: how reliably this clinician's patients get routine care */
    int panel;       /* relative panel size */
};

struct org {
    struct site *sites;
    int nsites;
    struct clinician *clin;
    int nclin;
    int nprescribers;
    int npharm;          /* pharmacies PH001 .. PHnnn; the last few serve the whole organisation */
    int shared_pharm_lo; /* first organisation-wide (mail-order, chain) pharmacy */
};

/* ---- one patient's rows ---- */

enum rx_source { SRC_PHARMACY, SRC_EHR, SRC_PDMP };
enum rx_codes { CODES_NDC, CODES_RXNORM, CODES_NONE };

struct fill {
    day_t date, written; /* written: DATE_NONE when the extract has no written date */
    int seq;
    int product;      /* enum product_id, or -1 when text says it all */
    const char *text; /* drug text overriding the product's description, or NULL */
    int qty;
    int days;        /* -1: days supply missing (noise) */
    int clin;        /* prescriber */
    int pharm;       /* 0-based pharmacy index */
    uint8_t source;  /* enum rx_source */
    uint8_t codes;   /* enum rx_codes */
    int8_t sig_dose; /* 0: no sig in the extract */
    int8_t sig_per_day;
    int8_t prn; /* -1: not given */
    int med10;  /* daily MED x10 of this fill (story only) */
};

enum ev_type {
    EV_PDMP,
    EV_UDT,
    EV_AGREEMENT,
    EV_NALOXONE,
    EV_EDUCATION,
    EV_REFERRAL_BH,
    EV_REFERRAL_OUD,
    EV_MOUD,
    EV_CARE_PLAN,
    EV_TAPER_PLAN,
    EV_OVERDOSE,
    EV_EARLY_REFILL,
    EV_COUNT
};

struct event {
    day_t date;
    int seq;
    uint8_t type;
    int clin; /* -1: none recorded */
    const char *result, *note;
};

enum instrument {
    IN_PEG,
    IN_PHQ9,
    IN_PHQ2,
    IN_GAD7,
    IN_ORT,
    IN_ORT_OUD,
    IN_COMM,
    IN_PCPTSD5,
    IN_STOPBANG,
    IN_COUNT
};

#define MAX_ITEMS 17

struct assessment {
    day_t date;
    int seq;
    uint8_t instr;
    uint8_t n;
    uint8_t items[MAX_ITEMS];
    int score100; /* score x100 (PEG is a mean) */
};

enum appt_status { AP_COMPLETED, AP_CANCELLED, AP_NO_SHOW, AP_SCHEDULED };

struct appointment {
    day_t date;
    int seq;
    int clin;
    int minutes; /* local clinic time, minutes after midnight */
    const char *type;
    uint8_t status;
};

struct diagnosis {
    day_t date, end; /* end: DATE_NONE when open */
    int seq;
    const char *code;
    bool nodot; /* noise: code written without its dot */
};

#define VEC(T)                                                                                     \
    struct {                                                                                       \
        T *v;                                                                                      \
        int n, cap;                                                                                \
    }

enum patient_status { ST_ACTIVE, ST_INACTIVE, ST_DECEASED };

/* Everything about the patient being generated. Reused from one patient to the next (the row
 * vectors keep their capacity), so memory stays bounded by the largest single patient. */
struct patient {
    int idx;
    char id[12];
    struct rng rng;
    int site, clin; /* clin: -1 when the extract names no clinician (noise) */
    day_t birth;
    char sex;
    int status;
    day_t end; /* care ends (transfer, death); DATE_NONE while active */
    char name[64];
    int seq; /* row order tie-breaker */

    VEC(struct fill) fills;
    VEC(struct event) events;
    VEC(struct assessment) assess;
    VEC(struct appointment) appts;
    VEC(struct diagnosis) dx;
};

/* ---- the generator ---- */

struct sink {
    struct buf b;
    int fd; /* -1: keep everything in memory */
    long rows;
};

struct gen {
    const struct synth_opts *o;
    day_t as_of, hist_start;
    struct org org;
    struct sink out[SYNTH_NFILES];
    long next_rx, next_appt;
    int werr;         /* first write error (errno), 0 when none */
    day_t date_base;  /* first day of date_table */
    char *date_table; /* ISO dates around the as-of date, 10 bytes each, no separators */
    struct patient p;
};

/* synth_patient.c: builds g->p's rows for patient number idx (1-based). */
void synth_patient(struct gen *g, int idx);
void synth_patient_free(struct patient *p);

/* synth_care.c: scores an assessment by the published rules; returns the score x100. */
int synth_score100(const struct assessment *a, char sex);

/* "Surname, First" from built-in lists of obviously invented names; with nickname, a quoted
 * nickname follows ("Surname, First \"Nick\""). */
void synth_make_name(struct rng *r, char sex, char *out, size_t n, bool nickname);

#endif
