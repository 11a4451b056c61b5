/* The outbox: messages that jobs want sent, kept in the database until delivered. A message is
 * queued once per dedupe key (a second one with the same key is dropped), claimed for sending in
 * a committed transaction, and retried with exponential backoff when a channel fails. This
 * module is the ledger; core/deliver.c does the sending. */
#ifndef SIXBB_OUTBOX_H
#define SIXBB_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

/* A message as a job asks for it. */
struct outbox_msg {
    char *key; /* dedupe key */
    char *job; /* may be NULL */
    char *to;
    char *subject;
    char *body;
    char **attachments; /* site-relative paths under out/ */
    size_t nattachments;
};
void outbox_msg_free(struct outbox_msg *m);

/* Checks a message before it is queued: recipient, subject and key present and on one line
 * (no header injection), attachment paths relative, under out/, without "..". 0, or -1 with
 * the reason in err. */
int outbox_msg_check(const struct outbox_msg *m, char *err, size_t errlen);
/* The key used when a job gives none: job, scheduled time, recipient and subject, so that
 * running the same scheduled time again queues nothing new. Caller frees. */
char *outbox_default_key(const char *job, const char *scheduled_iso, const char *to,
                         const char *subject);
/* Queues a message (joins the caller's transaction). 1 queued (*id set when id is not NULL),
 * 0 dropped as a duplicate key, -1 on error. */
int outbox_enqueue(struct store *s, const struct outbox_msg *m, const char *channel, int64_t now,
                   int64_t *id);

/* A stored message. Strings are owned by the row. */
struct outbox_row {
    int64_t id;
    char *key, *job, *channel, *to, *subject, *body, *attachments, *status, *last_error;
    int attempts;
    int64_t next_attempt, created_at, delivered_at; /* delivered_at 0 when not delivered */
};
void outbox_row_free(struct outbox_row *r);

/* Calls fn for each message, newest last; status NULL lists all. fn returns non-zero to stop.
 * 0 or -1. */
int outbox_list(struct store *s, const char *status,
                int (*fn)(const struct outbox_row *r, void *arg), void *arg);
/* 1 and the row of the pending message due soonest (next_attempt <= now), 0 when none, -1. */
int outbox_next_due(struct store *s, int64_t now, struct outbox_row *out);
/* 1 and *at: the earliest next_attempt of any pending message; 0 when none; -1. */
int outbox_earliest_pending(struct store *s, int64_t *at);
/* 1 and the row with this id; 0 when there is none; -1. */
int outbox_get(struct store *s, int64_t id, struct outbox_row *out);

/* pending -> sending (attempts + 1, channel recorded), committed. 1 claimed, 0 when another
 * process took it or it is no longer pending, -1. */
int outbox_claim(struct store *s, int64_t id, const char *channel);
/* pending -> delivered directly, for channels whose delivery is done after the commit (log). */
int outbox_claim_delivered(struct store *s, int64_t id, const char *channel, int64_t now);
/* sending -> pending, due as before (a delivery that certainly did not happen), with a note. */
int outbox_release(struct store *s, int64_t id, const char *note);
/* sending -> delivered. */
int outbox_mark_delivered(struct store *s, int64_t id, int64_t now);
/* sending -> pending with the next attempt after backoff, or -> failed once attempts reach
 * max_attempts. */
int outbox_mark_failed(struct store *s, int64_t id, int attempts, const char *error, int64_t now,
                       int max_attempts, int64_t base_seconds, int64_t max_seconds);
/* Sets any status with an explanation (recovery and 'sixbb outbox mark'); pending also resets
 * attempts and makes the message due now. 1 changed, 0 no such message, -1. */
int outbox_set_status(struct store *s, int64_t id, const char *status, const char *note,
                      int64_t now);

/* Seconds to wait after the n-th failed attempt: base * 2^(n-1), at most max_seconds. */
int64_t outbox_backoff(int attempts, int64_t base_seconds, int64_t max_seconds);

#endif
