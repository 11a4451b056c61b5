/* sixbb plugins: what each plugin registered, where it came from, and why any failed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "json.h"
#include "site.h"
#include "util.h"

static const char plugins_usage[] =
    "usage: sixbb [-C DIR] plugins [--json]\n"
    "\n"
    "Lists every plugin: its id, building block, source file, whether it is built in or the\n"
    "site's own, what it registered (milestones, assessment items, checks, measures, reports,\n"
    "jobs, instruments) and any load error with file:line. A plugin that failed is skipped;\n"
    "the others still work. Without a site, only the built-in plugins are listed.\n"
    "\n"
    "  --json   machine-readable output\n";

static const char *status_of(const struct plugin *p)
{
    if (p->error)
        return "failed";
    if (p->overridden)
        return "overridden";
    if (p->disabled)
        return "disabled";
    return "loaded";
}

static cJSON *plugin_json(const struct plugin *p)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "id", json_str_or_null(p->id));
    cJSON_AddItemToObject(o, "block", json_str_or_null(p->block));
    cJSON_AddStringToObject(o, "file", p->file);
    cJSON_AddStringToObject(o, "source", p->builtin ? "builtin" : "site");
    cJSON_AddStringToObject(o, "status", status_of(p));
    cJSON_AddItemToObject(o, "extends", json_str_or_null(p->extends));
    cJSON *reg = cJSON_AddObjectToObject(o, "registered");
    for (int k = 0; k < REG_NKINDS; k++)
        cJSON_AddNumberToObject(reg, reg_kind_names[k], p->counts[k]);
    cJSON_AddItemToObject(o, "error", json_str_or_null(p->error));
    return o;
}

static void print_text(const struct host *h)
{
    printf("%-14s %-10s %-9s %4s %4s %4s %4s %4s %4s  %s\n", "ID", "SOURCE", "STATUS", "MILE",
           "ITEM", "CHK", "MEAS", "REP", "JOB", "BLOCK / FILE");
    for (size_t i = 0; i < h->nplugins; i++) {
        const struct plugin *p = &h->plugins[i];
        printf("%-14s %-10s %-9s %4d %4d %4d %4d %4d %4d  %s\n", p->id ? p->id : "-",
               p->builtin ? "builtin" : "site", status_of(p), p->counts[REG_MILESTONES],
               p->counts[REG_ASSESSMENT], p->counts[REG_CHECKS], p->counts[REG_MEASURES],
               p->counts[REG_REPORTS], p->counts[REG_JOBS],
               p->block ? p->block : (p->extends ? "(extends)" : ""));
        printf("%-14s %s\n", "", p->file);
        if (p->error)
            printf("%-14s error: %s\n", "", p->error);
    }
}

int cmd_plugins(struct cli *cli, int argc, char **argv)
{
    bool json = false;
    const struct opt opts[] = {{"json", 0, OPT_FLAG, &json}, {NULL, 0, 0, NULL}};
    int rc = cli_parse(argc, argv, opts, plugins_usage, NULL, NULL);
    if (rc != 0)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;

    struct site *s = NULL;
    struct host *h;
    /* Listing works without a site (built-ins only) unless a site was asked for explicitly. */
    bool want_site = cli->site_flag || (getenv("SIXBB_HOME") && *getenv("SIXBB_HOME"));
    if (want_site || path_exists("sixbb.db")) {
        s = site_open(cli, SITE_HOST | SITE_READONLY | SITE_QUIET, "plugins");
        if (!s)
            return EXIT_FAIL;
        h = s->host;
    } else {
        h = site_host_new(NULL, NULL, true);
        if (!h)
            return EXIT_FAIL;
    }
    int failed = 0;
    for (size_t i = 0; i < h->nplugins; i++)
        failed += h->plugins[i].error != NULL;
    if (json) {
        cJSON *root = cJSON_CreateObject();
        cJSON_AddItemToObject(root, "site", json_str_or_null(s ? s->dir : NULL));
        cJSON *arr = cJSON_AddArrayToObject(root, "plugins");
        for (size_t i = 0; i < h->nplugins; i++)
            cJSON_AddItemToArray(arr, plugin_json(&h->plugins[i]));
        cJSON_AddNumberToObject(root, "failed", failed);
        json_print(root);
    } else {
        print_text(h);
        if (failed)
            printf("\n%d plugin%s failed to load and %s skipped; the others are working.\n",
                   failed, failed == 1 ? "" : "s", failed == 1 ? "was" : "were");
    }
    if (s)
        site_close(s);
    else
        host_free(h);
    return EXIT_OK;
}
