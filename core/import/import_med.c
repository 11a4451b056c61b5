/* MED at import: each prescription is resolved to a product and its daily dose and MED worked
 * out under the site's standard. Resolution (NDC, RxNorm, free text) is the costly part and an
 * extract names few distinct products, so it is cached per (drug, ndc, rxnorm, strength, unit,
 * form); the per-fill arithmetic (med_calc) is cheap and runs for every row. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_internal.h"
#include "med.h"
#include "util.h"

struct resolved {
    struct med_product product;
    enum med_resolution res;
    char why[MED_ERROR_MAX];
};

struct rx_med {
    const struct med_db *db;
    const struct med_standard *std;
    struct med_db *own_db; /* what rx_med_new loaded, freed with it */
    struct med_standard *own_std;
    struct keyset cache; /* tuple -> index into resolved */
    struct resolved *resolved;
    size_t nresolved, capresolved;
    char *key;
    size_t keycap;
};

struct rx_med *rx_med_new(const char *config_dir, const char *standard, char *err, size_t errlen)
{
    struct rx_med *m = xcalloc(1, sizeof *m);
    keyset_init(&m->cache);
    m->db = m->own_db = med_db_open(config_dir, err, errlen);
    if (m->db)
        m->std = m->own_std =
            med_standard_load_named(config_dir, standard ? standard : "cdc2022", err, errlen);
    if (!m->db || !m->std) {
        rx_med_free(m);
        return NULL;
    }
    return m;
}

struct rx_med *rx_med_borrow(const struct med_db *db, const struct med_standard *std)
{
    struct rx_med *m = xcalloc(1, sizeof *m);
    keyset_init(&m->cache);
    m->db = db;
    m->std = std;
    return m;
}

void rx_med_free(struct rx_med *m)
{
    if (!m)
        return;
    med_db_free(m->own_db);
    med_standard_free(m->own_std);
    keyset_free(&m->cache);
    free(m->resolved);
    free(m->key);
    free(m);
}

static const char *text_of(const struct store_val *v)
{
    return v->t == SV_TEXT ? v->s : NULL;
}

static double num_of(const struct store_val *v)
{
    return v->t == SV_REAL ? v->d : v->t == SV_INT ? (double)v->i : NAN;
}

/* Column positions in the prescriptions kind (see import_kinds.c). */
enum {
    DRUG = 3,
    QTY = 4,
    DAYS = 5,
    NDC = 7,
    RXNORM = 8,
    STRENGTH = 9,
    UNIT = 10,
    FORM = 11,
    DOSE = 12,
    PERDAY = 13,
    PRN = 14,
    MED_FIRST = 18
};

static struct med_input input_of(const struct row *r)
{
    struct med_input in = med_input_empty();
    in.drug = text_of(&r->v[DRUG]);
    in.ndc = text_of(&r->v[NDC]);
    in.rxnorm = text_of(&r->v[RXNORM]);
    in.strength = num_of(&r->v[STRENGTH]);
    in.strength_unit = text_of(&r->v[UNIT]);
    in.form = text_of(&r->v[FORM]);
    in.quantity = num_of(&r->v[QTY]);
    in.days_supply = num_of(&r->v[DAYS]);
    in.dose = text_of(&r->v[DOSE]);
    in.doses_per_day = text_of(&r->v[PERDAY]);
    in.prn = r->v[PRN].t == SV_INT && r->v[PRN].i == 1;
    return in;
}

static const struct resolved *resolve_cached(struct rx_med *m, const struct row *r,
                                             const struct med_input *in)
{
    static const int cols[] = {DRUG, NDC, RXNORM, STRENGTH, UNIT, FORM};
    const char *parts[ARRAY_LEN(cols)];
    size_t lens[ARRAY_LEN(cols)];
    for (size_t i = 0; i < ARRAY_LEN(cols); i++) {
        /* The cell text, not the parsed number, so "10" and "10.0" simply miss the cache. */
        parts[i] = r->cell[cols[i]] ? r->cell[cols[i]] : "";
        lens[i] = r->cell[cols[i]] ? r->cell_len[cols[i]] : 0;
    }
    if (r->v[NDC].t == SV_TEXT) {
        parts[1] = r->v[NDC].s;
        lens[1] = r->v[NDC].len;
    }
    size_t len = keyset_join(&m->key, &m->keycap, parts, lens, ARRAY_LEN(cols));
    uint32_t *slot;
    if (!keyset_add(&m->cache, m->key, len, &slot))
        return &m->resolved[*slot];
    if (m->nresolved == m->capresolved) {
        m->capresolved = m->capresolved ? m->capresolved * 2 : 64;
        m->resolved = xrealloc(m->resolved, m->capresolved * sizeof *m->resolved);
    }
    struct resolved *e = &m->resolved[m->nresolved];
    *slot = (uint32_t)m->nresolved++;
    e->why[0] = 0;
    e->res = med_resolve(m->db, in, &e->product, e->why, sizeof e->why);
    return e;
}

/* Same outcome as med_compute(), with the resolution taken from the cache. */
static void compute(struct rx_med *m, const struct resolved *e, const struct med_input *in,
                    struct med_result *res)
{
    struct med_dosing d;
    char err[MED_ERROR_MAX];
    if (med_dosing_from_input(in, &d, err, sizeof err) < 0) {
        struct med_dosing none = {NAN, NAN, NAN, NAN, false, false, false};
        med_calc(m->std, &e->product, &none, res);
        res->status = MED_ERROR;
        res->med = NAN;
        snprintf(res->error, sizeof res->error, "%s", err);
        return;
    }
    med_calc(m->std, &e->product, &d, res);
    if (e->res == MED_UNRESOLVED ||
        (e->res == MED_PARTIAL && (res->status == MED_OK || res->status == MED_ERROR))) {
        res->status = MED_ERROR;
        res->med = NAN;
        snprintf(res->error, sizeof res->error, "%s", e->why);
    }
}

/* Engine flags that describe the prescription rather than a problem with the data. */
#define INFORMATIONAL (MED_FLAG_PRN | MED_FLAG_DOSE_RANGE | MED_FLAG_METHADONE_TIERED)

static void add_flags(struct row *r, const struct med_result *res)
{
    for (unsigned i = 0; i < MED_FLAG_COUNT; i++)
        if (res->flags & (1u << i) & ~INFORMATIONAL)
            row_flag(r, med_flag_name(i));
    if (res->product.cls == MED_CLASS_UNRESOLVED)
        row_flag(r, "product_unresolved");
    if (res->status == MED_ERROR)
        row_flag(r, "med_not_computable");
}

/* 16 lower-case hex digits: the per-row snprintf showed up in import profiles. */
static void hex64(uint64_t v, char out[17])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 15; i >= 0; i--, v >>= 4)
        out[i] = digits[v & 15];
    out[16] = 0;
}

static void store_result(struct row *r, const struct med_result *res)
{
    const struct med_product *p = &res->product;
    int vi = MED_FIRST;
    val_str(r, vi, med_class_name(p->cls));
    if (p->ingredient[0]) {
        memcpy(r->scratch[2], p->ingredient, sizeof p->ingredient);
        r->scratch[2][sizeof r->scratch[2] - 1] = 0;
        val_str(r, vi + 1, r->scratch[2]);
        hex64(p->key ? p->key : med_product_key(p), r->scratch[3]);
        val_str(r, vi + 2, r->scratch[3]);
    } else {
        val_null(r, vi + 1);
        val_null(r, vi + 2);
    }
    val_real(r, vi + 3, res->daily_dose);
    val_str(r, vi + 4, isnan(res->daily_dose) ? NULL : med_result_unit(res));
    val_real(r, vi + 5, res->factor);
    val_real(r, vi + 6, res->status == MED_OK ? res->med : NAN);
    if (p->acting == MED_ACTING_UNKNOWN)
        val_null(r, vi + 7);
    else
        val_int(r, vi + 7, p->acting == MED_ACTING_LONG);
    val_str(r, vi + 8, r->dq[0] ? r->dq : NULL);
    bool why = (res->status == MED_ERROR || res->status == MED_EXCLUDED) && res->error[0];
    if (why)
        snprintf(r->note, sizeof r->note, "%s", res->error);
    val_str(r, vi + 9, why ? r->note : NULL);
}

void rx_med_apply(struct rx_med *m, struct row *r)
{
    struct med_input in = input_of(r);
    const struct resolved *e = resolve_cached(m, r, &in);
    struct med_result res;
    compute(m, e, &in, &res);
    add_flags(r, &res);
    store_result(r, &res);
}
