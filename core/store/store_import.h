/* The store's side of the CSV import and of export: the eight registry tables a file can fill,
 * their keys, batched inserts and change-only updates, the stored row behind a key, every row in
 * key order for export, and the connection settings a large import wants. */
#ifndef SIXBB_STORE_IMPORT_H
#define SIXBB_STORE_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

/* The tables, numbered as the import's kinds (the order they depend on each other). */
enum store_import_table {
    STORE_SITES,
    STORE_CLINICIANS,
    STORE_PATIENTS,
    STORE_PRESCRIPTIONS,
    STORE_EVENTS,
    STORE_ASSESSMENTS,
    STORE_APPOINTMENTS,
    STORE_DIAGNOSES,
    STORE_IMPORT_TABLES
};

/* A value as stored. Text is s and len (not necessarily terminated), except in a batch with a
 * text base, where i is the text's offset from that base. */
enum store_val_type { SV_NULL, SV_TEXT, SV_INT, SV_REAL };
struct store_val {
    enum store_val_type t;
    const char *s;
    size_t len;
    int64_t i;
    double d;
};

/* How a table's rows are laid out: the first nkey values are its key; a stored row has nvals
 * values (bound as ?1..?nvals), of which the first ncolumns are the canonical columns. */
struct store_import_shape {
    size_t nkey, nvals, ncolumns;
};
const struct store_import_shape *store_import_shape(enum store_import_table t);

/* Calls fn with the key of every stored row (nkey parts; NULL values as ""). 0 or -1. */
typedef void (*store_key_fn)(void *ud, const char *const *parts, const size_t *lens, size_t n);
int store_import_keys(struct store *s, enum store_import_table t, store_key_fn fn, void *ud);

/* Rows to write, in order: row r's values start at v + r * stride; update[r] says it replaces a
 * stored row with the same key rather than adding one. Text values are offsets into text when
 * text is not NULL. */
struct store_import_rows {
    enum store_import_table t;
    const struct store_val *v;
    size_t stride, n;
    const bool *update;
    const char *text;
};
/* Writes the rows, new ones many to a statement where they come in runs, stored ones only where
 * a value changed (counted in *updated, the others in *unchanged). 0, or -1 with the message in
 * err. Safe on any thread that alone uses the store meanwhile. */
int store_import_write(struct store *s, const struct store_import_rows *rows, long *updated,
                       long *unchanged, char *err, size_t errlen);

/* The canonical columns of the stored row whose key is key[0..nkey): 1 and out[0..ncolumns)
 * filled, text copied into *text (out's text values point into it until it next grows); 0 when
 * there is no such row; -1 when it cannot be read. */
struct buf;
int store_import_stored_row(struct store *s, enum store_import_table t, const struct store_val *key,
                            struct store_val *out, struct buf *text);

/* A patient's recorded sex, copied into buf (n bytes), seeing rows written in the current
 * transaction; NULL when unknown. */
const char *store_import_patient_sex(struct store *s, const char *patient, char *buf, size_t n);

/* Before a batch: references are checked by the import, so SQLite's own foreign-key lookups
 * are turned off, and the page cache is made large. Must be called outside a transaction;
 * store_import_end turns the checks back on. */
void store_import_begin(struct store *s);
void store_import_end(struct store *s);
/* Tries to switch from WAL to a rollback journal for a large batch; whether it did. */
bool store_import_rollback_journal(struct store *s);
/* Back to WAL after store_import_rollback_journal. */
void store_import_wal(struct store *s);

/* Every row of a table, canonical columns in key order, for export: fn is called with each
 * row's values (text terminated; a value's memory lasts until fn returns). 0, -1 when the query
 * cannot be prepared, -2 when reading failed; store_errmsg says why. */
typedef void (*store_row_fn)(void *ud, const struct store_val *v, size_t n);
int store_import_export(struct store *s, enum store_import_table t, store_row_fn fn, void *ud);

/* For the demo: a patient with a stored high-dose gap, else one with any gap; NULL if none. */
char *store_import_demo_patient(struct store *s);

#endif
