/* Helpers shared by the facilitator's commands (sites, team, meeting, plan, assess, tally,
 * survey): checking a site, a date or a word from a fixed list with one wording everywhere,
 * printing rows as JSON or an aligned text table, and reading CSV files with a header row.
 * Errors come back as text for the command to print. */
#ifndef SIXBB_PROGRAM_H
#define SIXBB_PROGRAM_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "date.h"
#include "store.h"

/* The six building blocks, in the program's order (plugin ids). */
extern const char *const prog_blocks[6];

struct site;

/* The checks below return 0 when the value is good; otherwise 1 (EXIT_FAIL) with the message
 * for the user in err. */
/* "no site 'X' in this registry" */
int prog_need_site(struct store *s, const char *site, char *err, size_t errlen);
/* "WHAT 'value' is not one of a, b, c" */
int prog_need_word(const char *what, const char *value, const char *const *words, size_t n,
                   char *err, size_t errlen);
/* Strict YYYY-MM-DD: "OPTION 'value' is not a date (YYYY-MM-DD)". */
int prog_need_date(const char *option, const char *value, day_t *out, char *err, size_t errlen);

/* Prints rows as an aligned text table with the given columns (NULL-terminated keys); titles
 * are the keys upper-cased. An empty list prints `empty` instead. */
void prog_print_table(const cJSON *rows, const char *const *cols, const char *empty);
/* Prints {"<key>": rows} and deletes rows. */
void prog_print_json(const char *key, cJSON *rows);

/* One data row of a CSV file being imported: the values of the wanted columns (in the order
 * asked for, "" when a cell is missing), where the row starts, and each column's number. */
struct prog_csv_row {
    const char *file;
    long line;
    const char *const *values;
    const size_t *column; /* 1-based field number of each wanted column */
    char *err;            /* where prog_csv_fail puts its message */
    size_t errlen;
};
/* Reads a CSV file with a header row naming at least the wanted columns (in any order; others
 * are ignored) and calls fn for each data row; fn returns non-zero to stop, with its message
 * set by prog_csv_fail. Returns 0, or 1 with the message in err. */
int prog_csv_each(const char *path, const char *const *cols, size_t ncols,
                  int (*fn)(const struct prog_csv_row *row, void *ud), void *ud, char *err,
                  size_t errlen);
/* Sets the row's message to "FILE:LINE:COLUMN: message" for column number col (an index into
 * the wanted columns) and returns 1. */
int prog_csv_fail(const struct prog_csv_row *row, size_t col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Runs a registered report as of a date (NULL: today) and prints it as text. An exit status.
 * Defined with the sites command, which prints it as the multi-site log. */
int prog_report_text(struct site *s, const char *id, const char *as_of);

#endif
