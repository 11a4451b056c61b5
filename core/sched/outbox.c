#include "outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static bool one_line(const char *s)
{
    return s && !strpbrk(s, "\r\n");
}

static int check_attachment(const char *path, char *err, size_t errlen)
{
    if (strncmp(path, "out/", 4) != 0 || !path[4]) {
        snprintf(err, errlen, "attachment '%s' must be a file under out/ in the site", path);
        return -1;
    }
    /* Refuse any ".." segment so a path cannot climb out of out/. */
    for (const char *p = path; (p = strstr(p, "..")); p += 2) {
        bool starts = p == path || p[-1] == '/';
        bool ends = p[2] == 0 || p[2] == '/';
        if (starts && ends) {
            snprintf(err, errlen, "attachment '%s' may not contain '..'", path);
            return -1;
        }
    }
    if (!one_line(path)) {
        snprintf(err, errlen, "attachment paths must be on one line");
        return -1;
    }
    return 0;
}

int outbox_msg_check(const struct outbox_msg *m, char *err, size_t errlen)
{
    if (!m->to || !*m->to || !one_line(m->to)) {
        snprintf(err, errlen, "'to' must be a non-empty address on one line");
        return -1;
    }
    if (!m->subject || !*m->subject || !one_line(m->subject)) {
        snprintf(err, errlen, "'subject' must be non-empty text on one line");
        return -1;
    }
    if (!m->key || !*m->key) {
        snprintf(err, errlen, "'key' must not be empty");
        return -1;
    }
    if (!m->body) {
        snprintf(err, errlen, "'body' is required");
        return -1;
    }
    for (size_t i = 0; i < m->nattachments; i++)
        if (check_attachment(m->attachments[i], err, errlen) < 0)
            return -1;
    return 0;
}

char *outbox_default_key(const char *job, const char *scheduled_iso, const char *to,
                         const char *subject)
{
    return xasprintf("%s|%s|%s|%s", job ? job : "", scheduled_iso ? scheduled_iso : "", to,
                     subject);
}

int64_t outbox_backoff(int attempts, int64_t base_seconds, int64_t max_seconds)
{
    if (attempts < 1)
        attempts = 1;
    int64_t wait = base_seconds > 0 ? base_seconds : 1;
    for (int i = 1; i < attempts && wait < max_seconds; i++)
        wait *= 2;
    return wait < max_seconds ? wait : max_seconds;
}

int outbox_mark_failed(struct store *s, int64_t id, int attempts, const char *error, int64_t now,
                       int max_attempts, int64_t base_seconds, int64_t max_seconds)
{
    if (attempts >= max_attempts)
        return outbox_reschedule(s, id, "failed", 0, error);
    return outbox_reschedule(s, id, "pending",
                             now + outbox_backoff(attempts, base_seconds, max_seconds), error);
}
