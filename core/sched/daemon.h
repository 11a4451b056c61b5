/* The scheduler daemon: one libuv loop that runs each enabled job at its cron times in the site
 * zone, catches up on missed runs at start-up, delivers the outbox with retries, runs plugin
 * timers, and answers SIGTERM/SIGINT (finish the current job, then stop) and SIGHUP (reload the
 * config and plugins into a new host, keeping the old one if anything fails). */
#ifndef SIXBB_DAEMON_H
#define SIXBB_DAEMON_H

#include <stdbool.h>

#include "cli.h"

struct daemon_opts {
    bool once;    /* run what is due now (with catch-up), deliver, exit */
    bool verbose; /* also log planning and timer arming */
};

/* Runs the daemon for the site cli names. Returns an exit status. */
int daemon_run(struct cli *cli, const struct daemon_opts *o);

#endif
