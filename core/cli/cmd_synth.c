/* sixbb synth: generate a synthetic organisation as canonical CSV extracts. */
#include <cJSON.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "commands.h"
#include "synth.h"
#include "util.h"

static const char usage[] =
    "usage: sixbb synth --out DIR [--patients N] [--seed S] [--as-of YYYY-MM-DD] [--sites K]\n"
    "                   [--no-noise] [--force] [--json]\n"
    "\n"
    "Generates an invented clinic organisation - sites, clinicians, patients, and two years of\n"
    "fills, events, assessments, appointments and diagnoses - as the canonical CSV files that\n"
    "'sixbb import' reads. Nothing in it describes a real person. The same seed and as-of date\n"
    "always produce the same bytes, so the files can serve as test fixtures and benchmarks.\n"
    "\n"
    "Options:\n"
    "  --out DIR       write the eight CSV files into DIR (created when missing)\n"
    "  --patients N    number of patients (default 500, at most 1000000)\n"
    "  --seed S        seed of the generator, a whole number (default 1)\n"
    "  --as-of DATE    last day of the history (default: today); the appointment book covers\n"
    "                  this day and the two weeks after it\n"
    "  --sites K       number of sites (default: 3, or one per 2,000 patients, at most 12)\n"
    "  --no-noise      leave out the deliberate data-quality problems real extracts have\n"
    "                  (unknown and misspelled products, missing days supply, a patient with\n"
    "                  no clinician, diagnosis codes without their dot)\n"
    "  --force         replace CSV files already in DIR\n"
    "  --json          print the summary as a JSON object\n"
    "  -h, --help      show this help\n"
    "\n"
    "Each file is written under a temporary name and moved into place only when all eight are\n"
    "complete, so an interrupted run leaves no half-written file behind.\n";

/* Strict decimal parse into [lo, hi]. */
static int parse_int(const char *s, long lo, long hi, long *out)
{
    char *end;
    if (!s || !*s || *s == '+' || *s == ' ')
        return -1;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int parse_seed(const char *s, uint64_t *out)
{
    char *end;
    if (!s || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = (uint64_t)v;
    return 0;
}

/* mkdir -p, mode 0755 for the directories it creates. */
static int make_dirs(const char *path)
{
    char *p = xstrdup(path);
    int rc = 0;
    for (char *c = p + 1; *c && rc == 0; c++) {
        if (*c != '/')
            continue;
        *c = 0;
        if (mkdir(p, 0755) != 0 && errno != EEXIST)
            rc = -1;
        *c = '/';
    }
    if (rc == 0 && mkdir(p, 0755) != 0 && errno != EEXIST)
        rc = -1;
    if (rc == 0 && !is_dir(p)) {
        errno = ENOTDIR;
        rc = -1;
    }
    free(p);
    return rc;
}

static const char *existing_csv(const char *dir)
{
    for (int f = 0; f < SYNTH_NFILES; f++) {
        char *path = path_join(dir, synth_file_name((enum synth_file)f));
        bool there = path_exists(path);
        free(path);
        if (there)
            return synth_file_name((enum synth_file)f);
    }
    return NULL;
}

static void show_progress(void *ctx, int done, int total)
{
    (void)ctx;
    if (done < total)
        fprintf(stderr, "\rsynth: %d of %d patients", done, total);
    else
        fputs("\r\033[K", stderr);
}

static void print_text(const struct synth_opts *o, const struct synth_result *res)
{
    char day[11];
    long total = 0;
    printf("Wrote a synthetic organisation to %s (seed %llu, as of %s, noise %s):\n", o->out_dir,
           (unsigned long long)o->seed, date_format(o->as_of, day), o->noise ? "on" : "off");
    printf("  %d sites, %d clinicians, %d patients\n", res->sites, res->clinicians, o->patients);
    for (int f = 0; f < SYNTH_NFILES; f++) {
        printf("  %-20s %10ld rows\n", synth_file_name((enum synth_file)f), res->rows[f]);
        total += res->rows[f];
    }
    printf("  %-20s %10ld rows\n", "total", total);
}

static void print_json(const struct synth_opts *o, const struct synth_result *res)
{
    char day[11], seed[24];
    long total = 0;
    cJSON *root = cJSON_CreateObject(), *rows = cJSON_CreateObject();
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)o->seed);
    cJSON_AddStringToObject(root, "out", o->out_dir);
    cJSON_AddRawToObject(root, "seed", seed); /* exact even beyond 2^53 */
    cJSON_AddStringToObject(root, "as_of", date_format(o->as_of, day));
    cJSON_AddNumberToObject(root, "patients", o->patients);
    cJSON_AddNumberToObject(root, "sites", res->sites);
    cJSON_AddNumberToObject(root, "clinicians", res->clinicians);
    cJSON_AddBoolToObject(root, "noise", o->noise);
    for (int f = 0; f < SYNTH_NFILES; f++) {
        cJSON_AddNumberToObject(rows, synth_file_name((enum synth_file)f), (double)res->rows[f]);
        total += res->rows[f];
    }
    cJSON_AddItemToObject(root, "rows", rows);
    cJSON_AddNumberToObject(root, "total_rows", (double)total);
    char *text = cJSON_Print(root);
    puts(text);
    free(text);
    cJSON_Delete(root);
}

struct synth_args {
    const char *out, *patients, *seed, *as_of, *sites;
    bool no_noise, force, json;
};

static int check_args(const struct synth_args *a, struct synth_opts *o)
{
    long v;
    if (!a->out || !*a->out)
        return cli_usage_error("synth", "--out DIR is required");
    o->out_dir = a->out;
    o->patients = 500;
    if (a->patients) {
        if (parse_int(a->patients, 1, SYNTH_MAX_PATIENTS, &v) < 0)
            return cli_usage_error("synth", "--patients wants a number from 1 to %d, not '%s'",
                                   SYNTH_MAX_PATIENTS, a->patients);
        o->patients = (int)v;
    }
    o->seed = 1;
    if (a->seed && parse_seed(a->seed, &o->seed) < 0)
        return cli_usage_error("synth", "--seed wants a whole number, not '%s'", a->seed);
    o->as_of = date_today(NULL);
    if (a->as_of && date_parse(a->as_of, strlen(a->as_of), &o->as_of) < 0)
        return cli_usage_error("synth", "--as-of wants a date as YYYY-MM-DD, not '%s'", a->as_of);
    o->sites = 0;
    if (a->sites) {
        if (parse_int(a->sites, 1, SYNTH_MAX_SITES, &v) < 0)
            return cli_usage_error("synth", "--sites wants a number from 1 to %d, not '%s'",
                                   SYNTH_MAX_SITES, a->sites);
        o->sites = (int)v;
    }
    o->noise = !a->no_noise;
    return 0;
}

int cmd_synth(struct cli *cli, int argc, char **argv)
{
    (void)cli;
    struct synth_args a = {0};
    const struct opt opts[] = {
        {"out", 'o', OPT_VALUE, &a.out},
        {"patients", 'n', OPT_VALUE, &a.patients},
        {"seed", 0, OPT_VALUE, &a.seed},
        {"as-of", 0, OPT_VALUE, &a.as_of},
        {"sites", 0, OPT_VALUE, &a.sites},
        {"no-noise", 0, OPT_FLAG, &a.no_noise},
        {"force", 'f', OPT_FLAG, &a.force},
        {"json", 0, OPT_FLAG, &a.json},
        {NULL, 0, 0, NULL},
    };
    int rc = cli_parse(argc, argv, opts, usage, NULL, NULL);
    if (rc > 0)
        return EXIT_OK;
    if (rc < 0)
        return EXIT_USAGE;
    struct synth_opts o = {0};
    if ((rc = check_args(&a, &o)) != 0)
        return rc;
    if (make_dirs(o.out_dir) != 0)
        return cli_fail("cannot create %s: %s", o.out_dir, strerror(errno));
    const char *clash = existing_csv(o.out_dir);
    if (clash && !a.force)
        return cli_fail("%s already holds %s; use --force to replace the files", o.out_dir, clash);
    if (cli_progress_enabled())
        o.progress = show_progress;
    struct synth_result res = {0};
    char err[512];
    if (synth_run(&o, &res, err, sizeof err) != 0)
        return cli_fail("%s", err);
    if (a.json)
        print_json(&o, &res);
    else
        print_text(&o, &res);
    return EXIT_OK;
}
