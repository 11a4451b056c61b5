/* A pass over the patients: the reader fills batches of patients with their rows and facts on a
 * thread of its own while the visitor runs on the caller's thread (which may call Lua), and
 * each patient is counted for the result and the clinician and site tallies as it comes. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "eval_internal.h"

struct eval_engine *eval_engine_new(struct store *s, struct med_db *db,
                                    const struct med_standard *std, const struct rules *rules)
{
    struct eval_engine *en = xcalloc(1, sizeof *en);
    en->s = s;
    en->db = db;
    en->std = std;
    en->rules = *rules;
    struct med_timeline_options o = {.missing_supply_days = rules->missing_supply_days};
    en->tl = med_timeline_new(&o);
    en->visit_tl = med_timeline_new(&o);
    /* Bounds on the caches: a registry has far fewer distinct products and prescriptions than
     * these, and past them rows are simply computed each time. */
    en->product_cache.max = 65536;
    en->fill_cache.max = 262144;
    return en;
}

static void tallies_free(struct tallies *ts)
{
    keyset_free(&ts->index);
    free(ts->counts);
    memset(ts, 0, sizeof *ts);
}

void eval_engine_free(struct eval_engine *en)
{
    if (!en)
        return;
    row_cache_free(&en->product_cache);
    free(en->products);
    med_timeline_free(en->tl);
    med_timeline_free(en->visit_tl);
    row_cache_free(&en->fill_cache);
    free(en->fills);
    buf_free(&en->fill_why);
    rules_free(&en->rules);
    tallies_free(&en->by_clin);
    tallies_free(&en->by_site);
    free(en);
}

const struct rules *eval_engine_rules(const struct eval_engine *en)
{
    return &en->rules;
}

const struct med_standard *eval_engine_standard(const struct eval_engine *en)
{
    return en->std;
}

const struct med_timeline *eval_engine_timeline(struct eval_engine *en)
{
    if (!en->visit_tl_ready && en->visit_pr) {
        med_timeline_build(en->visit_tl, en->std, en->visit_pr->fills, en->visit_pr->nfills);
        en->visit_tl_ready = true;
    }
    return en->visit_tl;
}

/* ------------------------------------------------------------------ tallies */

static void tally_add(struct tallies *ts, const char *id)
{
    uint32_t at;
    if (keyset_get_str(&ts->index, id, &at)) {
        ts->counts[at]++;
        return;
    }
    ts->counts = xrealloc(ts->counts, (ts->n + 1) * sizeof *ts->counts);
    ts->counts[ts->n] = 1;
    keyset_put_str(&ts->index, id, (uint32_t)ts->n++);
}

static int tally_get(const struct tallies *ts, const char *id)
{
    uint32_t at;
    return keyset_get_str(&ts->index, id, &at) ? ts->counts[at] : 0;
}

int eval_engine_ltot_patients(const struct eval_engine *en, enum gap_level level, const char *id)
{
    return tally_get(level == LEVEL_SITE ? &en->by_site : &en->by_clin, id);
}

/* Counts the patient, then hands it to the visitor. */
static void visit(struct eval_engine *en, const struct eval_pass *p, struct patient_rows *pr,
                  const struct facts *f, struct eval_result *r)
{
    if (!p->rows_only) {
        r->patients++;
        if (f->excluded)
            r->excluded++;
        if (f->fill_rule && !f->excluded) {
            r->fill_rule++;
            if (pr->labeled)
                r->labeled++;
        }
        r->active_fills += f->active_fills;
        r->active_computable += f->active_computable;
        if (f->ltot && !f->excluded) {
            r->ltot++;
            if (pr->labeled)
                r->ltot_labeled++;
            if (pr->has_clinician)
                tally_add(&en->by_clin, pr->clinician);
            tally_add(&en->by_site, pr->site);
        }
    }
    en->visit_pr = pr;
    en->visit_tl_ready = false;
    p->visit(p->ud, pr, p->rows_only ? NULL : f);
    en->visit_pr = NULL;
}

/* ------------------------------------------------------------------ the pipeline */

#define BATCH_SIZE 256
#define NBATCHES 4

struct slot {
    struct patient_rows pr;
    struct facts f;
};
struct batch {
    struct slot slots[BATCH_SIZE];
    int n;
    bool filled;
};
struct pipeline {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct batch *b;
    bool done;
    struct reader *rd;
};

static void *producer(void *arg)
{
    struct pipeline *p = arg;
    for (int w = 0;; w = (w + 1) % NBATCHES) {
        struct batch *b = &p->b[w];
        pthread_mutex_lock(&p->mu);
        while (b->filled)
            pthread_cond_wait(&p->cv, &p->mu);
        pthread_mutex_unlock(&p->mu);
        int n = 0;
        while (n < BATCH_SIZE && reader_next_any(p->rd, &b->slots[n].pr, &b->slots[n].f))
            n++;
        pthread_mutex_lock(&p->mu);
        b->n = n;
        b->filled = true;
        if (n < BATCH_SIZE)
            p->done = true;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
        if (n < BATCH_SIZE)
            return NULL;
    }
}

/* Whole-population runs: the reader thread fills batches while this thread visits. */
static int run_pipelined(struct eval_engine *en, struct reader *rd, const struct eval_pass *ps,
                         struct eval_result *r, char *err, size_t errlen)
{
    struct pipeline p = {.b = xcalloc(NBATCHES, sizeof(struct batch)), .rd = rd};
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.cv, NULL);
    pthread_t t;
    if (pthread_create(&t, NULL, producer, &p) != 0) {
        free(p.b);
        snprintf(err, errlen, "cannot start the reader thread");
        return -1;
    }
    for (int k = 0;; k = (k + 1) % NBATCHES) {
        struct batch *b = &p.b[k];
        pthread_mutex_lock(&p.mu);
        while (!b->filled)
            pthread_cond_wait(&p.cv, &p.mu);
        pthread_mutex_unlock(&p.mu);
        int n = b->n;
        for (int i = 0; i < n; i++)
            visit(en, ps, &b->slots[i].pr, &b->slots[i].f, r);
        if (ps->batch_done)
            ps->batch_done(ps->ud);
        pthread_mutex_lock(&p.mu);
        b->filled = false;
        pthread_cond_broadcast(&p.cv);
        pthread_mutex_unlock(&p.mu);
        if (n < BATCH_SIZE)
            break;
    }
    pthread_join(t, NULL);
    for (int k = 0; k < NBATCHES; k++)
        for (int i = 0; i < BATCH_SIZE; i++)
            patient_rows_free(&p.b[k].slots[i].pr);
    free(p.b);
    pthread_mutex_destroy(&p.mu);
    pthread_cond_destroy(&p.cv);
    return 0;
}

int eval_engine_pass(struct eval_engine *en, const struct eval_pass *p, struct eval_result *r,
                     char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    r->as_of = p->as_of;
    tallies_free(&en->by_clin);
    tallies_free(&en->by_site);
    struct reader rd;
    if (reader_open(&rd, en, p, err, errlen) != 0)
        return -1;
    int rc = 0;
    if (!p->filter->patient && !p->serial) {
        rc = run_pipelined(en, &rd, p, r, err, errlen);
    } else {
        struct patient_rows pr;
        struct facts f;
        memset(&pr, 0, sizeof pr);
        while (reader_next_any(&rd, &pr, &f))
            visit(en, p, &pr, &f, r);
        patient_rows_free(&pr);
    }
    reader_close(&rd);
    return rc;
}
