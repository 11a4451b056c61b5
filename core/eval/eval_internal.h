/* Internals shared by the engine's files: the engine itself, its caches, and the reader that
 * gathers each patient's rows. */
#ifndef SIXBB_EVAL_INTERNAL_H
#define SIXBB_EVAL_INTERNAL_H

#include "eval.h"
#include "hashmap.h"
#include "keyset.h"
#include "med_internal.h"
#include "store_eval.h"

/* Entries found by the raw bytes of some columns of a row. Keys are kept whole, so two rows
 * share an entry only when those columns are the same byte for byte (a hash collision just
 * goes uncached). Callers keep their entries in an array indexed like the keys. */
struct row_cache {
    struct u64map index; /* hash of the key bytes -> entry */
    struct buf keys;       /* every entry's key bytes, one after another */
    size_t *key_at;        /* per entry: where its key starts in keys; it ends at the next */
    size_t n, cap, max;    /* max: entries kept at most (memory stays bounded) */
    struct buf probe;      /* the key being looked up */
};
void row_cache_free(struct row_cache *c);

struct cached_product {
    struct med_product p;
    enum med_resolution res;
    char why[MED_ERROR_MAX];
};

/* A prescription as written (the raw bytes of its MED columns) and what the standard makes of
 * it: refills repeat their prescription, so most fills are answered from here. */
struct cached_fill {
    size_t why_at;     /* in fill_why, or (size_t)-1 */
    struct med_fill f; /* without date and supply */
};

/* Counts per clinician and site of LtOT, non-excluded patients, for the next levels. */
struct tallies {
    struct keyset index;
    int *counts;
    size_t n;
};

struct eval_engine {
    struct store *s;
    struct med_db *db;
    const struct med_standard *std;
    struct rules rules;
    struct row_cache product_cache; /* product columns -> products[] */
    struct cached_product *products;
    struct row_cache fill_cache; /* MED columns -> fills[] */
    struct cached_fill *fills;
    struct buf fill_why;     /* the cached fills' error texts */
    struct med_timeline *tl; /* the reader's, for computing facts */
    /* The visited patient's timeline, built on the visitor's thread when it asks for it: with
     * the reader on a thread of its own, `tl` already holds a later patient. */
    struct med_timeline *visit_tl;
    const struct patient_rows *visit_pr;
    bool visit_tl_ready;
    struct tallies by_clin, by_site; /* of the last pass */
};

/* The fill at the cursor's row from the cache, computing and remembering it on a miss. Returns
 * its error text or NULL. */
const char *fill_lookup(struct eval_engine *en, struct store_cursor *c, struct med_fill *out,
                        char *why, size_t whylen);

/* Reads patients one by one, with their rows, and computes their facts. It has its own
 * read-only connection, so it can run on a thread of its own while the visitor runs on the
 * caller's. */
struct reader {
    struct eval_engine *en;
    struct store_rows *rows;
    day_t as_of;
    bool rows_only;
    /* A list of patients (sorted, without repeats), read one by one with the one-patient
     * queries; NULL for the whole population. */
    const char **ids;
    size_t nids, at;
    bool bound;
};
int reader_open(struct reader *rd, struct eval_engine *en, const struct eval_pass *p, char *err,
                size_t errlen);
void reader_close(struct reader *rd);
/* The next patient of the population or of the list, with their facts unless rows_only. */
bool reader_next_any(struct reader *rd, struct patient_rows *pr, struct facts *f);

#endif
