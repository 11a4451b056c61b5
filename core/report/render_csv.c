/* The main table as CSV (RFC 4180: CRLF line ends, fields quoted when they hold a comma, a
 * quote or a line break). Values are written as stored, not as displayed, so a spreadsheet gets
 * 0.0875 rather than "8.8%"; the header row carries the column titles. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "report_doc.h"

/* A text cell that a spreadsheet would run as a formula is prefixed with an apostrophe. */
static bool formula_like(const char *s)
{
    return s[0] == '=' || s[0] == '+' || s[0] == '@' || s[0] == '\t' || s[0] == '\r' ||
           (s[0] == '-' && !(s[1] >= '0' && s[1] <= '9'));
}

static void field(struct buf *out, const char *s, bool guard)
{
    bool quote =
        strpbrk(s, ",\"\r\n") != NULL || (s[0] == ' ') || (s[0] && s[strlen(s) - 1] == ' ');
    if (quote)
        buf_puts(out, "\"");
    if (guard && s[0] && formula_like(s))
        buf_puts(out, "'");
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            buf_puts(out, "\"");
        buf_append(out, p, 1);
    }
    if (quote)
        buf_puts(out, "\"");
}

static void value(struct buf *out, const cJSON *v)
{
    if (!v || cJSON_IsNull(v))
        return;
    if (cJSON_IsBool(v)) {
        buf_puts(out, cJSON_IsTrue(v) ? "true" : "false");
    } else if (cJSON_IsNumber(v)) {
        char tmp[64];
        snprintf(tmp, sizeof tmp, "%.15g", v->valuedouble);
        double back;
        if (sscanf(tmp, "%lg", &back) != 1 || back != v->valuedouble)
            snprintf(tmp, sizeof tmp, "%.17g", v->valuedouble);
        buf_puts(out, tmp);
    } else {
        field(out, v->valuestring, true);
    }
}

int render_csv(const cJSON *doc, struct buf *out, char *err, size_t errlen)
{
    const cJSON *t = report_doc_main_table(doc);
    if (!t) {
        snprintf(err, errlen,
                 "this report has no table to write as CSV; use --format text, json "
                 "or html");
        return -1;
    }
    const cJSON *cols = cJSON_GetObjectItemCaseSensitive(t, "columns");
    const cJSON *rows = cJSON_GetObjectItemCaseSensitive(t, "rows");
    buf_puts(out, "");
    for (const cJSON *c = cols->child; c; c = c->next) {
        field(out, report_doc_str(c, "title"), true);
        buf_puts(out, c->next ? "," : "\r\n");
    }
    for (const cJSON *r = rows->child; r; r = r->next)
        for (const cJSON *c = cols->child; c; c = c->next) {
            value(out, cJSON_GetObjectItemCaseSensitive(r, report_doc_str(c, "key")));
            buf_puts(out, c->next ? "," : "\r\n");
        }
    return 0;
}
