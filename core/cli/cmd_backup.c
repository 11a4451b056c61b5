/* sixbb backup FILE: a consistent copy of the site database, safe while the daemon writes. */
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "site.h"

static const char backup_usage[] =
    "usage: sixbb [-C DIR] backup FILE\n"
    "\n"
    "Writes a consistent copy of the site's database to FILE (mode 0600) using SQLite's online\n"
    "backup, so it is safe while the daemon or another command is writing. FILE must not exist.\n";

int cmd_backup(struct cli *cli, int argc, char **argv)
{
    char **pos = NULL;
    int npos = 0;
    int rc = cli_parse(argc, argv, NULL, backup_usage, &pos, &npos);
    if (rc != 0)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    if (npos != 1) {
        free(pos);
        return cli_usage_error("backup", "expected one output file");
    }
    const char *dest = pos[0];
    free(pos);
    struct site *s = site_open(cli, SITE_READONLY, "backup");
    if (!s)
        return EXIT_FAIL;
    char err[1024];
    int status = EXIT_OK;
    if (store_backup(s->store, dest, err, sizeof err) != 0)
        status = cli_fail("%s", err);
    else
        printf("Backed up %s to %s\n", store_path(s->store), dest);
    site_close(s);
    return status;
}
