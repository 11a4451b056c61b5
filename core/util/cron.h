/* Cron expressions: the classic five fields (minute hour day-of-month month day-of-week) and the
 * @hourly-style macros, and the search for the next time one fires in a given time zone.
 * A parsed expression is a plain value (bit sets), so it needs no freeing and may be copied. */
#ifndef SIXBB_CRON_H
#define SIXBB_CRON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tz.h"

struct cron {
    uint64_t minute; /* bit n set: fires at minute n (0-59) */
    uint32_t hour;   /* bit n: hour n (0-23) */
    uint32_t mday;   /* bit n: day of month n (1-31) */
    uint16_t month;  /* bit n: month n (1-12) */
    uint8_t wday;    /* bit n: weekday n, 0 = Sunday (7 is stored as 0) */
    /* The field was written starting with '*' (a bare star or a star with a step). For the day
     * fields this selects the classic rule: when both are restricted a day matches if EITHER
     * does, otherwise both must. For the hour field it marks a job that follows the clock (see
     * cron_next). */
    bool mday_star, wday_star, hour_star;
};

/* Parses expr. 0 on success; -1 with a message naming the field and the offending text in err,
 * e.g. `cron: field 2 (hour) value 24 is out of range 0-23 in "0 24 * * *"`. */
int cron_parse(const char *expr, struct cron *out, char *err, size_t errlen);

/* Whether the expression's day fields and month accept this calendar day. */
bool cron_day_matches(const struct cron *c, int year, int month, int day);

enum cron_status {
    CRON_OK = 0,
    CRON_NEVER = -1,        /* no day in a whole 400-year Gregorian cycle matches */
    CRON_OUT_OF_RANGE = -2, /* the search left the years 1..9999 */
};

/* The first fire instant strictly after after_utc, evaluated on the wall clock of z.
 *
 * Each matching wall-clock minute fires at most once:
 * - a time the clocks pass once fires then;
 * - a time repeated when the clocks go back fires at its first occurrence only, for every job
 *   (so a job every 30 minutes is silent during the second pass of the repeated hour);
 * - a time skipped when the clocks go forward: if the hour field is restricted (a job "at a
 *   time", e.g. "30 2 * * *") it fires once at the first instant after the gap; several skipped
 *   times of one day share that single firing. If the hour field starts with '*' the job follows
 *   the clock and a skipped time simply does not happen.
 * Cost grows with the number of months searched, not minutes: an expression that never matches
 * is detected after one 400-year cycle (the Gregorian calendar repeats after that). */
enum cron_status cron_next(const struct cron *c, const struct tz *z, int64_t after_utc,
                           int64_t *next_utc);

#endif
