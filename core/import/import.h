/* Importing the canonical CSV kinds (sites … diagnoses) into the store: every field validated,
 * references checked against the registry and the rows of the same batch, idempotent upserts
 * keyed per kind, MED worked out for every prescription, and the whole batch all-or-nothing.
 * The same row pipeline serves `sixbb record` (one row from the command line). See
 * docs/import.md. */
#ifndef SIXBB_IMPORT_H
#define SIXBB_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "date.h"

struct store;
struct cJSON;
struct med_db;
struct med_standard;

enum import_kind {
    KIND_SITES,
    KIND_CLINICIANS,
    KIND_PATIENTS,
    KIND_PRESCRIPTIONS,
    KIND_EVENTS,
    KIND_ASSESSMENTS,
    KIND_APPOINTMENTS,
    KIND_DIAGNOSES,
    KIND_COUNT
};

/* Kinds in dependency order (the order of the enum); -1 for an unknown name. */
int import_kind_from_name(const char *name);
const char *import_kind_name(enum import_kind k);

/* Canonical columns of a kind, required ones first, as written by export. */
size_t import_kind_columns(enum import_kind k, const char *const **names);
size_t import_kind_required(enum import_kind k);
#define IMPORT_MAX_COLUMNS 20 /* canonical columns of the widest kind */

#define IMPORT_MAX_ERRORS_SHOWN 20
#define IMPORT_DQ_EXAMPLES 5
#define IMPORT_DQ_MAX 32

struct import_dq {
    char name[40];
    long count;
    char examples[IMPORT_DQ_EXAMPLES][72]; /* ids of the first rows with the flag */
    int nexamples;
};

struct import_counts {
    long inserted, updated, unchanged, rejected;
    int files;
    struct import_dq dq[IMPORT_DQ_MAX];
    int ndq;
};

/* What an import takes from the site configuration, read once before it starts (the CLI
 * fills it from the site's host). Strings are owned: import_config_free releases them. */
struct import_config {
    char *standard; /* MED standard (standard), NULL for cdc2022 */
    /* The header a site's files use for canonical column c of kind k
     * (import.columns.<kind>.<column>), NULL when they use the canonical name. */
    char *columns[KIND_COUNT][IMPORT_MAX_COLUMNS];
};
void import_config_free(struct import_config *cfg);

/* Assessment instruments that plugins register, scored by the plugin. Both calls are made on
 * the thread that runs the import, and may read the database through the same store. */
struct import_scorer {
    /* How many responses the instrument takes; -1 when no plugin registers it. */
    long (*items)(void *ud, const char *instrument);
    /* Scores the responses of a registered instrument for a patient (sex NULL when unknown).
     * 0, or -1 with the reason in err. */
    int (*score)(void *ud, const char *instrument, const char *patient, const char *sex,
                 const double *items, size_t n, double *score, char *err, size_t errlen);
    void *ud;
};

struct import_options {
    day_t as_of;              /* dates are judged against this day */
    bool dry_run;             /* validate and count, then roll back */
    /* Called now and then while rows are read (at most four times a second), and once with
     * final set when the batch ends, for a progress line; NULL for none. */
    void (*progress)(void *ud, long rows, double rows_per_second, bool final);
    void *progress_ud;
    bool bulk;                /* a large batch: worth a journal-mode switch (see import.c) */
    const char *config_dir;   /* where standards and product tables live */
    const char *audit_action; /* "import" (default) or "record" */
    /* config and scorer are borrowed and must outlive the importer. */
    /* The site's settings; NULL for canonical column names and the default standard. */
    const struct import_config *config;
    /* Plugin instruments; NULL when only the built-in names are known and nothing is scored. */
    const struct import_scorer *scorer;
    /* Already loaded MED tables and standard to borrow (tests, fuzzing); NULL to load them. */
    const struct med_db *med_db;
    const struct med_standard *med_std;
};

struct importer;

/* store may be NULL: rows are then validated only (references against the batch alone). */
struct importer *importer_new(struct store *store, const struct import_options *opts);
void importer_free(struct importer *imp);

/* Must come before any file; opens the one transaction. 0 or -1 (message among the errors). */
int importer_begin(struct importer *imp);
/* Reads one CSV file (or buffer, when data is not NULL) of a kind. Row errors are collected and
 * reading goes on; returns -1 only for problems that stop the file (unreadable, bad header). */
int importer_file(struct importer *imp, enum import_kind kind, const char *path, const char *data,
                  size_t len);
/* One row given as column names and values, for `sixbb record`. labels name each value in
 * errors (the command's option, "--date"); NULL values are missing. */
int importer_values(struct importer *imp, enum import_kind kind, const char *const *columns,
                    const char *const *values, const char *const *labels, size_t n);
/* Commits (or rolls back on errors or a dry run). 0 when committed or a clean dry run. */
int importer_finish(struct importer *imp);

long importer_error_count(const struct importer *imp);
/* The first IMPORT_MAX_ERRORS_SHOWN messages. */
size_t importer_errors(const struct importer *imp, const char *const **msgs);
const struct import_counts *importer_counts(const struct importer *imp, enum import_kind k);
bool importer_used(const struct importer *imp, enum import_kind k);
long importer_rows(const struct importer *imp);

/* Summary as text (stdout) or a JSON object. */
struct cJSON *import_summary_json(const struct importer *imp, bool dry_run);

#endif
