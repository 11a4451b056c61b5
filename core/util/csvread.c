/* libcsv does the quoting; this file adds positions. libcsv reports no offsets, so the input is
 * fed one physical line at a time: a record callback always fires at the end of the line that
 * finishes it, and the record began on the first non-blank line fed since the previous one
 * finished. A field's own start line is the current line less the newlines inside it. */
#include "csvread.h"

#include <csv.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

struct reader {
    struct csv_field *fields;
    size_t nfields, capfields;
    struct buf text; /* every field of the record, each followed by a NUL */
    long line;       /* line being fed */
    long rec_line;   /* first line of the record in progress, 0 when none */
    long index;
    csv_record_fn fn;
    void *ud;
    int stop; /* the callback's non-zero return */
};

static size_t count_newlines(const char *s, size_t n)
{
    size_t k = 0;
    for (const char *p = s; (p = memchr(p, '\n', n - (size_t)(p - s))) != NULL; p++)
        k++;
    return k;
}

static void on_field(void *s, size_t len, void *ud)
{
    struct reader *r = ud;
    if (r->stop)
        return;
    if (r->nfields == r->capfields) {
        r->capfields = r->capfields ? r->capfields * 2 : 32;
        r->fields = xrealloc(r->fields, r->capfields * sizeof *r->fields);
    }
    /* Offsets now, pointers once the record is complete: the buffer may move while growing. */
    struct csv_field *f = &r->fields[r->nfields++];
    f->text = (const char *)(uintptr_t)r->text.len;
    f->len = len;
    f->line = r->line - (long)(len ? count_newlines(s, len) : 0);
    if (len)
        buf_append(&r->text, s, len);
    buf_append(&r->text, "", 1);
}

static void on_record(int c, void *ud)
{
    (void)c;
    struct reader *r = ud;
    if (r->stop)
        return;
    for (size_t i = 0; i < r->nfields; i++)
        r->fields[i].text = r->text.data + (uintptr_t)r->fields[i].text;
    struct csv_record rec = {r->fields, r->nfields, r->rec_line ? r->rec_line : r->line,
                             r->index++};
    r->stop = r->fn(&rec, r->ud);
    r->nfields = 0;
    r->text.len = 0;
    r->rec_line = 0;
}

static bool blank_line(const char *s, size_t n)
{
    return n == 0 || (n == 1 && s[0] == '\n') || (n == 2 && s[0] == '\r' && s[1] == '\n');
}

static int syntax_error(struct reader *r, struct csv_parser *p, long line, char *err, size_t errlen,
                        long *err_line)
{
    const char *why = csv_error(p) == CSV_EPARSE
                          ? "malformed quoting (an unterminated quoted field, or a quote inside "
                            "an unquoted field; a quote inside a field must be doubled)"
                          : csv_strerror(csv_error(p));
    snprintf(err, errlen, "%ld:%zu: %s", line, r->nfields + 1, why);
    if (err_line)
        *err_line = line;
    return -1;
}

static void reader_free(struct reader *r, struct csv_parser *p)
{
    csv_free(p);
    free(r->fields);
    buf_free(&r->text);
}

int csv_read(const char *data, size_t len, csv_record_fn fn, void *ud, char *err, size_t errlen,
             long *err_line)
{
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    struct reader r = {.fn = fn, .ud = ud};
    size_t pos = 0;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        pos = 3;
    int rc = 0;
    while (pos < len && !r.stop) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (data + pos)) + 1 : len - pos;
        r.line++;
        if (!r.rec_line && !blank_line(data + pos, n))
            r.rec_line = r.line;
        if (csv_parse(&p, data + pos, n, on_field, on_record, &r) != n) {
            rc = syntax_error(&r, &p, r.line, err, errlen, err_line);
            break;
        }
        pos += n;
    }
    if (rc == 0 && !r.stop && csv_fini(&p, on_field, on_record, &r) != 0)
        rc = syntax_error(&r, &p, r.rec_line ? r.rec_line : r.line, err, errlen, err_line);
    if (rc == 0 && r.stop)
        rc = r.stop;
    reader_free(&r, &p);
    return rc;
}
