/* The annual standard measures on dispensing data, over the calendar year up to the as-of date
 * (docs/measures.md states each definition as implemented):
 *  - HEDIS HDO: >= 2 opioid fills on different dates and >= 15 days covered; numerator: average
 *    MME (sum of the daily MME totals over the treatment period ÷ its days) >= 90.
 *  - PQA COB: >= 2 opioid fills and >= 15 days supply; numerator: >= 2 benzodiazepine fills on
 *    different dates and >= 30 days of overlap in the year.
 *  - PQA OMP: the COB denominator; numerator: opioid fills from >= 4 prescribers and >= 4
 *    pharmacies within 180 days. */
#include <string.h>

#include "measures_internal.h"

static bool is_opioid(const struct med_fill *x)
{
    return med_class_is_analgesic((enum med_class)x->cls);
}

static bool in_year(const struct med_fill *x, day_t from, day_t to)
{
    return x->fill_date >= from && x->fill_date <= to;
}

/* Fills of a kind in the year on distinct dates. */
static int distinct_dates(const struct patient_rows *pr, bool (*kind)(const struct med_fill *),
                          day_t from, day_t to)
{
    int n = 0;
    for (size_t i = 0; i < pr->nfills; i++) {
        const struct med_fill *x = &pr->fills[i];
        if (!kind(x) || !in_year(x, from, to))
            continue;
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++)
            seen = kind(&pr->fills[k]) && pr->fills[k].fill_date == x->fill_date;
        n += !seen;
    }
    return n;
}

static bool is_benzo(const struct med_fill *x)
{
    return x->cls == MED_CLASS_BENZO;
}

/* The treatment period: the first opioid fill of the year to the end of the last supply that
 * starts in the year, cut at the year's end. */
static bool treatment_period(const struct patient_rows *pr, const struct med_timeline *tl,
                             day_t from, day_t to, day_t *start, day_t *end)
{
    const struct med_window *w;
    size_t nw = med_timeline_windows(tl, &w);
    *start = *end = DATE_NONE;
    for (size_t i = 0; i < nw; i++) {
        const struct med_fill *x = &pr->fills[w[i].fill];
        if (!is_opioid(x) || !in_year(x, from, to))
            continue;
        if (*start == DATE_NONE || x->fill_date < *start)
            *start = x->fill_date;
        if (*end == DATE_NONE || w[i].end > *end)
            *end = w[i].end;
    }
    if (*end != DATE_NONE && *end > to)
        *end = to;
    return *start != DATE_NONE;
}

static void opioid_totals(const struct patient_rows *pr, day_t from, day_t to, int *fills,
                          int *supply)
{
    *fills = *supply = 0;
    for (size_t i = 0; i < pr->nfills; i++) {
        const struct med_fill *x = &pr->fills[i];
        if (is_opioid(x) && in_year(x, from, to)) {
            (*fills)++;
            *supply += x->days_supply > 0 ? x->days_supply : 0;
        }
    }
}

/* Distinct non-empty ids at the given arena offsets among opioid fills dated [a, b]. */
static int distinct_ids(const struct patient_rows *pr, const size_t *at, day_t a, day_t b)
{
    int n = 0;
    for (size_t i = 0; i < pr->nfills; i++) {
        const struct med_fill *x = &pr->fills[i];
        const char *id = pr->arena.data + at[i];
        if (!is_opioid(x) || x->fill_date < a || x->fill_date > b || !*id)
            continue;
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++) {
            const struct med_fill *y = &pr->fills[k];
            seen = is_opioid(y) && y->fill_date >= a && y->fill_date <= b &&
                   strcmp(pr->arena.data + at[k], id) == 0;
        }
        n += !seen;
    }
    return n;
}

/* Any 180-day window starting at an opioid fill of the year with enough of both. */
static bool many_providers(const struct patient_rows *pr, const struct annual_params *ap,
                           day_t from, day_t to)
{
    for (size_t i = 0; i < pr->nfills; i++) {
        const struct med_fill *x = &pr->fills[i];
        if (!is_opioid(x) || !in_year(x, from, to))
            continue;
        day_t a = x->fill_date, b = a + (day_t)ap->omp_window - 1;
        if (b > to)
            b = to;
        if (distinct_ids(pr, pr->prescriber_at, a, b) >= ap->omp_prescribers &&
            distinct_ids(pr, pr->pharmacy_at, a, b) >= ap->omp_pharmacies)
            return true;
    }
    return false;
}

void annual_compute(const struct patient_rows *pr, const struct med_timeline *tl,
                    const struct annual_params *ap, day_t from, day_t to,
                    struct annual_result *out)
{
    memset(out, 0, sizeof *out);
    out->hdo_den = distinct_dates(pr, is_opioid, from, to) >= ap->hdo_min_fills &&
                   med_timeline_days_covered(tl, from, to) >= ap->hdo_min_days;
    day_t start, end;
    if (out->hdo_den && treatment_period(pr, tl, from, to, &start, &end)) {
        out->hdo_avg_mme = med_timeline_avg(tl, start, end);
        out->hdo_num = out->hdo_avg_mme >= ap->hdo_mme;
    }
    int fills, supply;
    opioid_totals(pr, from, to, &fills, &supply);
    out->cob_den = fills >= ap->cob_min_fills && supply >= ap->cob_min_supply;
    out->cob_num = out->cob_den &&
                   distinct_dates(pr, is_benzo, from, to) >= ap->cob_min_benzo_fills &&
                   med_timeline_overlap_days(tl, from, to) >= ap->cob_min_overlap;
    out->omp_den = fills >= ap->omp_min_fills && supply >= ap->omp_min_supply;
    out->omp_num = out->omp_den && many_providers(pr, ap, from, to);
}
