/* The one hash table of the core: open addressing with linear probing from 64-bit keys to 32-bit
 * values (usually indexes into an array the caller keeps), and the hash functions that feed it.
 * String-keyed sets build on it (keyset.h); code tables such as NDC -> product use it directly. */
#ifndef SIXBB_HASHMAP_H
#define SIXBB_HASHMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Zero-initialised it is an empty map. Slots store key + 1 so 0 can mark an empty slot; the one
 * key that would wrap, UINT64_MAX, is kept aside in has_max/max_val. */
struct u64map {
    uint64_t *keys;
    uint32_t *vals;
    size_t cap, len;
    bool has_max;
    uint32_t max_val;
};

/* Returns the value slot for key, adding it with value 0 when absent (*added, may be NULL, says
 * which). The pointer is valid until the next call that adds a key. */
uint32_t *u64map_slot(struct u64map *m, uint64_t key, bool *added);
/* Sets key to val, replacing any earlier value. */
void u64map_put(struct u64map *m, uint64_t key, uint32_t val);
/* Finds key: true and *val set, or false. */
bool u64map_get(const struct u64map *m, uint64_t key, uint32_t *val);
/* Makes room for n more keys, so a large batch does not rehash as it grows. */
void u64map_reserve(struct u64map *m, size_t n);
void u64map_free(struct u64map *m);

/* A 64-bit finaliser: spreads a key whose entropy sits in a few bits over all of them. */
static inline uint64_t hash_u64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    return x ^ (x >> 33);
}

/* Hashes bytes eight at a time: ids and composite keys of tens of bytes cost a few cycles, and
 * every bit of the result is usable. */
uint64_t hash_bytes(const void *p, size_t n);
/* FNV-1a, 64-bit, continuing from h (start with HASH_FNV64_SEED): stable across builds and
 * machines, for fingerprints that must not change. The seed is the one these fingerprints have
 * always used (one digit short of the published FNV offset basis); changing it changes them. */
#define HASH_FNV64_SEED 1469598103934665603ULL
static inline uint64_t hash_fnv1a64(const void *p, size_t n, uint64_t h)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 1099511628211ULL;
    }
    return h;
}
/* FNV-1a, 32-bit, of a string: the short fingerprint used in file names. */
uint32_t hash_fnv1a32(const char *s);

#endif
