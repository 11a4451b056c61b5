/* sixbb survey: answers to the kickoff survey (the baseline) and the measuring-outcomes survey
 * (at the end), loaded from CSV, and a comparison of the two per clinic and question for the
 * answers given on a numeric scale. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "program.h"
#include "site.h"
#include "store_program.h"
#include "util.h"

static const char survey_usage[] =
    "usage: sixbb [-C DIR] survey import --kind kickoff|outcomes FILE.csv\n"
    "       sixbb [-C DIR] survey summary [--site S] [--json]\n"
    "\n"
    "import loads survey answers: a header row with the columns site_id, respondent, date,\n"
    "question, answer (others are ignored), one answer per row. An answer that is a number\n"
    "is compared between surveys; other answers are kept as text. The whole file loads or\n"
    "nothing does; loading a respondent's answer again replaces it.\n"
    "summary compares, per clinic and question, the mean numeric answer at kickoff (the\n"
    "baseline) with the mean in the outcomes survey.\n";

static const char *const kinds[] = {"kickoff", "outcomes"};
static const char *const cols[] = {"site_id", "respondent", "date", "question", "answer"};

struct survey_load {
    struct store *st;
    const char *kind;
    int rows;
};

static int load_row(const struct prog_csv_row *r, void *ud)
{
    struct survey_load *sl = ud;
    const char *const *v = r->values;
    if (!store_site_exists(sl->st, v[0]))
        return prog_csv_fail(r, 0, "no site '%s' in this registry", v[0]);
    if (!*v[1])
        return prog_csv_fail(r, 1, "the respondent is empty");
    day_t d;
    if (date_parse(v[2], strlen(v[2]), &d) != 0)
        return prog_csv_fail(r, 2, "'%s' is not a date (YYYY-MM-DD)", v[2]);
    if (!*v[3])
        return prog_csv_fail(r, 3, "the question is empty");
    if (!*v[4])
        return prog_csv_fail(r, 4, "the answer is empty");
    char *end;
    double num = strtod(v[4], &end);
    bool numeric = *end == '\0';
    const char *const vals[5] = {v[0], v[1], v[2], v[3], v[4]};
    if (store_survey_put(sl->st, sl->kind, vals, numeric, num) != 0)
        return prog_csv_fail(r, 0, "cannot store the answer: %s", store_errmsg(sl->st));
    sl->rows++;
    return 0;
}

static int do_import(struct site *s, const char *kind, const char *file)
{
    struct survey_load sl = {s->store, kind, 0};
    store_begin(s->store);
    char err[512];
    int rc = prog_csv_each(file, cols, ARRAY_LEN(cols), load_row, &sl, err, sizeof err);
    char detail[256];
    snprintf(detail, sizeof detail, "%s survey, %d answers", kind, sl.rows);
    bool ok = rc == 0 && store_audit(s->store, "import", "survey", NULL, detail) == 0;
    if (rc != 0) {
        store_rollback(s->store);
        return cli_fail("%s", err);
    }
    if (store_end(s->store, ok, err, sizeof err))
        return cli_fail("cannot import the survey: %s", err);
    printf("Loaded %d %s survey answers from %s\n", sl.rows, kind, file);
    return EXIT_OK;
}

static int do_summary(struct site *s, const char *site, bool json)
{
    char err[512];
    if (site && prog_need_site(s->store, site, err, sizeof err))
        return cli_fail("%s", err);
    cJSON *rows = store_survey_summary(s->store, site);
    if (json) {
        prog_print_json("questions", rows);
        return EXIT_OK;
    }
    static const char *const show[] = {"site",          "question",     "baseline_n",
                                       "baseline_mean", "end_n",        "end_mean",
                                       "change",        "text_answers", NULL};
    prog_print_table(rows, show, "No survey answers recorded.");
    cJSON_Delete(rows);
    return EXIT_OK;
}

int cmd_survey(struct cli *cli, int argc, char **argv)
{
    const char *kind = NULL, *site = NULL;
    bool json = false;
    const struct opt opts[] = {{"kind", 0, OPT_VALUE, &kind},
                               {"site", 0, OPT_VALUE, &site},
                               {"json", 0, OPT_FLAG, &json},
                               {NULL, 0, 0, NULL}};
    char **pos = NULL;
    int npos = 0;
    int rc = cli_parse(argc, argv, opts, survey_usage, &pos, &npos);
    if (rc != 0)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    bool import = npos == 2 && strcmp(pos[0], "import") == 0;
    bool summary = npos == 1 && strcmp(pos[0], "summary") == 0;
    const char *file = import ? pos[1] : NULL;
    free(pos);
    if (!import && !summary)
        return cli_usage_error("survey", "expected 'survey import FILE.csv' or 'survey summary'");
    if (import && !kind)
        return cli_usage_error("survey", "survey import needs --kind kickoff or --kind outcomes");
    char err[512];
    if (import && prog_need_word("survey kind", kind, kinds, ARRAY_LEN(kinds), err, sizeof err))
        return cli_fail("%s", err);
    struct site *s =
        site_open(cli, summary ? SITE_READONLY : 0, import ? "survey import" : "survey");
    if (!s)
        return EXIT_FAIL;
    rc = import ? do_import(s, kind, file) : do_summary(s, site, json);
    site_close(s);
    return rc;
}
