/* sixbb jobs …: scheduled jobs. `jobs next` shows when a cron expression fires, computed by the
 * same engine the scheduler uses, so a clinic can check a reminder's timing (including around
 * daylight-saving changes) before relying on it. Sub-commands live in one table. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "commands.h"
#include "cron.h"
#include "tz.h"
#include "util.h"

#define DEFAULT_COUNT 5
#define MAX_COUNT 1000

struct subcommand {
    const char *name;
    cmd_fn fn;
    const char *summary;
};

static const struct subcommand jobs_commands[] = {
    {"list", cmd_jobs_list, "list the site's jobs, their next and last runs (the default)"},
    {"run", cmd_jobs_run, "run one job now, as a manual run"},
    {"next", cmd_jobs_next, "show the next times a cron expression fires"},
};

static void jobs_usage(FILE *f)
{
    fputs("usage: sixbb [-C DIR] jobs [SUB-COMMAND] [ARGS...]\n"
          "\n"
          "Scheduled jobs: the reminders and digests sixbb sends on a cron schedule.\n"
          "Without a sub-command (or with only options such as --json) the site's jobs are\n"
          "listed.\n"
          "\n"
          "Sub-commands:\n",
          f);
    for (size_t i = 0; i < ARRAY_LEN(jobs_commands); i++)
        fprintf(f, "  %-8s %s\n", jobs_commands[i].name, jobs_commands[i].summary);
    fputs("\n'sixbb jobs SUB-COMMAND --help' shows the options of each.\n", f);
}

int cmd_jobs(struct cli *cli, int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        jobs_usage(stdout);
        return EXIT_OK;
    }
    if (argc < 2 || argv[1][0] == '-')
        return cmd_jobs_list(cli, argc, argv);
    for (size_t i = 0; i < ARRAY_LEN(jobs_commands); i++)
        if (strcmp(argv[1], jobs_commands[i].name) == 0)
            return jobs_commands[i].fn(cli, argc - 1, argv + 1);
    fprintf(stderr, "sixbb jobs: unknown sub-command '%s'\n\n", argv[1]);
    jobs_usage(stderr);
    return EXIT_USAGE;
}

static const char next_usage[] =
    "usage: sixbb jobs next EXPRESSION [--tz ZONE] [--after DATETIME] [--count N] [--json]\n"
    "\n"
    "Lists the next times a cron expression fires, read on the wall clock of a time zone and\n"
    "with the scheduler's daylight-saving rules: a time the clocks skip runs once just after the\n"
    "jump (for jobs at a fixed hour), a time the clocks repeat runs once, the first time round.\n"
    "Quote the expression so the shell leaves its '*' alone.\n"
    "\n"
    "Options:\n"
    "  --tz ZONE          an IANA zone such as America/Chicago, UTC, or a fixed offset such\n"
    "                     as +05:30 (default: the system zone from $TZ or /etc/localtime)\n"
    "  --after DATETIME   list times strictly after YYYY-MM-DDTHH:MM[:SS], which may end in Z\n"
    "                     or an offset like -05:00; without one it is read in ZONE\n"
    "                     (default: now)\n"
    "  --count N          how many times to list, 1 to 1000 (default 5)\n"
    "  --json             print {\"expression\": ..., \"timezone\": ..., \"next\": [...]}\n"
    "\n"
    "Expressions have five fields, 'minute hour day-of-month month day-of-week', or are one of\n"
    "@hourly @daily @midnight @weekly @monthly @yearly @annually.\n"
    "\n"
    "Examples:\n"
    "  sixbb jobs next '30 7 * * MON-FRI' --tz America/Denver\n"
    "  sixbb jobs next '0 12 1-7 * THU' --tz Europe/Berlin --count 3\n"
    "  sixbb jobs next @monthly --after 2026-01-31T23:00 --json\n";

static const char *const next_cmd = "jobs next";

static int parse_count(const char *text, int *count)
{
    if (!text) {
        *count = DEFAULT_COUNT;
        return 0;
    }
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || end == text || *end || v < 1 || v > MAX_COUNT)
        return cli_usage_error(next_cmd, "--count wants a whole number from 1 to %d, not '%s'",
                               MAX_COUNT, text);
    *count = (int)v;
    return 0;
}

/* The zone from --tz (an unknown one is an error), else the system's (an unknown one falls back
 * to UTC with a warning, because the command is still useful). */
static struct tz *open_zone(const char *name, int *rc)
{
    char err[512];
    struct tz *z;
    if (name) {
        if (!(z = tz_load(name, err, sizeof err)))
            *rc = cli_fail("%s", err);
        return z;
    }
    char sys[256];
    if (tz_system_name(sys, sizeof sys) < 0) {
        fputs("sixbb jobs next: cannot tell the system time zone; using UTC\n", stderr);
        return tz_load("UTC", NULL, 0);
    }
    if ((z = tz_load(sys, err, sizeof err)) || (z = tz_from_posix(sys, NULL, 0)))
        return z;
    fprintf(stderr, "sixbb jobs next: system time zone: %s; using UTC\n", err);
    return tz_load("UTC", NULL, 0);
}

/* Reads --after. A wall time the clocks skip or repeat is taken at its first real instant, and
 * the reading is said on stderr so that the listing is not a surprise. */
static int parse_after(const char *text, const struct tz *z, int64_t *after)
{
    if (!text) {
        *after = (int64_t)time(NULL);
        return 0;
    }
    struct tz_time t;
    bool has_offset;
    int offset;
    if (tz_parse_iso(text, &t, &has_offset, &offset) < 0)
        return cli_usage_error(next_cmd,
                               "--after wants YYYY-MM-DDTHH:MM[:SS], optionally ending in Z or an "
                               "offset like +02:00, not '%s'",
                               text);
    if (has_offset) {
        *after = tz_wall_from_time(&t) - offset;
        return 0;
    }
    int64_t later;
    int kind = tz_local_to_utc(z, &t, after, &later);
    if (kind < 0)
        return cli_usage_error(next_cmd, "--after %s is out of range", text);
    char iso[TZ_ISO_LEN];
    if (kind == TZ_LOCAL_SKIPPED)
        fprintf(stderr,
                "sixbb jobs next: %s does not exist in %s (the clocks jump forward); "
                "using %s\n",
                text, tz_name(z), tz_format_iso(z, *after, iso));
    else if (kind == TZ_LOCAL_AMBIGUOUS)
        fprintf(stderr,
                "sixbb jobs next: %s happens twice in %s (the clocks go back); "
                "using the first, %s\n",
                text, tz_name(z), tz_format_iso(z, *after, iso));
    return 0;
}

/* Fills times[0..count) with successive fire instants. 0, or an exit status after a message. */
static int list_times(const char *expr, const struct cron *c, const struct tz *z, int64_t after,
                      int count, int64_t *times)
{
    for (int i = 0; i < count; i++) {
        enum cron_status st = cron_next(c, z, i ? times[i - 1] : after, &times[i]);
        if (st == CRON_NEVER)
            return cli_fail("cron expression \"%s\" never fires (no matching day in 400 years)",
                            expr);
        if (st != CRON_OK)
            return cli_fail("cron expression \"%s\": no fire time before the year 10000", expr);
    }
    return 0;
}

static void print_json(const char *expr, const struct tz *z, const int64_t *times, int count)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "expression", expr);
    cJSON_AddStringToObject(root, "timezone", tz_name(z));
    cJSON *next = cJSON_AddArrayToObject(root, "next");
    char iso[TZ_ISO_LEN];
    for (int i = 0; i < count; i++)
        cJSON_AddItemToArray(next, cJSON_CreateString(tz_format_iso(z, times[i], iso)));
    char *text = cJSON_PrintUnformatted(root);
    puts(text);
    cJSON_free(text);
    cJSON_Delete(root);
}

static int run_next(const char *expr, const char *tz_opt, const char *after_opt,
                    const char *count_opt, bool json)
{
    int count = 0, rc = 0;
    if ((rc = parse_count(count_opt, &count)) != 0)
        return rc;
    struct cron c;
    char err[512];
    if (cron_parse(expr, &c, err, sizeof err) < 0)
        return cli_fail("%s", err);
    struct tz *z = open_zone(tz_opt, &rc);
    if (!z)
        return rc;
    int64_t after;
    int64_t *times = xmalloc((size_t)count * sizeof *times);
    if ((rc = parse_after(after_opt, z, &after)) == 0 &&
        (rc = list_times(expr, &c, z, after, count, times)) == 0) {
        char iso[TZ_ISO_LEN];
        if (json)
            print_json(expr, z, times, count);
        else
            for (int i = 0; i < count; i++)
                puts(tz_format_iso(z, times[i], iso));
    }
    free(times);
    tz_free(z);
    return rc;
}

int cmd_jobs_next(struct cli *cli, int argc, char **argv)
{
    (void)cli;
    const char *tz_opt = NULL, *after_opt = NULL, *count_opt = NULL;
    bool json = false;
    const struct opt opts[] = {
        {"tz", 0, OPT_VALUE, &tz_opt},
        {"after", 0, OPT_VALUE, &after_opt},
        {"count", 'n', OPT_VALUE, &count_opt},
        {"json", 0, OPT_FLAG, &json},
        {NULL, 0, 0, NULL},
    };
    /* Messages from cli_parse name argv[0]; say "jobs next" whatever the caller passed. */
    char **args = xmalloc((size_t)(argc + 1) * sizeof *args);
    memcpy(args, argv, (size_t)argc * sizeof *args);
    args[0] = (char *)next_cmd;
    args[argc] = NULL;
    char **pos = NULL;
    int npos = 0, rc;
    int parsed = cli_parse(argc, args, opts, next_usage, &pos, &npos);
    if (parsed > 0)
        rc = EXIT_OK;
    else if (parsed < 0)
        rc = EXIT_USAGE;
    else if (npos == 0)
        rc = cli_usage_error(next_cmd, "missing the cron expression, e.g. '0 7 * * MON-FRI'");
    else if (npos > 1)
        rc = cli_usage_error(next_cmd,
                             "expected one cron expression but got %d arguments; put the "
                             "expression in quotes, e.g. '0 7 * * MON-FRI'",
                             npos);
    else
        rc = run_next(pos[0], tz_opt, after_opt, count_opt, json);
    free(pos);
    free(args);
    return rc;
}
