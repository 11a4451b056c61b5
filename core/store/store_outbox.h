/* The outbox ledger: the rows of messages waiting to be sent, one per dedupe key, and the status
 * moves a delivery makes (pending -> sending -> delivered, back to pending, failed or uncertain).
 * What may be queued, and when a failed message is tried again, is decided in core/sched. */
#ifndef SIXBB_STORE_OUTBOX_H
#define SIXBB_STORE_OUTBOX_H

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

/* Queues a message (joins the caller's transaction); attachments are stored as a JSON array of
 * strings. 1 queued (*id set when id is not NULL), 0 dropped as a duplicate key, -1 on error. */
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

/* Each status move below runs in its own transaction (or joins the caller's) and returns 1 when
 * the message changed, 0 when it did not (no such message, or not in the expected status), -1
 * on a database error. */

/* pending -> sending (attempts + 1, channel recorded), committed. */
int outbox_claim(struct store *s, int64_t id, const char *channel);
/* pending -> delivered directly, for channels whose delivery is done after the commit (log). */
int outbox_claim_delivered(struct store *s, int64_t id, const char *channel, int64_t now);
/* sending -> pending, due as before (a delivery that certainly did not happen), with a note. */
int outbox_release(struct store *s, int64_t id, const char *note);
/* Any status -> delivered. */
int outbox_mark_delivered(struct store *s, int64_t id, int64_t now);
/* Sets status, next attempt and last error after a failed attempt ("pending" to retry at
 * next_attempt, "failed" to give up). */
int outbox_reschedule(struct store *s, int64_t id, const char *status, int64_t next_attempt,
                      const char *error);
/* Sets any status with an explanation (recovery and 'sixbb outbox mark'); pending also resets
 * attempts and makes the message due now, delivered keeps an earlier delivery time. */
int outbox_set_status(struct store *s, int64_t id, const char *status, const char *note,
                      int64_t now);

#endif
