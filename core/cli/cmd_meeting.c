/* sixbb meeting add / sixbb meetings: the program's meetings per clinic. Types are stored with
 * underscores, which is how the site facts name them (s.last_meeting.improvement_team), so the
 * meeting-cadence checks see every meeting recorded here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "program.h"
#include "site.h"
#include "store_program.h"
#include "util.h"

static const char meeting_usage[] =
    "usage: sixbb [-C DIR] meeting add --site S --type TYPE --date DATE\n"
    "                                  [--attendees TEXT] [--notes TEXT]\n"
    "\n"
    "Records a program meeting held at a clinic.\n"
    "TYPE: orientation, kickoff_planning, kickoff, action_plan, improvement_team,\n"
    "      shared_learning_call, success_sustainability.\n";

static const char meetings_usage[] =
    "usage: sixbb [-C DIR] meetings [--site S] [--type TYPE] [--json]\n"
    "\n"
    "Lists recorded meetings, newest first.\n";

static const char *const types[] = {
    "orientation",          "kickoff_planning",      "kickoff", "action_plan", "improvement_team",
    "shared_learning_call", "success_sustainability"};

struct meeting_args {
    const char *site, *type, *date, *attendees, *notes;
};

static int validate(struct site *s, const struct meeting_args *a)
{
    if (!a->site || !a->type || !a->date)
        return cli_usage_error("meeting", "meeting add needs --site, --type and --date");
    char err[512];
    if (prog_need_word("meeting type", a->type, types, ARRAY_LEN(types), err, sizeof err) ||
        prog_need_date("--date", a->date, NULL, err, sizeof err) ||
        prog_need_site(s->store, a->site, err, sizeof err))
        return cli_fail("%s", err);
    return 0;
}

static int do_add(struct site *s, const struct meeting_args *a)
{
    int rc = validate(s, a);
    if (rc)
        return rc;
    long long new_id = 0;
    char err[512];
    if (store_meeting_add(s->store, a->site, a->type, a->date, a->attendees, a->notes, &new_id, err,
                          sizeof err))
        return cli_fail("cannot record the meeting: %s", err);
    printf("Recorded %s meeting %lld at site %s on %s\n", a->type, new_id, a->site, a->date);
    return EXIT_OK;
}

int cmd_meeting(struct cli *cli, int argc, char **argv)
{
    struct meeting_args a = {0};
    const struct opt opts[] = {
        {"site", 0, OPT_VALUE, &a.site},   {"type", 0, OPT_VALUE, &a.type},
        {"date", 0, OPT_VALUE, &a.date},   {"attendees", 0, OPT_VALUE, &a.attendees},
        {"notes", 0, OPT_VALUE, &a.notes}, {NULL, 0, 0, NULL}};
    char **pos = NULL;
    int npos = 0;
    int rc = cli_parse(argc, argv, opts, meeting_usage, &pos, &npos);
    if (rc != 0)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    bool add = npos == 1 && strcmp(pos[0], "add") == 0;
    free(pos);
    if (!add)
        return cli_usage_error("meeting",
                               "expected 'meeting add' (list them with 'sixbb meetings')");
    struct site *s = site_open(cli, 0, "meeting add");
    if (!s)
        return EXIT_FAIL;
    rc = do_add(s, &a);
    site_close(s);
    return rc;
}

int cmd_meetings(struct cli *cli, int argc, char **argv)
{
    const char *site = NULL, *type = NULL;
    bool json = false;
    const struct opt opts[] = {{"site", 0, OPT_VALUE, &site},
                               {"type", 0, OPT_VALUE, &type},
                               {"json", 0, OPT_FLAG, &json},
                               {NULL, 0, 0, NULL}};
    int rc = cli_parse(argc, argv, opts, meetings_usage, NULL, NULL);
    if (rc != 0)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    char err[512];
    if (type && prog_need_word("meeting type", type, types, ARRAY_LEN(types), err, sizeof err))
        return cli_fail("%s", err);
    struct site *s = site_open(cli, SITE_READONLY, "meetings");
    if (!s)
        return EXIT_FAIL;
    if (site && prog_need_site(s->store, site, err, sizeof err)) {
        site_close(s);
        return cli_fail("%s", err);
    }
    cJSON *rows = store_meetings(s->store, site, type);
    if (json) {
        prog_print_json("meetings", rows);
    } else {
        static const char *const cols[] = {"id",        "site",  "date", "type",
                                           "attendees", "notes", NULL};
        prog_print_table(rows, cols, "No meetings recorded.");
        cJSON_Delete(rows);
    }
    site_close(s);
    return EXIT_OK;
}
