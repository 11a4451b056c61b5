/* Time zones from TZif files (RFC 8536) and POSIX TZ rules, without the C library's global zone.
 *
 * A zone is a sorted list of transitions (instant, offset after it), the offset before the first
 * one, and optionally a POSIX rule that takes over after the last one. Debian may ship "slim"
 * files whose list stops early (or is empty) and relies on the rule, so the rule is first class
 * here, not a fallback. */
#include "tz.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "date.h"
#include "util.h"

#define DAY_SECONDS 86400
/* No real zone is more than a day away from UTC; RFC 8536 keeps offsets well inside this. */
#define MAX_OFFSET (26 * 3600)
/* A TZif file larger than this is not a zone file. */
#define MAX_TZIF_BYTES (1u << 20)

/* One end of a POSIX DST period: "Jn" (1-365, February 29 never counted), "n" (0-365), or
 * "Mm.w.d" (weekday d of week w of month m, week 5 = last), each at a local time of day that may
 * run from -167 to +167 hours (RFC 8536 extension). */
struct rule_date {
    char kind; /* 'J', 'N' or 'M' */
    int month, week, day;
    int32_t time;
};

struct rule {
    int32_t std_off, dst_off; /* seconds east of UTC */
    bool has_dst;
    struct rule_date start, end;
};

struct tz {
    char *name;
    size_t ntrans;
    int64_t *trans;    /* transition instants, strictly increasing */
    int32_t *offs;     /* offset in force from trans[i] on */
    int32_t first_off; /* offset before trans[0] (time type 0) */
    bool has_rule;     /* rule applies from the last transition on (always, if ntrans == 0) */
    struct rule rule;
};

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static struct tz *tz_new(const char *name)
{
    struct tz *z = xcalloc(1, sizeof *z);
    z->name = xstrdup(name);
    return z;
}

void tz_free(struct tz *z)
{
    if (!z)
        return;
    free(z->name);
    free(z->trans);
    free(z->offs);
    free(z);
}

const char *tz_name(const struct tz *z)
{
    return z->name;
}

/* ---- POSIX TZ rules ---------------------------------------------------------------------- */

/* Zone abbreviation: three or more letters, or <...> quoting letters, digits, '+' and '-'. */
static const char *parse_abbr(const char *s)
{
    const char *p = s;
    if (*p == '<') {
        p++;
        while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
               *p == '+' || *p == '-')
            p++;
        return (*p == '>' && p - s >= 4) ? p + 1 : NULL;
    }
    while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
        p++;
    return p - s >= 3 ? p : NULL;
}

static const char *parse_num(const char *s, int lo, int hi, int *out)
{
    int v = 0, n = 0;
    while (*s >= '0' && *s <= '9' && n < 4) {
        v = v * 10 + (*s++ - '0');
        n++;
    }
    if (n == 0 || v < lo || v > hi)
        return NULL;
    *out = v;
    return s;
}

/* [+-]h[h][:mm[:ss]] with hours up to max_hours; the result keeps the written sign. */
static const char *parse_hms(const char *s, int max_hours, int32_t *out)
{
    int sign = 1, h, m = 0, sec = 0;
    if (*s == '+' || *s == '-')
        sign = *s++ == '-' ? -1 : 1;
    if (!(s = parse_num(s, 0, max_hours, &h)))
        return NULL;
    if (*s == ':') {
        if (!(s = parse_num(s + 1, 0, 59, &m)))
            return NULL;
        if (*s == ':' && !(s = parse_num(s + 1, 0, 59, &sec)))
            return NULL;
    }
    *out = sign * (h * 3600 + m * 60 + sec);
    return s;
}

static const char *parse_rule_date(const char *s, struct rule_date *d)
{
    memset(d, 0, sizeof *d);
    if (*s == 'J') {
        d->kind = 'J';
        s = parse_num(s + 1, 1, 365, &d->day);
    } else if (*s == 'M') {
        d->kind = 'M';
        if ((s = parse_num(s + 1, 1, 12, &d->month)) && *s == '.' &&
            (s = parse_num(s + 1, 1, 5, &d->week)) && *s == '.')
            s = parse_num(s + 1, 0, 6, &d->day);
        else
            s = NULL;
    } else {
        d->kind = 'N';
        s = parse_num(s, 0, 365, &d->day);
    }
    if (!s)
        return NULL;
    d->time = 2 * 3600;
    if (*s == '/')
        s = parse_hms(s + 1, 167, &d->time);
    return s;
}

/* Parses a whole POSIX TZ string such as "PST8PDT,M3.2.0,M11.1.0". 0 or -1. */
static int parse_posix(const char *s, struct rule *r)
{
    int32_t off;
    memset(r, 0, sizeof *r);
    if (!(s = parse_abbr(s)) || !(s = parse_hms(s, 24, &off)))
        return -1;
    r->std_off = -off; /* POSIX counts hours west of Greenwich */
    r->dst_off = r->std_off;
    if (!*s)
        return 0;
    if (!(s = parse_abbr(s)))
        return -1;
    r->has_dst = true;
    r->dst_off = r->std_off + 3600;
    if (*s && *s != ',') {
        if (!(s = parse_hms(s, 24, &off)))
            return -1;
        r->dst_off = -off;
    }
    if (!*s) {
        /* No dates given: use the United States rules, as glibc does. TZif footers always
         * carry explicit dates, so only hand-written TZ values reach this. */
        static const char us[] = ",M3.2.0,M11.1.0";
        s = us;
    }
    if (*s != ',' || !(s = parse_rule_date(s + 1, &r->start)))
        return -1;
    if (*s != ',' || !(s = parse_rule_date(s + 1, &r->end)))
        return -1;
    return *s ? -1 : 0;
}

/* Wall seconds at which a rule date falls in the given year. */
static int64_t rule_date_wall(const struct rule_date *d, int year)
{
    day_t day;
    if (d->kind == 'J') {
        day = date_from_ymd(year, 1, 1) + d->day - 1;
        if (date_is_leap(year) && d->day >= 60)
            day++;
    } else if (d->kind == 'N') {
        day = date_from_ymd(year, 1, 1) + d->day;
    } else {
        int first = date_weekday(date_from_ymd(year, d->month, 1));
        int mday = 1 + (d->day - first + 7) % 7 + (d->week - 1) * 7;
        while (mday > date_days_in_month(year, d->month))
            mday -= 7;
        day = date_from_ymd(year, d->month, mday);
    }
    return (int64_t)day * DAY_SECONDS + d->time;
}

/* The two instants a rule changes offset in a year: the start time is read on the standard
 * clock, the end time on the daylight clock. */
static void rule_transitions(const struct rule *r, int year, int64_t at[2], int32_t off[2])
{
    at[0] = rule_date_wall(&r->start, year) - r->std_off;
    off[0] = r->dst_off;
    at[1] = rule_date_wall(&r->end, year) - r->dst_off;
    off[1] = r->std_off;
}

static int year_of(int64_t wall)
{
    int y, m, d;
    date_to_ymd((day_t)floor_div(wall, DAY_SECONDS), &y, &m, &d);
    return y;
}

/* Offset under the rule at utc: set by the latest of its transitions at or before utc. Looking a
 * year either side covers dates and times that spill across New Year (e.g. "J365/25"). When one
 * year's end meets the next year's start (the tz project's "daylight time all year" idiom), the
 * later year's transition wins. */
static int32_t rule_offset(const struct rule *r, int64_t utc)
{
    if (!r->has_dst)
        return r->std_off;
    int year = year_of(utc + r->std_off);
    int64_t best_at = INT64_MIN;
    int32_t best = r->std_off;
    for (int y = year - 2; y <= year + 1; y++) {
        int64_t at[2];
        int32_t off[2];
        rule_transitions(r, y, at, off);
        for (int k = 0; k < 2; k++)
            if (at[k] <= utc && at[k] >= best_at) {
                best_at = at[k];
                best = off[k];
            }
    }
    return best;
}

/* First rule transition strictly after utc; false when the rule has no DST. The offset after it
 * comes from rule_offset() so that coinciding transitions resolve the same way everywhere. */
static bool rule_next(const struct rule *r, int64_t utc, int64_t *at_out, int32_t *off_out)
{
    if (!r->has_dst)
        return false;
    int year = year_of(utc + r->std_off);
    int64_t best_at = INT64_MAX;
    for (int y = year - 1; y <= year + 2; y++) {
        int64_t at[2];
        int32_t off[2];
        rule_transitions(r, y, at, off);
        for (int k = 0; k < 2; k++)
            if (at[k] > utc && at[k] < best_at)
                best_at = at[k];
    }
    *at_out = best_at;
    *off_out = rule_offset(r, best_at);
    return true;
}

struct tz *tz_from_posix(const char *spec, char *err, size_t errlen)
{
    struct rule r;
    if (parse_posix(spec, &r) < 0) {
        errf(err, errlen, "invalid POSIX TZ rule \"%s\"", spec);
        return NULL;
    }
    struct tz *z = tz_new(spec);
    z->first_off = r.std_off;
    z->has_rule = true;
    z->rule = r;
    return z;
}

/* ---- TZif files ---------------------------------------------------------------------------- */

struct reader {
    const unsigned char *p;
    size_t len, pos;
};

static bool need(const struct reader *rd, size_t n)
{
    return rd->len - rd->pos >= n;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct tzif_header {
    char version;
    uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

static int read_header(struct reader *rd, struct tzif_header *h)
{
    if (!need(rd, 44) || memcmp(rd->p + rd->pos, "TZif", 4) != 0)
        return -1;
    const unsigned char *p = rd->p + rd->pos;
    h->version = (char)p[4];
    h->isutcnt = be32(p + 20);
    h->isstdcnt = be32(p + 24);
    h->leapcnt = be32(p + 28);
    h->timecnt = be32(p + 32);
    h->typecnt = be32(p + 36);
    h->charcnt = be32(p + 40);
    rd->pos += 44;
    /* Bounds that real files never approach; they also keep the size arithmetic below exact. */
    if (h->typecnt == 0 || h->typecnt > 256 || h->timecnt > 100000 || h->charcnt > 65536 ||
        h->leapcnt > 100000 || (h->isutcnt && h->isutcnt != h->typecnt) ||
        (h->isstdcnt && h->isstdcnt != h->typecnt))
        return -1;
    return 0;
}

static size_t block_size(const struct tzif_header *h, size_t time_size)
{
    return (size_t)h->timecnt * time_size + h->timecnt + (size_t)h->typecnt * 6 + h->charcnt +
           (size_t)h->leapcnt * (time_size + 4) + h->isstdcnt + h->isutcnt;
}

/* Reads the transitions and types of one data block into z. */
static int read_block(struct reader *rd, const struct tzif_header *h, size_t time_size,
                      struct tz *z, char *err, size_t errlen)
{
    if (!need(rd, block_size(h, time_size))) {
        errf(err, errlen, "truncated data");
        return -1;
    }
    const unsigned char *times = rd->p + rd->pos;
    const unsigned char *idx = times + (size_t)h->timecnt * time_size;
    const unsigned char *types = idx + h->timecnt;
    int32_t offs[256];
    for (uint32_t i = 0; i < h->typecnt; i++) {
        offs[i] = (int32_t)be32(types + 6 * i);
        if (offs[i] < -MAX_OFFSET || offs[i] > MAX_OFFSET) {
            errf(err, errlen, "offset %ld out of range", (long)offs[i]);
            return -1;
        }
    }
    z->first_off = offs[0];
    z->ntrans = h->timecnt;
    z->trans = xmalloc((h->timecnt ? h->timecnt : 1) * sizeof *z->trans);
    z->offs = xmalloc((h->timecnt ? h->timecnt : 1) * sizeof *z->offs);
    for (uint32_t i = 0; i < h->timecnt; i++) {
        const unsigned char *t = times + (size_t)i * time_size;
        z->trans[i] = time_size == 8 ? be64(t) : (int32_t)be32(t);
        if (idx[i] >= h->typecnt || (i > 0 && z->trans[i] <= z->trans[i - 1])) {
            errf(err, errlen, "bad transition %u", (unsigned)i);
            return -1;
        }
        z->offs[i] = offs[idx[i]];
    }
    rd->pos += block_size(h, time_size);
    return 0;
}

/* The footer: "\n<POSIX TZ string>\n", the string possibly empty. */
static int read_footer(struct reader *rd, struct tz *z, char *err, size_t errlen)
{
    const char *s = (const char *)rd->p + rd->pos;
    size_t n = rd->len - rd->pos;
    const char *end = n > 1 && s[0] == '\n' ? memchr(s + 1, '\n', n - 1) : NULL;
    if (!end) {
        errf(err, errlen, "missing footer");
        return -1;
    }
    if (end == s + 1)
        return 0;
    char *spec = xstrndup(s + 1, (size_t)(end - s - 1));
    int rc = parse_posix(spec, &z->rule);
    if (rc < 0)
        errf(err, errlen, "bad footer rule \"%s\"", spec);
    else
        z->has_rule = true;
    free(spec);
    return rc;
}

static int parse_tzif(struct tz *z, const unsigned char *data, size_t len, char *err, size_t errlen)
{
    struct reader rd = {data, len, 0};
    struct tzif_header h;
    if (read_header(&rd, &h) < 0) {
        errf(err, errlen, "not a TZif file");
        return -1;
    }
    if (h.version >= '2') {
        /* Skip the 32-bit block; the 64-bit one that follows is authoritative. */
        if (!need(&rd, block_size(&h, 4))) {
            errf(err, errlen, "truncated data");
            return -1;
        }
        rd.pos += block_size(&h, 4);
        if (read_header(&rd, &h) < 0) {
            errf(err, errlen, "bad second header");
            return -1;
        }
    }
    if (h.leapcnt) {
        errf(err, errlen, "zones with leap seconds (\"right/...\") are not supported");
        return -1;
    }
    size_t time_size = h.version >= '2' ? 8 : 4;
    if (read_block(&rd, &h, time_size, z, err, errlen) < 0)
        return -1;
    return time_size == 8 ? read_footer(&rd, z, err, errlen) : 0;
}

struct tz *tz_from_tzif(const char *name, const unsigned char *data, size_t len, char *err,
                        size_t errlen)
{
    struct tz *z = tz_new(name);
    char why[160] = "";
    if (parse_tzif(z, data, len, why, sizeof why) < 0) {
        errf(err, errlen, "time zone \"%s\": %s", name, why);
        tz_free(z);
        return NULL;
    }
    return z;
}

/* ---- Loading by name ---------------------------------------------------------------------- */

/* Fixed offsets are written the ISO way, "+05:30" / "-08:00": east of UTC is positive (unlike
 * POSIX TZ strings and the Etc/GMT+N files, which count west). */
static bool parse_fixed(const char *name, int32_t *off)
{
    if ((name[0] != '+' && name[0] != '-') || strlen(name) != 6 || name[3] != ':')
        return false;
    int h, m;
    if (parse_num(name + 1, 0, 23, &h) != name + 3 || parse_num(name + 4, 0, 59, &m) != name + 6)
        return false;
    *off = (name[0] == '-' ? -1 : 1) * (h * 3600 + m * 60);
    return true;
}

/* A zone name is a relative path of ordinary components: nothing that could escape the zone
 * directory or read an arbitrary file. */
static int check_name(const char *name, char *err, size_t errlen)
{
    if (!*name) {
        errf(err, errlen, "time zone name is empty");
        return -1;
    }
    if (name[0] == '/') {
        errf(err, errlen,
             "invalid time zone \"%s\": give a zone name such as America/Los_Angeles, not a "
             "path",
             name);
        return -1;
    }
    if (strstr(name, "..")) {
        errf(err, errlen, "invalid time zone \"%s\": \"..\" is not allowed", name);
        return -1;
    }
    if (strlen(name) > 255 || strstr(name, "//") || name[strlen(name) - 1] == '/') {
        errf(err, errlen, "invalid time zone \"%s\"", name);
        return -1;
    }
    for (const char *p = name; *p; p++) {
        char c = *p;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '/' || c == '_' || c == '-' || c == '+' || c == '.')) {
            errf(err, errlen, "invalid time zone \"%s\": unexpected character '%c'", name, c);
            return -1;
        }
    }
    return 0;
}

static struct tz *load_file(const char *dir, const char *name, char *err, size_t errlen)
{
    char *path = xasprintf("%s/%s", dir, name);
    size_t len = 0;
    unsigned char *data = NULL;
    errno = 0;
    if (!is_dir(path))
        data = (unsigned char *)read_file(path, &len);
    int saved = errno;
    free(path);
    if (!data) {
        if (saved == ENOENT || saved == ENOTDIR || saved == 0)
            errf(err, errlen, "unknown time zone \"%s\" (no such zone in %s)", name, dir);
        else
            errf(err, errlen, "cannot read time zone \"%s\" from %s: %s", name, dir,
                 strerror(saved));
        return NULL;
    }
    struct tz *z = NULL;
    if (len > MAX_TZIF_BYTES || len < 4 || memcmp(data, "TZif", 4) != 0)
        errf(err, errlen, "unknown time zone \"%s\" (%s/%s is not a zone file)", name, dir, name);
    else
        z = tz_from_tzif(name, data, len, err, errlen);
    free(data);
    return z;
}

struct tz *tz_load_dir(const char *dir, const char *name, char *err, size_t errlen)
{
    int32_t off;
    if (!name) {
        errf(err, errlen, "time zone name is empty");
        return NULL;
    }
    /* UTC is built in so that a machine without zone files can still schedule in it. */
    if (strcmp(name, "UTC") == 0 || strcmp(name, "Etc/UTC") == 0)
        return tz_new(name);
    if (parse_fixed(name, &off)) {
        struct tz *z = tz_new(name);
        z->first_off = off;
        return z;
    }
    if (check_name(name, err, errlen) < 0)
        return NULL;
    return load_file(dir, name, err, errlen);
}

struct tz *tz_load(const char *name, char *err, size_t errlen)
{
    const char *dir = getenv("TZDIR");
    return tz_load_dir(dir && *dir ? dir : "/usr/share/zoneinfo", name, err, errlen);
}

/* ---- Conversions -------------------------------------------------------------------------- */

/* Index of the last transition at or before utc, or -1. */
static ptrdiff_t last_at_or_before(const struct tz *z, int64_t utc)
{
    size_t lo = 0, hi = z->ntrans;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (z->trans[mid] <= utc)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (ptrdiff_t)lo - 1;
}

static bool rule_in_force(const struct tz *z, int64_t utc)
{
    return z->has_rule && (z->ntrans == 0 || utc >= z->trans[z->ntrans - 1]);
}

int tz_offset_at(const struct tz *z, int64_t utc)
{
    if (rule_in_force(z, utc))
        return rule_offset(&z->rule, utc);
    ptrdiff_t i = last_at_or_before(z, utc);
    return i < 0 ? z->first_off : z->offs[i];
}

/* The first change of offset rules strictly after utc (listed or from the rule). */
static bool next_transition(const struct tz *z, int64_t utc, int64_t *at, int32_t *off)
{
    if (rule_in_force(z, utc))
        return rule_next(&z->rule, utc, at, off);
    size_t i = (size_t)(last_at_or_before(z, utc) + 1);
    if (i >= z->ntrans)
        return false;
    *at = z->trans[i];
    *off = z->offs[i];
    return true;
}

int64_t tz_wall_from_time(const struct tz_time *t)
{
    return (int64_t)date_from_ymd(t->year, t->month, t->day) * DAY_SECONDS + t->hour * 3600 +
           t->minute * 60 + t->second;
}

void tz_time_from_wall(int64_t wall, struct tz_time *out)
{
    int64_t day = floor_div(wall, DAY_SECONDS);
    int secs = (int)(wall - day * DAY_SECONDS);
    date_to_ymd((day_t)day, &out->year, &out->month, &out->day);
    out->hour = secs / 3600;
    out->minute = secs / 60 % 60;
    out->second = secs % 60;
    out->weekday = date_weekday((day_t)day);
}

int tz_utc_to_local(const struct tz *z, int64_t utc, struct tz_time *out, int *offset)
{
    if (utc < TZ_MIN_UTC || utc > TZ_MAX_UTC)
        return -1;
    int off = tz_offset_at(z, utc);
    tz_time_from_wall(utc + off, out);
    if (offset)
        *offset = off;
    return 0;
}

/* Walks the stretches of constant offset that overlap the day either side of the wall time and
 * collects the instants showing it. If none does, the time was skipped, and the first instant
 * after it is the start of the first stretch whose clock begins past it: that is
 * min{u : wall(u) >= wall}, the rule that makes a job due in the gap run once at the gap's end. */
enum tz_local_kind tz_wall_to_utc(const struct tz *z, int64_t wall, int64_t *earlier,
                                  int64_t *later)
{
    const int64_t window = MAX_OFFSET + 3600;
    int64_t start = wall - window, end = 0;
    int32_t off = tz_offset_at(z, start), next_off = 0, before_gap = off;
    int found = 0;
    bool gap = false;
    for (;;) {
        bool more = next_transition(z, start, &end, &next_off);
        int64_t u = wall - off;
        if (u >= start && (!more || u < end)) {
            if (!found++)
                *earlier = u;
            *later = u;
        } else if (!found && !gap && start + off > wall) {
            gap = true;
            *earlier = start;
            *later = wall - before_gap;
        }
        if (!more || end > wall + window)
            break;
        before_gap = off;
        start = end;
        off = next_off;
    }
    if (found)
        return found > 1 ? TZ_LOCAL_AMBIGUOUS : TZ_LOCAL_VALID;
    return TZ_LOCAL_SKIPPED;
}

static bool valid_time(const struct tz_time *t)
{
    return t->year >= 1 && t->year <= 9999 && t->month >= 1 && t->month <= 12 && t->day >= 1 &&
           t->day <= date_days_in_month(t->year, t->month) && t->hour >= 0 && t->hour <= 23 &&
           t->minute >= 0 && t->minute <= 59 && t->second >= 0 && t->second <= 59;
}

int tz_local_to_utc(const struct tz *z, const struct tz_time *local, int64_t *earlier,
                    int64_t *later)
{
    if (!valid_time(local))
        return -1;
    int64_t a, b;
    enum tz_local_kind kind = tz_wall_to_utc(z, tz_wall_from_time(local), &a, &b);
    if (a < TZ_MIN_UTC || b > TZ_MAX_UTC)
        return -1;
    *earlier = a;
    *later = b;
    return (int)kind;
}

/* ---- Text --------------------------------------------------------------------------------- */

char *tz_format_iso(const struct tz *z, int64_t utc, char *buf)
{
    struct tz_time t;
    int off;
    if (tz_utc_to_local(z, utc, &t, &off) < 0) {
        snprintf(buf, TZ_ISO_LEN, "(out of range)");
        return buf;
    }
    char sign = off < 0 ? '-' : '+';
    int a = off < 0 ? -off : off;
    int n = snprintf(buf, TZ_ISO_LEN, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", t.year, t.month,
                     t.day, t.hour, t.minute, t.second, sign, a / 3600, a / 60 % 60);
    if (a % 60 && n > 0)
        snprintf(buf + n, TZ_ISO_LEN - (size_t)n, ":%02d", a % 60);
    return buf;
}

static int parse_iso_offset(const char *s, bool *has_offset, int *offset)
{
    *has_offset = false;
    if (!*s)
        return 0;
    *has_offset = true;
    if ((s[0] == 'Z' || s[0] == 'z') && !s[1]) {
        *offset = 0;
        return 0;
    }
    if ((s[0] != '+' && s[0] != '-') || strlen(s) != 6 || s[3] != ':')
        return -1;
    int h = date_digits(s + 1, 2), m = date_digits(s + 4, 2);
    if (h < 0 || h > 23 || m < 0 || m > 59)
        return -1;
    *offset = (s[0] == '-' ? -1 : 1) * (h * 3600 + m * 60);
    return 0;
}

int tz_parse_iso(const char *s, struct tz_time *t, bool *has_offset, int *offset)
{
    size_t n = strlen(s);
    if (n < 16 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':')
        return -1;
    memset(t, 0, sizeof *t);
    t->year = date_digits(s, 4);
    t->month = date_digits(s + 5, 2);
    t->day = date_digits(s + 8, 2);
    t->hour = date_digits(s + 11, 2);
    t->minute = date_digits(s + 14, 2);
    const char *rest = s + 16;
    if (*rest == ':') {
        t->second = date_digits(rest + 1, 2);
        if (t->second < 0 || strlen(rest) < 3)
            return -1;
        rest += 3;
    }
    if (!valid_time(t))
        return -1;
    return parse_iso_offset(rest, has_offset, offset);
}

/* ---- The process zone --------------------------------------------------------------------- */

/* "…/zoneinfo/Europe/Berlin" -> "Europe/Berlin"; other paths are returned unchanged. */
static const char *strip_zoneinfo(const char *path)
{
    const char *p = strstr(path, "zoneinfo/");
    return p ? p + strlen("zoneinfo/") : path;
}

static int copy_name(const char *name, char *buf, size_t len)
{
    if (!*name || strlen(name) >= len)
        return -1;
    strcpy(buf, name);
    return 0;
}

static int etc_timezone(char *buf, size_t len)
{
    char *text = read_file("/etc/timezone", NULL);
    if (!text)
        return -1;
    text[strcspn(text, " \t\r\n")] = 0;
    int rc = copy_name(text, buf, len);
    free(text);
    return rc;
}

int tz_system_name(char *buf, size_t len)
{
    const char *env = getenv("TZ");
    if (env && *env) {
        if (*env == ':')
            env++;
        return copy_name(env[0] == '/' ? strip_zoneinfo(env) : env, buf, len);
    }
    char target[4096];
    ssize_t n = readlink("/etc/localtime", target, sizeof target - 1);
    if (n > 0) {
        target[n] = 0;
        if (strstr(target, "zoneinfo/"))
            return copy_name(strip_zoneinfo(target), buf, len);
    }
    return etc_timezone(buf, len);
}
