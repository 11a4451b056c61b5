/* A background writer: batches handed to one worker thread, which passes each to a consumer
 * callback in the order they came, while the thread that made them goes on making the next.
 * The import's row writer is built on it; anything that fills batches on one thread and stores
 * them on another (evaluation results) can be.
 *
 * A batch is an opaque pointer. The producer owns its memory: it gives a batch with
 * bgwriter_push and may touch it again once the batch is done with, which is after the release
 * callback returned for it, after bgwriter_wait, or (batches being done with in the order they
 * were pushed) after depth later pushes have returned. A producer that cycles through depth + 1
 * buffers can therefore reuse the oldest one as soon as a push returns.
 *
 * The first batch whose consumer fails makes the writer failed: its message is kept, and every
 * later batch is skipped (released without being consumed), so what was written stays a prefix
 * of what was pushed. */
#ifndef SIXBB_BGWRITER_H
#define SIXBB_BGWRITER_H

#include <stddef.h>

struct bgwriter;

/* Stores one batch, on the worker thread. 0, or -1 with a message in err (errlen bytes). */
typedef int (*bgwriter_consume_fn)(void *ud, void *batch, char *err, size_t errlen);
/* Called on the worker thread for every batch when it is done with, consumed or skipped: where
 * a batch is freed or marked for reuse. May be NULL. */
typedef void (*bgwriter_release_fn)(void *ud, void *batch);

/* Starts the worker. depth (at least 1) is how many batches may be handed over and not yet
 * done with; a push waits while that many are. NULL when the thread cannot be started: the
 * caller then stores its batches itself. */
struct bgwriter *bgwriter_start(size_t depth, bgwriter_consume_fn consume,
                                bgwriter_release_fn release, void *ud);
/* Hands a batch over, first waiting while depth batches are outstanding. Returns 0, or -1
 * when the writer has failed (the batch is then released unconsumed). */
int bgwriter_push(struct bgwriter *w, void *batch);
/* The barrier: waits until every batch pushed so far is done with and the worker holds
 * nothing, so whatever the consumer uses (a database connection) is free for the caller until
 * the next push. Returns 0, or -1 when the writer has failed. */
int bgwriter_wait(struct bgwriter *w);
/* The message of the first failure, or NULL. Stable once bgwriter_wait has returned -1. */
const char *bgwriter_error(const struct bgwriter *w);
/* Waits for every batch, stops and joins the worker and frees the writer. Returns 0, or -1
 * when a batch failed, with its message copied into err when err is not NULL. w may be NULL. */
int bgwriter_close(struct bgwriter *w, char *err, size_t errlen);

#endif
