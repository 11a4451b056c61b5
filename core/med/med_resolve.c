/* Resolution of one prescription to a product (NDC, then RxNorm, then free text with explicit
 * columns overriding the text), the site/brand product CSV, and same-product identity. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "med_internal.h"
#include "util.h"

struct med_input med_input_empty(void)
{
    struct med_input in;
    memset(&in, 0, sizeof in);
    in.strength = NAN;
    in.quantity = NAN;
    in.days_supply = NAN;
    return in;
}

static bool blank(const char *s)
{
    if (!s)
        return true;
    while (isspace((unsigned char)*s))
        s++;
    return !*s;
}

uint64_t med_product_key(const struct med_product *p)
{
    uint64_t h = HASH_FNV64_SEED;
    h = hash_fnv1a64(p->ingredient, strlen(p->ingredient), h);
    double s = isnan(p->strength) ? -1.0 : p->strength + 0.0; /* +0.0 folds -0 into 0 */
    h = hash_fnv1a64(&s, sizeof s, h);
    int tail[3] = {(int)p->unit, (int)p->form, (int)p->acting};
    h = hash_fnv1a64(tail, sizeof tail, h);
    return h ? h : 1;
}

static bool unit_per_ml(enum med_unit u)
{
    return u == MED_UNIT_MG_ML || u == MED_UNIT_MCG_ML;
}

/* A liquid needs a strength per mL, and a solid one per unit; anything else cannot be turned into
 * a daily dose safely. */
static enum med_resolution check_units(struct med_product *p, char *why, size_t whylen)
{
    if (!med_class_is_analgesic(p->cls))
        return MED_RESOLVED;
    if (isnan(p->strength)) {
        snprintf(why, whylen, "strength missing for %s", p->ingredient);
        return MED_PARTIAL;
    }
    if (p->strength <= 0) {
        snprintf(why, whylen, "strength of %s must be positive", p->ingredient);
        return MED_PARTIAL;
    }
    if (p->unit == MED_UNIT_NONE) {
        snprintf(why, whylen, "unit of the %s strength missing (mg, mcg, mg/mL …)",
                 p->ingredient);
        return MED_PARTIAL;
    }
    if (p->form == MED_FORM_UNKNOWN && unit_per_ml(p->unit))
        p->form = MED_FORM_LIQUID;
    if (p->form == MED_FORM_LIQUID && !unit_per_ml(p->unit)) {
        snprintf(why, whylen,
                 "the strength of a liquid must be per mL (e.g. 5 mg/5 mL), not %s",
                 med_unit_name(p->unit));
        return MED_PARTIAL;
    }
    if (unit_per_ml(p->unit) && p->form != MED_FORM_LIQUID && p->form != MED_FORM_INJECTION &&
        p->form != MED_FORM_NASAL_SPRAY && p->form != MED_FORM_SPRAY) {
        snprintf(why, whylen, "a strength per mL does not fit a %s", med_form_name(p->form));
        return MED_PARTIAL;
    }
    return MED_RESOLVED;
}

/* Explicit strength, unit and form columns win over the text. */
static int apply_columns(const struct med_db *db, const struct med_input *in,
                         struct med_text_result *t, char *why, size_t whylen)
{
    if (!blank(in->form)) {
        enum med_form f;
        enum med_acting a;
        med_form_parse(in->form, &f, &a);
        if (f != MED_FORM_UNKNOWN)
            t->form = f;
        if (a != MED_ACTING_UNKNOWN)
            t->acting = a;
    }
    enum med_unit unit = MED_UNIT_NONE;
    double scale = 1.0;
    if (!blank(in->strength_unit) && med_unit_parse(in->strength_unit, &unit, &scale) < 0) {
        snprintf(why, whylen, "strength unit '%s' not understood (mg, mcg, mcg/hr, mg/mL, "
                              "mg/5 mL, mcg/actuation, %%)",
                 in->strength_unit);
        return -1;
    }
    if (!isnan(in->strength)) {
        t->strength = in->strength * scale;
        if (unit != MED_UNIT_NONE) {
            t->unit = unit;
        } else if (t->unit == MED_UNIT_NONE) {
            bool mcg = t->ing >= 0 && db->ing[t->ing].mcg;
            if (t->form == MED_FORM_PATCH)
                t->unit = MED_UNIT_MCG_HR;
            else if (!mcg && t->form != MED_FORM_LIQUID)
                t->unit = MED_UNIT_MG;
            if (t->unit != MED_UNIT_NONE)
                t->flags |= MED_FLAG_UNIT_ASSUMED;
        }
    } else if (unit != MED_UNIT_NONE && !isnan(t->strength)) {
        /* A unit column on its own re-reads the number found in the text. */
        t->strength *= scale;
        t->unit = unit;
    }
    return 0;
}

static enum med_resolution from_text(const struct med_db *db, const struct med_input *in,
                                     struct med_product *out, char *why, size_t whylen)
{
    struct med_text_result t;
    enum med_resolution r = med_text_parse(db, in->drug, &t, why, whylen);
    if (r == MED_UNRESOLVED)
        return r;
    bool had_strength = !isnan(in->strength);
    if (apply_columns(db, in, &t, why, whylen) < 0)
        return MED_UNRESOLVED;
    out->strength = t.strength;
    out->unit = t.unit;
    out->form = t.form;
    out->acting = t.acting;
    out->cls = t.cls;
    out->flags |= t.flags;
    out->source = MED_SOURCE_TEXT;
    snprintf(out->label, sizeof out->label, "%s", t.label[0] ? t.label : in->drug);
    med_product_finish(db, out, t.ing);
    if (r == MED_PARTIAL && !had_strength)
        return med_class_is_analgesic(out->cls) ? MED_PARTIAL : MED_RESOLVED;
    return check_units(out, why, whylen);
}

static bool lookup(const struct u64map *h, const struct med_db *db, uint64_t code,
                   struct med_product *out)
{
    uint32_t at;
    if (!u64map_get(h, code, &at))
        return false;
    uint32_t flags = out->flags;
    *out = db->products[at];
    out->flags |= flags;
    return true;
}

/* A coded product is authoritative; a strength column that disagrees is flagged, not used. */
static void check_conflict(const struct med_input *in, struct med_product *p)
{
    if (!isnan(in->strength) && !isnan(p->strength) && blank(in->strength_unit) &&
        fabs(in->strength - p->strength) > 1e-9 * p->strength)
        p->flags |= MED_FLAG_STRENGTH_CONFLICT;
}

static void append(char *why, size_t whylen, const char *msg)
{
    size_t n = strlen(why);
    if (n + 3 < whylen)
        snprintf(why + n, whylen - n, "%s%s", n ? "; " : "", msg);
}

static bool try_codes(const struct med_db *db, const struct med_input *in,
                      struct med_product *out, char *why, size_t whylen)
{
    char msg[128];
    if (!blank(in->ndc)) {
        char ndc[12];
        if (med_ndc_normalize(in->ndc, ndc) < 0) {
            snprintf(msg, sizeof msg, "'%.40s' is not an NDC (11 digits, or 4-4-2, 5-3-2, 5-4-1)",
                     in->ndc);
            append(why, whylen, msg);
        } else if (lookup(&db->ndc, db, strtoull(ndc, NULL, 10), out)) {
            return true;
        } else {
            snprintf(msg, sizeof msg, "unknown NDC %s", ndc);
            append(why, whylen, msg);
        }
    }
    if (!blank(in->rxnorm)) {
        double cui;
        if (med_parse_number(in->rxnorm, &cui) < 0 || cui < 1 || cui != floor(cui) || cui > 1e12) {
            snprintf(msg, sizeof msg, "'%.40s' is not an RxNorm code", in->rxnorm);
            append(why, whylen, msg);
        } else if (lookup(&db->rxcui, db, (uint64_t)cui, out)) {
            return true;
        } else {
            snprintf(msg, sizeof msg, "unknown RxNorm %.0f", cui);
            append(why, whylen, msg);
        }
    }
    return false;
}

static enum med_resolution resolve(const struct med_db *db, const struct med_input *in,
                                   struct med_product *out, char *why, size_t whylen);

enum med_resolution med_resolve(const struct med_db *db, const struct med_input *in,
                                struct med_product *out, char *why, size_t whylen)
{
    enum med_resolution r = resolve(db, in, out, why, whylen);
    out->key = med_product_key(out);
    return r;
}

static enum med_resolution resolve(const struct med_db *db, const struct med_input *in,
                                   struct med_product *out, char *why, size_t whylen)
{
    memset(out, 0, sizeof *out);
    out->strength = NAN;
    why[0] = 0;
    if (try_codes(db, in, out, why, whylen)) {
        why[0] = 0;
        check_conflict(in, out);
        return check_units(out, why, whylen);
    }
    bool code_failed = why[0] != 0;
    if (blank(in->drug)) {
        if (!code_failed)
            snprintf(why, whylen, "no drug description, NDC or RxNorm code");
        return MED_UNRESOLVED;
    }
    char text_why[256] = "";
    enum med_resolution r = from_text(db, in, out, text_why, sizeof text_why);
    if (r == MED_RESOLVED && code_failed) {
        out->flags |= MED_FLAG_NDC_NOT_FOUND;
        why[0] = 0;
        return r;
    }
    if (r != MED_RESOLVED)
        append(why, whylen, text_why);
    else
        why[0] = 0;
    if (r == MED_UNRESOLVED) {
        memset(out, 0, sizeof *out);
        out->strength = NAN;
    }
    return r;
}

/* ---------------------------------------------------------------- products CSV */

enum { PC_NAME, PC_NDC, PC_RXCUI, PC_ING, PC_STRENGTH, PC_UNIT, PC_FORM, PC_ACTING, PC_CLASS,
       PC_N };

struct prow {
    char name[MED_LABEL_MAX];
    uint64_t ndc, rxcui; /* 0 when absent */
    char ing[MED_BRAND_MAX_ING][MED_NAME_MAX];
    int n_ing;
    double strength;
    enum med_unit unit;
    enum med_form form;
    enum med_acting acting;
    enum med_class cls;
    bool has_cls;
};

struct pctx {
    struct med_db *db;
    const char *path;
    char *err;
    size_t errlen;
    int col[PC_N];
    bool header_done;
    struct prow *rows;
    size_t n, cap;
};

static int pfail(struct pctx *c, long line, const char *what)
{
    snprintf(c->err, c->errlen, "%s: line %ld: %s", c->path, line, what);
    return -1;
}

static const char *pfield(const struct pctx *c, char **f, size_t n, int k)
{
    int col = c->col[k];
    return col >= 0 && (size_t)col < n ? f[col] : "";
}

static int products_header(struct pctx *c, char **f, size_t n, long line)
{
    static const char *const names[PC_N] = {"name",          "ndc",  "rxcui",
                                            "ingredients",   "strength", "strength_unit",
                                            "form",          "acting", "class"};
    for (int i = 0; i < PC_N; i++)
        c->col[i] = med_csv_column(f, n, names[i]);
    if (c->col[PC_ING] < 0)
        return pfail(c, line, "header has no ingredients column");
    if (c->col[PC_NAME] < 0 && c->col[PC_NDC] < 0 && c->col[PC_RXCUI] < 0)
        return pfail(c, line, "header needs a name, ndc or rxcui column");
    c->header_done = true;
    return 0;
}

static int parse_ingredients(struct pctx *c, struct prow *r, const char *s, long line)
{
    while (*s) {
        while (*s == ' ' || *s == '+')
            s++;
        const char *end = s;
        while (*end && *end != '+')
            end++;
        size_t len = (size_t)(end - s);
        while (len && s[len - 1] == ' ')
            len--;
        if (len) {
            if (r->n_ing == MED_BRAND_MAX_ING || len >= MED_NAME_MAX)
                return pfail(c, line, "ingredients: at most 4 names of up to 31 characters");
            char tmp[MED_NAME_MAX];
            memcpy(tmp, s, len);
            tmp[len] = 0;
            med_lower_copy(r->ing[r->n_ing++], MED_NAME_MAX, tmp);
        }
        s = end;
    }
    if (r->n_ing == 0)
        return pfail(c, line, "ingredients is empty");
    return 0;
}

static int parse_code(struct pctx *c, const char *s, bool ndc, uint64_t *out, long line)
{
    *out = 0;
    if (blank(s))
        return 0;
    if (ndc) {
        char n11[12];
        if (med_ndc_normalize(s, n11) < 0)
            return pfail(c, line, "ndc: expected 11 digits or a hyphenated NDC");
        *out = strtoull(n11, NULL, 10);
        return 0;
    }
    double v;
    if (med_parse_number(s, &v) < 0 || v < 1 || v != floor(v) || v > 1e12)
        return pfail(c, line, "rxcui: expected a positive whole number");
    *out = (uint64_t)v;
    return 0;
}

static int parse_prow_kind(struct pctx *c, struct prow *r, char **f, size_t n, long line)
{
    const char *cls = pfield(c, f, n, PC_CLASS);
    if (!blank(cls)) {
        bool ok;
        r->cls = med_class_parse(cls, &ok);
        if (!ok)
            return pfail(c, line,
                         "class: expected opioid, buprenorphine_pain, moud, benzodiazepine, "
                         "muscle_relaxant, naloxone or other");
        r->has_cls = true;
    }
    const char *act = pfield(c, f, n, PC_ACTING);
    if (streq_nocase(act, "long") || streq_nocase(act, "LA") || streq_nocase(act, "ER"))
        r->acting = MED_ACTING_LONG;
    else if (streq_nocase(act, "short") || streq_nocase(act, "SA") || streq_nocase(act, "IR"))
        r->acting = MED_ACTING_SHORT;
    else if (!blank(act))
        return pfail(c, line, "acting: expected short or long");
    for (int i = 0; i < r->n_ing; i++)
        if (med_vocab_find(c->db, r->ing[i]) < 0 && !r->has_cls) {
            char msg[128];
            snprintf(msg, sizeof msg, "ingredient '%s' is not known: give its class", r->ing[i]);
            return pfail(c, line, msg);
        }
    return 0;
}

static int products_row(void *ctx, char **f, size_t n, long line)
{
    struct pctx *c = ctx;
    if (n > 0 && f[0][0] == '#')
        return 0; /* comment rows document the file */
    if (!c->header_done)
        return products_header(c, f, n, line);
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->rows = xrealloc(c->rows, c->cap * sizeof *c->rows);
    }
    struct prow *r = &c->rows[c->n];
    memset(r, 0, sizeof *r);
    r->strength = NAN;
    snprintf(r->name, sizeof r->name, "%s", pfield(c, f, n, PC_NAME));
    if (parse_code(c, pfield(c, f, n, PC_NDC), true, &r->ndc, line) < 0 ||
        parse_code(c, pfield(c, f, n, PC_RXCUI), false, &r->rxcui, line) < 0 ||
        parse_ingredients(c, r, pfield(c, f, n, PC_ING), line) < 0)
        return -1;
    if (blank(r->name) && !r->ndc && !r->rxcui)
        return pfail(c, line, "a row needs a name, an ndc or an rxcui");
    const char *st = pfield(c, f, n, PC_STRENGTH), *un = pfield(c, f, n, PC_UNIT);
    double scale = 1.0;
    if (!blank(st) && (med_parse_number(st, &r->strength) < 0 || !(r->strength > 0)))
        return pfail(c, line, "strength: expected a positive number");
    if (!blank(un) && med_unit_parse(un, &r->unit, &scale) < 0)
        return pfail(c, line, "strength_unit: expected mg, mcg, mcg/hr, mg/mL, mcg/actuation …");
    if (!isnan(r->strength))
        r->strength *= scale;
    const char *form = pfield(c, f, n, PC_FORM);
    enum med_acting fa;
    med_form_parse(form, &r->form, &fa);
    if (!blank(form) && r->form == MED_FORM_UNKNOWN)
        return pfail(c, line, "form: not a form this engine knows (tablet, capsule, liquid, "
                              "patch, buccal tablet, film, lozenge, nasal spray …)");
    r->acting = fa;
    if (parse_prow_kind(c, r, f, n, line) < 0)
        return -1;
    c->n++;
    return 0;
}

static enum med_kind kind_of_class(enum med_class c)
{
    switch (c) {
    case MED_CLASS_OPIOID:
        return MED_KIND_OPIOID;
    case MED_CLASS_BENZO:
        return MED_KIND_BENZO;
    case MED_CLASS_MUSCLE_RELAXANT:
        return MED_KIND_MUSCLE_RELAXANT;
    case MED_CLASS_NALOXONE:
        return MED_KIND_NALOXONE;
    default:
        return MED_KIND_OTHER;
    }
}

static int rank_of(const struct med_db *db, int ing)
{
    static const int rank[] = {[MED_KIND_OPIOID] = 0,          [MED_KIND_BUPRENORPHINE] = 0,
                               [MED_KIND_BENZO] = 1,           [MED_KIND_MUSCLE_RELAXANT] = 2,
                               [MED_KIND_NALOXONE] = 3,        [MED_KIND_NALTREXONE] = 4,
                               [MED_KIND_OTHER] = 5};
    return rank[db->ing[ing].kind];
}

static void commit_product_row(struct med_db *db, const struct prow *r)
{
    struct med_name nm = {.strength = r->strength, .unit = r->unit, .form = r->form,
                          .acting = r->acting, .cls = r->has_cls ? r->cls : MED_CLASS_UNRESOLVED};
    int main_ing = -1;
    for (int i = 0; i < r->n_ing; i++) {
        int ing = med_vocab_find(db, r->ing[i]);
        if (ing < 0)
            ing = med_vocab_add(db, r->ing[i], kind_of_class(r->cls));
        nm.ing[nm.n_ing++] = ing;
        if (main_ing < 0 || rank_of(db, ing) < rank_of(db, main_ing))
            main_ing = ing;
    }
    snprintf(nm.label, sizeof nm.label, "%s", r->name[0] ? r->name : db->ing[main_ing].name);
    if (r->name[0])
        med_name_add(db, r->name, &nm);
    if (!r->ndc && !r->rxcui)
        return;
    struct med_product p = {.strength = r->strength, .unit = r->unit, .form = r->form,
                            .acting = r->acting, .cls = nm.cls, .source = r->ndc ? MED_SOURCE_NDC
                                                                                 : MED_SOURCE_RXNORM};
    snprintf(p.label, sizeof p.label, "%s", nm.label);
    med_product_finish(db, &p, main_ing);
    uint32_t at = 0;
    if (db->n_products == db->cap_products) {
        db->cap_products = db->cap_products ? db->cap_products * 2 : 64;
        db->products = xrealloc(db->products, db->cap_products * sizeof *db->products);
    }
    db->products[db->n_products] = p;
    at = (uint32_t)db->n_products++;
    if (r->ndc)
        u64map_put(&db->ndc, r->ndc, at);
    if (r->rxcui)
        u64map_put(&db->rxcui, r->rxcui, at);
}

int med_db_add_products_csv(struct med_db *db, const char *path, char *err, size_t errlen)
{
    size_t len;
    char *data = read_file(path, &len);
    if (!data) {
        snprintf(err, errlen, "%s: cannot read the file", path);
        return -1;
    }
    struct pctx c = {.db = db, .path = path, .err = err, .errlen = errlen};
    char e2[256] = "";
    int rc = med_csv_read(data, len, products_row, &c, e2, sizeof e2);
    free(data);
    if (rc != 0 && e2[0])
        snprintf(err, errlen, "%s: %s", path, e2);
    if (rc == 0 && !c.header_done) {
        snprintf(err, errlen, "%s: no header row", path);
        rc = -1;
    }
    if (rc == 0)
        for (size_t i = 0; i < c.n; i++)
            commit_product_row(db, &c.rows[i]);
    free(c.rows);
    return rc == 0 ? 0 : -1;
}
