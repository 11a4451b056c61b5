/* sixbb import KIND FILE… | sixbb import DIR: loads canonical CSV extracts in one transaction. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "import.h"
#include "import_host.h"
#include "json.h"
#include "site.h"
#include "util.h"

static const char import_usage[] =
    "usage: sixbb [-C DIR] import KIND FILE [FILE...] [OPTIONS]\n"
    "       sixbb [-C DIR] import FOLDER [OPTIONS]\n"
    "\n"
    "Loads CSV extracts into the registry. KIND is sites, clinicians, patients, prescriptions,\n"
    "events, assessments, appointments or diagnoses. With a FOLDER, every <kind>.csv found in it\n"
    "is loaded, sites first, then clinicians, patients and the rest.\n"
    "\n"
    "Every field is checked. One error anywhere and nothing is written: the errors are listed\n"
    "(the first 20, and how many in all) with file:line:column. Rows are keyed (rx_id,\n"
    "appointment_id, patient+type+date for events …), so loading a file again changes nothing\n"
    "and a changed row updates its record. Prescriptions get their MED under the site's\n"
    "standard; rows with data-quality problems are kept and flagged.\n"
    "\n"
    "Options:\n"
    "  --dry-run         check everything and report what would happen; write nothing\n"
    "  --as-of DATE      judge dates against DATE instead of today in the site's time zone\n"
    "  --json            print the summary as a JSON object\n"
    "  -h, --help        show this help\n"
    "\n"
    "Exit status: 0 imported (or a clean dry run), 1 errors (nothing written), 2 usage error.\n";

struct import_args {
    bool dry_run, json;
    const char *as_of;
};

static int resolve_as_of(struct site *s, const char *opt, day_t *out)
{
    if (opt) {
        if (date_parse(opt, strlen(opt), out) != 0)
            return cli_usage_error("import", "--as-of needs a date as YYYY-MM-DD, not '%s'", opt);
        return 0;
    }
    *out = date_today(host_config_string(s->host, "timezone"));
    return 0;
}

#define BULK_BYTES (16L << 20) /* batches this large switch the journal mode (see import.c) */

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) ? (long)st.st_size : 0;
}

static bool is_bulk(char **pos, int npos)
{
    long total = 0;
    if (npos == 1 && is_dir(pos[0]))
        for (int k = 0; k < KIND_COUNT; k++) {
            char *name = xasprintf("%s.csv", import_kind_name((enum import_kind)k));
            char *path = path_join(pos[0], name);
            total += file_size(path);
            free(name);
            free(path);
        }
    else
        for (int i = 1; i < npos; i++)
            total += file_size(pos[i]);
    return total >= BULK_BYTES;
}

/* Adds every <kind>.csv of a folder, in dependency order. */
static int add_folder(struct importer *imp, const char *dir)
{
    int found = 0;
    for (int k = 0; k < KIND_COUNT; k++) {
        char *name = xasprintf("%s.csv", import_kind_name((enum import_kind)k));
        char *path = path_join(dir, name);
        free(name);
        if (path_exists(path)) {
            found++;
            importer_file(imp, (enum import_kind)k, path, NULL, 0);
        }
        free(path);
    }
    if (!found)
        return cli_fail("%s holds none of sites.csv, clinicians.csv, patients.csv, "
                        "prescriptions.csv, events.csv, assessments.csv, appointments.csv, "
                        "diagnoses.csv",
                        dir);
    return 0;
}

static void print_errors(const struct importer *imp)
{
    const char *const *msgs;
    size_t n = importer_errors(imp, &msgs);
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "%s\n", msgs[i]);
    long total = importer_error_count(imp);
    if (total > (long)n)
        fprintf(stderr, "… and %ld more\n", total - (long)n);
    fprintf(stderr, "sixbb: import failed with %ld error%s; nothing was written\n", total,
            total == 1 ? "" : "s");
}

static int run_import(struct site *s, const struct import_args *a, char **pos, int npos)
{
    struct import_options o = {0};
    if (resolve_as_of(s, a->as_of, &o.as_of) != 0)
        return EXIT_USAGE;
    o.dry_run = a->dry_run;
    o.bulk = is_bulk(pos, npos);
    if (cli_progress_enabled() && !a->json)
        o.progress = import_draw_progress;
    o.config_dir = paths_data_dir("config");
    struct import_config cfg;
    struct import_scorer scorer;
    import_host_config(s->host, &cfg);
    import_host_scorer(s->host, &scorer);
    o.config = &cfg;
    o.scorer = &scorer;
    struct importer *imp = importer_new(s->store, &o);
    int rc = importer_begin(imp) == 0 ? EXIT_OK : EXIT_FAIL;
    if (rc == EXIT_OK && npos == 1 && is_dir(pos[0]))
        rc = add_folder(imp, pos[0]);
    else if (rc == EXIT_OK)
        for (int i = 1; i < npos; i++)
            importer_file(imp, (enum import_kind)import_kind_from_name(pos[0]), pos[i], NULL, 0);
    if (importer_finish(imp) != 0 && rc == EXIT_OK)
        rc = EXIT_FAIL;
    if (importer_error_count(imp))
        print_errors(imp);
    if (a->json)
        json_print(import_summary_json(imp, a->dry_run));
    else if (!importer_error_count(imp) && rc == EXIT_OK)
        import_print_summary(imp, a->dry_run);
    importer_free(imp);
    import_config_free(&cfg);
    return rc;
}

int cmd_import(struct cli *cli, int argc, char **argv)
{
    struct import_args a = {0};
    const struct opt opts[] = {{"dry-run", 0, OPT_FLAG, &a.dry_run},
                               {"json", 0, OPT_FLAG, &a.json},
                               {"as-of", 0, OPT_VALUE, &a.as_of},
                               {NULL, 0, 0, NULL}};
    char **pos = NULL;
    int npos = 0;
    int rc = cli_parse(argc, argv, opts, import_usage, &pos, &npos);
    if (rc != 0)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    if (npos == 0 || (npos == 1 && !is_dir(pos[0]))) {
        free(pos);
        return cli_usage_error("import", "expected KIND FILE... or a folder of <kind>.csv files");
    }
    if (!(npos == 1 && is_dir(pos[0])) && import_kind_from_name(pos[0]) < 0) {
        rc = cli_usage_error("import",
                             "unknown kind '%s'; expected sites, clinicians, patients, "
                             "prescriptions, events, assessments, appointments or diagnoses",
                             pos[0]);
        free(pos);
        return rc;
    }
    struct site *s = site_open(cli, SITE_HOST, "import");
    if (!s) {
        free(pos);
        return EXIT_FAIL;
    }
    rc = run_import(s, &a, pos, npos);
    free(pos);
    site_close(s);
    return rc;
}
