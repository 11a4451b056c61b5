/* Run charts: the median centre line of each phase and the four run-chart rules improvement
 * teams read them by (shift, trend, too few or too many runs, astronomical point). Pure C with
 * no Lua and no rendering, so the rules can be tested on constructed series at their boundaries;
 * the SVG renderer and sixbb.report.runchart both call runchart_analyze(). */
#ifndef SIXBB_RUNCHART_H
#define SIXBB_RUNCHART_H

#include <stdbool.h>
#include <stddef.h>

enum rc_rule { RC_SHIFT, RC_TREND, RC_RUNS_FEW, RC_RUNS_MANY, RC_ASTRONOMICAL };

/* Per-point flags. */
#define RC_FLAG_SHIFT 1u
#define RC_FLAG_TREND 2u
#define RC_FLAG_ASTRONOMICAL 4u
#define RC_FLAG_ON_MEDIAN 8u /* exactly on its phase's median: ignored by shifts and runs */

struct rc_options {
    int shift_min;       /* points on one side of the median that make a shift (6) */
    int trend_min;       /* points all going up or all going down that make a trend (5) */
    double astro_sigmas; /* astronomical beyond median ± this × sigma estimate; 0 = rule off (3) */
};
void runchart_options_default(struct rc_options *o);

/* A phase starts at a point (0-based; the first phase always starts at 0) and takes its median
 * from its first `baseline` points (0 = every point of the phase). */
struct rc_phase_in {
    size_t start;
    size_t baseline;
};

struct rc_phase {
    size_t start, end; /* points [start, end) */
    size_t baseline;   /* points that set the median */
    double median;
    double sigma;         /* mean moving range of the baseline ÷ 1.128; 0 when not estimable */
    int useful;           /* points not on the median */
    int runs;             /* runs among the useful points */
    int runs_lo, runs_hi; /* fewer than lo or more than hi runs is a signal; 0 = not applied */
};

struct rc_signal {
    enum rc_rule rule;
    size_t phase, first, last; /* 0-based point indexes, inclusive */
    char text[320];            /* plain words, naming the points by their labels */
};

struct rc_result {
    size_t n;
    double *center;  /* per point: the median of its phase */
    unsigned *flags; /* per point: RC_FLAG_* */
    struct rc_phase *phases;
    size_t nphases;
    struct rc_signal *signals;
    size_t nsignals;
};

/* Analyses n values (labels may be NULL, or hold NULL entries: points are then named by
 * number). phases[0..nphases) must start at strictly increasing points inside the series; the
 * first may start at 0 (it then sets the first phase's baseline), otherwise a first phase over
 * all points before it is implied with baseline `first_baseline`. Returns 0, or -1 with err set
 * for an empty series or a bad phase. Free r with runchart_free() either way. */
int runchart_analyze(const double *values, const char *const *labels, size_t n,
                     const struct rc_phase_in *phases, size_t nphases, size_t first_baseline,
                     const struct rc_options *o, struct rc_result *r, char *err, size_t errlen);
void runchart_free(struct rc_result *r);

/* Limits on the number of runs for `useful` observations: from the published table for 10-60
 * useful observations, by the normal approximation above 60. Returns false (lo = hi = 0) below
 * 10, where the rule is not applied. */
bool runchart_runs_limits(int useful, int *lo, int *hi);

/* "shift", "trend", "too few runs", "too many runs", "astronomical point". */
const char *runchart_rule_name(enum rc_rule rule);
/* The median of n values (n > 0); the values are not modified. */
double runchart_median(const double *values, size_t n);

#endif
