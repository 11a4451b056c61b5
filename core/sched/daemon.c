#include "daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include <uv.h>

#include "clock.h"
#include "deliver.h"
#include "jobs.h"
#include "outbox.h"
#include "scheduler.h"
#include "site.h"
#include "timer.h"
#include "tz.h"
#include "util.h"

/* The longest the daemon sleeps between looks at the clock. Timers count monotonic time, so
 * waking up at least this often keeps schedules right when the wall clock is stepped. */
#define MAX_SLEEP_SECONDS 60.0

/* What comes from one host: its config and plugins decide all of these, and a reload swaps
 * them together. */
struct config_set {
    struct host *host;
    struct sched_config settings; /* read from the host's config once */
    struct job_list jobs;
    int64_t *last; /* per job: every scheduled time at or before this has been dealt with */
    struct tz *zone;
    struct delivery delivery;
    int64_t window;      /* catch-up window, seconds */
    double poll_seconds; /* how often to look for messages queued by other processes */
};

struct daemon {
    uv_loop_t loop;
    uv_timer_t wake;
    uv_signal_t sigterm, sigint, sighup;
    struct clock clock;
    struct site *site; /* directory and store; the host lives in cfg */
    struct config_set cfg;
    struct daemon_opts opts;
    int lock; /* the daemon lock's file descriptor, -1 until taken */
    bool stopping;
    int failures; /* job or delivery failures, for --once's exit status */
};

/* ---- configuration sets ---- */

static void attach_timers(struct host *h, void *arg)
{
    struct daemon *d = arg;
    timer_attach(h, &d->loop, &d->clock);
}

static void config_free(struct config_set *c)
{
    jobs_free(&c->jobs);
    sched_config_free(&c->settings);
    free(c->last);
    delivery_free(&c->delivery);
    tz_free(c->zone);
    if (c->host) {
        timer_detach(c->host);
        host_free(c->host);
    }
    memset(c, 0, sizeof *c);
}

/* Loads config and plugins into a new set. A plugin that fails makes the set unacceptable
 * when `strict` (a reload must not lose a plugin that works now) unless it already failed in
 * `prev`. 0, or -1 after logging why. */
static int config_load(struct daemon *d, struct config_set *c, const struct config_set *prev)
{
    memset(c, 0, sizeof *c);
    char *why = NULL;
    c->host = site_host_load(d->site->store, d->site->dir, false, attach_timers, d, &why);
    if (!c->host) {
        if (d->opts.report)
            d->opts.report(why);
        free(why);
        return -1;
    }
    /* Errors of evaluations the jobs run reach the daemon's caller as load errors do. */
    c->host->on_error = d->opts.report;
    for (size_t i = 0; prev && i < c->host->nplugins; i++) {
        const struct plugin *p = &c->host->plugins[i];
        bool failed_before = false;
        for (size_t k = 0; k < prev->host->nplugins; k++)
            if (prev->host->plugins[k].error && strcmp(prev->host->plugins[k].file, p->file) == 0)
                failed_before = true;
        if (p->error && !failed_before) {
            host_log("error", "reload: plugin %s failed to load: %s", p->file, p->error);
            return -1;
        }
    }
    site_sched_config(c->host, &c->settings);
    char err[512];
    if (!(c->zone = jobs_zone(&c->settings, err, sizeof err)) ||
        delivery_init(&c->delivery, &c->settings.delivery, d->site->dir, c->zone, err,
                      sizeof err) < 0) {
        host_log("error", "configuration error: %s", err);
        return -1;
    }
    if (jobs_load(c->host, &c->settings, &c->jobs) < 0) {
        host_log("error", "configuration error: %s", c->host->last_error);
        return -1;
    }
    c->window = (int64_t)(c->settings.catch_up_hours * 3600);
    c->poll_seconds = c->settings.poll_seconds;
    if (c->window < 0 || !(c->poll_seconds > 0)) {
        host_log("error", "configuration error: scheduler.catch_up_hours must be 0 or more and "
                          "scheduler.poll_seconds above 0");
        return -1;
    }
    c->last = xcalloc(c->jobs.n ? c->jobs.n : 1, sizeof *c->last);
    return 0;
}

/* Where each job's catch-up starts: from the previous set for a job it knew, else what the
 * database says, else now (a job never seen before has missed nothing). Disabled jobs are
 * brought up to now so that switching one on later does not replay the time it was off. */
static int config_start_positions(struct daemon *d, struct config_set *c,
                                  const struct config_set *prev)
{
    struct store *s = d->site->store;
    int64_t now = clock_now(&d->clock);
    for (size_t i = 0; i < c->jobs.n; i++) {
        const struct job *j = &c->jobs.v[i];
        struct job *old = prev ? jobs_find(&prev->jobs, j->id) : NULL;
        int found = 0;
        if (!j->enabled || j->error) {
            c->last[i] = now;
            if (sched_set_checked(s, j->id, now) < 0)
                return -1;
            continue;
        }
        if (old) {
            c->last[i] = prev->last[old - prev->jobs.v];
            continue;
        }
        if ((found = sched_checked_until(s, j->id, &c->last[i])) < 0)
            return -1;
        if (!found) {
            c->last[i] = now;
            if (sched_set_checked(s, j->id, now) < 0)
                return -1;
        }
    }
    return 0;
}

/* ---- running jobs ---- */

static void run_scheduled(struct daemon *d, const struct job *j, int64_t at)
{
    struct config_set *c = &d->cfg;
    struct store *s = d->site->store;
    char iso[TZ_ISO_LEN];
    tz_format_iso(c->zone, at, iso);
    int64_t run_id;
    int claimed = sched_claim(s, j->id, at, clock_now(&d->clock), false, &run_id);
    if (claimed < 0) {
        host_log("error", "job %s: cannot record the run for %s: %s", j->id, iso,
                 store_errmsg(s));
        d->failures++;
        return;
    }
    if (claimed == 0) {
        host_log("info", "job %s: the run for %s is already recorded; not running it again",
                 j->id, iso);
        return;
    }
    host_log("info", "job %s (plugin %s): running for %s", j->id, j->plugin, iso);
    struct job_ctx ctx = {.scheduled = at, .as_of = DATE_NONE, .zone = c->zone,
                          .channel = channel_name(c->delivery.channel)};
    struct job_outcome o;
    double started = clock_monotonic();
    if (jobs_execute(c->host, s, j, run_id, &ctx, &d->clock, &o) < 0) {
        host_log("error", "job %s: cannot record the end of the run: %s", j->id, store_errmsg(s));
        d->failures++;
    } else if (o.ok) {
        host_log("info", "job %s: ok in %.2fs, %d message(s) queued, %d duplicate(s) ignored",
                 j->id, clock_monotonic() - started, o.queued, o.duplicates);
    } else {
        host_log("error", "job %s failed: %s", j->id, o.error);
        d->failures++;
    }
    job_outcome_free(&o);
}

/* Deals with every scheduled time of job i up to now: skipped ones are recorded, the latest
 * runs if it is inside the catch-up window. */
static void handle_job(struct daemon *d, size_t i)
{
    struct config_set *c = &d->cfg;
    const struct job *j = &c->jobs.v[i];
    int64_t now = clock_now(&d->clock);
    struct sched_plan plan;
    if (sched_plan(&j->cron, c->zone, c->last[i], now, c->window, &plan) < 0)
        return;
    if (plan.skipped_total > 0) {
        char iso[TZ_ISO_LEN];
        host_log("warn", "job %s: %lld missed run(s) skipped, the latest for %s%s", j->id,
                 plan.skipped_total,
                 tz_format_iso(c->zone, plan.skipped[plan.nskipped - 1], iso),
                 plan.skipped_total > plan.nskipped ? " (only the most recent are recorded)" : "");
        if (sched_skip(d->site->store, j->id, plan.skipped, plan.nskipped, now, now) < 0)
            host_log("error", "job %s: cannot record skipped runs: %s", j->id,
                     store_errmsg(d->site->store));
    }
    c->last[i] = now;
    if (plan.run)
        run_scheduled(d, j, plan.run_at);
}

static void deliver(struct daemon *d)
{
    int delivered = 0, failed = 0;
    if (deliver_due(d->site->store, &d->cfg.delivery, &d->clock, &delivered, &failed) < 0) {
        host_log("error", "outbox: %s", store_errmsg(d->site->store));
        d->failures++;
    }
    d->failures += failed;
    if (d->opts.verbose && (delivered || failed))
        host_log("info", "outbox: %d delivered, %d failed this round", delivered, failed);
}

/* ---- the wake-up timer ---- */

/* The next time anything is due: a job, a delivery retry, or the poll for messages queued by
 * other processes. */
static double next_wake(struct daemon *d, const char **why)
{
    struct config_set *c = &d->cfg;
    double now = d->clock.now(&d->clock);
    double at = now + c->poll_seconds;
    *why = "outbox poll";
    for (size_t i = 0; i < c->jobs.n; i++) {
        const struct job *j = &c->jobs.v[i];
        int64_t next;
        if (j->enabled && !j->error && cron_next(&j->cron, c->zone, c->last[i], &next) == CRON_OK &&
            (double)next < at) {
            at = (double)next;
            *why = j->id;
        }
    }
    int64_t retry;
    if (outbox_earliest_pending(d->site->store, &retry) == 1 && (double)retry < at) {
        at = retry > now ? (double)retry : now;
        *why = "outbox retry";
    }
    return at;
}

static void on_wake(uv_timer_t *t);

static void arm(struct daemon *d)
{
    if (d->stopping)
        return;
    const char *why;
    double at = next_wake(d, &why);
    uint64_t ms = clock_delay_ms(&d->clock, at);
    uint64_t cap = (uint64_t)(MAX_SLEEP_SECONDS * 1000);
    if (ms > cap)
        ms = cap;
    /* Never 0: libuv runs a timer re-armed from its own callback with no delay in the same
     * pass, so jobs due back to back would starve the poll phase, and with it signals. */
    if (ms < 1)
        ms = 1;
    if (d->opts.verbose) {
        char iso[TZ_ISO_LEN];
        host_log("info", "next wake-up for %s at %s (in %.3fs)", why,
                 tz_format_iso(d->cfg.zone, (int64_t)at, iso), (double)ms / 1000);
    }
    uv_timer_start(&d->wake, on_wake, ms, 0);
}

static void tick(struct daemon *d)
{
    for (size_t i = 0; i < d->cfg.jobs.n; i++)
        if (d->cfg.jobs.v[i].enabled && !d->cfg.jobs.v[i].error)
            handle_job(d, i);
    deliver(d);
}

static void on_wake(uv_timer_t *t)
{
    struct daemon *d = t->data;
    tick(d);
    arm(d);
}

/* ---- signals ---- */

static void close_all(struct daemon *d)
{
    timer_detach(d->cfg.host);
    uv_close((uv_handle_t *)&d->wake, NULL);
    uv_close((uv_handle_t *)&d->sigterm, NULL);
    uv_close((uv_handle_t *)&d->sigint, NULL);
    uv_close((uv_handle_t *)&d->sighup, NULL);
}

static void on_stop(uv_signal_t *s, int signum)
{
    struct daemon *d = s->data;
    if (d->stopping)
        return;
    host_log("info", "received %s: stopping", signum == SIGTERM ? "SIGTERM" : "SIGINT");
    d->stopping = true;
    close_all(d);
}

static void reload(struct daemon *d)
{
    host_log("info", "received SIGHUP: reloading the configuration and plugins");
    struct config_set next;
    if (config_load(d, &next, &d->cfg) < 0 ||
        config_start_positions(d, &next, &d->cfg) < 0) {
        config_free(&next);
        host_log("error", "reload failed; keeping the previous configuration and plugins");
        return;
    }
    config_free(&d->cfg);
    d->cfg = next;
    host_log("info", "reloaded: %zu plugin file(s), %zu job(s)", d->cfg.host->nplugins,
             d->cfg.jobs.n);
}

static void on_hup(uv_signal_t *s, int signum)
{
    (void)signum;
    struct daemon *d = s->data;
    if (d->stopping)
        return;
    reload(d);
    uv_timer_stop(&d->wake);
    tick(d);
    arm(d);
}

/* ---- start and stop ---- */

/* One daemon per site: an exclusive lock on a file in the site directory, released by the
 * kernel however the process ends. */
int daemon_lock(struct daemon *d, const char *dir, char *err, size_t errlen)
{
    char *path = xasprintf("%s/.daemon.lock", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    free(path);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open the daemon lock in %s: %s", dir, strerror(errno));
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        char pid[32] = "";
        ssize_t n = read(fd, pid, sizeof pid - 1);
        pid[n > 0 ? n : 0] = 0;
        snprintf(err, errlen, "another sixbb daemon is running for %s (pid %s)", dir,
                 *pid ? pid : "?");
        close(fd);
        return -1;
    }
    char pid[32];
    int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) == 0 && pwrite(fd, pid, (size_t)n, 0) < 0)
        host_log("warn", "cannot write the pid into the daemon lock");
    d->lock = fd;
    return 0;
}

static void log_start(struct daemon *d)
{
    char iso[TZ_ISO_LEN];
    struct config_set *c = &d->cfg;
    if (d->clock.fake)
        host_log("warn", "using a test clock (SIXBB_FAKE_NOW) that started at %s and runs %gx "
                         "real time",
                 tz_format_iso(c->zone, clock_now(&d->clock), iso), d->clock.scale);
    size_t enabled = 0;
    for (size_t i = 0; i < c->jobs.n; i++) {
        const struct job *j = &c->jobs.v[i];
        if (j->error)
            host_log("error", "job %s is not scheduled: %s", j->id, j->error);
        else if (j->enabled)
            enabled++;
    }
    host_log("info", "sixbb daemon %s for %s: %zu job(s), %zu enabled, zone %s, channel %s%s",
             SIXBB_VERSION, d->site->dir, c->jobs.n, enabled, tz_name(c->zone),
             channel_name(c->delivery.channel), d->opts.once ? ", once" : "");
}

/* Settles what a previous process left behind. */
static int recover(struct daemon *d)
{
    int64_t now = clock_now(&d->clock);
    int n = sched_interrupt_stale(d->site->store, now);
    if (n > 0)
        host_log("warn", "%d run(s) left unfinished by a stopped process marked interrupted; "
                         "they are not run again", n);
    int m = n < 0 ? -1 : deliver_recover(d->site->store, &d->cfg.delivery, now);
    if (m > 0)
        host_log("info", "outbox: %d message(s) left in 'sending' were settled", m);
    if (n < 0 || m < 0) {
        host_log("error", "recovery failed: %s", store_errmsg(d->site->store));
        return -1;
    }
    return 0;
}

static int start(struct daemon *d)
{
    if (config_load(d, &d->cfg, NULL) < 0)
        return -1;
    /* An accelerated test clock starts now that the plugins are loaded, whatever that took. */
    clock_rebase(&d->clock);
    log_start(d);
    if (recover(d) < 0 || config_start_positions(d, &d->cfg, NULL) < 0)
        return -1;
    return 0;
}

/* Installed before the first tick, so a SIGTERM during start-up catch-up also waits for the
 * job in progress. */
static void install_handles(struct daemon *d)
{
    uv_timer_init(&d->loop, &d->wake);
    d->wake.data = d;
    uv_signal_t *sigs[] = {&d->sigterm, &d->sigint, &d->sighup};
    int nums[] = {SIGTERM, SIGINT, SIGHUP};
    for (int i = 0; i < 3; i++) {
        uv_signal_init(&d->loop, sigs[i]);
        sigs[i]->data = d;
        uv_signal_start(sigs[i], nums[i] == SIGHUP ? on_hup : on_stop, nums[i]);
    }
}

static void run_loop(struct daemon *d)
{
    arm(d);
    uv_run(&d->loop, UV_RUN_DEFAULT);
    host_log("info", "stopped");
}

struct daemon *daemon_new(const struct daemon_opts *o, char *err, size_t errlen)
{
    struct daemon *d = xcalloc(1, sizeof *d);
    d->opts = *o;
    d->lock = -1;
    if (clock_init_from_env(&d->clock, err, errlen) < 0) {
        free(d);
        return NULL;
    }
    /* A delivery command that exits early must fail that delivery, not kill the daemon. */
    signal(SIGPIPE, SIG_IGN);
    return d;
}

int daemon_run(struct daemon *d, struct site *site)
{
    uv_loop_init(&d->loop);
    int rc = -1;
    d->site = site;
    if (start(d) == 0) {
        if (!d->opts.once)
            install_handles(d);
        tick(d);
        /* A stop signal that arrived during the first tick is handled by the loop: it closes
         * the handles and the loop returns at once. */
        if (!d->opts.once)
            run_loop(d);
        rc = d->opts.once && d->failures ? -1 : 0;
    }
    config_free(&d->cfg);
    /* Let libuv finish closing plugin timers and our handles before the loop goes away. */
    uv_run(&d->loop, UV_RUN_DEFAULT);
    uv_loop_close(&d->loop);
    d->site = NULL;
    return rc;
}

void daemon_free(struct daemon *d)
{
    if (!d)
        return;
    if (d->lock >= 0)
        close(d->lock);
    free(d);
}
