/* The command-line contract shared by every command: how a command is called, how it parses its
 * options, how it reports failure and how it finds the site directory.
 * Exit status: 0 success, 1 failure (message on stderr), 2 usage error. */
#ifndef SIXBB_CLI_H
#define SIXBB_CLI_H

#include <stdbool.h>

/* Commands join paths and find the installed data through these. */
#include "paths.h"

#define EXIT_OK 0
#define EXIT_FAIL 1
#define EXIT_USAGE 2

struct cli {
    const char *site_flag; /* -C DIR as given, or NULL */
    char *site_dir;        /* resolved by cli_find_site(), else NULL */
};

/* Every command: argv[0] is the command name; returns an exit status. */
typedef int (*cmd_fn)(struct cli *cli, int argc, char **argv);

/* Option table for cli_parse(). A flag sets *flag = true; a value option stores the next
 * argument (or the part after '=') in *value; a repeatable option appends to a NULL-terminated
 * list in *list (caller frees the array, not the strings). */
enum opt_kind { OPT_FLAG, OPT_VALUE, OPT_LIST };
struct opt {
    const char *name; /* long name without dashes, e.g. "as-of" */
    char short_name;  /* 0 for none */
    enum opt_kind kind;
    void *target; /* bool *, const char **, or const char *** */
};

/* Parses argv[1..]: options anywhere, positionals collected into *pos (NULL-terminated array
 * owned by the caller, may be NULL when none are wanted) and their count in *npos.
 * "--help"/-h prints usage to stdout and returns 1; an unknown or incomplete option prints an
 * error with usage to stderr and returns -1; otherwise 0. "--" ends options. */
int cli_parse(int argc, char **argv, const struct opt *opts, const char *usage, char ***pos,
              int *npos);

/* Prints "sixbb: <message>" to stderr; returns EXIT_FAIL so commands can `return cli_fail(...)`. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the usage error and a pointer to --help; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Finds the site: -C DIR, then $SIXBB_HOME, then the current directory. A site is a directory
 * holding sixbb.db. Returns 0 (cli->site_dir set) or prints why and returns EXIT_FAIL. */
int cli_find_site(struct cli *cli);

/* ---- the site a command works on (site_open.c; struct site is in site.h) ---- */

struct host;
struct site;
struct store;

enum {
    SITE_HOST = 1,     /* load config and plugins */
    SITE_READONLY = 2, /* open the database read-only */
    SITE_QUIET = 4,    /* do not log plugin load errors (the command reports them itself) */
};

/* Finds and opens the site (see cli_find_site). command names the writer in the audit log.
 * Returns NULL after printing the reason; close with site_close(). */
struct site *site_open(struct cli *cli, int flags, const char *command);
/* A host with defaults, the optional site config and all plugins (see site_host_load), for use
 * with or without a site (site_dir may be NULL). Returns NULL after printing the reason. */
struct host *site_host_new(struct store *store, const char *site_dir, bool quiet);

/* True when stdout/stderr is a terminal and progress may be drawn. */
bool cli_progress_enabled(void);

#endif
