/* sixbb assess: the program self-assessment. Each respondent scores the registered items (22 in
 * the built-in plugins) from 1 to 12 at the kickoff, the mid-point and the end; the summary
 * combines respondents per item and per block and shows the change from the kickoff. */
#include <lauxlib.h>
#include <math.h>
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

static const char assess_usage[] =
    "usage: sixbb [-C DIR] assess record --site S --occasion OCCASION --role ROLE\n"
    "                       [--respondent LABEL] [--date DATE] --scores \"1=4,2=7,...\"\n"
    "       sixbb [-C DIR] assess import FILE.csv\n"
    "       sixbb [-C DIR] assess summary [--site S] [--json]\n"
    "\n"
    "record stores one respondent's scores (ITEM=SCORE pairs, scores 1 to 12, items those\n"
    "the plugins registered); recording the same item again for the same clinic, occasion,\n"
    "role and respondent replaces the score. import loads a CSV file with the columns\n"
    "site_id, occasion, role, respondent, date, item, score (one score per row; respondent\n"
    "may be empty); the whole file loads or nothing does.\n"
    "summary gives, per clinic and occasion, each item's mean, lowest and highest score,\n"
    "each block's mean (the mean of its item means), and the change from the kickoff.\n"
    "OCCASION: kickoff, midpoint, end.\n"
    "ROLE: a team role (qi_lead, clinical_champion, tracking_lead, ma, nurse,\n"
    "      behavioral_health, pharmacist, moud_provider, other) or staff_group.\n";

static const char *const occasions[] = {"kickoff", "midpoint", "end"};
static const char *const roles[] = {
    "qi_lead",           "clinical_champion", "tracking_lead", "ma",    "nurse",
    "behavioral_health", "pharmacist",        "moud_provider", "other", "staff_group"};

#define MAX_ITEM 64

/* Which block each registered item belongs to (NULL: not registered). Blocks are plugin ids,
 * or the id of the plugin a plugin extends. */
struct items {
    char *block[MAX_ITEM + 1];
};

static void items_load(struct host *h, struct items *it)
{
    memset(it, 0, sizeof *it);
    lua_State *L = h->L;
    host_push_registry(h, REG_ASSESSMENT);
    for (lua_Integer i = 1; i <= (lua_Integer)lua_rawlen(L, -1); i++) {
        lua_rawgeti(L, -1, i);
        lua_getfield(L, -1, "item");
        lua_getfield(L, -2, "plugin");
        lua_Integer n = lua_tointeger(L, -2);
        struct plugin *p = lua_isstring(L, -1) ? host_find_plugin(h, lua_tostring(L, -1)) : NULL;
        if (n >= 1 && n <= MAX_ITEM && p && !it->block[n])
            it->block[n] = xstrdup(p->extends ? p->extends : p->id);
        lua_pop(L, 3);
    }
    lua_pop(L, 1);
}

static void items_free(struct items *it)
{
    for (int i = 0; i <= MAX_ITEM; i++)
        free(it->block[i]);
}

static bool item_known(const struct items *it, long n)
{
    return n >= 1 && n <= MAX_ITEM && it->block[n];
}

/* ------------------------------------------------------------------ record */

struct record_args {
    const char *site, *occasion, *role, *respondent, *date, *scores;
};

/* Parses "1=4, 2=7" into scores[item]; prints the first problem. */
static int parse_scores(const char *text, const struct items *it, int scores[MAX_ITEM + 1])
{
    memset(scores, 0, (MAX_ITEM + 1) * sizeof *scores);
    char *copy = xstrdup(text), *save = NULL;
    int rc = 0, count = 0;
    for (char *pair = strtok_r(copy, ",", &save); pair && !rc; pair = strtok_r(NULL, ",", &save)) {
        long item, score;
        char tail;
        if (sscanf(pair, " %ld = %ld %c", &item, &score, &tail) != 2)
            rc = cli_fail("--scores: '%s' is not ITEM=SCORE", pair);
        else if (!item_known(it, item))
            rc = cli_fail("--scores: item %ld is not a self-assessment item", item);
        else if (score < 1 || score > 12)
            rc = cli_fail("--scores: item %ld has score %ld; scores run from 1 to 12", item, score);
        else if (scores[item])
            rc = cli_fail("--scores: item %ld is given twice", item);
        else {
            scores[item] = (int)score;
            count++;
        }
    }
    free(copy);
    if (!rc && !count)
        rc = cli_fail("--scores holds no scores");
    return rc;
}

static int do_record(struct site *s, const struct record_args *a)
{
    if (!a->site || !a->occasion || !a->role || !a->scores)
        return cli_usage_error("assess",
                               "assess record needs --site, --occasion, --role and --scores");
    day_t d;
    char err[512];
    if (prog_need_word("occasion", a->occasion, occasions, ARRAY_LEN(occasions), err,
                       sizeof err) ||
        prog_need_word("role", a->role, roles, ARRAY_LEN(roles), err, sizeof err) ||
        (a->date && prog_need_date("--date", a->date, &d, err, sizeof err)))
        return cli_fail("%s", err);
    if (!a->date && site_as_of(s->host, "assess", NULL, &d) != 0)
        return EXIT_FAIL;
    struct items it;
    items_load(s->host, &it);
    int scores[MAX_ITEM + 1];
    int rc = parse_scores(a->scores, &it, scores);
    items_free(&it);
    if (rc)
        return EXIT_FAIL;
    if (prog_need_site(s->store, a->site, err, sizeof err))
        return cli_fail("%s", err);
    char date[16], item[8], score[8];
    date_format(d, date);
    const char *v[7] = {a->site, a->occasion, a->role, a->respondent ? a->respondent : "",
                        date,    item,        score};
    store_begin(s->store);
    bool ok = true;
    int n = 0;
    for (int i = 1; ok && i <= MAX_ITEM; i++) {
        if (!scores[i])
            continue;
        snprintf(item, sizeof item, "%d", i);
        snprintf(score, sizeof score, "%d", scores[i]);
        ok = store_assess_put(s->store, v) == 0;
        n++;
    }
    char detail[160];
    snprintf(detail, sizeof detail, "site %s, %s, %s: %d scores", a->site, a->occasion, a->role, n);
    ok = ok && store_audit(s->store, "record", "self_assessment", NULL, detail) == 0;
    if (store_end(s->store, ok, err, sizeof err))
        return cli_fail("cannot record the scores: %s", err);
    printf("Recorded %d scores for site %s (%s, %s)\n", n, a->site, a->occasion, a->role);
    return EXIT_OK;
}

/* ------------------------------------------------------------------ import */

static const char *const csv_cols[] = {"site_id", "occasion", "role", "respondent",
                                       "date",    "item",     "score"};

struct import_state {
    struct store *st;
    struct items it;
    int rows;
};

static bool in_list(const char *w, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], w) == 0)
            return true;
    return false;
}

static int whole(const char *s, long *out)
{
    char *end;
    *out = strtol(s, &end, 10);
    return *s && !*end ? 0 : -1;
}

static int import_row(const struct prog_csv_row *r, void *ud)
{
    struct import_state *is = ud;
    const char *const *v = r->values;
    long item, score;
    day_t d;
    if (!store_site_exists(is->st, v[0]))
        return prog_csv_fail(r, 0, "no site '%s' in this registry", v[0]);
    if (!in_list(v[1], occasions, ARRAY_LEN(occasions)))
        return prog_csv_fail(r, 1, "occasion '%s' is not kickoff, midpoint or end", v[1]);
    if (!in_list(v[2], roles, ARRAY_LEN(roles)))
        return prog_csv_fail(r, 2, "role '%s' is not a team role or staff_group", v[2]);
    if (date_parse(v[4], strlen(v[4]), &d) != 0)
        return prog_csv_fail(r, 4, "'%s' is not a date (YYYY-MM-DD)", v[4]);
    if (whole(v[5], &item) != 0 || !item_known(&is->it, item))
        return prog_csv_fail(r, 5, "item '%s' is not a self-assessment item", v[5]);
    if (whole(v[6], &score) != 0 || score < 1 || score > 12)
        return prog_csv_fail(r, 6, "score '%s' is not a whole number from 1 to 12", v[6]);
    /* A second row for the same respondent and item in one file is a mistake, not an update. */
    char *key = xasprintf("%s|%s|%s|%s|%ld", v[0], v[1], v[2], v[3], item);
    bool dup = store_assess_seen(is->st, key);
    free(key);
    if (dup)
        return prog_csv_fail(r, 5, "item %ld is given twice for this respondent", item);
    const char *vals[7] = {v[0], v[1], v[2], v[3], v[4], v[5], v[6]};
    if (store_assess_put(is->st, vals) != 0)
        return prog_csv_fail(r, 0, "cannot store the score: %s", store_errmsg(is->st));
    is->rows++;
    return 0;
}

static int do_import(struct site *s, const char *file)
{
    struct import_state is = {.st = s->store};
    items_load(s->host, &is.it);
    store_assess_seen_reset(s->store);
    store_begin(s->store);
    char err[512];
    int rc = prog_csv_each(file, csv_cols, ARRAY_LEN(csv_cols), import_row, &is, err, sizeof err);
    items_free(&is.it);
    if (rc != 0) {
        store_rollback(s->store);
        return cli_fail("%s", err);
    }
    char detail[256];
    snprintf(detail, sizeof detail, "%d scores", is.rows);
    bool ok = store_audit(s->store, "import", "self_assessment", NULL, detail) == 0;
    if (store_end(s->store, ok, err, sizeof err))
        return cli_fail("cannot import the scores: %s", err);
    printf("Loaded %d self-assessment scores from %s\n", is.rows, file);
    return EXIT_OK;
}

/* ------------------------------------------------------------------ summary */

static double num(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* Completes an item row: its block, the means rounded, and the change from the kickoff mean. */
static void add_item_fields(cJSON *row, const struct items *it)
{
    long item = (long)num(row, "item");
    cJSON_AddItemToObject(row, "block",
                          json_str_or_null(item_known(it, item) ? it->block[item] : NULL));
    double mean = num(row, "mean"), base = num(row, "baseline");
    cJSON_ReplaceItemInObjectCaseSensitive(row, "mean", json_num_rounded(mean, 2));
    cJSON_ReplaceItemInObjectCaseSensitive(row, "baseline", json_num_rounded(base, 2));
    cJSON_AddItemToObject(row, "change", json_num_rounded(mean - base, 2));
}

/* Block means of one clinic at one occasion: the mean of its item means, and the change from
 * the kickoff over the items scored at both (so an item skipped once does not move a block). */
static cJSON *block_rows(cJSON *items, const char *site, const char *occasion)
{
    cJSON *out = cJSON_CreateArray();
    for (size_t b = 0; b < ARRAY_LEN(prog_blocks); b++) {
        double sum = 0, bsum = 0, msum = 0;
        int n = 0, bn = 0;
        const cJSON *r;
        cJSON_ArrayForEach(r, items)
        {
            const cJSON *blk = cJSON_GetObjectItem(r, "block");
            if (strcmp(cJSON_GetObjectItem(r, "site")->valuestring, site) ||
                strcmp(cJSON_GetObjectItem(r, "occasion")->valuestring, occasion) ||
                !cJSON_IsString(blk) || strcmp(blk->valuestring, prog_blocks[b]))
                continue;
            sum += num(r, "mean");
            n++;
            if (!isnan(num(r, "baseline"))) {
                bsum += num(r, "baseline");
                msum += num(r, "mean");
                bn++;
            }
        }
        if (!n)
            continue;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "site", site);
        cJSON_AddStringToObject(o, "occasion", occasion);
        cJSON_AddStringToObject(o, "block", prog_blocks[b]);
        cJSON_AddNumberToObject(o, "items", n);
        cJSON_AddItemToObject(o, "mean", json_num_rounded(sum / n, 2));
        cJSON_AddItemToObject(o, "change", json_num_rounded(bn ? (msum - bsum) / bn : NAN, 2));
        cJSON_AddItemToArray(out, o);
    }
    return out;
}

static cJSON *summary(struct site *s, const char *site)
{
    struct items it;
    items_load(s->host, &it);
    cJSON *items = store_assess_items(s->store, site), *r;
    cJSON_ArrayForEach(r, items) add_item_fields(r, &it);
    items_free(&it);
    cJSON *blocks = cJSON_CreateArray();
    char last[256] = "";
    cJSON_ArrayForEach(r, items)
    {
        const char *st = cJSON_GetObjectItem(r, "site")->valuestring;
        const char *oc = cJSON_GetObjectItem(r, "occasion")->valuestring;
        char key[256];
        snprintf(key, sizeof key, "%s|%s", st, oc);
        if (strcmp(key, last) == 0)
            continue;
        snprintf(last, sizeof last, "%s", key);
        cJSON *b = block_rows(items, st, oc), *x;
        while ((x = cJSON_DetachItemFromArray(b, 0)))
            cJSON_AddItemToArray(blocks, x);
        cJSON_Delete(b);
    }
    cJSON *root = cJSON_CreateObject();
    cJSON_AddItemToObject(root, "items", items);
    cJSON_AddItemToObject(root, "blocks", blocks);
    return root;
}

static int do_summary(struct site *s, const char *site, bool json)
{
    char err[512];
    if (site && prog_need_site(s->store, site, err, sizeof err))
        return cli_fail("%s", err);
    cJSON *root = summary(s, site);
    if (json) {
        json_print(root);
        return EXIT_OK;
    }
    static const char *const icols[] = {"site", "occasion", "item", "block",  "n",
                                        "mean", "min",      "max",  "change", NULL};
    static const char *const bcols[] = {"site", "occasion", "block", "items",
                                        "mean", "change",   NULL};
    puts("Items");
    prog_print_table(cJSON_GetObjectItem(root, "items"), icols,
                     "No self-assessment scores recorded.");
    puts("\nBlocks");
    prog_print_table(cJSON_GetObjectItem(root, "blocks"), bcols,
                     "No self-assessment scores recorded.");
    cJSON_Delete(root);
    return EXIT_OK;
}

int cmd_assess(struct cli *cli, int argc, char **argv)
{
    struct record_args a = {0};
    bool json = false;
    const struct opt opts[] = {
        {"site", 0, OPT_VALUE, &a.site}, {"occasion", 0, OPT_VALUE, &a.occasion},
        {"role", 0, OPT_VALUE, &a.role}, {"respondent", 0, OPT_VALUE, &a.respondent},
        {"date", 0, OPT_VALUE, &a.date}, {"scores", 0, OPT_VALUE, &a.scores},
        {"json", 0, OPT_FLAG, &json},    {NULL, 0, 0, NULL}};
    char **pos = NULL;
    int npos = 0;
    int rc = cli_parse(argc, argv, opts, assess_usage, &pos, &npos);
    if (rc != 0)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    const char *sub = npos ? pos[0] : "";
    int kind = strcmp(sub, "record") == 0 && npos == 1    ? 0
               : strcmp(sub, "import") == 0 && npos == 2  ? 1
               : strcmp(sub, "summary") == 0 && npos == 1 ? 2
                                                          : -1;
    const char *file = kind == 1 ? pos[1] : NULL;
    free(pos);
    if (kind < 0)
        return cli_usage_error("assess", "expected 'assess record', 'assess import FILE.csv' or "
                                         "'assess summary'");
    struct site *s = site_open(cli, SITE_HOST | (kind == 2 ? SITE_READONLY : 0), "assess");
    if (!s)
        return EXIT_FAIL;
    rc = kind == 0   ? do_record(s, &a)
         : kind == 1 ? do_import(s, file)
                     : do_summary(s, a.site, json);
    site_close(s);
    return rc;
}
