/* sixbb team: each clinic's improvement team — who holds which role. Names are staff names,
 * not patient information, but they stay out of the audit log all the same. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "program.h"
#include "site.h"
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
    if (a->site && prog_need_site(s->store, a->site))
        return EXIT_FAIL;
    sqlite3_stmt *st =
        store_prepare(s->store, "SELECT id, site_id AS site, role, name, email FROM team_members "
                                "WHERE ?1 IS NULL OR site_id = ?1 ORDER BY site_id, role, id");
    prog_bind(st, 1, a->site);
    cJSON *rows = prog_rows(st);
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
    if (prog_need_word("role", a->role, roles, ARRAY_LEN(roles)))
        return EXIT_FAIL;
    if (!*a->name)
        return cli_fail("the name is empty");
    if (prog_need_site(s->store, a->site))
        return EXIT_FAIL;
    sqlite3_stmt *st =
        store_prepare(s->store, "INSERT INTO team_members(site_id, role, name, email, "
                                "added_at) VALUES (?1,?2,?3,?4,strftime('%s','now'))");
    prog_bind(st, 1, a->site);
    prog_bind(st, 2, a->role);
    prog_bind(st, 3, a->name);
    prog_bind(st, 4, a->email);
    long long new_id = 0;
    char detail[120];
    snprintf(detail, sizeof detail, "%s at site %s", a->role, a->site);
    /* The audit entry names the role, never the person. */
    if (prog_write(s->store, st, "add the team member", "add", "team_member", NULL, detail,
                   &new_id))
        return EXIT_FAIL;
    printf("Added team member %lld (%s) to site %s\n", new_id, a->role, a->site);
    return EXIT_OK;
}

static int do_remove(struct site *s, const struct team_args *a, int npos, char **pos)
{
    if (!a->site || npos != 2)
        return cli_usage_error("team", "team remove needs --site and one member id");
    if (prog_need_site(s->store, a->site))
        return EXIT_FAIL;
    sqlite3_stmt *st = store_prepare(s->store, "SELECT 1 FROM team_members WHERE id = ?1 AND "
                                               "site_id = ?2");
    prog_bind(st, 1, pos[1]);
    prog_bind(st, 2, a->site);
    bool found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_reset(st);
    if (!found)
        return cli_fail("no team member %s at site %s", pos[1], a->site);
    st = store_prepare(s->store, "DELETE FROM team_members WHERE id = ?1");
    prog_bind(st, 1, pos[1]);
    if (prog_write(s->store, st, "remove the team member", "remove", "team_member", pos[1], a->site,
                   NULL))
        return EXIT_FAIL;
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
