/* The Lua 5.4 host: one lua_State shared by every plugin, each plugin in its own sandboxed
 * environment; a memory cap on the whole state; an instruction budget and wall-clock deadline
 * on every call into Lua that the plugin's own pcall cannot swallow; and the registry of what
 * plugins declared (milestones, assessment items, checks, measures, reports, jobs). */
#ifndef SIXBB_HOST_H
#define SIXBB_HOST_H

#include <lua.h>
#include <stdbool.h>
#include <stddef.h>

struct store;
struct med_db;
struct med_standard;

struct host_limits {
    long long instructions; /* per call into Lua */
    double load_seconds;    /* loading a plugin or the site config */
    double check_seconds;   /* one check on one patient, site or clinician */
    double call_seconds;    /* reports, jobs, measures, scripts */
    size_t memory_bytes;    /* the whole Lua heap */
};

/* What a plugin registered; kinds index the counts array. */
enum reg_kind {
    REG_MILESTONES,
    REG_ASSESSMENT,
    REG_CHECKS,
    REG_MEASURES,
    REG_REPORTS,
    REG_JOBS,
    REG_INSTRUMENTS,
    REG_NKINDS
};
extern const char *const reg_kind_names[REG_NKINDS];

struct plugin {
    char *id;         /* NULL when the file failed before registering */
    char *block;      /* the building block's title */
    char *file;       /* path of plugin.lua (or the site file) */
    char *extends;    /* id of the plugin this one extends, or NULL */
    bool builtin;
    bool loaded;
    bool overridden;  /* a site plugin with the same id replaced this one */
    bool disabled;    /* listed in the site config's disabled_plugins: registers nothing */
    char *error;      /* load error, with file:line */
    int counts[REG_NKINDS];
    int ref;          /* registry reference to the validated record table */
    int env_ref;      /* registry reference to the plugin's environment */
};

struct host {
    lua_State *L;
    struct host_limits limits;
    size_t mem_used;
    struct store *store; /* may be NULL (no site) */
    char *site_dir;      /* may be NULL */

    struct plugin *plugins;
    size_t nplugins;

    /* Site configuration: registry ref to the merged config table. */
    int config_ref;

    /* State of the call in progress (see host_pcall). */
    const char *cur_plugin;
    const char *cur_hook;
    long long instr_used;
    long long instr_limit;
    double deadline;
    bool in_call;
    bool killed;
    bool loading;     /* sixbb.plugin{} is only allowed while a plugin file runs */
    int pending_ref;  /* the record registered by the file being loaded */

    /* The MED tables and standard, loaded on first use (see host_med) and freed with the host. */
    struct med_db *med_db;
    struct med_standard *med_std;

    char *last_error; /* last error, one paragraph, names plugin, hook and file:line */
    char *last_trace; /* same with the Lua traceback */
    bool quiet;       /* do not print plugin load errors as they happen */
    /* Told of every error host_fail records (the CLI prints it; the daemon logs it). The host
     * itself never prints: with no hook the error is only kept in last_error. */
    void (*on_error)(const char *msg);
};

/* Creates the state with the sandbox and the sixbb API. store and site_dir may be NULL. */
struct host *host_new(struct store *store, const char *site_dir);
void host_free(struct host *h);
struct host *host_from_lua(lua_State *L);

/* Calls the function below nargs arguments on the stack (like lua_pcall) with the budget and a
 * deadline of `seconds` (0 = the default call limit). On error returns non-zero, pops the
 * function and arguments, pushes nothing, and fills last_error ("plugin 'id', hook 'name':
 * file:line: message"). plugin and hook may be NULL. */
int host_pcall(struct host *h, const char *plugin, const char *hook, int nargs, int nresults,
               double seconds);

/* Loads a Lua text chunk (never bytecode) from a file into a function whose _ENV is the table at
 * env_idx. Returns 0 and pushes the function, or -1 with last_error set. */
int host_load_file(struct host *h, const char *path, int env_idx);

/* Pushes a fresh sandbox environment: the allow-listed standard library, the read-only `sixbb`
 * API, and a restricted `require` that serves "sixbb" and, if moddir is not NULL, modules from
 * that folder. print goes to stdout when print_stdout, else to the log on stderr. */
void host_push_env(struct host *h, const char *owner, const char *moddir, bool print_stdout);

/* Makes the table at idx read-only to Lua code: replaces it on the stack by a proxy whose
 * writes raise errors and whose metatable cannot be read or changed. */
void host_make_readonly(lua_State *L, int idx);
/* The same for the table and every table inside it (nested ones become read-only views of a
 * copy), for tables handed to plugins that share parts with the configuration or registry. */
void host_make_readonly_deep(lua_State *L, int idx);

/* Adds a C-built module to the sixbb API as sixbb.<name>; the opener pushes one value. Must be
 * called before plugins load. */
void host_api_add(struct host *h, const char *name, lua_CFunction opener);

/* Loads built-in plugins from builtin_dir (one folder per plugin with plugin.lua), then site
 * plugins from site_dir/plugins (folders with plugin.lua, or single .lua files). A plugin that
 * fails is recorded with its error and skipped. Returns the number that failed. */
int host_load_plugins(struct host *h, const char *builtin_dir, const char *site_plugins_dir);
struct plugin *host_find_plugin(struct host *h, const char *id);

/* Pushes the merged list of every registration of one kind from loaded plugins: a sequence of
 * entry tables; each entry has a `plugin` field naming its owner. Later plugins replace entries
 * with the same id (site plugins override built-ins). */
void host_push_registry(struct host *h, enum reg_kind kind);
/* Pushes the merged registry entry with this id, or nil. */
void host_push_entry(struct host *h, enum reg_kind kind, const char *id);

/* Site config: evaluates config/defaults.lua then DIR/sixbb.lua (if present) in the sandbox and
 * validates the site's keys against the defaults. Returns 0 or -1 (last_error set). */
int host_load_config(struct host *h, const char *defaults_path, const char *site_config_path);
/* Pushes the merged config table (read-only view). */
void host_push_config(struct host *h);
/* Pushes the config value at a dotted path ("rules.risk.high"), or nil. */
void host_push_config_path(struct host *h, const char *path);
/* Reads config values by dotted path ("limits.check_seconds"); fallback when absent. */
double host_config_number(struct host *h, const char *path, double fallback);
/* Returned string is owned by the host until the next call; NULL when absent. */
const char *host_config_string(struct host *h, const char *path);

/* The MED database and the site's standard, loaded once on first use. 0, or -1 with err. */
int host_med(struct host *h, struct med_db **db, struct med_standard **std, char *err,
             size_t errlen);

void host_set_error(struct host *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* host_set_error, then passes the message to the on_error hook when one is set. Returns 1, so a
 * function that fails can `return host_fail(...)`. */
int host_fail(struct host *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Logging to stderr with a level; callers pass ids, never patient names. */
void host_log(const char *level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The check runner (eval_new, eval_run, ...) for the modules and commands that evaluate. */
#include "checks.h"

#endif
