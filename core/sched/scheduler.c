#include "scheduler.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "util.h"

int sched_plan(const struct cron *c, const struct tz *z, int64_t last, int64_t now, int64_t window,
               struct sched_plan *out)
{
    memset(out, 0, sizeof *out);
    int64_t t = last, next, latest = 0;
    bool any = false;
    for (;;) {
        enum cron_status st = cron_next(c, z, t, &next);
        if (st == CRON_OUT_OF_RANGE || (st == CRON_OK && next > now))
            break;
        if (st != CRON_OK)
            return -1;
        if (any) {
            /* The previous latest is now an older missed time: keep the most recent ones. */
            if (out->nskipped == SCHED_MAX_SKIPPED) {
                memmove(out->skipped, out->skipped + 1,
                        (SCHED_MAX_SKIPPED - 1) * sizeof *out->skipped);
                out->nskipped--;
            }
            out->skipped[out->nskipped++] = latest;
            out->skipped_total++;
        }
        latest = next;
        any = true;
        t = next;
    }
    if (!any)
        return 0;
    out->run_at = latest;
    if (now - latest <= window) {
        out->run = true;
        return 0;
    }
    if (out->nskipped == SCHED_MAX_SKIPPED) {
        memmove(out->skipped, out->skipped + 1, (SCHED_MAX_SKIPPED - 1) * sizeof *out->skipped);
        out->nskipped--;
    }
    out->skipped[out->nskipped++] = latest;
    out->skipped_total++;
    return 0;
}

static bool process_gone(int64_t pid)
{
    return pid <= 0 || (kill((pid_t)pid, 0) != 0 && errno == ESRCH);
}

/* A manual run belongs to the process that started it, which may still be working on it. */
static bool still_running(bool manual, int64_t pid)
{
    return manual && !process_gone(pid);
}

int sched_interrupt_stale(struct store *s, int64_t now)
{
    return sched_interrupt_runs(s, now, still_running);
}

int sched_claim(struct store *s, const char *job, int64_t scheduled, int64_t now, bool manual,
                int64_t *run_id)
{
    return sched_claim_as(s, job, scheduled, now, manual, (int64_t)getpid(), run_id);
}
