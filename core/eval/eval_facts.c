/* One patient's facts as of D: LtOT status under the site's rule, exclusion, the dose timeline
 * (current, maximum and average MED, coverage, benzodiazepine overlap), risk tier with its
 * reasons. Everything here follows docs/facts.md and the default rules in CARE-GAPS. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "eval_facts.h"

const char *const event_names[EV_N] = {"pdmp_check", "udt",         "agreement",    "naloxone",
                                       "education",  "referral_bh", "referral_oud", "moud",
                                       "care_plan",  "taper_plan",  "overdose",     "early_refill"};

int event_type_index(const char *name)
{
    for (int i = 0; i < EV_N; i++)
        if (strcmp(event_names[i], name) == 0)
            return i;
    return -1;
}

const struct score *rows_latest_score(const struct patient_rows *pr, const char *instrument)
{
    const struct score *best = NULL;
    for (size_t i = 0; i < pr->nscores; i++) {
        const struct score *s = &pr->scores[i];
        if (strcmp(s->instrument, instrument) == 0 && (!best || s->date >= best->date))
            best = s;
    }
    return best;
}

/* "within N days of D" is (D - N, D]. */
static bool within(day_t d, day_t as_of, int n)
{
    return d != DATE_NONE && d <= as_of && d > as_of - n;
}

static bool is_analgesic(const struct med_fill *f)
{
    return med_class_is_analgesic((enum med_class)f->cls);
}

/* Opioid fills dated within the seed window of as_of: how many, the first and last dates. */
static int seed_count(const struct rules *ru, const struct patient_rows *pr, day_t as_of,
                      day_t *first, day_t *last)
{
    int n = 0;
    *first = *last = DATE_NONE;
    for (size_t i = 0; i < pr->nfills; i++) {
        const struct med_fill *x = &pr->fills[i];
        if (!is_analgesic(x) || !within(x->fill_date, as_of, ru->seed_window))
            continue;
        n++;
        if (*first == DATE_NONE || x->fill_date < *first)
            *first = x->fill_date;
        if (*last == DATE_NONE || x->fill_date > *last)
            *last = x->fill_date;
    }
    return n;
}

static bool seed_met(const struct rules *ru, int n, day_t first, day_t last)
{
    return n >= ru->seed_min_fills && n > 0 && last - first >= ru->seed_min_span;
}

static void seed_fill_rule(const struct rules *ru, const struct patient_rows *pr, day_t as_of,
                           struct facts *f)
{
    day_t first, last;
    int n = seed_count(ru, pr, as_of, &first, &last);
    f->fill_rule = seed_met(ru, n, first, last);
    char a[16], b[16], c[16];
    if (f->fill_rule)
        snprintf(f->ltot_reason, sizeof f->ltot_reason,
                 "%d opioid fills in the %d days to %s, first %s and last %s (%d days apart)", n,
                 ru->seed_window, date_format(as_of, a), date_format(first, c),
                 date_format(last, b), last - first);
    else if (n > 0)
        snprintf(f->ltot_reason, sizeof f->ltot_reason,
                 "%d opioid fill%s in the %d days to %s, %d days apart (needs %d fills %d days "
                 "apart)",
                 n, n == 1 ? "" : "s", ru->seed_window, date_format(as_of, a), last - first,
                 ru->seed_min_fills, ru->seed_min_span);
    else
        snprintf(f->ltot_reason, sizeof f->ltot_reason, "no opioid fills in the %d days to %s",
                 ru->seed_window, date_format(as_of, a));
}

/* The coverage rules (cdc, bree, kpwa) without their reasons, for evaluation at many dates. */
static bool coverage_met(const struct rules *ru, const struct med_timeline *tl, day_t as_of)
{
    if (ru->ltot_rule == 1) {
        for (int w = 0; w < ru->cdc_windows; w++) {
            day_t to = as_of - w * ru->cdc_window_days;
            if (med_timeline_days_covered(tl, to - ru->cdc_window_days + 1, to) < ru->cdc_min_days)
                return false;
        }
        return true;
    }
    int window = ru->ltot_rule == 2 ? ru->bree_window : ru->kpwa_window;
    int need = ru->ltot_rule == 2 ? ru->bree_min : ru->kpwa_min;
    return med_timeline_days_covered(tl, as_of - window + 1, as_of) >= need;
}

static void coverage_rule(const struct rules *ru, struct med_timeline *tl, day_t as_of,
                          struct facts *f)
{
    char a[16];
    if (ru->ltot_rule == 1) {
        bool all = true;
        struct buf b = {0};
        for (int w = 0; w < ru->cdc_windows; w++) {
            day_t to = as_of - w * ru->cdc_window_days;
            int c = med_timeline_days_covered(tl, to - ru->cdc_window_days + 1, to);
            buf_printf(&b, "%s%d", w ? ", " : "", c);
            if (c < ru->cdc_min_days)
                all = false;
        }
        f->ltot = all;
        snprintf(f->ltot_reason, sizeof f->ltot_reason,
                 "days covered in the %d windows of %d days to %s: %s (needs %d in each)",
                 ru->cdc_windows, ru->cdc_window_days, date_format(as_of, a), b.data ? b.data : "",
                 ru->cdc_min_days);
        buf_free(&b);
        return;
    }
    int window = ru->ltot_rule == 2 ? ru->bree_window : ru->kpwa_window;
    int need = ru->ltot_rule == 2 ? ru->bree_min : ru->kpwa_min;
    int c = med_timeline_days_covered(tl, as_of - window + 1, as_of);
    f->ltot = c >= need;
    snprintf(f->ltot_reason, sizeof f->ltot_reason,
             "%d days covered in the %d days to %s (needs %d)", c, window, date_format(as_of, a),
             need);
}

static void add_reason(struct facts *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_reason(struct facts *f, const char *fmt, ...)
{
    if (f->nreasons >= 6)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->reasons[f->nreasons++], sizeof f->reasons[0], fmt, ap);
    va_end(ap);
}

void risk_tier_eval(const struct rules *ru, const struct risk_in *in, struct facts *f)
{
    f->nreasons = 0;
    if (in->med >= ru->high_med)
        add_reason(f, "current MED %.1f >= %.0f", in->med, ru->high_med);
    if (in->benzo_overlap > 0 && ru->high_benzo_days > 0)
        add_reason(f, "benzodiazepine overlap on %d days in the last %d", in->benzo_overlap,
                   ru->high_benzo_days);
    if (in->oud)
        add_reason(f, "active opioid use disorder diagnosis");
    if (within(in->last_overdose, in->as_of, ru->high_overdose_days))
        add_reason(f, "overdose within %d days", ru->high_overdose_days);
    if (in->has_ort && in->ort >= ru->high_ort)
        add_reason(f, "ORT %.0f >= %.0f", in->ort, ru->high_ort);
    if (f->nreasons) {
        f->risk = RISK_HIGH;
        return;
    }
    if (in->med >= ru->mod_med)
        add_reason(f, "current MED %.1f >= %.0f", in->med, ru->mod_med);
    if (in->has_ort && in->ort >= ru->mod_ort)
        add_reason(f, "ORT %.0f >= %.0f", in->ort, ru->mod_ort);
    if (in->has_phq9 && in->phq9 >= ru->mod_phq9)
        add_reason(f, "PHQ-9 %.0f >= %.0f", in->phq9, ru->mod_phq9);
    f->risk = f->nreasons ? RISK_MODERATE : RISK_LOW;
}

static void risk_tier(const struct rules *ru, const struct patient_rows *pr, day_t as_of,
                      struct facts *f)
{
    const struct score *ort = rows_latest_score(pr, "ort");
    const struct score *phq9 = rows_latest_score(pr, "phq9");
    struct risk_in in = {.as_of = as_of,
                         .med = f->med,
                         .benzo_overlap = f->benzo_overlap,
                         .oud = pr->oud,
                         .last_overdose = pr->last_event[EV_OVERDOSE],
                         .has_ort = ort && ort->has_score,
                         .ort = ort ? ort->score : 0,
                         .has_phq9 = phq9 && phq9->has_score,
                         .phq9 = phq9 ? phq9->score : 0};
    risk_tier_eval(ru, &in, f);
}

static void unknown_detail(const struct med_timeline *tl, const struct patient_rows *pr,
                           day_t as_of, struct facts *f)
{
    const struct med_window *w;
    size_t n = med_timeline_windows(tl, &w);
    struct buf b = {0};
    int shown = 0;
    for (size_t i = 0; i < n && shown < 3; i++) {
        if (w[i].start > as_of || w[i].end < as_of)
            continue;
        const struct med_fill *x = &pr->fills[w[i].fill];
        bool unknown =
            x->cls == MED_CLASS_UNRESOLVED || (is_analgesic(x) && x->status == MED_ERROR);
        if (!unknown)
            continue;
        size_t why = pr->why_at[w[i].fill];
        buf_printf(&b, "%sfill %s: %s", shown ? "; " : "", pr->arena.data + pr->rx_at[w[i].fill],
                   why == (size_t)-1 ? "MED not computable" : pr->arena.data + why);
        shown++;
    }
    snprintf(f->med_unknown_detail, sizeof f->med_unknown_detail, "%s", b.data ? b.data : "");
    buf_free(&b);
}

void facts_compute(const struct rules *ru, const struct med_standard *std, struct med_timeline *tl,
                   struct patient_rows *pr, day_t as_of, struct facts *f)
{
    memset(f, 0, sizeof *f);
    med_timeline_build(tl, std, pr->fills, pr->nfills);
    f->med = med_timeline_med_at(tl, as_of);
    f->med_unknown = med_timeline_unknown_at(tl, as_of);
    const struct med_window *w;
    size_t nw = med_timeline_windows(tl, &w);
    for (size_t i = 0; i < nw; i++) {
        const struct med_fill *x = &pr->fills[w[i].fill];
        if (w[i].start > as_of || w[i].end < as_of ||
            !(is_analgesic(x) || x->cls == MED_CLASS_UNRESOLVED))
            continue;
        f->active_fills++;
        if (x->status == MED_OK || x->status == MED_EXCLUDED)
            f->active_computable++;
    }
    if (f->med_unknown)
        unknown_detail(tl, pr, as_of, f);
    f->med_max90 = med_timeline_max(tl, as_of - 89, as_of);
    f->med_avg90 = med_timeline_avg(tl, as_of - 89, as_of);
    f->covered90 = med_timeline_days_covered(tl, as_of - 89, as_of);
    f->benzo_overlap = med_timeline_overlap_days(tl, as_of - ru->high_benzo_days + 1, as_of);
    f->overdose_ever = pr->last_event[EV_OVERDOSE] != DATE_NONE;

    seed_fill_rule(ru, pr, as_of, f);
    if (ru->ltot_rule == 0) {
        f->ltot = f->fill_rule || pr->labeled;
        if (pr->labeled && !f->fill_rule) {
            char tmp[sizeof f->ltot_reason];
            memcpy(tmp, f->ltot_reason, sizeof tmp);
            snprintf(f->ltot_reason, sizeof f->ltot_reason, "label diagnosis %.15s; %.160s",
                     pr->label_code, tmp);
        }
    } else {
        coverage_rule(ru, tl, as_of, f);
    }
    f->excluded = ru->exclusions && pr->exclusion[0];
    risk_tier(ru, pr, as_of, f);
    if (pr->birth != DATE_NONE)
        f->age = date_age_years(pr->birth, as_of);
}

/* ------------------------------------------------------------------ facts at many dates */

day_t rows_last_event_at(const struct patient_rows *pr, int type, day_t d)
{
    day_t best = DATE_NONE;
    for (size_t i = 0; i < pr->nevents; i++) {
        const struct dated_event *x = &pr->events[i];
        if (x->type == type && x->date <= d && (best == DATE_NONE || x->date > best))
            best = x->date;
    }
    return best;
}

const struct score *rows_score_at(const struct patient_rows *pr, const char *instrument, day_t d)
{
    const struct score *best = NULL;
    for (size_t i = 0; i < pr->nscores; i++) {
        const struct score *s = &pr->scores[i];
        if (s->date <= d && strcmp(s->instrument, instrument) == 0 &&
            (!best || s->date >= best->date))
            best = s;
    }
    return best;
}

day_t rows_last_fill_at(const struct patient_rows *pr, int cls, day_t d)
{
    day_t best = DATE_NONE;
    for (size_t i = 0; i < pr->nfills; i++) {
        const struct med_fill *x = &pr->fills[i];
        if (x->cls == cls && x->fill_date <= d && (best == DATE_NONE || x->fill_date > best))
            best = x->fill_date;
    }
    return best;
}

/* Diagnoses at d by the same rules as rows_add_diagnosis() (eval_rows.c) applies while reading. */
static void diagnoses_at(const struct rules *ru, const struct patient_rows *pr, day_t d,
                         struct facts_at *f)
{
    for (size_t i = 0; i < pr->ndxs; i++) {
        const struct dated_dx *x = &pr->dxs[i];
        if (x->date > d)
            continue;
        bool active = x->end == DATE_NONE || x->end >= d;
        if (active && (x->flags & DX_LABEL))
            f->labeled = true;
        if (active && (x->flags & DX_OUD))
            f->oud = true;
        if (((x->flags & DX_CANCER) && x->date > d - ru->cancer_days) || (x->flags & DX_SICKLE) ||
            ((x->flags & DX_PALLIATIVE) && x->date > d - ru->palliative_days))
            f->excluded = ru->exclusions;
    }
}

void facts_at(const struct rules *ru, const struct med_timeline *tl, const struct patient_rows *pr,
              day_t d, struct facts_at *f)
{
    memset(f, 0, sizeof *f);
    diagnoses_at(ru, pr, d, f);
    day_t first, last;
    int n = seed_count(ru, pr, d, &first, &last);
    f->fill_rule = seed_met(ru, n, first, last);
    f->ltot = ru->ltot_rule == 0 ? f->fill_rule || f->labeled : coverage_met(ru, tl, d);
    f->med = med_timeline_med_at(tl, d);
}
