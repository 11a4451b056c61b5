/* sixbb report NAME: runs a registered report and renders its document as text, CSV, JSON or
 * HTML, to standard output or atomically to a file (mode 0600: reports hold patient data);
 * sixbb reports: lists the registered reports. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "host.h"
#include "json.h"
#include "report.h"
#include "site.h"
#include "util.h"

static const char report_usage[] =
    "usage: sixbb [-C DIR] report NAME [--as-of DATE] [--from DATE --to DATE] [--site S]\n"
    "                               [--clinician C] [--patient P] [--param KEY=VALUE]...\n"
    "                               [--format text|csv|json|html] [--json] [-o FILE]\n"
    "\n"
    "Runs the report NAME (see 'sixbb reports') and prints it. Text goes to the terminal; CSV\n"
    "holds the report's main table; JSON is the whole document; HTML is one self-contained\n"
    "page for screens and printing. With -o the report is written to FILE (readable only by\n"
    "you, as it may hold patient information) and its path is printed; the format then follows\n"
    "the file's extension unless --format is given. Every report produced is recorded.\n"
    "\n"
    "  --as-of DATE        the report's date (default: today in the site's time zone)\n"
    "  --from, --to DATE   a period, for reports over time\n"
    "  --site S            only site S\n"
    "  --clinician C       only clinician C\n"
    "  --patient P         only patient P\n"
    "  --param KEY=VALUE   set one of the report's parameters\n"
    "  --format F          text (default), csv, json or html\n"
    "  --json              the same as --format json\n"
    "  -o, --output FILE   write to FILE instead of standard output\n";

static const char reports_usage[] =
    "usage: sixbb [-C DIR] reports [--json]\n"
    "\n"
    "Lists the reports the plugins registered: id, title, plugin and description. Without a\n"
    "site, only the built-in plugins' reports are listed.\n";

struct report_opts {
    const char *as_of, *from, *to, *site, *clinician, *patient, *format, *out;
    const char **params;
    bool json;
};

static int check_date(const char *opt, const char *v)
{
    day_t d;
    if (v && date_parse(v, strlen(v), &d) != 0)
        return cli_usage_error("report", "--%s '%s' is not a date (YYYY-MM-DD)", opt, v);
    return 0;
}

/* The format: --format, --json, the -o extension, or text. */
static int choose_format(const struct report_opts *o, enum render_format *f)
{
    if (o->format && render_format_parse(o->format, f) != 0)
        return cli_usage_error("report", "unknown format '%s' (text, csv, json or html)",
                               o->format);
    if (o->format && o->json && *f != RENDER_JSON)
        return cli_usage_error("report", "--json and --format %s disagree", o->format);
    if (o->format)
        return 0;
    if (o->json) {
        *f = RENDER_JSON;
        return 0;
    }
    if (o->out && render_format_from_path(o->out, f) != 0)
        return cli_usage_error("report",
                               "cannot tell the format from '%s'; name it .txt, .csv, "
                               ".json or .html, or give --format",
                               o->out);
    if (!o->out)
        *f = RENDER_TEXT;
    return 0;
}

static int check_request(const struct report_opts *o)
{
    int rc;
    if ((rc = check_date("as-of", o->as_of)) || (rc = check_date("from", o->from)) ||
        (rc = check_date("to", o->to)))
        return rc;
    if (o->from && o->to && strcmp(o->from, o->to) > 0)
        return cli_usage_error("report", "--from %s is after --to %s", o->from, o->to);
    return 0;
}

static int write_output(const char *path, const struct buf *b)
{
    if (!path) {
        fwrite(b->data, 1, b->len, stdout);
        return fflush(stdout) == 0 ? 0 : cli_fail("cannot write the report: %s", strerror(errno));
    }
    if (write_file_atomic(path, b->data, b->len, 0600) != 0)
        return cli_fail("cannot write %s: %s", path, strerror(errno));
    return 0;
}

/* Runs, renders, writes and records one report. */
static int produce(struct site *s, const char *name, const struct report_opts *o,
                   enum render_format fmt)
{
    struct report_request rq = {.id = name,
                                .as_of_given = o->as_of != NULL,
                                .from = o->from,
                                .to = o->to,
                                .site = o->site,
                                .clinician = o->clinician,
                                .patient = o->patient,
                                .format = fmt,
                                .params = o->params};
    int rc = site_as_of(s->host, "report", o->as_of, &rq.as_of);
    if (rc != 0)
        return rc;
    char err[2048];
    bool usage;
    cJSON *doc = report_run(s->host, &rq, err, sizeof err, &usage);
    if (!doc)
        return usage ? cli_usage_error("report", "%s", err) : cli_fail("%s", err);
    struct render_options ro;
    report_render_options(s->host, &ro);
    struct buf out = {0};
    buf_puts(&out, "");
    rc = render_document(doc, fmt, &ro, &out, err, sizeof err);
    cJSON_Delete(doc);
    if (rc != 0) {
        buf_free(&out);
        return cli_fail("report '%s': %s", name, err);
    }
    rc = write_output(o->out, &out);
    buf_free(&out);
    if (rc != 0)
        return rc;
    /* The full path, so the record still finds the file from another directory. */
    char *full = o->out ? realpath(o->out, NULL) : NULL;
    if (full)
        printf("%s\n", full);
    rc = report_record(s->store, name, rq.as_of, render_format_name(fmt), full, o->site);
    free(full);
    if (rc != 0)
        return cli_fail("the report was produced but could not be recorded: %s",
                        store_errmsg(s->store));
    return EXIT_OK;
}

int cmd_report(struct cli *cli, int argc, char **argv)
{
    struct report_opts o = {0};
    const struct opt opts[] = {{"as-of", 0, OPT_VALUE, &o.as_of},
                               {"from", 0, OPT_VALUE, &o.from},
                               {"to", 0, OPT_VALUE, &o.to},
                               {"site", 0, OPT_VALUE, &o.site},
                               {"clinician", 0, OPT_VALUE, &o.clinician},
                               {"patient", 0, OPT_VALUE, &o.patient},
                               {"param", 0, OPT_LIST, &o.params},
                               {"format", 0, OPT_VALUE, &o.format},
                               {"json", 0, OPT_FLAG, &o.json},
                               {"output", 'o', OPT_VALUE, &o.out},
                               {NULL, 0, 0, NULL}};
    char **pos = NULL;
    int npos = 0;
    int rc = cli_parse(argc, argv, opts, report_usage, &pos, &npos);
    if (rc != 0) {
        free(pos);
        free(o.params);
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    }
    enum render_format fmt = RENDER_TEXT;
    if (npos != 1)
        rc = cli_usage_error("report",
                             npos ? "one report at a time" : "which report? (see 'sixbb reports')");
    else if ((rc = choose_format(&o, &fmt)) == 0)
        rc = check_request(&o);
    if (rc == 0) {
        struct site *s = site_open(cli, SITE_HOST, "report");
        rc = s ? produce(s, pos[0], &o, fmt) : EXIT_FAIL;
        site_close(s);
    }
    free(pos);
    free(o.params);
    return rc;
}

/* ------------------------------------------------------------------ sixbb reports */

static const char *field(lua_State *L, int idx, const char *name)
{
    lua_getfield(L, idx, name);
    const char *s = lua_tostring(L, -1);
    lua_pop(L, 1); /* still referenced by the entry */
    return s;
}

static void list_reports(struct host *h, bool json)
{
    lua_State *L = h->L;
    host_push_registry(h, REG_REPORTS);
    int list = lua_gettop(L);
    lua_Integer n = (lua_Integer)lua_rawlen(L, list);
    cJSON *arr = cJSON_CreateArray();
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, list, i);
        int e = lua_gettop(L);
        if (json) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "id", field(L, e, "id"));
            cJSON_AddStringToObject(o, "title", field(L, e, "title"));
            cJSON_AddStringToObject(o, "plugin", field(L, e, "plugin"));
            cJSON_AddItemToObject(o, "description", json_str_or_null(field(L, e, "description")));
            cJSON_AddItemToArray(arr, o);
        } else {
            const char *d = field(L, e, "description");
            printf("%-16s %-32s %-12s %s\n", field(L, e, "id"), field(L, e, "title"),
                   field(L, e, "plugin"), d ? d : "");
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    if (json) {
        cJSON *root = cJSON_CreateObject();
        cJSON_AddItemToObject(root, "reports", arr);
        json_print(root);
    } else {
        if (n == 0)
            puts("No reports are registered.");
        cJSON_Delete(arr);
    }
}

int cmd_reports(struct cli *cli, int argc, char **argv)
{
    bool json = false;
    const struct opt opts[] = {{"json", 0, OPT_FLAG, &json}, {NULL, 0, 0, NULL}};
    int rc = cli_parse(argc, argv, opts, reports_usage, NULL, NULL);
    if (rc != 0)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    /* Like `sixbb plugins`: works without a site unless one was asked for. */
    bool want_site = cli->site_flag || (getenv("SIXBB_HOME") && *getenv("SIXBB_HOME"));
    struct site *s = NULL;
    struct host *h;
    if (want_site || path_exists("sixbb.db")) {
        s = site_open(cli, SITE_HOST | SITE_READONLY, "reports");
        if (!s)
            return EXIT_FAIL;
        h = s->host;
    } else if (!(h = site_host_new(NULL, NULL, false))) {
        return EXIT_FAIL;
    }
    list_reports(h, json);
    if (s)
        site_close(s);
    else
        host_free(h);
    return EXIT_OK;
}
