/* Cron expressions: parsing into bit sets, and the next-fire search.
 *
 * The search walks calendar days that match (jumping whole months with bit masks), and within a
 * day only the minutes the expression names; each wall-clock minute is mapped to an instant by
 * the zone. That keeps a search cheap whatever the expression, and makes "never fires" a bounded
 * question: the Gregorian calendar repeats every 400 years. */
#include "cron.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "date.h"
#include "util.h"

#define DAY_SECONDS 86400
#define GREGORIAN_CYCLE_DAYS 146097 /* 400 years */

struct field {
    const char *name;
    int min, max;             /* values accepted as written; day-of-week takes 7 for Sunday */
    int star_max;             /* what '*' covers (day-of-week: 0-6) */
    const char *const *names; /* three-letter names for name_base, name_base + 1, ... or NULL */
    int nnames, name_base;
};

static const char *const month_names[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                          "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
static const char *const day_names[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

enum { F_MINUTE, F_HOUR, F_MDAY, F_MONTH, F_WDAY, NFIELDS };

static const struct field fields[NFIELDS] = {
    {"minute", 0, 59, 59, NULL, 0, 0},
    {"hour", 0, 23, 23, NULL, 0, 0},
    {"day-of-month", 1, 31, 31, NULL, 0, 1},
    {"month", 1, 12, 12, month_names, ARRAY_LEN(month_names), 1},
    {"day-of-week", 0, 7, 6, day_names, ARRAY_LEN(day_names), 0},
};

static const struct {
    const char *name, *expansion;
} macros[] = {
    {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"},
    {"@weekly", "0 0 * * 0"}, {"@daily", "0 0 * * *"},    {"@midnight", "0 0 * * *"},
    {"@hourly", "0 * * * *"},
};

/* Where a parse is, so that every message can name the field and quote the expression. */
struct parser {
    const char *expr;
    const struct field *f;
    int index;
    char *err;
    size_t errlen;
};

static int fail(const struct parser *ps, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int fail(const struct parser *ps, const char *fmt, ...)
{
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (ps->err && ps->errlen)
        snprintf(ps->err, ps->errlen, "cron: field %d (%s) %s in \"%s\"", ps->index + 1,
                 ps->f->name, what, ps->expr);
    return -1;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

static const char *item_text_end(const char *p, const char *end, bool (*cls)(char))
{
    while (p < end && cls(*p))
        p++;
    return p;
}

/* A number or, where the field has them, a three-letter name. Returns the end or NULL. */
static const char *parse_value(const struct parser *ps, const char *s, const char *item,
                               const char *end, int *out)
{
    const struct field *f = ps->f;
    if (is_digit(*s)) {
        const char *e = item_text_end(s, end, is_digit);
        long v = 0;
        for (const char *p = s; p < e && v <= 1000; p++)
            v = v * 10 + (*p - '0');
        if (v < f->min || v > f->max) {
            fail(ps, "value %.*s is out of range %d-%d", (int)(e - s), s, f->min, f->max);
            return NULL;
        }
        *out = (int)v;
        return e;
    }
    const char *e = item_text_end(s, end, is_alpha);
    if (e == s || !f->names) {
        fail(ps, "has unexpected text \"%.*s\"", (int)(end - item), item);
        return NULL;
    }
    for (int i = 0; e - s == 3 && i < f->nnames; i++) {
        if (strncasecmp(s, f->names[i], 3) == 0) {
            *out = f->name_base + i;
            return e;
        }
    }
    fail(ps, "has unknown name \"%.*s\"", (int)(e - s), s);
    return NULL;
}

static const char *parse_step(const struct parser *ps, const char *s, const char *item,
                              const char *end, int *step)
{
    const char *e = item_text_end(s, end, is_digit);
    if (e == s) {
        fail(ps, "has unexpected text \"%.*s\"", (int)(end - item), item);
        return NULL;
    }
    long v = 0;
    for (const char *p = s; p < e && v <= 1000; p++)
        v = v * 10 + (*p - '0');
    int span = ps->f->star_max - ps->f->min + 1;
    if (v < 1 || v > span) {
        fail(ps, "step %.*s is out of range 1-%d", (int)(e - s), s, span);
        return NULL;
    }
    *step = (int)v;
    return e;
}

/* One list item: a star, a value N or a range N-M, optionally followed by a step "/S". A value
 * with a step runs from N to the field's end, as cronie reads it. */
static int parse_item(const struct parser *ps, const char *item, const char *end, uint64_t *bits)
{
    const struct field *f = ps->f;
    const char *p = item;
    int lo, hi, step = 1;
    bool range = false;
    if (*p == '*') {
        lo = f->min;
        hi = f->star_max;
        p++;
        range = true;
    } else {
        if (!(p = parse_value(ps, p, item, end, &lo)))
            return -1;
        hi = lo;
        if (p < end && *p == '-') {
            if (p + 1 >= end)
                return fail(ps, "has unexpected text \"%.*s\"", (int)(end - item), item);
            if (!(p = parse_value(ps, p + 1, item, end, &hi)))
                return -1;
            range = true;
        }
    }
    if (p < end && *p == '/') {
        if (!(p = parse_step(ps, p + 1, item, end, &step)))
            return -1;
        if (!range)
            hi = f->star_max;
    }
    if (p != end)
        return fail(ps, "has unexpected text \"%.*s\"", (int)(end - item), item);
    /* Sunday is both 0 and 7, so "FRI-SUN" means Friday to Sunday. */
    if (ps->index == F_WDAY && hi == 0 && lo > 0)
        hi = 7;
    if (lo > hi)
        return fail(ps, "range \"%.*s\" runs backwards", (int)(end - item), item);
    for (int v = lo; v <= hi; v += step)
        *bits |= UINT64_C(1) << v;
    return 0;
}

static int parse_field(struct parser *ps, const char *s, const char *end, uint64_t *bits,
                       bool *star)
{
    *bits = 0;
    *star = *s == '*';
    for (const char *item = s;;) {
        const char *comma = memchr(item, ',', (size_t)(end - item));
        const char *item_end = comma ? comma : end;
        if (item_end == item)
            return fail(ps, "has an empty list item");
        if (parse_item(ps, item, item_end, bits) < 0)
            return -1;
        if (!comma)
            return 0;
        item = comma + 1;
    }
}

static int parse_macro(const char *expr, const char *s, struct cron *out, char *err, size_t errlen)
{
    const char *e = s;
    while (*e && !is_space(*e))
        e++;
    const char *rest = e;
    while (is_space(*rest))
        rest++;
    for (size_t i = 0; i < ARRAY_LEN(macros); i++) {
        const char *m = macros[i].name;
        if ((size_t)(e - s) == strlen(m) && strncasecmp(s, m, strlen(m)) == 0) {
            if (*rest) {
                errf(err, errlen, "cron: unexpected text \"%s\" after %s in \"%s\"", rest, m, expr);
                return -1;
            }
            return cron_parse(macros[i].expansion, out, err, errlen);
        }
    }
    errf(err, errlen,
         "cron: unknown macro \"%.*s\" in \"%s\" (use @hourly, @daily, @midnight, @weekly, "
         "@monthly, @yearly or @annually)",
         (int)(e - s), s, expr);
    return -1;
}

/* Splits the expression at blanks; returns how many fields there are (at most NFIELDS spans are
 * stored). */
static int split_fields(const char *s, const char *start[NFIELDS], const char *end[NFIELDS])
{
    int n = 0;
    while (*s) {
        while (is_space(*s))
            s++;
        if (!*s)
            break;
        const char *e = s;
        while (*e && !is_space(*e))
            e++;
        if (n < NFIELDS) {
            start[n] = s;
            end[n] = e;
        }
        n++;
        s = e;
    }
    return n;
}

int cron_parse(const char *expr, struct cron *out, char *err, size_t errlen)
{
    const char *s = expr;
    while (is_space(*s))
        s++;
    if (!*s) {
        errf(err, errlen, "cron: empty expression");
        return -1;
    }
    if (*s == '@')
        return parse_macro(expr, s, out, err, errlen);
    const char *start[NFIELDS], *end[NFIELDS];
    int n = split_fields(s, start, end);
    if (n != NFIELDS) {
        errf(err, errlen,
             "cron: expected 5 fields (minute hour day-of-month month day-of-week) but found %d "
             "in \"%s\"",
             n, expr);
        return -1;
    }
    uint64_t bits[NFIELDS];
    bool star[NFIELDS];
    struct parser ps = {expr, NULL, 0, err, errlen};
    for (int i = 0; i < NFIELDS; i++) {
        ps.index = i;
        ps.f = &fields[i];
        if (parse_field(&ps, start[i], end[i], &bits[i], &star[i]) < 0)
            return -1;
    }
    memset(out, 0, sizeof *out);
    out->minute = bits[F_MINUTE];
    out->hour = (uint32_t)bits[F_HOUR];
    out->mday = (uint32_t)bits[F_MDAY];
    out->month = (uint16_t)bits[F_MONTH];
    out->wday = (uint8_t)((bits[F_WDAY] | bits[F_WDAY] >> 7) & 0x7f);
    out->mday_star = star[F_MDAY];
    out->wday_star = star[F_WDAY];
    out->hour_star = star[F_HOUR];
    return 0;
}

/* ---- Matching days ------------------------------------------------------------------------ */

/* Days (bit n = day n) of the given month that the expression accepts, ignoring the month
 * field. */
static uint32_t month_day_mask(const struct cron *c, int year, int month)
{
    int dim = date_days_in_month(year, month);
    uint32_t valid = (uint32_t)((UINT64_C(1) << (dim + 1)) - 2);
    int first = date_weekday(date_from_ymd(year, month, 1));
    uint32_t by_weekday = 0;
    for (int d = 1; d <= dim; d++)
        if (c->wday >> ((first + d - 1) % 7) & 1)
            by_weekday |= UINT32_C(1) << d;
    uint32_t by_mday = c->mday & valid;
    /* Vixie cron's rule: a '*' in either day field means "both must match". */
    if (c->mday_star || c->wday_star)
        return by_mday & by_weekday;
    return by_mday | by_weekday;
}

bool cron_day_matches(const struct cron *c, int year, int month, int day)
{
    return (c->month >> month & 1) && (month_day_mask(c, year, month) >> day & 1);
}

/* The first matching day at or after from, or limit + 1 when there is none up to limit. */
static day_t next_day(const struct cron *c, day_t from, day_t limit)
{
    int y, m, d;
    date_to_ymd(from, &y, &m, &d);
    for (;;) {
        if (c->month >> m & 1) {
            uint32_t mask = month_day_mask(c, y, m) & (UINT32_MAX << d);
            if (mask)
                return date_from_ymd(y, m, __builtin_ctz(mask));
        }
        d = 1;
        if (++m > 12) {
            m = 1;
            y++;
        }
        if (date_from_ymd(y, m, 1) > limit)
            return limit + 1;
    }
}

/* The first firing on the given day from minute-of-day `from` on that is strictly after
 * `after`. Wall times that come before `after` in real time (the second pass of a repeated hour)
 * are passed over, which is what makes a repeated time fire only once. */
static bool scan_day(const struct cron *c, const struct tz *z, day_t day, int from, int64_t after,
                     int64_t *next)
{
    for (int h = from / 60; h < 24; h++) {
        if (!(c->hour >> h & 1))
            continue;
        uint64_t minutes = c->minute;
        if (h == from / 60)
            minutes &= UINT64_MAX << (from % 60);
        for (; minutes; minutes &= minutes - 1) {
            int m = __builtin_ctzll(minutes);
            int64_t wall = (int64_t)day * DAY_SECONDS + h * 3600 + m * 60, earlier, later;
            enum tz_local_kind kind = tz_wall_to_utc(z, wall, &earlier, &later);
            if (kind == TZ_LOCAL_SKIPPED && c->hour_star)
                continue;
            if (earlier > after) {
                *next = earlier;
                return true;
            }
        }
    }
    return false;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

enum cron_status cron_next(const struct cron *c, const struct tz *z, int64_t after_utc,
                           int64_t *next_utc)
{
    if (after_utc < TZ_MIN_UTC || after_utc >= TZ_MAX_UTC)
        return CRON_OUT_OF_RANGE;
    /* Every wall time up to the clock reading at after_utc was reached by then, so the search
     * starts at the next whole minute on that clock. */
    int64_t wall = after_utc + tz_offset_at(z, after_utc);
    int64_t start = (floor_div(wall, 60) + 1) * 60;
    day_t first = (day_t)floor_div(start, DAY_SECONDS);
    int from = (int)((start - (int64_t)first * DAY_SECONDS) / 60);
    day_t limit = first + GREGORIAN_CYCLE_DAYS;
    day_t last = date_from_ymd(9999, 12, 31);
    for (day_t day = first;; day++) {
        day = next_day(c, day, limit);
        if (day > limit)
            return CRON_NEVER;
        if (day > last)
            return CRON_OUT_OF_RANGE;
        if (scan_day(c, z, day, day == first ? from : 0, after_utc, next_utc))
            return *next_utc > TZ_MAX_UTC ? CRON_OUT_OF_RANGE : CRON_OK;
    }
}
