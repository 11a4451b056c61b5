/* One patient's story while it is being generated: the plan (kind of patient, therapy dates,
 * traits, care habits) that synth_patient.c draws and fills in, and synth_care.c turns into
 * visits, documentation and diagnoses. Internal to the generator. */
#ifndef SIXBB_SYNTH_STORY_H
#define SIXBB_SYNTH_STORY_H

#include <string.h>

#include "synth_internal.h"

/* ---- small helpers ---- */

static inline void *vec_grow(void *v, int *cap, int need, size_t size)
{
    if (need <= *cap)
        return v;
    int n = *cap ? *cap * 2 : 16;
    while (n < need)
        n *= 2;
    *cap = n;
    return xrealloc(v, (size_t)n * size);
}

#define PUSH(vec)                                                                                  \
    ((vec).v = vec_grow((vec).v, &(vec).cap, (vec).n + 1, sizeof *(vec).v),                        \
     memset(&(vec).v[(vec).n], 0, sizeof *(vec).v), &(vec).v[(vec).n++])

static inline int clampi(int x, int lo, int hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

static inline day_t weekday_on_or_after(day_t d)
{
    int w = date_weekday(d);
    return w == 6 ? d + 2 : w == 0 ? d + 1 : d;
}

#define PICK(r, arr) ((arr)[rng_below((r), (uint32_t)ARRAY_LEN(arr))])

/* ---- the story ---- */

enum kind {
    K_IR,    /* short-acting opioid, long term */
    K_ER_IR, /* extended-release with short-acting for breakthrough pain */
    K_METHADONE,
    K_FENTANYL,
    K_TRAMADOL,
    K_TAPENTADOL,
    K_HYDROMORPHONE,
    K_ACUTE,   /* one or two short fills: never long-term */
    K_STOPPED, /* long-term therapy that ended months ago */
    K_LAPSED,  /* long-term therapy whose last fill is 2-3 months old */
    K_MOUD,    /* opioid use disorder treated with buprenorphine */
    K_COUNT
};

/* Patients whose number has one of these remainders (mod 250) get a rare scenario for sure, so
 * any organisation of 250 patients or more shows every kind of gap. */
enum showcase {
    SC_NO_CLINICIAN = 3,
    SC_OMP = 7,
    SC_CANCER = 11,
    SC_SICKLE = 17,
    SC_PALLIATIVE = 23,
    SC_OVERDOSE = 29,
    SC_MISSPELLED = 31,
    SC_UNKNOWN_PRODUCT = 41,
    SC_NO_DAYS = 43,
};

struct story {
    struct gen *g;
    struct patient *p;
    struct rng *r;
    day_t as_of, hist;

    enum kind kind;
    bool ltot;         /* a long-term opioid story */
    day_t start, stop; /* planned opioid therapy; stop DATE_NONE: ongoing */
    day_t taper_from;  /* DATE_NONE: no taper */
    bool taper_to_zero;
    day_t moud_from, moud_to;    /* DATE_NONE: no MOUD */
    day_t ther_first, ther_last; /* first opioid fill and last day it covers */
    day_t acute_day;
    bool benzo, muscle, oud, omp, overdose, brand;
    int sc;   /* showcase slot (idx mod 250) */
    int risk; /* 0 low, 1 moderate, 2 high */
    int peak_med10;

    /* traits */
    int pain, dep, anx, misuse;
    bool ptsd, osa, snores;
    uint8_t ort[10];

    /* care habits: permille per opportunity */
    int h_pdmp, h_udt, h_agree, h_peg, h_edu, h_screen, h_nal, h_ort;
    int home_pharm, alt_pharm;

    /* care state while walking the visits */
    day_t last_udt, last_agree, last_edu, last_plan, last_screen, last_gad, last_comm, last_ptsd,
        last_nal, last_taper_plan, pending_bh, pending_oud;
    bool ort_done, stopbang_done, oud_referred;
};

/* synth_patient.c */
int story_prescriber(struct story *s, int site);
struct fill *story_add_fill(struct story *s, enum product_id id, int per_day, int days, day_t d,
                            bool prn);
/* The last day anything can happen: `to`, the as-of date, or the day care ended. */
day_t story_clip(const struct story *s, day_t to);
bool story_is_opioid(const struct fill *f);

/* synth_care.c */
void story_add_event(struct story *s, enum ev_type t, day_t d, int clin, const char *result,
                     const char *note);
void story_visits(struct story *s);
void story_care(struct story *s);
void story_diagnoses(struct story *s);
void story_noise(struct story *s);

#endif
