/* The import engine: maps a file's header onto a kind's canonical columns, runs every row through
 * the kind's checks, keeps the key sets that make reference and duplicate checks O(1), and writes
 * upserts inside one transaction that is rolled back when anything was wrong. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <lauxlib.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "csvread.h"
#include "host.h"
#include "import_internal.h"
#include "store.h"
#include "util.h"

#define STORED_BIT 0x80000000u /* key value: the row is in the database */
#define LINE_MASK 0x7fffffffu  /* key value: line where the batch first gave it */

struct kind_state {
    struct keyset keys;
    bool keys_loaded;
    bool used;
    struct import_counts counts;
    struct buf files; /* comma-separated, for the audit entry */
    char last_id[72];
};

struct deferred {
    enum import_kind target;
    char *file, *value, *what, *column;
    long line;
    int colno;
};

/* New rows are inserted BATCH_ROWS at a time with one multi-row INSERT: SQLite's cost per
 * statement (cursors opened on the table and its indexes, then closed) is then paid once per
 * batch instead of once per row, which roughly halves the time of a large first import. */
#define BATCH_ROWS 32
/* Rows gathered before they are written: enough that handing them to the writer thread costs
 * little per row. */
#define CHUNK_ROWS 2048

struct batch {
    enum import_kind k;
    size_t n;
    struct val (*v)[MAX_VALS]; /* CHUNK_ROWS rows; text values point into text (by offset) */
    bool *update;              /* per row: an update of a stored row rather than a new one */
    struct buf text;
};

/* Full chunks of new rows are written by a thread of its own while this one reads and checks
 * the next rows. Everything else that touches the database first waits for the writer to be
 * idle (writer_wait), so the connection is never used by both threads at once. */
struct writer {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool running, quit;
    struct batch *todo; /* handed over, NULL when the writer is idle */
    int rc;             /* 0, or -1 after a failure described in err */
    char err[512];
    long updated[KIND_COUNT], unchanged[KIND_COUNT]; /* from updates it ran, added up at the end */
};

struct importer {
    struct store *store;
    struct batch batches[2];
    struct batch *batch;         /* the one being filled */
    char *batch_sql[KIND_COUNT]; /* the multi-row INSERT of each kind, built when first needed */
    struct writer w;
    struct import_options opts;
    struct kind_state kinds[KIND_COUNT];
    char *errors[IMPORT_MAX_ERRORS_SHOWN];
    size_t nshown;
    long nerrors;
    struct deferred *deferred;
    size_t ndeferred, capdeferred;
    struct rx_med *med;
    bool med_failed;
    bool began;
    bool journal_switched; /* WAL to be restored after a bulk import */
    long rows;
    double started, last_draw;
    char *key;
    size_t keycap;
};

/* The file being read: its header map and where its rows go. */
struct file_ctx {
    struct importer *imp;
    enum import_kind k;
    const char *path;
    size_t nheader;
    int source[MAX_COLS]; /* field index (0-based) of each canonical column, -1 when absent */
    bool fatal;
};

static int writer_wait(struct importer *imp);
static void writer_stop(struct importer *imp);

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---------------------------------------------------------------- errors */

void importer_report(struct importer *imp, const char *msg)
{
    if (imp->nshown < IMPORT_MAX_ERRORS_SHOWN)
        imp->errors[imp->nshown++] = xstrdup(msg);
    imp->nerrors++;
}

static void reportf(struct importer *imp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void reportf(struct importer *imp, const char *fmt, ...)
{
    struct buf b = {0};
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    importer_report(imp, b.data);
    buf_free(&b);
}

long importer_error_count(const struct importer *imp)
{
    return imp->nerrors;
}

size_t importer_errors(const struct importer *imp, const char *const **msgs)
{
    *msgs = (const char *const *)imp->errors;
    return imp->nshown;
}

/* ---------------------------------------------------------------- life cycle */

struct importer *importer_new(struct store *store, const struct import_options *opts)
{
    struct importer *imp = xcalloc(1, sizeof *imp);
    imp->store = store;
    imp->opts = *opts;
    for (int k = 0; k < KIND_COUNT; k++)
        keyset_init(&imp->kinds[k].keys);
    for (int i = 0; i < 2; i++) {
        imp->batches[i].v = xmalloc(CHUNK_ROWS * sizeof *imp->batches[i].v);
        imp->batches[i].update = xmalloc(CHUNK_ROWS * sizeof *imp->batches[i].update);
    }
    imp->batch = &imp->batches[0];
    return imp;
}

void importer_free(struct importer *imp)
{
    if (!imp)
        return;
    writer_stop(imp);
    if (imp->began && imp->store)
        store_rollback(imp->store);
    if (imp->journal_switched)
        store_exec(imp->store, "PRAGMA journal_mode=WAL", NULL, 0);
    for (int k = 0; k < KIND_COUNT; k++) {
        keyset_free(&imp->kinds[k].keys);
        buf_free(&imp->kinds[k].files);
    }
    for (size_t i = 0; i < imp->nshown; i++)
        free(imp->errors[i]);
    for (size_t i = 0; i < imp->ndeferred; i++) {
        struct deferred *d = &imp->deferred[i];
        free(d->file);
        free(d->value);
        free(d->what);
        free(d->column);
    }
    free(imp->deferred);
    for (int i = 0; i < 2; i++) {
        buf_free(&imp->batches[i].text);
        free(imp->batches[i].v);
        free(imp->batches[i].update);
    }
    for (int k = 0; k < KIND_COUNT; k++)
        free(imp->batch_sql[k]);
    rx_med_free(imp->med);
    free(imp->key);
    free(imp);
}

/* In WAL mode a large batch is written three times: into the WAL at commit, then read back and
 * copied into the database by the checkpoint. A rollback journal writes new pages once, which
 * takes about 40 % off a million-row import. The switch needs the only connection to the
 * database, so it is attempted and silently skipped when the daemon or another command has it
 * open; WAL comes back when the import ends (and at every open, should this process die). */
static bool use_rollback_journal(struct store *s)
{
    sqlite3_stmt *st = NULL;
    bool switched = false;
    if (sqlite3_prepare_v2(store_db(s), "PRAGMA journal_mode=DELETE", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        const char *mode = (const char *)sqlite3_column_text(st, 0);
        switched = mode && strcmp(mode, "delete") == 0;
    }
    sqlite3_finalize(st);
    return switched;
}

int importer_begin(struct importer *imp)
{
    imp->started = imp->last_draw = now_seconds();
    if (!imp->store)
        return 0;
    /* References are checked here against key sets, so SQLite's own foreign-key lookups would
     * only repeat them; a larger page cache keeps the indexes of a big batch in memory. The
     * foreign-key pragma only takes effect outside a transaction. */
    store_exec(imp->store, "PRAGMA foreign_keys=OFF; PRAGMA cache_size=-1048576", NULL, 0);
    if (imp->opts.bulk && !imp->opts.dry_run)
        imp->journal_switched = use_rollback_journal(imp->store);
    if (store_begin(imp->store) != 0) {
        reportf(imp, "cannot start a transaction: %s", store_errmsg(imp->store));
        return -1;
    }
    imp->began = true;
    return 0;
}

/* ---------------------------------------------------------------- keys */

static void load_keys(struct importer *imp, enum import_kind k)
{
    struct kind_state *ks = &imp->kinds[k];
    if (ks->keys_loaded)
        return;
    ks->keys_loaded = true;
    if (!imp->store)
        return;
    writer_wait(imp);
    const struct kind_def *kd = &import_kinds[k];
    sqlite3_stmt *st = store_prepare(imp->store, kd->keys_sql);
    if (!st)
        return;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *parts[3];
        size_t lens[3];
        for (size_t i = 0; i < kd->nkey; i++) {
            parts[i] = (const char *)sqlite3_column_text(st, (int)i);
            parts[i] = parts[i] ? parts[i] : "";
            lens[i] = (size_t)sqlite3_column_bytes(st, (int)i);
        }
        size_t len = keyset_join(&imp->key, &imp->keycap, parts, lens, kd->nkey);
        uint32_t *v;
        keyset_add(&ks->keys, imp->key, len, &v);
        *v |= STORED_BIT;
    }
    sqlite3_reset(st);
}

bool importer_has_key(struct importer *imp, enum import_kind k, const char *key, size_t len)
{
    load_keys(imp, k);
    return keyset_find(&imp->kinds[k].keys, key, len) != NULL;
}

day_t importer_as_of(const struct row *r)
{
    return r->imp->opts.as_of;
}

struct host *importer_host(struct importer *imp)
{
    return imp->opts.host;
}

void importer_defer_ref(struct row *r, int col, enum import_kind target, const char *what)
{
    struct importer *imp = r->imp;
    if (imp->ndeferred == imp->capdeferred) {
        imp->capdeferred = imp->capdeferred ? imp->capdeferred * 2 : 16;
        imp->deferred = xrealloc(imp->deferred, imp->capdeferred * sizeof *imp->deferred);
    }
    struct deferred *d = &imp->deferred[imp->ndeferred++];
    d->target = target;
    d->file = xstrdup(r->labels ? (r->labels[col] ? r->labels[col] : "") : r->file);
    d->value = xstrndup(r->cell[col], r->cell_len[col]);
    d->what = xstrdup(what);
    d->column = xstrdup(r->kind->columns[col]);
    d->line = r->labels ? 0 : r->line;
    d->colno = r->colno[col];
}

static void check_deferred(struct importer *imp)
{
    for (size_t i = 0; i < imp->ndeferred; i++) {
        struct deferred *d = &imp->deferred[i];
        if (importer_has_key(imp, d->target, d->value, strlen(d->value)))
            continue;
        if (d->line)
            reportf(imp, "%s:%ld:%d (%s): '%s' — expected a %s in the registry or in this import",
                    d->file, d->line, d->colno, d->column, d->value, d->what);
        else
            reportf(imp, "%s: '%s' — expected a %s in the registry or in this import", d->file,
                    d->value, d->what);
    }
}

/* ---------------------------------------------------------------- services for kinds */

struct rx_med *importer_med(struct importer *imp)
{
    return imp->med;
}

bool importer_instrument_known(struct importer *imp, const char *id)
{
    struct host *h = imp->opts.host;
    if (!h)
        return false;
    host_push_entry(h, REG_INSTRUMENTS, id);
    bool known = lua_istable(h->L, -1);
    lua_pop(h->L, 1);
    return known;
}

/* The patient's recorded sex, for instruments scored by sex (ORT): rows imported earlier in
 * the same transaction are visible here. NULL when unknown. */
static const char *patient_sex(struct importer *imp, const char *patient, char *buf, size_t n)
{
    if (!patient || writer_wait(imp) != 0)
        return NULL;
    sqlite3_stmt *st = store_prepare(imp->store, "SELECT sex FROM patients WHERE patient_id = ?1");
    if (!st)
        return NULL;
    sqlite3_bind_text(st, 1, patient, -1, SQLITE_TRANSIENT);
    const char *out = NULL;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
        snprintf(buf, n, "%s", (const char *)sqlite3_column_text(st, 0));
        out = buf;
    }
    sqlite3_reset(st);
    return out;
}

int importer_score(struct importer *imp, const char *instrument, const char *patient,
                   const double *items, size_t n, bool *known, long *expected_items,
                   double *score, char *err, size_t errlen)
{
    struct host *h = imp->opts.host;
    *known = false;
    *expected_items = 0;
    if (!h)
        return 0;
    lua_State *L = h->L;
    host_push_entry(h, REG_INSTRUMENTS, instrument);
    if (!lua_istable(L, -1)) {
        lua_pop(L, 1);
        return 0;
    }
    *known = true;
    lua_getfield(L, -1, "items");
    *expected_items = (long)lua_tointeger(L, -1);
    lua_pop(L, 1);
    if (*expected_items != (long)n) {
        lua_pop(L, 1);
        snprintf(err, errlen, "wrong number of responses");
        return -1;
    }
    lua_getfield(L, -1, "plugin");
    char *plugin = xstrdup(lua_tostring(L, -1) ? lua_tostring(L, -1) : "?");
    lua_pop(L, 1);
    lua_getfield(L, -1, "score");
    lua_remove(L, -2);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushnumber(L, items[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    char sexbuf[16];
    const char *sex = patient_sex(imp, patient, sexbuf, sizeof sexbuf);
    lua_createtable(L, 0, 2);
    if (patient) {
        lua_pushstring(L, patient);
        lua_setfield(L, -2, "id");
    }
    if (sex) {
        lua_pushstring(L, sex);
        lua_setfield(L, -2, "sex");
    }
    int rc = host_pcall(h, plugin, "score", 2, 1, 0);
    free(plugin);
    if (rc != 0) {
        snprintf(err, errlen, "%s", h->last_error ? h->last_error : "error");
        return -1;
    }
    bool ok = lua_type(L, -1) == LUA_TNUMBER;
    *score = ok ? lua_tonumber(L, -1) : NAN;
    lua_pop(L, 1);
    if (!ok || !isfinite(*score)) {
        snprintf(err, errlen, "the score function did not return a number");
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- writing */

/* "INSERT INTO t(a, b) VALUES (?,?),(?,?)…" for BATCH_ROWS rows. */
static const char *batch_sql(struct importer *imp, enum import_kind k)
{
    if (imp->batch_sql[k])
        return imp->batch_sql[k];
    const struct kind_def *kd = &import_kinds[k];
    const char *values = strstr(kd->insert_sql, "VALUES");
    struct buf sql = {0};
    buf_append(&sql, kd->insert_sql, (size_t)(values - kd->insert_sql));
    buf_puts(&sql, "VALUES ");
    for (size_t r = 0; r < BATCH_ROWS; r++) {
        buf_puts(&sql, r ? ",(" : "(");
        for (size_t i = 0; i < kd->nvals; i++)
            buf_puts(&sql, i ? ",?" : "?");
        buf_puts(&sql, ")");
    }
    imp->batch_sql[k] = sql.data;
    return imp->batch_sql[k];
}

static void bind_one(sqlite3_stmt *st, int p, const struct val *v, const char *text)
{
    switch (v->t) {
    case V_NULL:
        sqlite3_bind_null(st, p);
        break;
    case V_TEXT:
        sqlite3_bind_text(st, p, text ? text + (size_t)v->i : v->s, (int)v->len, SQLITE_STATIC);
        break;
    case V_INT:
        sqlite3_bind_int64(st, p, v->i);
        break;
    case V_REAL:
        sqlite3_bind_double(st, p, v->d);
        break;
    }
}

/* Whether rows [r, r + BATCH_ROWS) are all new ones. */
static bool run_of_inserts(const struct batch *b, size_t r)
{
    if (b->n - r < BATCH_ROWS)
        return false;
    for (size_t j = r; j < r + BATCH_ROWS; j++)
        if (b->update[j])
            return false;
    return true;
}

/* Writes the batch's rows in order: new rows BATCH_ROWS to a statement where they come in such
 * runs, one by one otherwise; a stored row is updated when it changed, counted in *updated or
 * *unchanged. Runs on either thread and reports nothing itself: a failure is described in err. */
static int write_batch(struct importer *imp, const struct batch *b, long *updated,
                       long *unchanged, char *err, size_t errlen)
{
    const struct kind_def *kd = &import_kinds[b->k];
    size_t r = 0;
    while (r < b->n) {
        bool many = run_of_inserts(b, r);
        size_t rows = many ? BATCH_ROWS : 1;
        const char *sql = many ? batch_sql(imp, b->k) : b->update[r] ? kd->update_sql
                                                                    : kd->insert_sql;
        sqlite3_stmt *st = store_prepare(imp->store, sql);
        if (!st) {
            snprintf(err, errlen, "cannot prepare a statement: %s", store_errmsg(imp->store));
            return -1;
        }
        for (size_t j = 0; j < rows; j++)
            for (size_t i = 0; i < kd->nvals; i++)
                bind_one(st, (int)(j * kd->nvals + i) + 1, &b->v[r + j][i], b->text.data);
        int rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE) {
            snprintf(err, errlen, "storing rows failed: %s", store_errmsg(imp->store));
            return -1;
        }
        if (b->update[r])
            sqlite3_changes(store_db(imp->store)) > 0 ? (*updated)++ : (*unchanged)++;
        r += rows;
    }
    return 0;
}

static void *writer_main(void *arg)
{
    struct importer *imp = arg;
    struct writer *w = &imp->w;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->todo && !w->quit)
            pthread_cond_wait(&w->cv, &w->mu);
        if (!w->todo)
            break;
        struct batch *b = w->todo;
        bool skip = w->rc != 0;
        pthread_mutex_unlock(&w->mu);
        char err[sizeof w->err];
        int rc = skip ? 0
                      : write_batch(imp, b, &w->updated[b->k], &w->unchanged[b->k], err,
                                    sizeof err);
        pthread_mutex_lock(&w->mu);
        if (rc != 0 && w->rc == 0) {
            w->rc = rc;
            memcpy(w->err, err, sizeof err);
        }
        b->n = 0;
        b->text.len = 0;
        w->todo = NULL;
        pthread_cond_broadcast(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

/* Waits until the writer has nothing in hand; reports its failure, if any, once. */
static int writer_wait(struct importer *imp)
{
    struct writer *w = &imp->w;
    if (!w->running)
        return 0;
    pthread_mutex_lock(&w->mu);
    while (w->todo)
        pthread_cond_wait(&w->cv, &w->mu);
    int rc = w->rc;
    if (rc != 0 && w->err[0]) {
        reportf(imp, "%s", w->err);
        w->err[0] = 0;
    }
    pthread_mutex_unlock(&w->mu);
    return rc;
}

static void writer_stop(struct importer *imp)
{
    struct writer *w = &imp->w;
    if (!w->running)
        return;
    writer_wait(imp);
    pthread_mutex_lock(&w->mu);
    w->quit = true;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    w->running = false;
    for (int k = 0; k < KIND_COUNT; k++) {
        imp->kinds[k].counts.updated += w->updated[k];
        imp->kinds[k].counts.unchanged += w->unchanged[k];
        w->updated[k] = w->unchanged[k] = 0;
    }
}

/* Kinds whose checks call plugins (instrument scoring) may reach the database from Lua, so
 * their rows are written on this thread. */
static bool writes_in_background(enum import_kind k)
{
    return k != KIND_ASSESSMENTS;
}

static void writer_start(struct importer *imp)
{
    struct writer *w = &imp->w;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    w->running = pthread_create(&w->thread, NULL, writer_main, imp) == 0;
    if (!w->running) {
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->cv);
    }
}

/* Writes the rows gathered so far: handed to the writer thread when the chunk is full, written
 * here otherwise (a smaller tail, a change of kind, the end). */
static int flush_batch(struct importer *imp)
{
    struct batch *b = imp->batch;
    if (!b->n)
        return writer_wait(imp);
    struct writer *w = &imp->w;
    if (b->n == CHUNK_ROWS && writes_in_background(b->k)) {
        if (!w->running)
            writer_start(imp);
        if (w->running) {
            if (writer_wait(imp) != 0)
                return -1;
            pthread_mutex_lock(&w->mu);
            w->todo = b;
            pthread_cond_broadcast(&w->cv);
            pthread_mutex_unlock(&w->mu);
            imp->batch = b == &imp->batches[0] ? &imp->batches[1] : &imp->batches[0];
            return 0;
        }
    }
    if (writer_wait(imp) != 0)
        return -1;
    char err[512];
    struct import_counts *c = &imp->kinds[b->k].counts;
    int rc = write_batch(imp, b, &c->updated, &c->unchanged, err, sizeof err);
    if (rc != 0)
        reportf(imp, "%s", err);
    b->n = 0;
    b->text.len = 0;
    return rc;
}

/* Copies the row's values into the batch (its text lives in buffers reused for the next row):
 * a new row, or an update of a stored one. */
static int batch_add(struct importer *imp, const struct row *r, bool update)
{
    struct batch *b = imp->batch;
    if (b->n && b->k != r->k) {
        if (flush_batch(imp) != 0)
            return -1;
        b = imp->batch;
    }
    b->k = r->k;
    b->update[b->n] = update;
    struct val *out = b->v[b->n++];
    for (size_t i = 0; i < r->kind->nvals; i++) {
        out[i] = r->v[i];
        if (r->v[i].t == V_TEXT) {
            out[i].i = (int64_t)b->text.len;
            buf_append(&b->text, r->v[i].s, r->v[i].len);
        }
    }
    return b->n == CHUNK_ROWS ? flush_batch(imp) : 0;
}

static int write_row(struct importer *imp, struct row *r, bool stored)
{
    struct import_counts *c = &imp->kinds[r->k].counts;
    if (!imp->store) {
        stored ? c->unchanged++ : c->inserted++;
        return 0;
    }
    if (!stored)
        c->inserted++;
    return batch_add(imp, r, stored);
}

/* ---------------------------------------------------------------- data-quality tallies */

static struct import_dq *dq_slot(struct import_counts *c, const char *name, size_t len)
{
    for (int i = 0; i < c->ndq; i++)
        if (strlen(c->dq[i].name) == len && memcmp(c->dq[i].name, name, len) == 0)
            return &c->dq[i];
    if (c->ndq == IMPORT_DQ_MAX || len >= sizeof c->dq[0].name)
        return NULL;
    struct import_dq *d = &c->dq[c->ndq++];
    memset(d, 0, sizeof *d);
    memcpy(d->name, name, len);
    return d;
}

static void tally_flags(struct import_counts *c, const struct row *r)
{
    for (const char *p = r->dq; *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        struct import_dq *d = dq_slot(c, p, len);
        if (d) {
            if (d->nexamples < IMPORT_DQ_EXAMPLES)
                snprintf(d->examples[d->nexamples++], sizeof d->examples[0], "%s", r->id);
            d->count++;
        }
        p += len + (end ? 1 : 0);
    }
}

/* ---------------------------------------------------------------- one row */

/* Records the row's key: a key given twice in one batch is an error, since which of the two rows
 * should win cannot be known. Returns whether the row is already stored. */
static bool claim_key(struct importer *imp, struct row *r)
{
    const struct kind_def *kd = r->kind;
    const char *parts[3];
    size_t lens[3];
    for (size_t i = 0; i < kd->nkey; i++) {
        if (r->v[i].t != V_TEXT)
            return false;
        parts[i] = r->v[i].s;
        lens[i] = r->v[i].len;
    }
    load_keys(imp, r->k);
    size_t len = keyset_join(&imp->key, &imp->keycap, parts, lens, kd->nkey);
    uint32_t *v;
    keyset_add(&imp->kinds[r->k].keys, imp->key, len, &v);
    if (*v & LINE_MASK) {
        if (kd->nkey == 1)
            row_errorf(r, 0, "expected a unique %s; already given on line %u", kd->columns[0],
                       *v & LINE_MASK);
        else
            row_errorf(r, -1,
                       "%s, %s and %s '%s' already given on line %u; expected one row per "
                       "%s, %s and %s",
                       kd->columns[0], kd->columns[1], kd->columns[2], r->id, *v & LINE_MASK,
                       kd->columns[0], kd->columns[1], kd->columns[2]);
        return (*v & STORED_BIT) != 0;
    }
    *v |= (uint32_t)(r->line > 0 && r->line <= (long)LINE_MASK ? r->line : 1);
    return (*v & STORED_BIT) != 0;
}

static void draw_progress(struct importer *imp, bool final)
{
    if (!imp->opts.progress)
        return;
    double t = now_seconds();
    if (!final && t - imp->last_draw < 0.25)
        return;
    imp->last_draw = t;
    double secs = t - imp->started;
    fprintf(stderr, "\r\033[Kimport: %ld rows, %.0f rows/s", imp->rows,
            secs > 0 ? imp->rows / secs : 0.0);
    if (final)
        fputs("\r\033[K", stderr);
    fflush(stderr);
}

/* A row given on the command line (sixbb record) that updates a stored record changes only
 * what was given: every column left out takes its stored value, read with the kind's export
 * query narrowed to the row's key. Returns the statement holding those values, to be reset
 * once the row is written (NULL when there was nothing to keep). Assessments are left alone:
 * their score follows from the items given. */
static sqlite3_stmt *keep_stored(struct importer *imp, struct row *r)
{
    const struct kind_def *kd = r->kind;
    if (r->k == KIND_ASSESSMENTS || writer_wait(imp) != 0)
        return NULL;
    bool missing = false;
    for (size_t col = kd->nkey; col < kd->ncolumns && col < kd->nvals; col++)
        missing = missing || !r->cell[col];
    if (!missing)
        return NULL;
    const char *order = strstr(kd->export_sql, " ORDER BY");
    struct buf sql = {0};
    buf_append(&sql, kd->export_sql, (size_t)(order - kd->export_sql));
    for (size_t i = 0; i < kd->nkey; i++)
        buf_printf(&sql, "%s%s = ?%zu", i ? " AND " : " WHERE ", kd->columns[i], i + 1);
    sqlite3_stmt *st = store_prepare(imp->store, sql.data);
    buf_free(&sql);
    if (!st)
        return NULL;
    for (size_t i = 0; i < kd->nkey; i++)
        bind_one(st, (int)i + 1, &r->v[i], NULL);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_reset(st);
        return NULL;
    }
    for (size_t col = kd->nkey; col < kd->ncolumns && col < kd->nvals; col++) {
        if (r->cell[col])
            continue;
        struct val *v = &r->v[col];
        switch (sqlite3_column_type(st, (int)col)) {
        case SQLITE_INTEGER:
            *v = (struct val){.t = V_INT, .i = sqlite3_column_int64(st, (int)col)};
            break;
        case SQLITE_FLOAT:
            *v = (struct val){.t = V_REAL, .d = sqlite3_column_double(st, (int)col)};
            break;
        case SQLITE_NULL:
            *v = (struct val){.t = V_NULL};
            break;
        default:
            *v = (struct val){.t = V_TEXT,
                              .s = (const char *)sqlite3_column_text(st, (int)col),
                              .len = (size_t)sqlite3_column_bytes(st, (int)col)};
        }
    }
    return st;
}

static void process_row(struct importer *imp, struct row *r)
{
    struct import_counts *c = &imp->kinds[r->k].counts;
    const struct kind_def *kd = r->kind;
    memset(r->v, 0, kd->nvals * sizeof r->v[0]); /* V_NULL, no stale pointers */
    for (size_t col = 0; col < kd->ncolumns; col++)
        if (r->cell[col] && cell_check_bytes(r, (int)col) != 0) {
            c->rejected++;
            return;
        }
    kd->validate(r);
    bool stored = claim_key(imp, r);
    imp->rows++;
    if ((imp->rows & 4095) == 0)
        draw_progress(imp, false);
    if (r->errors) {
        c->rejected++;
        return;
    }
    tally_flags(c, r);
    if (r->labels)
        memcpy(imp->kinds[r->k].last_id, r->id, sizeof r->id);
    /* After the first error the batch will be rolled back: keep checking, stop writing. */
    if (imp->nerrors == 0) {
        sqlite3_stmt *kept = stored && r->labels ? keep_stored(imp, r) : NULL;
        write_row(imp, r, stored);
        if (kept)
            sqlite3_reset(kept);
    }
}

/* ---------------------------------------------------------------- files */

static bool header_equal(const char *h, size_t hlen, const char *name)
{
    while (hlen && (*h == ' ' || *h == '\t'))
        h++, hlen--;
    while (hlen && (h[hlen - 1] == ' ' || h[hlen - 1] == '\t'))
        hlen--;
    return strlen(name) == hlen && strncasecmp(h, name, hlen) == 0;
}

/* The site's own name for a canonical column (import.columns.<kind>.<column>), or NULL. */
static const char *mapped_name(struct importer *imp, enum import_kind k, const char *column)
{
    if (!imp->opts.host)
        return NULL;
    char path[128];
    snprintf(path, sizeof path, "import.columns.%s.%s", import_kinds[k].name, column);
    return host_config_string(imp->opts.host, path);
}

/* A header that is not text means the file is not a CSV extract at all (a spreadsheet, a binary
 * file): one clear error instead of a missing-column error per column. */
static int check_header_text(struct file_ctx *f, const struct csv_record *rec)
{
    for (size_t i = 0; i < rec->n; i++) {
        const char *s = rec->fields[i].text;
        for (size_t j = 0; j < rec->fields[i].len;) {
            unsigned char c = (unsigned char)s[j];
            size_t bad = 0, n = c < 0x80 ? (c >= 0x20 || c == '\t')
                                         : utf8_char_len(s + j, rec->fields[i].len - j, &bad);
            if (!n) {
                reportf(f->imp,
                        "%s:%ld:%zu: the header holds the byte 0x%02X; expected a CSV "
                        "file of UTF-8 text with a header row (is this a binary file?)",
                        f->path, rec->line, i + 1, (unsigned char)s[j + bad]);
                return -1;
            }
            j += n;
        }
    }
    return 0;
}

static int map_header(struct file_ctx *f, const struct csv_record *rec)
{
    const struct kind_def *kd = &import_kinds[f->k];
    f->nheader = rec->n;
    int bad = 0;
    if (check_header_text(f, rec) != 0)
        return -1;
    for (size_t col = 0; col < kd->ncolumns; col++) {
        const char *mapped = mapped_name(f->imp, f->k, kd->columns[col]);
        const char *want = mapped ? mapped : kd->columns[col];
        f->source[col] = -1;
        for (size_t i = 0; i < rec->n; i++) {
            if (!header_equal(rec->fields[i].text, rec->fields[i].len, want))
                continue;
            if (f->source[col] >= 0) {
                reportf(f->imp, "%s:%ld:%zu: the column '%s' appears twice in the header", f->path,
                        rec->line, i + 1, want);
                bad++;
            }
            f->source[col] = (int)i;
        }
        if (f->source[col] >= 0)
            continue;
        if (mapped) {
            reportf(f->imp,
                    "%s:%ld: missing column '%s' (the site config maps it to %s with "
                    "import.columns.%s.%s)",
                    f->path, rec->line, mapped, kd->columns[col], kd->name, kd->columns[col]);
            bad++;
        } else if (col < kd->nrequired) {
            struct buf need = {0};
            for (size_t i = 0; i < kd->nrequired; i++)
                buf_printf(&need, "%s%s", i ? ", " : "", kd->columns[i]);
            reportf(f->imp, "%s:%ld: missing required column '%s' (a %s file needs %s)", f->path,
                    rec->line, want, kd->name, need.data);
            buf_free(&need);
            bad++;
        } else {
            /* An optional column left out is stored empty, which on a re-import clears the
             * stored value: a header cell that looks like a misspelling of it is refused. */
            for (size_t i = 0; i < rec->n; i++) {
                char *h = xstrndup(rec->fields[i].text, rec->fields[i].len);
                for (char *p = h; *p; p++)
                    *p = (char)tolower((unsigned char)*p);
                bool known = false;
                for (size_t c = 0; c < kd->ncolumns && !known; c++)
                    known = header_equal(h, strlen(h), kd->columns[c]);
                if (!known && *h && edit_distance(h, want) <= 2) {
                    reportf(f->imp,
                            "%s:%ld:%zu: unknown column '%s'; did you mean '%s'? (a %s file "
                            "without '%s' would store it empty)",
                            f->path, rec->line, i + 1, h, want, kd->name, want);
                    bad++;
                }
                free(h);
            }
        }
    }
    return bad ? -1 : 0;
}

static void fill_cells(struct file_ctx *f, const struct csv_record *rec, struct row *r)
{
    const struct kind_def *kd = &import_kinds[f->k];
    for (size_t col = 0; col < kd->ncolumns; col++) {
        int src = f->source[col];
        if (src >= 0 && (size_t)src < rec->n) {
            r->cell[col] = rec->fields[src].text;
            r->cell_len[col] = rec->fields[src].len;
            r->colno[col] = src + 1;
        } else {
            r->cell[col] = NULL;
            r->cell_len[col] = 0;
            r->colno[col] = 0;
        }
    }
}

static int on_record(const struct csv_record *rec, void *ud)
{
    struct file_ctx *f = ud;
    if (rec->index == 0) {
        if (map_header(f, rec) != 0) {
            f->fatal = true;
            return 1;
        }
        return 0;
    }
    struct row r;
    r.imp = f->imp;
    r.k = f->k;
    r.kind = &import_kinds[f->k];
    r.file = f->path;
    r.line = rec->line;
    r.labels = NULL;
    r.errors = 0;
    r.dq[0] = 0;
    r.id[0] = 0;
    if (rec->n != f->nheader) {
        reportf(f->imp,
                "%s:%ld:%zu: expected %zu fields as in the header, found %zu (a field "
                "with a comma or a line break must be quoted)",
                f->path, rec->line, (rec->n > f->nheader ? f->nheader : rec->n) + 1, f->nheader,
                rec->n);
        f->imp->kinds[f->k].counts.rejected++;
        return 0;
    }
    fill_cells(f, rec, &r);
    process_row(f->imp, &r);
    return 0;
}

static void note_file(struct kind_state *ks, const char *path)
{
    if (ks->files.len)
        buf_puts(&ks->files, ",");
    buf_puts(&ks->files, path);
    ks->counts.files++;
}

static int ensure_med(struct importer *imp)
{
    if (imp->med || imp->med_failed)
        return imp->med ? 0 : -1;
    if (imp->opts.med_db && imp->opts.med_std) {
        imp->med = rx_med_borrow(imp->opts.med_db, imp->opts.med_std);
        return 0;
    }
    char err[512];
    const char *cfg = imp->opts.config_dir ? imp->opts.config_dir : "config";
    imp->med = rx_med_new(cfg, imp->opts.standard, err, sizeof err);
    if (!imp->med) {
        imp->med_failed = true;
        reportf(imp, "cannot load the MED engine's tables: %s", err);
        return -1;
    }
    return 0;
}

static int read_buffer(struct importer *imp, enum import_kind k, const char *path, const char *data,
                       size_t len)
{
    if (len == 0 || (len == 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)) {
        reportf(imp, "%s: the file is empty; expected a header row naming the columns", path);
        return -1;
    }
    struct file_ctx f = {.imp = imp, .k = k, .path = path};
    char err[512];
    long line = 0;
    int rc = csv_read(data, len, on_record, &f, err, sizeof err, &line);
    if (rc < 0) {
        reportf(imp, "%s:%s", path, err);
        return -1;
    }
    if (!f.nheader && !f.fatal) {
        reportf(imp, "%s: the file is empty; expected a header row naming the columns", path);
        return -1;
    }
    return f.fatal ? -1 : 0;
}

int importer_file(struct importer *imp, enum import_kind k, const char *path, const char *data,
                  size_t len)
{
    struct kind_state *ks = &imp->kinds[k];
    ks->used = true;
    note_file(ks, path);
    if (k == KIND_PRESCRIPTIONS && ensure_med(imp) != 0)
        return -1;
    if (data) {
        int rc = read_buffer(imp, k, path, data, len);
        return flush_batch(imp) != 0 ? -1 : rc;
    }
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        reportf(imp, "%s: cannot read: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode) || st.st_size == 0) {
        close(fd);
        if (S_ISREG(st.st_mode))
            return read_buffer(imp, k, path, "", 0);
        reportf(imp, "%s: not a regular file", path);
        return -1;
    }
    /* Mapped rather than read: a large extract is never copied. */
    void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED) {
        reportf(imp, "%s: cannot read: %s", path, strerror(errno));
        return -1;
    }
    madvise(map, (size_t)st.st_size, MADV_SEQUENTIAL);
    /* About one row per 100 bytes in real extracts: room for the keys before they arrive. */
    load_keys(imp, k);
    keyset_reserve(&ks->keys, (size_t)st.st_size / 100);
    int rc = read_buffer(imp, k, path, map, (size_t)st.st_size);
    munmap(map, (size_t)st.st_size);
    if (flush_batch(imp) != 0)
        rc = -1;
    return rc;
}

int importer_values(struct importer *imp, enum import_kind k, const char *const *columns,
                    const char *const *values, const char *const *labels, size_t n)
{
    struct kind_state *ks = &imp->kinds[k];
    ks->used = true;
    if (k == KIND_PRESCRIPTIONS && ensure_med(imp) != 0)
        return -1;
    const struct kind_def *kd = &import_kinds[k];
    const char *lab[MAX_COLS] = {0};
    struct row r;
    memset(&r, 0, sizeof r);
    r.imp = imp;
    r.k = k;
    r.kind = kd;
    r.file = "command line";
    r.line = 1;
    r.labels = lab;
    for (size_t i = 0; i < n; i++)
        for (size_t col = 0; col < kd->ncolumns; col++)
            if (strcmp(columns[i], kd->columns[col]) == 0) {
                r.cell[col] = values[i];
                r.cell_len[col] = values[i] ? strlen(values[i]) : 0;
                lab[col] = labels ? labels[i] : NULL;
            }
    long before = imp->nerrors;
    process_row(imp, &r);
    flush_batch(imp);
    return imp->nerrors > before ? -1 : 0;
}

/* ---------------------------------------------------------------- finishing */

static void audit(struct importer *imp)
{
    for (int k = 0; k < KIND_COUNT; k++) {
        struct kind_state *ks = &imp->kinds[k];
        const struct import_counts *c = &ks->counts;
        /* The audit log records writes; a kind whose rows were all unchanged wrote nothing. */
        if (!ks->used || c->inserted + c->updated == 0)
            continue;
        char detail[256];
        snprintf(detail, sizeof detail,
                 "{\"inserted\":%ld,\"updated\":%ld,\"unchanged\":%ld,\"rejected\":%ld}",
                 c->inserted, c->updated, c->unchanged, c->rejected);
        const char *id = ks->files.len ? ks->files.data : ks->last_id;
        store_audit(imp->store, imp->opts.audit_action ? imp->opts.audit_action : "import",
                    import_kinds[k].name, id, detail);
    }
}

int importer_finish(struct importer *imp)
{
    if (imp->store && imp->nerrors == 0)
        flush_batch(imp);
    writer_stop(imp); /* nothing may be in flight when the transaction ends */
    check_deferred(imp);
    draw_progress(imp, true);
    if (!imp->store)
        return imp->nerrors ? -1 : 0;
    if (!imp->began)
        return -1;
    imp->began = false;
    int rc = 0;
    if (imp->nerrors || imp->opts.dry_run) {
        store_rollback(imp->store);
        rc = imp->nerrors ? -1 : 0;
    } else {
        audit(imp);
        if (store_commit(imp->store) != 0) {
            reportf(imp, "committing the import failed: %s", store_errmsg(imp->store));
            rc = -1;
        }
    }
    store_exec(imp->store, "PRAGMA foreign_keys=ON", NULL, 0);
    if (imp->journal_switched)
        store_exec(imp->store, "PRAGMA journal_mode=WAL", NULL, 0);
    imp->journal_switched = false;
    return rc;
}

const struct import_counts *importer_counts(const struct importer *imp, enum import_kind k)
{
    return &imp->kinds[k].counts;
}

bool importer_used(const struct importer *imp, enum import_kind k)
{
    return imp->kinds[k].used;
}

long importer_rows(const struct importer *imp)
{
    return imp->rows;
}
