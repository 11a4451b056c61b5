/* Keys hash to 64 bits in the shared table; keys whose hashes are equal (in practice never)
 * chain through their entries, so a lookup is one probe and one memcmp. */
#include "keyset.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

void keyset_init(struct keyset *s)
{
    memset(s, 0, sizeof *s);
}

void keyset_free(struct keyset *s)
{
    u64map_free(&s->index);
    free(s->entries);
    free(s->arena);
    memset(s, 0, sizeof *s);
}

size_t keyset_count(const struct keyset *s)
{
    return s->len;
}

const char *keyset_key(const struct keyset *s, size_t i, size_t *len)
{
    if (len)
        *len = s->entries[i].len;
    return s->arena + s->entries[i].off;
}

uint32_t *keyset_value(const struct keyset *s, size_t i)
{
    return &s->entries[i].value;
}

static void reserve_entries(struct keyset *s, size_t n)
{
    if (s->cap_entries >= n)
        return;
    s->cap_entries = s->cap_entries ? s->cap_entries * 2 : 512;
    if (s->cap_entries < n)
        s->cap_entries = n;
    s->entries = xrealloc(s->entries, s->cap_entries * sizeof *s->entries);
}

void keyset_reserve(struct keyset *s, size_t n)
{
    u64map_reserve(&s->index, n);
    if (s->cap_entries < s->len + n) {
        s->cap_entries = s->len + n;
        s->entries = xrealloc(s->entries, s->cap_entries * sizeof *s->entries);
    }
}

/* The entry for key in the chain that starts at 1 + head, or NULL. */
static struct keyset_entry *chain_find(const struct keyset *s, uint32_t head, const char *key,
                                       size_t len)
{
    for (uint32_t at = head; at; at = s->entries[at - 1].next) {
        struct keyset_entry *e = &s->entries[at - 1];
        if (e->len == len && (len == 0 || memcmp(s->arena + e->off, key, len) == 0))
            return e;
    }
    return NULL;
}

uint32_t *keyset_find(const struct keyset *s, const char *key, size_t len)
{
    uint32_t head;
    if (!s->len || !u64map_get(&s->index, hash_bytes(key, len), &head))
        return NULL;
    struct keyset_entry *e = chain_find(s, head, key, len);
    return e ? &e->value : NULL;
}

static size_t arena_put(struct keyset *s, const char *key, size_t len)
{
    if (!s->arena || s->arena_len + len + 1 > s->arena_cap) {
        s->arena_cap = (s->arena_cap + len + 1) * 2 + 64;
        s->arena = xrealloc(s->arena, s->arena_cap);
    }
    if (len)
        memcpy(s->arena + s->arena_len, key, len);
    s->arena[s->arena_len + len] = 0;
    s->arena_len += len + 1;
    return s->arena_len - len - 1;
}

bool keyset_add(struct keyset *s, const char *key, size_t len, uint32_t **value)
{
    bool fresh;
    uint32_t *head = u64map_slot(&s->index, hash_bytes(key, len), &fresh);
    struct keyset_entry *e = fresh ? NULL : chain_find(s, *head, key, len);
    if (e) {
        if (value)
            *value = &e->value;
        return false;
    }
    reserve_entries(s, s->len + 1);
    e = &s->entries[s->len];
    e->off = arena_put(s, key, len);
    e->len = len;
    e->value = 0;
    e->next = fresh ? 0 : *head;
    *head = (uint32_t)++s->len;
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

void keyset_put_str(struct keyset *s, const char *key, uint32_t val)
{
    uint32_t *v;
    keyset_add(s, key, strlen(key), &v);
    *v = val;
}

bool keyset_get_str(const struct keyset *s, const char *key, uint32_t *val)
{
    const uint32_t *v = keyset_find(s, key, strlen(key));
    if (v)
        *val = *v;
    return v != NULL;
}
