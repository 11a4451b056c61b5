#include "site.h"
#include "med_lua.h"

#include <stdio.h>
#include <stdlib.h>

#include "paths.h"
#include "timer.h"
#include "util.h"

int luaopen_sixbb_query(lua_State *L);
int luaopen_sixbb_report(lua_State *L);
int luaopen_sixbb_measures(lua_State *L);
int luaopen_sixbb_data(lua_State *L);

/* The installed defaults, then the site's sixbb.lua when there is a site. On failure frees the
 * host and sets *why. */
static int load_config(struct host *h, const char *site_dir, char **why)
{
    char *defaults = path_join(paths_data_dir("config"), "defaults.lua");
    char *site_cfg = site_dir ? path_join(site_dir, "sixbb.lua") : NULL;
    int rc = host_load_config(h, defaults, site_cfg);
    free(defaults);
    free(site_cfg);
    if (rc != 0) {
        *why = xasprintf("configuration error: %s", h->last_error);
        host_free(h);
        return -1;
    }
    return 0;
}

struct host *site_host_load(struct store *store, const char *site_dir, bool quiet,
                            void (*prepare)(struct host *h, void *arg), void *arg, char **why)
{
    struct host *h = host_new(store, site_dir);
    if (!h) {
        *why = xstrdup("cannot create the Lua state");
        return NULL;
    }
    h->quiet = quiet;
    host_api_add(h, "query", luaopen_sixbb_query);
    host_api_add(h, "data", luaopen_sixbb_data);
    host_api_add(h, "timer", luaopen_sixbb_timer);
    host_api_add(h, "med", luaopen_sixbb_med_lazy);
    if (prepare)
        prepare(h, arg);
    host_api_add(h, "report", luaopen_sixbb_report);
    host_api_add(h, "measures", luaopen_sixbb_measures);
    if (load_config(h, site_dir, why) != 0)
        return NULL;
    char *site_plugins = site_dir ? path_join(site_dir, "plugins") : NULL;
    host_load_plugins(h, paths_data_dir("plugins"), site_plugins);
    free(site_plugins);
    return h;
}

struct host *site_config_load(const char *site_dir, char **why)
{
    struct host *h = host_new(NULL, site_dir);
    if (!h) {
        *why = xstrdup("cannot create the Lua state");
        return NULL;
    }
    h->quiet = true;
    return load_config(h, site_dir, why) == 0 ? h : NULL;
}

void site_close(struct site *s)
{
    if (!s)
        return;
    host_free(s->host);
    store_close(s->store);
    free(s->dir);
    free(s);
}
