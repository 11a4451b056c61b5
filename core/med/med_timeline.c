/* Patient dose timelines. Fills are chained per product (an early refill starts the day after the
 * previous supply of the same product ends), then the days are cut into stretches over which the
 * set of active fills does not change; every query works on those stretches, so a two-year
 * history costs a few dozen stretches, not 730 days. Memory is kept between patients. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "med_internal.h"
#include "util.h"

struct seg {
    day_t from, to; /* inclusive */
    struct med_day v;
};

struct med_timeline {
    struct med_timeline_options opt;
    const struct med_standard *std;
    const struct med_fill *fills; /* valid only during build */
    const struct med_fill **order;
    struct med_window *win;
    uint64_t *events; /* (day, kind, window) packed so one integer sort orders them */
    size_t *active;   /* windows active in the current stretch, ascending */
    size_t n_win, cap;
    struct seg *seg;
    size_t n_seg, cap_seg;
};

struct med_timeline *med_timeline_new(const struct med_timeline_options *opts)
{
    struct med_timeline *tl = xcalloc(1, sizeof *tl);
    tl->opt.missing_supply_days = 30;
    if (opts && opts->missing_supply_days > 0)
        tl->opt = *opts;
    return tl;
}

void med_timeline_free(struct med_timeline *tl)
{
    if (!tl)
        return;
    free(tl->order);
    free(tl->win);
    free(tl->events);
    free(tl->active);
    free(tl->seg);
    free(tl);
}

void med_fill_from_result(struct med_fill *f, day_t fill_date, int32_t days_supply,
                          const struct med_result *r)
{
    f->fill_date = fill_date;
    f->days_supply = days_supply;
    f->product = r->product.key ? r->product.key : med_product_key(&r->product);
    f->cls = (uint8_t)r->product.cls;
    f->status = (uint8_t)r->status;
    f->tiered = r->status == MED_OK && r->tiered;
    f->daily_dose = r->daily_dose;
    f->med = r->med;
}

static void reserve(struct med_timeline *tl, size_t n)
{
    if (n <= tl->cap)
        return;
    size_t cap = tl->cap ? tl->cap : 16;
    while (cap < n)
        cap *= 2;
    tl->order = xrealloc(tl->order, cap * sizeof *tl->order);
    tl->win = xrealloc(tl->win, cap * sizeof *tl->win);
    tl->events = xrealloc(tl->events, 2 * cap * sizeof *tl->events);
    tl->active = xrealloc(tl->active, cap * sizeof *tl->active);
    tl->cap = cap;
}

static int cmp3(double a, double b)
{
    return (a > b) - (a < b);
}

/* A total order on fills, so the result never depends on the order they were given in. */
static int fill_cmp(const struct med_fill *a, const struct med_fill *b)
{
    if (a->product != b->product)
        return a->product < b->product ? -1 : 1;
    if (a->fill_date != b->fill_date)
        return a->fill_date < b->fill_date ? -1 : 1;
    if (a->days_supply != b->days_supply)
        return a->days_supply < b->days_supply ? -1 : 1;
    if (a->cls != b->cls)
        return a->cls - b->cls;
    if (a->status != b->status)
        return a->status - b->status;
    if (a->tiered != b->tiered)
        return a->tiered - b->tiered;
    int c = cmp3(isnan(a->med) ? -1 : a->med, isnan(b->med) ? -1 : b->med);
    return c ? c : cmp3(isnan(a->daily_dose) ? -1 : a->daily_dose,
                        isnan(b->daily_dose) ? -1 : b->daily_dose);
}

static int fill_ptr_cmp(const void *a, const void *b)
{
    return fill_cmp(*(const struct med_fill *const *)a, *(const struct med_fill *const *)b);
}

/* Small inputs (one patient's fills) are sorted by insertion: glibc's qsort allocates a buffer
 * on every call, which would dominate a loop over a whole population. */
#define SMALL_SORT 128

static void sort_order(struct med_timeline *tl, size_t n)
{
    for (size_t i = 0; i < n; i++)
        tl->order[i] = &tl->fills[i];
    if (n > SMALL_SORT) {
        qsort(tl->order, n, sizeof *tl->order, fill_ptr_cmp);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        const struct med_fill *x = tl->order[i];
        size_t j = i;
        for (; j > 0 && fill_cmp(tl->order[j - 1], x) > 0; j--)
            tl->order[j] = tl->order[j - 1];
        tl->order[j] = x;
    }
}

static void chain(struct med_timeline *tl, size_t n)
{
    const struct med_fill *f = tl->fills;
    day_t cursor = 0;
    for (size_t k = 0; k < n; k++) {
        const struct med_fill *x = tl->order[k];
        size_t i = (size_t)(x - f);
        int32_t days = x->days_supply >= 1 ? x->days_supply : tl->opt.missing_supply_days;
        if (days > 36500)
            days = 36500; /* keeps day arithmetic far from overflow */
        day_t start = x->fill_date;
        /* Unresolved products share no identity: each stands alone. */
        bool same = k > 0 && x->cls != MED_CLASS_UNRESOLVED &&
                    tl->order[k - 1]->product == x->product &&
                    tl->order[k - 1]->cls != MED_CLASS_UNRESOLVED;
        bool moved = same && start <= cursor;
        if (moved)
            start = cursor + 1;
        tl->win[k] = (struct med_window){start, start + days - 1, i, moved};
        cursor = tl->win[k].end;
    }
    tl->n_win = n;
}

/* Day offset so that packed event keys sort as unsigned integers. */
#define DAY_BIAS ((int64_t)1 << 31)

static size_t make_events(struct med_timeline *tl)
{
    size_t m = 0;
    for (size_t k = 0; k < tl->n_win; k++) {
        uint64_t s = (uint64_t)((int64_t)tl->win[k].start + DAY_BIAS);
        uint64_t e = (uint64_t)((int64_t)tl->win[k].end + 1 + DAY_BIAS);
        tl->events[m++] = s << 32 | (uint64_t)k << 1 | 1u; /* start */
        tl->events[m++] = e << 32 | (uint64_t)k << 1;      /* end + 1 */
    }
    return m;
}

static int u64_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static day_t event_day(uint64_t e)
{
    return (day_t)((int64_t)(e >> 32) - DAY_BIAS);
}

/* Keeps the active list in ascending window order, so sums run in one canonical order. */
static size_t apply_event(struct med_timeline *tl, size_t na, uint64_t e)
{
    size_t k = (size_t)(e & 0xFFFFFFFFu) >> 1;
    size_t at = 0;
    while (at < na && tl->active[at] < k)
        at++;
    if (e & 1u) {
        memmove(tl->active + at + 1, tl->active + at, (na - at) * sizeof *tl->active);
        tl->active[at] = k;
        return na + 1;
    }
    if (at < na && tl->active[at] == k) {
        memmove(tl->active + at, tl->active + at + 1, (na - at - 1) * sizeof *tl->active);
        return na - 1;
    }
    return na;
}

static uint16_t inc(uint16_t c)
{
    return c < UINT16_MAX ? (uint16_t)(c + 1) : c;
}

/* Totals of one stretch, summed over windows in their canonical order. */
static void stretch_value(const struct med_timeline *tl, size_t na, struct med_day *v)
{
    memset(v, 0, sizeof *v);
    for (size_t a = 0; a < na; a++) {
        const struct med_fill *f = &tl->fills[tl->win[tl->active[a]].fill];
        bool analgesic = med_class_is_analgesic((enum med_class)f->cls);
        if (f->cls == MED_CLASS_BENZO)
            v->benzos = inc(v->benzos);
        else if (f->cls == MED_CLASS_MOUD)
            v->moud = inc(v->moud);
        else if (f->cls == MED_CLASS_UNRESOLVED)
            v->unknown = inc(v->unknown);
        if (!analgesic)
            continue;
        v->analgesics = inc(v->analgesics);
        if (f->status == MED_OK && f->tiered)
            v->methadone_mg += f->daily_dose;
        else if (f->status == MED_OK)
            v->med += f->med;
        else if (f->status == MED_EXCLUDED)
            v->excluded = inc(v->excluded);
        else
            v->unknown = inc(v->unknown);
    }
    if (v->methadone_mg > 0) {
        double factor = tl->std ? med_standard_methadone_factor(tl->std, v->methadone_mg) : NAN;
        if (isnan(factor))
            v->unknown = inc(v->unknown);
        else
            v->med += v->methadone_mg * factor;
    }
}

static void push_seg(struct med_timeline *tl, day_t from, day_t to, const struct med_day *v)
{
    if (tl->n_seg == tl->cap_seg) {
        tl->cap_seg = tl->cap_seg ? tl->cap_seg * 2 : 64;
        tl->seg = xrealloc(tl->seg, tl->cap_seg * sizeof *tl->seg);
    }
    tl->seg[tl->n_seg++] = (struct seg){from, to, *v};
}

void med_timeline_build(struct med_timeline *tl, const struct med_standard *std,
                        const struct med_fill *fills, size_t n)
{
    reserve(tl, n);
    tl->std = std;
    tl->fills = fills;
    tl->n_seg = 0;
    sort_order(tl, n);
    chain(tl, n);
    size_t m = make_events(tl), na = 0;
    if (m > 2 * SMALL_SORT) {
        qsort(tl->events, m, sizeof *tl->events, u64_cmp);
    } else {
        for (size_t i = 1; i < m; i++) {
            uint64_t x = tl->events[i];
            size_t j = i;
            for (; j > 0 && tl->events[j - 1] > x; j--)
                tl->events[j] = tl->events[j - 1];
            tl->events[j] = x;
        }
    }
    for (size_t i = 0; i < m;) {
        day_t day = event_day(tl->events[i]);
        while (i < m && event_day(tl->events[i]) == day)
            na = apply_event(tl, na, tl->events[i++]);
        if (i == m)
            break;
        struct med_day v;
        stretch_value(tl, na, &v);
        push_seg(tl, day, event_day(tl->events[i]) - 1, &v);
    }
    tl->fills = NULL;
    tl->std = NULL;
}

/* ---------------------------------------------------------------- queries */

static const struct seg *seg_at(const struct med_timeline *tl, day_t d)
{
    size_t lo = 0, hi = tl->n_seg;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (tl->seg[mid].to < d)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < tl->n_seg && tl->seg[lo].from <= d ? &tl->seg[lo] : NULL;
}

void med_timeline_at(const struct med_timeline *tl, day_t d, struct med_day *out)
{
    const struct seg *s = seg_at(tl, d);
    if (s)
        *out = s->v;
    else
        memset(out, 0, sizeof *out);
}

double med_timeline_med_at(const struct med_timeline *tl, day_t d)
{
    const struct seg *s = seg_at(tl, d);
    return s ? s->v.med : 0.0;
}

bool med_timeline_unknown_at(const struct med_timeline *tl, day_t d)
{
    const struct seg *s = seg_at(tl, d);
    return s && s->v.unknown > 0;
}

/* Days a stretch shares with [from, to]; 0 when none. */
static int32_t overlap(const struct seg *s, day_t from, day_t to)
{
    day_t a = s->from > from ? s->from : from;
    day_t b = s->to < to ? s->to : to;
    return b >= a ? b - a + 1 : 0;
}

double med_timeline_max(const struct med_timeline *tl, day_t from, day_t to)
{
    double m = 0;
    for (size_t i = 0; i < tl->n_seg; i++)
        if (overlap(&tl->seg[i], from, to) && tl->seg[i].v.med > m)
            m = tl->seg[i].v.med;
    return m;
}

double med_timeline_max_methadone(const struct med_timeline *tl, day_t from, day_t to)
{
    double m = 0;
    for (size_t i = 0; i < tl->n_seg; i++)
        if (overlap(&tl->seg[i], from, to) && tl->seg[i].v.methadone_mg > m)
            m = tl->seg[i].v.methadone_mg;
    return m;
}

double med_timeline_sum(const struct med_timeline *tl, day_t from, day_t to)
{
    double sum = 0;
    for (size_t i = 0; i < tl->n_seg; i++)
        sum += tl->seg[i].v.med * overlap(&tl->seg[i], from, to);
    return sum;
}

double med_timeline_avg(const struct med_timeline *tl, day_t from, day_t to)
{
    return to >= from ? med_timeline_sum(tl, from, to) / (double)(to - from + 1) : 0.0;
}

int med_timeline_days_covered(const struct med_timeline *tl, day_t from, day_t to)
{
    int n = 0;
    for (size_t i = 0; i < tl->n_seg; i++)
        if (tl->seg[i].v.analgesics > 0)
            n += overlap(&tl->seg[i], from, to);
    return n;
}

int med_timeline_overlap_days(const struct med_timeline *tl, day_t from, day_t to)
{
    int n = 0;
    for (size_t i = 0; i < tl->n_seg; i++)
        if (tl->seg[i].v.analgesics > 0 && tl->seg[i].v.benzos > 0)
            n += overlap(&tl->seg[i], from, to);
    return n;
}

void med_timeline_daily(const struct med_timeline *tl, day_t from, day_t to, double *out)
{
    if (to < from)
        return;
    for (day_t d = from; d <= to; d++)
        out[d - from] = 0.0;
    for (size_t i = 0; i < tl->n_seg; i++) {
        const struct seg *s = &tl->seg[i];
        int32_t days = overlap(s, from, to);
        day_t a = s->from > from ? s->from : from;
        for (int32_t k = 0; k < days; k++)
            out[a - from + k] = s->v.med;
    }
}

size_t med_timeline_windows(const struct med_timeline *tl, const struct med_window **out)
{
    *out = tl->win;
    return tl->n_win;
}
