/* sixbb init DIR: a new site directory with its database, config template and folders. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "store.h"
#include "util.h"

static const char init_usage[] =
    "usage: sixbb init DIR\n"
    "\n"
    "Creates a new site in DIR (created if missing; it must be empty or hold no site yet):\n"
    "  sixbb.db   the site's database, readable by its owner only (mode 0600)\n"
    "  sixbb.lua  the site configuration, a commented template to edit\n"
    "  plugins/   the site's own plugins, which can override or extend the built-in ones\n"
    "  out/       reports and delivered reminders\n"
    "An existing site is never touched.\n";

static int mkdir_if_missing(const char *path, int mode)
{
    if (mkdir(path, (mode_t)mode) == 0 || errno == EEXIST)
        return 0;
    return -1;
}

int cmd_init(struct cli *cli, int argc, char **argv)
{
    (void)cli;
    char **pos = NULL;
    int npos = 0;
    int rc = cli_parse(argc, argv, NULL, init_usage, &pos, &npos);
    if (rc != 0)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    if (npos != 1) {
        free(pos);
        return cli_usage_error("init", "expected one directory, got %d arguments", npos);
    }
    const char *dir = pos[0];
    free(pos);

    char *db = path_join(dir, "sixbb.db");
    char *cfg = path_join(dir, "sixbb.lua");
    char *plugins = path_join(dir, "plugins");
    char *out = path_join(dir, "out");
    int status = EXIT_FAIL;
    if (path_exists(db) || path_exists(cfg)) {
        cli_fail("%s already holds a site (sixbb.db or sixbb.lua exists); nothing was changed",
                 dir);
        goto done;
    }
    if (path_exists(dir) && !is_dir(dir)) {
        cli_fail("%s exists and is not a directory", dir);
        goto done;
    }
    if (mkdir_if_missing(dir, 0700) != 0) {
        cli_fail("cannot create %s: %s", dir, strerror(errno));
        goto done;
    }
    char *tmpl_path = path_join(paths_data_dir("config"), "sixbb.lua");
    size_t len;
    char *tmpl = read_file(tmpl_path, &len);
    if (!tmpl) {
        cli_fail("cannot read the config template %s: %s", tmpl_path, strerror(errno));
        free(tmpl_path);
        goto done;
    }
    free(tmpl_path);
    char err[1024];
    struct store *s = store_open(db, STORE_CREATE, err, sizeof err);
    if (!s) {
        free(tmpl);
        cli_fail("%s", err);
        goto done;
    }
    store_set_actor(s, "init");
    store_audit(s, "create", "site", NULL, dir);
    store_close(s);
    if (write_file_atomic(cfg, tmpl, len, 0600) != 0 || mkdir_if_missing(plugins, 0700) != 0 ||
        mkdir_if_missing(out, 0700) != 0) {
        cli_fail("cannot finish the site in %s: %s; removing what was created", dir,
                 strerror(errno));
        unlink(cfg);
        unlink(db);
        rmdir(plugins);
        rmdir(out);
        free(tmpl);
        goto done;
    }
    free(tmpl);
    printf("Created a new site in %s\n", dir);
    printf("Next: edit %s, then import data with 'sixbb -C %s import DIR'.\n", cfg, dir);
    status = EXIT_OK;
done:
    free(db);
    free(cfg);
    free(plugins);
    free(out);
    return status;
}
