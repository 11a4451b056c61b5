/* sixbb daemon [--once] [--verbose]. */
#include <stdio.h>

#include "commands.h"
#include "daemon.h"

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

int cmd_daemon(struct cli *cli, int argc, char **argv)
{
    struct daemon_opts o = {0};
    const struct opt opts[] = {{"once", 0, OPT_FLAG, &o.once},
                               {"verbose", 'v', OPT_FLAG, &o.verbose},
                               {NULL, 0, 0, NULL}};
    int parsed = cli_parse(argc, argv, opts, daemon_usage, NULL, NULL);
    if (parsed != 0)
        return parsed > 0 ? EXIT_OK : EXIT_USAGE;
    return daemon_run(cli, &o);
}
