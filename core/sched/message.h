/* Internet messages (RFC 5322, with MIME for attachments) built from an outbox row. The text
 * depends only on its inputs, so a retry writes byte-for-byte the same message and the same
 * Message-ID, and tests can compare exact output. */
#ifndef SIXBB_MESSAGE_H
#define SIXBB_MESSAGE_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct tz;

struct message_part {
    const char *name; /* file name shown to the reader */
    const unsigned char *data;
    size_t len;
};

struct message {
    int64_t id;      /* outbox id: part of the Message-ID and the MIME boundary */
    const char *from, *to, *subject, *body;
    const char *job; /* may be NULL */
    int64_t date;    /* Unix seconds, shown in `zone` */
    const struct tz *zone;
    const struct message_part *parts;
    size_t nparts;
};

/* Appends the message, lines ending in CRLF, to out. Subjects outside ASCII become RFC 2047
 * encoded words; a body that is not 7-bit with short lines is sent base64; attachments are
 * base64 in a multipart/mixed message. */
void message_format(const struct message *m, struct buf *out);

/* RFC 5322 date, e.g. "Mon, 05 Jan 2026 07:30:00 -0800". buf holds at least 40 bytes. */
char *message_date(int64_t utc, const struct tz *zone, char *buf);

/* Base64 (RFC 4648) with CRLF after every `line` output characters (0: no breaks). */
void base64_append(struct buf *out, const unsigned char *data, size_t len, size_t line);

#endif
