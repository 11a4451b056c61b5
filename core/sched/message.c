#include "message.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "tz.h"

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void base64_append(struct buf *out, const unsigned char *data, size_t len, size_t line)
{
    size_t col = 0;
    for (size_t i = 0; i < len; i += 3) {
        unsigned v = (unsigned)data[i] << 16;
        if (i + 1 < len)
            v |= (unsigned)data[i + 1] << 8;
        if (i + 2 < len)
            v |= data[i + 2];
        char q[4] = {b64[(v >> 18) & 63], b64[(v >> 12) & 63],
                     i + 1 < len ? b64[(v >> 6) & 63] : '=', i + 2 < len ? b64[v & 63] : '='};
        buf_append(out, q, 4);
        col += 4;
        if (line && col >= line && i + 3 < len) {
            buf_puts(out, "\r\n");
            col = 0;
        }
    }
}

char *message_date(int64_t utc, const struct tz *zone, char *buf)
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct tz_time t;
    int off = 0;
    if (tz_utc_to_local(zone, utc, &t, &off) != 0) {
        strcpy(buf, "Thu, 01 Jan 1970 00:00:00 +0000");
        return buf;
    }
    int a = off < 0 ? -off : off;
    snprintf(buf, 40, "%s, %02d %s %04d %02d:%02d:%02d %c%02d%02d", days[t.weekday], t.day,
             months[t.month - 1], t.year, t.hour, t.minute, t.second, off < 0 ? '-' : '+',
             a / 3600, (a % 3600) / 60);
    return buf;
}

static bool is_ascii_text(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p >= 0x7f || (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r'))
            return false;
    return true;
}

/* A body may go as 7bit when it is ASCII, its lines are at most 998 octets, and it cannot be
 * mistaken for a MIME boundary. */
static bool body_is_7bit(const char *body, const char *boundary)
{
    if (!is_ascii_text(body))
        return false;
    if (boundary && strstr(body, boundary))
        return false;
    size_t col = 0;
    for (const char *p = body; *p; p++) {
        col = (*p == '\n') ? 0 : col + 1;
        if (col > 998)
            return false;
    }
    return true;
}

/* Appends text with every line ending turned into CRLF and a final CRLF. */
static void append_crlf_text(struct buf *out, const char *text)
{
    for (const char *p = text; *p; p++) {
        if (*p == '\r' && p[1] == '\n')
            continue;
        if (*p == '\n' || *p == '\r')
            buf_puts(out, "\r\n");
        else
            buf_append(out, p, 1);
    }
    size_t n = strlen(text);
    if (n == 0 || (text[n - 1] != '\n' && text[n - 1] != '\r'))
        buf_puts(out, "\r\n");
}

/* Subject header value: as is when ASCII, else RFC 2047 encoded words of whole UTF-8
 * characters, each word at most 75 characters. */
static void append_subject(struct buf *out, const char *s)
{
    if (is_ascii_text(s)) {
        buf_puts(out, s);
        return;
    }
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), i = 0;
    bool first = true;
    while (i < n) {
        /* 45 input octets make 60 base64 characters: with "=?UTF-8?B?" and "?=", 72. */
        size_t take = n - i < 45 ? n - i : 45;
        while (take < n - i && take > 0 && (p[i + take] & 0xC0) == 0x80)
            take--;
        buf_puts(out, first ? "=?UTF-8?B?" : "\r\n =?UTF-8?B?");
        base64_append(out, p + i, take, 0);
        buf_puts(out, "?=");
        i += take;
        first = false;
    }
}

/* Attachment names keep letters, digits, '.', '-' and '_' so they need no quoting rules. */
static void append_safe_name(struct buf *out, const char *name)
{
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    for (const char *c = base; *c; c++) {
        bool ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                  (*c >= '0' && *c <= '9') || *c == '.' || *c == '-' || *c == '_';
        buf_append(out, ok ? c : "_", 1);
    }
}

static const char *content_type(const char *name)
{
    static const struct {
        const char *ext, *type;
    } types[] = {{".csv", "text/csv"},          {".txt", "text/plain"},
                 {".html", "text/html"},        {".json", "application/json"},
                 {".pdf", "application/pdf"},   {".svg", "image/svg+xml"},
                 {".png", "image/png"}};
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        size_t e = strlen(types[i].ext);
        if (n > e && strcmp(name + n - e, types[i].ext) == 0)
            return types[i].type;
    }
    return "application/octet-stream";
}

/* The domain for Message-ID: the sender's, so ids are unique per site and sender. */
static void append_domain(struct buf *out, const char *from)
{
    const char *at = from ? strrchr(from, '@') : NULL;
    if (!at || !at[1]) {
        buf_puts(out, "sixbb.invalid");
        return;
    }
    for (const char *c = at + 1; *c && *c != '>' && *c != ' '; c++)
        buf_append(out, c, 1);
}

static void append_body_part(struct buf *out, const char *body, const char *boundary)
{
    buf_puts(out, "Content-Type: text/plain; charset=utf-8\r\n");
    if (body_is_7bit(body, boundary)) {
        buf_puts(out, "Content-Transfer-Encoding: 7bit\r\n\r\n");
        append_crlf_text(out, body);
        return;
    }
    buf_puts(out, "Content-Transfer-Encoding: base64\r\n\r\n");
    base64_append(out, (const unsigned char *)body, strlen(body), 76);
    buf_puts(out, "\r\n");
}

static void append_attachment(struct buf *out, const struct message_part *p, const char *bnd)
{
    buf_printf(out, "--%s\r\nContent-Type: %s\r\nContent-Transfer-Encoding: base64\r\n", bnd,
               content_type(p->name));
    buf_puts(out, "Content-Disposition: attachment; filename=\"");
    append_safe_name(out, p->name);
    buf_puts(out, "\"\r\n\r\n");
    base64_append(out, p->data, p->len, 76);
    buf_puts(out, "\r\n");
}

void message_format(const struct message *m, struct buf *out)
{
    char date[40], boundary[80];
    snprintf(boundary, sizeof boundary, "sixbb-part-%lld", (long long)m->id);
    buf_printf(out, "From: %s\r\nTo: %s\r\nSubject: ", m->from, m->to);
    append_subject(out, m->subject);
    buf_printf(out, "\r\nDate: %s\r\nMessage-ID: <sixbb.%lld.%lld@",
               message_date(m->date, m->zone, date), (long long)m->id, (long long)m->date);
    append_domain(out, m->from);
    buf_puts(out, ">\r\n");
    buf_printf(out, "X-Sixbb-Outbox-Id: %lld\r\n", (long long)m->id);
    if (m->job)
        buf_printf(out, "X-Sixbb-Job: %s\r\n", m->job);
    buf_puts(out, "MIME-Version: 1.0\r\n");
    if (!m->nparts) {
        append_body_part(out, m->body, NULL);
        return;
    }
    buf_printf(out, "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n", boundary);
    buf_puts(out, "This is a message in MIME format.\r\n");
    buf_printf(out, "--%s\r\n", boundary);
    append_body_part(out, m->body, boundary);
    for (size_t i = 0; i < m->nparts; i++)
        append_attachment(out, &m->parts[i], boundary);
    buf_printf(out, "--%s--\r\n", boundary);
}
