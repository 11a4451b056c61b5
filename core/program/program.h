/* Helpers shared by the facilitator's commands (sites, team, meeting, plan, assess, tally,
 * survey): checking a site, a date or a word from a fixed list with one wording everywhere,
 * turning query rows into JSON or an aligned text table, and making one audited write. */
#ifndef SIXBB_PROGRAM_H
#define SIXBB_PROGRAM_H

#include <cjson/cJSON.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#include "date.h"
#include "store.h"

/* The six building blocks, in the program's order (plugin ids). */
extern const char *const prog_blocks[6];

struct site;

bool prog_site_exists(struct store *s, const char *site);
/* 0 when the site is in the registry; otherwise prints "no site 'X' in this registry" and
 * returns 1 (EXIT_FAIL). */
int prog_need_site(struct store *s, const char *site);
/* 0 when value is one of words[0..n-1]; otherwise prints "WHAT 'value' is not one of a, b, c"
 * and returns 1. */
int prog_need_word(const char *what, const char *value, const char *const *words, size_t n);
/* Strict YYYY-MM-DD; prints "OPTION 'value' is not a date (YYYY-MM-DD)" and returns 1 when not. */
int prog_need_date(const char *option, const char *value, day_t *out);

/* Every row of a stepped-from-the-start statement as a JSON array of objects keyed by column
 * name (integers, reals, text, null). Resets the statement. */
cJSON *prog_rows(sqlite3_stmt *st);
/* Prints rows as an aligned text table with the given columns (NULL-terminated keys); titles
 * are the keys upper-cased. An empty list prints `empty` instead. */
void prog_print_table(const cJSON *rows, const char *const *cols, const char *empty);
/* Prints {"<key>": rows} and deletes rows. */
void prog_print_json(const char *key, cJSON *rows);

/* Steps one write statement inside its own transaction with an audit entry; resets the
 * statement on every path. The audit entry names id, or the inserted row's id when id is NULL,
 * which is also stored in *new_id (may be NULL). Returns 0, or 1 after printing
 * "cannot WHAT: reason". */
int prog_write(struct store *s, sqlite3_stmt *st, const char *what, const char *action,
               const char *entity, const char *id, const char *detail, long long *new_id);
/* Ends a transaction begun with store_begin: commits when ok, else rolls back. Returns 0, or 1
 * after printing "cannot WHAT: reason". */
int prog_finish(struct store *s, bool ok, const char *what);
/* Binds text, or NULL when v is NULL. */
void prog_bind(sqlite3_stmt *st, int i, const char *v);

/* One data row of a CSV file being imported: the values of the wanted columns (in the order
 * asked for, "" when a cell is missing), where the row starts, and each column's number. */
struct prog_csv_row {
    const char *file;
    long line;
    const char *const *values;
    const size_t *column; /* 1-based field number of each wanted column */
};
/* Reads a CSV file with a header row naming at least the wanted columns (in any order; others
 * are ignored) and calls fn for each data row; fn prints its own error (use prog_csv_fail) and
 * returns non-zero to stop. Returns 0, or 1 after an error. */
int prog_csv_each(const char *path, const char *const *cols, size_t ncols,
                  int (*fn)(const struct prog_csv_row *row, void *ud), void *ud);
/* Prints "FILE:LINE:COLUMN: message" for column number col (index into the wanted columns). */
int prog_csv_fail(const struct prog_csv_row *row, size_t col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Runs a registered report as of a date (NULL: today) and prints it as text. An exit status. */
int prog_report_text(struct site *s, const char *id, const char *as_of);

#endif
