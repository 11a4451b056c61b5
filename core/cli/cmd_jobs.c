/* sixbb jobs (list) and sixbb jobs run NAME: what the scheduler will run and when, and running
 * one job by hand. A manual run is recorded as such and never takes a scheduled slot. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "commands.h"
#include "deliver.h"
#include "jobs.h"
#include "json.h"
#include "scheduler.h"
#include "site.h"
#include "tz.h"
#include "util.h"

static const char list_usage[] =
    "usage: sixbb [-C DIR] jobs [--json]\n"
    "\n"
    "Lists the site's scheduled jobs: id, plugin, schedule (cron, read in the site's time zone),\n"
    "whether it is enabled, when it runs next, and how its last run went. Jobs come from\n"
    "plugins; the site config's `jobs` setting changes their schedule, switches them off or\n"
    "sets their params.\n"
    "\n"
    "  --json   print {\"timezone\": ..., \"now\": ..., \"jobs\": [{id, plugin, title, schedule,\n"
    "           enabled, next, last_status, last_run, last_manual, error}, ...]}\n";

static const char run_usage[] =
    "usage: sixbb [-C DIR] jobs run NAME [--as-of YYYY-MM-DD] [--json]\n"
    "\n"
    "Runs one job now, as a manual run (recorded in the run history; it does not use up a\n"
    "scheduled time). Messages it sends are queued in the outbox; the daemon delivers them\n"
    "(or 'sixbb daemon --once'). Exit status 1 when the job fails.\n"
    "\n"
    "  --as-of DATE   the date the job works as of (default: today in the site's time zone)\n"
    "  --json         print {\"job\", \"status\", \"error\", \"queued\", \"duplicates\"}\n";

/* Everything a jobs sub-command needs from the site. */
struct jobs_env {
    struct site *site;
    struct sched_config settings;
    struct job_list jobs;
    struct tz *zone;
    struct clock clock;
};

static int env_open(struct cli *cli, struct jobs_env *e, int flags, const char *command)
{
    memset(e, 0, sizeof *e);
    char err[512];
    if (clock_init_from_env(&e->clock, err, sizeof err) < 0)
        return cli_fail("%s", err);
    e->site = site_open(cli, SITE_HOST | flags, command);
    if (!e->site)
        return EXIT_FAIL;
    site_sched_config(e->site->host, &e->settings);
    if (!(e->zone = jobs_zone(&e->settings, err, sizeof err)))
        return cli_fail("configuration error: %s", err);
    if (jobs_load(e->site->host, &e->settings, &e->jobs) < 0)
        return cli_fail("configuration error: %s", e->site->host->last_error);
    return 0;
}

static void env_close(struct jobs_env *e)
{
    jobs_free(&e->jobs);
    sched_config_free(&e->settings);
    tz_free(e->zone);
    site_close(e->site);
}

static char *iso_or_null(const struct tz *z, int64_t t, bool have, char *buf)
{
    return have ? tz_format_iso(z, t, buf) : NULL;
}

static cJSON *job_json(const struct jobs_env *e, const struct job *j, int64_t now)
{
    cJSON *o = cJSON_CreateObject();
    char iso[TZ_ISO_LEN];
    cJSON_AddStringToObject(o, "id", j->id);
    cJSON_AddStringToObject(o, "plugin", j->plugin);
    cJSON_AddItemToObject(o, "title", json_str_or_null(j->title));
    cJSON_AddStringToObject(o, "schedule", j->schedule);
    cJSON_AddBoolToObject(o, "enabled", j->enabled);
    int64_t next = 0;
    bool have = j->enabled && !j->error && cron_next(&j->cron, e->zone, now, &next) == CRON_OK;
    cJSON_AddItemToObject(o, "next", json_str_or_null(iso_or_null(e->zone, next, have, iso)));
    struct sched_last last;
    sched_last_run(e->site->store, j->id, &last);
    cJSON_AddItemToObject(o, "last_status", json_str_or_null(last.found ? last.status : NULL));
    cJSON_AddItemToObject(o, "last_run", json_str_or_null(iso_or_null(
                                             e->zone, last.scheduled_at, last.found, iso)));
    if (last.found)
        cJSON_AddBoolToObject(o, "last_manual", last.manual);
    else
        cJSON_AddNullToObject(o, "last_manual");
    cJSON_AddItemToObject(o, "error", json_str_or_null(j->error));
    return o;
}

static void print_table(cJSON *root)
{
    printf("%-28s %-12s %-16s %-8s %-26s %s\n", "JOB", "PLUGIN", "SCHEDULE", "ENABLED",
           "NEXT RUN", "LAST RUN");
    cJSON *j;
    cJSON_ArrayForEach(j, cJSON_GetObjectItem(root, "jobs"))
    {
        const char *next = cJSON_GetStringValue(cJSON_GetObjectItem(j, "next"));
        const char *status = cJSON_GetStringValue(cJSON_GetObjectItem(j, "last_status"));
        const char *at = cJSON_GetStringValue(cJSON_GetObjectItem(j, "last_run"));
        const char *err = cJSON_GetStringValue(cJSON_GetObjectItem(j, "error"));
        char last[80];
        snprintf(last, sizeof last, "%s%s%s", status ? status : "never", at ? " " : "",
                 at ? at : "");
        printf("%-28s %-12s %-16s %-8s %-26s %s\n",
               cJSON_GetStringValue(cJSON_GetObjectItem(j, "id")),
               cJSON_GetStringValue(cJSON_GetObjectItem(j, "plugin")),
               cJSON_GetStringValue(cJSON_GetObjectItem(j, "schedule")),
               cJSON_IsTrue(cJSON_GetObjectItem(j, "enabled")) ? "yes" : "no",
               err ? "(invalid schedule)" : next ? next : "-", last);
        if (err)
            printf("    error: %s\n", err);
    }
    printf("Times are in %s.\n", cJSON_GetStringValue(cJSON_GetObjectItem(root, "timezone")));
}

static int jobs_list(struct cli *cli, int argc, char **argv)
{
    bool json = false;
    const struct opt opts[] = {{"json", 0, OPT_FLAG, &json}, {NULL, 0, 0, NULL}};
    int parsed = cli_parse(argc, argv, opts, list_usage, NULL, NULL);
    if (parsed != 0)
        return parsed > 0 ? EXIT_OK : EXIT_USAGE;
    struct jobs_env e;
    int rc = env_open(cli, &e, SITE_READONLY, "jobs");
    if (rc == 0) {
        int64_t now = clock_now(&e.clock);
        char iso[TZ_ISO_LEN];
        cJSON *root = cJSON_CreateObject();
        cJSON_AddStringToObject(root, "timezone", tz_name(e.zone));
        cJSON_AddStringToObject(root, "now", tz_format_iso(e.zone, now, iso));
        cJSON *arr = cJSON_AddArrayToObject(root, "jobs");
        for (size_t i = 0; i < e.jobs.n; i++)
            cJSON_AddItemToArray(arr, job_json(&e, &e.jobs.v[i], now));
        if (json) {
            json_print(root);
        } else {
            if (e.jobs.n == 0)
                puts("No jobs are registered.");
            else
                print_table(root);
            cJSON_Delete(root);
        }
    }
    env_close(&e);
    return rc;
}

static int report_run(const char *id, const struct job_outcome *o, bool json)
{
    if (json) {
        cJSON *r = cJSON_CreateObject();
        cJSON_AddStringToObject(r, "job", id);
        cJSON_AddStringToObject(r, "status", o->ok ? "ok" : "error");
        cJSON_AddItemToObject(r, "error", json_str_or_null(o->error));
        cJSON_AddNumberToObject(r, "queued", o->queued);
        cJSON_AddNumberToObject(r, "duplicates", o->duplicates);
        json_print(r);
    } else if (o->ok) {
        printf("job '%s' ran: %d message(s) queued, %d duplicate(s) ignored\n", id, o->queued,
               o->duplicates);
    }
    if (!o->ok)
        return cli_fail("job '%s' failed: %s", id, o->error);
    return EXIT_OK;
}

static int run_one(struct jobs_env *e, const char *id, const char *as_of, bool json)
{
    struct job *j = jobs_find(&e->jobs, id);
    if (!j) {
        const char *near = jobs_nearest(&e->jobs, id);
        return near ? cli_fail("no job '%s' (did you mean '%s'?)", id, near)
                    : cli_fail("no job '%s': no plugin registers any job", id);
    }
    struct job_ctx ctx = {.scheduled = clock_now(&e->clock), .as_of = DATE_NONE,
                          .zone = e->zone, .manual = true};
    if (as_of && date_parse(as_of, strlen(as_of), &ctx.as_of) != 0)
        return cli_usage_error("jobs run", "--as-of wants YYYY-MM-DD, not '%s'", as_of);
    struct delivery d;
    char err[512];
    if (delivery_init(&d, &e->settings.delivery, e->site->dir, e->zone, err, sizeof err) < 0)
        return cli_fail("configuration error: %s", err);
    ctx.channel = channel_name(d.channel);
    int64_t run_id;
    int rc = EXIT_FAIL;
    if (sched_claim(e->site->store, j->id, ctx.scheduled, ctx.scheduled, true, &run_id) != 1) {
        cli_fail("cannot record the run: %s", store_errmsg(e->site->store));
    } else {
        struct job_outcome o;
        if (jobs_execute(e->site->host, e->site->store, j, run_id, &ctx, &e->clock, &o) < 0)
            cli_fail("cannot record the run: %s", store_errmsg(e->site->store));
        else
            rc = report_run(j->id, &o, json);
        job_outcome_free(&o);
    }
    delivery_free(&d);
    return rc;
}

static int jobs_run(struct cli *cli, int argc, char **argv)
{
    bool json = false;
    const char *as_of = NULL;
    const struct opt opts[] = {{"as-of", 0, OPT_VALUE, &as_of},
                               {"json", 0, OPT_FLAG, &json},
                               {NULL, 0, 0, NULL}};
    char **pos = NULL;
    int npos = 0;
    int parsed = cli_parse(argc, argv, opts, run_usage, &pos, &npos);
    if (parsed != 0) {
        free(pos);
        return parsed > 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (npos != 1) {
        free(pos);
        return cli_usage_error("jobs run", "expected one job id, got %d arguments", npos);
    }
    const char *id = pos[0];
    free(pos);
    struct jobs_env e;
    int rc = env_open(cli, &e, 0, "jobs run");
    if (rc == 0)
        rc = run_one(&e, id, as_of, json);
    env_close(&e);
    return rc;
}

int cmd_jobs_list(struct cli *cli, int argc, char **argv)
{
    return jobs_list(cli, argc, argv);
}

int cmd_jobs_run(struct cli *cli, int argc, char **argv)
{
    char *args0 = argv[0];
    argv[0] = "jobs run";
    int rc = jobs_run(cli, argc, argv);
    argv[0] = args0;
    return rc;
}
