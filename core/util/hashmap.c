/* Linear probing at a load of at most three quarters: lookups of codes and ids touch one or two
 * cache lines, and there are no tombstones because nothing is ever removed. */
#include "hashmap.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

static void rehash(struct u64map *m, size_t ncap)
{
    struct u64map old = *m;
    m->keys = xcalloc(ncap, sizeof *m->keys);
    m->vals = xcalloc(ncap, sizeof *m->vals);
    m->cap = ncap;
    size_t mask = ncap - 1;
    for (size_t i = 0; i < old.cap; i++) {
        if (!old.keys[i])
            continue;
        size_t j = hash_u64(old.keys[i] - 1) & mask;
        while (m->keys[j])
            j = (j + 1) & mask;
        m->keys[j] = old.keys[i];
        m->vals[j] = old.vals[i];
    }
    free(old.keys);
    free(old.vals);
}

void u64map_reserve(struct u64map *m, size_t n)
{
    size_t want = m->cap ? m->cap : 1024;
    while ((m->len + n) * 4 >= want * 3)
        want *= 2;
    if (want > m->cap)
        rehash(m, want);
}

uint32_t *u64map_slot(struct u64map *m, uint64_t key, bool *added)
{
    if (key == UINT64_MAX) {
        if (added)
            *added = !m->has_max;
        if (!m->has_max)
            m->max_val = 0;
        m->has_max = true;
        return &m->max_val;
    }
    if ((m->len + 1) * 4 >= m->cap * 3)
        rehash(m, m->cap ? m->cap * 2 : 1024);
    size_t mask = m->cap - 1;
    for (size_t i = hash_u64(key) & mask;; i = (i + 1) & mask) {
        if (m->keys[i] == key + 1) {
            if (added)
                *added = false;
            return &m->vals[i];
        }
        if (!m->keys[i]) {
            m->keys[i] = key + 1;
            m->vals[i] = 0;
            m->len++;
            if (added)
                *added = true;
            return &m->vals[i];
        }
    }
}

void u64map_put(struct u64map *m, uint64_t key, uint32_t val)
{
    *u64map_slot(m, key, NULL) = val;
}

bool u64map_get(const struct u64map *m, uint64_t key, uint32_t *val)
{
    if (key == UINT64_MAX) {
        if (m->has_max)
            *val = m->max_val;
        return m->has_max;
    }
    if (!m->cap)
        return false;
    size_t mask = m->cap - 1;
    for (size_t i = hash_u64(key) & mask; m->keys[i]; i = (i + 1) & mask)
        if (m->keys[i] == key + 1) {
            *val = m->vals[i];
            return true;
        }
    return false;
}

void u64map_free(struct u64map *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

/* A multiply-xorshift step: the high bits end as well mixed as the low ones. */
static uint64_t mix(uint64_t h)
{
    h ^= h >> 32;
    h *= 0xd6e8feb86659fd93ULL;
    h ^= h >> 32;
    return h;
}

uint64_t hash_bytes(const void *p, size_t n)
{
    const char *s = p;
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = mix(h ^ w) * 0x9e3779b97f4a7c15ULL;
        s += 8;
        n -= 8;
    }
    uint64_t w = 0;
    if (n)
        memcpy(&w, s, n);
    return mix(h ^ w ^ ((uint64_t)n << 56));
}

uint32_t hash_fnv1a32(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 16777619u;
    }
    return h;
}
