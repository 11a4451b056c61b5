/* The outbox: messages that jobs want sent, kept in the database until delivered. A message is
 * queued once per dedupe key (a second one with the same key is dropped), claimed for sending in
 * a committed transaction, and retried with exponential backoff when a channel fails. The rows
 * and their status moves are the store's (store_outbox.h); this module says what may be queued
 * and when a failed message is tried again; core/sched/deliver.c does the sending. */
#ifndef SIXBB_OUTBOX_H
#define SIXBB_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store_outbox.h"

/* Checks a message before it is queued: recipient, subject and key present and on one line
 * (no header injection), attachment paths relative, under out/, without "..". 0, or -1 with
 * the reason in err. */
int outbox_msg_check(const struct outbox_msg *m, char *err, size_t errlen);
/* The key used when a job gives none: job, scheduled time, recipient and subject, so that
 * running the same scheduled time again queues nothing new. Caller frees. */
char *outbox_default_key(const char *job, const char *scheduled_iso, const char *to,
                         const char *subject);

/* sending -> pending with the next attempt after backoff, or -> failed once attempts reach
 * max_attempts. */
int outbox_mark_failed(struct store *s, int64_t id, int attempts, const char *error, int64_t now,
                       int max_attempts, int64_t base_seconds, int64_t max_seconds);

/* Seconds to wait after the n-th failed attempt: base * 2^(n-1), at most max_seconds. */
int64_t outbox_backoff(int attempts, int64_t base_seconds, int64_t max_seconds);

#endif
