/* sixbb: entry point. Parses the global options, then dispatches to one command. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

struct command {
    const char *name;
    cmd_fn fn;
    const char *summary;
};

static const struct command commands[] = {
    {"init", cmd_init, "create a new site directory"},
    {"demo", cmd_demo, "build a demo site with synthetic data and show what sixbb does"},
    {"import", cmd_import, "load CSV extracts (all-or-nothing, idempotent)"},
    {"export", cmd_export, "write a kind of record as CSV or JSON"},
    {"record", cmd_record, "record an event, assessment, appointment or diagnosis"},
    {"med", cmd_med, "compute morphine-equivalent dose"},
    {"check", cmd_check, "evaluate patients and list care gaps"},
    {"report", cmd_report, "produce a report as text, CSV, JSON or printable HTML"},
    {"reports", cmd_reports, "list the reports plugins registered"},
    {"aim", cmd_aim, "set or remove an aim: a measure's target by a date"},
    {"aims", cmd_aims, "list the aims"},
    {"milestones", cmd_milestones, "the program's milestones: status, evidence, local ones"},
    {"sites", cmd_sites, "the clinics: stage, track, team, last meetings; --log for all"},
    {"site", cmd_site, "set a clinic's stage, track or name"},
    {"team", cmd_team, "each clinic's improvement team: list, add, remove"},
    {"meeting", cmd_meeting, "record a program meeting"},
    {"meetings", cmd_meetings, "list program meetings"},
    {"plan", cmd_plan, "action plans: new (carries open steps), activities, steps, show"},
    {"plans", cmd_plans, "list action plans"},
    {"assess", cmd_assess, "self-assessment scores: record, import, summary"},
    {"tally", cmd_tally, "record a hand count (event tally)"},
    {"tallies", cmd_tallies, "list event tallies"},
    {"survey", cmd_survey, "kickoff and outcomes survey answers: import, summary"},
    {"plugins", cmd_plugins, "list plugins, what they registered, and load errors"},
    {"jobs", cmd_jobs, "scheduled jobs: list them, run one, see when a schedule fires"},
    {"daemon", cmd_daemon, "run scheduled jobs and deliver reminders (for systemd)"},
    {"outbox", cmd_outbox, "reminders queued, delivered, failed or set aside for review"},
    {"backup", cmd_backup, "copy the site database safely while it is in use"},
    {"run", cmd_run, "run a Lua script with the sixbb API"},
    {"test", cmd_test, "run Lua spec files against a temporary site"},
    {"synth", cmd_synth, "generate a synthetic organisation as CSV extracts"},
    {"version", cmd_version, "print the version"},
};

static void usage(FILE *f)
{
    fputs("usage: sixbb [-C DIR] COMMAND [ARGS...]\n"
          "\n"
          "Registry, care-gap checks, reports and reminders for the Six Building Blocks program\n"
          "for safer long-term opioid therapy.\n"
          "\n"
          "Options:\n"
          "  -C DIR     use the site in DIR (default: $SIXBB_HOME, then the current directory)\n"
          "  --help     show this help; 'sixbb COMMAND --help' shows a command's help\n"
          "  --version  print the version\n"
          "\n"
          "Commands:\n",
          f);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
}

int cmd_version(struct cli *cli, int argc, char **argv)
{
    (void)cli;
    int rc = cli_parse(argc, argv, NULL, "usage: sixbb version\n\nPrints the program version.\n",
                       NULL, NULL);
    if (rc != 0)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    printf("sixbb %s\n", SIXBB_VERSION);
    return EXIT_OK;
}

int main(int argc, char **argv)
{
    struct cli cli = {0};
    int i = 1;
    while (i < argc && argv[i][0] == '-') {
        if (strcmp(argv[i], "-C") == 0) {
            if (i + 1 >= argc) {
                fputs("sixbb: -C needs a directory\n", stderr);
                return EXIT_USAGE;
            }
            cli.site_flag = argv[i + 1];
            i += 2;
        } else if (strncmp(argv[i], "-C", 2) == 0) {
            cli.site_flag = argv[i] + 2;
            i++;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return EXIT_OK;
        } else if (strcmp(argv[i], "--version") == 0) {
            return cmd_version(&cli, 1, argv);
        } else {
            fprintf(stderr, "sixbb: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[i];
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++) {
        if (strcmp(commands[k].name, name) == 0) {
            int rc = commands[k].fn(&cli, argc - i, argv + i);
            free(cli.site_dir);
            return rc;
        }
    }
    fprintf(stderr, "sixbb: unknown command '%s'. Run 'sixbb --help' for the list.\n", name);
    return EXIT_USAGE;
}
