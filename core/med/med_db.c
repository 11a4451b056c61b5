/* The product database: NDC and RxNorm tables loaded from CSV at run time, site products and
 * brand names, and the resolution order NDC → RxNorm → free text. Lookups by code are hash
 * tables so resolving a registry of fills stays cheap. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "med_internal.h"
#include "paths.h"
#include "util.h"

/* ---------------------------------------------------------------- database */

struct med_db *med_db_new(void)
{
    struct med_db *db = xcalloc(1, sizeof *db);
    med_vocab_init(db);
    return db;
}

void med_db_free(struct med_db *db)
{
    if (!db)
        return;
    free(db->ing);
    free(db->names);
    keyset_free(&db->name_index);
    free(db->products);
    u64map_free(&db->ndc);
    u64map_free(&db->rxcui);
    free(db);
}

size_t med_db_ndc_count(const struct med_db *db)
{
    return db->ndc.len;
}

size_t med_db_rxnorm_count(const struct med_db *db)
{
    return db->rxcui.len;
}

static uint32_t product_add(struct med_db *db, const struct med_product *p)
{
    if (db->n_products == db->cap_products) {
        db->cap_products = db->cap_products ? db->cap_products * 2 : 4096;
        db->products = xrealloc(db->products, db->cap_products * sizeof *db->products);
    }
    db->products[db->n_products] = *p;
    return (uint32_t)db->n_products++;
}

struct med_db *med_db_open(const char *config_dir, char *err, size_t errlen)
{
    /* Brand names first: the NDC loader uses them to tell a nasal from an oral spray. */
    static const char *const files[] = {"products/brands.csv", "data/cdc-ndc-2018-opioids.csv",
                                        "data/cdc-ndc-2018-benzodiazepines.csv",
                                        "data/cdc-ndc-2018-muscle-relaxants.csv",
                                        "data/rxnorm-opioid-ingredients-2020.csv"};
    struct med_db *db = med_db_new();
    for (size_t i = 0; i < ARRAY_LEN(files); i++) {
        char *path = path_join(config_dir, files[i]);
        int rc = i == 0   ? med_db_add_products_csv(db, path, err, errlen)
                 : i == 4 ? med_db_add_rxnorm_csv(db, path, err, errlen)
                          : med_db_add_ndc_csv(db, path, err, errlen);
        free(path);
        if (rc < 0) {
            med_db_free(db);
            return NULL;
        }
    }
    return db;
}

/* Reads a whole table file and runs the row callback; errors name the file. */
static int read_table(const char *path, med_csv_row_fn fn, void *ctx, char *err, size_t errlen)
{
    size_t len;
    char *data = read_file(path, &len);
    if (!data) {
        snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        return -1;
    }
    char e2[256] = "";
    int rc = med_csv_read(data, len, fn, ctx, e2, sizeof e2);
    free(data);
    if (rc != 0) {
        if (e2[0])
            snprintf(err, errlen, "%s: %s", path, e2);
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- NDC tables (CDC layout) */

enum { NC_NDC, NC_PROD, NC_FORM, NC_CLASS, NC_DRUG, NC_ACT, NC_STRENGTH, NC_UOM, NC_N };

struct staged {
    uint64_t code;
    struct med_product p;
    int ing;
    char ing_name[MED_NAME_MAX];
    enum med_kind kind; /* for a new ingredient */
};

struct table_ctx {
    struct med_db *db;
    const char *path;
    char *err;
    size_t errlen;
    int col[NC_N];
    bool header_done;
    struct staged *rows;
    size_t n, cap;
    bool have_form;
    char last_form[64]; /* the previous row's form text and what it parsed to */
    enum med_form last_form_value;
    enum med_acting last_acting;
};

static struct staged *stage(struct table_ctx *t)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 1024;
        t->rows = xrealloc(t->rows, t->cap * sizeof *t->rows);
    }
    struct staged *s = &t->rows[t->n++];
    memset(s, 0, sizeof *s);
    s->p.strength = NAN;
    s->ing = -1;
    return s;
}

static int row_fail(struct table_ctx *t, long line, const char *what)
{
    snprintf(t->err, t->errlen, "%s: line %ld: %s", t->path, line, what);
    return -1;
}

static const char *field(char **f, size_t n, int col)
{
    return col >= 0 && (size_t)col < n ? f[col] : "";
}

static int ndc_header(struct table_ctx *t, char **f, size_t n, long line)
{
    static const char *const names[NC_N] = {"NDC",  "PRODNME",        "Master_Form",
                                            "Class", "Drug",          "LongShortActing",
                                            "Strength_Per_Unit", "UOM"};
    for (int i = 0; i < NC_N; i++) {
        t->col[i] = med_csv_column(f, n, names[i]);
        if (t->col[i] < 0 && (i == NC_NDC || i == NC_DRUG || i == NC_CLASS)) {
            char msg[96];
            snprintf(msg, sizeof msg, "header has no %s column", names[i]);
            return row_fail(t, line, msg);
        }
    }
    t->header_done = true;
    return 0;
}

static enum med_kind kind_of_class_column(const char *c)
{
    if (streq_nocase(c, "Benzo"))
        return MED_KIND_BENZO;
    if (streq_nocase(c, "Muscle Relaxant"))
        return MED_KIND_MUSCLE_RELAXANT;
    return MED_KIND_OPIOID;
}

/* The CDC "Drug" column reads "Oxycodone SA"; the ingredient is the first word. */
static void drug_ingredient(const char *drug, char *out, size_t cap)
{
    size_t k = 0;
    while (drug[k] && !isspace((unsigned char)drug[k]) && k + 1 < cap) {
        out[k] = (char)tolower((unsigned char)drug[k]);
        k++;
    }
    out[k] = 0;
}

/* Refines the table's coarse forms where the route changes the factor. */
static void ndc_refine_form(const struct med_db *db, struct staged *s, const char *prodname)
{
    struct med_product *p = &s->p;
    const char *ing = s->ing_name;
    if (p->form == MED_FORM_SPRAY) {
        char low[MED_LABEL_MAX];
        med_lower_copy(low, sizeof low, prodname);
        const struct med_name *nm = med_name_find(db, low);
        p->form = nm && nm->form != MED_FORM_UNKNOWN ? nm->form : MED_FORM_NASAL_SPRAY;
    }
    if (p->form == MED_FORM_TABLET && strcmp(ing, "fentanyl") == 0)
        p->form = MED_FORM_BUCCAL_TABLET; /* Fentora (buccal) and Abstral (sublingual) */
    if (p->form == MED_FORM_TABLET && strcmp(ing, "buprenorphine") == 0)
        p->form = MED_FORM_SUBLINGUAL_TABLET;
}

static int ndc_row(void *ctx, char **f, size_t n, long line)
{
    struct table_ctx *t = ctx;
    if (!t->header_done)
        return ndc_header(t, f, n, line);
    char ndc[12];
    if (med_ndc_normalize(field(f, n, t->col[NC_NDC]), ndc) < 0)
        return row_fail(t, line, "NDC is not 11 digits or a hyphenated NDC");
    struct staged *s = stage(t);
    s->code = strtoull(ndc, NULL, 10);
    drug_ingredient(field(f, n, t->col[NC_DRUG]), s->ing_name, sizeof s->ing_name);
    if (!s->ing_name[0])
        return row_fail(t, line, "Drug is empty");
    s->kind = kind_of_class_column(field(f, n, t->col[NC_CLASS]));
    struct med_product *p = &s->p;
    str_copy(p->label, sizeof p->label, field(f, n, t->col[NC_PROD]));
    /* The tables list a form many times over: parse each distinct text once in a row. */
    const char *form = field(f, n, t->col[NC_FORM]);
    if (!t->have_form || strcmp(form, t->last_form) != 0) {
        t->have_form = true;
        str_copy(t->last_form, sizeof t->last_form, form);
        med_form_parse(form, &t->last_form_value, &t->last_acting);
        if (strlen(form) >= sizeof t->last_form)
            t->have_form = false; /* too long to remember whole: parse it again next time */
    }
    p->form = t->last_form_value;
    p->acting = t->last_acting;
    const char *act = field(f, n, t->col[NC_ACT]);
    if (streq_nocase(act, "LA"))
        p->acting = MED_ACTING_LONG;
    else if (streq_nocase(act, "SA"))
        p->acting = MED_ACTING_SHORT;
    const char *st = field(f, n, t->col[NC_STRENGTH]);
    const char *uom = field(f, n, t->col[NC_UOM]);
    double scale = 1.0;
    if (*st && med_parse_number(st, &p->strength) < 0)
        return row_fail(t, line, "Strength_Per_Unit is not a number");
    if (*uom && med_unit_parse(uom, &p->unit, &scale) < 0)
        return row_fail(t, line, "UOM is not a known unit");
    if (!isnan(p->strength))
        p->strength *= scale;
    p->source = MED_SOURCE_NDC;
    ndc_refine_form(t->db, s, field(f, n, t->col[NC_PROD]));
    return 0;
}

/* Adds the staged rows: unknown ingredients join the vocabulary, then each product is finished
 * and indexed by its code. */
static void commit(struct table_ctx *t, struct u64map *index)
{
    int ing = -1;
    for (size_t i = 0; i < t->n; i++) {
        struct staged *s = &t->rows[i];
        /* Tables list one ingredient's products together: reuse the last lookup. */
        if (ing < 0 || i == 0 || strcmp(t->rows[i - 1].ing_name, s->ing_name) != 0)
            ing = med_vocab_find(t->db, s->ing_name);
        if (ing < 0)
            ing = med_vocab_add(t->db, s->ing_name, s->kind);
        med_product_finish(t->db, &s->p, ing);
        u64map_put(index, s->code, product_add(t->db, &s->p));
    }
}

int med_db_add_ndc_csv(struct med_db *db, const char *path, char *err, size_t errlen)
{
    struct table_ctx t = {.db = db, .path = path, .err = err, .errlen = errlen};
    int rc = read_table(path, ndc_row, &t, err, errlen);
    if (rc == 0 && !t.header_done) {
        snprintf(err, errlen, "%s: empty file", path);
        rc = -1;
    }
    if (rc == 0)
        commit(&t, &db->ndc);
    free(t.rows);
    return rc;
}

/* ---------------------------------------------------------------- RxNorm table */

enum { RC_CUI, RC_NAME, RC_FORM, RC_ING, RC_VALUE, RC_UNIT, RC_N };

static int rx_header(struct table_ctx *t, char **f, size_t n, long line)
{
    static const char *const names[RC_N] = {"rxcui",      "drug_name",      "dose_form",
                                            "ingredient", "strength_value", "strength_unit"};
    for (int i = 0; i < RC_N; i++) {
        t->col[i] = med_csv_column(f, n, names[i]);
        if (t->col[i] < 0) {
            char msg[96];
            snprintf(msg, sizeof msg, "header has no %s column", names[i]);
            return row_fail(t, line, msg);
        }
    }
    t->header_done = true;
    return 0;
}

/* "12 HR", "24 HR", "72 HR" in an RxNorm name mark an extended-release product. */
static bool rx_name_long(const char *name)
{
    for (const char *p = strstr(name, " HR "); p; p = strstr(p + 1, " HR "))
        if (p > name && isdigit((unsigned char)p[-1]))
            return true;
    return strncmp(name, "12 HR", 5) == 0 || strncmp(name, "24 HR", 5) == 0;
}

static int rx_row(void *ctx, char **f, size_t n, long line)
{
    struct table_ctx *t = ctx;
    if (!t->header_done)
        return rx_header(t, f, n, line);
    double cui;
    if (med_parse_number(field(f, n, t->col[RC_CUI]), &cui) < 0 || cui < 1 || cui != floor(cui))
        return row_fail(t, line, "rxcui is not a positive whole number");
    const char *name = field(f, n, t->col[RC_NAME]);
    double value, scale = 1.0;
    enum med_unit unit;
    if (med_parse_number(field(f, n, t->col[RC_VALUE]), &value) < 0 || !(value > 0))
        return row_fail(t, line, "strength_value is not a positive number");
    if (med_unit_parse(field(f, n, t->col[RC_UNIT]), &unit, &scale) < 0)
        return row_fail(t, line, "strength_unit is not a known unit");
    char ing[MED_NAME_MAX];
    med_lower_copy(ing, sizeof ing, field(f, n, t->col[RC_ING]));
    /* One product may list two salts of one ingredient (oxycodone hydrochloride and
     * terephthalate): their strengths add up. */
    if (t->n > 0 && t->rows[t->n - 1].code == (uint64_t)cui &&
        strcmp(t->rows[t->n - 1].ing_name, ing) == 0) {
        t->rows[t->n - 1].p.strength += value * scale;
        return 0;
    }
    struct staged *s = stage(t);
    s->code = (uint64_t)cui;
    snprintf(s->ing_name, sizeof s->ing_name, "%s", ing);
    s->kind = MED_KIND_OPIOID;
    struct med_product *p = &s->p;
    const char *form = field(f, n, t->col[RC_FORM]);
    med_form_parse(streq_nocase(form, "Pack") ? name : form, &p->form, &p->acting);
    if (rx_name_long(name))
        p->acting = MED_ACTING_LONG;
    p->strength = value * scale;
    p->unit = unit;
    p->source = MED_SOURCE_RXNORM;
    snprintf(p->label, sizeof p->label, "%s", name);
    return 0;
}

int med_db_add_rxnorm_csv(struct med_db *db, const char *path, char *err, size_t errlen)
{
    struct table_ctx t = {.db = db, .path = path, .err = err, .errlen = errlen};
    int rc = read_table(path, rx_row, &t, err, errlen);
    if (rc == 0 && !t.header_done) {
        snprintf(err, errlen, "%s: empty file", path);
        rc = -1;
    }
    if (rc == 0)
        commit(&t, &db->rxcui);
    free(t.rows);
    return rc;
}

/* ---------------------------------------------------------------- NDC normalisation */

int med_ndc_normalize(const char *s, char out[12])
{
    if (!s)
        return -1;
    char seg[3][12];
    int len[3] = {0, 0, 0}, k = 0;
    while (isspace((unsigned char)*s))
        s++;
    for (; *s && !isspace((unsigned char)*s); s++) {
        if (*s == '-') {
            if (++k > 2)
                return -1;
            continue;
        }
        if (!isdigit((unsigned char)*s) || len[k] >= 11)
            return -1;
        seg[k][len[k]++] = *s;
    }
    while (isspace((unsigned char)*s))
        s++;
    if (*s)
        return -1;
    if (k == 0) {
        if (len[0] != 11)
            return -1; /* ten bare digits could be any of three layouts */
        memcpy(out, seg[0], 11);
        out[11] = 0;
        return 0;
    }
    int a = len[0], b = len[1], c = len[2];
    if (k != 2 || !((a == 4 && b == 4 && c == 2) || (a == 5 && b == 3 && c == 2) ||
                    (a == 5 && b == 4 && c == 1) || (a == 5 && b == 4 && c == 2)))
        return -1;
    /* Pad the short segment with a leading zero to reach the 5-4-2 layout. */
    static const int want[3] = {5, 4, 2};
    int o = 0;
    for (int i = 0; i < 3; i++) {
        for (int z = len[i]; z < want[i]; z++)
            out[o++] = '0';
        memcpy(out + o, seg[i], (size_t)len[i]);
        o += len[i];
    }
    out[11] = 0;
    return 0;
}
