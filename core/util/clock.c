#include "clock.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "tz.h"

double clock_monotonic(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double system_now(const struct clock *c)
{
    (void)c;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double manual_now(const struct clock *c)
{
    return c->fixed;
}

static double fake_now(const struct clock *c)
{
    return c->base + (clock_monotonic() - c->real_base) * c->scale;
}

void clock_init_system(struct clock *c)
{
    *c = (struct clock){.now = system_now, .scale = 1};
}

void clock_init_manual(struct clock *c, double at)
{
    *c = (struct clock){.now = manual_now, .scale = 1, .fixed = at, .fake = true};
}

void clock_init_fake(struct clock *c, double start, double scale)
{
    *c = (struct clock){.now = fake_now,
                        .scale = scale,
                        .base = start,
                        .real_base = clock_monotonic(),
                        .fake = true};
}

void clock_rebase(struct clock *c)
{
    if (c->fake && c->now == fake_now)
        c->real_base = clock_monotonic();
}

static int parse_start(const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (!errno && end != text && !*end) {
        *out = v;
        return 0;
    }
    struct tz_time t;
    bool has_offset;
    int offset;
    if (tz_parse_iso(text, &t, &has_offset, &offset) < 0 || !has_offset)
        return -1;
    *out = (double)(tz_wall_from_time(&t) - offset);
    return 0;
}

int clock_init_from_env(struct clock *c, char *err, size_t errlen)
{
    const char *start = getenv("SIXBB_FAKE_NOW");
    const char *scale = getenv("SIXBB_TIME_SCALE");
    if (!start || !*start) {
        clock_init_system(c);
        return 0;
    }
    double at, factor = 1;
    if (parse_start(start, &at) < 0) {
        snprintf(err, errlen,
                 "SIXBB_FAKE_NOW must be Unix seconds or a date-time with Z or an offset, "
                 "e.g. 2026-01-05T07:30:00Z, not '%s'",
                 start);
        return -1;
    }
    if (scale && *scale) {
        char *end;
        factor = strtod(scale, &end);
        if (*end || !(factor > 0) || factor > 1e6) {
            snprintf(err, errlen, "SIXBB_TIME_SCALE must be a number above 0, not '%s'", scale);
            return -1;
        }
    }
    clock_init_fake(c, at, factor);
    return 0;
}

int64_t clock_now(const struct clock *c)
{
    return (int64_t)floor(c->now(c));
}

uint64_t clock_delay_ms(const struct clock *c, double at)
{
    double wait = (at - c->now(c)) / c->scale;
    if (wait <= 0)
        return 0;
    /* libuv truncates its loop time to milliseconds, so a timer may fire up to 1 ms early. */
    return (uint64_t)ceil(wait * 1000.0) + 1;
}
