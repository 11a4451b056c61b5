/* What every renderer shares: format names, cell formatting, chart points and their run-chart
 * analysis, HTML escaping, and the dispatch. */
#include "render.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "report_doc.h"

static const char *const format_names[] = {"text", "csv", "json", "html"};

void render_options_default(struct render_options *o)
{
    runchart_options_default(&o->rc);
    o->baseline = 0;
}

int render_format_parse(const char *name, enum render_format *out)
{
    for (size_t i = 0; i < ARRAY_LEN(format_names); i++)
        if (strcmp(name, format_names[i]) == 0) {
            *out = (enum render_format)i;
            return 0;
        }
    return -1;
}

const char *render_format_name(enum render_format f)
{
    return format_names[f];
}

int render_format_from_path(const char *path, enum render_format *out)
{
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash))
        return -1;
    static const struct {
        const char *ext;
        enum render_format f;
    } exts[] = {{".txt", RENDER_TEXT},  {".text", RENDER_TEXT}, {".csv", RENDER_CSV},
                {".json", RENDER_JSON}, {".html", RENDER_HTML}, {".htm", RENDER_HTML}};
    for (size_t i = 0; i < ARRAY_LEN(exts); i++)
        if (strcasecmp(dot, exts[i].ext) == 0) {
            *out = exts[i].f;
            return 0;
        }
    return -1;
}

int render_document(const cJSON *doc, enum render_format f, const struct render_options *o,
                    struct buf *out, char *err, size_t errlen)
{
    switch (f) {
    case RENDER_TEXT:
        return render_text(doc, o, out);
    case RENDER_CSV:
        return render_csv(doc, out, err, errlen);
    case RENDER_JSON:
        return render_json(doc, out);
    case RENDER_HTML:
        return render_html(doc, o, out);
    }
    return -1;
}

/* Rounds half away from zero at `places` decimals; the nudge keeps 0.0875 (stored as
 * 0.08749999...) from printing as 8.7%. */
static double round_places(double v, int places)
{
    double scale = pow(10, places);
    double x = v * scale;
    return round(x + copysign(1e-7, x)) / scale;
}

void render_number(double v, int places, struct buf *out)
{
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%.*f", places, round_places(v, places));
    if (places > 0) {
        char *end = tmp + strlen(tmp) - 1;
        while (*end == '0')
            *end-- = 0;
        if (*end == '.')
            *end = 0;
    }
    if (strcmp(tmp, "-0") == 0)
        strcpy(tmp, "0");
    buf_puts(out, tmp);
}

static void fixed(double v, int places, struct buf *out)
{
    char tmp[64];
    double r = round_places(v, places);
    snprintf(tmp, sizeof tmp, "%.*f", places, r == 0 ? 0.0 : r);
    buf_puts(out, tmp);
}

bool render_format_numeric(const char *format)
{
    return strcmp(format, "number") == 0 || strcmp(format, "integer") == 0 ||
           strcmp(format, "percent") == 0 || strcmp(format, "med") == 0;
}

void render_cell(const cJSON *v, const char *format, struct buf *out)
{
    if (!v || cJSON_IsNull(v))
        return;
    if (cJSON_IsBool(v)) {
        buf_puts(out, cJSON_IsTrue(v) ? "yes" : "no");
        return;
    }
    if (cJSON_IsString(v)) {
        buf_puts(out, v->valuestring);
        return;
    }
    double x = v->valuedouble;
    if (strcmp(format, "percent") == 0) {
        fixed(x * 100, 1, out);
        buf_puts(out, "%");
    } else if (strcmp(format, "med") == 0) {
        fixed(x, 1, out);
    } else if (strcmp(format, "integer") == 0) {
        fixed(x, 0, out);
    } else {
        render_number(x, 2, out);
    }
}

void render_chart_value(double v, const char *unit, struct buf *out)
{
    if (strcmp(unit, "percent") == 0) {
        fixed(v * 100, 1, out);
        buf_puts(out, "%");
    } else if (strcmp(unit, "count") == 0) {
        render_number(v, 1, out);
    } else {
        render_number(v, 2, out);
    }
}

int render_points(const cJSON *chart, const struct render_options *o, struct render_points *p,
                  char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    const cJSON *points = cJSON_GetObjectItemCaseSensitive(chart, "points");
    p->n = (size_t)cJSON_GetArraySize(points);
    p->values = xcalloc(p->n ? p->n : 1, sizeof *p->values);
    p->labels = xcalloc(p->n ? p->n : 1, sizeof *p->labels);
    size_t i = 0;
    for (const cJSON *pt = points->child; pt; pt = pt->next, i++) {
        p->values[i] = cJSON_GetObjectItemCaseSensitive(pt, "value")->valuedouble;
        p->labels[i] = report_doc_str(pt, "label");
    }
    if (strcmp(report_doc_str(chart, "kind"), "run") != 0 || p->n == 0)
        return 0;
    const cJSON *phases = cJSON_GetObjectItemCaseSensitive(chart, "phases");
    size_t nph = (size_t)cJSON_GetArraySize(phases), k = 0;
    struct rc_phase_in *in = xcalloc(nph ? nph : 1, sizeof *in);
    for (const cJSON *ph = phases ? phases->child : NULL; ph; ph = ph->next, k++) {
        in[k].start = (size_t)cJSON_GetObjectItemCaseSensitive(ph, "start")->valuedouble - 1;
        const cJSON *b = cJSON_GetObjectItemCaseSensitive(ph, "baseline");
        in[k].baseline = b ? (size_t)b->valuedouble : 0;
    }
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(chart, "baseline");
    size_t baseline = b ? (size_t)b->valuedouble : o->baseline;
    int rc = runchart_analyze(p->values, p->labels, p->n, in, nph, baseline, &o->rc, &p->rc, err,
                              errlen);
    free(in);
    p->analysed = rc == 0;
    return rc;
}

void render_points_free(struct render_points *p)
{
    free(p->values);
    free(p->labels);
    runchart_free(&p->rc);
    memset(p, 0, sizeof *p);
}

/* Length of the valid UTF-8 sequence at s, or 0 when the bytes are not valid UTF-8. */
static size_t utf8_len(const unsigned char *s)
{
    size_t n = s[0] < 0x80         ? 1
               : (s[0] >> 5) == 6  ? 2
               : (s[0] >> 4) == 14 ? 3
               : (s[0] >> 3) == 30 ? 4
                                   : 0;
    if (n == 0 || (n == 2 && s[0] < 0xC2))
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return n;
}

/* Control characters and invalid UTF-8 would make the page ill-formed, so they are dropped or
 * replaced rather than passed through. */
void html_escape(struct buf *out, const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    while (*s) {
        size_t n = utf8_len(s);
        const char *rep = NULL;
        switch (*s) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        default:
            break;
        }
        if (rep) {
            buf_puts(out, rep);
        } else if (n == 0) {
            buf_puts(out, "\xEF\xBF\xBD");
            n = 1;
        } else if (*s >= 0x20 || *s == '\n' || *s == '\t') {
            buf_append(out, (const char *)s, n);
        }
        s += n ? n : 1;
    }
}
