/* Open addressing with linear probing; the slot keeps part of the hash so most probes never touch
 * the arena. FNV-1a is enough for ids and short composite keys. */
#include "keyset.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Eight bytes per step with a multiply-xorshift mix: ids and composite keys of tens of bytes are
 * hashed in a few cycles, and the high bits (used as the slot tag) are as good as the low ones. */
static uint64_t mix(uint64_t h)
{
    h ^= h >> 32;
    h *= 0xd6e8feb86659fd93ULL;
    h ^= h >> 32;
    return h;
}

static uint64_t hash_bytes(const char *s, size_t n)
{
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

void keyset_init(struct keyset *s)
{
    memset(s, 0, sizeof *s);
}

void keyset_free(struct keyset *s)
{
    free(s->slots);
    free(s->entries);
    free(s->arena);
    memset(s, 0, sizeof *s);
}

size_t keyset_count(const struct keyset *s)
{
    return s->len;
}

static uint64_t *probe(const struct keyset *s, uint64_t h, const char *key, size_t len)
{
    size_t mask = s->cap - 1;
    uint64_t tag = h >> 32;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        uint64_t v = s->slots[i];
        if (v == 0)
            return &s->slots[i];
        if ((v >> 32) != tag)
            continue;
        const struct keyset_entry *e = &s->entries[(uint32_t)v - 1];
        if (e->len == len && (len == 0 || memcmp(s->arena + e->off, key, len) == 0))
            return &s->slots[i];
    }
}

static void rehash(struct keyset *s, size_t ncap)
{
    uint64_t *old = s->slots;
    size_t ocap = s->cap;
    s->slots = xcalloc(ncap, sizeof *s->slots);
    s->cap = ncap;
    for (size_t i = 0; i < ocap; i++) {
        if (!old[i])
            continue;
        const struct keyset_entry *e = &s->entries[(uint32_t)old[i] - 1];
        *probe(s, hash_bytes(s->arena + e->off, e->len), s->arena + e->off, e->len) = old[i];
    }
    free(old);
}

static void grow(struct keyset *s)
{
    rehash(s, s->cap ? s->cap * 2 : 1024);
}

void keyset_reserve(struct keyset *s, size_t n)
{
    size_t want = s->cap ? s->cap : 1024;
    while (want < (s->len + n) * 2)
        want *= 2;
    if (want > s->cap)
        rehash(s, want);
    if (s->cap_entries < s->len + n) {
        s->cap_entries = s->len + n;
        s->entries = xrealloc(s->entries, s->cap_entries * sizeof *s->entries);
    }
}

uint32_t *keyset_find(const struct keyset *s, const char *key, size_t len)
{
    if (!s->len)
        return NULL;
    uint64_t v = *probe(s, hash_bytes(key, len), key, len);
    return v ? &s->entries[(uint32_t)v - 1].value : NULL;
}

static size_t arena_put(struct keyset *s, const char *key, size_t len)
{
    if (!s->arena || s->arena_len + len > s->arena_cap) {
        s->arena_cap = (s->arena_cap + len) * 2 + 64;
        s->arena = xrealloc(s->arena, s->arena_cap);
    }
    if (len)
        memcpy(s->arena + s->arena_len, key, len);
    s->arena_len += len;
    return s->arena_len - len;
}

bool keyset_add(struct keyset *s, const char *key, size_t len, uint32_t **value)
{
    /* Keep the load under a half so probe chains stay short. */
    if ((s->len + 1) * 2 > s->cap)
        grow(s);
    uint64_t h = hash_bytes(key, len);
    uint64_t *slot = probe(s, h, key, len);
    if (*slot) {
        if (value)
            *value = &s->entries[(uint32_t)*slot - 1].value;
        return false;
    }
    if (s->len == s->cap_entries) {
        s->cap_entries = s->cap_entries ? s->cap_entries * 2 : 512;
        s->entries = xrealloc(s->entries, s->cap_entries * sizeof *s->entries);
    }
    struct keyset_entry *e = &s->entries[s->len];
    e->off = arena_put(s, key, len);
    e->len = len;
    e->value = 0;
    *slot = ((h >> 32) << 32) | (uint64_t)(++s->len);
    if (value)
        *value = &e->value;
    return true;
}

size_t keyset_join(char **buf, size_t *cap, const char *const *parts, const size_t *lens, size_t n)
{
    size_t need = n;
    for (size_t i = 0; i < n; i++)
        need += lens[i];
    if (need > *cap) {
        *cap = need * 2;
        *buf = xrealloc(*buf, *cap);
    }
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        if (i)
            (*buf)[len++] = '\x1f';
        memcpy(*buf + len, parts[i], lens[i]);
        len += lens[i];
    }
    return len;
}
