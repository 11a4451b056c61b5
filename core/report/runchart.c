/* Run-chart analysis. Each phase gets its own median (from its baseline points) and the rules
 * are applied within the phase against that median, because a phase marks a change to the
 * process and the old centre line no longer describes it. */
#include "runchart.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Limits for the number of runs, for 10 to 60 useful observations: fewer runs than the lower
 * limit, or more than the upper, suggests a non-random pattern (about a 5% risk of a false
 * signal). Source: Perla RJ, Provost LP, Murray SK. The run chart: a simple analytical tool for
 * learning from variation in healthcare processes. BMJ Qual Saf 2011;20:46-51, table 1, which
 * adapts Swed FS, Eisenhart C. Tables for testing randomness of grouping in a sequence of
 * alternatives. Ann Math Stat 1943;14:66-87. tests/unit/test_runchart.c holds every entry to
 * the exact distribution of the number of runs (within one run of the 2.5 %-per-tail limit). */
static const unsigned char runs_table[][2] = {
    /* 10 */ {3, 9},   {3, 10},  {3, 11},  {4, 11},
    {4, 12},           {5, 12},  {5, 13},  {5, 13},
    /* 18 */ {6, 14},  {6, 15},  {6, 16},  {7, 16},
    {7, 17},           {7, 17},  {8, 18},  {8, 18},
    /* 26 */ {9, 19},  {10, 19}, {10, 20}, {10, 20},
    {11, 21},          {11, 22}, {11, 22}, {12, 23},
    /* 34 */ {12, 23}, {13, 24}, {13, 24}, {13, 25},
    {14, 26},          {14, 26}, {15, 27}, {15, 27},
    /* 42 */ {16, 28}, {16, 28}, {17, 29}, {17, 30},
    {17, 30},          {18, 31}, {18, 31}, {19, 32},
    /* 50 */ {19, 32}, {20, 33}, {20, 33}, {21, 34},
    {21, 35},          {22, 35}, {22, 36}, {23, 36},
    /* 58 */ {23, 37}, {24, 38}, {24, 38}};
#define RUNS_TABLE_FIRST 10
#define RUNS_TABLE_LAST (RUNS_TABLE_FIRST + (int)ARRAY_LEN(runs_table) - 1)

/* d2 for moving ranges of two points: mean moving range ÷ d2 estimates the standard deviation. */
#define D2_N2 1.128

void runchart_options_default(struct rc_options *o)
{
    o->shift_min = 6;
    o->trend_min = 5;
    o->astro_sigmas = 3;
}

const char *runchart_rule_name(enum rc_rule rule)
{
    switch (rule) {
    case RC_SHIFT:
        return "shift";
    case RC_TREND:
        return "trend";
    case RC_RUNS_FEW:
        return "too few runs";
    case RC_RUNS_MANY:
        return "too many runs";
    case RC_ASTRONOMICAL:
        return "astronomical point";
    }
    return "?";
}

bool runchart_runs_limits(int useful, int *lo, int *hi)
{
    *lo = *hi = 0;
    if (useful < RUNS_TABLE_FIRST)
        return false;
    if (useful <= RUNS_TABLE_LAST) {
        *lo = runs_table[useful - RUNS_TABLE_FIRST][0];
        *hi = runs_table[useful - RUNS_TABLE_FIRST][1];
        return true;
    }
    /* Beyond the table: the number of runs in a random sequence split evenly about the median
     * is close to normal with this mean and spread (Swed and Eisenhart); ±1.96 SD keeps the same
     * 5% risk and meets the table at 60. */
    double n = useful, mean = n / 2 + 1, sd = sqrt(n * (n - 2) / (4 * (n - 1)));
    *lo = (int)ceil(mean - 1.96 * sd);
    *hi = (int)floor(mean + 1.96 * sd);
    return true;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double runchart_median(const double *values, size_t n)
{
    double *v = xmalloc(n * sizeof *v);
    memcpy(v, values, n * sizeof *v);
    qsort(v, n, sizeof *v, cmp_double);
    double m = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    free(v);
    return m;
}

/* Values computed from rates (0.1 + 0.2) should count as equal to a median they match to
 * within rounding noise. */
static bool same_value(double a, double b)
{
    double scale = fmax(1.0, fmax(fabs(a), fabs(b)));
    return fabs(a - b) <= 1e-9 * scale;
}

static int side(double v, double median)
{
    return same_value(v, median) ? 0 : v > median ? 1 : -1;
}

static const char *label_of(const char *const *labels, size_t i, char *buf, size_t n)
{
    if (labels && labels[i])
        return labels[i];
    snprintf(buf, n, "point %zu", i + 1);
    return buf;
}

static struct rc_signal *add_signal(struct rc_result *r, enum rc_rule rule, size_t phase,
                                    size_t first, size_t last)
{
    r->signals = xrealloc(r->signals, (r->nsignals + 1) * sizeof *r->signals);
    struct rc_signal *s = &r->signals[r->nsignals++];
    s->rule = rule;
    s->phase = phase;
    s->first = first;
    s->last = last;
    s->text[0] = 0;
    return s;
}

static void describe(struct rc_signal *s, const char *const *labels, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Writes "<rule>: <what> from <first label> to <last label>". */
static void describe(struct rc_signal *s, const char *const *labels, const char *fmt, ...)
{
    char what[160], a[32], b[32];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    const char *from = label_of(labels, s->first, a, sizeof a);
    const char *to = label_of(labels, s->last, b, sizeof b);
    if (s->first == s->last)
        snprintf(s->text, sizeof s->text, "%s: %s at %s", runchart_rule_name(s->rule), what, from);
    else
        snprintf(s->text, sizeof s->text, "%s: %s from %s to %s", runchart_rule_name(s->rule), what,
                 from, to);
}

/* Shifts and the run count: only points off the median take part, so a point on the median
 * neither extends nor ends a run. */
static void find_shifts(const double *v, const char *const *labels, struct rc_result *r, size_t ph,
                        const struct rc_options *o)
{
    struct rc_phase *p = &r->phases[ph];
    int cur = 0, count = 0;
    size_t first = 0, last = 0;
    for (size_t i = p->start; i <= p->end; i++) {
        int s = i < p->end ? side(v[i], p->median) : 2; /* 2 closes the last run */
        if (s == 0) {
            r->flags[i] |= RC_FLAG_ON_MEDIAN;
            continue;
        }
        if (s == cur) {
            p->useful++;
            count++;
            last = i;
            continue;
        }
        if (count >= o->shift_min) {
            for (size_t k = first; k <= last; k++)
                if (!(r->flags[k] & RC_FLAG_ON_MEDIAN))
                    r->flags[k] |= RC_FLAG_SHIFT;
            struct rc_signal *sg = add_signal(r, RC_SHIFT, ph, first, last);
            describe(sg, labels, "%d points %s the median", count, cur > 0 ? "above" : "below");
        }
        if (s == 2)
            break;
        p->useful++;
        p->runs++;
        cur = s;
        count = 1;
        first = last = i;
    }
}

static void close_trend(const char *const *labels, struct rc_result *r, size_t ph, int dir,
                        int count, size_t first, size_t last, const struct rc_options *o)
{
    if (dir == 0 || count < o->trend_min)
        return;
    for (size_t k = first; k <= last; k++)
        r->flags[k] |= RC_FLAG_TREND;
    struct rc_signal *sg = add_signal(r, RC_TREND, ph, first, last);
    describe(sg, labels, "%d points going %s", count, dir > 0 ? "up" : "down");
}

/* Trends: equal neighbouring values are skipped, so they neither add to nor break a trend; the
 * point where the direction turns ends one trend and starts the next. */
static void find_trends(const double *v, const char *const *labels, struct rc_result *r, size_t ph,
                        const struct rc_options *o)
{
    const struct rc_phase *p = &r->phases[ph];
    size_t prev = p->start, first = p->start, last = p->start;
    int dir = 0, count = 1;
    for (size_t i = p->start + 1; i < p->end; i++) {
        if (same_value(v[i], v[prev]))
            continue;
        int d = v[i] > v[prev] ? 1 : -1;
        if (dir == 0 || d == dir) {
            count++;
        } else {
            close_trend(labels, r, ph, dir, count, first, last, o);
            first = prev;
            count = 2;
        }
        dir = d;
        last = i;
        prev = i;
    }
    close_trend(labels, r, ph, dir, count, first, last, o);
}

static void check_runs(const char *const *labels, struct rc_result *r, size_t ph)
{
    struct rc_phase *p = &r->phases[ph];
    if (!runchart_runs_limits(p->useful, &p->runs_lo, &p->runs_hi))
        return;
    if (p->runs >= p->runs_lo && p->runs <= p->runs_hi)
        return;
    bool few = p->runs < p->runs_lo;
    struct rc_signal *sg =
        add_signal(r, few ? RC_RUNS_FEW : RC_RUNS_MANY, ph, p->start, p->end - 1);
    describe(sg, labels, "%d runs in %d useful observations (%s %d expected)", p->runs, p->useful,
             few ? "at least" : "at most", few ? p->runs_lo : p->runs_hi);
}

/* Sigma from the mean moving range of the baseline, as on an individuals chart: run charts
 * leave astronomical points to judgment, and this gives that judgment a stated, adjustable
 * threshold. */
static void find_astronomical(const double *v, const char *const *labels, struct rc_result *r,
                              size_t ph, const struct rc_options *o)
{
    struct rc_phase *p = &r->phases[ph];
    if (p->baseline < 2)
        return;
    double sum = 0;
    for (size_t i = p->start + 1; i < p->start + p->baseline; i++)
        sum += fabs(v[i] - v[i - 1]);
    p->sigma = sum / (double)(p->baseline - 1) / D2_N2;
    if (o->astro_sigmas <= 0 || p->sigma <= 0)
        return;
    double limit = o->astro_sigmas * p->sigma;
    for (size_t i = p->start; i < p->end; i++) {
        if (fabs(v[i] - p->median) <= limit)
            continue;
        r->flags[i] |= RC_FLAG_ASTRONOMICAL;
        struct rc_signal *sg = add_signal(r, RC_ASTRONOMICAL, ph, i, i);
        char buf[32];
        snprintf(sg->text, sizeof sg->text, "%s: %s lies more than %g sigma %s the median",
                 runchart_rule_name(RC_ASTRONOMICAL), label_of(labels, i, buf, sizeof buf),
                 o->astro_sigmas, v[i] > p->median ? "above" : "below");
    }
}

static int fail(char *err, size_t errlen, const char *msg)
{
    snprintf(err, errlen, "%s", msg);
    return -1;
}

/* Splits the series into phases; an implied first phase covers points before the first start. */
static int set_phases(size_t n, const struct rc_phase_in *in, size_t nin, size_t first_baseline,
                      struct rc_result *r, char *err, size_t errlen)
{
    bool implied = nin == 0 || in[0].start > 0;
    r->nphases = nin + (implied ? 1 : 0);
    r->phases = xcalloc(r->nphases, sizeof *r->phases);
    for (size_t k = 0; k < r->nphases; k++) {
        const struct rc_phase_in *src = implied ? (k ? &in[k - 1] : NULL) : &in[k];
        struct rc_phase *p = &r->phases[k];
        p->start = src ? src->start : 0;
        p->baseline = k == 0 && (implied || src->baseline == 0) ? first_baseline : src->baseline;
        if (k > 0 && p->start <= r->phases[k - 1].start)
            return fail(err, errlen, "phases must start at increasing points");
        if (p->start >= n)
            return fail(err, errlen, "a phase starts after the last point");
    }
    for (size_t k = 0; k < r->nphases; k++) {
        struct rc_phase *p = &r->phases[k];
        p->end = k + 1 < r->nphases ? r->phases[k + 1].start : n;
        size_t len = p->end - p->start;
        if (p->baseline == 0 || p->baseline > len)
            p->baseline = len;
    }
    return 0;
}

int runchart_analyze(const double *v, const char *const *labels, size_t n,
                     const struct rc_phase_in *phases, size_t nphases, size_t first_baseline,
                     const struct rc_options *o, struct rc_result *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    if (n == 0)
        return fail(err, errlen, "a run chart needs at least one point");
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return fail(err, errlen, "run chart values must be finite numbers");
    r->n = n;
    r->center = xcalloc(n, sizeof *r->center);
    r->flags = xcalloc(n, sizeof *r->flags);
    if (set_phases(n, phases, nphases, first_baseline, r, err, errlen) != 0)
        return -1;
    for (size_t k = 0; k < r->nphases; k++) {
        struct rc_phase *p = &r->phases[k];
        p->median = runchart_median(v + p->start, p->baseline);
        for (size_t i = p->start; i < p->end; i++)
            r->center[i] = p->median;
        find_shifts(v, labels, r, k, o);
        find_trends(v, labels, r, k, o);
        check_runs(labels, r, k);
        find_astronomical(v, labels, r, k, o);
    }
    return 0;
}

void runchart_free(struct rc_result *r)
{
    free(r->center);
    free(r->flags);
    free(r->phases);
    free(r->signals);
    memset(r, 0, sizeof *r);
}
