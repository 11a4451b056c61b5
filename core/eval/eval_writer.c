/* An unfiltered `sixbb check` replaces the stored gaps of its date. The rows are written on a
 * thread of their own, through a connection of their own, while the evaluation runs: the old
 * rows are deleted first, then each batch of new gaps is inserted as soon as the checks have
 * produced it. Everything happens in one transaction, committed only when the whole run
 * succeeded. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval_internal.h"

struct eval_writer {
    struct store_results *out;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool closing;
    struct gap *queue; /* gaps handed over, copied (their strings stay in the result's blocks) */
    size_t nqueue, capqueue;
    size_t fed; /* gaps of the result handed over so far */
    size_t seq; /* the next gap's place in the run, as stored */
    int rc;
    char err[256];
};

static void writer_fail(struct eval_writer *w, const char *what)
{
    if (w->rc == 0) {
        w->rc = -1;
        snprintf(w->err, sizeof w->err, "%s: %s", what, store_results_errmsg(w->out));
    }
}

/* Inserts n gaps, as many to a statement as the store takes. */
static void writer_insert(struct eval_writer *w, const struct gap *g, size_t n)
{
    struct store_result_row rows[STORE_RESULT_BATCH];
    char due[STORE_RESULT_BATCH][16];
    while (n && w->rc == 0) {
        size_t k = n >= STORE_RESULT_BATCH ? STORE_RESULT_BATCH : 1;
        for (size_t j = 0; j < k; j++)
            rows[j] = (struct store_result_row){
                g[j].check,     g[j].patient,
                g[j].clinician, g[j].site,
                g[j].severity,  g[j].due == DATE_NONE ? NULL : date_format(g[j].due, due[j]),
                g[j].detail};
        if (store_results_insert(w->out, rows, k, &w->seq) != 0)
            writer_fail(w, "cannot store the results");
        g += k;
        n -= k;
    }
}

static void *writer_main(void *arg)
{
    struct eval_writer *w = arg;
    if (store_results_clear(w->out) != 0)
        writer_fail(w, "cannot replace the stored results");
    struct gap *mine = NULL;
    size_t cap = 0;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->nqueue && !w->closing)
            pthread_cond_wait(&w->cv, &w->mu);
        if (!w->nqueue)
            break;
        /* Take the queue, leave an empty one (the buffers swap). */
        struct gap *q = w->queue;
        size_t n = w->nqueue, qcap = w->capqueue;
        w->queue = mine;
        w->capqueue = cap;
        w->nqueue = 0;
        mine = q;
        cap = qcap;
        bool failed = w->rc != 0;
        pthread_mutex_unlock(&w->mu);
        if (!failed)
            writer_insert(w, mine, n);
        pthread_mutex_lock(&w->mu);
    }
    pthread_mutex_unlock(&w->mu);
    free(mine);
    return NULL;
}

struct eval_writer *eval_writer_open(struct store *s, day_t as_of, char *err, size_t errlen)
{
    char d[16];
    struct store_results *out = store_results_open(s, date_format(as_of, d), err, errlen);
    if (!out)
        return NULL;
    struct eval_writer *w = xcalloc(1, sizeof *w);
    w->out = out;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
        snprintf(err, errlen, "cannot start the thread that stores the results");
        store_results_close(out);
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->cv);
        free(w);
        return NULL;
    }
    return w;
}

void eval_writer_feed(struct eval_writer *w, const struct eval_result *r)
{
    if (!w || r->ngaps == w->fed)
        return;
    size_t n = r->ngaps - w->fed;
    pthread_mutex_lock(&w->mu);
    if (w->nqueue + n > w->capqueue) {
        w->capqueue = (w->nqueue + n) * 2;
        w->queue = xrealloc(w->queue, w->capqueue * sizeof *w->queue);
    }
    memcpy(w->queue + w->nqueue, r->gaps + w->fed, n * sizeof *w->queue);
    w->nqueue += n;
    w->fed = r->ngaps;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

int eval_writer_close(struct eval_writer *w, const struct eval_result *r, bool ok, char *err,
                      size_t errlen)
{
    pthread_mutex_lock(&w->mu);
    w->closing = true;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    free(w->queue);
    if (err && errlen)
        err[0] = 0;
    int rc = ok ? w->rc : -1;
    if (rc == 0) {
        char detail[128];
        snprintf(detail, sizeof detail, "%zu gaps for %d patients", r->ngaps, r->patients);
        if (store_results_commit(w->out, r->patients, r->ltot, r->excluded, detail) != 0)
            writer_fail(w, "cannot store the results");
        rc = w->rc;
    }
    if (ok && rc != 0)
        snprintf(err, errlen, "%s", w->err);
    store_results_close(w->out);
    free(w);
    return rc;
}
