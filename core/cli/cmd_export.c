/* sixbb export KIND: the canonical columns of one kind as CSV (or JSON), in key order, so that
 * importing the export into another site reproduces the same records. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "import.h"
#include "json.h"
#include "site.h"
#include "store_import.h"
#include "util.h"

static const char export_usage[] =
    "usage: sixbb [-C DIR] export KIND [--format csv|json] [-o FILE]\n"
    "\n"
    "Writes every record of a kind (sites, clinicians, patients, prescriptions, events,\n"
    "assessments, appointments, diagnoses) with the canonical columns that 'sixbb import' reads,\n"
    "ordered by key. Values the import derives (MED, flags) are not part of the export: they are\n"
    "worked out again on import.\n"
    "\n"
    "Options:\n"
    "  --format F     csv (default) or json (an array of objects; empty values are null)\n"
    "  -o, --output F write to file F (mode 0600, replaced atomically) instead of standard output\n"
    "  -h, --help     show this help\n";

/* The shortest decimal that reads back as the same double, so exports round-trip exactly. */
static void format_real(double d, char *out, size_t n)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(out, n, "%.*g", prec, d);
        if (strtod(out, NULL) == d)
            return;
    }
}

static void csv_text(struct buf *b, const char *s, size_t len)
{
    /* libcsv trims unquoted blanks at either end, so such text is quoted to come back whole. */
    bool quote = len && (s[0] == ' ' || s[len - 1] == ' ' || s[0] == '\t' || s[len - 1] == '\t');
    for (size_t i = 0; i < len && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote) {
        buf_append(b, s, len);
        return;
    }
    buf_puts(b, "\"");
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            buf_puts(b, "\"");
        buf_append(b, s + i, 1);
    }
    buf_puts(b, "\"");
}

static void csv_value(struct buf *b, const struct store_val *v)
{
    char num[40];
    switch (v->t) {
    case SV_NULL:
        break;
    case SV_INT:
        buf_printf(b, "%lld", (long long)v->i);
        break;
    case SV_REAL:
        format_real(v->d, num, sizeof num);
        buf_puts(b, num);
        break;
    case SV_TEXT:
        csv_text(b, v->s, v->len);
    }
}

static cJSON *json_value(const struct store_val *v)
{
    switch (v->t) {
    case SV_NULL:
        return cJSON_CreateNull();
    case SV_INT:
        return cJSON_CreateNumber((double)v->i);
    case SV_REAL:
        return cJSON_CreateNumber(v->d);
    default:
        return cJSON_CreateString(v->s);
    }
}

struct export_ctx {
    const char *const *cols;
    struct buf *out; /* CSV */
    cJSON *arr;      /* or JSON */
};

static void export_row(void *ud, const struct store_val *v, size_t n)
{
    struct export_ctx *x = ud;
    if (x->arr) {
        cJSON *o = cJSON_CreateObject();
        for (size_t i = 0; i < n; i++)
            cJSON_AddItemToObject(o, x->cols[i], json_value(&v[i]));
        cJSON_AddItemToArray(x->arr, o);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_puts(x->out, ",");
        csv_value(x->out, &v[i]);
    }
    buf_puts(x->out, "\n");
}

static int export_kind(struct store *s, enum import_kind k, bool json, struct buf *out)
{
    const char *const *cols;
    size_t ncols = import_kind_columns(k, &cols);
    struct export_ctx x = {cols, out, json ? cJSON_CreateArray() : NULL};
    for (size_t i = 0; !json && i < ncols; i++)
        buf_printf(out, "%s%s", i ? "," : "", cols[i]);
    if (!json)
        buf_puts(out, "\n");
    int rc = store_import_export(s, (enum store_import_table)k, export_row, &x);
    if (rc == -1) {
        cJSON_Delete(x.arr);
        return cli_fail("cannot read %s: %s", import_kind_name(k), store_errmsg(s));
    }
    if (json) {
        char *text = cJSON_Print(x.arr);
        buf_puts(out, text);
        buf_puts(out, "\n");
        cJSON_free(text);
        cJSON_Delete(x.arr);
    }
    return rc == 0 ? EXIT_OK
                   : cli_fail("reading %s failed: %s", import_kind_name(k), store_errmsg(s));
}

static int write_out(const char *file, const struct buf *b)
{
    const char *data = b->data ? b->data : "";
    if (!file) {
        fwrite(data, 1, b->len, stdout);
        return fflush(stdout) == 0 ? EXIT_OK : cli_fail("cannot write to standard output");
    }
    if (write_file_atomic(file, data, b->len, 0600) != 0)
        return cli_fail("cannot write %s", file);
    return EXIT_OK;
}

int cmd_export(struct cli *cli, int argc, char **argv)
{
    const char *format = "csv", *output = NULL;
    const struct opt opts[] = {
        {"format", 0, OPT_VALUE, &format}, {"output", 'o', OPT_VALUE, &output}, {NULL, 0, 0, NULL}};
    char **pos = NULL;
    int npos = 0;
    int rc = cli_parse(argc, argv, opts, export_usage, &pos, &npos);
    if (rc != 0)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    int k = npos == 1 ? import_kind_from_name(pos[0]) : -1;
    free(pos);
    if (k < 0)
        return cli_usage_error("export", "expected one kind: sites, clinicians, patients, "
                                         "prescriptions, events, assessments, appointments or "
                                         "diagnoses");
    if (strcmp(format, "csv") != 0 && strcmp(format, "json") != 0)
        return cli_usage_error("export", "--format is csv or json, not '%s'", format);
    struct site *s = site_open(cli, SITE_READONLY, "export");
    if (!s)
        return EXIT_FAIL;
    struct buf out = {0};
    rc = export_kind(s->store, (enum import_kind)k, strcmp(format, "json") == 0, &out);
    if (rc == EXIT_OK)
        rc = write_out(output, &out);
    buf_free(&out);
    site_close(s);
    return rc;
}
