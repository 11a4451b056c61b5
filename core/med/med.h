/* The morphine-equivalent dose (MED, also called MME) engine. It resolves a prescription to a
 * product (NDC, RxNorm or free text), turns one fill into a daily dose and a MED under a named,
 * versioned conversion standard, and builds each patient's dose timeline (chained supply windows,
 * current/maximum/average MED, days covered, benzodiazepine overlap). See docs/med.md. */
#ifndef SIXBB_MED_H
#define SIXBB_MED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "date.h"

/* ---------------------------------------------------------------- products */

enum med_class {
    MED_CLASS_UNRESOLVED = 0, /* nothing recognised: never counted as zero MED */
    MED_CLASS_OPIOID,         /* opioid analgesic */
    MED_CLASS_BUP_PAIN,       /* buprenorphine for pain (patch, buccal film): an analgesic fill */
    MED_CLASS_MOUD,           /* medication for opioid use disorder (buprenorphine SL, ER naltrexone) */
    MED_CLASS_BENZO,          /* benzodiazepine */
    MED_CLASS_MUSCLE_RELAXANT,
    MED_CLASS_NALOXONE, /* overdose reversal (naloxone, nalmefene) */
    MED_CLASS_OTHER,    /* recognised, not one of the above (acetaminophen alone, oral naltrexone) */
};

enum med_form {
    MED_FORM_UNKNOWN = 0,
    MED_FORM_TABLET,
    MED_FORM_CAPSULE,
    MED_FORM_LIQUID, /* solution, syrup, suspension, elixir, concentrate */
    MED_FORM_PATCH,
    MED_FORM_BUCCAL_TABLET,
    MED_FORM_SUBLINGUAL_TABLET,
    MED_FORM_FILM, /* buccal or sublingual film */
    MED_FORM_LOZENGE,
    MED_FORM_NASAL_SPRAY,
    MED_FORM_ORAL_SPRAY, /* sublingual / mucosal spray */
    MED_FORM_SPRAY,      /* spray of unstated route */
    MED_FORM_INJECTION,
    MED_FORM_SUPPOSITORY,
    MED_FORM_IMPLANT,
    MED_FORM_OTHER,
};

/* Strength units. Quantities count the unit after the slash: mL for liquids, actuations for
 * sprays, patches for patches, tablets (capsules, films …) otherwise. */
enum med_unit {
    MED_UNIT_NONE = 0,
    MED_UNIT_MG,
    MED_UNIT_MCG,
    MED_UNIT_MG_ML,
    MED_UNIT_MCG_ML,
    MED_UNIT_MG_ACT,
    MED_UNIT_MCG_ACT,
    MED_UNIT_MCG_HR,
};

enum med_acting { MED_ACTING_UNKNOWN = 0, MED_ACTING_SHORT, MED_ACTING_LONG };
enum med_source { MED_SOURCE_NONE = 0, MED_SOURCE_NDC, MED_SOURCE_RXNORM, MED_SOURCE_TEXT };

#define MED_NAME_MAX 32
#define MED_LABEL_MAX 64

/* One product as the engine understands it: the class-defining ingredient (the opioid in a
 * combination; antagonists such as naloxone count 0) and its strength per unit. */
struct med_product {
    char ingredient[MED_NAME_MAX]; /* canonical lower-case name; "" when unresolved */
    double strength;               /* per unit, in `unit`; NAN when unknown */
    enum med_unit unit;
    enum med_form form;
    enum med_acting acting;
    enum med_class cls;
    enum med_source source;
    uint32_t flags;             /* MED_FLAG_* raised while resolving (unit_assumed …) */
    uint64_t key;               /* med_product_key(), set by med_resolve(); 0 if not computed */
    char label[MED_LABEL_MAX];  /* product or brand name from the table, for display */
};

/* A prescription as written: any of these may be missing (NULL or NAN). Strings are borrowed. */
struct med_input {
    const char *drug;   /* free-text description */
    const char *ndc;    /* 11 digits or hyphenated 4-4-2 / 5-3-2 / 5-4-1 / 5-4-2 */
    const char *rxnorm; /* RxNorm concept id */
    double strength;    /* overrides the text when given */
    const char *strength_unit;
    const char *form;
    double quantity;
    double days_supply;
    const char *dose;          /* units per administration: "1", "1-2" (the maximum is used) */
    const char *doses_per_day; /* "4", "3-4", or a frequency such as "q6h", "bid", "q72h" */
    bool prn;
};
/* An input with every field missing (numbers NAN). */
struct med_input med_input_empty(void);

struct med_db;

/* A database holding the built-in ingredient vocabulary and nothing else. */
struct med_db *med_db_new(void);
/* The usual set-up: med_db_new() plus the CDC NDC tables and the RxNorm table from
 * <config_dir>/data/ and the brand names from <config_dir>/products/brands.csv. */
struct med_db *med_db_open(const char *config_dir, char *err, size_t errlen);
void med_db_free(struct med_db *db);
/* Table loaders; each file is all-or-nothing. Returns 0, or -1 with a message naming the file
 * and line in err. A row whose NDC or rxcui is already known replaces the earlier row. */
int med_db_add_ndc_csv(struct med_db *db, const char *path, char *err, size_t errlen);
int med_db_add_rxnorm_csv(struct med_db *db, const char *path, char *err, size_t errlen);
/* Site products and brand names (columns in docs/med.md and config/products/local-example.csv). */
int med_db_add_products_csv(struct med_db *db, const char *path, char *err, size_t errlen);
size_t med_db_ndc_count(const struct med_db *db);
size_t med_db_rxnorm_count(const struct med_db *db);

enum med_resolution {
    MED_RESOLVED,   /* ingredient, class and strength known */
    MED_PARTIAL,    /* ingredient and class known; strength or unit missing (why says so) */
    MED_UNRESOLVED, /* nothing usable (why says so) */
};
/* Resolves in order NDC, RxNorm, free text; explicit strength/unit/form override the text.
 * Always fills *out (cls MED_CLASS_UNRESOLVED when nothing matched) and, unless MED_RESOLVED,
 * writes the reason into why. */
enum med_resolution med_resolve(const struct med_db *db, const struct med_input *in,
                                struct med_product *out, char *why, size_t whylen);
/* Normalises an NDC to 11 digits (out has 12 bytes). 0, or -1 when it is not a valid NDC. */
int med_ndc_normalize(const char *s, char out[12]);
/* Same-product identity used by chaining: ingredient, strength, unit, form and acting. Never 0.
 * med_resolve() stores it in product.key so a loop over fills need not hash again. */
uint64_t med_product_key(const struct med_product *p);
bool med_class_is_analgesic(enum med_class c);

const char *med_class_name(enum med_class c);
const char *med_form_name(enum med_form f);
const char *med_unit_name(enum med_unit u);
const char *med_acting_name(enum med_acting a);
const char *med_source_name(enum med_source s);

/* ---------------------------------------------------------------- standards */

struct med_standard;

/* Factor options for med_standard_set_factor(). */
#define MED_FACTOR_NOT_IN_GUIDELINE 1u /* value taken from outside the guideline's table */
#define MED_FACTOR_PER_PATCH_DAY 2u    /* patches: MED = mcg/hr × factor × patches dispensed per day */

/* Routes for route-specific factors: "oral", "rectal", "transdermal", "buccal" (buccal or
 * sublingual tablet, lozenge), "film", "oral_spray", "nasal", "spray", "injection", "implant".
 * A factor set without a route applies to every route except injection and implant. */
const char *med_form_route(enum med_form f);

/* Loads <dir>/standards/<name>.json, or a file path. NULL with a message naming file, key and
 * what was expected. */
struct med_standard *med_standard_load_named(const char *config_dir, const char *name, char *err,
                                             size_t errlen);
struct med_standard *med_standard_load(const char *path, char *err, size_t errlen);
/* The builder a site uses from its Lua config. All strings are copied. */
struct med_standard *med_standard_new(const char *name, const char *version, const char *source);
/* A copy under a new name, so a site can start from a published standard and change it. */
struct med_standard *med_standard_clone(const struct med_standard *s, const char *name,
                                        const char *version, const char *source);
/* unit is "mg", "mcg" or "mcg/hr"; route NULL for the ingredient's default. Replaces an earlier
 * factor for the same ingredient and route. 0, or -1 with err. */
int med_standard_set_factor(struct med_standard *s, const char *ingredient, const char *route,
                            const char *unit, double factor, unsigned options, char *err,
                            size_t errlen);
/* Marks an ingredient (optionally one route) as left out of MED, with the reason shown. */
int med_standard_exclude(struct med_standard *s, const char *ingredient, const char *route,
                         const char *reason, char *err, size_t errlen);
/* Methadone factor by total daily methadone in the half-open band (above_mg, up_to_mg]; the last
 * band has up_to_mg = INFINITY. Bands must be added in order and touch. */
int med_standard_add_methadone_tier(struct med_standard *s, double above_mg, double up_to_mg,
                                    double factor, char *err, size_t errlen);
int med_standard_add_note(struct med_standard *s, const char *note);
/* Checks the finished standard (tiers start at 0 and end open; no flat methadone factor beside
 * tiers). 0, or -1 with err. The loaders call it; builders must before use. */
int med_standard_check(const struct med_standard *s, char *err, size_t errlen);
void med_standard_free(struct med_standard *s);

const char *med_standard_name(const struct med_standard *s);
const char *med_standard_version(const struct med_standard *s);
const char *med_standard_source(const struct med_standard *s);
size_t med_standard_note_count(const struct med_standard *s);
const char *med_standard_note(const struct med_standard *s, size_t i);
bool med_standard_tiered(const struct med_standard *s);
/* The methadone factor for a total daily dose under the tiers (NAN when the standard has no tiers
 * or the total is not positive). */
double med_standard_methadone_factor(const struct med_standard *s, double total_mg);
double med_standard_methadone_review_mg(const struct med_standard *s);

/* Factor lookup for an ingredient, route (NULL = default) and unit. */
enum med_factor_status { MED_FACTOR_OK, MED_FACTOR_TIERED, MED_FACTOR_EXCLUDED, MED_FACTOR_NONE };
struct med_factor {
    enum med_factor_status status;
    double factor;      /* MED_FACTOR_OK */
    unsigned options;   /* MED_FACTOR_* */
    const char *reason; /* MED_FACTOR_EXCLUDED: the standard's reason */
};
struct med_factor med_standard_factor(const struct med_standard *s, const char *ingredient,
                                      const char *route, enum med_unit unit);

/* ---------------------------------------------------------------- daily dose and MED */

#define MED_FLAG_DAYS_SUPPLY_MISSING (1u << 0)
#define MED_FLAG_DAYS_SUPPLY_OVER_365 (1u << 1)
#define MED_FLAG_MED_OVER_1000 (1u << 2)
#define MED_FLAG_METHADONE_OVER_80 (1u << 3) /* over the standard's review level (80 by default) */
#define MED_FLAG_SIG_DISAGREES (1u << 4)
#define MED_FLAG_NOT_IN_GUIDELINE_TABLE (1u << 5)
#define MED_FLAG_NO_TIMING (1u << 6)
#define MED_FLAG_DOSE_RANGE (1u << 7)
#define MED_FLAG_PRN (1u << 8)
#define MED_FLAG_UNIT_ASSUMED (1u << 9)
#define MED_FLAG_PATCHES_PER_DAY_HIGH (1u << 10)
#define MED_FLAG_METHADONE_TIERED (1u << 11)
#define MED_FLAG_NDC_NOT_FOUND (1u << 12)
#define MED_FLAG_QUANTITY_IMPLAUSIBLE (1u << 13)
#define MED_FLAG_DOSE_IMPLAUSIBLE (1u << 14)
#define MED_FLAG_STRENGTH_CONFLICT (1u << 15)
#define MED_FLAG_COUNT 16
const char *med_flag_name(unsigned bit_index);

enum med_status {
    MED_OK,         /* med holds the daily MED */
    MED_EXCLUDED,   /* the standard leaves this product out of MED (buprenorphine) */
    MED_NOT_OPIOID, /* benzodiazepine, muscle relaxant, naloxone, MOUD, other: no MED */
    MED_ERROR,      /* cannot be computed; error says why */
};
enum med_method { MED_METHOD_NONE, MED_METHOD_DISPENSING, MED_METHOD_SIG, MED_METHOD_PATCH };
const char *med_status_name(enum med_status s);
const char *med_method_name(enum med_method m);

/* The numbers of one fill. NAN marks a missing value. */
struct med_dosing {
    double quantity;
    double days_supply;
    double dose;    /* per administration, the maximum when a range was given */
    double per_day; /* administrations per day, the maximum when a range was given */
    bool prn, dose_range, per_day_range;
};
/* Reads quantity, days supply, dose and frequency from an input. 0, or -1 with err for text that
 * is not a number, a range or a known frequency. */
int med_dosing_from_input(const struct med_input *in, struct med_dosing *d, char *err,
                          size_t errlen);
/* Parses "2", "1-2", "1 to 2" (maximum) into *max. Sets *range. 0 or -1. */
int med_parse_amount(const char *s, double *max, bool *range);
/* Parses a frequency: a number or range of administrations per day, or q4h, q4-6h, bid, tid, qid,
 * daily, qd, qhs, q72h, weekly … into administrations per day (the maximum). 0 or -1. */
int med_parse_per_day(const char *s, double *per_day, bool *range);

#define MED_ERROR_MAX 320
struct med_result {
    enum med_status status;
    double med;        /* daily MED, full precision; NAN unless MED_OK */
    double daily_dose; /* ingredient per day in med_result_unit(); for patches the mcg/hr worn */
    double factor;     /* NAN when none applied */
    enum med_method method;
    uint32_t flags;
    bool tiered; /* methadone under a tiered standard: factor from tier_total */
    double tier_total;
    double dispensing_dose, sig_dose; /* both daily doses when computable, else NAN */
    double patches;                   /* patches worn at once (rate rule) or per day */
    struct med_dosing dosing;
    struct med_product product;
    const struct med_standard *std;
    char error[MED_ERROR_MAX];
};

/* Computes one fill from a resolved product: the hot path (no allocation, no formatting). */
void med_calc(const struct med_standard *std, const struct med_product *p,
              const struct med_dosing *d, struct med_result *r);
/* Resolve + read dosing + calc in one call, for calculators and imports. */
void med_compute(const struct med_db *db, const struct med_standard *std,
                 const struct med_input *in, struct med_result *r);
/* Treats rows as taken together: methadone rows of a tiered standard get the factor of the summed
 * methadone. Returns the total MED of MED_OK rows (summed in an order-independent way) and counts
 * rows in error (NULL allowed). */
double med_combine(const struct med_standard *std, struct med_result *rows, size_t n,
                   size_t *not_computable);
/* "10 mg × 120 ÷ 30 d × 1.5 = 60.0" (or the error). Returns buf. */
char *med_result_arithmetic(const struct med_result *r, char *buf, size_t n);
const char *med_result_unit(const struct med_result *r);
/* Space-separated flag names into buf ("" when none). Returns buf. */
char *med_flags_format(uint32_t flags, char *buf, size_t n);

/* ---------------------------------------------------------------- patient timelines */

/* One fill of one patient, as the evaluation loop hands it over. */
struct med_fill {
    day_t fill_date;
    int32_t days_supply; /* < 1 when unknown: the window is then missing_supply_days long */
    uint64_t product;    /* med_product_key() */
    uint8_t cls;         /* enum med_class */
    uint8_t status;      /* enum med_status */
    uint8_t tiered;      /* methadone under a tiered standard: daily_dose enters the tiers */
    double daily_dose;   /* ingredient per day (methadone mg when tiered) */
    double med;          /* daily MED when status is MED_OK and not tiered */
};
void med_fill_from_result(struct med_fill *f, day_t fill_date, int32_t days_supply,
                          const struct med_result *r);

/* A fill's supply window after chaining. */
struct med_window {
    day_t start, end; /* inclusive */
    size_t fill;      /* index into the array given to med_timeline_build */
    bool moved;       /* started later than its fill date because of chaining */
};

/* What is active on one day. */
struct med_day {
    double med;          /* total daily MED of computable analgesic fills */
    double methadone_mg; /* total daily methadone of tiered fills */
    uint16_t analgesics; /* active opioid analgesic fills */
    uint16_t benzos;
    uint16_t unknown;  /* active fills whose MED cannot be computed (or product unresolved) */
    uint16_t excluded; /* active analgesic fills the standard leaves out */
    uint16_t moud;
};

struct med_timeline_options {
    int32_t missing_supply_days; /* window length for fills without days supply (default 30) */
};

struct med_timeline;
/* A timeline is reused across patients: build() keeps its memory, so a loop allocates only while
 * the largest patient seen so far grows. */
struct med_timeline *med_timeline_new(const struct med_timeline_options *opts);
void med_timeline_free(struct med_timeline *tl);
/* Chains the fills and computes the piecewise-constant daily totals. std gives methadone tiers
 * (may be NULL when no fill is tiered). The result does not depend on the order of fills. */
void med_timeline_build(struct med_timeline *tl, const struct med_standard *std,
                        const struct med_fill *fills, size_t n);

void med_timeline_at(const struct med_timeline *tl, day_t d, struct med_day *out);
double med_timeline_med_at(const struct med_timeline *tl, day_t d); /* current MED at d */
bool med_timeline_unknown_at(const struct med_timeline *tl, day_t d);
/* Window queries over [from, to] inclusive. */
double med_timeline_max(const struct med_timeline *tl, day_t from, day_t to);
double med_timeline_sum(const struct med_timeline *tl, day_t from, day_t to); /* MED-days */
double med_timeline_avg(const struct med_timeline *tl, day_t from, day_t to);
int med_timeline_days_covered(const struct med_timeline *tl, day_t from, day_t to);
int med_timeline_overlap_days(const struct med_timeline *tl, day_t from, day_t to);
double med_timeline_max_methadone(const struct med_timeline *tl, day_t from, day_t to);
/* Writes the daily total MED for each day of [from, to] into out (to - from + 1 slots). */
void med_timeline_daily(const struct med_timeline *tl, day_t from, day_t to, double *out);
/* The chained windows, in chaining order. */
size_t med_timeline_windows(const struct med_timeline *tl, const struct med_window **out);

#endif
