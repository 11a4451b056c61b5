/* Helpers shared by the facilitator's commands; see program.h. */
#include "program.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csvread.h"
#include "json.h"
#include "util.h"

const char *const prog_blocks[6] = {"leadership", "policies", "tracking",
                                    "visits",     "complex",  "measuring"};

bool prog_site_exists(struct store *s, const char *site)
{
    sqlite3_stmt *st = store_prepare(s, "SELECT 1 FROM sites WHERE site_id = ?1");
    sqlite3_bind_text(st, 1, site, -1, SQLITE_TRANSIENT);
    bool found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_reset(st);
    return found;
}

int prog_need_site(struct store *s, const char *site)
{
    return prog_site_exists(s, site) ? 0 : cli_fail("no site '%s' in this registry", site);
}

int prog_need_word(const char *what, const char *value, const char *const *words, size_t n)
{
    struct buf list = {0};
    for (size_t i = 0; i < n; i++) {
        if (strcmp(words[i], value) == 0) {
            buf_free(&list);
            return 0;
        }
        buf_printf(&list, "%s%s", i ? ", " : "", words[i]);
    }
    cli_fail("%s '%s' is not one of %s", what, value, list.data);
    buf_free(&list);
    return EXIT_FAIL;
}

int prog_need_date(const char *option, const char *value, day_t *out)
{
    day_t d;
    if (date_parse(value, strlen(value), &d) != 0)
        return cli_fail("%s '%s' is not a date (YYYY-MM-DD)", option, value);
    if (out)
        *out = d;
    return 0;
}

cJSON *prog_rows(sqlite3_stmt *st)
{
    cJSON *arr = cJSON_CreateArray();
    while (sqlite3_step(st) == SQLITE_ROW) {
        cJSON *o = cJSON_CreateObject();
        for (int i = 0; i < sqlite3_column_count(st); i++) {
            const char *k = sqlite3_column_name(st, i);
            switch (sqlite3_column_type(st, i)) {
            case SQLITE_INTEGER:
                cJSON_AddNumberToObject(o, k, (double)sqlite3_column_int64(st, i));
                break;
            case SQLITE_FLOAT:
                cJSON_AddItemToObject(o, k, json_num_rounded(sqlite3_column_double(st, i), 2));
                break;
            case SQLITE_NULL:
                cJSON_AddNullToObject(o, k);
                break;
            default:
                cJSON_AddStringToObject(o, k, (const char *)sqlite3_column_text(st, i));
            }
        }
        cJSON_AddItemToArray(arr, o);
    }
    sqlite3_reset(st);
    return arr;
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

int prog_write(struct store *s, sqlite3_stmt *st, const char *what, const char *action,
               const char *entity, const char *id, const char *detail, long long *new_id)
{
    if (!st)
        return cli_fail("cannot %s: %s", what, store_errmsg(s));
    if (store_begin(s) != 0) {
        sqlite3_reset(st);
        return cli_fail("cannot %s: %s", what, store_errmsg(s));
    }
    bool ok = sqlite3_step(st) == SQLITE_DONE;
    sqlite3_reset(st);
    /* Read the new row's id before the audit entry becomes the last insert. */
    long long rowid = (long long)sqlite3_last_insert_rowid(store_db(s));
    char idtxt[24];
    snprintf(idtxt, sizeof idtxt, "%lld", rowid);
    ok = ok && store_audit(s, action, entity, id ? id : idtxt, detail) == 0;
    if (new_id)
        *new_id = rowid;
    return prog_finish(s, ok, what);
}

int prog_finish(struct store *s, bool ok, const char *what)
{
    if (!ok) {
        /* Keep SQLite's reason: the rollback would replace it. */
        char *why = xstrdup(store_errmsg(s));
        store_rollback(s);
        cli_fail("cannot %s: %s", what, why);
        free(why);
        return EXIT_FAIL;
    }
    if (store_commit(s) != 0)
        return cli_fail("cannot %s: %s", what, store_errmsg(s));
    return 0;
}

void prog_bind(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

struct csv_state {
    const char *file;
    const char *const *cols;
    size_t ncols;
    size_t column[16];
    int (*fn)(const struct prog_csv_row *row, void *ud);
    void *ud;
};

static int header(struct csv_state *cs, const struct csv_record *rec)
{
    for (size_t c = 0; c < cs->ncols; c++) {
        cs->column[c] = 0;
        for (size_t f = 0; f < rec->n; f++)
            if (strcmp(rec->fields[f].text, cs->cols[c]) == 0)
                cs->column[c] = f + 1;
        if (!cs->column[c])
            return cli_fail("%s:%ld: the header has no column '%s'", cs->file, rec->line,
                            cs->cols[c]);
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
    struct prog_csv_row row = {cs->file, rec->line, values, cs->column};
    return cs->fn(&row, cs->ud);
}

int prog_csv_each(const char *path, const char *const *cols, size_t ncols,
                  int (*fn)(const struct prog_csv_row *row, void *ud), void *ud)
{
    size_t len;
    char *data = read_file(path, &len);
    if (!data)
        return cli_fail("cannot read %s: %s", path, strerror(errno));
    struct csv_state cs = {path, cols, ncols < 16 ? ncols : 16, {0}, fn, ud};
    char err[256];
    long line = 0;
    int rc = csv_read(data, len, csv_row, &cs, err, sizeof err, &line);
    free(data);
    if (rc < 0)
        return cli_fail("%s:%s", path, err);
    if (rc == 0 && cs.column[0] == 0)
        return cli_fail("%s: the file is empty (a header row is needed)", path);
    return rc ? EXIT_FAIL : 0;
}

int prog_csv_fail(const struct prog_csv_row *row, size_t col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "sixbb: %s:%ld:%zu: ", row->file, row->line, row->column[col]);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return EXIT_FAIL;
}
