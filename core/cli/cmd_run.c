/* sixbb run FILE.lua [ARGS]: a clinic's automation script with the sixbb API, in the sandbox. */
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "site.h"
#include "util.h"

static const char run_usage[] =
    "usage: sixbb [-C DIR] run [--timeout SECONDS] FILE.lua [ARGS...]\n"
    "\n"
    "Runs a Lua script with the sixbb API, in the same sandbox as plugins (no io, no os.execute,\n"
    "no load). The script sees its arguments in the table `arg` (arg[0] is FILE), prints to\n"
    "standard output, and may return an integer exit status. When a site is found (-C,\n"
    "$SIXBB_HOME or the current directory) the script works on that site.\n"
    "\n"
    "  --timeout SECONDS   wall-clock limit (default: limits.call_seconds from the config)\n";

int cmd_run(struct cli *cli, int argc, char **argv)
{
    /* Options stop at the script name; what follows belongs to the script. */
    const char *timeout = NULL;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(run_usage, stdout);
            return EXIT_OK;
        } else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
            timeout = argv[++i];
        } else if (strncmp(argv[i], "--timeout=", 10) == 0) {
            timeout = argv[i] + 10;
        } else if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else {
            return cli_usage_error("run", "unknown option %s", argv[i]);
        }
    }
    if (i >= argc)
        return cli_usage_error("run", "expected a script file");
    const char *file = argv[i];
    double seconds = 0;
    if (timeout) {
        char *end;
        seconds = strtod(timeout, &end);
        if (*end || seconds <= 0)
            return cli_usage_error("run", "--timeout needs a positive number of seconds");
    }
    if (!path_exists(file))
        return cli_fail("cannot read %s: no such file", file);

    struct site *s = NULL;
    struct host *h;
    bool want_site = cli->site_flag || (getenv("SIXBB_HOME") && *getenv("SIXBB_HOME"));
    if (want_site || path_exists("sixbb.db")) {
        s = site_open(cli, SITE_HOST, "run");
        if (!s)
            return EXIT_FAIL;
        h = s->host;
    } else if (!(h = site_host_new(NULL, NULL, false))) {
        return EXIT_FAIL;
    }
    lua_State *L = h->L;
    host_push_env(h, "script", NULL, true);
    int env = lua_gettop(L);
    lua_createtable(L, argc - i, 1);
    for (int k = i; k < argc; k++) {
        lua_pushstring(L, argv[k]);
        lua_rawseti(L, -2, k - i);
    }
    lua_setfield(L, env, "arg");
    int status = EXIT_OK;
    if (host_load_file(h, file, env) != 0) {
        status = cli_fail("%s", h->last_error);
    } else if (host_pcall(h, NULL, NULL, 0, 1, seconds) != 0) {
        status = cli_fail("%s", h->last_trace);
    } else if (lua_isinteger(L, -1)) {
        status = (int)lua_tointeger(L, -1);
    }
    lua_settop(L, 0);
    if (s)
        site_close(s);
    else
        host_free(h);
    return status;
}
