/* sixbb med: the MED calculator. Prescriptions come from the command line (each drug text,
 * --ndc or --rxnorm starts one; the options after it describe it) or from a CSV file; all are
 * taken as concurrent and summed. Works with or without a site. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "host.h"
#include "commands.h"
#include "med.h"
#include "site.h"
#include "med_internal.h"
#include "util.h"

static const char usage_text[] =
    "usage: sixbb med [OPTIONS] PRESCRIPTION [PRESCRIPTION...]\n"
    "       sixbb med [OPTIONS] --csv FILE\n"
    "\n"
    "Works out the morphine-equivalent dose (MED, also called MME) of prescriptions taken\n"
    "together and shows the arithmetic behind every number.\n"
    "\n"
    "A prescription begins with a drug description (\"oxycodone 10 mg tablet\"), --ndc CODE or\n"
    "--rxnorm CODE. The options that follow it, up to the next prescription, describe it:\n"
    "  --qty N            quantity dispensed (tablets, mL of a liquid, patches, actuations)\n"
    "  --days N           days supply\n"
    "  --dose N           units taken each time; a range such as 1-2 counts as its maximum\n"
    "  --per-day N        times a day: 4, 3-4, q6h, q4-6h, bid, tid, qid, daily, q72h\n"
    "  --prn              taken as needed (the maximum dose is counted)\n"
    "  --strength N       strength per unit, instead of the one in the description\n"
    "  --unit U           unit of --strength: mg, mcg, mcg/hr, mg/mL, mg/5 mL, mcg/actuation\n"
    "  --form F           tablet, capsule, liquid, patch, buccal tablet, film, nasal spray ...\n"
    "With both --qty/--days and --dose/--per-day, the dispensed amounts decide and a sig that\n"
    "differs by more than 25 % is flagged. With neither, one unit a day is assumed and flagged.\n"
    "\n"
    "Options:\n"
    "  --csv FILE         read prescriptions from a CSV file with a header row ('-' for standard\n"
    "                     input). Columns, in any order and case: drug, ndc, rxnorm, strength,\n"
    "                     strength_unit, form, quantity, days_supply, dose, doses_per_day, prn\n"
    "  --standard NAME    conversion standard: cdc2022 (default), cdc2016, cdc-analytic-2018\n"
    "  --standard-file F  a conversion standard in a JSON file\n"
    "  --json             print JSON instead of text\n"
    "  -h, --help         show this help\n"
    "\n"
    "All prescriptions count as taken at the same time: the total is their sum, and under a\n"
    "standard with methadone tiers the tier comes from the summed daily methadone.\n"
    "\n"
    "Exit status: 0 when every prescription was worked out (a benzodiazepine or a buprenorphine\n"
    "product has no MED and still counts as worked out); 1 when at least one could not be (the\n"
    "total leaves it out and says so) or a file cannot be read; 2 for a usage error.\n"
    "\n"
    "Examples:\n"
    "  sixbb med \"oxycodone 10 mg tablet\" --qty 120 --days 30\n"
    "  sixbb med \"hydromorphone 2 mg\" --dose 1 --per-day q4h --standard cdc2016\n"
    "  sixbb med \"fentanyl 75 mcg/hr patch\" \"Percocet 5/325\" --dose 1-2 --per-day 4 --prn\n"
    "  sixbb med --csv prescriptions.csv --json\n";

/* One prescription as read from argv or a CSV row; strings are borrowed or owned by the row. */
struct rx {
    struct med_input in;
    char *owned[11]; /* CSV cells kept alive for `in` */
    long line;       /* CSV line, 0 on the command line */
    char label[96];
    char error[MED_ERROR_MAX]; /* a problem found while reading the row */
};

struct rxlist {
    struct rx *v;
    size_t n, cap;
};

static struct rx *rx_new(struct rxlist *l)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    struct rx *r = &l->v[l->n++];
    memset(r, 0, sizeof *r);
    r->in = med_input_empty();
    return r;
}

static void rxlist_free(struct rxlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        for (size_t k = 0; k < ARRAY_LEN(l->v[i].owned); k++)
            free(l->v[i].owned[k]);
    free(l->v);
}

/* The standard for the calculator: --standard, else $SIXBB_MED_STANDARD, else the configured
 * one: the site's when run in a site (its own standards/<name>.json first), else the default of
 * config/defaults.lua, which is the only place the default is written. NULL after printing why
 * the configuration cannot be read. */
const char *cmd_med_standard_name(struct cli *cli, const char *option)
{
    static char chosen[4096];
    if (option)
        return option;
    const char *env = getenv("SIXBB_MED_STANDARD");
    if (env && *env)
        return env;
    bool want_site = cli->site_flag || (getenv("SIXBB_HOME") && *getenv("SIXBB_HOME"));
    bool in_site = (want_site || path_exists("sixbb.db")) && cli_find_site(cli) == 0;
    char *why = NULL;
    struct host *h = site_config_load(in_site ? cli->site_dir : NULL, &why);
    const char *name = h ? host_config_string(h, "standard") : NULL;
    if (!name) {
        cli_fail("%s", why ? why : "the configuration names no MED standard");
        free(why);
        host_free(h);
        return NULL;
    }
    snprintf(chosen, sizeof chosen, "%s", name);
    host_free(h);
    if (!in_site)
        return chosen;
    char *own = xasprintf("%s/standards/%s.json", cli->site_dir, chosen);
    if (path_exists(own))
        snprintf(chosen, sizeof chosen, "%s", own);
    free(own);
    return chosen;
}

/* ---------------------------------------------------------------- command line */

struct opts {
    const char *csv, *standard, *standard_file;
    bool json;
};

static bool parse_num_opt(const char *cmd, const char *name, const char *v, double *out, int *rc)
{
    if (med_parse_number(v, out) < 0) {
        *rc = cli_usage_error(cmd, "--%s needs a number, not '%s'", name, v);
        return false;
    }
    return true;
}

/* Applies a per-prescription option to the current prescription. */
static int rx_option(const char *cmd, struct rx *r, const char *name, const char *v)
{
    int rc = 0;
    struct med_input *in = &r->in;
    if (!strcmp(name, "qty") || !strcmp(name, "quantity"))
        parse_num_opt(cmd, name, v, &in->quantity, &rc);
    else if (!strcmp(name, "days"))
        parse_num_opt(cmd, name, v, &in->days_supply, &rc);
    else if (!strcmp(name, "strength"))
        parse_num_opt(cmd, name, v, &in->strength, &rc);
    else if (!strcmp(name, "dose"))
        in->dose = v;
    else if (!strcmp(name, "per-day"))
        in->doses_per_day = v;
    else if (!strcmp(name, "unit"))
        in->strength_unit = v;
    else if (!strcmp(name, "form"))
        in->form = v;
    return rc;
}

static bool is_rx_option(const char *name)
{
    static const char *const names[] = {"qty", "quantity", "days", "strength", "dose",
                                        "per-day", "unit", "form", NULL};
    for (const char *const *p = names; *p; p++)
        if (!strcmp(*p, name))
            return true;
    return false;
}

static const char **global_slot(struct opts *o, const char *name)
{
    if (!strcmp(name, "csv"))
        return &o->csv;
    if (!strcmp(name, "standard"))
        return &o->standard;
    if (!strcmp(name, "standard-file"))
        return &o->standard_file;
    return NULL;
}

static struct rx *start_rx(struct rxlist *l, const char *kind, const char *v)
{
    struct rx *r = rx_new(l);
    if (!strcmp(kind, "ndc"))
        r->in.ndc = v;
    else if (!strcmp(kind, "rxnorm"))
        r->in.rxnorm = v;
    else
        r->in.drug = v;
    snprintf(r->label, sizeof r->label, "%s%s%s", strcmp(kind, "drug") ? kind : "",
             strcmp(kind, "drug") ? " " : "", v);
    return r;
}

/* Handles one "--name[=value]" argument; advances *i past a separate value. */
static int one_option(const char *cmd, int argc, char **argv, int *i, struct opts *o,
                      struct rxlist *l)
{
    char name[32];
    const char *a = argv[*i] + 2, *eq = strchr(a, '=');
    size_t len = eq ? (size_t)(eq - a) : strlen(a);
    snprintf(name, sizeof name, "%.*s", (int)(len < 31 ? len : 31), a);
    if (!strcmp(name, "json") || !strcmp(name, "prn")) {
        if (eq)
            return cli_usage_error(cmd, "--%s takes no value", name);
        if (!strcmp(name, "json"))
            o->json = true;
        else if (l->n == 0)
            return cli_usage_error(cmd, "--prn must follow a drug, --ndc or --rxnorm");
        else
            l->v[l->n - 1].in.prn = true;
        return 0;
    }
    bool rxopt = is_rx_option(name);
    const char **slot = global_slot(o, name);
    bool starts = !strcmp(name, "ndc") || !strcmp(name, "rxnorm");
    if (!rxopt && !slot && !starts)
        return cli_usage_error(cmd, "unknown option --%s", name);
    const char *v = eq ? eq + 1 : NULL;
    if (!v) {
        if (*i + 1 >= argc)
            return cli_usage_error(cmd, "--%s needs a value", name);
        v = argv[++*i];
    }
    if (slot) {
        *slot = v;
        return 0;
    }
    if (starts) {
        start_rx(l, name, v);
        return 0;
    }
    if (l->n == 0)
        return cli_usage_error(cmd, "--%s must follow a drug, --ndc or --rxnorm", name);
    return rx_option(cmd, &l->v[l->n - 1], name, v);
}

/* 1 for --help, -1 after a usage error (printed), 0 otherwise. */
static int parse_args(int argc, char **argv, struct opts *o, struct rxlist *l, int *rc)
{
    const char *cmd = argv[0];
    bool only_pos = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!only_pos && (!strcmp(a, "--help") || !strcmp(a, "-h"))) {
            fputs(usage_text, stdout);
            return 1;
        }
        if (!only_pos && !strcmp(a, "--")) {
            only_pos = true;
        } else if (!only_pos && a[0] == '-' && a[1] == '-' && a[2]) {
            if ((*rc = one_option(cmd, argc, argv, &i, o, l)) != 0)
                return -1;
        } else if (!only_pos && a[0] == '-' && a[1]) {
            *rc = cli_usage_error(cmd, "unknown option %s", a);
            return -1;
        } else {
            start_rx(l, "drug", a);
        }
    }
    return 0;
}

/* ---------------------------------------------------------------- CSV batch */

enum { C_DRUG, C_NDC, C_RXNORM, C_STRENGTH, C_UNIT, C_FORM, C_QTY, C_DAYS, C_DOSE, C_PERDAY,
       C_PRN, C_N };
static const char *const csv_cols[C_N] = {"drug",     "ndc",          "rxnorm",   "strength",
                                          "strength_unit", "form",    "quantity", "days_supply",
                                          "dose",     "doses_per_day", "prn"};

struct batch {
    struct rxlist *l;
    int col[C_N];
    bool header;
};

static bool cell_blank(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return !*s;
}

static void cell_number(struct rx *r, const char *name, const char *s, double *out)
{
    if (cell_blank(s) || r->error[0])
        return;
    if (med_parse_number(s, out) < 0)
        snprintf(r->error, sizeof r->error, "%s '%.40s' is not a number", name, s);
}

static void cell_prn(struct rx *r, const char *s)
{
    static const char *const yes[] = {"1", "true", "yes", "y", "prn", NULL};
    static const char *const no[] = {"0", "false", "no", "n", NULL};
    if (cell_blank(s))
        return;
    for (const char *const *p = yes; *p; p++)
        if (streq_nocase(s, *p)) {
            r->in.prn = true;
            return;
        }
    for (const char *const *p = no; *p; p++)
        if (streq_nocase(s, *p))
            return;
    if (!r->error[0])
        snprintf(r->error, sizeof r->error, "prn '%.40s' is not yes or no", s);
}

static int batch_header(struct batch *b, char **f, size_t n)
{
    for (int i = 0; i < C_N; i++)
        b->col[i] = med_csv_column(f, n, csv_cols[i]);
    if (b->col[C_DRUG] < 0 && b->col[C_NDC] < 0 && b->col[C_RXNORM] < 0)
        return 2; /* reported by the caller */
    b->header = true;
    return 0;
}

static int batch_row(void *ctx, char **f, size_t n, long line)
{
    struct batch *b = ctx;
    if (!b->header)
        return batch_header(b, f, n);
    bool empty = true;
    for (size_t i = 0; i < n; i++)
        empty = empty && cell_blank(f[i]);
    if (empty)
        return 0;
    struct rx *r = rx_new(b->l);
    r->line = line;
    const char **str[C_N] = {&r->in.drug, &r->in.ndc,  &r->in.rxnorm, NULL, &r->in.strength_unit,
                             &r->in.form, NULL,        NULL,          &r->in.dose,
                             &r->in.doses_per_day, NULL};
    for (int i = 0; i < C_N; i++) {
        int c = b->col[i];
        if (c < 0 || (size_t)c >= n)
            continue;
        r->owned[i] = xstrdup(f[c]);
        if (str[i] && !cell_blank(f[c]))
            *str[i] = r->owned[i];
    }
    const char *cell[C_N];
    for (int i = 0; i < C_N; i++)
        cell[i] = r->owned[i] ? r->owned[i] : "";
    cell_number(r, "strength", cell[C_STRENGTH], &r->in.strength);
    cell_number(r, "quantity", cell[C_QTY], &r->in.quantity);
    cell_number(r, "days_supply", cell[C_DAYS], &r->in.days_supply);
    cell_prn(r, cell[C_PRN]);
    snprintf(r->label, sizeof r->label, "%s", r->in.drug ? r->in.drug
                                             : r->in.ndc  ? r->in.ndc
                                             : r->in.rxnorm ? r->in.rxnorm
                                                            : "");
    return 0;
}

static char *read_input(const char *path, size_t *len)
{
    if (strcmp(path, "-") != 0)
        return read_file(path, len);
    struct buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
        buf_append(&b, chunk, n);
    if (ferror(stdin)) {
        buf_free(&b);
        errno = EIO;
        return NULL;
    }
    if (!b.data)
        b.data = xcalloc(1, 1);
    *len = b.len;
    return b.data;
}

static int read_batch(const char *path, struct rxlist *l)
{
    size_t len = 0;
    char *data = read_input(path, &len);
    if (!data)
        return cli_fail("cannot read %s: %s", strcmp(path, "-") ? path : "standard input",
                        strerror(errno));
    struct batch b = {.l = l};
    char err[256] = "";
    int rc = med_csv_read(data, len, batch_row, &b, err, sizeof err);
    free(data);
    const char *name = strcmp(path, "-") ? path : "standard input";
    if (rc == 2)
        return cli_fail("%s: the header row needs a drug, ndc or rxnorm column", name);
    if (rc != 0)
        return cli_fail("%s: %s", name, err);
    if (!b.header)
        return cli_fail("%s: empty file: expected a header row", name);
    return 0;
}

/* ---------------------------------------------------------------- output */

static void number_text(double v, char *buf, size_t n, bool one_decimal)
{
    if (one_decimal) {
        snprintf(buf, n, "%.1f", v);
        return;
    }
    snprintf(buf, n, "%.4f", v);
    char *e = buf + strlen(buf) - 1;
    while (*e == '0' && e[-1] != '.')
        *e-- = 0;
}

static cJSON *json_number(double v, bool one_decimal)
{
    char buf[48];
    if (isnan(v))
        return cJSON_CreateNull();
    number_text(v, buf, sizeof buf, one_decimal);
    return cJSON_CreateRaw(buf);
}

static cJSON *json_row(const struct rx *x, const struct med_result *r)
{
    cJSON *o = cJSON_CreateObject();
    char ar[512];
    if (x->line)
        cJSON_AddNumberToObject(o, "line", (double)x->line);
    cJSON_AddStringToObject(o, "input", x->label);
    cJSON_AddStringToObject(o, "status", med_status_name(r->status));
    cJSON_AddItemToObject(o, "med", json_number(r->status == MED_OK ? r->med : NAN, true));
    if (r->product.ingredient[0])
        cJSON_AddStringToObject(o, "ingredient", r->product.ingredient);
    else
        cJSON_AddNullToObject(o, "ingredient");
    cJSON_AddStringToObject(o, "class", med_class_name(r->product.cls));
    bool ok = r->status == MED_OK;
    cJSON_AddItemToObject(o, "daily_dose", json_number(ok ? r->daily_dose : NAN, false));
    cJSON_AddStringToObject(o, "unit", med_result_unit(r));
    cJSON_AddItemToObject(o, "factor", json_number(ok ? r->factor : NAN, false));
    cJSON_AddStringToObject(o, "method", med_method_name(r->method));
    cJSON *flags = cJSON_AddArrayToObject(o, "flags");
    for (unsigned i = 0; i < MED_FLAG_COUNT; i++)
        if (r->flags & (1u << i))
            cJSON_AddItemToArray(flags, cJSON_CreateString(med_flag_name(i)));
    cJSON_AddStringToObject(o, "arithmetic", med_result_arithmetic(r, ar, sizeof ar));
    if (r->status == MED_ERROR)
        cJSON_AddStringToObject(o, "error", r->error);
    else
        cJSON_AddNullToObject(o, "error");
    if (r->status == MED_EXCLUDED || r->status == MED_NOT_OPIOID)
        cJSON_AddStringToObject(o, "note", r->error);
    return o;
}

struct tally {
    double total;
    size_t bad, excluded, not_opioid;
};

static void print_json(const struct med_standard *std, const struct rxlist *l,
                       const struct med_result *res, const struct tally *t)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "standard", med_standard_name(std));
    cJSON_AddStringToObject(root, "standard_version", med_standard_version(std));
    cJSON_AddItemToObject(root, "total", json_number(t->total, true));
    cJSON_AddNumberToObject(root, "not_computable", (double)t->bad);
    cJSON_AddNumberToObject(root, "excluded", (double)t->excluded);
    cJSON_AddNumberToObject(root, "not_opioid", (double)t->not_opioid);
    cJSON *rows = cJSON_AddArrayToObject(root, "rows");
    for (size_t i = 0; i < l->n; i++)
        cJSON_AddItemToArray(rows, json_row(&l->v[i], &res[i]));
    char *s = cJSON_Print(root);
    puts(s);
    free(s);
    cJSON_Delete(root);
}

static void print_row_text(const struct rx *x, size_t i, const struct med_result *r)
{
    char where[32], ar[512], a[48], b[48], fl[512];
    if (x->line)
        snprintf(where, sizeof where, "line %ld", x->line);
    else
        snprintf(where, sizeof where, "#%zu", i + 1);
    printf("%s  %s\n", where, x->label);
    if (r->status == MED_OK) {
        number_text(r->daily_dose, a, sizeof a, false);
        number_text(r->factor, b, sizeof b, false);
        printf("    %s  daily %s %s  factor %s  MED %.1f  %s", r->product.ingredient, a,
               med_result_unit(r), b, r->med, med_method_name(r->method));
        med_flags_format(r->flags, fl, sizeof fl);
        printf("%s%s\n", fl[0] ? "  flags: " : "", fl);
        printf("    %s\n", med_result_arithmetic(r, ar, sizeof ar));
    } else if (r->status == MED_ERROR) {
        printf("    not computable: %s\n", r->error);
    } else {
        printf("    no MED: %s\n", r->error);
    }
}

static void print_text(const struct med_standard *std, const struct rxlist *l,
                       const struct med_result *res, const struct tally *t)
{
    for (size_t i = 0; i < l->n; i++)
        print_row_text(&l->v[i], i, &res[i]);
    printf("Total MED %.1f (standard %s, version %s)\n", t->total, med_standard_name(std),
           med_standard_version(std));
    if (t->bad)
        printf("%zu of %zu prescription%s not computable and left out of the total\n", t->bad,
               l->n, l->n == 1 ? "" : "s");
}

/* ---------------------------------------------------------------- running */

static struct med_standard *pick_standard(struct cli *cli, const struct opts *o,
                                          const char *config)
{
    char err[512];
    const char *name = o->standard_file ? o->standard_file : cmd_med_standard_name(cli, o->standard);
    if (!name)
        return NULL;
    /* A name with a slash is a file: --standard-file, or a site's own standards/<name>.json. */
    struct med_standard *s = strchr(name, '/') ? med_standard_load(name, err, sizeof err)
                                               : med_standard_load_named(config, name, err,
                                                                         sizeof err);
    if (!s)
        cli_fail("%s", err);
    return s;
}

static void compute_all(const struct med_db *db, const struct med_standard *std,
                        struct rxlist *l, struct med_result *res, struct tally *t)
{
    for (size_t i = 0; i < l->n; i++) {
        struct rx *x = &l->v[i];
        med_compute(db, std, &x->in, &res[i]);
        if (x->error[0]) {
            res[i].status = MED_ERROR;
            res[i].med = NAN;
            snprintf(res[i].error, sizeof res[i].error, "%s", x->error);
        }
    }
    t->total = med_combine(std, res, l->n, &t->bad);
    for (size_t i = 0; i < l->n; i++) {
        t->excluded += res[i].status == MED_EXCLUDED;
        t->not_opioid += res[i].status == MED_NOT_OPIOID;
    }
}

static int run(struct cli *cli, const struct opts *o, struct rxlist *l)
{
    const char *config = paths_data_dir("config");
    struct med_standard *std = pick_standard(cli, o, config);
    if (!std)
        return EXIT_FAIL;
    char err[512];
    struct med_db *db = med_db_open(config, err, sizeof err);
    if (!db) {
        med_standard_free(std);
        return cli_fail("%s", err);
    }
    struct med_result *res = xcalloc(l->n ? l->n : 1, sizeof *res);
    struct tally t = {0};
    compute_all(db, std, l, res, &t);
    if (o->json)
        print_json(std, l, res, &t);
    else
        print_text(std, l, res, &t);
    free(res);
    med_db_free(db);
    med_standard_free(std);
    return t.bad ? EXIT_FAIL : EXIT_OK;
}

int cmd_med(struct cli *cli, int argc, char **argv)
{
    struct opts o = {0};
    struct rxlist l = {0};
    int rc = 0;
    int p = parse_args(argc, argv, &o, &l, &rc);
    if (p == 0 && o.standard && o.standard_file)
        rc = cli_usage_error(argv[0], "give --standard or --standard-file, not both"), p = -1;
    if (p == 0 && o.csv && l.n)
        rc = cli_usage_error(argv[0], "give prescriptions on the command line or --csv, not both"),
        p = -1;
    if (p == 0 && o.csv && (rc = read_batch(o.csv, &l)) != 0)
        p = -1;
    if (p == 0 && l.n == 0 && !o.csv)
        rc = cli_usage_error(argv[0], "no prescription given"), p = -1;
    if (p == 0)
        rc = run(cli, &o, &l);
    rxlist_free(&l);
    return p == 1 ? EXIT_OK : rc;
}
