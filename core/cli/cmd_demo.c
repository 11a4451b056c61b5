/* sixbb demo [DIR]: builds a complete demo site from scratch and walks through what sixbb does
 * with it. Each step calls the same command a person would type, so the demo exercises the
 * real paths. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "host.h"
#include "site.h"
#include "store_import.h"
#include "util.h"

static const char demo_usage[] =
    "usage: sixbb demo [--force] [--patients N] [--seed S] [DIR]\n"
    "\n"
    "Creates a demo site in DIR (default: sixbb-demo) and shows what sixbb does with it: it\n"
    "generates a synthetic organisation's extracts, imports them, evaluates every patient for\n"
    "care gaps as of today, explains one patient's gaps, lists a clinic's milestones with live\n"
    "evidence, and writes the dashboard and the next clinic day's huddle lists as printable\n"
    "HTML into DIR/out/. The demo's data is synthetic; no real patient appears anywhere.\n"
    "\n"
    "  --force        replace DIR if it holds an earlier demo site (never a real site)\n"
    "  --patients N   size of the synthetic organisation (default 2000)\n"
    "  --seed S       seed of the generator (default 42)\n";

#define DEMO_MARKER ".sixbb-demo"

/* Runs one step as if typed on the command line. */
static int step(const char *title, cmd_fn fn, struct cli *cli, int argc, char **argv)
{
    printf("\n== %s\n$ sixbb", title);
    if (cli->site_flag)
        printf(" -C %s", cli->site_flag);
    for (int i = 0; i < argc; i++)
        printf(" %s", argv[i]);
    printf("\n");
    fflush(stdout);
    int rc = fn(cli, argc, argv);
    fflush(stdout);
    if (rc != EXIT_OK)
        fprintf(stderr, "sixbb demo: step '%s' failed\n", title);
    return rc;
}

/* Runs a step with its standard output going to a file, for output too long to read here. */
static int step_to_file(const char *title, cmd_fn fn, struct cli *cli, int argc, char **argv,
                        const char *path)
{
    printf("\n== %s\n$ sixbb -C %s", title, cli->site_flag);
    for (int i = 0; i < argc; i++)
        printf(" %s", argv[i]);
    printf(" > %s\n", path);
    fflush(stdout);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        return cli_fail("cannot write %s", path);
    int saved = dup(STDOUT_FILENO);
    dup2(fd, STDOUT_FILENO);
    close(fd);
    int rc = fn(cli, argc, argv);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    return rc;
}

/* The first lines of a file, as a preview. */
static void head(const char *path, int lines)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char line[1024];
    for (int i = 0; i < lines && fgets(line, sizeof line, f); i++)
        fputs(line, stdout);
    fclose(f);
}

/* Whether a plugin registered a report with this id (the dashboard comes from a plugin that a
 * site may have disabled). */
static bool report_registered(struct cli *site_cli, const char *id)
{
    struct site *s = site_open(site_cli, SITE_HOST | SITE_READONLY | SITE_QUIET, "demo");
    if (!s)
        return false;
    host_push_entry(s->host, REG_REPORTS, id);
    bool found = !lua_isnil(s->host->L, -1);
    lua_pop(s->host->L, 1);
    site_close(s);
    return found;
}

/* The dashboard (when a plugin provides it) and the huddle lists of the next clinic day, which
 * falls inside the appointment book the generator filled for the two weeks after today. */
static int write_reports(struct cli *site, const char *dir)
{
    char *dashboard = path_join(dir, "out/dashboard.html");
    char *huddle = path_join(dir, "out/huddle.html");
    int rc = EXIT_OK;
    if (report_registered(site, "dashboard")) {
        char *argv[] = {"report", "dashboard", "-o", dashboard, NULL};
        rc = step("The dashboard, as a printable page", cmd_report, site, 4, argv);
    } else {
        printf("\n== The dashboard\n(no plugin provides a 'dashboard' report here; skipped)\n");
    }
    if (rc == EXIT_OK) {
        char *argv[] = {"report", "huddle", "-o", huddle, NULL};
        rc = step("The next clinic day's huddle lists, one page per clinician", cmd_report, site,
                  4, argv);
    }
    free(dashboard);
    free(huddle);
    return rc;
}

/* A patient worth explaining: one with a high-dose gap, else any patient with a gap. */
static char *pick_patient(const char *dir)
{
    char *db = path_join(dir, "sixbb.db");
    char err[512];
    struct store *s = store_open(db, STORE_READONLY, err, sizeof err);
    char *out = s ? store_import_demo_patient(s) : NULL;
    store_close(s);
    free(db);
    return out;
}

static int prepare_dir(const char *dir, bool force)
{
    if (!path_exists(dir))
        return 0;
    char *marker = path_join(dir, DEMO_MARKER);
    bool is_demo = path_exists(marker);
    free(marker);
    if (!is_demo) {
        char *db = path_join(dir, "sixbb.db");
        bool site = path_exists(db);
        free(db);
        if (site || !is_dir(dir))
            return cli_fail("%s exists and is not a demo site; choose another folder", dir);
        return 0; /* an empty or unrelated folder: init decides */
    }
    if (!force)
        return cli_fail("%s already holds a demo site; run with --force to rebuild it", dir);
    if (remove_tree(dir) != 0)
        return cli_fail("cannot remove the old demo site in %s", dir);
    return 0;
}

int cmd_demo(struct cli *cli, int argc, char **argv)
{
    bool force = false;
    const char *patients = "2000", *seed = "42";
    const struct opt opts[] = {{"force", 'f', OPT_FLAG, &force},
                               {"patients", 0, OPT_VALUE, &patients},
                               {"seed", 0, OPT_VALUE, &seed},
                               {NULL, 0, 0, NULL}};
    char **pos = NULL;
    int npos = 0;
    int rc = cli_parse(argc, argv, opts, demo_usage, &pos, &npos);
    if (rc != 0)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    if (npos > 1) {
        free(pos);
        return cli_usage_error("demo", "expected at most one folder");
    }
    const char *dir = npos ? pos[0] : "sixbb-demo";
    if (prepare_dir(dir, force) != 0) {
        free(pos);
        return EXIT_FAIL;
    }
    char *init_argv[] = {"init", (char *)dir, NULL};
    if (step("Create the site", cmd_init, cli, 2, init_argv) != EXIT_OK) {
        free(pos);
        return EXIT_FAIL;
    }
    char *marker = path_join(dir, DEMO_MARKER);
    write_file_atomic(marker, "sixbb demo site\n", 16, 0600);
    free(marker);

    struct cli site = {.site_flag = dir};
    char *extracts = path_join(dir, "extracts");
    char *gaps = path_join(dir, "out/care-gaps.txt");
    char *synth_argv[] = {"synth", "--out", extracts, "--patients", (char *)patients,
                          "--seed", (char *)seed, NULL};
    char *import_argv[] = {"import", extracts, NULL};
    char *plugins_argv[] = {"plugins", NULL};
    char *check_argv[] = {"check", NULL};
    rc = step("Generate a synthetic organisation's extracts", cmd_synth, &site, 7, synth_argv);
    if (rc == EXIT_OK)
        rc = step("Import them (all-or-nothing; run it twice and nothing changes)", cmd_import,
                  &site, 2, import_argv);
    if (rc == EXIT_OK)
        rc = step("The building-block plugins", cmd_plugins, &site, 1, plugins_argv);
    if (rc == EXIT_OK)
        rc = step_to_file("Evaluate every patient for care gaps as of today", cmd_check, &site, 1,
                          check_argv, gaps);
    if (rc == EXIT_OK) {
        head(gaps, 14);
        printf("...\n(the whole list is in %s)\n", gaps);
        char *patient = pick_patient(dir);
        if (patient) {
            char *explain_argv[] = {"check", "--explain", patient, NULL};
            rc = step("Why does this patient have these gaps?", cmd_check, &site, 3, explain_argv);
            free(patient);
        }
    }
    if (rc == EXIT_OK) {
        char *ms_argv[] = {"milestones", "--site", "S01", NULL};
        rc = step("A clinic's milestones, with live evidence from the data", cmd_milestones,
                  &site, 3, ms_argv);
    }
    if (rc == EXIT_OK)
        rc = write_reports(&site, dir);
    free(site.site_dir);
    if (rc == EXIT_OK) {
        printf("\nThe demo site is in %s; the reports are in %s/out/ (open them in a browser and\n"
               "print them). Try:\n",
               dir, dir);
        printf("  sixbb -C %s report patient --patient P000001\n", dir);
        printf("  sixbb -C %s check --clinician C0001\n", dir);
        printf("  sixbb -C %s med \"oxycodone 10 mg tablet\" --qty 120 --days 30\n", dir);
        printf("  sixbb -C %s jobs\n", dir);
    }
    free(extracts);
    free(gaps);
    free(pos);
    return rc;
}
