/* CSV rows for the MED tables and the `sixbb med --csv` batch, parsed with libcsv (RFC 4180).
 * Input is fed one physical line at a time so that every row can be reported with its line. */
#include <csv.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "med_internal.h"
#include "util.h"

struct reader {
    char **fields;
    size_t n, cap;
    long line;
    size_t rows; /* rows the parser has ended */
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
    r->rows++;
    if (!r->stop && r->n > 0)
        r->stop = r->row(r->ctx, r->fields, r->n, r->line);
    clear_fields(r);
}

/* The fast path for one physical line holding a whole row, the usual case in the reference
 * tables: unquoted fields are the text between commas with surrounding spaces and tabs removed,
 * as libcsv reads them; a field that opens with a quote runs to its closing quote ("" inside
 * stands for one quote), which must be followed by a comma or the end of the line. Fields point
 * into `scratch`. Returns their count (0 for a blank line, as libcsv reads one), or -1 when the
 * line needs libcsv (a quote anywhere else, or a quoted field left open). */
static long split_line(const char *s, size_t n, struct buf *scratch, char ***fields, size_t *cap)
{
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        n--;
    scratch->len = 0;
    buf_append(scratch, s, n);
    buf_append(scratch, "", 1);
    char *p = scratch->data, *end = p + n;
    if (strspn(p, " \t") == n)
        return 0; /* libcsv begins no row on a line of nothing but blanks */
    long nf = 0;
    for (;;) {
        char *a, *next;
        if (*p == '"') {
            char *w = p, *r = p + 1;
            for (;;) {
                if (r == end)
                    return -1; /* open at the end of the line */
                if (*r == '"') {
                    if (r + 1 < end && r[1] == '"') {
                        *w++ = '"';
                        r += 2;
                        continue;
                    }
                    break;
                }
                *w++ = *r++;
            }
            r++; /* past the closing quote */
            if (r < end && *r != ',')
                return -1;
            *w = 0;
            a = p;
            next = r < end ? r + 1 : NULL;
        } else {
            char *comma = memchr(p, ',', (size_t)(end - p));
            char *stop = comma ? comma : end;
            if (memchr(p, '"', (size_t)(stop - p)))
                return -1;
            char *b = stop;
            a = p;
            while (a < b && (*a == ' ' || *a == '\t'))
                a++;
            while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
                b--;
            *b = 0;
            next = comma ? comma + 1 : NULL;
        }
        if ((size_t)nf == *cap) {
            *cap = *cap ? *cap * 2 : 16;
            *fields = xrealloc(*fields, *cap * sizeof **fields);
        }
        (*fields)[nf++] = a;
        if (!next)
            return nf;
        p = next;
    }
}

/* Whether a carriage return other than the line's own ending lies in the line: libcsv ends a
 * row there, which the fast path does not. */
static bool interior_cr(const char *s, size_t n)
{
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        n--;
    return memchr(s, '\r', n) != NULL;
}

int med_csv_read(const char *data, size_t len, med_csv_row_fn row, void *ctx, char *err,
                 size_t errlen)
{
    return med_csv_read_with(data, len, row, ctx, err, errlen, true);
}

/* Lines holding a whole row are split directly once the parser stands at the start of a row
 * (after the first line, and after any row libcsv ended on its line break); everything else
 * goes through libcsv. `fast` false sends every line through libcsv, for tests. */
int med_csv_read_with(const char *data, size_t len, med_csv_row_fn row, void *ctx, char *err,
                      size_t errlen, bool fast)
{
    struct csv_parser p;
    if (csv_init(&p, CSV_APPEND_NULL) != 0) {
        snprintf(err, errlen, "cannot start the CSV parser");
        return -1;
    }
    struct reader r = {.row = row, .ctx = ctx};
    struct buf scratch = {0};
    char **plain = NULL;
    size_t plaincap = 0;
    size_t off = 0;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        off = 3; /* a UTF-8 byte-order mark written by spreadsheet programs */
    int rc = 0;
    bool row_start = fast; /* the parser holds no part of a row */
    while (off < len && !r.stop) {
        const char *nl = memchr(data + off, '\n', len - off);
        size_t n = nl ? (size_t)(nl - (data + off)) + 1 : len - off;
        r.line++;
        long nf = row_start && !interior_cr(data + off, n)
                      ? split_line(data + off, n, &scratch, &plain, &plaincap)
                      : -1;
        if (nf >= 0) {
            if (nf > 0)
                r.stop = r.row(r.ctx, plain, (size_t)nf, r.line);
            off += n;
            continue;
        }
        size_t rows_before = r.rows;
        if (csv_parse(&p, data + off, n, on_field, on_row, &r) != n) {
            snprintf(err, errlen, "line %ld: %s", r.line, csv_strerror(csv_error(&p)));
            rc = -1;
            break;
        }
        /* A quoted field may hold a line break: the row ends only when the parser says so. */
        row_start = fast && r.rows != rows_before && r.n == 0 && !interior_cr(data + off, n);
        off += n;
    }
    if (rc == 0 && !r.stop)
        csv_fini(&p, on_field, on_row, &r);
    clear_fields(&r);
    free(r.fields);
    free(plain);
    buf_free(&scratch);
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
