/* The scheduler daemon: one libuv loop that runs each enabled job at its cron times in the site
 * zone, catches up on missed runs at start-up, delivers the outbox with retries, runs plugin
 * timers, and answers SIGTERM/SIGINT (finish the current job, then stop) and SIGHUP (reload the
 * config and plugins into a new host, keeping the old one if anything fails). */
#ifndef SIXBB_DAEMON_H
#define SIXBB_DAEMON_H

#include <stdbool.h>

#include <stddef.h>

struct daemon;
struct site;

struct daemon_opts {
    bool once;    /* run what is due now (with catch-up), deliver, exit */
    bool verbose; /* also log planning and timer arming */
    /* Told why the host could not be set up, at start-up or on a reload; the log then says what
     * the daemon does about it. */
    void (*report)(const char *why);
};

/* A daemon not yet bound to a site: the clock (from SIXBB_FAKE_NOW and SIXBB_TIME_SCALE) is
 * read, SIGPIPE ignored. NULL with the reason in err. */
struct daemon *daemon_new(const struct daemon_opts *o, char *err, size_t errlen);
/* Takes the site's daemon lock (one daemon per site). 0, or -1 with the reason in err. */
int daemon_lock(struct daemon *d, const char *site_dir, char *err, size_t errlen);
/* Runs the daemon on an open site (its store; the daemon loads its own hosts) until stopped,
 * or once with --once. 0 on success; -1 when it could not start or, with --once, when a job or
 * a delivery failed. */
int daemon_run(struct daemon *d, struct site *site);
/* Releases the lock and frees d; d may be NULL. */
void daemon_free(struct daemon *d);

#endif
