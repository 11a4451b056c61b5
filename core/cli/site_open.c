/* Opening the site a command names: the CLI finds it (-C, $SIXBB_HOME, the current directory),
 * opens its store and, when asked, its host, and prints why when any of that fails. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "site.h"
#include "util.h"

/* What the store says it is doing on the way, on stderr like every message. */
static void print_notice(const char *msg)
{
    fprintf(stderr, "sixbb: %s\n", msg);
}

/* The host's errors, printed as every command prints its own. */
static void print_host_error(const char *msg)
{
    cli_fail("%s", msg);
}

struct host *site_host_new(struct store *store, const char *site_dir, bool quiet)
{
    char *why = NULL;
    struct host *h = site_host_load(store, site_dir, quiet, NULL, NULL, &why);
    if (!h)
        cli_fail("%s", why);
    else
        h->on_error = print_host_error;
    free(why);
    return h;
}

struct site *site_open(struct cli *cli, int flags, const char *command)
{
    if (cli_find_site(cli) != 0)
        return NULL;
    struct site *s = xcalloc(1, sizeof *s);
    s->dir = xstrdup(cli->site_dir);
    char *db = path_join(s->dir, "sixbb.db");
    char err[1024];
    s->store = store_open_notify(db, (flags & SITE_READONLY) ? STORE_READONLY : 0, print_notice,
                                 err, sizeof err);
    free(db);
    if (!s->store) {
        cli_fail("%s", err);
        site_close(s);
        return NULL;
    }
    store_set_actor(s->store, command);
    if (flags & SITE_HOST) {
        s->host = site_host_new(s->store, s->dir, flags & SITE_QUIET);
        if (!s->host) {
            site_close(s);
            return NULL;
        }
    }
    return s;
}
