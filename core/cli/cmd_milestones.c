/* sixbb milestones: the Design & Implement checklist per site and block — built-in milestones
 * from the plugins and a facilitator's local ones — with status, date, note and live evidence
 * from the data; `set` records a status, `add` adds a local milestone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "eval.h"
#include "json.h"
#include "milestones.h"
#include "site.h"
#include "store_program.h"
#include "util.h"

static const char milestones_usage[] =
    "usage: sixbb [-C DIR] milestones [--site S] [--as-of DATE] [--json]\n"
    "       sixbb [-C DIR] milestones set ID STATUS [--date DATE] [--note TEXT] [--site S]\n"
    "       sixbb [-C DIR] milestones add --block BLOCK [--id ID] [--site S] \"TITLE\"\n"
    "\n"
    "Lists the program's milestones per site and building block with their status, date,\n"
    "notes and, where the data can show it, live evidence (\"14 of 16 prescribers registered\n"
    "with the PDMP\"). Built-in milestones come from the plugins; a facilitator adds local ones\n"
    "with 'add', and they appear everywhere the built-in ones do.\n"
    "\n"
    "STATUS is one of: complete, in_progress, planned, not_priority.\n"
    "BLOCK is a plugin id: leadership, policies, tracking, visits, complex, measuring.\n"
    "--site is needed when the registry holds more than one site.\n";

static const char *const statuses[] = {"complete", "in_progress", "planned", "not_priority"};

struct sitelist {
    char **ids, **names;
    size_t n;
};

static void sites_load(struct store *s, struct sitelist *sl)
{
    memset(sl, 0, sizeof *sl);
    cJSON *rows = store_sites(s, NULL);
    const cJSON *r;
    cJSON_ArrayForEach(r, rows)
    {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(r, "site_id");
        const cJSON *nm = cJSON_GetObjectItemCaseSensitive(r, "name");
        sl->ids = xrealloc(sl->ids, (sl->n + 1) * sizeof *sl->ids);
        sl->names = xrealloc(sl->names, (sl->n + 1) * sizeof *sl->names);
        sl->ids[sl->n] = xstrdup(cJSON_IsString(id) ? id->valuestring : "");
        sl->names[sl->n++] = xstrdup(cJSON_IsString(nm) ? nm->valuestring : "");
    }
    cJSON_Delete(rows);
}

static void sites_free(struct sitelist *sl)
{
    for (size_t i = 0; i < sl->n; i++) {
        free(sl->ids[i]);
        free(sl->names[i]);
    }
    free(sl->ids);
    free(sl->names);
}

/* The site a write applies to: --site if given (and known), the only site, or the whole
 * organisation ("") while no sites are loaded yet. NULL after an error. */
static const char *pick_site(const struct sitelist *sl, const char *given)
{
    if (given) {
        for (size_t i = 0; i < sl->n; i++)
            if (strcmp(sl->ids[i], given) == 0)
                return sl->ids[i];
        cli_fail("no site '%s' in this registry", given);
        return NULL;
    }
    if (sl->n == 0)
        return "";
    if (sl->n == 1)
        return sl->ids[0];
    cli_fail("this registry holds %zu sites; say which with --site", sl->n);
    return NULL;
}

static void print_site(const char *site, const char *name, struct milestone_row *rows, size_t n)
{
    int done = 0, going = 0;
    for (size_t i = 0; i < n; i++) {
        done += rows[i].status && strcmp(rows[i].status, "complete") == 0;
        going += rows[i].status && strcmp(rows[i].status, "in_progress") == 0;
    }
    printf("%s%s%s%s — %d of %zu complete, %d in progress\n", *site ? "Site " : "Organisation",
           site, *name ? ": " : "", name, done, n, going);
    const char *block = NULL;
    for (size_t i = 0; i < n; i++) {
        struct milestone_row *r = &rows[i];
        if (!block || strcmp(block, r->block ? r->block : "") != 0) {
            block = r->block ? r->block : "";
            printf("\n  %s\n", block);
        }
        printf("    %-13s %-30s %s%s\n", r->status ? r->status : "not set", r->id, r->title,
               r->local ? " (local)" : "");
        if (r->date || r->note)
            printf("    %-13s %-30s %s%s%s\n", "", "", r->date ? r->date : "",
                   r->date && r->note ? " — " : "", r->note ? r->note : "");
        if (r->evidence)
            printf("    %-13s %-30s evidence: %s\n", "", "", r->evidence);
    }
    printf("\n");
}

static cJSON *site_json(const char *site, const char *name, struct milestone_row *rows, size_t n)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "site", json_str_or_null(*site ? site : NULL));
    cJSON_AddStringToObject(o, "name", name);
    cJSON *arr = cJSON_AddArrayToObject(o, "milestones");
    for (size_t i = 0; i < n; i++) {
        cJSON *m = cJSON_CreateObject();
        cJSON_AddStringToObject(m, "id", rows[i].id);
        cJSON_AddItemToObject(m, "block", json_str_or_null(rows[i].block));
        cJSON_AddStringToObject(m, "title", rows[i].title ? rows[i].title : "");
        cJSON_AddBoolToObject(m, "local", rows[i].local);
        cJSON_AddItemToObject(m, "status", json_str_or_null(rows[i].status));
        cJSON_AddItemToObject(m, "date", json_str_or_null(rows[i].date));
        cJSON_AddItemToObject(m, "note", json_str_or_null(rows[i].note));
        cJSON_AddItemToObject(m, "evidence", json_str_or_null(rows[i].evidence));
        cJSON_AddItemToArray(arr, m);
    }
    return o;
}

static int do_list(struct site *s, const char *site_opt, const char *as_of_opt, bool json)
{
    struct sitelist sl;
    sites_load(s->store, &sl);
    day_t as_of;
    int rc = site_as_of(s->host, "milestones", as_of_opt, &as_of);
    if (rc != 0) {
        sites_free(&sl);
        return rc;
    }
    struct eval *e = eval_new(s->host, s->store);
    if (!e) {
        sites_free(&sl);
        return EXIT_FAIL;
    }
    if (site_opt && !pick_site(&sl, site_opt)) {
        eval_free(e);
        sites_free(&sl);
        return EXIT_FAIL;
    }
    cJSON *root = json ? cJSON_CreateObject() : NULL;
    cJSON *arr = json ? cJSON_AddArrayToObject(root, "sites") : NULL;
    size_t nsites = sl.n ? sl.n : 1;
    int status = EXIT_OK;
    for (size_t i = 0; i < nsites; i++) {
        const char *id = sl.n ? sl.ids[i] : "";
        const char *name = sl.n ? sl.names[i] : "";
        if (site_opt && strcmp(site_opt, id) != 0)
            continue;
        struct milestone_row *rows;
        size_t n;
        if (milestones_collect(s->host, s->store, e, as_of, id, &rows, &n) != 0) {
            status = EXIT_FAIL;
            break;
        }
        if (json)
            cJSON_AddItemToArray(arr, site_json(id, name, rows, n));
        else
            print_site(id, name, rows, n);
        milestones_free(rows, n);
    }
    if (json)
        json_print(root);
    eval_free(e);
    sites_free(&sl);
    return status;
}

static int do_set(struct site *s, int npos, char **pos, const char *site_opt, const char *date,
                  const char *note)
{
    if (npos != 3)
        return cli_usage_error("milestones", "set needs a milestone id and a status");
    const char *id = pos[1], *status = pos[2];
    bool ok = false;
    for (size_t i = 0; i < ARRAY_LEN(statuses); i++)
        ok = ok || strcmp(statuses[i], status) == 0;
    if (!ok)
        return cli_fail("status '%s' is not one of complete, in_progress, planned, not_priority",
                        status);
    day_t d;
    if (date && date_parse(date, strlen(date), &d) != 0)
        return cli_fail("--date '%s' is not a date (YYYY-MM-DD)", date);
    if (!milestones_known(s->host, s->store, id))
        return cli_fail("no milestone '%s'; 'sixbb milestones' lists them", id);
    struct sitelist sl;
    sites_load(s->store, &sl);
    const char *site = pick_site(&sl, site_opt);
    int rc = EXIT_FAIL;
    if (site) {
        char detail[200], err[512];
        snprintf(detail, sizeof detail, "site %s: %s%s%s", *site ? site : "(organisation)",
                 status, date ? " on " : "", date ? date : "");
        if (store_milestone_set(s->store, site, id, status, date, note, detail, err,
                                sizeof err) == 0) {
            printf("%s: %s%s%s\n", id, status, *site ? " at site " : "", site);
            rc = EXIT_OK;
        } else {
            cli_fail("cannot record the status: %s", err);
        }
    }
    sites_free(&sl);
    return rc;
}

static int do_add(struct site *s, int npos, char **pos, const char *block, const char *id_opt,
                  const char *site_opt)
{
    if (npos != 2)
        return cli_usage_error("milestones", "add needs one title (quote it)");
    if (!block)
        return cli_usage_error("milestones", "add needs --block");
    struct plugin *p = host_find_plugin(s->host, block);
    if (!p)
        return cli_fail("no building block '%s'; use a plugin id such as tracking or visits",
                        block);
    const char *title = pos[1];
    if (!*title)
        return cli_fail("the title is empty");
    struct sitelist sl;
    sites_load(s->store, &sl);
    const char *site = site_opt ? pick_site(&sl, site_opt) : NULL;
    if (site_opt && !site) {
        sites_free(&sl);
        return EXIT_FAIL;
    }
    char id[96];
    if (id_opt) {
        snprintf(id, sizeof id, "%s", id_opt);
    } else {
        /* local-<block>-<n>: stable, and never the id of a built-in milestone. */
        snprintf(id, sizeof id, "local-%s-%lld", block,
                 store_local_milestone_count(s->store, block) + 1);
    }
    int rc = EXIT_FAIL;
    if (milestones_known(s->host, s->store, id)) {
        cli_fail("a milestone with id '%s' already exists", id);
    } else {
        char err[512];
        if (store_local_milestone_add(s->store, id, block, title, site, err, sizeof err) == 0) {
            printf("Added milestone %s to %s\n", id, block);
            rc = EXIT_OK;
        } else {
            cli_fail("cannot add the milestone: %s", err);
        }
    }
    sites_free(&sl);
    return rc;
}

int cmd_milestones(struct cli *cli, int argc, char **argv)
{
    const char *site = NULL, *date = NULL, *note = NULL, *block = NULL, *id = NULL, *as_of = NULL;
    bool json = false;
    const struct opt opts[] = {{"site", 0, OPT_VALUE, &site},   {"date", 0, OPT_VALUE, &date},
                               {"note", 0, OPT_VALUE, &note},   {"block", 0, OPT_VALUE, &block},
                               {"id", 0, OPT_VALUE, &id},       {"as-of", 0, OPT_VALUE, &as_of},
                               {"json", 0, OPT_FLAG, &json},    {NULL, 0, 0, NULL}};
    char **pos = NULL;
    int npos = 0;
    int rc = cli_parse(argc, argv, opts, milestones_usage, &pos, &npos);
    if (rc != 0)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    const char *sub = npos ? pos[0] : "list";
    if (strcmp(sub, "list") != 0 && strcmp(sub, "set") != 0 && strcmp(sub, "add") != 0) {
        free(pos);
        return cli_usage_error("milestones", "unknown sub-command '%s' (set, add)", sub);
    }
    bool writes = strcmp(sub, "list") != 0;
    struct site *s = site_open(cli, SITE_HOST, writes ? "milestones" : "milestones list");
    if (!s) {
        free(pos);
        return EXIT_FAIL;
    }
    if (strcmp(sub, "set") == 0)
        rc = do_set(s, npos, pos, site, date, note);
    else if (strcmp(sub, "add") == 0)
        rc = do_add(s, npos, pos, block, id, site);
    else
        rc = npos > 1 ? cli_usage_error("milestones", "unexpected argument '%s'", pos[1])
                      : do_list(s, site, as_of, json);
    site_close(s);
    free(pos);
    return rc;
}
