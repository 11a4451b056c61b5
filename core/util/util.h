/* Small helpers shared by every module: checked allocation, growable buffers, error text. */
#ifndef SIXBB_UTIL_H
#define SIXBB_UTIL_H

#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growable byte buffer, always NUL-terminated. */
struct buf {
    char *data;
    size_t len, cap;
};
void buf_reserve(struct buf *b, size_t extra);
void buf_append(struct buf *b, const char *s, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
void buf_free(struct buf *b);

/* Reads a whole file; returns NULL and sets errno on failure. *len may be NULL. */
char *read_file(const char *path, size_t *len);
bool path_exists(const char *path);
bool is_dir(const char *path);
/* Writes data to path atomically (temp file + rename) with the given mode. 0 or -1 (errno). */
int write_file_atomic(const char *path, const char *data, size_t len, int mode);

/* Case-insensitive ASCII comparison helpers. */
bool streq_nocase(const char *a, const char *b);
/* Copies src into dst of cap bytes (cap > 0), cut short if need be and always terminated: what
 * snprintf(dst, cap, "%s", src) does, without the formatting machinery, for hot paths. */
void str_copy(char *dst, size_t cap, const char *src);
/* Levenshtein distance, for "did you mean" suggestions. */
int edit_distance(const char *a, const char *b);

/* "Did you mean": the candidate nearest to a name that was not found. Start with nearest_start,
 * offer each candidate; best is NULL when none came within max_dist. Earlier candidates win ties,
 * so the order candidates are offered in decides between equally near ones. */
struct nearest {
    const char *name; /* what was asked for */
    const char *best; /* the nearest candidate so far, or NULL */
    int dist;         /* a candidate must be nearer than this to replace best */
};
#define NEAREST_ANY INT_MAX /* max_dist with no limit */
struct nearest nearest_start(const char *name, int max_dist);
/* Offers a candidate (NULL is passed over); true when it is now the nearest. */
bool nearest_offer(struct nearest *n, const char *candidate);
/* The entry of a NULL-terminated list nearest to name within max_dist, or NULL. */
const char *nearest_in(const char *const *list, const char *name, int max_dist);

/* Formats an error message into err (err may be NULL or errlen 0: then nothing is written). */
void errf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Removes a directory tree (like rm -rf). 0 or -1. */
int remove_tree(const char *path);
/* Copies regular files and folders from src into dst (created). 0 or -1 (errno). */
int copy_tree(const char *src, const char *dst, int file_mode);
#endif
