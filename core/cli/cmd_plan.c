/* sixbb plan / sixbb plans: a clinic's action plans. A plan covers a period (about a quarter)
 * and holds activities per building block, each with steps (what, who, when, done). A new plan
 * carries forward every step still open in the clinic's previous plan, with its activity, so
 * nothing agreed at the last meeting silently drops off the list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "eval.h"
#include "json.h"
#include "program.h"
#include "site.h"
#include "util.h"

static const char plan_usage[] =
    "usage: sixbb [-C DIR] plan new --site S --through DATE --goal TEXT [--from DATE] [--json]\n"
    "       sixbb [-C DIR] plan activity add --plan ID --block BLOCK --title TEXT\n"
    "                      [--manager NAME] [--due DATE] [--resources TEXT] [--future]\n"
    "       sixbb [-C DIR] plan step add --activity ID --what TEXT [--who NAME] [--when DATE]\n"
    "       sixbb [-C DIR] plan step done ID [--date DATE]\n"
    "       sixbb [-C DIR] plan show [--site S | ID] [--as-of DATE] [--json]\n"
    "\n"
    "Action plans, one per clinic per period. 'plan new' starts the next plan (from today or\n"
    "--from) and carries into it every open step of the clinic's previous plan, with its\n"
    "activity; future activities come along too. BLOCK is a building block: leadership,\n"
    "policies, tracking, visits, complex, measuring. 'plan show' shows the clinic's latest\n"
    "plan, or plan ID; open steps past their date are marked overdue.\n"
    "The printable version is 'sixbb report action-plan --site S'.\n";

static const char plans_usage[] =
    "usage: sixbb [-C DIR] plans [--site S] [--as-of DATE] [--json]\n"
    "\n"
    "Lists action plans with their period, goal and open, overdue and finished steps.\n";

struct plan_args {
    const char *site, *through, *goal, *from, *plan, *block, *title, *manager, *due, *resources,
        *activity, *what, *who, *when, *date, *as_of;
    bool future, json;
};

/* ------------------------------------------------------------------ plan new */

static sqlite3_int64 previous_plan(struct store *st, const char *site)
{
    sqlite3_stmt *q = store_prepare(st, "SELECT max(plan_id) FROM action_plans WHERE site_id = ?1");
    prog_bind(q, 1, site);
    sqlite3_int64 id = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
    sqlite3_reset(q);
    return id;
}

/* Copies the previous plan's activities that still have open steps (or are future ones), then
 * their open steps, each row remembering where it came from. Returns steps carried, or -1. */
static int carry_forward(struct store *st, sqlite3_int64 from, sqlite3_int64 to)
{
    sqlite3_stmt *acts = store_prepare(
        st, "INSERT INTO plan_activities(plan_id, block, title, manager, due, resources, future, "
            "carried_from) SELECT ?2, block, title, manager, due, resources, future, id "
            "FROM plan_activities a WHERE plan_id = ?1 AND (future OR EXISTS (SELECT 1 FROM "
            "plan_steps s WHERE s.activity_id = a.id AND s.done IS NULL)) ORDER BY id");
    sqlite3_bind_int64(acts, 1, from);
    sqlite3_bind_int64(acts, 2, to);
    bool ok = sqlite3_step(acts) == SQLITE_DONE;
    sqlite3_reset(acts);
    sqlite3_stmt *steps = store_prepare(
        st, "INSERT INTO plan_steps(activity_id, what, who, due, carried_from) "
            "SELECT n.id, s.what, s.who, s.due, s.id FROM plan_steps s "
            "JOIN plan_activities n ON n.carried_from = s.activity_id AND n.plan_id = ?1 "
            "WHERE s.done IS NULL ORDER BY s.id");
    sqlite3_bind_int64(steps, 1, to);
    ok = ok && sqlite3_step(steps) == SQLITE_DONE;
    sqlite3_reset(steps);
    return ok ? sqlite3_changes(store_db(st)) : -1;
}

static int do_new(struct site *s, const struct plan_args *a)
{
    if (!a->site || !a->through || !a->goal)
        return cli_usage_error("plan", "plan new needs --site, --through and --goal");
    day_t from, through;
    if (prog_need_date("--through", a->through, &through) ||
        (a->from && prog_need_date("--from", a->from, &from)))
        return EXIT_FAIL;
    if (!a->from && site_as_of(s->host, "plan", NULL, &from) != 0)
        return EXIT_FAIL;
    if (through < from)
        return cli_fail("--through %s is before the plan's start", a->through);
    if (!*a->goal)
        return cli_fail("the goal is empty");
    if (prog_need_site(s->store, a->site))
        return EXIT_FAIL;
    char fromtxt[16];
    date_format(from, fromtxt);
    sqlite3_int64 prev = previous_plan(s->store, a->site);
    store_begin(s->store);
    sqlite3_stmt *q = store_prepare(s->store, "INSERT INTO action_plans(site_id, created, through, "
                                              "goal, previous_id) VALUES (?1,?2,?3,?4,?5)");
    prog_bind(q, 1, a->site);
    prog_bind(q, 2, fromtxt);
    prog_bind(q, 3, a->through);
    prog_bind(q, 4, a->goal);
    if (prev)
        sqlite3_bind_int64(q, 5, prev);
    bool ok = sqlite3_step(q) == SQLITE_DONE;
    sqlite3_reset(q);
    sqlite3_int64 id = sqlite3_last_insert_rowid(store_db(s->store));
    int carried = ok && prev ? carry_forward(s->store, prev, id) : 0;
    char idtxt[24], detail[200];
    snprintf(idtxt, sizeof idtxt, "%lld", (long long)id);
    snprintf(detail, sizeof detail, "site %s, %s to %s, %d open steps carried from plan %lld",
             a->site, fromtxt, a->through, carried < 0 ? 0 : carried, (long long)prev);
    ok = ok && carried >= 0 && store_audit(s->store, "new", "action_plan", idtxt, detail) == 0;
    if (prog_finish(s->store, ok, "start the plan"))
        return EXIT_FAIL;
    if (a->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "plan", (double)id);
        cJSON_AddStringToObject(o, "site", a->site);
        cJSON_AddStringToObject(o, "from", fromtxt);
        cJSON_AddStringToObject(o, "through", a->through);
        if (prev)
            cJSON_AddNumberToObject(o, "previous", (double)prev);
        else
            cJSON_AddNullToObject(o, "previous");
        cJSON_AddNumberToObject(o, "carried_steps", carried);
        json_print(o);
    } else {
        printf("Started plan %lld for site %s, %s to %s", (long long)id, a->site, fromtxt,
               a->through);
        if (prev)
            printf("; %d open step%s carried from plan %lld", carried, carried == 1 ? "" : "s",
                   (long long)prev);
        putchar('\n');
    }
    return EXIT_OK;
}

/* ------------------------------------------------------------------ activities and steps */

static bool row_exists(struct store *st, const char *sql, const char *id)
{
    sqlite3_stmt *q = store_prepare(st, sql);
    prog_bind(q, 1, id);
    bool found = sqlite3_step(q) == SQLITE_ROW;
    sqlite3_reset(q);
    return found;
}

static int do_activity(struct site *s, int npos, char **pos, const struct plan_args *a)
{
    if (npos != 2 || strcmp(pos[1], "add") != 0)
        return cli_usage_error("plan", "expected 'plan activity add'");
    if (!a->plan || !a->block || !a->title)
        return cli_usage_error("plan", "plan activity add needs --plan, --block and --title");
    if (prog_need_word("block", a->block, prog_blocks, ARRAY_LEN(prog_blocks)) ||
        (a->due && prog_need_date("--due", a->due, NULL)))
        return EXIT_FAIL;
    if (!*a->title)
        return cli_fail("the title is empty");
    if (!row_exists(s->store, "SELECT 1 FROM action_plans WHERE plan_id = ?1", a->plan))
        return cli_fail("no action plan %s", a->plan);
    sqlite3_stmt *q = store_prepare(s->store, "INSERT INTO plan_activities(plan_id, block, title, "
                                              "manager, due, resources, future) "
                                              "VALUES (?1,?2,?3,?4,?5,?6,?7)");
    prog_bind(q, 1, a->plan);
    prog_bind(q, 2, a->block);
    prog_bind(q, 3, a->title);
    prog_bind(q, 4, a->manager);
    prog_bind(q, 5, a->due);
    prog_bind(q, 6, a->resources);
    sqlite3_bind_int(q, 7, a->future);
    long long new_id = 0;
    char detail[80];
    snprintf(detail, sizeof detail, "plan %s, %s", a->plan, a->block);
    if (prog_write(s->store, q, "add the activity", "add", "plan_activity", NULL, detail, &new_id))
        return EXIT_FAIL;
    printf("Added activity %lld to plan %s (%s)\n", new_id, a->plan, a->block);
    return EXIT_OK;
}

static int step_add(struct site *s, const struct plan_args *a)
{
    if (!a->activity || !a->what)
        return cli_usage_error("plan", "plan step add needs --activity and --what");
    if (a->when && prog_need_date("--when", a->when, NULL))
        return EXIT_FAIL;
    if (!*a->what)
        return cli_fail("the step is empty");
    if (!row_exists(s->store, "SELECT 1 FROM plan_activities WHERE id = ?1", a->activity))
        return cli_fail("no plan activity %s", a->activity);
    sqlite3_stmt *q = store_prepare(s->store, "INSERT INTO plan_steps(activity_id, what, who, due) "
                                              "VALUES (?1,?2,?3,?4)");
    prog_bind(q, 1, a->activity);
    prog_bind(q, 2, a->what);
    prog_bind(q, 3, a->who);
    prog_bind(q, 4, a->when);
    long long new_id = 0;
    char detail[80];
    snprintf(detail, sizeof detail, "activity %s", a->activity);
    if (prog_write(s->store, q, "add the step", "add", "plan_step", NULL, detail, &new_id))
        return EXIT_FAIL;
    printf("Added step %lld to activity %s\n", new_id, a->activity);
    return EXIT_OK;
}

static int step_done(struct site *s, const char *id, const struct plan_args *a)
{
    day_t d;
    if (a->date ? prog_need_date("--date", a->date, &d) : site_as_of(s->host, "plan", NULL, &d) != 0)
        return EXIT_FAIL;
    sqlite3_stmt *q = store_prepare(s->store, "SELECT done FROM plan_steps WHERE id = ?1");
    prog_bind(q, 1, id);
    int found = sqlite3_step(q);
    char done[16] = "";
    if (found == SQLITE_ROW && sqlite3_column_text(q, 0))
        snprintf(done, sizeof done, "%s", (const char *)sqlite3_column_text(q, 0));
    sqlite3_reset(q);
    if (found != SQLITE_ROW)
        return cli_fail("no plan step %s", id);
    if (*done)
        return cli_fail("step %s is already done (%s)", id, done);
    char date[16];
    date_format(d, date);
    q = store_prepare(s->store, "UPDATE plan_steps SET done = ?2 WHERE id = ?1");
    prog_bind(q, 1, id);
    prog_bind(q, 2, date);
    if (prog_write(s->store, q, "mark the step done", "done", "plan_step", id, date, NULL))
        return EXIT_FAIL;
    printf("Step %s done on %s\n", id, date);
    return EXIT_OK;
}

static int do_step(struct site *s, int npos, char **pos, const struct plan_args *a)
{
    if (npos == 2 && strcmp(pos[1], "add") == 0)
        return step_add(s, a);
    if (npos == 3 && strcmp(pos[1], "done") == 0)
        return step_done(s, pos[2], a);
    return cli_usage_error("plan", "expected 'plan step add' or 'plan step done ID'");
}

/* ------------------------------------------------------------------ show */

static const char steps_sql[] =
    "SELECT s.id, s.what, s.who, s.due AS \"when\", s.done, s.carried_from IS NOT NULL AS carried, "
    "s.done IS NULL AND s.due IS NOT NULL AND s.due < ?2 AS overdue "
    "FROM plan_steps s WHERE s.activity_id = ?1 ORDER BY s.id";

static cJSON *plan_json(struct store *st, sqlite3_int64 id, const char *today)
{
    sqlite3_stmt *q = store_prepare(st, "SELECT plan_id AS plan, site_id AS site, created AS "
                                        "\"from\", through, goal, previous_id AS previous "
                                        "FROM action_plans WHERE plan_id = ?1");
    sqlite3_bind_int64(q, 1, id);
    cJSON *rows = prog_rows(q);
    cJSON *plan = cJSON_DetachItemFromArray(rows, 0);
    cJSON_Delete(rows);
    q = store_prepare(st, "SELECT id, block, title, manager, due, resources, future, "
                          "carried_from IS NOT NULL AS carried FROM plan_activities "
                          "WHERE plan_id = ?1 ORDER BY future, CASE block WHEN 'leadership' THEN 1 "
                          "WHEN 'policies' THEN 2 WHEN 'tracking' THEN 3 WHEN 'visits' THEN 4 "
                          "WHEN 'complex' THEN 5 WHEN 'measuring' THEN 6 ELSE 7 END, id");
    sqlite3_bind_int64(q, 1, id);
    cJSON *acts = prog_rows(q), *act;
    cJSON_ArrayForEach(act, acts)
    {
        sqlite3_stmt *sq = store_prepare(st, steps_sql);
        sqlite3_bind_int64(sq, 1, (sqlite3_int64)cJSON_GetObjectItem(act, "id")->valuedouble);
        sqlite3_bind_text(sq, 2, today, -1, SQLITE_TRANSIENT);
        cJSON_AddItemToObject(act, "steps", prog_rows(sq));
    }
    cJSON_AddItemToObject(plan, "activities", acts);
    return plan;
}

static const char *str(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool flag(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(v) && v->valuedouble != 0;
}

static void print_plan(const cJSON *p)
{
    printf("Action plan %d — site %s, %s to %s\nGoal: %s\n",
           (int)cJSON_GetObjectItem(p, "plan")->valuedouble, str(p, "site"), str(p, "from"),
           str(p, "through"), str(p, "goal"));
    const cJSON *act;
    cJSON_ArrayForEach(act, cJSON_GetObjectItem(p, "activities"))
    {
        printf("\n  [%d] %s%s: %s", (int)cJSON_GetObjectItem(act, "id")->valuedouble,
               flag(act, "future") ? "future, " : "", str(act, "block"), str(act, "title"));
        printf("%s%s%s%s%s\n", str(act, "manager") ? " — lead " : "",
               str(act, "manager") ? str(act, "manager") : "", str(act, "due") ? ", due " : "",
               str(act, "due") ? str(act, "due") : "", flag(act, "carried") ? " (carried)" : "");
        const cJSON *s;
        cJSON_ArrayForEach(s, cJSON_GetObjectItem(act, "steps"))
        {
            const char *done = str(s, "done");
            printf("    %s %d. %s", done ? "[x]" : "[ ]",
                   (int)cJSON_GetObjectItem(s, "id")->valuedouble, str(s, "what"));
            if (str(s, "who"))
                printf(" — %s", str(s, "who"));
            if (str(s, "when"))
                printf(", by %s", str(s, "when"));
            if (done)
                printf(", done %s", done);
            printf("%s%s\n", flag(s, "overdue") ? "  OVERDUE" : "",
                   flag(s, "carried") ? " (carried)" : "");
        }
    }
}

static int do_show(struct site *s, int npos, char **pos, const struct plan_args *a)
{
    if (npos > 2 || (npos == 2 && a->site))
        return cli_usage_error("plan", "plan show takes --site S or one plan id");
    day_t d;
    if (site_as_of(s->host, "plan", a->as_of, &d) != 0)
        return EXIT_USAGE;
    char today[16];
    date_format(d, today);
    sqlite3_int64 id = 0;
    if (npos == 2) {
        id = row_exists(s->store, "SELECT 1 FROM action_plans WHERE plan_id = ?1", pos[1])
                 ? strtoll(pos[1], NULL, 10)
                 : 0;
        if (!id)
            return cli_fail("no action plan %s", pos[1]);
    } else {
        if (!a->site)
            return cli_usage_error("plan", "plan show needs --site S or a plan id");
        if (prog_need_site(s->store, a->site))
            return EXIT_FAIL;
        if (!(id = previous_plan(s->store, a->site)))
            return cli_fail("site %s has no action plan yet; start one with 'sixbb plan new'",
                            a->site);
    }
    cJSON *plan = plan_json(s->store, id, today);
    if (a->json) {
        json_print(plan);
        return EXIT_OK;
    }
    print_plan(plan);
    cJSON_Delete(plan);
    return EXIT_OK;
}

int cmd_plan(struct cli *cli, int argc, char **argv)
{
    struct plan_args a = {0};
    const struct opt opts[] = {{"site", 0, OPT_VALUE, &a.site},
                               {"through", 0, OPT_VALUE, &a.through},
                               {"goal", 0, OPT_VALUE, &a.goal},
                               {"from", 0, OPT_VALUE, &a.from},
                               {"plan", 0, OPT_VALUE, &a.plan},
                               {"block", 0, OPT_VALUE, &a.block},
                               {"title", 0, OPT_VALUE, &a.title},
                               {"manager", 0, OPT_VALUE, &a.manager},
                               {"due", 0, OPT_VALUE, &a.due},
                               {"resources", 0, OPT_VALUE, &a.resources},
                               {"activity", 0, OPT_VALUE, &a.activity},
                               {"what", 0, OPT_VALUE, &a.what},
                               {"who", 0, OPT_VALUE, &a.who},
                               {"when", 0, OPT_VALUE, &a.when},
                               {"date", 0, OPT_VALUE, &a.date},
                               {"as-of", 0, OPT_VALUE, &a.as_of},
                               {"future", 0, OPT_FLAG, &a.future},
                               {"json", 0, OPT_FLAG, &a.json},
                               {NULL, 0, 0, NULL}};
    char **pos = NULL;
    int npos = 0;
    int rc = cli_parse(argc, argv, opts, plan_usage, &pos, &npos);
    if (rc != 0)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    static const char *const subs[] = {"new", "activity", "step", "show"};
    int sub = -1;
    for (int i = 0; npos && i < 4; i++)
        if (strcmp(pos[0], subs[i]) == 0)
            sub = i;
    if (sub < 0) {
        free(pos);
        return cli_usage_error("plan", "expected a sub-command: new, activity, step, show");
    }
    struct site *s = site_open(cli, SITE_HOST | (sub == 3 ? SITE_READONLY : 0), "plan");
    if (!s) {
        free(pos);
        return EXIT_FAIL;
    }
    switch (sub) {
    case 0:
        rc = npos > 1 ? cli_usage_error("plan", "unexpected argument '%s'", pos[1]) : do_new(s, &a);
        break;
    case 1:
        rc = do_activity(s, npos, pos, &a);
        break;
    case 2:
        rc = do_step(s, npos, pos, &a);
        break;
    default:
        rc = do_show(s, npos, pos, &a);
    }
    site_close(s);
    free(pos);
    return rc;
}

int cmd_plans(struct cli *cli, int argc, char **argv)
{
    const char *site = NULL, *as_of = NULL;
    bool json = false;
    const struct opt opts[] = {{"site", 0, OPT_VALUE, &site},
                               {"as-of", 0, OPT_VALUE, &as_of},
                               {"json", 0, OPT_FLAG, &json},
                               {NULL, 0, 0, NULL}};
    int rc = cli_parse(argc, argv, opts, plans_usage, NULL, NULL);
    if (rc != 0)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    struct site *s = site_open(cli, SITE_HOST | SITE_READONLY, "plans");
    if (!s)
        return EXIT_FAIL;
    day_t d;
    char today[16];
    if ((rc = site_as_of(s->host, "plans", as_of, &d)) != 0 ||
        (site && (rc = prog_need_site(s->store, site)))) {
        site_close(s);
        return rc;
    }
    sqlite3_stmt *q = store_prepare(
        s->store,
        "SELECT p.plan_id AS plan, p.site_id AS site, p.created AS \"from\", p.through, p.goal, "
        "count(st.id) - count(st.done) AS open, "
        "coalesce(sum(st.done IS NULL AND st.due < ?2), 0) AS overdue, count(st.done) AS done "
        "FROM action_plans p LEFT JOIN plan_activities a ON a.plan_id = p.plan_id "
        "LEFT JOIN plan_steps st ON st.activity_id = a.id "
        "WHERE ?1 IS NULL OR p.site_id = ?1 GROUP BY p.plan_id ORDER BY p.site_id, p.plan_id");
    prog_bind(q, 1, site);
    prog_bind(q, 2, date_format(d, today));
    cJSON *rows = prog_rows(q);
    if (json) {
        prog_print_json("plans", rows);
    } else {
        static const char *const cols[] = {"plan",    "site", "from", "through", "open",
                                           "overdue", "done", "goal", NULL};
        prog_print_table(rows, cols, "No action plans yet.");
        cJSON_Delete(rows);
    }
    site_close(s);
    return EXIT_OK;
}
