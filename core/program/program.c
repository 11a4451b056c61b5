/* Helpers shared by the facilitator's commands; see program.h. */
#include "program.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvread.h"
#include "json.h"
#include "store_program.h"
#include "util.h"

const char *const prog_blocks[6] = {"leadership", "policies", "tracking",
                                    "visits",     "complex",  "measuring"};

int prog_need_site(struct store *s, const char *site, char *err, size_t errlen)
{
    if (store_site_exists(s, site))
        return 0;
    snprintf(err, errlen, "no site '%s' in this registry", site);
    return 1;
}

int prog_need_word(const char *what, const char *value, const char *const *words, size_t n,
                   char *err, size_t errlen)
{
    struct buf list = {0};
    for (size_t i = 0; i < n; i++) {
        if (strcmp(words[i], value) == 0) {
            buf_free(&list);
            return 0;
        }
        buf_printf(&list, "%s%s", i ? ", " : "", words[i]);
    }
    snprintf(err, errlen, "%s '%s' is not one of %s", what, value, list.data);
    buf_free(&list);
    return 1;
}

int prog_need_date(const char *option, const char *value, day_t *out, char *err, size_t errlen)
{
    day_t d;
    if (date_parse(value, strlen(value), &d) != 0) {
        snprintf(err, errlen, "%s '%s' is not a date (YYYY-MM-DD)", option, value);
        return 1;
    }
    if (out)
        *out = d;
    return 0;
}

/* A cell as text: numbers without needless decimals, null as "-". */
static void cell_text(const cJSON *v, char *out, size_t n)
{
    if (cJSON_IsString(v))
        snprintf(out, n, "%s", v->valuestring);
    else if (cJSON_IsNumber(v) && v->valuedouble == (double)(long long)v->valuedouble)
        snprintf(out, n, "%lld", (long long)v->valuedouble);
    else if (cJSON_IsNumber(v)) {
        /* Two decimals at most, and none that say nothing (9.5, not 9.50). */
        snprintf(out, n, "%.2f", v->valuedouble);
        size_t len = strlen(out);
        while (len > 0 && out[len - 1] == '0')
            out[--len] = '\0';
    } else if (cJSON_IsBool(v))
        snprintf(out, n, "%s", cJSON_IsTrue(v) ? "yes" : "no");
    else
        snprintf(out, n, "-");
}

void prog_print_table(const cJSON *rows, const char *const *cols, const char *empty)
{
    if (cJSON_GetArraySize(rows) == 0) {
        puts(empty);
        return;
    }
    size_t ncol = 0, width[32];
    char cell[512];
    for (; cols[ncol] && ncol < ARRAY_LEN(width); ncol++)
        width[ncol] = strlen(cols[ncol]);
    const cJSON *r;
    cJSON_ArrayForEach(r, rows) for (size_t c = 0; c < ncol; c++)
    {
        cell_text(cJSON_GetObjectItemCaseSensitive(r, cols[c]), cell, sizeof cell);
        if (strlen(cell) > width[c])
            width[c] = strlen(cell);
    }
    for (size_t c = 0; c < ncol; c++) {
        for (const char *p = cols[c]; *p; p++)
            putchar(*p == '_' ? ' ' : toupper((unsigned char)*p));
        if (c + 1 < ncol)
            printf("%*s", (int)(width[c] - strlen(cols[c]) + 2), "");
    }
    putchar('\n');
    cJSON_ArrayForEach(r, rows)
    {
        for (size_t c = 0; c < ncol; c++) {
            cell_text(cJSON_GetObjectItemCaseSensitive(r, cols[c]), cell, sizeof cell);
            if (c + 1 < ncol)
                printf("%-*s  ", (int)width[c], cell);
            else
                fputs(cell, stdout);
        }
        putchar('\n');
    }
}

void prog_print_json(const char *key, cJSON *rows)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddItemToObject(root, key, rows);
    json_print(root);
}

struct csv_state {
    const char *file;
    const char *const *cols;
    size_t ncols;
    size_t column[16];
    int (*fn)(const struct prog_csv_row *row, void *ud);
    void *ud;
    char *err;
    size_t errlen;
};

static int header(struct csv_state *cs, const struct csv_record *rec)
{
    for (size_t c = 0; c < cs->ncols; c++) {
        cs->column[c] = 0;
        for (size_t f = 0; f < rec->n; f++)
            if (strcmp(rec->fields[f].text, cs->cols[c]) == 0)
                cs->column[c] = f + 1;
        if (!cs->column[c]) {
            snprintf(cs->err, cs->errlen, "%s:%ld: the header has no column '%s'", cs->file,
                     rec->line, cs->cols[c]);
            return 1;
        }
    }
    return 0;
}

static int csv_row(const struct csv_record *rec, void *ud)
{
    struct csv_state *cs = ud;
    if (rec->index == 0)
        return header(cs, rec);
    if (rec->n == 1 && rec->fields[0].len == 0)
        return 0; /* a blank line */
    const char *values[16];
    for (size_t c = 0; c < cs->ncols; c++)
        values[c] = cs->column[c] <= rec->n ? rec->fields[cs->column[c] - 1].text : "";
    struct prog_csv_row row = {cs->file, rec->line, values, cs->column, cs->err, cs->errlen};
    return cs->fn(&row, cs->ud);
}

int prog_csv_each(const char *path, const char *const *cols, size_t ncols,
                  int (*fn)(const struct prog_csv_row *row, void *ud), void *ud, char *err,
                  size_t errlen)
{
    size_t len;
    char *data = read_file(path, &len);
    if (!data) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return 1;
    }
    struct csv_state cs = {path, cols, ncols < 16 ? ncols : 16, {0}, fn, ud, err, errlen};
    char why[256];
    long line = 0;
    int rc = csv_read(data, len, csv_row, &cs, why, sizeof why, &line);
    free(data);
    if (rc < 0) {
        snprintf(err, errlen, "%s:%s", path, why);
        return 1;
    }
    if (rc == 0 && cs.column[0] == 0) {
        snprintf(err, errlen, "%s: the file is empty (a header row is needed)", path);
        return 1;
    }
    return rc ? 1 : 0;
}

int prog_csv_fail(const struct prog_csv_row *row, size_t col, const char *fmt, ...)
{
    int n = snprintf(row->err, row->errlen, "%s:%ld:%zu: ", row->file, row->line, row->column[col]);
    if (n < 0 || (size_t)n >= row->errlen)
        return 1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(row->err + n, row->errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return 1;
}
