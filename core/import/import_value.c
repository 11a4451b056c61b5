/* Field checks shared by every kind. Each check either stores the value (r->v[vi]) or reports an
 * error naming file, line, column, the value and what was expected; errors never stop the row, so
 * one pass reports everything wrong with it. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_internal.h"
#include "util.h"

#define SHOW_MAX 60

/* Quotes a value for an error: valid UTF-8 as is, other bytes as \xNN, long values cut. */
static void show_value(struct buf *b, const char *s, size_t len)
{
    buf_puts(b, "'");
    size_t shown = 0;
    for (size_t i = 0; i < len && shown < SHOW_MAX; shown++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f) {
            buf_append(b, s + i, 1);
            i++;
            continue;
        }
        size_t bad = 0;
        size_t n = c >= 0x80 ? utf8_char_len(s + i, len - i, &bad) : 0;
        if (n) {
            buf_append(b, s + i, n);
            i += n;
        } else {
            buf_printf(b, "\\x%02X", c);
            i++;
        }
    }
    buf_puts(b, shown >= SHOW_MAX ? "…'" : "'");
}

/* Length of the valid UTF-8 character at s, or 0 when the bytes there are not one. */
size_t utf8_char_len(const char *s, size_t len, size_t *bad_at)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n;
    uint32_t cp;
    if (u[0] < 0x80)
        return 1;
    if (u[0] >= 0xC2 && u[0] <= 0xDF)
        n = 2, cp = u[0] & 0x1F;
    else if (u[0] >= 0xE0 && u[0] <= 0xEF)
        n = 3, cp = u[0] & 0x0F;
    else if (u[0] >= 0xF0 && u[0] <= 0xF4)
        n = 4, cp = u[0] & 0x07;
    else
        return *bad_at = 0, 0;
    if (n > len)
        return *bad_at = 0, 0;
    for (size_t i = 1; i < n; i++) {
        if ((u[i] & 0xC0) != 0x80)
            return *bad_at = i, 0;
        cp = (cp << 6) | (u[i] & 0x3F);
    }
    /* Overlong forms, surrogates and code points past U+10FFFF are not UTF-8. */
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return *bad_at = 0, 0;
    return n;
}

void row_errorf(struct row *r, int col, const char *fmt, ...)
{
    r->errors++;
    struct buf b = {0};
    const char *name = col >= 0 ? r->kind->columns[col] : NULL;
    if (r->labels && col >= 0)
        buf_printf(&b, "%s: ", r->labels[col] ? r->labels[col] : name);
    else if (col >= 0 && r->colno[col])
        buf_printf(&b, "%s:%ld:%d (%s): ", r->file, r->line, r->colno[col], name);
    else if (col >= 0)
        buf_printf(&b, "%s:%ld (%s): ", r->file, r->line, name);
    else
        buf_printf(&b, "%s:%ld: ", r->file, r->line);
    if (col >= 0) {
        if (r->kind->sensitive & (1u << col))
            buf_puts(&b, "(value not shown)");
        else
            show_value(&b, r->cell[col] ? r->cell[col] : "", r->cell[col] ? r->cell_len[col] : 0);
        buf_puts(&b, " — ");
    }
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    importer_report(r->imp, b.data);
    buf_free(&b);
}

void row_error(struct row *r, int col, const char *expected)
{
    row_errorf(r, col, "expected %s", expected);
}

const char *row_cell(const struct row *r, int col, size_t *len)
{
    if (!r->cell[col] || r->cell_len[col] == 0)
        return NULL;
    if (len)
        *len = r->cell_len[col];
    return r->cell[col];
}

void val_null(struct row *r, int vi)
{
    r->v[vi] = (struct store_val){.t = SV_NULL};
}

void val_str(struct row *r, int vi, const char *s)
{
    r->v[vi] = s ? (struct store_val){.t = SV_TEXT, .s = s, .len = strlen(s)}
                 : (struct store_val){.t = SV_NULL};
}

void val_real(struct row *r, int vi, double d)
{
    r->v[vi] =
        isnan(d) ? (struct store_val){.t = SV_NULL} : (struct store_val){.t = SV_REAL, .d = d};
}

void val_int(struct row *r, int vi, int64_t i)
{
    r->v[vi] = (struct store_val){.t = SV_INT, .i = i};
}

static int missing(struct row *r, int col, int vi, bool required)
{
    val_null(r, vi);
    if (!required)
        return 0;
    row_error(r, col, "a value (the column is required)");
    return -1;
}

int val_text(struct row *r, int col, int vi, bool required, size_t maxlen)
{
    size_t len;
    const char *s = row_cell(r, col, &len);
    if (!s)
        return missing(r, col, vi, required);
    if (len > maxlen) {
        row_errorf(r, col, "expected at most %zu bytes of text, found %zu", maxlen, len);
        return -1;
    }
    r->v[vi] = (struct store_val){.t = SV_TEXT, .s = s, .len = len};
    return 0;
}

int val_id(struct row *r, int col, int vi, bool required)
{
    size_t len;
    const char *s = row_cell(r, col, &len);
    if (!s)
        return missing(r, col, vi, required);
    if (len > 64) {
        row_error(r, col, "an identifier of at most 64 characters");
        return -1;
    }
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == ' ') {
            row_error(r, col, "an identifier without spaces or control characters");
            return -1;
        }
    r->v[vi] = (struct store_val){.t = SV_TEXT, .s = s, .len = len};
    return 0;
}

int val_date(struct row *r, int col, int vi, bool required, day_t lo, day_t hi, day_t *out)
{
    size_t len;
    const char *s = row_cell(r, col, &len);
    if (out)
        *out = DATE_NONE;
    if (!s)
        return missing(r, col, vi, required);
    day_t d;
    if (date_parse(s, len, &d) != 0) {
        row_error(r, col, "a date as YYYY-MM-DD");
        return -1;
    }
    if (d < lo || d > hi) {
        char a[11], b[11];
        row_errorf(r, col, "expected a date from %s to %s", date_format(lo, a), date_format(hi, b));
        return -1;
    }
    r->v[vi] = (struct store_val){.t = SV_TEXT, .s = s, .len = len};
    if (out)
        *out = d;
    return 0;
}

/* Plain decimals only: no hex, inf, nan, thousands separators or leading '+'. Numbers of up to
 * 15 significant digits without an exponent are converted by hand (an exact integer divided by an
 * exact power of ten is correctly rounded, so the result equals strtod's); the rest go to strtod.
 */
static bool parse_simple(const char *s, size_t len, double *out)
{
    static const double pow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    size_t i = s[0] == '-', digits = 0, frac = 0;
    bool dot = false;
    uint64_t m = 0;
    if (i == len)
        return false;
    for (; i < len; i++) {
        if (s[i] == '.' && !dot) {
            dot = true;
            continue;
        }
        if (s[i] < '0' || s[i] > '9' || ++digits > 15)
            return false;
        m = m * 10 + (uint64_t)(s[i] - '0');
        frac += dot;
    }
    if (!digits)
        return false;
    double v = (double)m / pow10[frac];
    *out = s[0] == '-' ? -v : v;
    return true;
}

bool parse_number(const char *s, size_t len, double *out)
{
    if (len == 0 || len > 40)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!isdigit((unsigned char)s[i]) && s[i] != '.' && s[i] != '-' && s[i] != 'e' &&
            s[i] != 'E')
            return false;
    if (len <= 17 && memchr(s, 'e', len) == NULL && memchr(s, 'E', len) == NULL &&
        parse_simple(s, len, out))
        return true;
    char tmp[48];
    memcpy(tmp, s, len);
    tmp[len] = 0;
    char *end;
    errno = 0;
    double v = strtod(tmp, &end);
    if (end != tmp + len || errno == ERANGE || !isfinite(v))
        return false;
    *out = v;
    return true;
}

int val_number(struct row *r, int col, int vi, bool required, double lo, bool lo_open,
               const char *expected, double *out)
{
    size_t len;
    const char *s = row_cell(r, col, &len);
    if (out)
        *out = NAN;
    if (!s)
        return missing(r, col, vi, required);
    double v;
    if (!parse_number(s, len, &v) || (lo_open ? !(v > lo) : !(v >= lo))) {
        row_error(r, col, expected);
        return -1;
    }
    val_real(r, vi, v);
    if (out)
        *out = v;
    return 0;
}

int val_whole(struct row *r, int col, int vi, bool required, const char *expected)
{
    size_t len;
    const char *s = row_cell(r, col, &len);
    if (!s)
        return missing(r, col, vi, required);
    double v;
    if (!parse_number(s, len, &v) || !(v >= 1) || v != floor(v) || v > 1e9) {
        row_error(r, col, expected);
        return -1;
    }
    val_int(r, vi, (int64_t)v);
    return 0;
}

int val_bool(struct row *r, int col, int vi)
{
    static const char *const yes[] = {"1", "true", "yes", "y", "t"};
    static const char *const no[] = {"0", "false", "no", "n", "f"};
    size_t len;
    const char *s = row_cell(r, col, &len);
    if (!s)
        return missing(r, col, vi, false);
    for (size_t i = 0; i < ARRAY_LEN(yes); i++) {
        if (strlen(yes[i]) == len && strncasecmp(s, yes[i], len) == 0)
            return val_int(r, vi, 1), 0;
        if (strlen(no[i]) == len && strncasecmp(s, no[i], len) == 0)
            return val_int(r, vi, 0), 0;
    }
    row_error(r, col, "yes or no (1/0, true/false, yes/no, y/n)");
    return -1;
}

int val_enum(struct row *r, int col, int vi, bool required, const char *const *allowed,
             const char *expected)
{
    size_t len;
    const char *s = row_cell(r, col, &len);
    if (!s)
        return missing(r, col, vi, required);
    for (const char *const *a = allowed; *a; a++)
        if (strlen(*a) == len && strncasecmp(s, *a, len) == 0) {
            val_str(r, vi, *a); /* stored in its canonical spelling */
            return 0;
        }
    row_error(r, col, expected);
    return -1;
}

int ref_check(struct row *r, int col, enum import_kind target, const char *what)
{
    size_t len;
    const char *s = row_cell(r, col, &len);
    if (!s || importer_has_key(r->imp, target, s, len))
        return 0;
    row_errorf(r, col, "expected a %s in the registry or in this import", what);
    return -1;
}

void row_flag(struct row *r, const char *flag)
{
    size_t n = strlen(r->dq), len = strlen(flag);
    for (const char *p = r->dq; (p = strstr(p, flag)) != NULL; p += len)
        if ((p == r->dq || p[-1] == ',') && (p[len] == ',' || p[len] == 0))
            return; /* already flagged (the engine and the checks may both notice) */
    snprintf(r->dq + n, sizeof r->dq - n, "%s%s", n ? "," : "", flag);
}

void row_set_id(struct row *r, int col)
{
    size_t len = 0;
    const char *s = row_cell(r, col, &len);
    if (len >= sizeof r->id)
        len = sizeof r->id - 1;
    memcpy(r->id, s ? s : "", len);
    r->id[len] = 0;
}

/* Every cell the import reads must be UTF-8 text: a NUL or a control byte other than tab and line
 * breaks means the file is not the text it claims to be (a binary file, a wrong encoding). */
int cell_check_bytes(struct row *r, int col)
{
    const char *s = r->cell[col];
    size_t len = r->cell_len[col];
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f) {
            i++;
            continue;
        }
        if (c == '\t' || c == '\n' || c == '\r') {
            i++;
            continue;
        }
        if (c < 0x20 || c == 0x7f) {
            row_errorf(r, col,
                       "expected text, found the control byte 0x%02X at byte %zu (is this "
                       "a binary file?)",
                       c, i + 1);
            return -1;
        }
        size_t bad = 0, n = utf8_char_len(s + i, len - i, &bad);
        if (!n) {
            row_errorf(r, col,
                       "expected UTF-8 text; the byte 0x%02X at byte %zu is not valid "
                       "UTF-8 (save the file as UTF-8)",
                       (unsigned char)s[i + bad], i + bad + 1);
            return -1;
        }
        i += n;
    }
    return 0;
}
