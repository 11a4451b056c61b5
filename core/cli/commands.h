/* Every top-level command. Each lives in core/cmd_<name>.c and follows cmd_fn in cli.h. */
#ifndef SIXBB_COMMANDS_H
#define SIXBB_COMMANDS_H

#include "cli.h"
#include "date.h"

struct host;
struct importer;

/* An import's counts and data-quality flags as text (cli/import_summary.c). */
void import_print_summary(const struct importer *imp, bool dry_run);
/* The import's progress line on stderr, for import_options.progress. */
void import_draw_progress(void *ud, long rows, double rows_per_second, bool final);

int cmd_version(struct cli *cli, int argc, char **argv);
int cmd_init(struct cli *cli, int argc, char **argv);
int cmd_backup(struct cli *cli, int argc, char **argv);
int cmd_plugins(struct cli *cli, int argc, char **argv);
int cmd_run(struct cli *cli, int argc, char **argv);
int cmd_test(struct cli *cli, int argc, char **argv);
int cmd_demo(struct cli *cli, int argc, char **argv);
/* jobs: dispatches to the jobs sub-commands (core/cmd_jobs_next.c). */
int cmd_jobs(struct cli *cli, int argc, char **argv);
int cmd_jobs_next(struct cli *cli, int argc, char **argv);
int cmd_check(struct cli *cli, int argc, char **argv);
/* The as-of date for command cmd: given (YYYY-MM-DD, else a usage error naming cmd), or today
 * in the site's time zone. 0, or the exit code after printing why (cli/cmd_check.c). */
int site_as_of(struct host *h, const char *cmd, const char *given, day_t *out);
int cmd_milestones(struct cli *cli, int argc, char **argv);
int cmd_synth(struct cli *cli, int argc, char **argv);
int cmd_med(struct cli *cli, int argc, char **argv);
int cmd_report(struct cli *cli, int argc, char **argv);
int cmd_reports(struct cli *cli, int argc, char **argv);
/* The conversion standard `sixbb med` uses: the --standard option when given, else the
 * $SIXBB_MED_STANDARD environment variable, else cdc2022. The site layer extends this with the
 * standard a site's configuration names. */
const char *cmd_med_standard_name(struct cli *cli, const char *option);
int cmd_jobs_list(struct cli *cli, int argc, char **argv); /* core/cmd_jobs.c */
int cmd_jobs_run(struct cli *cli, int argc, char **argv);
int cmd_daemon(struct cli *cli, int argc, char **argv);
int cmd_outbox(struct cli *cli, int argc, char **argv);
int cmd_import(struct cli *cli, int argc, char **argv);
int cmd_export(struct cli *cli, int argc, char **argv);
int cmd_record(struct cli *cli, int argc, char **argv);
/* The facilitator's commands (docs/facilitators.md). */
int cmd_sites(struct cli *cli, int argc, char **argv);
int cmd_site(struct cli *cli, int argc, char **argv);
int cmd_team(struct cli *cli, int argc, char **argv);
int cmd_meeting(struct cli *cli, int argc, char **argv);
int cmd_meetings(struct cli *cli, int argc, char **argv);
int cmd_plan(struct cli *cli, int argc, char **argv);
int cmd_plans(struct cli *cli, int argc, char **argv);
int cmd_assess(struct cli *cli, int argc, char **argv);
int cmd_tally(struct cli *cli, int argc, char **argv);
int cmd_tallies(struct cli *cli, int argc, char **argv);
int cmd_survey(struct cli *cli, int argc, char **argv);
int cmd_aim(struct cli *cli, int argc, char **argv);  /* core/cmd_aim.c */
int cmd_aims(struct cli *cli, int argc, char **argv);

#endif
