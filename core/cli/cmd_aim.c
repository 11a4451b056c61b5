/* sixbb aim / sixbb aims: the improvement team's aims ("reduce X by N% by DATE"), kept as a
 * target value of a measure to reach by a date, for the organisation or one site. Reports draw
 * each aim as the goal line of the measure's run chart and say whether it is on track. */
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "eval.h"
#include "json.h"
#include "site.h"
#include "util.h"

static const char aim_usage[] =
    "usage: sixbb [-C DIR] aim set MEASURE --target N --by DATE [--site S] [--note TEXT]\n"
    "       sixbb [-C DIR] aim remove ID\n"
    "\n"
    "Sets an aim for a measure: the value to reach (a rate as a fraction, 0.10 for 10%; a count\n"
    "or a mean MED as is) by a date, for the organisation or one site. The dashboard and the\n"
    "measures report draw it as the goal line of the run chart and say whether it is met, on\n"
    "track or off track (docs/measures.md). 'sixbb aims' lists them.\n";

static const char aims_usage[] = "usage: sixbb [-C DIR] aims [--json]\n"
                                 "\n"
                                 "Lists the aims: id, measure, site, target, date, note.\n";

/* The measure must be registered (with the nearest id suggested when it is not). */
static int measure_known(struct host *h, const char *id)
{
    lua_State *L = h->L;
    int top = lua_gettop(L);
    host_push_registry(h, REG_MEASURES);
    const char *best = NULL;
    int bestd = 4;
    bool found = false;
    for (lua_Integer i = 1; !found && i <= (lua_Integer)lua_rawlen(L, -1); i++) {
        lua_rawgeti(L, -1, i);
        lua_getfield(L, -1, "id");
        const char *m = lua_tostring(L, -1);
        if (m && strcmp(m, id) == 0)
            found = true;
        else if (m && edit_distance(m, id) < bestd) {
            bestd = edit_distance(m, id);
            best = m;
        }
        if (!found)
            lua_pop(L, 2);
    }
    int rc = found ? 0
             : best ? cli_usage_error("aim", "unknown measure '%s' (did you mean '%s'?)", id, best)
                    : cli_usage_error("aim", "unknown measure '%s'", id);
    lua_settop(L, top);
    return rc;
}

static int aim_set(struct site *s, const char *measure, const char *target, const char *by,
                   const char *site, const char *note)
{
    char *end = NULL;
    double t = target ? strtod(target, &end) : 0;
    day_t d, today;
    if (!target || !end || *end || end == target)
        return cli_usage_error("aim", "--target must be a number");
    if (!by || date_parse(by, strlen(by), &d) != 0)
        return cli_usage_error("aim", "--by must be a YYYY-MM-DD date");
    int rc = measure_known(s->host, measure);
    if (rc != 0)
        return rc;
    if (site_as_of(s->host, "aim", NULL, &today) != 0)
        return EXIT_FAIL;
    char created[16];
    sqlite3_stmt *st = store_prepare(s->store, "INSERT INTO aims(measure_id, site_id, target, "
                                               "by_date, note, created) VALUES (?1,?2,?3,?4,?5,?6)");
    sqlite3_bind_text(st, 1, measure, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, site ? site : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(st, 3, t);
    sqlite3_bind_text(st, 4, by, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, note ? note : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 6, date_format(today, created), -1, SQLITE_TRANSIENT);
    bool ok = sqlite3_step(st) == SQLITE_DONE;
    sqlite3_reset(st);
    if (!ok)
        return cli_fail("cannot store the aim: %s", store_errmsg(s->store));
    long long id = (long long)sqlite3_last_insert_rowid(store_db(s->store));
    char idtxt[32];
    snprintf(idtxt, sizeof idtxt, "%lld", id);
    store_audit(s->store, "aim set", "aims", idtxt, measure);
    printf("aim %lld: %s %g by %s%s%s\n", id, measure, t, by, site ? " at site " : "",
           site ? site : "");
    return EXIT_OK;
}

static int aim_remove(struct site *s, const char *id)
{
    sqlite3_stmt *st = store_prepare(s->store, "DELETE FROM aims WHERE aim_id = ?1");
    sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
    bool ok = sqlite3_step(st) == SQLITE_DONE;
    sqlite3_reset(st);
    if (!ok)
        return cli_fail("cannot remove the aim: %s", store_errmsg(s->store));
    if (sqlite3_changes(store_db(s->store)) == 0)
        return cli_fail("no aim with id %s ('sixbb aims' lists them)", id);
    store_audit(s->store, "aim remove", "aims", id, "");
    printf("aim %s removed\n", id);
    return EXIT_OK;
}

int cmd_aim(struct cli *cli, int argc, char **argv)
{
    const char *target = NULL, *by = NULL, *site = NULL, *note = NULL;
    const struct opt opts[] = {{"target", 0, OPT_VALUE, &target}, {"by", 0, OPT_VALUE, &by},
                               {"site", 0, OPT_VALUE, &site},     {"note", 0, OPT_VALUE, &note},
                               {NULL, 0, 0, NULL}};
    char **pos = NULL;
    int npos = 0;
    int rc = cli_parse(argc, argv, opts, aim_usage, &pos, &npos);
    if (rc != 0)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    bool set = npos == 2 && strcmp(pos[0], "set") == 0;
    bool remove = npos == 2 && strcmp(pos[0], "remove") == 0;
    if (!set && !remove) {
        free(pos);
        return cli_usage_error("aim", "expected 'set MEASURE' or 'remove ID'");
    }
    struct site *s = site_open(cli, set ? SITE_HOST : 0, "aim");
    if (!s) {
        free(pos);
        return EXIT_FAIL;
    }
    rc = set ? aim_set(s, pos[1], target, by, site, note) : aim_remove(s, pos[1]);
    site_close(s);
    free(pos);
    return rc;
}

static cJSON *aim_json(sqlite3_stmt *st)
{
    cJSON *o = cJSON_CreateObject();
    const char *site = (const char *)sqlite3_column_text(st, 2);
    cJSON_AddNumberToObject(o, "id", (double)sqlite3_column_int64(st, 0));
    cJSON_AddStringToObject(o, "measure", (const char *)sqlite3_column_text(st, 1));
    cJSON_AddItemToObject(o, "site", json_str_or_null(site && *site ? site : NULL));
    cJSON_AddNumberToObject(o, "target", sqlite3_column_double(st, 3));
    cJSON_AddStringToObject(o, "by", (const char *)sqlite3_column_text(st, 4));
    cJSON_AddStringToObject(o, "note", (const char *)sqlite3_column_text(st, 5));
    cJSON_AddStringToObject(o, "created", (const char *)sqlite3_column_text(st, 6));
    return o;
}

int cmd_aims(struct cli *cli, int argc, char **argv)
{
    bool json = false;
    const struct opt opts[] = {{"json", 0, OPT_FLAG, &json}, {NULL, 0, 0, NULL}};
    int rc = cli_parse(argc, argv, opts, aims_usage, NULL, NULL);
    if (rc != 0)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    struct site *s = site_open(cli, SITE_READONLY, "aims");
    if (!s)
        return EXIT_FAIL;
    sqlite3_stmt *st = store_prepare(s->store, "SELECT aim_id, measure_id, site_id, target, "
                                               "by_date, note, created FROM aims "
                                               "ORDER BY measure_id, site_id, by_date, aim_id");
    cJSON *list = cJSON_CreateArray();
    if (!json)
        printf("%-4s %-16s %-8s %10s  %-10s  %s\n", "id", "measure", "site", "target", "by", "note");
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        if (json) {
            cJSON_AddItemToArray(list, aim_json(st));
            continue;
        }
        const char *site = (const char *)sqlite3_column_text(st, 2);
        printf("%-4lld %-16s %-8s %10g  %-10s  %s\n", (long long)sqlite3_column_int64(st, 0),
               sqlite3_column_text(st, 1), site && *site ? site : "(all)",
               sqlite3_column_double(st, 3), sqlite3_column_text(st, 4), sqlite3_column_text(st, 5));
    }
    if (st)
        sqlite3_reset(st);
    if (json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToObject(o, "aims", list);
        json_print(o); /* prints and deletes */
    } else {
        cJSON_Delete(list);
    }
    site_close(s);
    return EXIT_OK;
}
