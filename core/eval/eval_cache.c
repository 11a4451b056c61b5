/* The caches that make a pass cheap: products resolved once per distinct description and
 * fills computed once per distinct prescription, both found by the raw bytes of their columns. */
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "eval_internal.h"

/* The columns' values as bytes into c->probe, each with its storage type and length (numbers as
 * their double: formatting them would cost more than the lookup saves). */
static void row_key(struct row_cache *c, struct store_cursor *st, const int *cols, size_t ncols)
{
    struct buf *k = &c->probe;
    k->len = 0;
    for (size_t j = 0; j < ncols; j++) {
        int i = cols[j];
        enum store_col type = store_col_type(st, i);
        const void *p = NULL;
        uint32_t n = 0;
        double v;
        if (type == STORE_COL_INT || type == STORE_COL_FLOAT) {
            v = store_col_num(st, i);
            p = &v;
            n = sizeof v;
        } else if (type == STORE_COL_TEXT || type == STORE_COL_BLOB) {
            size_t len;
            p = store_col_bytes(st, i, &len);
            n = (uint32_t)len;
        }
        buf_reserve(k, 1 + sizeof n + n);
        char *w = k->data + k->len;
        *w++ = (char)type;
        memcpy(w, &n, sizeof n);
        if (n)
            memcpy(w + sizeof n, p, n);
        k->len += 1 + sizeof n + n;
    }
}


enum { CACHE_MISS = -1, CACHE_FULL = -2 };

/* Looks up the row's key: its entry's index, CACHE_MISS after which row_cache_add may keep it,
 * or CACHE_FULL when it cannot be kept (cache full, or another key with the same hash). */
static long row_cache_find(struct row_cache *c, struct store_cursor *st, const int *cols,
                           size_t ncols, uint64_t *hash)
{
    row_key(c, st, cols, ncols);
    *hash = hash_bytes(c->probe.data, c->probe.len);
    uint32_t at;
    if (u64map_get(&c->index, *hash, &at)) {
        size_t from = c->key_at[at], to = at + 1 < c->n ? c->key_at[at + 1] : c->keys.len;
        if (to - from == c->probe.len && memcmp(c->keys.data + from, c->probe.data, to - from) == 0)
            return at;
        return CACHE_FULL;
    }
    return c->n < c->max ? CACHE_MISS : CACHE_FULL;
}

/* Keeps the key just looked up as entry n (the caller has room for entries up to c->cap). */
static size_t row_cache_add(struct row_cache *c, uint64_t hash)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 256;
        c->key_at = xrealloc(c->key_at, c->cap * sizeof *c->key_at);
    }
    c->key_at[c->n] = c->keys.len;
    buf_append(&c->keys, c->probe.data, c->probe.len);
    u64map_put(&c->index, hash, (uint32_t)c->n);
    return c->n++;
}

void row_cache_free(struct row_cache *c)
{
    u64map_free(&c->index);
    buf_free(&c->keys);
    free(c->key_at);
    buf_free(&c->probe);
}

/* The columns that name a product: drug, NDC, RxNorm, strength, unit, form. */
static const int PRODUCT_COLS[] = {3, 6, 7, 8, 9, 10};

/* The fill's product, resolved once per distinct description. */
static const struct cached_product *resolve_cached(struct eval_engine *e, struct store_cursor *st,
                                                   const struct med_input *in,
                                                   struct cached_product *scratch)
{
    struct row_cache *c = &e->product_cache;
    uint64_t h;
    long at = row_cache_find(c, st, PRODUCT_COLS, ARRAY_LEN(PRODUCT_COLS), &h);
    if (at >= 0)
        return &e->products[at];
    struct cached_product *cp = scratch;
    if (at == CACHE_MISS) {
        size_t cap = c->cap;
        size_t i = row_cache_add(c, h);
        if (c->cap != cap)
            e->products = xrealloc(e->products, c->cap * sizeof *e->products);
        cp = &e->products[i];
    }
    cp->why[0] = 0;
    cp->res = med_resolve(e->db, in, &cp->p, cp->why, sizeof cp->why);
    return cp;
}

/* Dose and frequency columns may hold numbers or text ("1-2", "q6h"); numbers are written out
 * without printf for the common whole values. */
static const char *col_amount(struct store_cursor *st, int i, char *buf, size_t n)
{
    enum store_col t = store_col_type(st, i);
    if (t == STORE_COL_NULL)
        return NULL;
    if (t == STORE_COL_TEXT)
        return store_col_text(st, i);
    double v = store_col_num(st, i);
    if (v >= 0 && v < 1e6 && v == (double)(long)v) {
        long x = (long)v;
        char tmp[16];
        int k = 0;
        do {
            tmp[k++] = (char)('0' + x % 10);
            x /= 10;
        } while (x);
        for (int j = 0; j < k; j++)
            buf[j] = tmp[k - 1 - j];
        buf[k] = 0;
        return buf;
    }
    snprintf(buf, n, "%.17g", v);
    return buf;
}

/* The columns that decide a fill's MED: drug, quantity, days supply, NDC, RxNorm, strength,
 * unit, form, dose, doses per day, PRN. */
static const int FILL_COLS[] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13};

/* Computes a fill from its columns: product (resolved once per description), dosing, MED. */
static void compute_fill(struct eval_engine *e, struct store_cursor *st, struct med_fill *out,
                         char *why, size_t whylen)
{
    struct med_input in = med_input_empty();
    in.drug = store_col_text(st, 3);
    in.quantity = store_col_num(st, 4);
    in.days_supply = store_col_num(st, 5);
    in.ndc = store_col_text(st, 6);
    in.rxnorm = store_col_text(st, 7);
    in.strength = store_col_num(st, 8);
    in.strength_unit = store_col_text(st, 9);
    in.form = store_col_text(st, 10);
    char dose[32], per_day[32];
    in.dose = col_amount(st, 11, dose, sizeof dose);
    in.doses_per_day = col_amount(st, 12, per_day, sizeof per_day);
    in.prn = store_col_int(st, 13) != 0;
    struct cached_product scratch;
    const struct cached_product *cp = resolve_cached(e, st, &in, &scratch);
    struct med_result r;
    struct med_dosing d;
    char err[MED_ERROR_MAX];
    const char *reason = NULL;
    if (med_dosing_from_input(&in, &d, err, sizeof err) < 0) {
        struct med_dosing none = {NAN, NAN, NAN, NAN, false, false, false};
        med_calc(e->std, &cp->p, &none, &r);
        r.status = MED_ERROR;
        reason = err;
    } else {
        med_calc(e->std, &cp->p, &d, &r);
        if (cp->res == MED_UNRESOLVED ||
            (cp->res == MED_PARTIAL && (r.status == MED_OK || r.status == MED_ERROR))) {
            r.status = MED_ERROR;
            reason = cp->why;
        } else if (r.status == MED_ERROR) {
            reason = r.error;
        }
    }
    if (r.status == MED_ERROR)
        r.med = NAN;
    med_fill_from_result(out, DATE_NONE, 0, &r);
    str_copy(why, whylen, reason ? reason : "");
}

/* The fill's MED from the cache, computing and remembering it on a miss. Returns its error text
 * or NULL. */
const char *fill_lookup(struct eval_engine *e, struct store_cursor *st, struct med_fill *out,
                        char *why, size_t whylen)
{
    struct row_cache *c = &e->fill_cache;
    uint64_t h;
    long at = row_cache_find(c, st, FILL_COLS, ARRAY_LEN(FILL_COLS), &h);
    if (at >= 0) {
        const struct cached_fill *f = &e->fills[at];
        *out = f->f;
        return f->why_at == (size_t)-1 ? NULL : e->fill_why.data + f->why_at;
    }
    compute_fill(e, st, out, why, whylen);
    if (at == CACHE_MISS) {
        size_t cap = c->cap;
        size_t i = row_cache_add(c, h);
        if (c->cap != cap)
            e->fills = xrealloc(e->fills, c->cap * sizeof *e->fills);
        e->fills[i].f = *out;
        e->fills[i].why_at = (size_t)-1;
        if (*why) {
            e->fills[i].why_at = e->fill_why.len;
            buf_append(&e->fill_why, why, strlen(why) + 1);
        }
    }
    return *why ? why : NULL;
}
