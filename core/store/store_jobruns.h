/* The job-run ledger: one job_runs row per scheduled time a job ran, was skipped or was cut
 * short, and per job the time up to which the scheduler has dealt with its schedule
 * (job_state.checked_until). Which times run and which are skipped is decided in core/sched. */
#ifndef SIXBB_STORE_JOBRUNS_H
#define SIXBB_STORE_JOBRUNS_H

#include <stdbool.h>
#include <stdint.h>

struct store;

/* Claims (job, scheduled) for a run by process pid: inserts a 'running' row and, for scheduled
 * runs, moves the job's checked_until forward, in one transaction. Returns 1 when claimed
 * (*run_id set), 0 when that scheduled time was already claimed, -1 on a database error.
 * Manual runs are never refused. */
int sched_claim_as(struct store *s, const char *job, int64_t scheduled, int64_t now, bool manual,
                   int64_t pid, int64_t *run_id);
/* Records the end of a run: status 'ok' or 'error', with the error text. Joins the caller's
 * transaction if one is open. 0 or -1. */
int sched_finish(struct store *s, int64_t run_id, int64_t now, const char *status,
                 const char *error);
/* Records skipped scheduled times (ignoring any already recorded) and moves checked_until to
 * `until`, in one transaction. 0 or -1. */
int sched_skip(struct store *s, const char *job, const int64_t *times, int n, int64_t until,
               int64_t now);

/* Marks every run left 'running' as 'interrupted', except those still_running(manual, pid)
 * keeps, in one transaction. Returns how many, or -1. */
int sched_interrupt_runs(struct store *s, int64_t now,
                         bool (*still_running)(bool manual, int64_t pid));

/* The job's checked_until: 1 when recorded, 0 when the scheduler has never seen the job, -1 on
 * error. */
int sched_checked_until(struct store *s, const char *job, int64_t *until);
/* Sets checked_until (never moving it back). 0 or -1. */
int sched_set_checked(struct store *s, const char *job, int64_t until);

/* The latest run of a job (manual or scheduled). */
struct sched_last {
    bool found;
    int64_t scheduled_at, started_at, finished_at;
    bool manual;
    char status[16];
};
int sched_last_run(struct store *s, const char *job, struct sched_last *out);

#endif
