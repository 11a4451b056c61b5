/* CSV rows for the MED tables and the `sixbb med --csv` batch, parsed with libcsv (RFC 4180).
 * Input is fed one physical line at a time so that every row can be reported with its line. */
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "med_internal.h"
#include "util.h"

struct reader {
    char **fields;
    size_t n, cap;
    long line;
    med_csv_row_fn row;
    void *ctx;
    int stop;
};

static void on_field(void *s, size_t len, void *data)
{
    struct reader *r = data;
    if (r->stop)
        return;
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->fields = xrealloc(r->fields, r->cap * sizeof *r->fields);
    }
    r->fields[r->n++] = xstrndup(s ? s : "", s ? len : 0);
}

static void clear_fields(struct reader *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->fields[i]);
    r->n = 0;
}

static void on_row(int term, void *data)
{
    (void)term;
    struct reader *r = data;
    if (!r->stop && r->n > 0)
        r->stop = r->row(r->ctx, r->fields, r->n, r->line);
    clear_fields(r);
}

int med_csv_read(const char *data, size_t len, med_csv_row_fn row, void *ctx, char *err,
                 size_t errlen)
{
    struct csv_parser p;
    if (csv_init(&p, CSV_APPEND_NULL) != 0) {
        snprintf(err, errlen, "cannot start the CSV parser");
        return -1;
    }
    struct reader r = {.row = row, .ctx = ctx};
    size_t off = 0;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        off = 3; /* a UTF-8 byte-order mark written by spreadsheet programs */
    int rc = 0;
    while (off < len && !r.stop) {
        const char *nl = memchr(data + off, '\n', len - off);
        size_t n = nl ? (size_t)(nl - (data + off)) + 1 : len - off;
        r.line++;
        if (csv_parse(&p, data + off, n, on_field, on_row, &r) != n) {
            snprintf(err, errlen, "line %ld: %s", r.line, csv_strerror(csv_error(&p)));
            rc = -1;
            break;
        }
        off += n;
    }
    if (rc == 0 && !r.stop)
        csv_fini(&p, on_field, on_row, &r);
    clear_fields(&r);
    free(r.fields);
    csv_free(&p);
    if (rc == 0 && r.stop)
        rc = r.stop;
    return rc;
}

int med_csv_column(char **header, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        const char *h = header[i];
        while (*h == ' ' || *h == '\t')
            h++;
        size_t len = strlen(h);
        while (len && (h[len - 1] == ' ' || h[len - 1] == '\t' || h[len - 1] == '\r'))
            len--;
        if (len == strlen(name) && strncasecmp(h, name, len) == 0)
            return (int)i;
    }
    return -1;
}
