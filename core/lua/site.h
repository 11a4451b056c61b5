/* A site's pieces as the layers above use them: its directory, its store, and the Lua host
 * assembled from the defaults, the site config and every plugin, with the sixbb.* modules
 * attached. Finding and opening a site for a command is the CLI's (cli.h, site_open). */
#ifndef SIXBB_SITE_H
#define SIXBB_SITE_H

#include <stdbool.h>

#include "host.h"
#include "store.h"

struct site {
    char *dir;
    struct store *store;
    struct host *host; /* NULL unless a host was asked for */
};

/* Frees the host, closes the store and frees s; s may be NULL. */
void site_close(struct site *s);

/* A host with defaults, the optional site config and all plugins, for use with or without a
 * site (site_dir may be NULL). prepare(h, arg), when not NULL, is called after the sixbb API is
 * complete and before the config and plugins load (the daemon attaches its event loop there, so
 * plugins may start timers). Returns NULL with the reason in *why (caller frees). */
struct host *site_host_load(struct store *store, const char *site_dir, bool quiet,
                            void (*prepare)(struct host *h, void *arg), void *arg, char **why);

/* A host holding only the configuration (defaults.lua, then the site's sixbb.lua when site_dir
 * is not NULL): no store, no modules, no plugins. For commands that need a setting and nothing
 * else, such as the calculator's standard. NULL with an allocated reason in *why. */
struct host *site_config_load(const char *site_dir, char **why);

#endif
