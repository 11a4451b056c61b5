/* A set of byte strings with a 32-bit value each, for the checks an import makes per row: does
 * this patient exist, was this key seen earlier in the file, is this row already stored. Keys are
 * copied into an arena, so a set of a million ids costs two allocations that grow. */
#ifndef SIXBB_KEYSET_H
#define SIXBB_KEYSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct keyset {
    uint64_t *slots; /* (hash high 32 bits << 32) | (entry index + 1); 0 = empty */
    size_t cap, len;
    struct keyset_entry *entries;
    size_t cap_entries;
    char *arena;
    size_t arena_len, arena_cap;
};

struct keyset_entry {
    size_t off, len; /* into arena */
    uint32_t value;
};

void keyset_init(struct keyset *s);
void keyset_free(struct keyset *s);
/* Adds key (or finds it). Returns true when it was added, false when it was already there; *value
 * (may be NULL) then points at the stored value. */
bool keyset_add(struct keyset *s, const char *key, size_t len, uint32_t **value);
/* Returns the stored value slot, or NULL when absent. */
uint32_t *keyset_find(const struct keyset *s, const char *key, size_t len);
size_t keyset_count(const struct keyset *s);
/* Makes room for n more keys at once, so a large batch does not rehash as it grows. */
void keyset_reserve(struct keyset *s, size_t n);

/* Builds a composite key "a\x1fb\x1fc" into buf (grown as needed); returns its length. */
size_t keyset_join(char **buf, size_t *cap, const char *const *parts, const size_t *lens, size_t n);

#endif
