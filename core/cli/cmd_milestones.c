/* sixbb milestones: the Design & Implement checklist per site and block — built-in milestones
 * from the plugins and a facilitator's local ones — with status, date, note and live evidence
 * from the data; `set` records a status, `add` adds a local milestone. */
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "eval.h"
#include "json.h"
#include "site.h"
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
    sqlite3_stmt *st = store_prepare(s, "SELECT site_id, name FROM sites ORDER BY site_id");
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        sl->ids = xrealloc(sl->ids, (sl->n + 1) * sizeof *sl->ids);
        sl->names = xrealloc(sl->names, (sl->n + 1) * sizeof *sl->names);
        sl->ids[sl->n] = xstrdup((const char *)sqlite3_column_text(st, 0));
        const char *nm = (const char *)sqlite3_column_text(st, 1);
        sl->names[sl->n++] = xstrdup(nm ? nm : "");
    }
    if (st)
        sqlite3_reset(st);
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

/* Pushes every milestone as a list of {id, title, description, block, plugin, local,
 * evidence(fn)}: the plugins' first, then the local ones for this site. */
static void push_milestones(struct site *s, const char *site_id)
{
    lua_State *L = s->host->L;
    host_push_registry(s->host, REG_MILESTONES);
    int list = lua_gettop(L);
    /* A milestone's block is its plugin, or the plugin that plugin extends. */
    for (lua_Integer i = 1; i <= (lua_Integer)lua_rawlen(L, list); i++) {
        lua_rawgeti(L, list, i);
        lua_getfield(L, -1, "plugin");
        struct plugin *p = lua_isstring(L, -1) ? host_find_plugin(s->host, lua_tostring(L, -1)) : NULL;
        if (p && p->extends) {
            lua_pop(L, 1);
            lua_pushstring(L, p->extends);
        }
        lua_setfield(L, -2, "block");
        lua_pop(L, 1);
    }
    sqlite3_stmt *st = store_prepare(
        s->store, "SELECT milestone_id, block, title FROM local_milestones "
                  "WHERE site_id IS NULL OR site_id = ?1 OR ?1 = '' ORDER BY created_at, milestone_id");
    sqlite3_bind_text(st, 1, site_id, -1, SQLITE_TRANSIENT);
    while (sqlite3_step(st) == SQLITE_ROW) {
        lua_createtable(L, 0, 5);
        for (int k = 0; k < 3; k++) {
            static const char *const names[] = {"id", "block", "title"};
            lua_pushstring(L, (const char *)sqlite3_column_text(st, k));
            lua_setfield(L, -2, names[k]);
        }
        lua_pushboolean(L, 1);
        lua_setfield(L, -2, "local");
        lua_rawseti(L, list, (lua_Integer)lua_rawlen(L, list) + 1);
    }
    sqlite3_reset(st);
}

static bool milestone_known(struct site *s, const char *id)
{
    lua_State *L = s->host->L;
    push_milestones(s, "");
    bool found = false;
    for (lua_Integer i = 1; !found && i <= (lua_Integer)lua_rawlen(L, -1); i++) {
        lua_rawgeti(L, -1, i);
        lua_getfield(L, -1, "id");
        found = lua_isstring(L, -1) && strcmp(lua_tostring(L, -1), id) == 0;
        lua_pop(L, 2);
    }
    lua_pop(L, 1);
    return found;
}

static const char *table_text(struct store *s, const char *sql, const char *arg, char *buf, size_t n)
{
    sqlite3_stmt *st = store_prepare(s, sql);
    if (!st)
        return NULL; /* the table may not exist in this schema */
    if (arg)
        sqlite3_bind_text(st, 1, arg, -1, SQLITE_TRANSIENT);
    const char *out = NULL;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
        snprintf(buf, n, "%s", (const char *)sqlite3_column_text(st, 0));
        out = buf;
    }
    sqlite3_reset(st);
    return out;
}

struct ms_row {
    char *id, *block, *title, *status, *date, *note, *evidence;
    bool local;
};

static char *lua_field_dup(lua_State *L, int idx, const char *k)
{
    lua_getfield(L, idx, k);
    char *v = lua_isstring(L, -1) ? xstrdup(lua_tostring(L, -1)) : NULL;
    lua_pop(L, 1);
    return v;
}

static void status_of(struct store *s, const char *site, struct ms_row *m)
{
    sqlite3_stmt *st = store_prepare(s, "SELECT status, date, note FROM milestone_status "
                                        "WHERE site_id = ?1 AND milestone_id = ?2");
    sqlite3_bind_text(st, 1, site, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, m->id, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW) {
        for (int k = 0; k < 3; k++) {
            const char *v = (const char *)sqlite3_column_text(st, k);
            char **dst[] = {&m->status, &m->date, &m->note};
            *dst[k] = v ? xstrdup(v) : NULL;
        }
    }
    sqlite3_reset(st);
}

/* The program's order of the blocks; other plugins' milestones follow. */
static int block_rank(const char *b)
{
    static const char *const order[] = {"leadership", "policies", "tracking",
                                        "visits",     "complex",  "measuring"};
    for (size_t i = 0; b && i < ARRAY_LEN(order); i++)
        if (strcmp(order[i], b) == 0)
            return (int)i;
    return (int)ARRAY_LEN(order);
}

static void sort_rows(struct ms_row *rows, size_t n)
{
    /* Insertion sort: stable, and the lists are short. */
    for (size_t i = 1; i < n; i++) {
        struct ms_row x = rows[i];
        size_t j = i;
        while (j > 0 && block_rank(rows[j - 1].block) > block_rank(x.block)) {
            rows[j] = rows[j - 1];
            j--;
        }
        rows[j] = x;
    }
}

/* Collects the rows for one site, calling each evidence function under the host's limits. */
static size_t collect(struct site *s, const char *site, int ev_idx, struct ms_row **out)
{
    lua_State *L = s->host->L;
    push_milestones(s, site);
    int list = lua_gettop(L);
    size_t n = lua_rawlen(L, list);
    struct ms_row *rows = xcalloc(n ? n : 1, sizeof *rows);
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, list, (lua_Integer)i + 1);
        int m = lua_gettop(L);
        struct ms_row *r = &rows[i];
        r->id = lua_field_dup(L, m, "id");
        r->block = lua_field_dup(L, m, "block");
        r->title = lua_field_dup(L, m, "title");
        lua_getfield(L, m, "local");
        r->local = lua_toboolean(L, -1);
        lua_pop(L, 1);
        status_of(s->store, site, r);
        if (ev_idx && lua_getfield(L, m, "evidence") == LUA_TFUNCTION) {
            lua_pushvalue(L, ev_idx);
            char *owner = lua_field_dup(L, m, "plugin");
            char hook[160];
            snprintf(hook, sizeof hook, "milestone '%s' evidence", r->id);
            if (host_pcall(s->host, owner, hook, 1, 1, 0) == 0) {
                if (lua_isstring(L, -1))
                    r->evidence = xstrdup(lua_tostring(L, -1));
                lua_pop(L, 1);
            } else {
                r->evidence = xasprintf("(evidence unavailable: %s)", s->host->last_error);
            }
            free(owner);
        } else if (ev_idx) {
            lua_pop(L, 1);
        }
        lua_settop(L, m - 1);
    }
    lua_settop(L, list - 1);
    sort_rows(rows, n);
    *out = rows;
    return n;
}

static void rows_free(struct ms_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(rows[i].id);
        free(rows[i].block);
        free(rows[i].title);
        free(rows[i].status);
        free(rows[i].date);
        free(rows[i].note);
        free(rows[i].evidence);
    }
    free(rows);
}

static void print_site(const char *site, const char *name, struct ms_row *rows, size_t n)
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
        struct ms_row *r = &rows[i];
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

static cJSON *site_json(const char *site, const char *name, struct ms_row *rows, size_t n)
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
        int top = lua_gettop(s->host->L);
        if (eval_push_evidence(e, as_of, id) != 0) {
            status = EXIT_FAIL;
            break;
        }
        struct ms_row *rows;
        size_t n = collect(s, id, lua_gettop(s->host->L), &rows);
        lua_settop(s->host->L, top);
        if (json)
            cJSON_AddItemToArray(arr, site_json(id, name, rows, n));
        else
            print_site(id, name, rows, n);
        rows_free(rows, n);
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
    if (!milestone_known(s, id))
        return cli_fail("no milestone '%s'; 'sixbb milestones' lists them", id);
    struct sitelist sl;
    sites_load(s->store, &sl);
    const char *site = pick_site(&sl, site_opt);
    int rc = EXIT_FAIL;
    if (site) {
        sqlite3_stmt *st = store_prepare(
            s->store, "INSERT INTO milestone_status(site_id, milestone_id, status, date, note, "
                      "updated_at) VALUES (?1,?2,?3,?4,?5,strftime('%s','now')) "
                      "ON CONFLICT(site_id, milestone_id) DO UPDATE SET status = excluded.status, "
                      "date = coalesce(excluded.date, date), note = coalesce(excluded.note, note), "
                      "updated_at = excluded.updated_at");
        sqlite3_bind_text(st, 1, site, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, status, -1, SQLITE_TRANSIENT);
        if (date)
            sqlite3_bind_text(st, 4, date, -1, SQLITE_TRANSIENT);
        if (note)
            sqlite3_bind_text(st, 5, note, -1, SQLITE_TRANSIENT);
        store_begin(s->store);
        bool done = sqlite3_step(st) == SQLITE_DONE;
        sqlite3_reset(st);
        char detail[200];
        snprintf(detail, sizeof detail, "site %s: %s%s%s", *site ? site : "(organisation)",
                 status, date ? " on " : "", date ? date : "");
        done = done && store_audit(s->store, "set", "milestone", id, detail) == 0;
        if (done && store_commit(s->store) == 0) {
            printf("%s: %s%s%s\n", id, status, *site ? " at site " : "", site);
            rc = EXIT_OK;
        } else {
            if (done)
                store_rollback(s->store);
            cli_fail("cannot record the status: %s", store_errmsg(s->store));
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
        char buf[32];
        const char *count = table_text(s->store, "SELECT count(*) + 1 FROM local_milestones "
                                                 "WHERE block = ?1", block, buf, sizeof buf);
        snprintf(id, sizeof id, "local-%s-%s", block, count ? count : "1");
    }
    int rc = EXIT_FAIL;
    if (milestone_known(s, id)) {
        cli_fail("a milestone with id '%s' already exists", id);
    } else {
        sqlite3_stmt *st = store_prepare(
            s->store, "INSERT INTO local_milestones(milestone_id, block, title, site_id, "
                      "created_at) VALUES (?1,?2,?3,?4,strftime('%s','now'))");
        sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, block, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, title, -1, SQLITE_TRANSIENT);
        if (site && *site)
            sqlite3_bind_text(st, 4, site, -1, SQLITE_TRANSIENT);
        store_begin(s->store);
        bool ok = sqlite3_step(st) == SQLITE_DONE;
        sqlite3_reset(st);
        ok = ok && store_audit(s->store, "add", "milestone", id, title) == 0;
        if (ok && store_commit(s->store) == 0) {
            printf("Added milestone %s to %s\n", id, block);
            rc = EXIT_OK;
        } else {
            if (ok)
                store_rollback(s->store);
            cli_fail("cannot add the milestone: %s", store_errmsg(s->store));
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
