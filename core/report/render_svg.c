/* Charts as inline SVG: axes with rounded ticks, the values as a line (run and line charts) or
 * bars, and for run charts the dashed median of each phase, phase boundaries, the goal line,
 * numbered annotations and the points that belong to a signal drawn in another colour AND
 * another shape (square shift, triangle trend, diamond astronomical) with a legend, so the
 * chart still reads in black and white. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "report_doc.h"

#define W 760.0
#define H 330.0
#define LEFT 70.0
#define RIGHT (W - 130.0)
#define TOP 34.0
#define BOTTOM (H - 76.0)

#define C_VALUE "#0b5cad"
#define C_SIGNAL "#d9480f"
#define C_SIGNAL_EDGE "#7a2600"
#define C_GOAL "#1a7f37"
#define C_MEDIAN "#444444"

struct frame {
    size_t n;
    double lo, hi;
    const char *unit;
};

static double px(const struct frame *f, size_t i)
{
    return LEFT + ((double)i + 0.5) * (RIGHT - LEFT) / (double)(f->n ? f->n : 1);
}

static double py(const struct frame *f, double v)
{
    return BOTTOM - (v - f->lo) / (f->hi - f->lo) * (BOTTOM - TOP);
}

static double nice_step(double span)
{
    double e = pow(10, floor(log10(span)));
    double m = span / e;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * e;
}

/* The y range covers the values, medians and goal; counts and percentages start at zero. */
static void scale(struct frame *f, const struct render_points *p, const cJSON *goal)
{
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < p->n; i++) {
        lo = fmin(lo, p->values[i]);
        hi = fmax(hi, p->values[i]);
        if (p->analysed) {
            lo = fmin(lo, p->rc.center[i]);
            hi = fmax(hi, p->rc.center[i]);
        }
    }
    if (goal) {
        lo = fmin(lo, goal->valuedouble);
        hi = fmax(hi, goal->valuedouble);
    }
    if (!isfinite(lo))
        lo = 0, hi = 1;
    if (strcmp(f->unit, "number") != 0 && lo > 0)
        lo = 0;
    if (hi - lo < 1e-12)
        hi = lo + (fabs(lo) > 0 ? fabs(lo) : 1);
    double step = nice_step((hi - lo) / 5);
    f->lo = floor(lo / step) * step;
    f->hi = ceil(hi / step) * step;
    if (f->hi <= f->lo)
        f->hi = f->lo + step;
}

static void esc(struct buf *out, const char *s)
{
    html_escape(out, s ? s : "");
}

static void text_at(struct buf *out, double x, double y, const char *anchor, const char *attrs,
                    const char *s)
{
    buf_printf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s>", x, y, anchor, attrs);
    esc(out, s);
    buf_puts(out, "</text>\n");
}

static void axes(struct buf *out, const struct frame *f, const struct render_points *p)
{
    double step = nice_step((f->hi - f->lo) / 5);
    for (double v = f->lo; v <= f->hi + step / 2; v += step) {
        double y = py(f, v);
        struct buf lab = {0};
        render_chart_value(fabs(v) < step / 1e6 ? 0 : v, f->unit, &lab);
        buf_printf(out,
                   "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e3e7eb\" />\n",
                   LEFT, y, RIGHT, y);
        text_at(out, LEFT - 6, y + 4, "end", "", lab.data);
        buf_free(&lab);
    }
    buf_printf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555\" />\n",
               LEFT, TOP, LEFT, BOTTOM);
    buf_printf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555\" />\n",
               LEFT, BOTTOM, RIGHT, BOTTOM);
    /* Skip labels so that they never overlap: about 6.5 units per character at this size. */
    size_t longest = 1;
    for (size_t i = 0; i < p->n; i++)
        if (strlen(p->labels[i]) > longest)
            longest = strlen(p->labels[i]);
    double slot = (RIGHT - LEFT) / (double)(p->n ? p->n : 1);
    size_t every = (size_t)ceil(((double)longest * 6.5 + 10) / slot);
    if (every < 1)
        every = 1;
    for (size_t i = 0; i < p->n; i += every)
        text_at(out, px(f, i), BOTTOM + 16, "middle", "", p->labels[i]);
}

static void run_lines(struct buf *out, const struct frame *f, const struct render_points *p,
                      const cJSON *ch)
{
    const cJSON *phases = cJSON_GetObjectItemCaseSensitive(ch, "phases");
    const cJSON *ph_in = phases ? phases->child : NULL;
    for (size_t k = 0; k < p->rc.nphases; k++) {
        const struct rc_phase *ph = &p->rc.phases[k];
        double x0 = px(f, ph->start) - 6, x1 = px(f, ph->end - 1) + 6, y = py(f, ph->median);
        if (k > 0) {
            double xb = (px(f, ph->start - 1) + px(f, ph->start)) / 2;
            buf_printf(out,
                       "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#888\" "
                       "stroke-dasharray=\"2 3\" />\n",
                       xb, TOP - 14, xb, BOTTOM);
            const char *label = ph_in ? report_doc_str(ph_in, "label") : NULL;
            text_at(out, xb + 4, TOP - 18, "start", " font-style=\"italic\"",
                    label ? label : "New phase");
            if (ph_in)
                ph_in = ph_in->next;
        }
        buf_printf(out,
                   "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" C_MEDIAN
                   "\" stroke-width=\"1.5\" stroke-dasharray=\"8 5\" />\n",
                   x0, y, x1, y);
        /* The last median is labelled in the right margin, earlier ones above their line's end,
         * where the data are least likely to cover them. */
        struct buf lab = {0};
        buf_puts(&lab, "median ");
        render_chart_value(ph->median, f->unit, &lab);
        if (k + 1 == p->rc.nphases)
            text_at(out, RIGHT + 6, y + 4, "start", " fill=\"" C_MEDIAN "\"", lab.data);
        else
            text_at(out, x1, y - 6, "end", " font-size=\"10\" fill=\"" C_MEDIAN "\"", lab.data);
        buf_free(&lab);
    }
}

static void goal_line(struct buf *out, const struct frame *f, const cJSON *ch)
{
    const cJSON *goal = cJSON_GetObjectItemCaseSensitive(ch, "goal");
    if (!goal)
        return;
    double y = py(f, goal->valuedouble);
    buf_printf(out,
               "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" C_GOAL
               "\" stroke-width=\"2\" stroke-dasharray=\"2 4\" />\n",
               LEFT, y, RIGHT, y);
    struct buf lab = {0};
    buf_puts(&lab, "goal ");
    render_chart_value(goal->valuedouble, f->unit, &lab);
    text_at(out, RIGHT + 6, y + 4, "start", " fill=\"" C_GOAL "\"", lab.data);
    buf_free(&lab);
}

static void annotations(struct buf *out, const struct frame *f, const cJSON *ch)
{
    const cJSON *notes = cJSON_GetObjectItemCaseSensitive(ch, "annotations");
    int k = 0;
    for (const cJSON *a = notes ? notes->child : NULL; a; a = a->next) {
        size_t at = (size_t)cJSON_GetObjectItemCaseSensitive(a, "at")->valuedouble - 1;
        double x = px(f, at);
        char num[16];
        snprintf(num, sizeof num, "%d", ++k);
        buf_printf(out,
                   "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#bbb\" />\n", x,
                   TOP + 8, x, BOTTOM);
        buf_printf(out,
                   "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"8\" fill=\"#fff\" stroke=\"#555\">"
                   "<title>",
                   x, TOP);
        esc(out, report_doc_str(a, "text"));
        buf_puts(out, "</title></circle>\n");
        text_at(out, x, TOP + 4, "middle", " font-size=\"10\"", num);
    }
}

/* Opens the element for a point: a circle, or the shape of the strongest rule it belongs to.
 * Returns the element's name so the caller can add a title and close it. */
static const char *marker(struct buf *out, double x, double y, unsigned flags)
{
    if (flags & RC_FLAG_ASTRONOMICAL)
        buf_printf(out,
                   "<polygon points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f\" fill=\"" C_SIGNAL
                   "\" stroke=\"" C_SIGNAL_EDGE "\"",
                   x, y - 7, x + 7, y, x, y + 7, x - 7, y);
    if (flags & RC_FLAG_ASTRONOMICAL)
        return "polygon";
    if (flags & RC_FLAG_SHIFT)
        buf_printf(out,
                   "<rect x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"10\" fill=\"" C_SIGNAL
                   "\" stroke=\"" C_SIGNAL_EDGE "\"",
                   x - 5, y - 5);
    if (flags & RC_FLAG_SHIFT)
        return "rect";
    if (flags & RC_FLAG_TREND)
        buf_printf(out,
                   "<polygon points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f\" fill=\"" C_SIGNAL
                   "\" stroke=\"" C_SIGNAL_EDGE "\"",
                   x, y - 7, x + 6.5, y + 5, x - 6.5, y + 5);
    if (flags & RC_FLAG_TREND)
        return "polygon";
    buf_printf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"" C_VALUE "\"", x, y);
    return "circle";
}

static void data(struct buf *out, const struct frame *f, const struct render_points *p, bool bars)
{
    if (bars) {
        double bw = (RIGHT - LEFT) / (double)(p->n ? p->n : 1) * 0.7;
        double base = py(f, fmin(fmax(0, f->lo), f->hi));
        for (size_t i = 0; i < p->n; i++) {
            double y = py(f, p->values[i]);
            buf_printf(out,
                       "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"" C_VALUE
                       "\">",
                       px(f, i) - bw / 2, fmin(y, base), bw, fabs(base - y));
            struct buf t = {0};
            render_chart_value(p->values[i], f->unit, &t);
            buf_puts(out, "<title>");
            esc(out, p->labels[i]);
            buf_puts(out, ": ");
            esc(out, t.data);
            buf_puts(out, "</title></rect>\n");
            buf_free(&t);
        }
        return;
    }
    buf_puts(out, "<polyline fill=\"none\" stroke=\"" C_VALUE "\" stroke-width=\"2\" points=\"");
    for (size_t i = 0; i < p->n; i++)
        buf_printf(out, "%s%.1f,%.1f", i ? " " : "", px(f, i), py(f, p->values[i]));
    buf_puts(out, "\" />\n");
    for (size_t i = 0; i < p->n; i++) {
        const char *tag =
            marker(out, px(f, i), py(f, p->values[i]), p->analysed ? p->rc.flags[i] : 0);
        struct buf t = {0};
        render_chart_value(p->values[i], f->unit, &t);
        buf_puts(out, "><title>");
        esc(out, p->labels[i]);
        buf_puts(out, ": ");
        esc(out, t.data);
        buf_printf(out, "</title></%s>\n", tag);
        buf_free(&t);
    }
}

/* The legend lists only what the chart shows. */
static void legend(struct buf *out, const struct render_points *p, const cJSON *ch, bool bars)
{
    unsigned seen = 0;
    for (size_t i = 0; p->analysed && i < p->n; i++)
        seen |= p->rc.flags[i];
    double x = LEFT, y = H - 16;
    struct {
        bool show;
        unsigned flags;
        const char *label;
    } items[] = {
        {true, 0, "value"},
        {p->analysed, 0x100, "median"},
        {cJSON_GetObjectItemCaseSensitive(ch, "goal") != NULL, 0x200, "goal"},
        {(seen & RC_FLAG_SHIFT) != 0, RC_FLAG_SHIFT, "shift"},
        {(seen & RC_FLAG_TREND) != 0, RC_FLAG_TREND, "trend"},
        {(seen & RC_FLAG_ASTRONOMICAL) != 0, RC_FLAG_ASTRONOMICAL, "astronomical point"},
    };
    buf_puts(out, "<g class=\"legend\">\n");
    for (size_t i = 0; i < ARRAY_LEN(items); i++) {
        if (!items[i].show)
            continue;
        if (items[i].flags == 0x100 || items[i].flags == 0x200)
            buf_printf(out,
                       "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                       "stroke-width=\"2\" stroke-dasharray=\"%s\" />\n",
                       x, y - 4, x + 22, y - 4, items[i].flags == 0x100 ? C_MEDIAN : C_GOAL,
                       items[i].flags == 0x100 ? "8 5" : "2 4");
        else if (bars && items[i].flags == 0)
            buf_printf(out,
                       "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"10\" fill=\"" C_VALUE
                       "\" />\n",
                       x + 5, y - 9);
        else {
            marker(out, x + 11, y - 4, items[i].flags);
            buf_puts(out, " />\n");
        }
        text_at(out, x + 28, y, "start", "", items[i].label);
        x += 40 + 6.5 * (double)strlen(items[i].label);
    }
    buf_puts(out, "</g>\n");
}

static void description(struct buf *out, const cJSON *ch, const struct render_points *p)
{
    buf_printf(out, "%s chart of %zu point%s", report_doc_str(ch, "kind"), p->n,
               p->n == 1 ? "" : "s");
    if (p->n) {
        buf_puts(out, " from ");
        esc(out, p->labels[0]);
        buf_puts(out, " to ");
        esc(out, p->labels[p->n - 1]);
    }
    buf_puts(out, ".");
    for (size_t k = 0; p->analysed && k < p->rc.nsignals; k++) {
        buf_puts(out, " ");
        esc(out, p->rc.signals[k].text);
        buf_puts(out, ".");
    }
}

void render_svg_chart(const cJSON *ch, const struct render_options *o, int uid, struct buf *out)
{
    struct render_points p;
    char err[200];
    render_points(ch, o, &p, err, sizeof err);
    struct frame f = {.n = p.n, .unit = report_doc_str(ch, "unit")};
    scale(&f, &p, cJSON_GetObjectItemCaseSensitive(ch, "goal"));
    bool bars = strcmp(report_doc_str(ch, "kind"), "bar") == 0;
    buf_printf(out,
               "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" "
               "height=\"%.0f\" font-size=\"11\" aria-labelledby=\"chart%d-title chart%d-desc\">\n",
               W, H, W, H, uid, uid);
    buf_printf(out, "<title id=\"chart%d-title\">", uid);
    esc(out, report_doc_str(ch, "title") ? report_doc_str(ch, "title") : "Chart");
    buf_printf(out, "</title>\n<desc id=\"chart%d-desc\">", uid);
    description(out, ch, &p);
    buf_puts(out, "</desc>\n");
    buf_printf(out, "<rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" fill=\"#ffffff\" />\n", W,
               H);
    axes(out, &f, &p);
    if (p.analysed)
        run_lines(out, &f, &p, ch);
    goal_line(out, &f, ch);
    annotations(out, &f, ch);
    data(out, &f, &p, bars);
    legend(out, &p, ch, bars);
    buf_puts(out, "</svg>\n");
    render_points_free(&p);
}
