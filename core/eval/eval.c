/* The evaluation loop. Each table is read once, ordered by patient id, and merged patient by
 * patient, so the whole population costs one pass and no query per patient. Products are
 * resolved once per distinct description and every fill's MED is recomputed under the site's
 * current standard, so a change of standard never leaves stale numbers behind. */
#include <lauxlib.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "eval_internal.h"
#include "med_internal.h"
#include "store.h"
#include "util.h"

enum applies { APPLIES_LTOT, APPLIES_FILL_RULE, APPLIES_ALL };

struct check_def {
    char *id, *plugin, *title, *description, *severity, *hook;
    enum gap_level level;
    enum applies applies;
    int fn_ref, params_ref;
    bool enabled;
    int errors;
};

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

/* Entries found by the raw bytes of some columns of a row. Keys are kept whole, so two rows
 * share an entry only when those columns are the same byte for byte (a hash collision just
 * goes uncached). Callers keep their entries in an array indexed like the keys. */
struct row_cache {
    struct med_hash index; /* hash of the key bytes -> entry */
    struct buf keys;       /* every entry's key bytes, one after another */
    size_t *key_at;        /* per entry: where its key starts in keys; it ends at the next */
    size_t n, cap, max;    /* max: entries kept at most (memory stays bounded) */
    struct buf probe;      /* the key being looked up */
};

static void row_cache_free(struct row_cache *c);
struct result_writer;

struct eval {
    struct host *h;
    struct result_writer *writer; /* set while eval_run_stored runs */
    struct store *s;
    struct med_db *db;
    struct med_standard *std;
    struct rules rules;
    struct check_def *checks;
    size_t nchecks;
    struct row_cache product_cache; /* product columns -> products[] */
    struct cached_product *products;
    struct med_timeline *tl; /* the reader's, for computing facts */
    /* The visited patient's timeline, built on the visitor's thread when it asks for it: with
     * the reader on a thread of its own, `tl` already holds a later patient. */
    struct med_timeline *visit_tl;
    const struct patient_rows *visit_pr;
    bool visit_tl_ready;
    struct row_cache fill_cache; /* MED columns -> fills[] */
    struct cached_fill *fills;
    struct buf fill_why; /* the cached fills' error texts */
    /* Set only during eval_each_patient: visit patients instead of running checks. */
    eval_patient_fn visit;
    void *visit_ud;
    bool visit_all;
    bool visit_checks; /* run the checks too, gaps into the result */
    /* Set only during eval_each_rows: hand out rows, compute no facts. */
    eval_rows_fn rows_visit;
    void *rows_ud;
    day_t earliest; /* the earliest date the rows will be evaluated at (DATE_NONE: as_of) */
};

/* ------------------------------------------------------------------ set-up */

int eval_open_med(struct host *h, struct med_db **db, struct med_standard **std, char *err,
                  size_t errlen)
{
    const char *config = paths_data_dir("config");
    *db = med_db_open(config, err, errlen);
    if (!*db)
        return -1;
    const char *name = host_config_string(h, "standard");
    if (!name)
        name = "cdc2022";
    *std = NULL;
    if (h->site_dir) {
        /* A site may keep its own tables in <site>/standards/<name>.json. */
        char *own = xasprintf("%s/standards/%s.json", h->site_dir, name);
        if (path_exists(own))
            *std = med_standard_load(own, err, errlen);
        free(own);
    }
    if (!*std)
        *std = med_standard_load_named(config, name, err, errlen);
    if (!*std) {
        med_db_free(*db);
        *db = NULL;
        return -1;
    }
    if (h->site_dir) {
        char *extra = xasprintf("%s/products.csv", h->site_dir);
        int rc = path_exists(extra) ? med_db_add_products_csv(*db, extra, err, errlen) : 0;
        free(extra);
        if (rc != 0) {
            med_db_free(*db);
            med_standard_free(*std);
            *db = NULL;
            *std = NULL;
            return -1;
        }
    }
    return 0;
}

static char *field_str(lua_State *L, int idx, const char *name)
{
    lua_getfield(L, idx, name);
    char *s = lua_isstring(L, -1) ? xstrdup(lua_tostring(L, -1)) : NULL;
    lua_pop(L, 1);
    return s;
}

/* Deep copy of the table at idx (values that are tables are copied too). */
static void push_copy(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    lua_newtable(L);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pushvalue(L, -2);
        if (lua_istable(L, -2))
            push_copy(L, -2);
        else
            lua_pushvalue(L, -2);
        lua_rawset(L, -5);
        lua_pop(L, 1);
    }
}

static const char *nearest_key(lua_State *L, int t, const char *key, const char *extra)
{
    const char *best = NULL;
    int bestd = 4;
    if (extra && edit_distance(extra, key) < bestd) {
        bestd = edit_distance(extra, key);
        best = extra;
    }
    lua_pushnil(L);
    while (lua_next(L, t)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) == LUA_TSTRING) {
            int d = edit_distance(lua_tostring(L, -1), key);
            if (d < bestd) {
                bestd = d;
                best = lua_tostring(L, -1);
            }
        }
    }
    return best;
}

/* Writes the site's overrides (src) over the check's defaults (dst), refusing unknown keys and
 * values of another type, so a typo in sixbb.lua never silently leaves a default in force. */
static int merge_params(struct host *h, int dst, int src, const char *path, bool top)
{
    lua_State *L = h->L;
    dst = lua_absindex(L, dst);
    src = lua_absindex(L, src);
    lua_pushnil(L);
    while (lua_next(L, src)) {
        int v = lua_gettop(L), k = v - 1;
        if (lua_type(L, k) != LUA_TSTRING) {
            host_set_error(h, "setting '%s' has a %s key; parameters are named", path,
                           luaL_typename(L, k));
            return -1;
        }
        const char *key = lua_tostring(L, k);
        if (top && strcmp(key, "enabled") == 0) {
            if (!lua_isboolean(L, v)) {
                host_set_error(h, "setting '%s.enabled' must be a boolean", path);
                return -1;
            }
            lua_pop(L, 1);
            continue;
        }
        lua_pushvalue(L, k);
        int t = lua_rawget(L, dst);
        if (t == LUA_TNIL) {
            const char *near = nearest_key(L, dst, key, top ? "enabled" : NULL);
            if (near)
                host_set_error(h, "unknown setting '%s.%s' (did you mean '%s.%s'?)", path, key,
                               path, near);
            else
                host_set_error(h, "unknown setting '%s.%s'", path, key);
            return -1;
        }
        if (t != lua_type(L, v)) {
            host_set_error(h, "setting '%s.%s' must be a %s, got %s", path, key,
                           lua_typename(L, t), luaL_typename(L, v));
            return -1;
        }
        if (t == LUA_TTABLE && lua_rawlen(L, -1) == 0) {
            char *sub = xasprintf("%s.%s", path, key);
            int rc = merge_params(h, -1, v, sub, false);
            free(sub);
            if (rc != 0)
                return -1;
            lua_pop(L, 1);
        } else {
            lua_pop(L, 1);
            lua_pushvalue(L, k);
            lua_pushvalue(L, v);
            lua_rawset(L, dst);
        }
        lua_pop(L, 1);
    }
    return 0;
}

static int find_check(struct eval *e, const char *id)
{
    for (size_t i = 0; i < e->nchecks; i++)
        if (strcmp(e->checks[i].id, id) == 0)
            return (int)i;
    return -1;
}

/* Every key under checks = {...} in the site config must name a registered check. */
static int apply_overrides(struct eval *e)
{
    lua_State *L = e->h->L;
    int top = lua_gettop(L);
    host_push_config_path(e->h, "checks");
    int cfg = lua_gettop(L);
    if (!lua_istable(L, cfg)) {
        lua_settop(L, top);
        return 0;
    }
    lua_pushnil(L);
    while (lua_next(L, cfg)) {
        const char *id = lua_tostring(L, -2);
        int i = lua_type(L, -2) == LUA_TSTRING ? find_check(e, id) : -1;
        if (i < 0) {
            const char *best = NULL;
            int bestd = 4;
            for (size_t k = 0; id && k < e->nchecks; k++) {
                int d = edit_distance(e->checks[k].id, id);
                if (d < bestd) {
                    bestd = d;
                    best = e->checks[k].id;
                }
            }
            if (best)
                host_set_error(e->h, "sixbb.lua: unknown check '%s' in checks (did you mean '%s'?)",
                               id ? id : "?", best);
            else
                host_set_error(e->h, "sixbb.lua: unknown check '%s' in checks", id ? id : "?");
            lua_settop(L, top);
            return -1;
        }
        if (!lua_istable(L, -1)) {
            host_set_error(e->h, "sixbb.lua: checks['%s'] must be a table", id);
            lua_settop(L, top);
            return -1;
        }
        struct check_def *c = &e->checks[i];
        lua_getfield(L, -1, "enabled");
        if (lua_isboolean(L, -1) && !lua_toboolean(L, -1))
            c->enabled = false;
        lua_pop(L, 1);
        lua_rawgeti(L, LUA_REGISTRYINDEX, c->params_ref);
        char *path = xasprintf("checks['%s']", id);
        int rc = merge_params(e->h, -1, -2, path, true);
        free(path);
        if (rc != 0) {
            char *msg = xasprintf("sixbb.lua: %s", e->h->last_error);
            host_set_error(e->h, "%s", msg);
            free(msg);
            lua_settop(L, top);
            return -1;
        }
        lua_pop(L, 2);
    }
    lua_settop(L, top);
    return 0;
}

int eval_push_check_params(struct host *h, int entry, const char *id)
{
    lua_State *L = h->L;
    entry = lua_absindex(L, entry);
    if (lua_getfield(L, entry, "params") == LUA_TTABLE)
        push_copy(L, -1);
    else
        lua_newtable(L);
    lua_remove(L, -2);
    int params = lua_gettop(L);
    host_push_config_path(h, "checks");
    int rc = 0;
    if (lua_istable(L, -1) && lua_getfield(L, -1, id) == LUA_TTABLE) {
        char *path = xasprintf("checks['%s']", id);
        rc = merge_params(h, params, -1, path, true);
        free(path);
    }
    lua_settop(L, params);
    return rc;
}

static void load_checks(struct eval *e)
{
    lua_State *L = e->h->L;
    host_push_registry(e->h, REG_CHECKS);
    int list = lua_gettop(L);
    size_t n = lua_rawlen(L, list);
    e->checks = xcalloc(n ? n : 1, sizeof *e->checks);
    for (size_t i = 1; i <= n; i++) {
        lua_rawgeti(L, list, (lua_Integer)i);
        int ent = lua_gettop(L);
        struct check_def *c = &e->checks[e->nchecks++];
        c->id = field_str(L, ent, "id");
        c->plugin = field_str(L, ent, "plugin");
        c->title = field_str(L, ent, "title");
        c->description = field_str(L, ent, "description");
        c->severity = field_str(L, ent, "severity");
        c->hook = xasprintf("check '%s'", c->id);
        char *level = field_str(L, ent, "level");
        c->level = level && strcmp(level, "clinician") == 0 ? LEVEL_CLINICIAN
                   : level && strcmp(level, "site") == 0    ? LEVEL_SITE
                                                            : LEVEL_PATIENT;
        free(level);
        char *applies = field_str(L, ent, "applies");
        c->applies = applies && strcmp(applies, "fill_rule") == 0 ? APPLIES_FILL_RULE
                     : applies && strcmp(applies, "all") == 0     ? APPLIES_ALL
                                                                  : APPLIES_LTOT;
        free(applies);
        lua_getfield(L, ent, "enabled");
        c->enabled = !(lua_isboolean(L, -1) && !lua_toboolean(L, -1));
        lua_pop(L, 1);
        lua_getfield(L, ent, "run");
        c->fn_ref = luaL_ref(L, LUA_REGISTRYINDEX);
        if (lua_getfield(L, ent, "params") == LUA_TTABLE)
            push_copy(L, -1);
        else
            lua_newtable(L);
        c->params_ref = luaL_ref(L, LUA_REGISTRYINDEX);
        lua_settop(L, list);
    }
    lua_settop(L, list - 1);
}

struct eval *eval_new(struct host *h, struct store *s)
{
    struct eval *e = xcalloc(1, sizeof *e);
    e->h = h;
    e->s = s;
    e->earliest = DATE_NONE;
    char err[1024];
    if (host_med(h, &e->db, &e->std, err, sizeof err) != 0) {
        cli_fail("cannot load the MED tables: %s", err);
        free(e);
        return NULL;
    }
    if (rules_read(h, &e->rules) != 0) {
        cli_fail("configuration error: %s", h->last_error);
        eval_free(e);
        return NULL;
    }
    load_checks(e);
    if (apply_overrides(e) != 0) {
        cli_fail("configuration error: %s", h->last_error);
        eval_free(e);
        return NULL;
    }
    struct med_timeline_options o = {.missing_supply_days = e->rules.missing_supply_days};
    e->tl = med_timeline_new(&o);
    e->visit_tl = med_timeline_new(&o);
    /* Bounds on the caches: a registry has far fewer distinct products and prescriptions than
     * these, and past them rows are simply computed each time. */
    e->product_cache.max = 65536;
    e->fill_cache.max = 262144;
    return e;
}

void eval_free(struct eval *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->nchecks; i++) {
        struct check_def *c = &e->checks[i];
        free(c->id);
        free(c->plugin);
        free(c->title);
        free(c->description);
        free(c->severity);
        free(c->hook);
        luaL_unref(e->h->L, LUA_REGISTRYINDEX, c->fn_ref);
        luaL_unref(e->h->L, LUA_REGISTRYINDEX, c->params_ref);
    }
    free(e->checks);
    row_cache_free(&e->product_cache);
    free(e->products);
    med_timeline_free(e->tl);
    med_timeline_free(e->visit_tl);
    row_cache_free(&e->fill_cache);
    free(e->fills);
    buf_free(&e->fill_why);
    rules_free(&e->rules);
    free(e);
}

const struct med_standard *eval_standard(struct eval *e)
{
    return e->std;
}

struct med_db *eval_med_db(struct eval *e)
{
    return e->db;
}

/* ------------------------------------------------------------------ reading rows */

struct cursor {
    sqlite3_stmt *st;
    bool done;
};

static void cur_step(struct cursor *c)
{
    if (!c->done && sqlite3_step(c->st) != SQLITE_ROW)
        c->done = true;
}

/* Moves past rows of patients before `id` (rows without a patient row are not evaluated) and
 * reports whether the cursor now stands on a row of `id`. */
static bool cur_at(struct cursor *c, const char *id)
{
    while (!c->done) {
        const char *pid = (const char *)sqlite3_column_text(c->st, 0);
        int cmp = strcmp(pid ? pid : "", id);
        if (cmp == 0)
            return true;
        if (cmp > 0)
            return false;
        cur_step(c);
    }
    return false;
}

static const char *col(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

static day_t col_date(sqlite3_stmt *st, int i)
{
    const char *s = col(st, i);
    day_t d;
    if (!s || date_parse(s, strlen(s), &d) != 0)
        return DATE_NONE;
    return d;
}

static double col_num(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

/* ------------------------------------------------------------------ caches keyed by columns */

/* The columns' values as bytes into c->probe, each with its storage type and length (numbers as
 * their double: formatting them would cost more than the lookup saves). */
static void row_key(struct row_cache *c, sqlite3_stmt *st, const int *cols, size_t ncols)
{
    struct buf *k = &c->probe;
    k->len = 0;
    for (size_t j = 0; j < ncols; j++) {
        int i = cols[j], type = sqlite3_column_type(st, i);
        const void *p = NULL;
        uint32_t n = 0;
        double v;
        if (type == SQLITE_INTEGER || type == SQLITE_FLOAT) {
            v = sqlite3_column_double(st, i);
            p = &v;
            n = sizeof v;
        } else if (type == SQLITE_TEXT || type == SQLITE_BLOB) {
            p = sqlite3_column_blob(st, i);
            n = p ? (uint32_t)sqlite3_column_bytes(st, i) : 0;
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

/* A hash of the key taken eight bytes at a time (never 0, the empty slot of med_hash). */
static uint64_t key_hash(const char *p, size_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ n;
    for (; n >= 8; p += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
    }
    uint64_t w = 0;
    memcpy(&w, p, n);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 29;
    return h | 1;
}

enum { CACHE_MISS = -1, CACHE_FULL = -2 };

/* Looks up the row's key: its entry's index, CACHE_MISS after which row_cache_add may keep it,
 * or CACHE_FULL when it cannot be kept (cache full, or another key with the same hash). */
static long row_cache_find(struct row_cache *c, sqlite3_stmt *st, const int *cols, size_t ncols,
                           uint64_t *hash)
{
    row_key(c, st, cols, ncols);
    *hash = key_hash(c->probe.data, c->probe.len);
    uint32_t at;
    if (med_hash_get(&c->index, *hash, &at)) {
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
    med_hash_put(&c->index, hash, (uint32_t)c->n);
    return c->n++;
}

static void row_cache_free(struct row_cache *c)
{
    free(c->index.keys);
    free(c->index.vals);
    buf_free(&c->keys);
    free(c->key_at);
    buf_free(&c->probe);
}

/* The columns that name a product: drug, NDC, RxNorm, strength, unit, form. */
static const int PRODUCT_COLS[] = {3, 6, 7, 8, 9, 10};

/* The fill's product, resolved once per distinct description. */
static const struct cached_product *resolve_cached(struct eval *e, sqlite3_stmt *st,
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
static const char *col_amount(sqlite3_stmt *st, int i, char *buf, size_t n)
{
    int t = sqlite3_column_type(st, i);
    if (t == SQLITE_NULL)
        return NULL;
    if (t == SQLITE_TEXT)
        return (const char *)sqlite3_column_text(st, i);
    double v = sqlite3_column_double(st, i);
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

/* Copies a string into the rows' arena ("" for NULL) and returns its offset. */
static size_t arena_add(struct patient_rows *pr, const char *v)
{
    size_t at = pr->arena.len;
    buf_append(&pr->arena, v ? v : "", strlen(v ? v : "") + 1);
    return at;
}

/* The columns that decide a fill's MED: drug, quantity, days supply, NDC, RxNorm, strength,
 * unit, form, dose, doses per day, PRN. */
static const int FILL_COLS[] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13};

/* Computes a fill from its columns: product (resolved once per description), dosing, MED. */
static void compute_fill(struct eval *e, sqlite3_stmt *st, struct med_fill *out, char *why,
                         size_t whylen)
{
    struct med_input in = med_input_empty();
    in.drug = col(st, 3);
    in.quantity = col_num(st, 4);
    in.days_supply = col_num(st, 5);
    in.ndc = col(st, 6);
    in.rxnorm = col(st, 7);
    in.strength = col_num(st, 8);
    in.strength_unit = col(st, 9);
    in.form = col(st, 10);
    char dose[32], per_day[32];
    in.dose = col_amount(st, 11, dose, sizeof dose);
    in.doses_per_day = col_amount(st, 12, per_day, sizeof per_day);
    in.prn = sqlite3_column_int(st, 13) != 0;
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
static const char *fill_lookup(struct eval *e, sqlite3_stmt *st, struct med_fill *out,
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

static void rows_add_fill(struct eval *e, struct patient_rows *pr, sqlite3_stmt *st, day_t as_of)
{
    day_t date = col_date(st, 2);
    if (date == DATE_NONE)
        return;
    struct med_fill mf;
    char err[MED_ERROR_MAX];
    const char *why = fill_lookup(e, st, &mf, err, sizeof err);
    if (pr->nfills == pr->capfills) {
        pr->capfills = pr->capfills ? pr->capfills * 2 : 32;
        pr->fills = xrealloc(pr->fills, pr->capfills * sizeof *pr->fills);
        pr->rx_at = xrealloc(pr->rx_at, pr->capfills * sizeof *pr->rx_at);
        pr->why_at = xrealloc(pr->why_at, pr->capfills * sizeof *pr->why_at);
        pr->prescriber_at = xrealloc(pr->prescriber_at, pr->capfills * sizeof *pr->prescriber_at);
        pr->pharmacy_at = xrealloc(pr->pharmacy_at, pr->capfills * sizeof *pr->pharmacy_at);
    }
    size_t i = pr->nfills++;
    double supply = col_num(st, 5);
    mf.fill_date = date;
    mf.days_supply = isnan(supply) ? 0 : (int32_t)supply;
    pr->fills[i] = mf;
    const char *rx = col(st, 1);
    pr->rx_at[i] = arena_add(pr, rx ? rx : "?");
    pr->prescriber_at[i] = arena_add(pr, col(st, 14));
    pr->pharmacy_at[i] = arena_add(pr, col(st, 15));
    pr->why_at[i] = why ? arena_add(pr, why) : (size_t)-1;
    day_t *last = NULL;
    switch (mf.cls) {
    case MED_CLASS_NALOXONE: last = &pr->last_fill_naloxone; break;
    case MED_CLASS_MOUD: last = &pr->last_fill_moud; break;
    case MED_CLASS_BENZO: last = &pr->last_fill_benzo; break;
    case MED_CLASS_OPIOID:
    case MED_CLASS_BUP_PAIN: last = &pr->last_fill_opioid; break;
    default: break;
    }
    if (last && date <= as_of && (*last == DATE_NONE || date > *last))
        *last = date;
}

static void rows_add_score(struct patient_rows *pr, sqlite3_stmt *st)
{
    if (pr->nscores == pr->capscores) {
        pr->capscores = pr->capscores ? pr->capscores * 2 : 8;
        pr->scores = xrealloc(pr->scores, pr->capscores * sizeof *pr->scores);
    }
    struct score *s = &pr->scores[pr->nscores];
    const char *inst = col(st, 1);
    str_copy(s->instrument, sizeof s->instrument, inst ? inst : "");
    s->date = col_date(st, 2);
    s->has_score = sqlite3_column_type(st, 3) != SQLITE_NULL;
    s->score = s->has_score ? sqlite3_column_double(st, 3) : 0;
    if (s->date != DATE_NONE)
        pr->nscores++;
}

/* Keeps the diagnosis, classified once, for evaluation at earlier dates (facts_at). Codes that
 * no rule looks at are dropped. */
static void rows_add_dated_dx(const struct rules *ru, struct patient_rows *pr, const char *code,
                              day_t date, day_t end)
{
    unsigned flags = (code_in_set(&ru->label, code) ? DX_LABEL : 0) |
                     (code_in_set(&ru->oud, code) ? DX_OUD : 0) |
                     (code_in_set(&ru->cancer, code) ? DX_CANCER : 0) |
                     (code_in_set(&ru->sickle, code) ? DX_SICKLE : 0) |
                     (code_in_set(&ru->palliative, code) ? DX_PALLIATIVE : 0);
    if (!flags)
        return;
    if (pr->ndxs == pr->capdxs) {
        pr->capdxs = pr->capdxs ? pr->capdxs * 2 : 8;
        pr->dxs = xrealloc(pr->dxs, pr->capdxs * sizeof *pr->dxs);
    }
    pr->dxs[pr->ndxs++] = (struct dated_dx){flags, date, end};
}

static void rows_add_event(struct patient_rows *pr, int type, day_t date)
{
    if (type < 0 || date == DATE_NONE)
        return;
    if (pr->last_event[type] == DATE_NONE || date > pr->last_event[type])
        pr->last_event[type] = date;
    if (pr->nevents == pr->capevents) {
        pr->capevents = pr->capevents ? pr->capevents * 2 : 16;
        pr->events = xrealloc(pr->events, pr->capevents * sizeof *pr->events);
    }
    pr->events[pr->nevents++] = (struct dated_event){type, date};
}

static void rows_add_diagnosis(const struct rules *ru, struct patient_rows *pr, sqlite3_stmt *st,
                               day_t as_of)
{
    char code[32];
    const char *raw = col(st, 1);
    code_normalize(raw ? raw : "", code, sizeof code);
    day_t date = col_date(st, 2), end = col_date(st, 3);
    if (date == DATE_NONE || date > as_of)
        return;
    rows_add_dated_dx(ru, pr, code, date, end);
    bool active = end == DATE_NONE || end >= as_of;
    char d[16];
    if (active && code_in_set(&ru->label, code) && !pr->labeled) {
        pr->labeled = true;
        snprintf(pr->label_code, sizeof pr->label_code, "%s", raw);
    }
    if (active && code_in_set(&ru->oud, code) && (!pr->oud || date < pr->oud_date)) {
        pr->oud = true;
        pr->oud_date = date;
    }
    if (pr->exclusion[0])
        return;
    if (code_in_set(&ru->cancer, code) && date > as_of - ru->cancer_days)
        snprintf(pr->exclusion, sizeof pr->exclusion, "active cancer (%s on %s)", raw,
                 date_format(date, d));
    else if (code_in_set(&ru->sickle, code))
        snprintf(pr->exclusion, sizeof pr->exclusion, "sickle cell disease (%s on %s)", raw,
                 date_format(date, d));
    else if (code_in_set(&ru->palliative, code) && date > as_of - ru->palliative_days)
        snprintf(pr->exclusion, sizeof pr->exclusion, "hospice or palliative care (%s on %s)", raw,
                 date_format(date, d));
}

static void rows_reset(struct patient_rows *pr)
{
    pr->nfills = 0;
    pr->nscores = 0;
    pr->nevents = 0;
    pr->ndxs = 0;
    pr->arena.len = 0;
    for (int i = 0; i < EV_N; i++)
        pr->last_event[i] = DATE_NONE;
    pr->last_fill_naloxone = pr->last_fill_moud = pr->last_fill_opioid = pr->last_fill_benzo =
        DATE_NONE;
    pr->last_visit = pr->next_visit = DATE_NONE;
    pr->labeled = pr->oud = false;
    pr->label_code[0] = 0;
    pr->oud_date = DATE_NONE;
    pr->exclusion[0] = 0;
}

static void copy_id(char *dst, const char *src)
{
    str_copy(dst, ID_MAX, src ? src : "");
}

/* ------------------------------------------------------------------ running checks */

static void result_add(struct eval_result *r, const struct check_def *c, const char *patient,
                       const char *clinician, const char *site, const char *severity,
                       day_t due, const char *detail)
{
    if (r->ngaps == r->capgaps) {
        r->capgaps = r->capgaps ? r->capgaps * 2 : 256;
        r->gaps = xrealloc(r->gaps, r->capgaps * sizeof *r->gaps);
    }
    struct gap *g = &r->gaps[r->ngaps++];
    g->check = eval_result_strdup(r, c->id);
    g->plugin = eval_result_strdup(r, c->plugin ? c->plugin : "");
    g->patient = eval_result_strdup(r, patient);
    g->clinician = clinician && *clinician ? eval_result_strdup(r, clinician) : NULL;
    g->site = site && *site ? eval_result_strdup(r, site) : NULL;
    g->severity = eval_result_strdup(r, severity);
    g->detail = eval_result_strdup(r, detail ? detail : "");
    g->due = due;
    g->level = c->level;
}

/* Outcome of one check call, for the result list and for --explain. */
struct outcome {
    bool gap, error;
    char severity[32];
    day_t due;
    char detail[512];
};

static void report_check_error(struct check_def *c, const char *msg)
{
    /* The first few failures of each check are shown; the count covers the rest. */
    if (c->errors++ < 3)
        host_log("error", "%s", msg);
}

/* Calls check c with the facts table at facts_idx. */
static void run_check(struct eval *e, struct check_def *c, int facts_idx, struct outcome *o)
{
    lua_State *L = e->h->L;
    memset(o, 0, sizeof *o);
    o->due = DATE_NONE;
    lua_rawgeti(L, LUA_REGISTRYINDEX, c->fn_ref);
    lua_pushvalue(L, facts_idx);
    lua_rawgeti(L, LUA_REGISTRYINDEX, c->params_ref);
    if (host_pcall(e->h, c->plugin, c->hook, 2, 1, e->h->limits.check_seconds) != 0) {
        o->error = true;
        snprintf(o->detail, sizeof o->detail, "%s", e->h->last_error);
        report_check_error(c, e->h->last_error);
        return;
    }
    int t = lua_type(L, -1);
    if (t == LUA_TNIL || (t == LUA_TBOOLEAN && !lua_toboolean(L, -1))) {
        lua_pop(L, 1);
        return;
    }
    if (t != LUA_TTABLE) {
        o->error = true;
        snprintf(o->detail, sizeof o->detail,
                 "plugin '%s', %s: returned a %s; expected nil or a table", c->plugin, c->hook,
                 lua_typename(L, t));
        report_check_error(c, o->detail);
        lua_pop(L, 1);
        return;
    }
    o->gap = true;
    lua_getfield(L, -1, "severity");
    snprintf(o->severity, sizeof o->severity, "%s",
             lua_isstring(L, -1) ? lua_tostring(L, -1) : c->severity ? c->severity : "due");
    lua_pop(L, 1);
    lua_getfield(L, -1, "detail");
    snprintf(o->detail, sizeof o->detail, "%s", lua_isstring(L, -1) ? lua_tostring(L, -1) : "");
    lua_pop(L, 1);
    lua_getfield(L, -1, "due");
    if (lua_type(L, -1) == LUA_TSTRING) {
        size_t len;
        const char *s = lua_tolstring(L, -1, &len);
        if (date_parse(s, len, &o->due) != 0) {
            o->gap = false;
            o->error = true;
            snprintf(o->detail, sizeof o->detail,
                     "plugin '%s', %s: returned due = '%s'; expected a YYYY-MM-DD date", c->plugin,
                     c->hook, s);
            report_check_error(c, o->detail);
        }
    }
    lua_pop(L, 2);
}

static bool applies_to(const struct check_def *c, const struct facts *f)
{
    if (c->applies == APPLIES_ALL)
        return true;
    if (f->excluded)
        return false;
    return c->applies == APPLIES_FILL_RULE ? f->fill_rule : f->ltot;
}

static bool check_selected(const struct check_def *c, const struct eval_filter *flt)
{
    return c->enabled && (!flt->check || strcmp(flt->check, c->id) == 0);
}

/* ------------------------------------------------------------------ explain */

static void explain_facts(FILE *out, const struct rules *ru, const struct patient_rows *pr,
                          const struct facts *f, day_t as_of)
{
    char d[16];
    fprintf(out, "Patient %s (site %s, clinician %s) as of %s\n\n", pr->id, pr->site,
            pr->has_clinician ? pr->clinician : "none", date_format(as_of, d));
    fprintf(out, "Facts\n");
    fprintf(out, "  LtOT (%s rule): %s — %s\n", ltot_rule_names[ru->ltot_rule],
            f->ltot ? "yes" : "no", f->ltot_reason);
    fprintf(out, "  label diagnosis: %s\n", pr->labeled ? pr->label_code : "none");
    fprintf(out, "  excluded: %s\n", f->excluded ? pr->exclusion : "no");
    fprintf(out, "  current MED: %.1f%s%s\n", f->med, f->med_unknown ? " (incomplete: " : "",
            f->med_unknown ? f->med_unknown_detail : "");
    if (f->med_unknown)
        fprintf(out, "    )\n");
    fprintf(out, "  MED over the last 90 days: max %.1f, average %.1f; days covered %d\n",
            f->med_max90, f->med_avg90, f->covered90);
    fprintf(out, "  benzodiazepine overlap days (last 30): %d\n", f->overlap30);
    fprintf(out, "  risk tier: %s", risk_names[f->risk]);
    for (int i = 0; i < f->nreasons; i++)
        fprintf(out, "%s%s", i ? "; " : " (", f->reasons[i]);
    fprintf(out, "%s; review every %d days\n", f->nreasons ? ")" : "", ru->interval[f->risk]);
    fprintf(out, "  last events:");
    int shown = 0;
    for (int i = 0; i < EV_N; i++)
        if (pr->last_event[i] != DATE_NONE)
            fprintf(out, "%s %s %s", shown++ ? "," : "", event_names[i],
                    date_format(pr->last_event[i], d));
    fprintf(out, "%s\n", shown ? "" : " none");
    fprintf(out, "  last visit: %s", pr->last_visit == DATE_NONE ? "none" : date_format(pr->last_visit, d));
    fprintf(out, "; next scheduled: %s\n",
            pr->next_visit == DATE_NONE ? "none" : date_format(pr->next_visit, d));
    fprintf(out, "  latest assessments:");
    shown = 0;
    for (size_t i = 0; i < pr->nscores; i++) {
        const struct score *s = &pr->scores[i];
        if (rows_latest_score(pr, s->instrument) != s)
            continue;
        if (s->has_score)
            fprintf(out, "%s %s %g on %s", shown++ ? "," : "", s->instrument, s->score,
                    date_format(s->date, d));
        else
            fprintf(out, "%s %s on %s", shown++ ? "," : "", s->instrument, date_format(s->date, d));
    }
    fprintf(out, "%s\n", shown ? "" : " none");
    fprintf(out, "  fills: naloxone %s", pr->last_fill_naloxone == DATE_NONE ? "none" : date_format(pr->last_fill_naloxone, d));
    fprintf(out, ", MOUD %s", pr->last_fill_moud == DATE_NONE ? "none" : date_format(pr->last_fill_moud, d));
    fprintf(out, ", OUD diagnosis %s\n", pr->oud ? date_format(pr->oud_date, d) : "none");
    fprintf(out, "\nChecks\n");
}

static void explain_check(FILE *out, const struct check_def *c, const struct facts *f,
                          const struct outcome *o, bool ran)
{
    char d[16];
    fprintf(out, "  %-28s ", c->id);
    if (!c->enabled)
        fprintf(out, "disabled in the site config\n");
    else if (!ran && f->excluded && c->applies != APPLIES_ALL)
        fprintf(out, "not applicable: excluded\n");
    else if (!ran)
        fprintf(out, "not applicable: %s\n",
                c->applies == APPLIES_FILL_RULE ? "does not meet the fill rule" : "not on LtOT");
    else if (o->error)
        fprintf(out, "ERROR %s\n", o->detail);
    else if (o->gap)
        fprintf(out, "GAP (%s%s%s) %s\n", o->severity, o->due != DATE_NONE ? ", due " : "",
                o->due != DATE_NONE ? date_format(o->due, d) : "", o->detail);
    else
        fprintf(out, "no gap\n");
    if (c->description)
        fprintf(out, "  %-28s rule: %s\n", "", c->description);
}

/* ------------------------------------------------------------------ the loop */

/* Two forms of each query: the whole population in patient order, and one patient through the
 * index (an "?1 IS NULL OR patient_id = ?1" test would keep SQLite from using the index). */
#define WHERE_ALL "1"
#define WHERE_ONE "patient_id = ?1"
#define Q_PATIENTS(w)                                                                              \
    "SELECT patient_id, site_id, clinician_id, birth_date, sex FROM patients WHERE " w            \
    " AND (?2 IS NULL OR site_id = ?2) AND (?3 IS NULL OR clinician_id = ?3) "                   \
    "AND (?1 IS NULL OR 1) ORDER BY patient_id"
/* Prescriber and pharmacy are read only for measures (PQA OMP counts them); checks get NULLs,
 * which cost SQLite nothing to produce. */
#define RX_WHO "clinician_id, pharmacy_id"
#define RX_NO_WHO "NULL, NULL"
#define Q_RX(w, who)                                                                               \
    "SELECT patient_id, rx_id, fill_date, drug, quantity, days_supply, ndc, rxnorm, strength, "  \
    "strength_unit, form, dose, doses_per_day, prn, " who " FROM prescriptions WHERE " w        \
    " AND fill_date <= ?2 AND fill_date > ?3 AND (?1 IS NULL OR 1) ORDER BY patient_id"
#define Q_EVENTS(w)                                                                                \
    "SELECT patient_id, type, date FROM events WHERE " w " AND date <= ?2 AND (?1 IS NULL OR 1) " \
    "ORDER BY patient_id"
#define Q_ASSESS(w)                                                                                \
    "SELECT patient_id, instrument, date, score FROM assessments WHERE " w                        \
    " AND date <= ?2 AND (?1 IS NULL OR 1) ORDER BY patient_id"
#define Q_APPTS(w)                                                                                 \
    "SELECT patient_id, date, status FROM appointments WHERE " w " AND (?1 IS NULL OR 1) "        \
    "ORDER BY patient_id"
#define Q_DX(w)                                                                                    \
    "SELECT patient_id, code, date, end_date FROM diagnoses WHERE " w                             \
    " AND date <= ?2 AND (?1 IS NULL OR 1) ORDER BY patient_id"

static const char *const SQL_ALL[6] = {Q_PATIENTS(WHERE_ALL), Q_RX(WHERE_ALL, RX_WHO),
                                       Q_EVENTS(WHERE_ALL),   Q_ASSESS(WHERE_ALL),
                                       Q_APPTS(WHERE_ALL),    Q_DX(WHERE_ALL)};
static const char *const SQL_ONE[6] = {Q_PATIENTS(WHERE_ONE), Q_RX(WHERE_ONE, RX_WHO),
                                       Q_EVENTS(WHERE_ONE),   Q_ASSESS(WHERE_ONE),
                                       Q_APPTS(WHERE_ONE),    Q_DX(WHERE_ONE)};

static const char *const RX_LEAN[2] = {Q_RX(WHERE_ALL, RX_NO_WHO), Q_RX(WHERE_ONE, RX_NO_WHO)};

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

/* Counts per clinician and site of LtOT, non-excluded patients, for the next levels. */
struct tallies {
    struct med_strmap index;
    int *counts;
    size_t n;
};

static void tally_add(struct tallies *ts, const char *id)
{
    uint32_t at;
    if (med_strmap_get(&ts->index, id, &at)) {
        ts->counts[at]++;
        return;
    }
    ts->counts = xrealloc(ts->counts, (ts->n + 1) * sizeof *ts->counts);
    ts->counts[ts->n] = 1;
    med_strmap_put(&ts->index, id, (uint32_t)ts->n++);
}

static int tally_get(const struct tallies *ts, const char *id)
{
    uint32_t at;
    return med_strmap_get(&ts->index, id, &at) ? ts->counts[at] : 0;
}

static void tallies_free(struct tallies *ts)
{
    med_strmap_free(&ts->index);
    free(ts->counts);
}

/* Counts the patient and runs the patient-level checks on facts already computed. */
static void consume(struct eval *e, const struct patient_rows *pr, const struct facts *fp,
                    day_t as_of, const struct eval_filter *flt, struct eval_result *r,
                    FILE *explain, struct tallies *by_clin, struct tallies *by_site)
{
    lua_State *L = e->h->L;
    const struct facts f = *fp;
    r->patients++;
    if (f.excluded)
        r->excluded++;
    if (f.fill_rule && !f.excluded) {
        r->fill_rule++;
        if (pr->labeled)
            r->labeled++;
    }
    r->active_fills += f.active_fills;
    r->active_computable += f.active_computable;
    if (f.ltot && !f.excluded) {
        r->ltot++;
        if (pr->labeled)
            r->ltot_labeled++;
        if (pr->has_clinician)
            tally_add(by_clin, pr->clinician);
        tally_add(by_site, pr->site);
    }
    if (e->visit) {
        if (e->visit_all || (f.ltot && !f.excluded)) {
            int base = lua_gettop(L);
            facts_push(L, &e->rules, pr, &f, as_of);
            e->visit_pr = pr;
            e->visit_tl_ready = false;
            e->visit(e, e->visit_ud);
            e->visit_pr = NULL;
            lua_settop(L, base);
        }
        if (!e->visit_checks)
            return;
    }
    bool any = explain != NULL;
    for (size_t i = 0; !any && i < e->nchecks; i++)
        any = e->checks[i].level == LEVEL_PATIENT && check_selected(&e->checks[i], flt) &&
              applies_to(&e->checks[i], &f);
    if (!any)
        return;
    int top = lua_gettop(L);
    facts_push(L, &e->rules, pr, &f, as_of);
    int facts_idx = lua_gettop(L);
    if (explain)
        explain_facts(explain, &e->rules, pr, &f, as_of);
    for (size_t i = 0; i < e->nchecks; i++) {
        struct check_def *c = &e->checks[i];
        if (c->level != LEVEL_PATIENT || (flt->check && strcmp(flt->check, c->id) != 0))
            continue;
        struct outcome o = {.due = DATE_NONE};
        bool ran = c->enabled && applies_to(c, &f);
        if (ran) {
            run_check(e, c, facts_idx, &o);
            if (o.error)
                r->check_errors++;
            else if (o.gap)
                result_add(r, c, pr->id, pr->has_clinician ? pr->clinician : NULL, pr->site,
                           o.severity, o.due, o.detail);
        }
        if (explain)
            explain_check(explain, c, &f, &o, ran);
    }
    lua_settop(L, top);
}

static void run_level_checks(struct eval *e, enum gap_level level, const struct eval_filter *flt,
                             struct eval_result *r, const char *id, const char *clinician,
                             const char *site)
{
    int facts_idx = lua_gettop(e->h->L);
    for (size_t i = 0; i < e->nchecks; i++) {
        struct check_def *c = &e->checks[i];
        if (c->level != level || !check_selected(c, flt))
            continue;
        struct outcome o;
        run_check(e, c, facts_idx, &o);
        if (o.error)
            r->check_errors++;
        else if (o.gap)
            result_add(r, c, NULL, level == LEVEL_CLINICIAN ? id : clinician, site, o.severity,
                       o.due, o.detail);
    }
}

static bool level_wanted(struct eval *e, enum gap_level level, const struct eval_filter *flt)
{
    if (flt->patient || flt->npatients)
        return false;
    for (size_t i = 0; i < e->nchecks; i++)
        if (e->checks[i].level == level && check_selected(&e->checks[i], flt))
            return true;
    return false;
}

static void clinician_checks(struct eval *e, day_t as_of, const struct eval_filter *flt,
                             struct eval_result *r, const struct tallies *by_clin)
{
    if (!level_wanted(e, LEVEL_CLINICIAN, flt))
        return;
    lua_State *L = e->h->L;
    sqlite3_stmt *st = store_prepare(
        e->s, "SELECT clinician_id, site_id, role, pdmp_registered, delegate_of FROM clinicians "
              "WHERE (?1 IS NULL OR site_id = ?1) AND (?2 IS NULL OR clinician_id = ?2) "
              "ORDER BY clinician_id");
    bind_text_or_null(st, 1, flt->site);
    bind_text_or_null(st, 2, flt->clinician);
    char d[16];
    while (sqlite3_step(st) == SQLITE_ROW) {
        char id[ID_MAX], site[ID_MAX];
        copy_id(id, col(st, 0));
        copy_id(site, col(st, 1));
        lua_createtable(L, 0, 8);
        lua_pushstring(L, id);
        lua_setfield(L, -2, "id");
        lua_pushstring(L, site);
        lua_setfield(L, -2, "site");
        lua_pushstring(L, date_format(as_of, d));
        lua_setfield(L, -2, "as_of");
        for (int k = 2; k <= 4; k++) {
            static const char *const names[] = {NULL, NULL, "role", "pdmp_registered", "delegate_of"};
            if (col(st, k) && *col(st, k)) {
                lua_pushstring(L, col(st, k));
                lua_setfield(L, -2, names[k]);
            }
        }
        lua_pushinteger(L, tally_get(by_clin, id));
        lua_setfield(L, -2, "ltot_patients");
        run_level_checks(e, LEVEL_CLINICIAN, flt, r, id, NULL, site);
        lua_pop(L, 1);
    }
    sqlite3_reset(st);
}

/* s.stage and s.track: the program stage in force at the as-of date (site_stages, see
 * docs/facilitators.md), so stage-specific program checks such as action-plan-meeting-due can
 * skip clinics the stage does not concern. Both stay nil when no stage is recorded. */
static void site_stage_facts(struct eval *e, const char *site, const char *as_of)
{
    sqlite3_stmt *st = store_prepare(e->s, "SELECT stage, track FROM site_stages WHERE site_id = ?1 "
                                           "AND start_date <= ?2 ORDER BY start_date DESC, id DESC "
                                           "LIMIT 1");
    if (!st)
        return; /* a database from before the stages table */
    sqlite3_bind_text(st, 1, site, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, as_of, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW) {
        lua_pushstring(e->h->L, col(st, 0));
        lua_setfield(e->h->L, -2, "stage");
        lua_pushstring(e->h->L, col(st, 1));
        lua_setfield(e->h->L, -2, "track");
    }
    sqlite3_reset(st);
}

static void site_checks(struct eval *e, day_t as_of, const struct eval_filter *flt,
                        struct eval_result *r, const struct tallies *by_site)
{
    if (!level_wanted(e, LEVEL_SITE, flt) || flt->clinician)
        return;
    lua_State *L = e->h->L;
    char d[16];
    date_format(as_of, d);
    /* Sites are read first: the meeting query below reuses the connection. */
    sqlite3_stmt *st = store_prepare(e->s, "SELECT site_id, name FROM sites "
                                           "WHERE (?1 IS NULL OR site_id = ?1) ORDER BY site_id");
    bind_text_or_null(st, 1, flt->site);
    struct {
        char id[ID_MAX], name[128];
    } *sites = NULL;
    size_t n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        sites = xrealloc(sites, (n + 1) * sizeof *sites);
        copy_id(sites[n].id, col(st, 0));
        snprintf(sites[n].name, sizeof sites[n].name, "%s", col(st, 1) ? col(st, 1) : "");
        n++;
    }
    sqlite3_reset(st);
    sqlite3_stmt *mt = store_prepare(e->s, "SELECT replace(type, ' ', '_'), max(date) FROM meetings "
                                           "WHERE site_id = ?1 AND date <= ?2 GROUP BY type");
    for (size_t i = 0; i < n; i++) {
        lua_createtable(L, 0, 6);
        lua_pushstring(L, sites[i].id);
        lua_setfield(L, -2, "id");
        lua_pushstring(L, sites[i].name);
        lua_setfield(L, -2, "name");
        lua_pushstring(L, d);
        lua_setfield(L, -2, "as_of");
        lua_pushinteger(L, tally_get(by_site, sites[i].id));
        lua_setfield(L, -2, "ltot_patients");
        lua_newtable(L);
        sqlite3_reset(mt);
        sqlite3_bind_text(mt, 1, sites[i].id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(mt, 2, d, -1, SQLITE_TRANSIENT);
        while (sqlite3_step(mt) == SQLITE_ROW) {
            lua_pushstring(L, col(mt, 1));
            lua_setfield(L, -2, col(mt, 0));
        }
        sqlite3_reset(mt);
        lua_setfield(L, -2, "last_meeting");
        site_stage_facts(e, sites[i].id, d);
        run_level_checks(e, LEVEL_SITE, flt, r, sites[i].id, NULL, sites[i].id);
        lua_pop(L, 1);
    }
    free(sites);
}

/* ------------------------------------------------------------------ storing while evaluating */

/* An unfiltered `sixbb check` replaces the stored gaps of its date. The rows are written on a
 * thread of their own, through a connection of their own, while the evaluation runs: the old
 * rows are deleted first, then each batch of new gaps is inserted as soon as the checks have
 * produced it. Everything happens in one transaction, committed only when the whole run
 * succeeded. */
#define WRITER_ROWS 16 /* gaps per multi-row INSERT */
#define INSERT_GAP                                                                               \
    "INSERT INTO check_results(as_of, seq, check_id, patient_id, clinician_id, site_id, "        \
    "severity, due, detail) VALUES (?,?,?,?,?,?,?,?,?)"

struct result_writer {
    sqlite3 *db;
    sqlite3_stmt *ins, *ins_many;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool running, closing;
    struct gap *queue; /* gaps handed over, copied (their strings stay in the result's blocks) */
    size_t nqueue, capqueue;
    size_t fed;        /* gaps of the result handed over so far */
    size_t seq;        /* the next gap's place in the run, as stored */
    int rc;
    char err[256];
    char as_of[16];
};

static void writer_fail(struct result_writer *w, const char *what)
{
    if (w->rc == 0) {
        w->rc = -1;
        snprintf(w->err, sizeof w->err, "%s: %s", what, sqlite3_errmsg(w->db));
    }
}

/* Binds gap g as the k-th row (0-based) of an insert; the strings stay put until the step. */
static void writer_bind(struct result_writer *w, sqlite3_stmt *ins, int k, const struct gap *g,
                        char due[16])
{
    int p = k * 9;
    sqlite3_bind_text(ins, p + 1, w->as_of, -1, SQLITE_STATIC);
    sqlite3_bind_int64(ins, p + 2, (sqlite3_int64)w->seq++);
    sqlite3_bind_text(ins, p + 3, g->check, -1, SQLITE_STATIC);
    const char *texts[3] = {g->patient, g->clinician, g->site};
    for (int i = 0; i < 3; i++)
        if (texts[i])
            sqlite3_bind_text(ins, p + 4 + i, texts[i], -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(ins, p + 4 + i);
    sqlite3_bind_text(ins, p + 7, g->severity, -1, SQLITE_STATIC);
    if (g->due == DATE_NONE)
        sqlite3_bind_null(ins, p + 8);
    else
        sqlite3_bind_text(ins, p + 8, date_format(g->due, due), 10, SQLITE_STATIC);
    sqlite3_bind_text(ins, p + 9, g->detail, -1, SQLITE_STATIC);
}

/* Inserts n gaps, WRITER_ROWS to a statement while they last. */
static void writer_insert(struct result_writer *w, const struct gap *g, size_t n)
{
    char due[WRITER_ROWS][16];
    while (n) {
        int rows = n >= WRITER_ROWS ? WRITER_ROWS : 1;
        sqlite3_stmt *ins = rows == WRITER_ROWS ? w->ins_many : w->ins;
        for (int k = 0; k < rows; k++)
            writer_bind(w, ins, k, &g[k], due[k]);
        if (sqlite3_step(ins) != SQLITE_DONE)
            writer_fail(w, "cannot store the results");
        sqlite3_reset(ins);
        if (w->rc != 0)
            return;
        g += rows;
        n -= (size_t)rows;
    }
}

static void *writer_main(void *arg)
{
    struct result_writer *w = arg;
    sqlite3_stmt *del = NULL;
    if (sqlite3_prepare_v2(w->db, "DELETE FROM check_results WHERE as_of = ?1", -1, &del, NULL) !=
        SQLITE_OK)
        writer_fail(w, "cannot store the results");
    if (del) {
        sqlite3_bind_text(del, 1, w->as_of, -1, SQLITE_STATIC);
        if (sqlite3_step(del) != SQLITE_DONE)
            writer_fail(w, "cannot replace the stored results");
        sqlite3_finalize(del);
    }
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

static int writer_open(struct result_writer *w, struct store *s, day_t as_of)
{
    memset(w, 0, sizeof *w);
    date_format(as_of, w->as_of);
    if (sqlite3_open_v2(store_path(s), &w->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        cli_fail("cannot store the results: %s", sqlite3_errmsg(w->db));
        sqlite3_close(w->db);
        return -1;
    }
    sqlite3_busy_timeout(w->db, 5000);
    struct buf many = {0};
    buf_puts(&many, INSERT_GAP);
    for (int k = 1; k < WRITER_ROWS; k++)
        buf_puts(&many, ",(?,?,?,?,?,?,?,?,?)");
    bool ok = sqlite3_exec(w->db, "PRAGMA synchronous=NORMAL; BEGIN IMMEDIATE", NULL, NULL,
                           NULL) == SQLITE_OK &&
              sqlite3_prepare_v2(w->db, INSERT_GAP, -1, &w->ins, NULL) == SQLITE_OK &&
              sqlite3_prepare_v2(w->db, many.data, -1, &w->ins_many, NULL) == SQLITE_OK;
    buf_free(&many);
    if (!ok) {
        cli_fail("cannot store the results: %s", sqlite3_errmsg(w->db));
        sqlite3_finalize(w->ins);
        sqlite3_close(w->db);
        return -1;
    }
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    w->running = pthread_create(&w->thread, NULL, writer_main, w) == 0;
    if (!w->running) {
        cli_fail("cannot start the thread that stores the results");
        sqlite3_finalize(w->ins);
        sqlite3_finalize(w->ins_many);
        sqlite3_exec(w->db, "ROLLBACK", NULL, NULL, NULL);
        sqlite3_close(w->db);
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->cv);
        return -1;
    }
    return 0;
}

/* Hands the gaps the result gained since the last call to the writer. */
static void writer_feed(struct result_writer *w, const struct eval_result *r)
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

/* Waits for the writer, then records the evaluation and commits (ok) or rolls back. */
static int writer_close(struct result_writer *w, struct store *s, const struct eval_result *r,
                        bool ok)
{
    pthread_mutex_lock(&w->mu);
    w->closing = true;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    free(w->queue);
    sqlite3_finalize(w->ins);
    sqlite3_finalize(w->ins_many);
    int rc = ok ? w->rc : -1;
    if (rc == 0) {
        sqlite3_stmt *ev = NULL;
        if (sqlite3_prepare_v2(w->db,
                               "INSERT OR REPLACE INTO evaluations(as_of, run_at, "
                               "patients_evaluated, ltot, excluded) VALUES (?1,?2,?3,?4,?5)",
                               -1, &ev, NULL) != SQLITE_OK) {
            writer_fail(w, "cannot store the results");
        } else {
            sqlite3_bind_text(ev, 1, w->as_of, -1, SQLITE_STATIC);
            sqlite3_bind_int64(ev, 2, (sqlite3_int64)time(NULL));
            sqlite3_bind_int(ev, 3, r->patients);
            sqlite3_bind_int(ev, 4, r->ltot);
            sqlite3_bind_int(ev, 5, r->excluded);
            if (sqlite3_step(ev) != SQLITE_DONE)
                writer_fail(w, "cannot store the results");
            sqlite3_finalize(ev);
        }
        char detail[128];
        snprintf(detail, sizeof detail, "%zu gaps for %d patients", r->ngaps, r->patients);
        if (w->rc == 0 &&
            store_audit_with(s, w->db, "evaluate", "check_results", w->as_of, detail) != 0)
            writer_fail(w, "cannot store the results");
        if (w->rc == 0 && sqlite3_exec(w->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
            writer_fail(w, "cannot store the results");
        rc = w->rc;
        if (rc != 0)
            cli_fail("%s", w->err);
    } else if (ok) {
        cli_fail("%s", w->err);
    }
    if (rc != 0)
        sqlite3_exec(w->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(w->db);
    return rc;
}

int eval_run_stored(struct eval *e, day_t as_of, const struct eval_filter *flt,
                    struct eval_result *r)
{
    struct result_writer w;
    if (writer_open(&w, e->s, as_of) != 0)
        return -1;
    e->writer = &w;
    int rc = eval_run(e, as_of, flt, r, NULL);
    e->writer = NULL;
    if (rc == 0)
        writer_feed(&w, r);
    if (writer_close(&w, e->s, r, rc == 0) != 0)
        rc = -1;
    return rc;
}

/* ------------------------------------------------------------------ the reader */

/* Reads patients one by one, with their rows, and computes their facts. It has its own
 * read-only connection, so it can run on a thread of its own while the main thread runs the
 * plugins' checks (Lua stays on the main thread). */
struct reader {
    struct eval *e;
    sqlite3 *db;
    sqlite3_stmt *ps;
    struct cursor c[5];
    day_t as_of;
    /* A list of patients (sorted, without repeats), read one by one with the one-patient
     * queries; NULL for the whole population. */
    const char **ids;
    size_t nids, at;
    bool bound;
};

static void reader_close(struct reader *rd)
{
    free((void *)rd->ids);
    sqlite3_finalize(rd->ps);
    for (int i = 0; i < 5; i++)
        sqlite3_finalize(rd->c[i].st);
    sqlite3_close(rd->db);
}

static int reader_open(struct reader *rd, struct eval *e, day_t as_of, const struct eval_filter *flt)
{
    memset(rd, 0, sizeof *rd);
    rd->e = e;
    rd->as_of = as_of;
    if (sqlite3_open_v2(store_path(e->s), &rd->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        cli_fail("cannot read the registry: %s", sqlite3_errmsg(rd->db));
        reader_close(rd);
        return -1;
    }
    sqlite3_busy_timeout(rd->db, 5000);
    sqlite3_exec(rd->db, "PRAGMA cache_size=-65536; PRAGMA mmap_size=" SIXBB_MMAP_SIZE, NULL, NULL,
                 NULL);
    const char *const *sql = flt->patient || flt->npatients ? SQL_ONE : SQL_ALL;
    sqlite3_stmt **all[6] = {&rd->ps, &rd->c[0].st, &rd->c[1].st,
                             &rd->c[2].st, &rd->c[3].st, &rd->c[4].st};
    for (int i = 0; i < 6; i++) {
        const char *q = i == 1 && !e->rows_visit ? RX_LEAN[sql == SQL_ONE] : sql[i];
        if (sqlite3_prepare_v2(rd->db, q, -1, all[i], NULL) != SQLITE_OK) {
            cli_fail("cannot read the registry: %s", sqlite3_errmsg(rd->db));
            reader_close(rd);
            return -1;
        }
    }
    char d[16], oldest[16];
    date_format(as_of, d);
    /* Fills older than three years before the earliest date evaluated cannot reach any window
     * the rules look at. */
    day_t base = e->earliest != DATE_NONE && e->earliest < as_of ? e->earliest : as_of;
    date_format(base - 3 * 366, oldest);
    bind_text_or_null(rd->ps, 1, flt->patient);
    bind_text_or_null(rd->ps, 2, flt->site);
    bind_text_or_null(rd->ps, 3, flt->clinician);
    for (int i = 0; i < 5; i++) {
        bind_text_or_null(rd->c[i].st, 1, flt->patient);
        if (sqlite3_bind_parameter_count(rd->c[i].st) >= 2)
            sqlite3_bind_text(rd->c[i].st, 2, d, -1, SQLITE_TRANSIENT);
        if (sqlite3_bind_parameter_count(rd->c[i].st) >= 3)
            sqlite3_bind_text(rd->c[i].st, 3, oldest, -1, SQLITE_TRANSIENT);
        cur_step(&rd->c[i]);
    }
    return 0;
}

/* Points every statement of a one-patient reader at another patient. */
static void reader_rebind(struct reader *rd, const char *id)
{
    sqlite3_reset(rd->ps);
    sqlite3_bind_text(rd->ps, 1, id, -1, SQLITE_TRANSIENT);
    for (int i = 0; i < 5; i++) {
        sqlite3_reset(rd->c[i].st);
        sqlite3_bind_text(rd->c[i].st, 1, id, -1, SQLITE_TRANSIENT);
        rd->c[i].done = false;
        cur_step(&rd->c[i]);
    }
}

static void read_appointment(struct patient_rows *pr, sqlite3_stmt *st, day_t as_of)
{
    day_t date = col_date(st, 1);
    const char *status = col(st, 2);
    bool cancelled =
        status && (strcmp(status, "cancelled") == 0 || strcmp(status, "no_show") == 0);
    if (date == DATE_NONE)
        return;
    if (date <= as_of && !cancelled && (pr->last_visit == DATE_NONE || date > pr->last_visit))
        pr->last_visit = date;
    if (date > as_of && (!status || !*status || strcmp(status, "scheduled") == 0) &&
        (pr->next_visit == DATE_NONE || date < pr->next_visit))
        pr->next_visit = date;
}

/* The next patient with all their rows, and their facts. false at the end. */
static bool reader_next(struct reader *rd, struct patient_rows *pr, struct facts *f)
{
    struct eval *e = rd->e;
    day_t as_of = rd->as_of;
    if (sqlite3_step(rd->ps) != SQLITE_ROW)
        return false;
    sqlite3_stmt *ps = rd->ps;
    struct cursor *c = rd->c;
    rows_reset(pr);
    copy_id(pr->id, col(ps, 0));
    copy_id(pr->site, col(ps, 1));
    pr->has_clinician = col(ps, 2) && *col(ps, 2);
    copy_id(pr->clinician, col(ps, 2));
    pr->birth = col_date(ps, 3);
    str_copy(pr->sex, sizeof pr->sex, col(ps, 4) ? col(ps, 4) : "");
    for (; cur_at(&c[0], pr->id); cur_step(&c[0]))
        rows_add_fill(e, pr, c[0].st, as_of);
    for (; cur_at(&c[1], pr->id); cur_step(&c[1]))
        rows_add_event(pr, event_type_index(col(c[1].st, 1) ? col(c[1].st, 1) : ""),
                       col_date(c[1].st, 2));
    for (; cur_at(&c[2], pr->id); cur_step(&c[2]))
        rows_add_score(pr, c[2].st);
    for (; cur_at(&c[3], pr->id); cur_step(&c[3]))
        read_appointment(pr, c[3].st, as_of);
    for (; cur_at(&c[4], pr->id); cur_step(&c[4]))
        rows_add_diagnosis(&e->rules, pr, c[4].st, as_of);
    if (!e->rows_visit)
        facts_compute(&e->rules, e->std, e->tl, pr, as_of, f);
    return true;
}

static int cmp_id(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Makes the reader walk a list of patients: sorted, so the index is read in order, and without
 * repeats, so each patient is evaluated once. */
static void reader_set_list(struct reader *rd, const char *const *ids, size_t n)
{
    rd->ids = xmalloc((n ? n : 1) * sizeof *rd->ids);
    memcpy(rd->ids, ids, n * sizeof *ids);
    qsort(rd->ids, n, sizeof *rd->ids, cmp_id);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || strcmp(rd->ids[k - 1], rd->ids[i]) != 0)
            rd->ids[k++] = rd->ids[i];
    rd->nids = k;
    rd->at = 0;
    rd->bound = false;
}

/* The next patient of the population or of the list. */
static bool reader_next_any(struct reader *rd, struct patient_rows *pr, struct facts *f)
{
    if (!rd->ids)
        return reader_next(rd, pr, f);
    while (rd->at < rd->nids) {
        if (!rd->bound) {
            reader_rebind(rd, rd->ids[rd->at]);
            rd->bound = true;
        }
        if (reader_next(rd, pr, f))
            return true;
        rd->at++;
        rd->bound = false;
    }
    return false;
}

static void rows_free(struct patient_rows *pr)
{
    free(pr->fills);
    free(pr->rx_at);
    free(pr->why_at);
    free(pr->prescriber_at);
    free(pr->pharmacy_at);
    free(pr->events);
    free(pr->dxs);
    free(pr->scores);
    buf_free(&pr->arena);
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

/* Whole-population runs: the reader thread fills batches while this thread runs checks. */
static int run_pipelined(struct eval *e, struct reader *rd, day_t as_of,
                         const struct eval_filter *flt, struct eval_result *r,
                         struct tallies *by_clin, struct tallies *by_site)
{
    struct pipeline p = {.b = xcalloc(NBATCHES, sizeof(struct batch)), .rd = rd};
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.cv, NULL);
    pthread_t t;
    if (pthread_create(&t, NULL, producer, &p) != 0) {
        free(p.b);
        return cli_fail("cannot start the reader thread");
    }
    for (int k = 0;; k = (k + 1) % NBATCHES) {
        struct batch *b = &p.b[k];
        pthread_mutex_lock(&p.mu);
        while (!b->filled)
            pthread_cond_wait(&p.cv, &p.mu);
        pthread_mutex_unlock(&p.mu);
        int n = b->n;
        for (int i = 0; i < n; i++) {
            if (e->rows_visit)
                e->rows_visit(e, &b->slots[i].pr, e->rows_ud);
            else
                consume(e, &b->slots[i].pr, &b->slots[i].f, as_of, flt, r, NULL, by_clin,
                        by_site);
        }
        writer_feed(e->writer, r);
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
            rows_free(&p.b[k].slots[i].pr);
    free(p.b);
    pthread_mutex_destroy(&p.mu);
    pthread_cond_destroy(&p.cv);
    return 0;
}

int eval_run(struct eval *e, day_t as_of, const struct eval_filter *flt, struct eval_result *r,
             FILE *explain)
{
    memset(r, 0, sizeof *r);
    r->as_of = as_of;
    struct reader rd;
    if (reader_open(&rd, e, as_of, flt) != 0)
        return -1;
    struct tallies by_clin = {0}, by_site = {0};
    int rc = 0;
    if (flt->npatients && !flt->patient)
        reader_set_list(&rd, flt->patients, flt->npatients);
    if (!flt->patient && !explain) {
        rc = run_pipelined(e, &rd, as_of, flt, r, &by_clin, &by_site);
    } else {
        struct patient_rows pr;
        struct facts f;
        memset(&pr, 0, sizeof pr);
        while (reader_next(&rd, &pr, &f)) {
            if (e->rows_visit)
                e->rows_visit(e, &pr, e->rows_ud);
            else
                consume(e, &pr, &f, as_of, flt, r, explain, &by_clin, &by_site);
        }
        rows_free(&pr);
    }
    reader_close(&rd);
    if (rc == 0 && !e->visit && !e->rows_visit) {
        clinician_checks(e, as_of, flt, r, &by_clin);
        site_checks(e, as_of, flt, r, &by_site);
    }
    tallies_free(&by_clin);
    tallies_free(&by_site);
    for (size_t i = 0; i < e->nchecks; i++)
        if (e->checks[i].errors > 3)
            host_log("error", "plugin '%s', %s failed %d times in all", e->checks[i].plugin,
                     e->checks[i].hook, e->checks[i].errors);
    return rc;
}

int eval_each_patient(struct eval *e, day_t as_of, const struct eval_filter *f, bool all,
                      eval_patient_fn fn, void *ud, struct eval_result *r)
{
    e->visit = fn;
    e->visit_ud = ud;
    e->visit_all = all;
    int rc = eval_run(e, as_of, f, r, NULL);
    e->visit = NULL;
    e->visit_ud = NULL;
    return rc;
}

int eval_each_patient_checked(struct eval *e, day_t as_of, const struct eval_filter *f, bool all,
                              eval_patient_fn fn, void *ud, struct eval_result *r)
{
    e->visit_checks = true;
    int rc = eval_each_patient(e, as_of, f, all, fn, ud, r);
    e->visit_checks = false;
    return rc;
}

int eval_each_rows(struct eval *e, day_t earliest, day_t latest, const struct eval_filter *f,
                   eval_rows_fn fn, void *ud)
{
    struct eval_result r;
    e->rows_visit = fn;
    e->rows_ud = ud;
    e->earliest = earliest;
    int rc = eval_run(e, latest, f, &r, NULL);
    e->rows_visit = NULL;
    e->rows_ud = NULL;
    e->earliest = DATE_NONE;
    eval_result_free(&r);
    return rc;
}

const struct rules *eval_rules(struct eval *e)
{
    return &e->rules;
}

struct host *eval_host(struct eval *e)
{
    return e->h;
}

const struct med_timeline *eval_timeline(struct eval *e)
{
    if (!e->visit_tl_ready && e->visit_pr) {
        med_timeline_build(e->visit_tl, e->std, e->visit_pr->fills, e->visit_pr->nfills);
        e->visit_tl_ready = true;
    }
    return e->visit_tl;
}

/* ------------------------------------------------------------------ ordering gaps */

/* Ranks of the distinct strings of one role (clinicians and sites, patients or checks) in
 * strcmp order, NULL after every string. */
struct ranks {
    struct med_strmap index; /* string -> slot */
    const char **names;      /* by slot */
    uint32_t *rank;          /* by slot */
    size_t n, cap;
};

static void ranks_add(struct ranks *r, const char *s)
{
    uint32_t at;
    if (!s || med_strmap_get(&r->index, s, &at))
        return;
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 64;
        r->names = xrealloc(r->names, r->cap * sizeof *r->names);
    }
    r->names[r->n] = s;
    med_strmap_put(&r->index, s, (uint32_t)r->n++);
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(**(const char *const *const *)a, **(const char *const *const *)b);
}

static void ranks_finish(struct ranks *r)
{
    const char ***by = xmalloc((r->n ? r->n : 1) * sizeof *by);
    for (size_t i = 0; i < r->n; i++)
        by[i] = &r->names[i];
    qsort(by, r->n, sizeof *by, cmp_name);
    r->rank = xmalloc((r->n ? r->n : 1) * sizeof *r->rank);
    for (size_t i = 0; i < r->n; i++)
        r->rank[by[i] - r->names] = (uint32_t)i;
    free(by);
}

static uint64_t rank_of(const struct ranks *r, const char *s)
{
    uint32_t at;
    return s && med_strmap_get(&r->index, s, &at) ? r->rank[at] : r->n;
}

static void ranks_free(struct ranks *r)
{
    med_strmap_free(&r->index);
    free(r->names);
    free(r->rank);
}

static int cmp_null_last(const char *a, const char *b)
{
    if (!a || !b)
        return (a == NULL) - (b == NULL);
    return strcmp(a, b);
}

/* The orders of eval_gaps_sort as comparators, for when the ranks do not fit their fields. */
static int cmp_gap_sites_last(const void *x, const void *y)
{
    const struct gap *a = x, *b = y;
    int sa = a->level == LEVEL_SITE, sb = b->level == LEVEL_SITE;
    if (sa != sb)
        return sa - sb;
    int c = cmp_null_last(sa ? a->site : a->clinician, sb ? b->site : b->clinician);
    if (c)
        return c;
    if (a->level != b->level)
        return (int)a->level - (int)b->level;
    if ((c = cmp_null_last(a->patient, b->patient)))
        return c;
    return strcmp(a->check, b->check);
}

static int cmp_gap_by_level(const void *x, const void *y)
{
    const struct gap *a = x, *b = y;
    if (a->level != b->level)
        return (int)a->level - (int)b->level;
    int c = cmp_null_last(a->level == LEVEL_SITE ? a->site : a->clinician,
                          b->level == LEVEL_SITE ? b->site : b->clinician);
    if (c || (c = cmp_null_last(a->patient, b->patient)))
        return c;
    return strcmp(a->check, b->check);
}

struct keyed {
    uint64_t key;
    size_t at;
};

static int cmp_keyed(const void *a, const void *b)
{
    uint64_t x = ((const struct keyed *)a)->key, y = ((const struct keyed *)b)->key;
    return (x > y) - (x < y);
}

static const char *gap_group(const struct gap *g)
{
    return g->level == LEVEL_SITE ? g->site : g->clinician;
}

/* Sorting compares 64-bit keys built from the ranks of each gap's strings, so each string is
 * compared with strcmp only while ranking the distinct ones. */
void eval_gaps_sort(struct gap *gaps, size_t n, enum gap_order order)
{
    if (n < 2)
        return;
    struct ranks groups = {0}, patients = {0}, checks = {0};
    for (size_t i = 0; i < n; i++) {
        ranks_add(&groups, gap_group(&gaps[i]));
        ranks_add(&patients, gaps[i].patient);
        ranks_add(&checks, gaps[i].check);
    }
    ranks_finish(&groups);
    ranks_finish(&patients);
    ranks_finish(&checks);
    /* Ranks up to their counts (the count itself standing for NULL) must fit their fields:
     * 20 bits for groups, 24 for patients, 16 for checks, after 3 bits of level. */
    bool fits = groups.n < (1u << 20) && patients.n < (1u << 24) && checks.n < (1u << 16);
    struct keyed *k = xmalloc(n * sizeof *k);
    for (size_t i = 0; i < n && fits; i++) {
        const struct gap *g = &gaps[i];
        uint64_t lead = order == GAP_ORDER_SITES_LAST
                            ? ((uint64_t)(g->level == LEVEL_SITE) << 2) | (uint64_t)g->level
                            : (uint64_t)g->level << 2;
        uint64_t grp = rank_of(&groups, gap_group(g)), pat = rank_of(&patients, g->patient);
        uint64_t chk = rank_of(&checks, g->check);
        /* Sites last: site flag, group, level. By level: level, group. */
        uint64_t head = order == GAP_ORDER_SITES_LAST
                            ? ((lead >> 2) << 62) | (grp << 42) | ((lead & 3) << 40)
                            : (lead << 60) | (grp << 40);
        k[i].key = head | (pat << 16) | chk;
        k[i].at = i;
    }
    if (fits) {
        qsort(k, n, sizeof *k, cmp_keyed);
        struct gap *sorted = xmalloc(n * sizeof *sorted);
        for (size_t i = 0; i < n; i++)
            sorted[i] = gaps[k[i].at];
        memcpy(gaps, sorted, n * sizeof *gaps);
        free(sorted);
    } else {
        qsort(gaps, n, sizeof *gaps, order == GAP_ORDER_SITES_LAST ? cmp_gap_sites_last
                                                                   : cmp_gap_by_level);
    }
    free(k);
    ranks_free(&groups);
    ranks_free(&patients);
    ranks_free(&checks);
}

#define STRING_BLOCK 65536

static char *result_block(struct eval_result *r, size_t n)
{
    r->blocks = xrealloc(r->blocks, (r->nblocks + 1) * sizeof *r->blocks);
    return r->blocks[r->nblocks++] = xmalloc(n);
}

char *eval_result_strdup(struct eval_result *r, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *out;
    if (n > STRING_BLOCK / 4) {
        out = result_block(r, n); /* a long text gets a block of its own */
    } else {
        if (n > r->left) {
            r->free_at = result_block(r, STRING_BLOCK);
            r->left = STRING_BLOCK;
        }
        out = r->free_at;
        r->free_at += n;
        r->left -= n;
    }
    memcpy(out, s, n);
    return out;
}

void eval_result_free(struct eval_result *r)
{
    for (size_t i = 0; i < r->nblocks; i++)
        free(r->blocks[i]);
    free(r->blocks);
    free(r->gaps);
    memset(r, 0, sizeof *r);
}

const char *med_standard_name_of(struct eval *e)
{
    return med_standard_name(e->std);
}
