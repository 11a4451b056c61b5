/* A set of byte strings with a 32-bit value each, for the checks an import makes per row: does
 * this patient exist, was this key seen earlier in the file, is this row already stored. Keys are
 * copied into an arena, so a set of a million ids costs a few allocations that grow. It is the
 * string-keyed face of the shared table in hashmap.h. */
#ifndef SIXBB_KEYSET_H
#define SIXBB_KEYSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hashmap.h"

struct keyset {
    struct u64map index;          /* hash_bytes(key) -> first entry with that hash */
    struct keyset_entry *entries; /* in the order the keys were added */
    size_t len, cap_entries;
    char *arena; /* every key, each followed by a NUL */
    size_t arena_len, arena_cap;
};

struct keyset_entry {
    size_t off, len; /* into arena */
    uint32_t value;
    uint32_t next; /* 1 + the next entry whose key has the same 64-bit hash; 0 = none */
};

void keyset_init(struct keyset *s);
void keyset_free(struct keyset *s);
/* Adds key (or finds it). Returns true when it was added, false when it was already there; *value
 * (may be NULL) then points at the stored value. */
bool keyset_add(struct keyset *s, const char *key, size_t len, uint32_t **value);
/* Returns the stored value slot, or NULL when absent. */
uint32_t *keyset_find(const struct keyset *s, const char *key, size_t len);
size_t keyset_count(const struct keyset *s);
/* The i-th key added (i < keyset_count), NUL-terminated; *len (may be NULL) gets its length. */
const char *keyset_key(const struct keyset *s, size_t i, size_t *len);
/* The value slot of the i-th key added. */
uint32_t *keyset_value(const struct keyset *s, size_t i);
/* Makes room for n more keys at once, so a large batch does not rehash as it grows. */
void keyset_reserve(struct keyset *s, size_t n);

/* Builds a composite key "a\x1fb\x1fc" into buf (grown as needed); returns its length. */
size_t keyset_join(char **buf, size_t *cap, const char *const *parts, const size_t *lens, size_t n);

/* The same for a NUL-terminated key mapped to one number: sets the key's value (adding the key
 * when new), and reads it (false when the key is absent). */
void keyset_put_str(struct keyset *s, const char *key, uint32_t val);
bool keyset_get_str(const struct keyset *s, const char *key, uint32_t *val);

#endif
