/* An unfiltered `sixbb check` replaces the stored gaps of its date. The rows are written by a
 * background writer, through a connection of their own, while the evaluation runs: the old
 * rows are deleted first, then each batch of new gaps is inserted as soon as the checks have
 * produced it. Everything happens in one transaction, committed only when the whole run
 * succeeded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgwriter.h"
#include "eval_internal.h"

/* Batches that may wait for the writer: the evaluation hands one over per batch of patients
 * and should not have to wait for the database unless it is that far ahead. */
#define WRITER_DEPTH 64
/* The longest message kept for a failed write. */
#define WRITER_ERR_MAX 256

struct eval_writer {
    struct store_results *out;
    struct bgwriter *bg;
    size_t fed; /* gaps of the result handed over so far */
    size_t seq; /* the next gap's place in the run, as stored (worker thread only) */
};

/* Gaps handed over, copied: the result's array moves as it grows, while their strings stay in
 * the result's blocks until the result is freed, after the writer is closed. */
struct gap_batch {
    size_t n;
    struct gap gaps[];
};

static int writer_fail(struct eval_writer *w, const char *what, char *err, size_t errlen)
{
    snprintf(err, errlen < WRITER_ERR_MAX ? errlen : WRITER_ERR_MAX, "%s: %s", what,
             store_results_errmsg(w->out));
    return -1;
}

/* Inserts n gaps, as many to a statement as the store takes. */
static int writer_insert(struct eval_writer *w, const struct gap *g, size_t n, char *err,
                         size_t errlen)
{
    struct store_result_row rows[STORE_RESULT_BATCH];
    char due[STORE_RESULT_BATCH][16];
    while (n) {
        size_t k = n >= STORE_RESULT_BATCH ? STORE_RESULT_BATCH : 1;
        for (size_t j = 0; j < k; j++)
            rows[j] = (struct store_result_row){
                g[j].check,     g[j].patient,
                g[j].clinician, g[j].site,
                g[j].severity,  g[j].due == DATE_NONE ? NULL : date_format(g[j].due, due[j]),
                g[j].detail};
        if (store_results_insert(w->out, rows, k, &w->seq) != 0)
            return writer_fail(w, "cannot store the results", err, errlen);
        g += k;
        n -= k;
    }
    return 0;
}

/* The first batch, pushed as the writer opens, is NULL: it deletes the old rows, so that runs
 * on the worker while the evaluation starts. */
static int writer_consume(void *ud, void *batch, char *err, size_t errlen)
{
    struct eval_writer *w = ud;
    struct gap_batch *b = batch;
    if (!b)
        return store_results_clear(w->out) == 0
                   ? 0
                   : writer_fail(w, "cannot replace the stored results", err, errlen);
    return writer_insert(w, b->gaps, b->n, err, errlen);
}

static void writer_release(void *ud, void *batch)
{
    (void)ud;
    free(batch);
}

struct eval_writer *eval_writer_open(struct store *s, day_t as_of, char *err, size_t errlen)
{
    char d[16];
    struct store_results *out = store_results_open(s, date_format(as_of, d), err, errlen);
    if (!out)
        return NULL;
    struct eval_writer *w = xcalloc(1, sizeof *w);
    w->out = out;
    w->bg = bgwriter_start(WRITER_DEPTH, writer_consume, writer_release, w);
    if (!w->bg) {
        snprintf(err, errlen, "cannot start the thread that stores the results");
        store_results_close(out);
        free(w);
        return NULL;
    }
    bgwriter_push(w->bg, NULL);
    return w;
}

void eval_writer_feed(struct eval_writer *w, const struct eval_result *r)
{
    if (!w || r->ngaps == w->fed)
        return;
    size_t n = r->ngaps - w->fed;
    struct gap_batch *b = xmalloc(sizeof *b + n * sizeof b->gaps[0]);
    b->n = n;
    memcpy(b->gaps, r->gaps + w->fed, n * sizeof b->gaps[0]);
    w->fed = r->ngaps;
    /* A failure is kept by the writer and reported by eval_writer_close. */
    bgwriter_push(w->bg, b);
}

int eval_writer_close(struct eval_writer *w, const struct eval_result *r, bool ok, char *err,
                      size_t errlen)
{
    char why[WRITER_ERR_MAX];
    why[0] = 0;
    int rc = bgwriter_close(w->bg, why, sizeof why);
    if (err && errlen)
        err[0] = 0;
    if (!ok)
        rc = -1;
    if (rc == 0) {
        char detail[128];
        snprintf(detail, sizeof detail, "%zu gaps for %d patients", r->ngaps, r->patients);
        if (store_results_commit(w->out, r->patients, r->ltot, r->excluded, detail) != 0)
            rc = writer_fail(w, "cannot store the results", why, sizeof why);
    }
    if (ok && rc != 0)
        snprintf(err, errlen, "%s", why);
    store_results_close(w->out);
    free(w);
    return rc;
}
