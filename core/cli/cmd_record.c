/* sixbb record: what staff record by hand (an event, an assessment, an appointment, a
 * diagnosis), checked by the same rules as an import and written with an audit entry. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "import.h"
#include "import_host.h"
#include "json.h"
#include "site.h"
#include "util.h"

static const char record_usage[] =
    "usage: sixbb [-C DIR] record EVENT-TYPE --patient ID [--date D] [--result R]\n"
    "                            [--clinician C] [--note N]\n"
    "       sixbb [-C DIR] record assessment --patient ID --instrument I [--items \"6;7;5\"]\n"
    "                            [--score S] [--date D]\n"
    "       sixbb [-C DIR] record appointment --id A --patient ID [--date D] [--time HH:MM]\n"
    "                            [--clinician C] [--type T] [--status S]\n"
    "       sixbb [-C DIR] record diagnosis --patient ID --code C [--date D] [--end-date D]\n"
    "\n"
    "EVENT-TYPE is pdmp_check, udt, agreement, naloxone, education, referral_bh, referral_oud,\n"
    "moud, care_plan, taper_plan, overdose or early_refill. --date defaults to today in the\n"
    "site's time zone. The same checks as 'sixbb import' apply; on any error nothing is written.\n"
    "Recording the same thing twice (same patient, type or instrument or code, and date; same\n"
    "appointment id) updates it rather than adding a second record; options left out keep what\n"
    "is stored (an assessment's score follows its items). Every write is audited.\n"
    "Assessment items are scored by the plugin that registers the instrument, when one does.\n"
    "\n"
    "Options:\n"
    "  --dry-run     check and report, write nothing\n"
    "  --json        print the outcome as a JSON object\n"
    "  -h, --help    show this help\n";

/* One option: the canonical column it fills and the kinds it applies to. */
struct field_opt {
    const char *option, *column;
    unsigned kinds; /* bit per import_kind */
    const char *value;
};

#define K(k) (1u << (k))

static int parse_fields(int argc, char **argv, struct field_opt *f, size_t nf, bool *dry_run,
                        bool *json, char ***pos, int *npos)
{
    struct opt opts[24];
    size_t n = 0;
    for (size_t i = 0; i < nf; i++)
        opts[n++] = (struct opt){f[i].option, 0, OPT_VALUE, &f[i].value};
    opts[n++] = (struct opt){"dry-run", 0, OPT_FLAG, dry_run};
    opts[n++] = (struct opt){"json", 0, OPT_FLAG, json};
    opts[n] = (struct opt){NULL, 0, 0, NULL};
    return cli_parse(argc, argv, opts, record_usage, pos, npos);
}

static int kind_of(const char *type, bool *is_event)
{
    static const char *const events[] = {
        "pdmp_check",   "udt",  "agreement", "naloxone",   "education", "referral_bh",
        "referral_oud", "moud", "care_plan", "taper_plan", "overdose",  "early_refill"};
    *is_event = false;
    for (size_t i = 0; i < ARRAY_LEN(events); i++)
        if (strcmp(type, events[i]) == 0)
            return *is_event = true, KIND_EVENTS;
    if (strcmp(type, "assessment") == 0)
        return KIND_ASSESSMENTS;
    if (strcmp(type, "appointment") == 0)
        return KIND_APPOINTMENTS;
    if (strcmp(type, "diagnosis") == 0)
        return KIND_DIAGNOSES;
    return -1;
}

static void print_outcome(const struct importer *imp, enum import_kind k, const char *type,
                          bool dry_run, bool json)
{
    const struct import_counts *c = importer_counts(imp, k);
    const char *what = c->inserted ? "inserted" : c->updated ? "updated" : "unchanged";
    if (json) {
        cJSON *o = import_summary_json(imp, dry_run);
        cJSON_AddStringToObject(o, "outcome", what);
        json_print(o);
        return;
    }
    printf("%s %s%s\n", type, what, dry_run ? " (dry run: nothing written)" : "");
    for (int i = 0; i < c->ndq; i++)
        printf("flagged: %s\n", c->dq[i].name);
}

static int record(struct site *s, enum import_kind k, const char *type, bool is_event,
                  struct field_opt *f, size_t nf, bool dry_run, bool json)
{
    struct import_options o = {0};
    o.as_of = date_today(host_config_string(s->host, "timezone"));
    o.dry_run = dry_run;
    o.config_dir = paths_data_dir("config");
    o.audit_action = "record";
    struct import_config cfg;
    struct import_scorer scorer;
    import_host_config(s->host, &cfg);
    import_host_scorer(s->host, &scorer);
    o.config = &cfg;
    o.scorer = &scorer;
    char today[11], *labels_buf[16];
    date_format(o.as_of, today);
    const char *cols[16], *vals[16], *labels[16];
    size_t n = 0;
    for (size_t i = 0; i < nf; i++) {
        if (!(f[i].kinds & K(k)))
            continue;
        cols[n] = f[i].column;
        vals[n] = f[i].value;
        if (!vals[n] && strcmp(f[i].column, "date") == 0)
            vals[n] = today;
        labels_buf[n] = xasprintf("--%s", f[i].option);
        labels[n] = labels_buf[n];
        n++;
    }
    if (is_event) {
        cols[n] = "type", vals[n] = type, labels_buf[n] = xstrdup("type");
        labels[n] = labels_buf[n];
        n++;
    }
    struct importer *imp = importer_new(s->store, &o);
    int rc = importer_begin(imp) == 0 ? EXIT_OK : EXIT_FAIL;
    if (rc == EXIT_OK)
        importer_values(imp, k, cols, vals, labels, n);
    if (importer_finish(imp) != 0)
        rc = EXIT_FAIL;
    const char *const *msgs;
    size_t nmsg = importer_errors(imp, &msgs);
    for (size_t i = 0; i < nmsg; i++)
        fprintf(stderr, "sixbb: %s\n", msgs[i]);
    if (rc == EXIT_OK)
        print_outcome(imp, k, type, dry_run, json);
    else if (json)
        json_print(import_summary_json(imp, dry_run));
    importer_free(imp);
    import_config_free(&cfg);
    for (size_t i = 0; i < n; i++)
        free(labels_buf[i]);
    return rc;
}

static int check_applicable(const char *type, enum import_kind k, const struct field_opt *f,
                            size_t nf)
{
    for (size_t i = 0; i < nf; i++)
        if (f[i].value && !(f[i].kinds & K(k)))
            return cli_usage_error("record", "--%s does not apply to %s", f[i].option, type);
    return 0;
}

int cmd_record(struct cli *cli, int argc, char **argv)
{
    const unsigned EV = K(KIND_EVENTS), AS = K(KIND_ASSESSMENTS), AP = K(KIND_APPOINTMENTS),
                   DX = K(KIND_DIAGNOSES);
    struct field_opt f[] = {
        {"patient", "patient_id", EV | AS | AP | DX, NULL},
        {"date", "date", EV | AS | AP | DX, NULL},
        {"result", "result", EV, NULL},
        {"clinician", "clinician_id", EV | AP, NULL},
        {"note", "note", EV, NULL},
        {"instrument", "instrument", AS, NULL},
        {"items", "items", AS, NULL},
        {"score", "score", AS, NULL},
        {"id", "appointment_id", AP, NULL},
        {"time", "time", AP, NULL},
        {"type", "type", AP, NULL},
        {"status", "status", AP, NULL},
        {"code", "code", DX, NULL},
        {"end-date", "end_date", DX, NULL},
    };
    bool dry_run = false, json = false, is_event;
    char **pos = NULL;
    int npos = 0;
    int rc = parse_fields(argc, argv, f, ARRAY_LEN(f), &dry_run, &json, &pos, &npos);
    if (rc != 0)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    const char *type = npos == 1 ? pos[0] : NULL;
    free(pos);
    int k = type ? kind_of(type, &is_event) : -1;
    if (k < 0)
        return cli_usage_error("record", "expected one of: an event type (pdmp_check, udt, "
                                         "agreement, naloxone, education, referral_bh, "
                                         "referral_oud, moud, care_plan, taper_plan, overdose, "
                                         "early_refill), assessment, appointment, diagnosis");
    if ((rc = check_applicable(type, (enum import_kind)k, f, ARRAY_LEN(f))) != 0)
        return rc;
    struct site *s = site_open(cli, SITE_HOST, "record");
    if (!s)
        return EXIT_FAIL;
    rc = record(s, (enum import_kind)k, type, is_event, f, ARRAY_LEN(f), dry_run, json);
    site_close(s);
    return rc;
}
