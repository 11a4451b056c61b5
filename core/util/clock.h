/* The scheduler's one source of "now". Every read of the current time in the daemon, the job
 * runner and the outbox goes through a struct clock, so tests can hold time still, move it by
 * hand, or run it faster than real time instead of sleeping. */
#ifndef SIXBB_CLOCK_H
#define SIXBB_CLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct clock {
    /* Current time in Unix seconds (with a fraction). */
    double (*now)(const struct clock *c);
    /* Clock seconds that pass per real second: 1 normally, more under an accelerated test
     * clock. Timer delays are divided by it. */
    double scale;
    /* State of the built-in clocks. */
    double base;      /* clock time at start (fake clocks) */
    double real_base; /* monotonic seconds at start (fake clocks) */
    double fixed;     /* the time a manual clock reports */
    bool fake;        /* not the system clock: said once in the daemon's log */
};

/* The system clock. */
void clock_init_system(struct clock *c);
/* A clock that reports c->fixed until the caller changes it (unit tests). */
void clock_init_manual(struct clock *c, double at);
/* A clock that starts at `start` and runs `scale` times faster than real time. */
void clock_init_fake(struct clock *c, double start, double scale);
/* Restarts a fake clock at its start time from now, so the time spent loading plugins does not
 * count against a test's accelerated schedule. The system clock is left alone. */
void clock_rebase(struct clock *c);
/* The system clock, unless SIXBB_FAKE_NOW is set (an ISO date-time such as
 * 2026-01-05T07:29:58Z, or Unix seconds); then a fake clock starting there and running
 * SIXBB_TIME_SCALE times real speed (default 1). -1 with a message in err when they are
 * malformed. */
int clock_init_from_env(struct clock *c, char *err, size_t errlen);

/* Whole seconds (rounded down). */
int64_t clock_now(const struct clock *c);
/* Real milliseconds to wait until the clock reads `at` (0 when already there), rounded up so
 * a timer never fires before its time. */
uint64_t clock_delay_ms(const struct clock *c, double at);

/* Monotonic seconds, for measuring durations. */
double clock_monotonic(void);

#endif
