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

/* One row per clinic: the current stage is the row that started last (ties: recorded last). */
static const char list_sql[] =
    "WITH cur AS (SELECT site_id, stage, track, start_date, row_number() OVER (PARTITION BY "
    "site_id ORDER BY start_date DESC, id DESC) AS n FROM site_stages), "
    "met AS (SELECT site_id, max(CASE WHEN type = 'improvement_team' THEN date END) AS it, "
    "max(CASE WHEN type = 'action_plan' THEN date END) AS ap FROM meetings GROUP BY site_id), "
    "team AS (SELECT site_id, count(*) AS n, max(role = 'qi_lead') AS qi, "
    "max(role = 'clinical_champion') AS cc FROM team_members GROUP BY site_id) "
    "SELECT s.site_id AS site, s.name, cur.stage, cur.track, cur.start_date AS stage_start, "
    "coalesce(team.n, 0) AS team, "
    "nullif(trim(CASE WHEN team.qi THEN '' ELSE 'qi_lead' END || ' ' || "
    "CASE WHEN team.cc THEN '' ELSE 'clinical_champion' END), '') AS missing_roles, "
    "met.it AS last_improvement_team, met.ap AS last_action_plan "
    "FROM sites s LEFT JOIN cur ON cur.site_id = s.site_id AND cur.n = 1 "
    "LEFT JOIN met ON met.site_id = s.site_id LEFT JOIN team ON team.site_id = s.site_id "
    "ORDER BY s.site_id";

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
    cJSON *rows = prog_rows(store_prepare(s->store, list_sql));
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

/* Stage and track the clinic has now, or NULL when no stage is recorded (caller frees). */
static void current_stage(struct store *st, const char *site, char **stage, char **track)
{
    sqlite3_stmt *q = store_prepare(st, "SELECT stage, track FROM site_stages WHERE site_id = ?1 "
                                        "ORDER BY start_date DESC, id DESC LIMIT 1");
    sqlite3_bind_text(q, 1, site, -1, SQLITE_TRANSIENT);
    *stage = *track = NULL;
    if (sqlite3_step(q) == SQLITE_ROW) {
        *stage = xstrdup((const char *)sqlite3_column_text(q, 0));
        *track = xstrdup((const char *)sqlite3_column_text(q, 1));
    }
    sqlite3_reset(q);
}

static bool save_name(struct store *st, const char *site, const char *name, bool exists)
{
    sqlite3_stmt *q =
        store_prepare(st, exists ? "UPDATE sites SET name = ?2 WHERE site_id = ?1"
                                 : "INSERT INTO sites(site_id, name) VALUES (?1, ?2)");
    sqlite3_bind_text(q, 1, site, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q, 2, name, -1, SQLITE_TRANSIENT);
    bool ok = sqlite3_step(q) == SQLITE_DONE;
    sqlite3_reset(q);
    return ok && store_audit(st, exists ? "rename" : "create", "site", site, name) == 0;
}

static bool save_stage(struct store *st, const char *site, const char *stage, const char *track,
                       const char *date)
{
    sqlite3_stmt *q =
        store_prepare(st, "INSERT INTO site_stages(site_id, stage, track, start_date, "
                          "recorded_at) VALUES (?1,?2,?3,?4,strftime('%s','now'))");
    sqlite3_bind_text(q, 1, site, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q, 2, stage, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q, 3, track, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q, 4, date, -1, SQLITE_TRANSIENT);
    bool ok = sqlite3_step(q) == SQLITE_DONE;
    sqlite3_reset(q);
    char detail[160];
    snprintf(detail, sizeof detail, "%s (%s) from %s", stage, track, date);
    return ok && store_audit(st, "stage", "site", site, detail) == 0;
}

struct set_args {
    const char *site, *stage, *track, *date, *name;
};

static int validate_set(const struct set_args *a)
{
    if (a->stage && prog_need_word("stage", a->stage, stages, ARRAY_LEN(stages)))
        return EXIT_FAIL;
    if (a->track && prog_need_word("track", a->track, tracks, ARRAY_LEN(tracks)))
        return EXIT_FAIL;
    if (a->date && prog_need_date("--date", a->date, NULL))
        return EXIT_FAIL;
    if (a->name && !*a->name)
        return cli_fail("the name is empty");
    return 0;
}

static int do_set(struct site *s, const struct set_args *a)
{
    bool exists = prog_site_exists(s->store, a->site);
    if (!exists && !a->name)
        return cli_fail("give --name to add site '%s'", a->site);
    char *stage = NULL, *track = NULL, today[16];
    current_stage(s->store, a->site, &stage, &track);
    int rc = EXIT_OK;
    if ((a->stage || a->track) && !a->stage && !stage) {
        rc = cli_fail("site '%s' has no stage yet; give --stage", a->site);
    } else {
        day_t d;
        site_as_of(s->host, "site", NULL, &d);
        const char *date = a->date ? a->date : date_format(d, today);
        store_begin(s->store);
        bool ok = !a->name || save_name(s->store, a->site, a->name, exists);
        if (ok && (a->stage || a->track))
            ok = save_stage(s->store, a->site, a->stage ? a->stage : stage,
                            a->track ? a->track
                            : track  ? track
                                     : "full",
                            date);
        rc = prog_finish(s->store, ok, "update the site");
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
