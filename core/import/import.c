/* The import engine: maps a file's header onto a kind's canonical columns, runs every row through
 * the kind's checks, keeps the key sets that make reference and duplicate checks O(1), and writes
 * upserts inside one transaction that is rolled back when anything was wrong. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bgwriter.h"
#include "csvread.h"
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

/* Rows gathered before they are written: enough that handing them to the writer thread costs
 * little per row. */
#define CHUNK_ROWS 2048

struct batch {
    enum import_kind k;
    size_t n;
    struct store_val (*v)[MAX_VALS]; /* CHUNK_ROWS rows; text values point into text (by offset) */
    bool *update;                    /* per row: an update of a stored row rather than a new one */
    struct buf text;
};

struct importer {
    struct store *store;
    /* Full chunks of new rows are written by a thread of its own while this one reads and
     * checks the next rows, filling the other batch. Everything else that touches the database
     * first waits for the writer to be idle (writer_wait), so the connection is never used by
     * both threads at once. */
    struct batch batches[2];
    struct batch *batch; /* the one being filled */
    struct bgwriter *writer;
    bool writer_reported;
    long bg_updated[KIND_COUNT], bg_unchanged[KIND_COUNT]; /* the writer's, added up at the end */
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
        store_import_wal(imp->store);
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
    rx_med_free(imp->med);
    free(imp->key);
    free(imp);
}

int importer_begin(struct importer *imp)
{
    imp->started = imp->last_draw = now_seconds();
    if (!imp->store)
        return 0;
    /* References are checked here against key sets, so SQLite's own foreign-key lookups would
     * only repeat them. */
    store_import_begin(imp->store);
    if (imp->opts.bulk && !imp->opts.dry_run)
        imp->journal_switched = store_import_rollback_journal(imp->store);
    if (store_begin(imp->store) != 0) {
        reportf(imp, "cannot start a transaction: %s", store_errmsg(imp->store));
        return -1;
    }
    imp->began = true;
    return 0;
}

/* ---------------------------------------------------------------- keys */

struct key_sink {
    struct importer *imp;
    struct keyset *keys;
};

static void add_stored_key(void *ud, const char *const *parts, const size_t *lens, size_t n)
{
    struct key_sink *sink = ud;
    struct importer *imp = sink->imp;
    size_t len = keyset_join(&imp->key, &imp->keycap, parts, lens, n);
    uint32_t *v;
    keyset_add(sink->keys, imp->key, len, &v);
    *v |= STORED_BIT;
}

static void load_keys(struct importer *imp, enum import_kind k)
{
    struct kind_state *ks = &imp->kinds[k];
    if (ks->keys_loaded)
        return;
    ks->keys_loaded = true;
    if (!imp->store)
        return;
    writer_wait(imp);
    struct key_sink sink = {imp, &ks->keys};
    store_import_keys(imp->store, (enum store_import_table)k, add_stored_key, &sink);
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
    const struct import_scorer *sc = imp->opts.scorer;
    return sc && sc->items(sc->ud, id) >= 0;
}

/* The patient's recorded sex, for instruments scored by sex (ORT): rows imported earlier in
 * the same transaction are visible here. NULL when unknown. */
static const char *patient_sex(struct importer *imp, const char *patient, char *buf, size_t n)
{
    if (!patient || !imp->store || writer_wait(imp) != 0)
        return NULL;
    return store_import_patient_sex(imp->store, patient, buf, n);
}

int importer_score(struct importer *imp, const char *instrument, const char *patient,
                   const double *items, size_t n, bool *known, long *expected_items, double *score,
                   char *err, size_t errlen)
{
    const struct import_scorer *sc = imp->opts.scorer;
    *known = false;
    *expected_items = 0;
    long want = sc ? sc->items(sc->ud, instrument) : -1;
    if (want < 0)
        return 0;
    *known = true;
    *expected_items = want;
    if (want != (long)n) {
        snprintf(err, errlen, "wrong number of responses");
        return -1;
    }
    char sexbuf[16];
    const char *sex = patient_sex(imp, patient, sexbuf, sizeof sexbuf);
    return sc->score(sc->ud, instrument, patient, sex, items, n, score, err, errlen) == 0 ? 0 : -1;
}

/* ---------------------------------------------------------------- writing */

/* Writes the batch's rows in order, a stored row counted in *updated or *unchanged. Runs on
 * either thread and reports nothing itself: a failure is described in err. */
static int write_batch(struct importer *imp, const struct batch *b, long *updated, long *unchanged,
                       char *err, size_t errlen)
{
    const struct store_import_rows rows = {
        (enum store_import_table)b->k, &b->v[0][0], MAX_VALS, b->n, b->update, b->text.data};
    return store_import_write(imp->store, &rows, updated, unchanged, err, errlen);
}

static int write_in_background(void *ud, void *batch, char *err, size_t errlen)
{
    struct importer *imp = ud;
    struct batch *b = batch;
    return write_batch(imp, b, &imp->bg_updated[b->k], &imp->bg_unchanged[b->k], err, errlen);
}

static void batch_done(void *ud, void *batch)
{
    (void)ud;
    struct batch *b = batch;
    b->n = 0;
    b->text.len = 0;
}

/* Waits until the writer has nothing in hand; reports its failure, if any, once. */
static int writer_wait(struct importer *imp)
{
    if (!imp->writer)
        return 0;
    int rc = bgwriter_wait(imp->writer);
    const char *err = bgwriter_error(imp->writer);
    if (rc != 0 && err && err[0] && !imp->writer_reported) {
        reportf(imp, "%s", err);
        imp->writer_reported = true;
    }
    return rc;
}

static void writer_stop(struct importer *imp)
{
    if (!imp->writer)
        return;
    writer_wait(imp);
    bgwriter_close(imp->writer, NULL, 0);
    imp->writer = NULL;
    for (int k = 0; k < KIND_COUNT; k++) {
        imp->kinds[k].counts.updated += imp->bg_updated[k];
        imp->kinds[k].counts.unchanged += imp->bg_unchanged[k];
        imp->bg_updated[k] = imp->bg_unchanged[k] = 0;
    }
}

/* Kinds whose checks call plugins (instrument scoring) may reach the database from Lua, so
 * their rows are written on this thread. */
static bool writes_in_background(enum import_kind k)
{
    return k != KIND_ASSESSMENTS;
}

/* Writes the rows gathered so far: handed to the writer thread when the chunk is full, written
 * here otherwise (a smaller tail, a change of kind, the end). */
static int flush_batch(struct importer *imp)
{
    struct batch *b = imp->batch;
    if (!b->n)
        return writer_wait(imp);
    if (b->n == CHUNK_ROWS && writes_in_background(b->k)) {
        /* One batch in the writer's hands, the other being filled. */
        if (!imp->writer)
            imp->writer = bgwriter_start(1, write_in_background, batch_done, imp);
        if (imp->writer) {
            if (writer_wait(imp) != 0)
                return -1;
            bgwriter_push(imp->writer, b);
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
    struct store_val *out = b->v[b->n++];
    size_t nvals = kind_shape(r->k)->nvals;
    for (size_t i = 0; i < nvals; i++) {
        out[i] = r->v[i];
        if (r->v[i].t == SV_TEXT) {
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
    size_t nkey = kind_shape(r->k)->nkey;
    const char *parts[3];
    size_t lens[3];
    for (size_t i = 0; i < nkey; i++) {
        if (r->v[i].t != SV_TEXT)
            return false;
        parts[i] = r->v[i].s;
        lens[i] = r->v[i].len;
    }
    load_keys(imp, r->k);
    size_t len = keyset_join(&imp->key, &imp->keycap, parts, lens, nkey);
    uint32_t *v;
    keyset_add(&imp->kinds[r->k].keys, imp->key, len, &v);
    if (*v & LINE_MASK) {
        if (nkey == 1)
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
    imp->opts.progress(imp->opts.progress_ud, imp->rows, secs > 0 ? imp->rows / secs : 0.0,
                       final);
}

/* A row given on the command line (sixbb record) that updates a stored record changes only
 * what was given: every column left out takes its stored value, whose text is kept in *text
 * until the row is written. Assessments are left alone: their score follows from the items
 * given. */
static void keep_stored(struct importer *imp, struct row *r, struct buf *text)
{
    const struct kind_def *kd = r->kind;
    const struct store_import_shape *sh = kind_shape(r->k);
    if (r->k == KIND_ASSESSMENTS || writer_wait(imp) != 0)
        return;
    bool missing = false;
    for (size_t col = sh->nkey; col < kd->ncolumns && col < sh->nvals; col++)
        missing = missing || !r->cell[col];
    if (!missing)
        return;
    struct store_val stored[MAX_VALS];
    if (store_import_stored_row(imp->store, (enum store_import_table)r->k, r->v, stored, text) != 1)
        return;
    for (size_t col = sh->nkey; col < kd->ncolumns && col < sh->nvals; col++)
        if (!r->cell[col])
            r->v[col] = stored[col];
}

static void process_row(struct importer *imp, struct row *r)
{
    struct import_counts *c = &imp->kinds[r->k].counts;
    const struct kind_def *kd = r->kind;
    memset(r->v, 0, kind_shape(r->k)->nvals * sizeof r->v[0]); /* SV_NULL, no stale pointers */
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
    if (imp->nerrors != 0)
        return;
    if (stored && r->labels) {
        struct buf kept = {0};
        keep_stored(imp, r, &kept);
        write_row(imp, r, stored);
        buf_free(&kept);
        return;
    }
    write_row(imp, r, stored);
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
static const char *mapped_name(struct importer *imp, enum import_kind k, size_t col)
{
    const struct import_config *cfg = imp->opts.config;
    return cfg ? cfg->columns[k][col] : NULL;
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
        const char *mapped = mapped_name(f->imp, f->k, col);
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
    const char *standard = imp->opts.config ? imp->opts.config->standard : NULL;
    imp->med = rx_med_new(cfg, standard, err, sizeof err);
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
    store_import_end(imp->store);
    if (imp->journal_switched)
        store_import_wal(imp->store);
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

void import_config_free(struct import_config *cfg)
{
    free(cfg->standard);
    for (int k = 0; k < KIND_COUNT; k++)
        for (int c = 0; c < IMPORT_MAX_COLUMNS; c++)
            free(cfg->columns[k][c]);
    memset(cfg, 0, sizeof *cfg);
}
