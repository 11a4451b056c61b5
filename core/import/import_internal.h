/* Private to core/import*.c: the kind table, the row being validated, and the field checks. */
#ifndef SIXBB_IMPORT_INTERNAL_H
#define SIXBB_IMPORT_INTERNAL_H

#include <stdint.h>

#include "import.h"
#include "keyset.h"
#include "store_import.h"

#define MAX_COLS IMPORT_MAX_COLUMNS /* canonical columns of the widest kind */
#define MAX_VALS 32                 /* stored columns of the widest kind */

struct row;
typedef void (*row_fn)(struct row *r);

struct kind_def {
    const char *name;
    const char *const *columns; /* canonical columns, required first */
    size_t ncolumns, nrequired;
    unsigned sensitive; /* bit per column: free text that may identify a person */
    row_fn validate;    /* fills r->v (laid out as store_import_shape says) and reports errors */
};
extern const struct kind_def import_kinds[KIND_COUNT];

/* A kind's rows are stored in the table of the same number. */
static inline const struct store_import_shape *kind_shape(enum import_kind k)
{
    return store_import_shape((enum store_import_table)k);
}

/* One row on its way in. cells are indexed by canonical column; NULL when the column is absent
 * from the file (an empty cell is a cell of length 0). */
struct row {
    struct importer *imp;
    const struct kind_def *kind;
    enum import_kind k;
    const char *file;
    long line;
    const char *cell[MAX_COLS];
    size_t cell_len[MAX_COLS];
    int colno[MAX_COLS];       /* 1-based field index in the file */
    const char *const *labels; /* per canonical column, for command-line rows */
    struct store_val v[MAX_VALS];
    int errors;
    char dq[512];        /* data-quality flags, comma separated */
    char scratch[8][32]; /* normalised short values (NDC, codes, keys) */
    char id[72];         /* the row's key, for examples in the summary */
    char note[320];      /* why a prescription has no MED */
};

/* ---- field checks (import_value.c). Each reports its own error and returns -1 on failure. */
void row_error(struct row *r, int col, const char *expected);
void row_errorf(struct row *r, int col, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The cell of a column, or NULL when absent or empty. */
const char *row_cell(const struct row *r, int col, size_t *len);
int val_text(struct row *r, int col, int vi, bool required, size_t maxlen);
int val_id(struct row *r, int col, int vi, bool required);
int val_date(struct row *r, int col, int vi, bool required, day_t lo, day_t hi, day_t *out);
int val_number(struct row *r, int col, int vi, bool required, double lo, bool lo_open,
               const char *expected, double *out);
int val_whole(struct row *r, int col, int vi, bool required, const char *expected);
int val_bool(struct row *r, int col, int vi);
int val_enum(struct row *r, int col, int vi, bool required, const char *const *allowed,
             const char *expected);
void val_null(struct row *r, int vi);
void val_str(struct row *r, int vi, const char *s);
void val_real(struct row *r, int vi, double d);
void val_int(struct row *r, int vi, int64_t i);
/* Checks the reference and reports "expected a <what> in the registry or in this import". */
int ref_check(struct row *r, int col, enum import_kind target, const char *what);
void row_flag(struct row *r, const char *flag);
void row_set_id(struct row *r, int col);
bool parse_number(const char *s, size_t len, double *out);
/* Length of the UTF-8 character at s (0 when invalid; *bad_at is the offending byte). */
size_t utf8_char_len(const char *s, size_t len, size_t *bad_at);
int cell_check_bytes(struct row *r, int col);
void importer_report(struct importer *imp, const char *msg);

/* ---- importer services used by the kind validators (import.c) */
day_t importer_as_of(const struct row *r);
bool importer_has_key(struct importer *imp, enum import_kind k, const char *key, size_t len);
void importer_defer_ref(struct row *r, int col, enum import_kind target, const char *what);

/* ---- prescriptions: MED at import (import_med.c) */
struct rx_med;
struct rx_med *rx_med_new(const char *config_dir, const char *standard, char *err, size_t errlen);
/* Uses tables and a standard owned by the caller. */
struct rx_med *rx_med_borrow(const struct med_db *db, const struct med_standard *std);
void rx_med_free(struct rx_med *m);
/* Works out the MED columns of a validated prescription row (values 18..27). */
void rx_med_apply(struct rx_med *m, struct row *r);
struct rx_med *importer_med(struct importer *imp);

/* ---- assessments: scoring through the caller's scorer (import.c) */
int importer_score(struct importer *imp, const char *instrument, const char *patient,
                   const double *items, size_t n, bool *known, long *expected_items, double *score,
                   char *err, size_t errlen);
bool importer_instrument_known(struct importer *imp, const char *id);

#endif
