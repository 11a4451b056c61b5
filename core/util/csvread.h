/* A CSV reader on top of libcsv that knows where every record and field came from: the physical
 * line a record starts on (records may span lines through quoted newlines) and each field's
 * 1-based index. It strips a UTF-8 byte-order mark, accepts LF and CRLF, and is strict: an
 * unterminated quote or a quote inside an unquoted field is an error with its line. */
#ifndef SIXBB_CSVREAD_H
#define SIXBB_CSVREAD_H

#include <stddef.h>
#include <stdint.h>

/* One field of the current record. text is NUL-terminated (fields may still hold NUL bytes
 * before len; callers that care compare strlen with len). */
struct csv_field {
    const char *text;
    size_t len;
    long line; /* physical line on which the field starts */
};

struct csv_record {
    const struct csv_field *fields;
    size_t n;
    long line;  /* physical line on which the record starts */
    long index; /* 0 for the first record (the header), 1 for the first data row … */
};

/* Called once per record; a non-zero return stops reading and is returned by csv_read. */
typedef int (*csv_record_fn)(const struct csv_record *rec, void *ud);

/* Reads a buffer. Returns 0 when every record was delivered, the callback's non-zero value when
 * it stopped, or -1 for a syntax error with "LINE:COLUMN: what" in err and the line in *err_line.
 */
int csv_read(const char *data, size_t len, csv_record_fn fn, void *ud, char *err, size_t errlen,
             long *err_line);

#endif
