/* sixbb check: evaluates every patient as of a date and lists the care gaps, grouped by
 * clinician and patient; --explain shows one patient's facts and every check's outcome. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "checks.h"
#include "eval_config.h"
#include "host.h"
#include "med.h"
#include "json.h"
#include "site.h"
#include "util.h"

static const char check_usage[] =
    "usage: sixbb [-C DIR] check [--as-of DATE] [--site S] [--clinician C] [--patient P]\n"
    "                            [--check ID] [--json] [--explain PATIENT]\n"
    "\n"
    "Evaluates every patient as of DATE (default: today in the site's time zone) with every\n"
    "enabled check from the plugins and lists the care gaps, grouped by clinician and patient.\n"
    "A run over the whole population (no --site, --clinician, --patient or --check) stores its\n"
    "results for DATE, replacing earlier results for that date; filtered runs only print.\n"
    "\n"
    "  --as-of DATE        evaluate as of this date (YYYY-MM-DD)\n"
    "  --site S            only patients of site S (and S's site-level checks)\n"
    "  --clinician C       only patients whose responsible clinician is C\n"
    "  --patient P         only patient P\n"
    "  --check ID          only this check\n"
    "  --json              machine-readable output\n"
    "  --explain PATIENT   show the patient's facts, and for every check its rule and outcome\n";

struct check_opts {
    const char *as_of, *site, *clinician, *patient, *check, *explain;
    bool json;
};

static int cmp_str_null_last(const char *a, const char *b)
{
    if (!a || !b)
        return (a == NULL) - (b == NULL);
    return strcmp(a, b);
}

static void print_text(const struct eval_result *r, bool stored)
{
    char d[16], due[16];
    int patients_with_gaps = 0;
    const char *last_patient = NULL;
    for (size_t i = 0; i < r->ngaps; i++) {
        const struct gap *g = &r->gaps[i];
        if (g->patient && (!last_patient || strcmp(last_patient, g->patient) != 0))
            patients_with_gaps++;
        if (g->patient)
            last_patient = g->patient;
    }
    printf("As of %s: %d patients evaluated, %d on long-term opioid therapy, %d excluded.\n",
           date_format(r->as_of, d), r->patients, r->ltot, r->excluded);
    printf("%zu gap%s (%d patient%s with gaps)%s\n", r->ngaps, r->ngaps == 1 ? "" : "s",
           patients_with_gaps, patients_with_gaps == 1 ? "" : "s",
           stored ? "; results stored for this date." : ".");
    const char *group = NULL;
    enum gap_level glevel = LEVEL_PATIENT;
    last_patient = NULL;
    bool first = true;
    for (size_t i = 0; i < r->ngaps; i++) {
        const struct gap *g = &r->gaps[i];
        const char *key = g->level == LEVEL_SITE ? g->site : g->clinician;
        bool site_level = g->level == LEVEL_SITE;
        if (first || site_level != (glevel == LEVEL_SITE) || cmp_str_null_last(key, group) != 0) {
            if (g->level == LEVEL_SITE)
                printf("\nSite %s\n", g->site ? g->site : "?");
            else if (g->clinician)
                printf("\nClinician %s (site %s)\n", g->clinician, g->site ? g->site : "?");
            else
                printf("\nPatients without a responsible clinician\n");
            group = key;
            glevel = g->level;
            last_patient = NULL;
            first = false;
        }
        const char *who = g->patient               ? g->patient
                          : g->level == LEVEL_SITE ? "(site)"
                                                   : "(clinician)";
        bool same = g->patient && last_patient && strcmp(last_patient, g->patient) == 0;
        printf("  %-10s %-28s %-8s %-10s %s\n", same ? "" : who, g->check, g->severity,
               g->due == DATE_NONE ? "" : date_format(g->due, due), g->detail);
        last_patient = g->patient;
    }
    if (r->check_errors)
        printf("\n%d check call%s failed; see the messages above.\n", r->check_errors,
               r->check_errors == 1 ? "" : "s");
}

static void print_json(const struct eval_result *r, struct eval *e, bool stored)
{
    char d[16];
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "as_of", date_format(r->as_of, d));
    cJSON_AddNumberToObject(root, "patients_evaluated", r->patients);
    cJSON_AddNumberToObject(root, "ltot", r->ltot);
    cJSON_AddNumberToObject(root, "excluded", r->excluded);
    cJSON_AddStringToObject(root, "standard", med_standard_name_of(e));
    cJSON_AddBoolToObject(root, "stored", stored);
    cJSON_AddNumberToObject(root, "check_errors", r->check_errors);
    cJSON *gaps = cJSON_AddArrayToObject(root, "gaps");
    for (size_t i = 0; i < r->ngaps; i++) {
        const struct gap *g = &r->gaps[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "check", g->check);
        cJSON_AddItemToObject(o, "patient", json_str_or_null(g->patient));
        cJSON_AddItemToObject(o, "clinician", json_str_or_null(g->clinician));
        cJSON_AddItemToObject(o, "site", json_str_or_null(g->site));
        cJSON_AddStringToObject(o, "severity", g->severity);
        cJSON_AddItemToObject(
            o, "due", json_str_or_null(g->due == DATE_NONE ? NULL : date_format(g->due, d)));
        cJSON_AddStringToObject(o, "detail", g->detail);
        cJSON_AddStringToObject(o, "plugin", g->plugin);
        cJSON_AddStringToObject(o, "level",
                                g->level == LEVEL_PATIENT     ? "patient"
                                : g->level == LEVEL_CLINICIAN ? "clinician"
                                                              : "site");
        cJSON_AddItemToArray(gaps, o);
    }
    json_print(root);
}

int site_as_of(struct host *h, const char *cmd, const char *given, day_t *out)
{
    char err[256];
    if (host_as_of(h, given, out, err, sizeof err) != 0)
        return cli_usage_error(cmd, "%s", err);
    return 0;
}

static void explain_facts(FILE *out, const struct rules *ru, const struct patient_rows *pr,
                          const struct facts *f, day_t as_of)
{
    char d[16];
    fprintf(out, "Patient %s (site %s, clinician %s) as of %s\n\n", pr->id, pr->site,
            pr->has_clinician ? pr->clinician : "none", date_format(as_of, d));
    fprintf(out, "Facts\n");
    fprintf(out, "  LtOT (%s rule): %s — %s\n", ltot_rule_names[ru->ltot_rule],
            f->ltot ? "yes" : "no", f->ltot_reason);
    fprintf(out, "  label diagnosis: %s\n", pr->labeled ? pr->label_code : "none");
    fprintf(out, "  excluded: %s\n", f->excluded ? pr->exclusion : "no");
    fprintf(out, "  current MED: %.1f%s%s\n", f->med, f->med_unknown ? " (incomplete: " : "",
            f->med_unknown ? f->med_unknown_detail : "");
    if (f->med_unknown)
        fprintf(out, "    )\n");
    fprintf(out, "  MED over the last 90 days: max %.1f, average %.1f; days covered %d\n",
            f->med_max90, f->med_avg90, f->covered90);
    fprintf(out, "  benzodiazepine overlap days (last %d): %d\n", ru->high_benzo_days,
            f->benzo_overlap);
    fprintf(out, "  risk tier: %s", risk_names[f->risk]);
    for (int i = 0; i < f->nreasons; i++)
        fprintf(out, "%s%s", i ? "; " : " (", f->reasons[i]);
    fprintf(out, "%s; review every %d days\n", f->nreasons ? ")" : "", ru->interval[f->risk]);
    fprintf(out, "  last events:");
    int shown = 0;
    for (int i = 0; i < EV_N; i++)
        if (pr->last_event[i] != DATE_NONE)
            fprintf(out, "%s %s %s", shown++ ? "," : "", event_names[i],
                    date_format(pr->last_event[i], d));
    fprintf(out, "%s\n", shown ? "" : " none");
    fprintf(out, "  last visit: %s",
            pr->last_visit == DATE_NONE ? "none" : date_format(pr->last_visit, d));
    fprintf(out, "; next scheduled: %s\n",
            pr->next_visit == DATE_NONE ? "none" : date_format(pr->next_visit, d));
    fprintf(out, "  latest assessments:");
    shown = 0;
    for (size_t i = 0; i < pr->nscores; i++) {
        const struct score *s = &pr->scores[i];
        if (rows_latest_score(pr, s->instrument) != s)
            continue;
        if (s->has_score)
            fprintf(out, "%s %s %g on %s", shown++ ? "," : "", s->instrument, s->score,
                    date_format(s->date, d));
        else
            fprintf(out, "%s %s on %s", shown++ ? "," : "", s->instrument, date_format(s->date, d));
    }
    fprintf(out, "%s\n", shown ? "" : " none");
    fprintf(out, "  fills: naloxone %s",
            pr->last_fill_naloxone == DATE_NONE ? "none" : date_format(pr->last_fill_naloxone, d));
    fprintf(out, ", MOUD %s",
            pr->last_fill_moud == DATE_NONE ? "none" : date_format(pr->last_fill_moud, d));
    fprintf(out, ", OUD diagnosis %s\n", pr->oud ? date_format(pr->oud_date, d) : "none");
    fprintf(out, "\nChecks\n");
}

static void explain_check(FILE *out, const struct check_outcome *c, const struct facts *f)
{
    const struct check_outcome *o = c;
    bool ran = c->ran;
    char d[16];
    fprintf(out, "  %-28s ", c->id);
    if (!c->enabled)
        fprintf(out, "disabled in the site config\n");
    else if (!ran && f->excluded && c->applies != APPLIES_ALL)
        fprintf(out, "not applicable: excluded\n");
    else if (!ran)
        fprintf(out, "not applicable: %s\n",
                c->applies == APPLIES_FILL_RULE ? "does not meet the fill rule" : "not on LtOT");
    else if (o->error)
        fprintf(out, "ERROR %s\n", o->detail);
    else if (o->gap)
        fprintf(out, "GAP (%s%s%s) %s\n", o->severity, o->due != DATE_NONE ? ", due " : "",
                o->due != DATE_NONE ? date_format(o->due, d) : "", o->detail);
    else
        fprintf(out, "no gap\n");
    if (c->description)
        fprintf(out, "  %-28s rule: %s\n", "", c->description);
}

/* The text --explain prints: the patient's facts, then every check's rule and outcome. */
static void print_explain(FILE *out, const struct check_explain *x)
{
    explain_facts(out, x->rules, &x->pr, &x->f, x->as_of);
    for (size_t i = 0; i < x->nchecks; i++)
        explain_check(out, &x->checks[i], &x->f);
}

int cmd_check(struct cli *cli, int argc, char **argv)
{
    struct check_opts o = {0};
    const struct opt opts[] = {{"as-of", 0, OPT_VALUE, &o.as_of},
                               {"site", 0, OPT_VALUE, &o.site},
                               {"clinician", 0, OPT_VALUE, &o.clinician},
                               {"patient", 0, OPT_VALUE, &o.patient},
                               {"check", 0, OPT_VALUE, &o.check},
                               {"explain", 0, OPT_VALUE, &o.explain},
                               {"json", 0, OPT_FLAG, &o.json},
                               {NULL, 0, 0, NULL}};
    int rc = cli_parse(argc, argv, opts, check_usage, NULL, NULL);
    if (rc != 0)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    if (o.explain && (o.patient || o.site || o.clinician))
        return cli_usage_error("check", "--explain takes the patient itself; drop the filters");
    struct site *s = site_open(cli, SITE_HOST, "check");
    if (!s)
        return EXIT_FAIL;
    day_t as_of;
    if ((rc = site_as_of(s->host, "check", o.as_of, &as_of)) != 0) {
        site_close(s);
        return rc;
    }
    struct eval *e = eval_new(s->host, s->store);
    if (!e) {
        site_close(s);
        return EXIT_FAIL;
    }
    int status = EXIT_OK;
    if (o.check) {
        bool known = false;
        lua_State *L = s->host->L;
        host_push_entry(s->host, REG_CHECKS, o.check);
        known = !lua_isnil(L, -1);
        lua_pop(L, 1);
        if (!known) {
            status = cli_fail("no check '%s' is registered (see 'sixbb plugins')", o.check);
            goto done;
        }
    }
    struct eval_filter f = {.site = o.site,
                            .clinician = o.clinician,
                            .patient = o.explain ? o.explain : o.patient,
                            .check = o.check};
    struct eval_result r;
    struct check_explain x;
    bool store_it = !o.site && !o.clinician && !o.patient && !o.check && !o.explain;
    if ((store_it ? eval_run_stored(e, as_of, &f, &r)
                  : eval_run(e, as_of, &f, &r, o.explain ? &x : NULL)) != 0) {
        eval_result_free(&r);
        if (o.explain)
            check_explain_free(&x);
        status = EXIT_FAIL;
        goto done;
    }
    if (o.explain) {
        if (x.found)
            print_explain(stdout, &x);
        if (r.patients == 0)
            status = cli_fail("no patient '%s' in this site", o.explain);
        check_explain_free(&x);
        eval_result_free(&r);
        goto done;
    }
    if ((o.patient || o.site || o.clinician) && r.patients == 0)
        fprintf(stderr, "sixbb: no patients match the filters\n");
    /* Clinicians first (their patients, then their own clinician-level gaps), sites last. */
    eval_gaps_sort(r.gaps, r.ngaps, GAP_ORDER_SITES_LAST);
    if (status == EXIT_OK) {
        if (o.json)
            print_json(&r, e, store_it);
        else
            print_text(&r, store_it);
    }
    eval_result_free(&r);
done:
    eval_free(e);
    site_close(s);
    return status;
}
