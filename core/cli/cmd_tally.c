/* sixbb tally add / sixbb tallies: hand counts for small tests of change ("early-refill calls
 * this week"). Each tally is one count for one clinic, measure and date; the 'tally' report
 * draws them as run charts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "program.h"
#include "site.h"
#include "store_program.h"
#include "util.h"

static const char tally_usage[] =
    "usage: sixbb [-C DIR] tally add --site S --measure NAME --date DATE --count N [--note TEXT]\n"
    "\n"
    "Records a hand count (an event tally) for a clinic: how many times something happened\n"
    "in the period ending on DATE, such as early-refill calls in a week. One count per\n"
    "clinic, measure and date. 'sixbb report tally --param measure=NAME' charts them.\n";

static const char tallies_usage[] =
    "usage: sixbb [-C DIR] tallies [--site S] [--measure NAME] [--json]\n"
    "\n"
    "Lists recorded tallies by clinic, measure and date.\n";

struct tally_args {
    const char *site, *measure, *date, *count, *note;
};

static int validate(struct site *s, const struct tally_args *a, long *count)
{
    if (!a->site || !a->measure || !a->date || !a->count)
        return cli_usage_error("tally", "tally add needs --site, --measure, --date and --count");
    if (!*a->measure)
        return cli_fail("the measure name is empty");
    char err[512];
    if (prog_need_date("--date", a->date, NULL, err, sizeof err))
        return cli_fail("%s", err);
    char *end;
    *count = strtol(a->count, &end, 10);
    if (!*a->count || *end || *count < 0 || *count > 1000000)
        return cli_fail("--count '%s' is not a whole number from 0 to 1000000", a->count);
    if (prog_need_site(s->store, a->site, err, sizeof err))
        return cli_fail("%s", err);
    if (store_tally_exists(s->store, a->site, a->measure, a->date))
        return cli_fail("site %s already has a %s tally for %s", a->site, a->measure, a->date);
    return 0;
}

int cmd_tally(struct cli *cli, int argc, char **argv)
{
    struct tally_args a = {0};
    const struct opt opts[] = {
        {"site", 0, OPT_VALUE, &a.site}, {"measure", 0, OPT_VALUE, &a.measure},
        {"date", 0, OPT_VALUE, &a.date}, {"count", 0, OPT_VALUE, &a.count},
        {"note", 0, OPT_VALUE, &a.note}, {NULL, 0, 0, NULL}};
    char **pos = NULL;
    int npos = 0;
    int rc = cli_parse(argc, argv, opts, tally_usage, &pos, &npos);
    if (rc != 0)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    bool add = npos == 1 && strcmp(pos[0], "add") == 0;
    free(pos);
    if (!add)
        return cli_usage_error("tally", "expected 'tally add' (list them with 'sixbb tallies')");
    struct site *s = site_open(cli, 0, "tally add");
    if (!s)
        return EXIT_FAIL;
    long count = 0;
    rc = validate(s, &a, &count);
    if (rc == 0) {
        char err[512];
        rc = store_tally_add(s->store, a.site, a.measure, a.date, count, a.note, err, sizeof err)
                 ? cli_fail("cannot record the tally: %s", err)
                 : 0;
        if (rc == 0)
            printf("Recorded %s = %ld at site %s on %s\n", a.measure, count, a.site, a.date);
    }
    site_close(s);
    return rc;
}

int cmd_tallies(struct cli *cli, int argc, char **argv)
{
    const char *site = NULL, *measure = NULL;
    bool json = false;
    const struct opt opts[] = {{"site", 0, OPT_VALUE, &site},
                               {"measure", 0, OPT_VALUE, &measure},
                               {"json", 0, OPT_FLAG, &json},
                               {NULL, 0, 0, NULL}};
    int rc = cli_parse(argc, argv, opts, tallies_usage, NULL, NULL);
    if (rc != 0)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    struct site *s = site_open(cli, SITE_READONLY, "tallies");
    if (!s)
        return EXIT_FAIL;
    char err[512];
    if (site && prog_need_site(s->store, site, err, sizeof err)) {
        site_close(s);
        return cli_fail("%s", err);
    }
    cJSON *rows = store_tallies(s->store, site, measure);
    if (json) {
        prog_print_json("tallies", rows);
    } else {
        static const char *const cols[] = {"site", "measure", "date", "count", "note", NULL};
        prog_print_table(rows, cols, "No tallies recorded.");
        cJSON_Delete(rows);
    }
    site_close(s);
    return EXIT_OK;
}
