/* Instruments are registry entries ({plugin, items, score}); scoring calls the entry's score
 * function under the plugin's name, with the responses as a list and the patient as {id, sex}. */
#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "import_host.h"
#include "util.h"

void import_host_config(struct host *h, struct import_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    const char *standard = host_config_string(h, "standard");
    cfg->standard = standard ? xstrdup(standard) : NULL;
    for (int k = 0; k < KIND_COUNT; k++) {
        const char *const *cols;
        size_t n = import_kind_columns((enum import_kind)k, &cols);
        for (size_t c = 0; c < n && c < IMPORT_MAX_COLUMNS; c++) {
            char path[128];
            snprintf(path, sizeof path, "import.columns.%s.%s",
                     import_kind_name((enum import_kind)k), cols[c]);
            const char *name = host_config_string(h, path);
            cfg->columns[k][c] = name ? xstrdup(name) : NULL;
        }
    }
}

static long instrument_items(void *ud, const char *instrument)
{
    struct host *h = ud;
    host_push_entry(h, REG_INSTRUMENTS, instrument);
    if (!lua_istable(h->L, -1)) {
        lua_pop(h->L, 1);
        return -1;
    }
    lua_getfield(h->L, -1, "items");
    long n = (long)lua_tointeger(h->L, -1);
    lua_pop(h->L, 2);
    return n;
}

/* Pushes the entry's score function, the responses and the patient; the plugin's id in *plugin
 * (to be freed). */
static void push_call(lua_State *L, const char *patient, const char *sex, const double *items,
                      size_t n, char **plugin)
{
    lua_getfield(L, -1, "plugin");
    *plugin = xstrdup(lua_tostring(L, -1) ? lua_tostring(L, -1) : "?");
    lua_pop(L, 1);
    lua_getfield(L, -1, "score");
    lua_remove(L, -2);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushnumber(L, items[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_createtable(L, 0, 2);
    if (patient) {
        lua_pushstring(L, patient);
        lua_setfield(L, -2, "id");
    }
    if (sex) {
        lua_pushstring(L, sex);
        lua_setfield(L, -2, "sex");
    }
}

static int instrument_score(void *ud, const char *instrument, const char *patient, const char *sex,
                            const double *items, size_t n, double *score, char *err, size_t errlen)
{
    struct host *h = ud;
    lua_State *L = h->L;
    host_push_entry(h, REG_INSTRUMENTS, instrument);
    if (!lua_istable(L, -1)) {
        lua_pop(L, 1);
        snprintf(err, errlen, "no plugin registers the instrument");
        return -1;
    }
    char *plugin;
    push_call(L, patient, sex, items, n, &plugin);
    int rc = host_pcall(h, plugin, "score", 2, 1, 0);
    free(plugin);
    if (rc != 0) {
        snprintf(err, errlen, "%s", h->last_error ? h->last_error : "error");
        return -1;
    }
    bool ok = lua_type(L, -1) == LUA_TNUMBER;
    *score = ok ? lua_tonumber(L, -1) : NAN;
    lua_pop(L, 1);
    if (!ok || !isfinite(*score)) {
        snprintf(err, errlen, "the score function did not return a number");
        return -1;
    }
    return 0;
}

void import_host_scorer(struct host *h, struct import_scorer *out)
{
    *out = (struct import_scorer){instrument_items, instrument_score, h};
}
