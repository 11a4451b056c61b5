/* A site opened for a command: its directory, its store, and (when asked) the Lua host with the
 * site config and every plugin loaded. One call so every command sets up the same way. */
#ifndef SIXBB_SITE_H
#define SIXBB_SITE_H

#include "cli.h"
#include "host.h"
#include "store.h"

struct site {
    char *dir;
    struct store *store;
    struct host *host; /* NULL unless SITE_HOST was asked for */
};

enum {
    SITE_HOST = 1,     /* load config and plugins */
    SITE_READONLY = 2, /* open the database read-only */
    SITE_QUIET = 4,    /* do not log plugin load errors (the command reports them itself) */
};

/* Finds and opens the site (see cli_find_site). command names the writer in the audit log.
 * Returns NULL after printing the reason. */
struct site *site_open(struct cli *cli, int flags, const char *command);
void site_close(struct site *s);

/* A host with defaults, the optional site config and all plugins, for use with or without a
 * site (site_dir may be NULL). Returns NULL after printing the reason. */
struct host *site_host_new(struct store *store, const char *site_dir, bool quiet);
/* The same, calling prepare(h, arg) after the sixbb API is complete and before the config and
 * plugins load (the daemon attaches its event loop there, so plugins may start timers). */
struct host *site_host_new_with(struct store *store, const char *site_dir, bool quiet,
                                void (*prepare)(struct host *h, void *arg), void *arg);

#endif
