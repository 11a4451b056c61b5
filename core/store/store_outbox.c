#include "store_outbox.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "util.h"

void outbox_msg_free(struct outbox_msg *m)
{
    if (!m)
        return;
    free(m->key);
    free(m->job);
    free(m->to);
    free(m->subject);
    free(m->body);
    for (size_t i = 0; i < m->nattachments; i++)
        free(m->attachments[i]);
    free(m->attachments);
    memset(m, 0, sizeof *m);
}

static int step_done(sqlite3_stmt *st)
{
    if (!st)
        return -1;
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Attachments are stored as a JSON array of strings; the paths were checked to be plain. */
static char *attachments_json(const struct outbox_msg *m)
{
    if (!m->nattachments)
        return NULL;
    struct buf b = {0};
    buf_puts(&b, "[");
    for (size_t i = 0; i < m->nattachments; i++) {
        buf_puts(&b, i ? ",\"" : "\"");
        for (const char *c = m->attachments[i]; *c; c++) {
            if (*c == '"' || *c == '\\')
                buf_append(&b, "\\", 1);
            buf_append(&b, c, 1);
        }
        buf_puts(&b, "\"");
    }
    buf_puts(&b, "]");
    return b.data;
}

int outbox_enqueue(struct store *s, const struct outbox_msg *m, const char *channel, int64_t now,
                   int64_t *id)
{
    sqlite3_stmt *st = store_prepare(
        s, "INSERT OR IGNORE INTO outbox(dedupe_key, job, channel, recipient, subject, body, "
           "attachments, status, attempts, next_attempt, created_at) "
           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending', 0, ?8, ?8)");
    if (!st)
        return -1;
    char *att = attachments_json(m);
    sqlite3_bind_text(st, 1, m->key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, m->job, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, channel, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, m->to, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, m->subject, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, m->body, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, att, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, now);
    int rc = step_done(st);
    free(att);
    if (rc != 0)
        return -1;
    sqlite3 *db = store_db(s);
    if (sqlite3_changes(db) != 1)
        return 0;
    if (id)
        *id = sqlite3_last_insert_rowid(db);
    return 1;
}

void outbox_row_free(struct outbox_row *r)
{
    if (!r)
        return;
    free(r->key);
    free(r->job);
    free(r->channel);
    free(r->to);
    free(r->subject);
    free(r->body);
    free(r->attachments);
    free(r->status);
    free(r->last_error);
    memset(r, 0, sizeof *r);
}

#define ROW_COLUMNS                                                                                \
    "id, dedupe_key, job, channel, recipient, subject, body, attachments, status, attempts, "      \
    "next_attempt, last_error, created_at, delivered_at"

static char *col_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? xstrdup((const char *)t) : NULL;
}

static void read_row(sqlite3_stmt *st, struct outbox_row *r)
{
    r->id = sqlite3_column_int64(st, 0);
    r->key = col_dup(st, 1);
    r->job = col_dup(st, 2);
    r->channel = col_dup(st, 3);
    r->to = col_dup(st, 4);
    r->subject = col_dup(st, 5);
    r->body = col_dup(st, 6);
    r->attachments = col_dup(st, 7);
    r->status = col_dup(st, 8);
    r->attempts = sqlite3_column_int(st, 9);
    r->next_attempt = sqlite3_column_int64(st, 10);
    r->last_error = col_dup(st, 11);
    r->created_at = sqlite3_column_int64(st, 12);
    r->delivered_at = sqlite3_column_int64(st, 13);
}

/* Steps a query expected to give at most one row into out. 1, 0 or -1; always resets. */
static int one_row(sqlite3_stmt *st, struct outbox_row *out)
{
    if (!st)
        return -1;
    int rc = sqlite3_step(st), found = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
    if (found == 1)
        read_row(st, out);
    sqlite3_reset(st);
    return found;
}

int outbox_list(struct store *s, const char *status,
                int (*fn)(const struct outbox_row *r, void *arg), void *arg)
{
    sqlite3_stmt *st = store_prepare(s, "SELECT " ROW_COLUMNS
                                        " FROM outbox WHERE ?1 IS NULL OR status = ?1 ORDER BY id");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct outbox_row r = {0};
        read_row(st, &r);
        int stop = fn(&r, arg);
        outbox_row_free(&r);
        if (stop) {
            rc = SQLITE_DONE;
            break;
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int outbox_next_due(struct store *s, int64_t now, struct outbox_row *out)
{
    sqlite3_stmt *st = store_prepare(s, "SELECT " ROW_COLUMNS " FROM outbox WHERE status = "
                                        "'pending' AND next_attempt <= ?1 "
                                        "ORDER BY next_attempt, id LIMIT 1");
    if (st)
        sqlite3_bind_int64(st, 1, now);
    return one_row(st, out);
}

int outbox_get(struct store *s, int64_t id, struct outbox_row *out)
{
    sqlite3_stmt *st = store_prepare(s, "SELECT " ROW_COLUMNS " FROM outbox WHERE id = ?1");
    if (st)
        sqlite3_bind_int64(st, 1, id);
    return one_row(st, out);
}

int outbox_earliest_pending(struct store *s, int64_t *at)
{
    sqlite3_stmt *st =
        store_prepare(s, "SELECT min(next_attempt) FROM outbox WHERE status = 'pending'");
    if (!st)
        return -1;
    int rc = sqlite3_step(st), found = 0;
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
        *at = sqlite3_column_int64(st, 0);
        found = 1;
    } else if (rc != SQLITE_ROW) {
        found = -1;
    }
    sqlite3_reset(st);
    return found;
}

/* Runs one prepared update in its own (or the caller's) transaction; 1 when a row changed. */
static int update_one(struct store *s, sqlite3_stmt *st)
{
    if (!st)
        return -1;
    if (store_begin(s) != 0) {
        sqlite3_reset(st);
        return -1;
    }
    if (step_done(st) != 0) {
        store_rollback(s);
        return -1;
    }
    int changed = sqlite3_changes(store_db(s)) == 1;
    if (store_commit(s) != 0)
        return -1;
    return changed;
}

int outbox_claim(struct store *s, int64_t id, const char *channel)
{
    sqlite3_stmt *st = store_prepare(
        s, "UPDATE outbox SET status = 'sending', attempts = attempts + 1, channel = ?2 "
           "WHERE id = ?1 AND status = 'pending'");
    if (st) {
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, channel, -1, SQLITE_STATIC);
    }
    return update_one(s, st);
}

int outbox_claim_delivered(struct store *s, int64_t id, const char *channel, int64_t now)
{
    sqlite3_stmt *st = store_prepare(
        s, "UPDATE outbox SET status = 'delivered', attempts = attempts + 1, channel = ?2, "
           "delivered_at = ?3, last_error = NULL WHERE id = ?1 AND status = 'pending'");
    if (st) {
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, channel, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, now);
    }
    return update_one(s, st);
}

int outbox_release(struct store *s, int64_t id, const char *note)
{
    sqlite3_stmt *st = store_prepare(s, "UPDATE outbox SET status = 'pending', last_error = ?2 "
                                        "WHERE id = ?1 AND status = 'sending'");
    if (st) {
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, note, -1, SQLITE_STATIC);
    }
    return update_one(s, st);
}

int outbox_mark_delivered(struct store *s, int64_t id, int64_t now)
{
    sqlite3_stmt *st = store_prepare(s, "UPDATE outbox SET status = 'delivered', delivered_at = "
                                        "?2, last_error = NULL WHERE id = ?1");
    if (st) {
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, now);
    }
    return update_one(s, st);
}

int outbox_reschedule(struct store *s, int64_t id, const char *status, int64_t next_attempt,
                      const char *error)
{
    sqlite3_stmt *st = store_prepare(
        s, "UPDATE outbox SET status = ?2, next_attempt = ?3, last_error = ?4 WHERE id = ?1");
    if (st) {
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, next_attempt);
        sqlite3_bind_text(st, 4, error, -1, SQLITE_STATIC);
    }
    return update_one(s, st);
}

int outbox_set_status(struct store *s, int64_t id, const char *status, const char *note,
                      int64_t now)
{
    bool pending = strcmp(status, "pending") == 0;
    bool delivered = strcmp(status, "delivered") == 0;
    sqlite3_stmt *st = store_prepare(
        s, "UPDATE outbox SET status = ?2, last_error = ?3, "
           "attempts = CASE WHEN ?4 THEN 0 ELSE attempts END, "
           "next_attempt = CASE WHEN ?4 THEN ?5 ELSE next_attempt END, "
           "delivered_at = CASE WHEN ?6 THEN coalesce(delivered_at, ?5) ELSE delivered_at END "
           "WHERE id = ?1");
    if (st) {
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, note, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 4, pending);
        sqlite3_bind_int64(st, 5, now);
        sqlite3_bind_int(st, 6, delivered);
    }
    return update_one(s, st);
}
