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
#include "store_program.h"
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

static int do_new(struct site *s, const struct plan_args *a)
{
    if (!a->site || !a->through || !a->goal)
        return cli_usage_error("plan", "plan new needs --site, --through and --goal");
    day_t from, through;
    char err[512];
    if (prog_need_date("--through", a->through, &through, err, sizeof err) ||
        (a->from && prog_need_date("--from", a->from, &from, err, sizeof err)))
        return cli_fail("%s", err);
    if (!a->from && site_as_of(s->host, "plan", NULL, &from) != 0)
        return EXIT_FAIL;
    if (through < from)
        return cli_fail("--through %s is before the plan's start", a->through);
    if (!*a->goal)
        return cli_fail("the goal is empty");
    if (prog_need_site(s->store, a->site, err, sizeof err))
        return cli_fail("%s", err);
    char fromtxt[16];
    date_format(from, fromtxt);
    struct store_plan_started p;
    if (store_plan_new(s->store, a->site, fromtxt, a->through, a->goal, &p, err, sizeof err))
        return cli_fail("cannot start the plan: %s", err);
    long long id = p.id, prev = p.previous;
    int carried = p.carried;
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
        printf("Started plan %lld for site %s, %s to %s", id, a->site, fromtxt, a->through);
        if (prev)
            printf("; %d open step%s carried from plan %lld", carried, carried == 1 ? "" : "s",
                   prev);
        putchar('\n');
    }
    return EXIT_OK;
}

/* ------------------------------------------------------------------ activities and steps */

static int do_activity(struct site *s, int npos, char **pos, const struct plan_args *a)
{
    if (npos != 2 || strcmp(pos[1], "add") != 0)
        return cli_usage_error("plan", "expected 'plan activity add'");
    if (!a->plan || !a->block || !a->title)
        return cli_usage_error("plan", "plan activity add needs --plan, --block and --title");
    char err[512];
    if (prog_need_word("block", a->block, prog_blocks, ARRAY_LEN(prog_blocks), err, sizeof err) ||
        (a->due && prog_need_date("--due", a->due, NULL, err, sizeof err)))
        return cli_fail("%s", err);
    if (!*a->title)
        return cli_fail("the title is empty");
    if (!store_plan_exists(s->store, a->plan))
        return cli_fail("no action plan %s", a->plan);
    long long new_id = 0;
    if (store_plan_activity_add(s->store, a->plan, a->block, a->title, a->manager, a->due,
                                a->resources, a->future, &new_id, err, sizeof err))
        return cli_fail("cannot add the activity: %s", err);
    printf("Added activity %lld to plan %s (%s)\n", new_id, a->plan, a->block);
    return EXIT_OK;
}

static int step_add(struct site *s, const struct plan_args *a)
{
    if (!a->activity || !a->what)
        return cli_usage_error("plan", "plan step add needs --activity and --what");
    char err[512];
    if (a->when && prog_need_date("--when", a->when, NULL, err, sizeof err))
        return cli_fail("%s", err);
    if (!*a->what)
        return cli_fail("the step is empty");
    if (!store_plan_activity_exists(s->store, a->activity))
        return cli_fail("no plan activity %s", a->activity);
    long long new_id = 0;
    if (store_plan_step_add(s->store, a->activity, a->what, a->who, a->when, &new_id, err,
                            sizeof err))
        return cli_fail("cannot add the step: %s", err);
    printf("Added step %lld to activity %s\n", new_id, a->activity);
    return EXIT_OK;
}

static int step_done(struct site *s, const char *id, const struct plan_args *a)
{
    day_t d;
    char err[512];
    if (a->date && prog_need_date("--date", a->date, &d, err, sizeof err))
        return cli_fail("%s", err);
    if (!a->date && site_as_of(s->host, "plan", NULL, &d) != 0)
        return EXIT_FAIL;
    char done[16];
    if (store_plan_step_state(s->store, id, done, sizeof done) != 0)
        return cli_fail("no plan step %s", id);
    if (*done)
        return cli_fail("step %s is already done (%s)", id, done);
    char date[16];
    date_format(d, date);
    if (store_plan_step_done(s->store, id, date, err, sizeof err))
        return cli_fail("cannot mark the step done: %s", err);
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
    long long id = 0;
    char err[512];
    if (npos == 2) {
        id = store_plan_exists(s->store, pos[1]) ? strtoll(pos[1], NULL, 10) : 0;
        if (!id)
            return cli_fail("no action plan %s", pos[1]);
    } else {
        if (!a->site)
            return cli_usage_error("plan", "plan show needs --site S or a plan id");
        if (prog_need_site(s->store, a->site, err, sizeof err))
            return cli_fail("%s", err);
        if (!(id = store_plan_current(s->store, a->site)))
            return cli_fail("site %s has no action plan yet; start one with 'sixbb plan new'",
                            a->site);
    }
    cJSON *plan = store_plan_json(s->store, id, today);
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
    char today[16], err[512];
    if ((rc = site_as_of(s->host, "plans", as_of, &d)) != 0) {
        site_close(s);
        return rc;
    }
    if (site && prog_need_site(s->store, site, err, sizeof err)) {
        cli_fail("%s", err);
        site_close(s);
        return EXIT_FAIL;
    }
    cJSON *rows = store_plans(s->store, site, date_format(d, today));
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
