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
#include "store_program.h"
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
    struct nearest near = nearest_start(id, 3);
    bool found = false;
    for (lua_Integer i = 1; !found && i <= (lua_Integer)lua_rawlen(L, -1); i++) {
        lua_rawgeti(L, -1, i);
        lua_getfield(L, -1, "id");
        const char *m = lua_tostring(L, -1);
        if (m && strcmp(m, id) == 0)
            found = true;
        else
            nearest_offer(&near, m);
        if (!found)
            lua_pop(L, 2);
    }
    int rc = found       ? 0
             : near.best ? cli_usage_error("aim", "unknown measure '%s' (did you mean '%s'?)", id,
                                           near.best)
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
    char created[16], err[512];
    long long id = 0;
    if (store_aim_add(s->store, measure, site, t, by, note, date_format(today, created), &id, err,
                      sizeof err))
        return cli_fail("cannot store the aim: %s", err);
    printf("aim %lld: %s %g by %s%s%s\n", id, measure, t, by, site ? " at site " : "",
           site ? site : "");
    return EXIT_OK;
}

static int aim_remove(struct site *s, const char *id)
{
    char err[512];
    int rc = store_aim_remove(s->store, id, err, sizeof err);
    if (rc < 0)
        return cli_fail("cannot remove the aim: %s", err);
    if (rc > 0)
        return cli_fail("no aim with id %s ('sixbb aims' lists them)", id);
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

static const char *text(const cJSON *row, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(row, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double number(const cJSON *row, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(row, k)->valuedouble;
}

static cJSON *aim_json(const cJSON *row)
{
    cJSON *o = cJSON_CreateObject();
    const char *site = text(row, "site_id");
    cJSON_AddNumberToObject(o, "id", number(row, "aim_id"));
    cJSON_AddStringToObject(o, "measure", text(row, "measure_id"));
    cJSON_AddItemToObject(o, "site", json_str_or_null(site && *site ? site : NULL));
    cJSON_AddNumberToObject(o, "target", number(row, "target"));
    cJSON_AddStringToObject(o, "by", text(row, "by_date"));
    cJSON_AddStringToObject(o, "note", text(row, "note"));
    cJSON_AddStringToObject(o, "created", text(row, "created"));
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
    cJSON *rows = store_aims(s->store), *list = cJSON_CreateArray();
    if (!json)
        printf("%-4s %-16s %-8s %10s  %-10s  %s\n", "id", "measure", "site", "target", "by", "note");
    const cJSON *r;
    cJSON_ArrayForEach(r, rows)
    {
        if (json) {
            cJSON_AddItemToArray(list, aim_json(r));
            continue;
        }
        const char *site = text(r, "site_id");
        printf("%-4lld %-16s %-8s %10g  %-10s  %s\n", (long long)number(r, "aim_id"),
               text(r, "measure_id"), site && *site ? site : "(all)", number(r, "target"),
               text(r, "by_date"), text(r, "note"));
    }
    cJSON_Delete(rows);
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
