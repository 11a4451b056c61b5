/* The background writer: a ring of pushed batches under one mutex, a condition for the worker
 * (work arrived, or quit) and one for the producer (a batch was done with). */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgwriter.h"
#include "util.h"

struct bgwriter {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t work, done;
    void **ring; /* batches pushed, not yet taken by the worker */
    size_t cap, head, count;
    size_t depth;
    bool busy; /* the worker holds a batch */
    bool quit;
    int rc;
    char err[512];
    bgwriter_consume_fn consume;
    bgwriter_release_fn release;
    void *ud;
};

/* Takes the oldest batch and runs it; called and returns with the mutex held. */
static void run_one(struct bgwriter *w)
{
    void *batch = w->ring[w->head];
    w->head = (w->head + 1) % w->cap;
    w->count--;
    w->busy = true;
    bool skip = w->rc != 0;
    pthread_mutex_unlock(&w->mu);
    char err[sizeof w->err];
    err[0] = 0;
    int rc = skip ? 0 : w->consume(w->ud, batch, err, sizeof err);
    if (w->release)
        w->release(w->ud, batch);
    pthread_mutex_lock(&w->mu);
    if (rc != 0 && w->rc == 0) {
        w->rc = -1;
        memcpy(w->err, err, sizeof err);
    }
    w->busy = false;
    pthread_cond_broadcast(&w->done);
}

static void *worker_main(void *arg)
{
    struct bgwriter *w = arg;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->count && !w->quit)
            pthread_cond_wait(&w->work, &w->mu);
        if (!w->count)
            break;
        run_one(w);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

struct bgwriter *bgwriter_start(size_t depth, bgwriter_consume_fn consume,
                                bgwriter_release_fn release, void *ud)
{
    struct bgwriter *w = xcalloc(1, sizeof *w);
    w->depth = depth ? depth : 1;
    w->consume = consume;
    w->release = release;
    w->ud = ud;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->work, NULL);
    pthread_cond_init(&w->done, NULL);
    if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->work);
        pthread_cond_destroy(&w->done);
        free(w);
        return NULL;
    }
    return w;
}

/* Room for one more batch in the ring, which grows as needed up to depth entries. */
static void ring_grow(struct bgwriter *w)
{
    if (w->count < w->cap)
        return;
    size_t cap = w->cap ? w->cap * 2 : 4;
    void **ring = xmalloc(cap * sizeof *ring);
    for (size_t i = 0; i < w->count; i++)
        ring[i] = w->ring[(w->head + i) % w->cap];
    free(w->ring);
    w->ring = ring;
    w->cap = cap;
    w->head = 0;
}

int bgwriter_push(struct bgwriter *w, void *batch)
{
    pthread_mutex_lock(&w->mu);
    while (w->count + w->busy >= w->depth)
        pthread_cond_wait(&w->done, &w->mu);
    ring_grow(w);
    w->ring[(w->head + w->count) % w->cap] = batch;
    w->count++;
    int rc = w->rc;
    pthread_cond_signal(&w->work);
    pthread_mutex_unlock(&w->mu);
    return rc;
}

int bgwriter_wait(struct bgwriter *w)
{
    pthread_mutex_lock(&w->mu);
    while (w->count || w->busy)
        pthread_cond_wait(&w->done, &w->mu);
    int rc = w->rc;
    pthread_mutex_unlock(&w->mu);
    return rc;
}

const char *bgwriter_error(const struct bgwriter *w)
{
    return w->rc ? w->err : NULL;
}

int bgwriter_close(struct bgwriter *w, char *err, size_t errlen)
{
    if (!w)
        return 0;
    bgwriter_wait(w);
    pthread_mutex_lock(&w->mu);
    w->quit = true;
    pthread_cond_signal(&w->work);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    int rc = w->rc;
    if (rc && err && errlen)
        snprintf(err, errlen, "%s", w->err);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->work);
    pthread_cond_destroy(&w->done);
    free(w->ring);
    free(w);
    return rc;
}
