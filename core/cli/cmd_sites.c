/* sixbb sites / sixbb site set: the organisation's clinics with their program stage and track
 * (a history of changes is kept, the latest one is current), team size, missing required roles
 * and last meetings; `sites --log` prints the multi-site log report. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "eval.h"
#include "json.h"
#include "program.h"
#include "report.h"
#include "site.h"
#include "store_program.h"
#include "util.h"

static const char sites_usage[] =
    "usage: sixbb [-C DIR] sites [--json] [--log [--as-of DATE]]\n"
    "\n"
    "Lists the clinics of this organisation with their program stage, track, the date the\n"
    "stage began, the size of the improvement team, the required roles nobody holds yet\n"
    "(QI lead, clinical champion) and the last improvement-team and action-plan meetings.\n"
    "--log prints the multi-site log instead (the 'multi-site' report as text).\n";

static const char site_usage[] =
    "usage: sixbb [-C DIR] site set SITE [--stage STAGE] [--track TRACK] [--date DATE]\n"
    "                                    [--name NAME]\n"
    "\n"
    "Records a clinic's stage or track (from --date, default today) and keeps the earlier\n"
    "ones as history; --name renames the clinic, or creates one not yet imported.\n"
    "STAGE: prepare_launch, design_implement, monitor_sustain. TRACK: full, fast_track.\n";

static const char *const stages[] = {"prepare_launch", "design_implement", "monitor_sustain"};
static const char *const tracks[] = {"full", "fast_track"};

/* missing_roles as a JSON list rather than words separated by spaces. */
static void roles_to_list(cJSON *rows)
{
    cJSON *r;
    cJSON_ArrayForEach(r, rows)
    {
        cJSON *m = cJSON_GetObjectItemCaseSensitive(r, "missing_roles");
        cJSON *list = cJSON_CreateArray();
        if (cJSON_IsString(m)) {
            char *copy = xstrdup(m->valuestring), *save = NULL;
            for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
                cJSON_AddItemToArray(list, cJSON_CreateString(w));
            free(copy);
        }
        cJSON_ReplaceItemInObjectCaseSensitive(r, "missing_roles", list);
    }
}

static int do_list(struct site *s, bool json)
{
    cJSON *rows = store_sites_overview(s->store);
    if (json) {
        roles_to_list(rows);
        prog_print_json("sites", rows);
        return EXIT_OK;
    }
    static const char *const cols[] = {"site",
                                       "stage",
                                       "track",
                                       "stage_start",
                                       "team",
                                       "last_improvement_team",
                                       "last_action_plan",
                                       "missing_roles",
                                       NULL};
    prog_print_table(rows, cols, "No sites yet: import sites.csv or use 'sixbb site set'.");
    cJSON_Delete(rows);
    return EXIT_OK;
}

int prog_report_text(struct site *s, const char *id, const char *as_of_opt)
{
    day_t as_of;
    int rc = site_as_of(s->host, "sites", as_of_opt, &as_of);
    if (rc != 0)
        return rc;
    struct report_request rq = {.id = id, .as_of = as_of, .format = RENDER_TEXT};
    char err[512];
    bool usage = false;
    cJSON *doc = report_run(s->host, &rq, err, sizeof err, &usage);
    if (!doc)
        return cli_fail("%s", err);
    struct render_options o;
    report_render_options(s->host, &o);
    struct buf out = {0};
    render_text(doc, &o, &out);
    fputs(out.data ? out.data : "", stdout);
    buf_free(&out);
    cJSON_Delete(doc);
    return EXIT_OK;
}

int cmd_sites(struct cli *cli, int argc, char **argv)
{
    bool json = false, log = false;
    const char *as_of = NULL;
    const struct opt opts[] = {{"json", 0, OPT_FLAG, &json},
                               {"log", 0, OPT_FLAG, &log},
                               {"as-of", 0, OPT_VALUE, &as_of},
                               {NULL, 0, 0, NULL}};
    char **pos = NULL;
    int npos = 0;
    int rc = cli_parse(argc, argv, opts, sites_usage, &pos, &npos);
    if (rc != 0)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    free(pos);
    if (npos > 0)
        return cli_usage_error("sites", "unexpected argument (did you mean 'sixbb site set'?)");
    struct site *s = site_open(cli, SITE_HOST | SITE_READONLY, "sites");
    if (!s)
        return EXIT_FAIL;
    rc = log ? prog_report_text(s, "multi-site", as_of) : do_list(s, json);
    site_close(s);
    return rc;
}

struct set_args {
    const char *site, *stage, *track, *date, *name;
};

static int validate_set(const struct set_args *a)
{
    char err[512];
    if ((a->stage &&
         prog_need_word("stage", a->stage, stages, ARRAY_LEN(stages), err, sizeof err)) ||
        (a->track &&
         prog_need_word("track", a->track, tracks, ARRAY_LEN(tracks), err, sizeof err)) ||
        (a->date && prog_need_date("--date", a->date, NULL, err, sizeof err)))
        return cli_fail("%s", err);
    if (a->name && !*a->name)
        return cli_fail("the name is empty");
    return 0;
}

static int do_set(struct site *s, const struct set_args *a)
{
    bool exists = store_site_exists(s->store, a->site);
    if (!exists && !a->name)
        return cli_fail("give --name to add site '%s'", a->site);
    char *stage = NULL, *track = NULL, today[16];
    store_site_stage(s->store, a->site, &stage, &track);
    int rc = EXIT_OK;
    if ((a->stage || a->track) && !a->stage && !stage) {
        rc = cli_fail("site '%s' has no stage yet; give --stage", a->site);
    } else {
        day_t d;
        site_as_of(s->host, "site", NULL, &d);
        const char *date = a->date ? a->date : date_format(d, today);
        bool staged = a->stage || a->track;
        const char *track_now = a->track ? a->track : track ? track : "full";
        char err[512];
        rc = store_site_update(s->store, a->site, a->name, exists,
                               staged ? (a->stage ? a->stage : stage) : NULL, track_now, date, err,
                               sizeof err)
                 ? cli_fail("cannot update the site: %s", err)
                 : 0;
        if (rc == 0)
            printf("Site %s updated\n", a->site);
    }
    free(stage);
    free(track);
    return rc;
}

int cmd_site(struct cli *cli, int argc, char **argv)
{
    struct set_args a = {0};
    const struct opt opts[] = {{"stage", 0, OPT_VALUE, &a.stage},
                               {"track", 0, OPT_VALUE, &a.track},
                               {"date", 0, OPT_VALUE, &a.date},
                               {"name", 0, OPT_VALUE, &a.name},
                               {NULL, 0, 0, NULL}};
    char **pos = NULL;
    int npos = 0;
    int rc = cli_parse(argc, argv, opts, site_usage, &pos, &npos);
    if (rc != 0)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    if (npos != 2 || strcmp(pos[0], "set") != 0) {
        free(pos);
        return cli_usage_error("site", "expected 'site set SITE'");
    }
    a.site = pos[1];
    free(pos);
    if (!a.stage && !a.track && !a.name)
        return cli_usage_error("site", "site set needs --stage, --track or --name");
    if (validate_set(&a) != 0)
        return EXIT_FAIL;
    struct site *s = site_open(cli, SITE_HOST, "site set");
    if (!s)
        return EXIT_FAIL;
    rc = do_set(s, &a);
    site_close(s);
    return rc;
}
