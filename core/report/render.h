/* Rendering a canonical report document (report_doc.h) as text for a terminal, CSV of its main
 * table, JSON, or one self-contained printable HTML page with inline SVG charts. Renderers only
 * read the document and append to a buffer; writing files is the caller's business. */
#ifndef SIXBB_RENDER_H
#define SIXBB_RENDER_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "runchart.h"
#include "util.h"

enum render_format { RENDER_TEXT, RENDER_CSV, RENDER_JSON, RENDER_HTML };

struct render_options {
    struct rc_options rc; /* run-chart rules */
    size_t baseline;      /* default baseline of run charts that give none; 0 = all points */
};
void render_options_default(struct render_options *o);

/* "text", "csv", "json", "html". Returns 0, or -1 for an unknown name. */
int render_format_parse(const char *name, enum render_format *out);
const char *render_format_name(enum render_format f);
/* From a file name's extension (.txt, .csv, .json, .html, .htm). 0, or -1 when unknown. */
int render_format_from_path(const char *path, enum render_format *out);

/* Renders doc into out. Returns 0, or -1 with err set (CSV of a document without a table). */
int render_document(const cJSON *doc, enum render_format f, const struct render_options *o,
                    struct buf *out, char *err, size_t errlen);

int render_text(const cJSON *doc, const struct render_options *o, struct buf *out);
int render_csv(const cJSON *doc, struct buf *out, char *err, size_t errlen);
int render_json(const cJSON *doc, struct buf *out);
int render_html(const cJSON *doc, const struct render_options *o, struct buf *out);
/* One chart block as an <svg> element; uid makes its element ids unique in the page. */
void render_svg_chart(const cJSON *chart, const struct render_options *o, int uid, struct buf *out);

/* ---- shared by the renderers (render_common.c) ---- */

/* A cell as people read it: percent and MED with one decimal, integers rounded, booleans as
 * yes/no, strings as given. format is a column format ("text", "percent", ...). */
void render_cell(const cJSON *v, const char *format, struct buf *out);
/* Whether a column of this format is aligned right. */
bool render_format_numeric(const char *format);
/* A chart value in its unit ("percent": 0.12 -> "12.0%"). */
void render_chart_value(double v, const char *unit, struct buf *out);
/* A number with at most `places` decimals and no trailing zeros. */
void render_number(double v, int places, struct buf *out);

/* The points of a chart block, and for run charts the analysis; free with render_points_free. */
struct render_points {
    size_t n;
    double *values;
    const char **labels;
    bool analysed;
    struct rc_result rc;
};
int render_points(const cJSON *chart, const struct render_options *o, struct render_points *p,
                  char *err, size_t errlen);
void render_points_free(struct render_points *p);

/* Appends s with & < > " ' escaped for HTML text and attribute values. */
void html_escape(struct buf *out, const char *s);

#endif
