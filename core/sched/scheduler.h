/* Scheduling decisions, without Lua or an event loop: which scheduled times of a job are due,
 * which were missed and are skipped. The job_runs rows that make each scheduled time run at most
 * once are the store's (store_jobruns.h): a time is claimed in a committed transaction before
 * the job runs, so neither a crash nor a second process can run it again. */
#ifndef SIXBB_SCHEDULER_H
#define SIXBB_SCHEDULER_H

#include <stdbool.h>
#include <stdint.h>

#include "cron.h"
#include "store_jobruns.h"

struct store;

/* How many skipped times one plan lists (the most recent ones); older ones are only counted. */
#define SCHED_MAX_SKIPPED 100

struct sched_plan {
    bool run;       /* run_at is due and inside the catch-up window */
    int64_t run_at; /* the latest scheduled time in (last, now] */
    int nskipped;   /* times in skipped[], oldest first */
    int64_t skipped[SCHED_MAX_SKIPPED];
    long long skipped_total; /* every missed time that does not run, listed or not */
};

/* Plans the scheduled times in (last, now]: only the latest runs, and only if it is no more
 * than `window` seconds old; every other time is skipped. A job that falls far behind therefore
 * sends one reminder, not a burst. 0, or -1 when the expression never fires. */
int sched_plan(const struct cron *c, const struct tz *z, int64_t last, int64_t now, int64_t window,
               struct sched_plan *out);

/* Claims (job, scheduled) for a run by this process (see sched_claim_as). */
int sched_claim(struct store *s, const char *job, int64_t scheduled, int64_t now, bool manual,
                int64_t *run_id);

/* Marks runs left 'running' by a process that no longer exists as 'interrupted': every
 * scheduled one (the caller holds the daemon lock, so no other scheduler runs) and manual ones
 * whose process is gone. They are never run again. Returns how many, or -1. */
int sched_interrupt_stale(struct store *s, int64_t now);

#endif
