/* The document for a terminal: headings, aligned tables with numbers on the right, and charts
 * as one line per point with a bar, the median and the run-chart signals spelled out. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "report_doc.h"

#define BAR_WIDTH 30

/* Display width of UTF-8 text: one column per code point (continuation bytes do not count). */
static size_t width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            w++;
    return w;
}

static void pad(struct buf *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        buf_append(out, " ", 1);
}

static void underline(struct buf *out, const char *title, char ch)
{
    buf_printf(out, "%s\n", title);
    for (size_t i = width(title); i > 0; i--)
        buf_append(out, &ch, 1);
    buf_puts(out, "\n");
}

/* Line breaks and tabs inside a cell would break the table's alignment. */
static void flatten(struct buf *b)
{
    for (size_t i = 0; i < b->len; i++)
        if (b->data[i] == '\n' || b->data[i] == '\r' || b->data[i] == '\t')
            b->data[i] = ' ';
}

static void trim_line_end(struct buf *out)
{
    while (out->len > 0 && out->data[out->len - 1] == ' ')
        out->data[--out->len] = 0;
}

/* Writes a cell padded to w columns, right-aligned when right is set. */
static void cell(struct buf *out, const char *s, size_t w, bool right, bool last)
{
    size_t sw = width(s);
    if (right)
        pad(out, w - sw);
    buf_puts(out, s);
    if (!right && !last)
        pad(out, w - sw);
}

static void header(const cJSON *doc, struct buf *out)
{
    underline(out, report_doc_str(doc, "title"), '=');
    if (report_doc_str(doc, "subtitle"))
        buf_printf(out, "%s\n", report_doc_str(doc, "subtitle"));
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(doc, "params");
    size_t lw = 0;
    for (const cJSON *p = params->child; p; p = p->next)
        if (width(report_doc_str(p, "label")) > lw)
            lw = width(report_doc_str(p, "label"));
    if (params->child)
        buf_puts(out, "\n");
    for (const cJSON *p = params->child; p; p = p->next) {
        struct buf v = {0};
        render_cell(cJSON_GetObjectItemCaseSensitive(p, "value"), "number", &v);
        buf_printf(out, "%s:", report_doc_str(p, "label"));
        pad(out, lw - width(report_doc_str(p, "label")) + 1);
        buf_printf(out, "%s\n", v.data ? v.data : "");
        buf_free(&v);
    }
}

static void figures(const cJSON *doc, struct buf *out)
{
    const cJSON *figs = cJSON_GetObjectItemCaseSensitive(doc, "figures");
    if (!figs->child)
        return;
    buf_puts(out, "\n");
    underline(out, "Key figures", '-');
    size_t lw = 0, vw = 0, n = 0;
    struct buf *vals = xcalloc((size_t)cJSON_GetArraySize(figs), sizeof *vals);
    for (const cJSON *f = figs->child; f; f = f->next, n++) {
        render_cell(cJSON_GetObjectItemCaseSensitive(f, "value"), "number", &vals[n]);
        if (report_doc_str(f, "unit"))
            buf_puts(&vals[n], report_doc_str(f, "unit"));
        if (width(report_doc_str(f, "label")) > lw)
            lw = width(report_doc_str(f, "label"));
        if (width(vals[n].data ? vals[n].data : "") > vw)
            vw = width(vals[n].data ? vals[n].data : "");
    }
    size_t i = 0;
    for (const cJSON *f = figs->child; f && i < n; f = f->next, i++) {
        buf_puts(out, "  ");
        cell(out, report_doc_str(f, "label"), lw, false, false);
        buf_puts(out, "  ");
        cell(out, vals[i].data ? vals[i].data : "", vw, true, false);
        if (report_doc_str(f, "note"))
            buf_printf(out, "  %s", report_doc_str(f, "note"));
        buf_puts(out, "\n");
        buf_free(&vals[i]);
    }
    free(vals);
}

static void table(const cJSON *t, struct buf *out)
{
    const cJSON *cols = cJSON_GetObjectItemCaseSensitive(t, "columns");
    const cJSON *rows = cJSON_GetObjectItemCaseSensitive(t, "rows");
    size_t nc = (size_t)cJSON_GetArraySize(cols), nr = (size_t)cJSON_GetArraySize(rows);
    buf_puts(out, "\n");
    if (report_doc_str(t, "title"))
        buf_printf(out, "%s\n", report_doc_str(t, "title"));
    struct buf *cells = xcalloc(nc * (nr + 1), sizeof *cells);
    size_t *w = xcalloc(nc, sizeof *w);
    size_t c = 0;
    for (const cJSON *col = cols->child; col; col = col->next, c++) {
        buf_puts(&cells[c], report_doc_str(col, "title"));
        size_t r = 1;
        for (const cJSON *row = rows->child; row; row = row->next, r++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(row, report_doc_str(col, "key"));
            buf_puts(&cells[r * nc + c], "");
            render_cell(v, report_doc_str(col, "format"), &cells[r * nc + c]);
            flatten(&cells[r * nc + c]);
        }
        for (r = 0; r <= nr; r++)
            if (width(cells[r * nc + c].data) > w[c])
                w[c] = width(cells[r * nc + c].data);
    }
    for (size_t r = 0; r <= nr; r++) {
        buf_puts(out, "  ");
        c = 0;
        for (const cJSON *col = cols->child; col; col = col->next, c++) {
            bool right = render_format_numeric(report_doc_str(col, "format"));
            cell(out, cells[r * nc + c].data, w[c], right, c + 1 == nc);
            if (c + 1 < nc)
                buf_puts(out, "  ");
        }
        trim_line_end(out);
        buf_puts(out, "\n");
        if (r == 0) {
            buf_puts(out, "  ");
            for (c = 0; c < nc; c++) {
                for (size_t k = 0; k < w[c]; k++)
                    buf_puts(out, "-");
                if (c + 1 < nc)
                    buf_puts(out, "  ");
            }
            buf_puts(out, "\n");
        }
    }
    if (nr == 0)
        buf_puts(out, "  (no rows)\n");
    for (size_t i = 0; i < nc * (nr + 1); i++)
        buf_free(&cells[i]);
    free(cells);
    free(w);
}

/* Scale for the bars: from zero (or the lowest value, if negative) to the highest value,
 * median or goal. */
static void bar_scale(const struct render_points *p, const cJSON *goal, double *lo, double *hi)
{
    *lo = 0;
    *hi = 0;
    for (size_t i = 0; i < p->n; i++) {
        *lo = fmin(*lo, p->values[i]);
        *hi = fmax(*hi, p->values[i]);
    }
    if (goal)
        *hi = fmax(*hi, goal->valuedouble);
    if (*hi <= *lo)
        *hi = *lo + 1;
}

static int bar_pos(double v, double lo, double hi)
{
    int x = (int)lround((v - lo) / (hi - lo) * BAR_WIDTH);
    return x < 0 ? 0 : x > BAR_WIDTH ? BAR_WIDTH : x;
}

static char flag_letter(unsigned f)
{
    return f & RC_FLAG_ASTRONOMICAL ? 'A' : f & RC_FLAG_SHIFT ? 'S' : f & RC_FLAG_TREND ? 'T' : ' ';
}

static void chart_lines(const cJSON *ch, const struct render_points *p, struct buf *out)
{
    const char *unit = report_doc_str(ch, "unit");
    const cJSON *goal = cJSON_GetObjectItemCaseSensitive(ch, "goal");
    double lo, hi;
    bar_scale(p, goal, &lo, &hi);
    size_t lw = 0, vw = 0;
    struct buf *vals = xcalloc(p->n ? p->n : 1, sizeof *vals);
    for (size_t i = 0; i < p->n; i++) {
        render_chart_value(p->values[i], unit, &vals[i]);
        lw = width(p->labels[i]) > lw ? width(p->labels[i]) : lw;
        vw = width(vals[i].data) > vw ? width(vals[i].data) : vw;
    }
    for (size_t i = 0; i < p->n; i++) {
        char bar[BAR_WIDTH + 2];
        memset(bar, ' ', sizeof bar);
        bar[BAR_WIDTH + 1] = 0;
        int len = bar_pos(p->values[i], lo, hi);
        memset(bar, '#', (size_t)len);
        if (p->analysed)
            bar[bar_pos(p->rc.center[i], lo, hi)] = '|';
        size_t end = BAR_WIDTH + 1;
        while (end > 0 && bar[end - 1] == ' ')
            bar[--end] = 0;
        buf_puts(out, "  ");
        cell(out, p->labels[i], lw, false, false);
        buf_puts(out, "  ");
        cell(out, vals[i].data, vw, true, false);
        char flag = p->analysed ? flag_letter(p->rc.flags[i]) : ' ';
        buf_printf(out, " %c %s\n", flag, bar);
        buf_free(&vals[i]);
    }
    free(vals);
}

static void chart_notes(const cJSON *ch, const struct render_points *p, struct buf *out)
{
    const char *unit = report_doc_str(ch, "unit");
    if (p->analysed) {
        for (size_t k = 0; k < p->rc.nphases; k++) {
            const struct rc_phase *ph = &p->rc.phases[k];
            buf_puts(out, "  Median ");
            render_chart_value(ph->median, unit, out);
            buf_printf(out, " from %s to %s (set by %zu point%s)\n", p->labels[ph->start],
                       p->labels[ph->start + ph->baseline - 1], ph->baseline,
                       ph->baseline == 1 ? "" : "s");
        }
        buf_puts(out, "  Bars: # value, | median; S shift, T trend, A astronomical point.\n");
        if (p->rc.nsignals == 0)
            buf_puts(out, "  No signals: the variation looks random.\n");
        for (size_t k = 0; k < p->rc.nsignals; k++)
            buf_printf(out, "  Signal: %s\n", p->rc.signals[k].text);
    }
    const cJSON *goal = cJSON_GetObjectItemCaseSensitive(ch, "goal");
    if (goal) {
        buf_puts(out, "  Goal ");
        render_chart_value(goal->valuedouble, unit, out);
        if (report_doc_str(ch, "goal_label"))
            buf_printf(out, ": %s", report_doc_str(ch, "goal_label"));
        buf_puts(out, "\n");
    }
    const cJSON *phases = cJSON_GetObjectItemCaseSensitive(ch, "phases");
    for (const cJSON *ph = phases ? phases->child : NULL; ph; ph = ph->next) {
        int at = (int)cJSON_GetObjectItemCaseSensitive(ph, "start")->valuedouble;
        const char *label = report_doc_str(ph, "label");
        buf_printf(out, "  New phase from %s%s%s\n", p->labels[at - 1], label ? ": " : "",
                   label ? label : "");
    }
    const cJSON *notes = cJSON_GetObjectItemCaseSensitive(ch, "annotations");
    for (const cJSON *a = notes ? notes->child : NULL; a; a = a->next) {
        int at = (int)cJSON_GetObjectItemCaseSensitive(a, "at")->valuedouble;
        buf_printf(out, "  Note at %s: %s\n", p->labels[at - 1], report_doc_str(a, "text"));
    }
}

static void chart(const cJSON *ch, const struct render_options *o, struct buf *out)
{
    const char *kind = report_doc_str(ch, "kind");
    const char *title = report_doc_str(ch, "title");
    buf_printf(out, "\n%s%s(%s chart)\n", title ? title : "", title ? " " : "", kind);
    struct render_points p;
    char err[200];
    if (render_points(ch, o, &p, err, sizeof err) != 0) {
        buf_printf(out, "  (cannot analyse: %s)\n", err);
        render_points_free(&p);
        return;
    }
    if (p.n == 0)
        buf_puts(out, "  (no points)\n");
    chart_lines(ch, &p, out);
    chart_notes(ch, &p, out);
    render_points_free(&p);
}

static void block(const cJSON *b, const struct render_options *o, struct buf *out)
{
    const char *type = report_doc_str(b, "type");
    if (strcmp(type, "table") == 0) {
        table(b, out);
    } else if (strcmp(type, "chart") == 0) {
        chart(b, o, out);
    } else if (strcmp(type, "text") == 0) {
        buf_printf(out, "\n%s\n", report_doc_str(b, "text"));
    } else {
        buf_puts(out, "\n");
        const cJSON *items = cJSON_GetObjectItemCaseSensitive(b, "items");
        for (const cJSON *it = items->child; it; it = it->next) {
            buf_puts(out, "  - ");
            render_cell(it, "number", out);
            buf_puts(out, "\n");
        }
    }
}

int render_text(const cJSON *doc, const struct render_options *o, struct buf *out)
{
    buf_puts(out, "");
    header(doc, out);
    figures(doc, out);
    const cJSON *sections = cJSON_GetObjectItemCaseSensitive(doc, "sections");
    for (const cJSON *s = sections->child; s; s = s->next) {
        buf_puts(out, "\n");
        if (report_doc_bool(s, "page_break"))
            buf_puts(out, "\f\n");
        underline(out, report_doc_str(s, "title"), '-');
        if (report_doc_str(s, "text"))
            buf_printf(out, "%s\n", report_doc_str(s, "text"));
        const cJSON *blocks = cJSON_GetObjectItemCaseSensitive(s, "blocks");
        for (const cJSON *b = blocks->child; b; b = b->next)
            block(b, o, out);
    }
    return 0;
}
