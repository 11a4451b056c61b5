/* sixbb daemon [--once] [--verbose]. */
#include <limits.h>
#include <stdio.h>

#include "commands.h"
#include "daemon.h"
#include "site.h"

static const char daemon_usage[] =
    "usage: sixbb [-C DIR] daemon [--once] [--verbose]\n"
    "\n"
    "Runs the site's scheduled jobs at their times (cron, in the site's time zone) and delivers\n"
    "the messages they queue, retrying failed deliveries with backoff. Logs go to stderr.\n"
    "At start-up, runs a process left unfinished are marked 'interrupted' (never run again),\n"
    "and for each job the latest scheduled time missed within scheduler.catch_up_hours runs\n"
    "once; older missed times are recorded as 'skipped'.\n"
    "\n"
    "Signals: SIGTERM or SIGINT lets the running job finish, then exits 0. SIGHUP reloads the\n"
    "config and plugins; if anything fails to load, the previous ones stay and the log says\n"
    "why. One daemon runs per site at a time.\n"
    "\n"
    "  --once      run what is due now (including catch-up), deliver, and exit; for setups\n"
    "              that start sixbb from cron instead of running it continuously\n"
    "  --verbose   also log when the next wake-up is and why\n";

static void report(const char *why)
{
    cli_fail("%s", why);
}

/* The lock is taken before the site is opened, so a second daemon stops before touching the
 * database. */
static int run(struct cli *cli, const struct daemon_opts *o)
{
    char err[PATH_MAX + 512];
    struct daemon *d = daemon_new(o, err, sizeof err);
    if (!d)
        return cli_fail("%s", err);
    if (cli_find_site(cli) != 0) {
        daemon_free(d);
        return EXIT_FAIL;
    }
    if (daemon_lock(d, cli->site_dir, err, sizeof err) < 0) {
        daemon_free(d);
        return cli_fail("%s", err);
    }
    int rc = EXIT_FAIL;
    struct site *s = site_open(cli, 0, "daemon");
    if (s)
        rc = daemon_run(d, s) == 0 ? EXIT_OK : EXIT_FAIL;
    site_close(s);
    daemon_free(d);
    return rc;
}

int cmd_daemon(struct cli *cli, int argc, char **argv)
{
    struct daemon_opts o = {.report = report};
    const struct opt opts[] = {
        {"once", 0, OPT_FLAG, &o.once}, {"verbose", 'v', OPT_FLAG, &o.verbose}, {NULL, 0, 0, NULL}};
    int parsed = cli_parse(argc, argv, opts, daemon_usage, NULL, NULL);
    if (parsed != 0)
        return parsed > 0 ? EXIT_OK : EXIT_USAGE;
    return run(cli, &o);
}
