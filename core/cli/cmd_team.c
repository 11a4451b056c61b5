/* sixbb team: each clinic's improvement team — who holds which role. Names are staff names,
 * not patient information, but they stay out of the audit log all the same. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "program.h"
#include "site.h"
#include "store_program.h"
#include "util.h"

static const char team_usage[] =
    "usage: sixbb [-C DIR] team [--site S] [--json]\n"
    "       sixbb [-C DIR] team add --site S --role ROLE --name NAME [--email EMAIL]\n"
    "       sixbb [-C DIR] team remove --site S ID\n"
    "\n"
    "Lists, adds or removes members of a clinic's improvement team. Every clinic needs a\n"
    "qi_lead and a clinical_champion; 'sixbb sites' shows who is missing.\n"
    "ROLE: qi_lead, clinical_champion, tracking_lead, ma, nurse, behavioral_health,\n"
    "      pharmacist, moud_provider, other.\n";

static const char *const roles[] = {
    "qi_lead",           "clinical_champion", "tracking_lead", "ma",   "nurse",
    "behavioral_health", "pharmacist",        "moud_provider", "other"};

struct team_args {
    const char *site, *role, *name, *email;
    bool json;
};

static int do_list(struct site *s, const struct team_args *a)
{
    char err[512];
    if (a->site && prog_need_site(s->store, a->site, err, sizeof err))
        return cli_fail("%s", err);
    cJSON *rows = store_team(s->store, a->site);
    if (a->json) {
        prog_print_json("team", rows);
        return EXIT_OK;
    }
    static const char *const cols[] = {"id", "site", "role", "name", "email", NULL};
    prog_print_table(rows, cols, "No team members recorded.");
    cJSON_Delete(rows);
    return EXIT_OK;
}

static int do_add(struct site *s, const struct team_args *a)
{
    if (!a->site || !a->role || !a->name)
        return cli_usage_error("team", "team add needs --site, --role and --name");
    char err[512];
    if (prog_need_word("role", a->role, roles, ARRAY_LEN(roles), err, sizeof err))
        return cli_fail("%s", err);
    if (!*a->name)
        return cli_fail("the name is empty");
    if (prog_need_site(s->store, a->site, err, sizeof err))
        return cli_fail("%s", err);
    long long new_id = 0;
    if (store_team_add(s->store, a->site, a->role, a->name, a->email, &new_id, err, sizeof err))
        return cli_fail("cannot add the team member: %s", err);
    printf("Added team member %lld (%s) to site %s\n", new_id, a->role, a->site);
    return EXIT_OK;
}

static int do_remove(struct site *s, const struct team_args *a, int npos, char **pos)
{
    if (!a->site || npos != 2)
        return cli_usage_error("team", "team remove needs --site and one member id");
    char err[512];
    if (prog_need_site(s->store, a->site, err, sizeof err))
        return cli_fail("%s", err);
    if (!store_team_member_at(s->store, pos[1], a->site))
        return cli_fail("no team member %s at site %s", pos[1], a->site);
    if (store_team_remove(s->store, pos[1], a->site, err, sizeof err))
        return cli_fail("cannot remove the team member: %s", err);
    printf("Removed team member %s from site %s\n", pos[1], a->site);
    return EXIT_OK;
}

int cmd_team(struct cli *cli, int argc, char **argv)
{
    struct team_args a = {0};
    const struct opt opts[] = {{"site", 0, OPT_VALUE, &a.site}, {"role", 0, OPT_VALUE, &a.role},
                               {"name", 0, OPT_VALUE, &a.name}, {"email", 0, OPT_VALUE, &a.email},
                               {"json", 0, OPT_FLAG, &a.json},  {NULL, 0, 0, NULL}};
    char **pos = NULL;
    int npos = 0;
    int rc = cli_parse(argc, argv, opts, team_usage, &pos, &npos);
    if (rc != 0)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    const char *sub = npos ? pos[0] : "list";
    bool list = strcmp(sub, "list") == 0, add = strcmp(sub, "add") == 0;
    if (!list && !add && strcmp(sub, "remove") != 0) {
        free(pos);
        return cli_usage_error("team", "unknown sub-command '%s' (add, remove)", sub);
    }
    struct site *s = site_open(cli, list ? SITE_READONLY : 0, list ? "team" : "team change");
    if (!s) {
        free(pos);
        return EXIT_FAIL;
    }
    if (list)
        rc =
            npos > 1 ? cli_usage_error("team", "unexpected argument '%s'", pos[1]) : do_list(s, &a);
    else
        rc = add ? (npos > 1 ? cli_usage_error("team", "unexpected argument '%s'", pos[1])
                             : do_add(s, &a))
                 : do_remove(s, &a, npos, pos);
    site_close(s);
    free(pos);
    return rc;
}
