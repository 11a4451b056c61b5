/* One self-contained HTML page: inline CSS with print rules, inline SVG charts, no scripts and
 * no link that leaves the page, so a report can be mailed, archived or printed as it is. The
 * markup is also well-formed XML (every element closed, only XML's own entities), which lets
 * the tests parse it strictly. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "report_doc.h"

static const char css[] =
    "*{box-sizing:border-box}\n"
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;"
    "color:#1b1b1b;margin:0 auto;max-width:1100px;padding:24px;line-height:1.4}\n"
    "h1{font-size:1.6em;margin:0 0 4px}\n"
    "h2{font-size:1.25em;border-bottom:2px solid #d0d7de;padding-bottom:4px;margin-top:32px}\n"
    "h3{font-size:1.05em;margin:20px 0 8px}\n"
    ".subtitle{color:#444;margin:0 0 12px}\n"
    "dl.params{display:grid;grid-template-columns:max-content auto;gap:2px 16px;margin:8px 0 "
    "16px}\n"
    "dl.params dt{font-weight:600}dl.params dd{margin:0}\n"
    ".figures{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}\n"
    ".figure{border:1px solid #d0d7de;border-radius:6px;padding:10px 14px;min-width:150px;"
    "color:inherit;text-decoration:none;display:block}\n"
    "a.figure:hover{border-color:#0b5cad}\n"
    ".figure-value{font-size:1.6em;font-weight:700;display:block}\n"
    ".figure-label{display:block}.figure-note{display:block;color:#555;font-size:.9em}\n"
    "nav.toc ul{padding-left:20px;margin:4px 0}\n"
    "table{border-collapse:collapse;margin:8px 0 16px;width:100%}\n"
    "caption{text-align:left;font-weight:600;padding:4px 0}\n"
    "th,td{border-bottom:1px solid #d8dee4;padding:4px 8px;text-align:left;vertical-align:top}\n"
    "th{background:#f3f5f7;border-bottom:2px solid #b8c0c8}\n"
    "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}\n"
    "td a{color:#0b5cad}\n"
    "figure.chart{margin:12px 0 20px}figure.chart svg{max-width:100%;height:auto}\n"
    "figcaption{font-size:.92em;color:#333}\n"
    "figcaption ul,figcaption ol{margin:4px 0;padding-left:20px}\n"
    "footer{margin-top:40px;font-size:.85em;color:#555;border-top:1px solid #d0d7de;"
    "padding-top:8px}\n"
    "@page{size:auto;margin:14mm}\n"
    "@media print{body{max-width:none;padding:0;font-size:10.5pt}nav.toc{display:none}"
    "section.page-break{break-before:page;page-break-before:always}"
    "thead{display:table-header-group}tr,figure.chart,.figure{break-inside:avoid;"
    "page-break-inside:avoid}h2,h3{break-after:avoid;page-break-after:avoid}"
    "a{color:inherit;text-decoration:none}}\n";

static void esc(struct buf *out, const char *s)
{
    html_escape(out, s ? s : "");
}

static void head(const cJSON *doc, struct buf *out)
{
    buf_puts(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n"
                  "<title>");
    esc(out, report_doc_str(doc, "title"));
    if (report_doc_str(doc, "subtitle")) {
        buf_puts(out, " — ");
        esc(out, report_doc_str(doc, "subtitle"));
    }
    buf_printf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", css);
}

static void cell_text(struct buf *out, const cJSON *v, const char *format)
{
    struct buf t = {0};
    buf_puts(&t, "");
    render_cell(v, format, &t);
    esc(out, t.data);
    buf_free(&t);
}

static void header(const cJSON *doc, struct buf *out)
{
    buf_puts(out, "<header>\n<h1>");
    esc(out, report_doc_str(doc, "title"));
    buf_puts(out, "</h1>\n");
    if (report_doc_str(doc, "subtitle")) {
        buf_puts(out, "<p class=\"subtitle\">");
        esc(out, report_doc_str(doc, "subtitle"));
        buf_puts(out, "</p>\n");
    }
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(doc, "params");
    if (params->child) {
        buf_puts(out, "<dl class=\"params\">\n");
        for (const cJSON *p = params->child; p; p = p->next) {
            buf_puts(out, "<dt>");
            esc(out, report_doc_str(p, "label"));
            buf_puts(out, "</dt><dd>");
            cell_text(out, cJSON_GetObjectItemCaseSensitive(p, "value"), "number");
            buf_puts(out, "</dd>\n");
        }
        buf_puts(out, "</dl>\n");
    }
    buf_puts(out, "</header>\n");
}

static void figures(const cJSON *doc, struct buf *out)
{
    const cJSON *figs = cJSON_GetObjectItemCaseSensitive(doc, "figures");
    if (!figs->child)
        return;
    buf_puts(out, "<section class=\"figures\" aria-label=\"Key figures\">\n");
    for (const cJSON *f = figs->child; f; f = f->next) {
        const char *href = report_doc_str(f, "href");
        if (href) {
            buf_puts(out, "<a class=\"figure\" href=\"");
            esc(out, href);
            buf_puts(out, "\">");
        } else {
            buf_puts(out, "<div class=\"figure\">");
        }
        buf_puts(out, "<span class=\"figure-value\">");
        cell_text(out, cJSON_GetObjectItemCaseSensitive(f, "value"), "number");
        esc(out, report_doc_str(f, "unit"));
        buf_puts(out, "</span><span class=\"figure-label\">");
        esc(out, report_doc_str(f, "label"));
        buf_puts(out, "</span>");
        if (report_doc_str(f, "note")) {
            buf_puts(out, "<span class=\"figure-note\">");
            esc(out, report_doc_str(f, "note"));
            buf_puts(out, "</span>");
        }
        buf_puts(out, href ? "</a>\n" : "</div>\n");
    }
    buf_puts(out, "</section>\n");
}

/* A table of contents for screens; hidden when printed. */
static void toc(const cJSON *doc, struct buf *out)
{
    const cJSON *sections = cJSON_GetObjectItemCaseSensitive(doc, "sections");
    int linked = 0;
    for (const cJSON *s = sections->child; s; s = s->next)
        linked += report_doc_str(s, "id") != NULL;
    if (linked < 2)
        return;
    buf_puts(out, "<nav class=\"toc\" aria-label=\"Contents\">\n<ul>\n");
    for (const cJSON *s = sections->child; s; s = s->next) {
        if (!report_doc_str(s, "id"))
            continue;
        buf_puts(out, "<li><a href=\"#");
        esc(out, report_doc_str(s, "id"));
        buf_puts(out, "\">");
        esc(out, report_doc_str(s, "title"));
        buf_puts(out, "</a></li>\n");
    }
    buf_puts(out, "</ul>\n</nav>\n");
}

static void id_attr(struct buf *out, const cJSON *obj)
{
    if (!report_doc_str(obj, "id"))
        return;
    buf_puts(out, " id=\"");
    esc(out, report_doc_str(obj, "id"));
    buf_puts(out, "\"");
}

static void table_cell(struct buf *out, const cJSON *row, const cJSON *col)
{
    const char *key = report_doc_str(col, "key");
    const char *format = report_doc_str(col, "format");
    buf_puts(out, render_format_numeric(format) ? "<td class=\"num\">" : "<td>");
    const char *href = report_doc_str(cJSON_GetObjectItemCaseSensitive(row, "_href"), key);
    if (href) {
        buf_puts(out, "<a href=\"");
        esc(out, href);
        buf_puts(out, "\">");
    }
    cell_text(out, cJSON_GetObjectItemCaseSensitive(row, key), format);
    buf_puts(out, href ? "</a></td>" : "</td>");
}

static void table(const cJSON *t, struct buf *out)
{
    const cJSON *cols = cJSON_GetObjectItemCaseSensitive(t, "columns");
    const cJSON *rows = cJSON_GetObjectItemCaseSensitive(t, "rows");
    buf_puts(out, "<table");
    id_attr(out, t);
    buf_puts(out, ">\n");
    if (report_doc_str(t, "title")) {
        buf_puts(out, "<caption>");
        esc(out, report_doc_str(t, "title"));
        buf_puts(out, "</caption>\n");
    }
    buf_puts(out, "<thead><tr>");
    for (const cJSON *c = cols->child; c; c = c->next) {
        buf_puts(out, render_format_numeric(report_doc_str(c, "format"))
                          ? "<th scope=\"col\" class=\"num\">"
                          : "<th scope=\"col\">");
        esc(out, report_doc_str(c, "title"));
        buf_puts(out, "</th>");
    }
    buf_puts(out, "</tr></thead>\n<tbody>\n");
    for (const cJSON *r = rows->child; r; r = r->next) {
        buf_puts(out, "<tr>");
        for (const cJSON *c = cols->child; c; c = c->next)
            table_cell(out, r, c);
        buf_puts(out, "</tr>\n");
    }
    if (!rows->child)
        buf_printf(out, "<tr><td colspan=\"%d\">No rows.</td></tr>\n", cJSON_GetArraySize(cols));
    buf_puts(out, "</tbody>\n</table>\n");
}

/* Under each chart, in words: medians, signals, goal and notes, so nothing depends on colour
 * and everything survives black-and-white printing. */
static void chart_caption(const cJSON *ch, const struct render_options *o, struct buf *out)
{
    struct render_points p;
    char err[200];
    int rc = render_points(ch, o, &p, err, sizeof err);
    const char *unit = report_doc_str(ch, "unit");
    buf_puts(out, "<figcaption>\n");
    if (rc != 0) {
        buf_puts(out, "<p>Cannot analyse this run chart: ");
        esc(out, err);
        buf_puts(out, "</p>\n");
    }
    if (p.analysed) {
        buf_puts(out, "<p>");
        for (size_t k = 0; k < p.rc.nphases; k++) {
            const struct rc_phase *ph = &p.rc.phases[k];
            struct buf m = {0};
            render_chart_value(ph->median, unit, &m);
            buf_printf(out, "%sMedian %s from ", k ? "; " : "", m.data);
            esc(out, p.labels[ph->start]);
            buf_printf(out, " (set by %zu point%s)", ph->baseline, ph->baseline == 1 ? "" : "s");
            buf_free(&m);
        }
        buf_puts(out, ".</p>\n");
        if (p.rc.nsignals == 0)
            buf_puts(out, "<p>No run-chart signals: the variation looks random.</p>\n");
        else
            buf_puts(out, "<p>Signals:</p>\n<ul class=\"signals\">\n");
        for (size_t k = 0; k < p.rc.nsignals; k++) {
            buf_puts(out, "<li>");
            esc(out, p.rc.signals[k].text);
            buf_puts(out, "</li>\n");
        }
        if (p.rc.nsignals)
            buf_puts(out, "</ul>\n");
    }
    const cJSON *notes = cJSON_GetObjectItemCaseSensitive(ch, "annotations");
    if (notes && notes->child) {
        buf_puts(out, "<ol class=\"annotations\">\n");
        for (const cJSON *a = notes->child; a; a = a->next) {
            int at = (int)cJSON_GetObjectItemCaseSensitive(a, "at")->valuedouble;
            buf_puts(out, "<li>");
            esc(out, p.labels[at - 1]);
            buf_puts(out, ": ");
            esc(out, report_doc_str(a, "text"));
            buf_puts(out, "</li>\n");
        }
        buf_puts(out, "</ol>\n");
    }
    buf_puts(out, "</figcaption>\n");
    render_points_free(&p);
}

static void chart(const cJSON *ch, const struct render_options *o, int uid, struct buf *out)
{
    buf_puts(out, "<figure class=\"chart\">\n");
    if (report_doc_str(ch, "title")) {
        buf_puts(out, "<h3>");
        esc(out, report_doc_str(ch, "title"));
        buf_puts(out, "</h3>\n");
    }
    render_svg_chart(ch, o, uid, out);
    chart_caption(ch, o, out);
    buf_puts(out, "</figure>\n");
}

static void block(const cJSON *b, const struct render_options *o, int *uid, struct buf *out)
{
    const char *type = report_doc_str(b, "type");
    if (strcmp(type, "table") == 0) {
        table(b, out);
    } else if (strcmp(type, "chart") == 0) {
        chart(b, o, ++*uid, out);
    } else if (strcmp(type, "text") == 0) {
        buf_puts(out, "<p>");
        esc(out, report_doc_str(b, "text"));
        buf_puts(out, "</p>\n");
    } else {
        buf_puts(out, "<ul>\n");
        const cJSON *items = cJSON_GetObjectItemCaseSensitive(b, "items");
        for (const cJSON *it = items->child; it; it = it->next) {
            buf_puts(out, "<li>");
            cell_text(out, it, "number");
            buf_puts(out, "</li>\n");
        }
        buf_puts(out, "</ul>\n");
    }
}

int render_html(const cJSON *doc, const struct render_options *o, struct buf *out)
{
    head(doc, out);
    header(doc, out);
    figures(doc, out);
    toc(doc, out);
    buf_puts(out, "<main>\n");
    int uid = 0;
    const cJSON *sections = cJSON_GetObjectItemCaseSensitive(doc, "sections");
    for (const cJSON *s = sections->child; s; s = s->next) {
        buf_puts(out,
                 report_doc_bool(s, "page_break") ? "<section class=\"page-break\"" : "<section");
        id_attr(out, s);
        buf_puts(out, ">\n<h2>");
        esc(out, report_doc_str(s, "title"));
        buf_puts(out, "</h2>\n");
        if (report_doc_str(s, "text")) {
            buf_puts(out, "<p>");
            esc(out, report_doc_str(s, "text"));
            buf_puts(out, "</p>\n");
        }
        const cJSON *blocks = cJSON_GetObjectItemCaseSensitive(s, "blocks");
        for (const cJSON *b = blocks->child; b; b = b->next)
            block(b, o, &uid, out);
        buf_puts(out, "</section>\n");
    }
    buf_puts(out, "</main>\n<footer>Produced by sixbb. This report may hold protected health "
                  "information: keep and share it only as your clinic's privacy policy allows."
                  "</footer>\n</body>\n</html>\n");
    return 0;
}
