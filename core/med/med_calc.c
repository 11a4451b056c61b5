/* Daily dose and MED of one fill. From dispensing: quantity ÷ days supply × strength; from the
 * sig: dose × doses per day × strength (maximum of ranges); patches by their mcg/hr rate. Keeps
 * full precision; formatting (arithmetic line, flags) happens only when asked for. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "med_internal.h"
#include "util.h"

#define MAX_QUANTITY 100000.0
#define MAX_DAYS 36500.0
#define SIG_TOLERANCE 0.25
#define MAX_UNITS_PER_DAY 24.0
#define MAX_ML_PER_DAY 500.0

static const char *const flag_names[MED_FLAG_COUNT] = {
    "days_supply_missing", "days_supply_over_365", "med_over_1000",
    "methadone_over_80",   "sig_disagrees",        "not_in_guideline_table",
    "no_timing",           "dose_range",           "prn",
    "unit_assumed",        "patches_per_day_high", "methadone_tiered",
    "ndc_not_found",       "quantity_implausible", "dose_implausible",
    "strength_conflict"};

const char *med_flag_name(unsigned bit_index)
{
    return bit_index < MED_FLAG_COUNT ? flag_names[bit_index] : "";
}

const char *med_status_name(enum med_status s)
{
    static const char *const n[] = {"ok", "excluded", "not_opioid", "error"};
    return (unsigned)s < ARRAY_LEN(n) ? n[s] : "error";
}

const char *med_method_name(enum med_method m)
{
    static const char *const n[] = {"none", "dispensing", "sig", "patch"};
    return (unsigned)m < ARRAY_LEN(n) ? n[m] : "none";
}

char *med_flags_format(uint32_t flags, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = 0;
    for (unsigned i = 0; i < MED_FLAG_COUNT; i++)
        if (flags & (1u << i))
            len += (size_t)snprintf(buf + len, len < n ? n - len : 0, "%s%s", len ? " " : "",
                                    flag_names[i]);
    return buf;
}

/* ---------------------------------------------------------------- amounts and frequencies */

static const char *skip_space(const char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    return s;
}

static bool read_num(const char **s, double *v)
{
    const char *p = skip_space(*s);
    if (!(isdigit((unsigned char)*p) || (*p == '.' && isdigit((unsigned char)p[1]))))
        return false;
    char *end;
    *v = strtod(p, &end);
    if (*end == '/' && isdigit((unsigned char)end[1])) { /* "1/2" tablet */
        double den = strtod(end + 1, &end);
        if (!(den > 0))
            return false;
        *v /= den;
    }
    *s = end;
    return isfinite(*v);
}

/* "-", "to", "or" and the en dash separate the ends of a range. */
static bool read_range_sep(const char **s)
{
    const char *p = skip_space(*s);
    if (*p == '-') {
        *s = p + 1;
        return true;
    }
    if (strncmp(p, "\xE2\x80\x93", 3) == 0) {
        *s = p + 3;
        return true;
    }
    if ((strncasecmp(p, "to", 2) == 0 || strncasecmp(p, "or", 2) == 0) && isspace((unsigned char)p[2])) {
        *s = p + 2;
        return true;
    }
    return false;
}

int med_parse_amount(const char *s, double *max, bool *range)
{
    double a, b;
    *range = false;
    if (!read_num(&s, &a))
        return -1;
    const char *p = s;
    if (read_range_sep(&p)) {
        if (!read_num(&p, &b))
            return -1;
        *range = true;
        a = fmax(a, b);
        s = p;
    }
    if (*skip_space(s))
        return -1;
    *max = a;
    return 0;
}

struct freq_word {
    const char *word;
    double per_day;
};

static const struct freq_word freq_words[] = {
    {"daily", 1},       {"once daily", 1},  {"once a day", 1}, {"qd", 1},    {"od", 1},
    {"qam", 1},         {"qpm", 1},         {"qhs", 1},        {"hs", 1},    {"nightly", 1},
    {"at bedtime", 1},  {"every day", 1},   {"bid", 2},        {"twice daily", 2},
    {"twice a day", 2}, {"tid", 3},         {"qid", 4},        {"qod", 0.5},
    {"every other day", 0.5}, {"weekly", 1.0 / 7}, {"once weekly", 1.0 / 7},
    {"qweek", 1.0 / 7}, {"qwk", 1.0 / 7},
};

/* "q4h", "q4-6h", "every 4 hours", "every 4-6 hours", "q72h", "q3d", "every 3 days". */
static int parse_interval(const char *s, double *per_day, bool *range)
{
    if (tolower((unsigned char)*s) == 'q')
        s++;
    else if (strncasecmp(s, "every", 5) == 0)
        s += 5;
    else
        return -1;
    double a, b;
    if (!read_num(&s, &a) || !(a > 0))
        return -1;
    *range = false;
    const char *p = s;
    if (read_range_sep(&p) && read_num(&p, &b) && b > 0) {
        *range = true;
        a = fmin(a, b); /* the shorter interval gives the most doses */
        s = p;
    }
    s = skip_space(s);
    char unit[16];
    size_t k = 0;
    while (isalpha((unsigned char)*s) && k < sizeof unit - 1)
        unit[k++] = (char)tolower((unsigned char)*s++);
    unit[k] = 0;
    if (*skip_space(s))
        return -1;
    if (!strcmp(unit, "h") || !strcmp(unit, "hr") || !strcmp(unit, "hrs") ||
        !strcmp(unit, "hour") || !strcmp(unit, "hours"))
        *per_day = 24.0 / a;
    else if (!strcmp(unit, "d") || !strcmp(unit, "day") || !strcmp(unit, "days"))
        *per_day = 1.0 / a;
    else
        return -1;
    return 0;
}

int med_parse_per_day(const char *s, double *per_day, bool *range)
{
    s = skip_space(s);
    *range = false;
    if (med_parse_amount(s, per_day, range) == 0)
        return 0;
    char low[32];
    med_lower_copy(low, sizeof low, s);
    size_t n = strlen(low);
    while (n && isspace((unsigned char)low[n - 1]))
        low[--n] = 0;
    for (size_t i = 0; i < ARRAY_LEN(freq_words); i++)
        if (strcmp(low, freq_words[i].word) == 0) {
            *per_day = freq_words[i].per_day;
            return 0;
        }
    return parse_interval(low, per_day, range);
}

int med_dosing_from_input(const struct med_input *in, struct med_dosing *d, char *err,
                          size_t errlen)
{
    d->quantity = in->quantity;
    d->days_supply = in->days_supply;
    d->dose = NAN;
    d->per_day = NAN;
    d->prn = in->prn;
    d->dose_range = d->per_day_range = false;
    if (in->dose && *skip_space(in->dose) &&
        med_parse_amount(in->dose, &d->dose, &d->dose_range) < 0) {
        snprintf(err, errlen, "dose '%.40s' is not a number or a range such as 1-2", in->dose);
        return -1;
    }
    if (in->doses_per_day && *skip_space(in->doses_per_day) &&
        med_parse_per_day(in->doses_per_day, &d->per_day, &d->per_day_range) < 0) {
        snprintf(err, errlen,
                 "doses per day '%.40s' is not a number, a range such as 3-4, or a frequency "
                 "such as q6h, bid, tid, qid, daily",
                 in->doses_per_day);
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- one fill */

static void result_init(struct med_result *r, const struct med_standard *std,
                        const struct med_product *p, const struct med_dosing *d)
{
    r->status = MED_ERROR;
    r->med = r->daily_dose = r->factor = NAN;
    r->method = MED_METHOD_NONE;
    r->flags = p->flags;
    r->tiered = false;
    r->tier_total = r->dispensing_dose = r->sig_dose = r->patches = NAN;
    r->dosing = *d;
    r->product = *p;
    r->std = std;
    r->error[0] = 0;
}

static void fail(struct med_result *r, enum med_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(struct med_result *r, enum med_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->error, sizeof r->error, fmt, ap);
    va_end(ap);
    r->status = st;
    r->med = NAN;
}

/* Rejects numbers no prescription can have, before any division. */
static bool check_numbers(struct med_result *r, const struct med_dosing *d)
{
    if (!isnan(d->quantity) && !(d->quantity > 0 && d->quantity <= MAX_QUANTITY)) {
        fail(r, MED_ERROR, "quantity %g is not possible: it must be more than 0 and at most %g",
             d->quantity, MAX_QUANTITY);
        return false;
    }
    if (!isnan(d->days_supply) &&
        !(d->days_supply >= 0 && d->days_supply <= MAX_DAYS && d->days_supply == floor(d->days_supply))) {
        fail(r, MED_ERROR, "days supply %g is not possible: it must be a whole number of days",
             d->days_supply);
        return false;
    }
    if (!isnan(d->dose) && !(d->dose > 0 && d->dose <= 1000)) {
        fail(r, MED_ERROR, "dose %g is not possible: it must be more than 0", d->dose);
        return false;
    }
    if (!isnan(d->per_day) && !(d->per_day > 0 && d->per_day <= 1000)) {
        fail(r, MED_ERROR, "doses per day %g is not possible: it must be more than 0",
             d->per_day);
        return false;
    }
    return true;
}

static bool is_liquid(const struct med_product *p)
{
    return p->unit == MED_UNIT_MG_ML || p->unit == MED_UNIT_MCG_ML;
}

static void plausibility(struct med_result *r, double units_per_day, uint32_t flag)
{
    double limit = is_liquid(&r->product) ? MAX_ML_PER_DAY : MAX_UNITS_PER_DAY;
    if (units_per_day > limit)
        r->flags |= flag;
}

/* The daily amount of ingredient from the dispensing record and from the sig; returns false
 * (with the error set) when neither can be had. */
static bool daily_amounts(struct med_result *r, const struct med_dosing *d, double strength)
{
    bool has_q = !isnan(d->quantity), has_days = !isnan(d->days_supply) && d->days_supply > 0;
    bool has_sig = !isnan(d->dose) || !isnan(d->per_day);
    if (has_q && has_days) {
        r->dispensing_dose = strength * d->quantity / d->days_supply;
        plausibility(r, d->quantity / d->days_supply, MED_FLAG_QUANTITY_IMPLAUSIBLE);
    }
    if (has_sig) {
        double dose = isnan(d->dose) ? 1.0 : d->dose;
        double per_day = d->per_day;
        if (isnan(per_day)) {
            per_day = 1.0; /* no timing: one administration a day, said so by the flag */
            r->flags |= MED_FLAG_NO_TIMING;
        }
        r->sig_dose = strength * dose * per_day;
        if (d->dose > 20 || per_day > 24)
            r->flags |= MED_FLAG_DOSE_IMPLAUSIBLE;
    }
    if (d->dose_range || d->per_day_range)
        r->flags |= MED_FLAG_DOSE_RANGE;
    if (d->prn)
        r->flags |= MED_FLAG_PRN;
    if (!isnan(r->dispensing_dose)) {
        r->method = MED_METHOD_DISPENSING;
        r->daily_dose = r->dispensing_dose;
        if (!isnan(r->sig_dose) &&
            fabs(r->sig_dose - r->dispensing_dose) > SIG_TOLERANCE * r->dispensing_dose)
            r->flags |= MED_FLAG_SIG_DISAGREES;
        return true;
    }
    if (!isnan(r->sig_dose)) {
        r->method = MED_METHOD_SIG;
        r->daily_dose = r->sig_dose;
        if (has_q || !isnan(d->days_supply))
            r->flags |= !has_days ? MED_FLAG_DAYS_SUPPLY_MISSING : 0;
        return true;
    }
    if (has_q) {
        if (isnan(d->days_supply))
            fail(r, MED_ERROR,
                 "days supply is missing: %g units cannot be spread over the days they last; "
                 "give the days supply, or a dose and doses per day",
                 d->quantity);
        else
            fail(r, MED_ERROR,
                 "days supply is 0: %g units cannot be divided by 0 days; give the days supply, "
                 "or a dose and doses per day",
                 d->quantity);
        return false;
    }
    if (!isnan(d->days_supply)) {
        fail(r, MED_ERROR,
             "quantity is missing: give the quantity dispensed, or a dose and doses per day");
        return false;
    }
    /* Nothing but the product: one unit once a day, flagged, rather than a silent 0. */
    r->method = MED_METHOD_SIG;
    r->sig_dose = r->daily_dose = strength;
    r->flags |= MED_FLAG_NO_TIMING;
    return true;
}

/* Patches under a rate standard: MED is mcg/hr × factor for each patch worn, whatever the
 * change interval. Under the per-patch-day rule MED is mcg/hr × patches per day × factor. */
static bool patch_amounts(struct med_result *r, const struct med_dosing *d, double strength,
                          bool per_patch_day)
{
    bool has_q = !isnan(d->quantity), has_days = !isnan(d->days_supply) && d->days_supply > 0;
    if (d->dose_range)
        r->flags |= MED_FLAG_DOSE_RANGE;
    if (d->prn)
        r->flags |= MED_FLAG_PRN;
    if (!per_patch_day) {
        r->patches = isnan(d->dose) ? 1.0 : d->dose;
        r->method = MED_METHOD_PATCH;
        r->daily_dose = strength * r->patches;
        if (has_q && has_days && isnan(d->dose) && d->quantity / d->days_supply > 0.5 + 1e-9)
            r->flags |= MED_FLAG_PATCHES_PER_DAY_HIGH;
        if (has_q && !has_days)
            r->flags |= MED_FLAG_DAYS_SUPPLY_MISSING;
        return true;
    }
    if (!daily_amounts(r, d, 1.0))
        return false; /* the amounts are in patches per day here */
    r->patches = r->daily_dose;
    r->daily_dose = strength * r->patches;
    r->dispensing_dose *= strength;
    r->sig_dose *= strength;
    if (r->flags & MED_FLAG_NO_TIMING && isnan(d->per_day) && isnan(d->dose)) {
        fail(r, MED_ERROR,
             "patches per day unknown: the per-patch-day rule needs quantity and days supply, "
             "or a sig");
        return false;
    }
    return true;
}

static void finish_flags(struct med_result *r, const struct med_standard *std)
{
    if (r->med > 1000)
        r->flags |= MED_FLAG_MED_OVER_1000;
    if (!isnan(r->dosing.days_supply) && r->dosing.days_supply > 365)
        r->flags |= MED_FLAG_DAYS_SUPPLY_OVER_365;
    if (strcmp(r->product.ingredient, "methadone") == 0 &&
        r->daily_dose > med_standard_methadone_review_mg(std))
        r->flags |= MED_FLAG_METHADONE_OVER_80;
}

static bool lookup_factor(struct med_result *r, const struct med_standard *std,
                          const struct med_product *p, struct med_factor *f)
{
    *f = med_standard_factor(std, p->ingredient, med_form_route(p->form), p->unit);
    if (f->status == MED_FACTOR_EXCLUDED) {
        fail(r, MED_EXCLUDED, "%s is left out of MED under %s: %s", p->ingredient,
             med_standard_name(std), f->reason);
        return false;
    }
    if (f->status == MED_FACTOR_NONE) {
        fail(r, MED_ERROR, "no conversion factor for %s %s (%s) in %s", p->ingredient,
             med_form_name(p->form), med_unit_name(p->unit), med_standard_name(std));
        return false;
    }
    if (f->options & MED_FACTOR_NOT_IN_GUIDELINE)
        r->flags |= MED_FLAG_NOT_IN_GUIDELINE_TABLE;
    return true;
}

static bool usable_product(struct med_result *r, const struct med_product *p)
{
    if (p->cls == MED_CLASS_UNRESOLVED) {
        fail(r, MED_ERROR, "product not resolved");
        return false;
    }
    if (!med_class_is_analgesic(p->cls)) {
        fail(r, MED_NOT_OPIOID, "%s is %s, not an opioid analgesic: no MED", p->ingredient,
             p->cls == MED_CLASS_MOUD ? "a treatment for opioid use disorder"
             : p->cls == MED_CLASS_BENZO ? "a benzodiazepine"
             : p->cls == MED_CLASS_MUSCLE_RELAXANT ? "a muscle relaxant"
             : p->cls == MED_CLASS_NALOXONE ? "an overdose reversal drug"
                                            : "another kind of drug");
        return false;
    }
    return true;
}

static bool has_strength(struct med_result *r, const struct med_product *p)
{
    if (isnan(p->strength) || !(p->strength > 0)) {
        fail(r, MED_ERROR, "strength missing for %s", p->ingredient);
        return false;
    }
    return true;
}

void med_calc(const struct med_standard *std, const struct med_product *p,
              const struct med_dosing *d, struct med_result *r)
{
    result_init(r, std, p, d);
    struct med_factor f;
    /* The factor comes before the strength: an excluded product needs no strength. */
    if (!usable_product(r, p) || !check_numbers(r, d) || !lookup_factor(r, std, p, &f) ||
        !has_strength(r, p))
        return;
    bool ok = p->unit == MED_UNIT_MCG_HR
                  ? patch_amounts(r, d, p->strength, f.options & MED_FACTOR_PER_PATCH_DAY)
                  : daily_amounts(r, d, p->strength);
    if (!ok)
        return;
    if (f.status == MED_FACTOR_TIERED) {
        r->tiered = true;
        r->tier_total = r->daily_dose;
        r->factor = med_standard_methadone_factor(std, r->daily_dose);
        r->flags |= MED_FLAG_METHADONE_TIERED;
    } else {
        r->factor = f.factor;
    }
    r->med = r->daily_dose * r->factor;
    r->status = MED_OK;
    finish_flags(r, std);
}

void med_compute(const struct med_db *db, const struct med_standard *std,
                 const struct med_input *in, struct med_result *r)
{
    struct med_product p;
    char why[MED_ERROR_MAX];
    enum med_resolution res = med_resolve(db, in, &p, why, sizeof why);
    struct med_dosing d;
    char err[MED_ERROR_MAX];
    if (med_dosing_from_input(in, &d, err, sizeof err) < 0) {
        struct med_dosing none = {NAN, NAN, NAN, NAN, false, false, false};
        result_init(r, std, &p, &none);
        fail(r, MED_ERROR, "%s", err);
        return;
    }
    med_calc(std, &p, &d, r);
    /* A partial product never yields a number; its reason is more precise than calc's. */
    if (res == MED_UNRESOLVED ||
        (res == MED_PARTIAL && (r->status == MED_OK || r->status == MED_ERROR)))
        fail(r, MED_ERROR, "%s", why);
}

/* ---------------------------------------------------------------- rows taken together */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sums in ascending order so the total is the same whatever order the rows came in. */
static double sorted_sum(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += v[i];
    return s;
}

double med_combine(const struct med_standard *std, struct med_result *rows, size_t n,
                   size_t *not_computable)
{
    double *v = xmalloc((n ? n : 1) * sizeof *v);
    size_t k = 0, bad = 0;
    for (size_t i = 0; i < n; i++)
        if (rows[i].status == MED_OK && rows[i].tiered)
            v[k++] = rows[i].daily_dose;
    double methadone = sorted_sum(v, k);
    double factor = med_standard_methadone_factor(std, methadone);
    k = 0;
    for (size_t i = 0; i < n; i++) {
        struct med_result *r = &rows[i];
        if (r->status == MED_OK && r->tiered) {
            r->tier_total = methadone;
            r->factor = factor;
            r->med = r->daily_dose * factor;
            if (methadone > med_standard_methadone_review_mg(std))
                r->flags |= MED_FLAG_METHADONE_OVER_80;
        }
        if (r->status == MED_OK)
            v[k++] = r->med;
        else if (r->status == MED_ERROR)
            bad++;
    }
    double total = sorted_sum(v, k);
    free(v);
    if (not_computable)
        *not_computable = bad;
    return total;
}

/* ---------------------------------------------------------------- display */

const char *med_result_unit(const struct med_result *r)
{
    switch (r->product.unit) {
    case MED_UNIT_MCG:
    case MED_UNIT_MCG_ML:
    case MED_UNIT_MCG_ACT:
        return "mcg";
    case MED_UNIT_MCG_HR:
        return "mcg/hr";
    default:
        return "mg";
    }
}

/* Shortest form up to four decimals: 10, 7.5, 0.8333. */
static const char *num(double v, char *buf)
{
    snprintf(buf, 32, "%.4f", v);
    char *dot = strchr(buf, '.');
    if (dot) {
        char *e = buf + strlen(buf) - 1;
        while (e > dot && *e == '0')
            *e-- = 0;
        if (e == dot)
            *e = 0;
    }
    return buf;
}

static const char *per_unit_word(const struct med_product *p)
{
    switch (p->unit) {
    case MED_UNIT_MG_ML:
    case MED_UNIT_MCG_ML:
        return " mL";
    case MED_UNIT_MG_ACT:
    case MED_UNIT_MCG_ACT:
        return " actuations";
    default:
        return "";
    }
}

char *med_result_arithmetic(const struct med_result *r, char *buf, size_t n)
{
    char a[32], b[32], c[32], f[32], m[32];
    const struct med_product *p = &r->product;
    const struct med_dosing *d = &r->dosing;
    if (r->status != MED_OK) {
        snprintf(buf, n, "%s: %s", r->status == MED_EXCLUDED ? "excluded" : "no MED", r->error);
        return buf;
    }
    struct buf out = {0};
    buf_printf(&out, "%s %s", num(p->strength, a), med_unit_name(p->unit));
    if (r->method == MED_METHOD_PATCH) {
        if (r->patches != 1.0)
            buf_printf(&out, " × %s patches", num(r->patches, b));
    } else if (r->method == MED_METHOD_DISPENSING) {
        buf_printf(&out, " × %s%s ÷ %s d", num(d->quantity, b), per_unit_word(p),
                   num(d->days_supply, c));
    } else {
        double dose = isnan(d->dose) ? 1.0 : d->dose;
        buf_printf(&out, " × %s × %s/day", num(dose, b), isnan(d->per_day) ? "1" : num(d->per_day, c));
        if (r->flags & MED_FLAG_NO_TIMING)
            buf_puts(&out, " (no timing: once a day assumed)");
    }
    if (r->tiered)
        buf_printf(&out, " × %s (methadone tier for %s mg/day in total)", num(r->factor, f),
                   num(r->tier_total, c));
    else
        buf_printf(&out, " × %s", num(r->factor, f));
    snprintf(m, sizeof m, "%.1f", r->med);
    buf_printf(&out, " = %s", m);
    snprintf(buf, n, "%s", out.data);
    buf_free(&out);
    return buf;
}
