/* sixbb demo [DIR]: builds a complete demo site from scratch and walks through what sixbb does
 * with it. Each step calls the same command a person would type, so the demo exercises the
 * real paths. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "util.h"

static const char demo_usage[] =
    "usage: sixbb demo [--force] [DIR]\n"
    "\n"
    "Creates a demo site in DIR (default: sixbb-demo) and shows what sixbb does with it. The\n"
    "demo's data is synthetic; no real patient appears anywhere.\n"
    "\n"
    "  --force   replace DIR if it holds an earlier demo site (never a real site)\n";

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
    const struct opt opts[] = {{"force", 'f', OPT_FLAG, &force}, {NULL, 0, 0, NULL}};
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
    char *plugins_argv[] = {"plugins", NULL};
    rc = step("The building-block plugins", cmd_plugins, &site, 1, plugins_argv);
    free(site.site_dir);
    if (rc == EXIT_OK)
        printf("\nThe demo site is in %s.\n", dir);
    free(pos);
    return rc;
}
