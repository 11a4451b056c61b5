#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

int cli_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("sixbb: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return EXIT_FAIL;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "sixbb %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'sixbb %s --help'.\n", cmd);
    va_end(ap);
    return EXIT_USAGE;
}

static const struct opt *find_long(const struct opt *opts, const char *name, size_t len)
{
    for (const struct opt *o = opts; o && o->name; o++)
        if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
            return o;
    return NULL;
}

static const struct opt *find_short(const struct opt *opts, char c)
{
    for (const struct opt *o = opts; o && o->name; o++)
        if (o->short_name == c)
            return o;
    return NULL;
}

static void list_push(const char ***list, const char *v)
{
    size_t n = 0;
    if (*list)
        while ((*list)[n])
            n++;
    *list = xrealloc(*list, (n + 2) * sizeof **list);
    (*list)[n] = v;
    (*list)[n + 1] = NULL;
}

static int apply(const char *cmd, const struct opt *o, const char *inline_val, int argc,
                 char **argv, int *i)
{
    if (o->kind == OPT_FLAG) {
        if (inline_val) {
            cli_usage_error(cmd, "option --%s takes no value", o->name);
            return -1;
        }
        *(bool *)o->target = true;
        return 0;
    }
    const char *v = inline_val;
    if (!v) {
        if (*i + 1 >= argc) {
            cli_usage_error(cmd, "option --%s needs a value", o->name);
            return -1;
        }
        v = argv[++*i];
    }
    if (o->kind == OPT_VALUE)
        *(const char **)o->target = v;
    else
        list_push((const char ***)o->target, v);
    return 0;
}

int cli_parse(int argc, char **argv, const struct opt *opts, const char *usage, char ***pos,
              int *npos)
{
    const char *cmd = argv[0];
    char **out = NULL;
    int n = 0;
    bool only_pos = false;
    for (int i = 1; i < argc; i++) {
        char *a = argv[i];
        if (!only_pos && strcmp(a, "--") == 0) {
            only_pos = true;
            continue;
        }
        if (!only_pos && (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)) {
            fputs(usage, stdout);
            free(out);
            return 1;
        }
        if (!only_pos && a[0] == '-' && a[1] == '-' && a[2]) {
            const char *name = a + 2;
            const char *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            const struct opt *o = find_long(opts, name, len);
            if (!o) {
                cli_usage_error(cmd, "unknown option --%.*s", (int)len, name);
                free(out);
                return -1;
            }
            if (apply(cmd, o, eq ? eq + 1 : NULL, argc, argv, &i) < 0) {
                free(out);
                return -1;
            }
            continue;
        }
        if (!only_pos && a[0] == '-' && a[1] && a[1] != '-' && !a[2]) {
            const struct opt *o = find_short(opts, a[1]);
            if (!o) {
                cli_usage_error(cmd, "unknown option %s", a);
                free(out);
                return -1;
            }
            if (apply(cmd, o, NULL, argc, argv, &i) < 0) {
                free(out);
                return -1;
            }
            continue;
        }
        out = xrealloc(out, (size_t)(n + 2) * sizeof *out);
        out[n++] = a;
        out[n] = NULL;
    }
    if (pos)
        *pos = out;
    else
        free(out);
    if (npos)
        *npos = n;
    if (!pos && n > 0) {
        cli_usage_error(cmd, "unexpected argument '%s'", argv[argc - 1]);
        return -1;
    }
    return 0;
}

static int is_site(const char *dir)
{
    char *db = path_join(dir, "sixbb.db");
    int ok = path_exists(db);
    free(db);
    return ok;
}

int cli_find_site(struct cli *cli)
{
    const char *how;
    const char *dir;
    char cwd[PATH_MAX];
    if (cli->site_flag) {
        dir = cli->site_flag;
        how = "-C";
    } else if (getenv("SIXBB_HOME") && *getenv("SIXBB_HOME")) {
        dir = getenv("SIXBB_HOME");
        how = "$SIXBB_HOME";
    } else {
        if (!getcwd(cwd, sizeof cwd))
            return cli_fail("cannot determine the current directory: %s", strerror(errno));
        dir = cwd;
        how = "the current directory";
    }
    if (!is_dir(dir))
        return cli_fail("no site at %s (from %s): not a directory. Create one with 'sixbb init DIR'.",
                        dir, how);
    if (!is_site(dir))
        return cli_fail("no site at %s (from %s): it has no sixbb.db. Create one with 'sixbb init "
                        "DIR', or point to a site with -C DIR or $SIXBB_HOME.",
                        dir, how);
    free(cli->site_dir);
    cli->site_dir = xstrdup(dir);
    return 0;
}

bool cli_progress_enabled(void)
{
    return isatty(STDERR_FILENO) && !getenv("CI");
}
