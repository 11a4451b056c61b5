/* The named reads the built-in plugins use instead of SQL (sixbb.data in docs/plugins.md):
 * each is one fixed statement with its arguments bound to ?1..?n, its rows shaped as
 * sixbb.query gives them. A plugin names a read ("plans.current"); the SQL stays here. */
#ifndef SIXBB_STORE_PROGRAM_READS_H
#define SIXBB_STORE_PROGRAM_READS_H

#include <stdbool.h>
#include <stddef.h>

#include "store_query.h"

struct store_read {
    const char *name; /* group.function, e.g. "plans.current" */
    int nargs;
    bool one; /* the read gives at most one row */
    const char *sql;
};

/* Every named read, ending with a NULL name: the program's (clinics, plans, milestones,
 * measures), the clinical reports' (store_report_reads.c) and the data-quality report's
 * (store_report_quality.c). */
extern const struct store_read store_reads[];
extern const struct store_read store_report_reads[];
extern const struct store_read store_quality_reads[];

/* Runs a named read with nargs values (missing ones are NULL); rows go to fn. Returns 0, fn's
 * non-zero value, or -1 with SQLite's reason in err. */
int store_read_each(struct store *s, const struct store_read *r, const struct store_value *args,
                    store_row_fn fn, void *ud, char *err, size_t errlen);

#endif
