/* The gaps of a run: their strings kept in blocks freed together, and the two orders they are
 * shown in (eval.h). */
#include <stdlib.h>
#include <string.h>

#include "eval_internal.h"

/* Ranks of the distinct strings of one role (clinicians and sites, patients or checks) in
 * strcmp order, NULL after every string. */
struct ranks {
    struct keyset index; /* string -> slot */
    const char **names;      /* by slot */
    uint32_t *rank;          /* by slot */
    size_t n, cap;
};

static void ranks_add(struct ranks *r, const char *s)
{
    uint32_t at;
    if (!s || keyset_get_str(&r->index, s, &at))
        return;
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 64;
        r->names = xrealloc(r->names, r->cap * sizeof *r->names);
    }
    r->names[r->n] = s;
    keyset_put_str(&r->index, s, (uint32_t)r->n++);
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(**(const char *const *const *)a, **(const char *const *const *)b);
}

static void ranks_finish(struct ranks *r)
{
    const char ***by = xmalloc((r->n ? r->n : 1) * sizeof *by);
    for (size_t i = 0; i < r->n; i++)
        by[i] = &r->names[i];
    qsort(by, r->n, sizeof *by, cmp_name);
    r->rank = xmalloc((r->n ? r->n : 1) * sizeof *r->rank);
    for (size_t i = 0; i < r->n; i++)
        r->rank[by[i] - r->names] = (uint32_t)i;
    free(by);
}

static uint64_t rank_of(const struct ranks *r, const char *s)
{
    uint32_t at;
    return s && keyset_get_str(&r->index, s, &at) ? r->rank[at] : r->n;
}

static void ranks_free(struct ranks *r)
{
    keyset_free(&r->index);
    free(r->names);
    free(r->rank);
}

static int cmp_null_last(const char *a, const char *b)
{
    if (!a || !b)
        return (a == NULL) - (b == NULL);
    return strcmp(a, b);
}

/* The orders of eval_gaps_sort as comparators, for when the ranks do not fit their fields. */
static int cmp_gap_sites_last(const void *x, const void *y)
{
    const struct gap *a = x, *b = y;
    int sa = a->level == LEVEL_SITE, sb = b->level == LEVEL_SITE;
    if (sa != sb)
        return sa - sb;
    int c = cmp_null_last(sa ? a->site : a->clinician, sb ? b->site : b->clinician);
    if (c)
        return c;
    if (a->level != b->level)
        return (int)a->level - (int)b->level;
    if ((c = cmp_null_last(a->patient, b->patient)))
        return c;
    return strcmp(a->check, b->check);
}

static int cmp_gap_by_level(const void *x, const void *y)
{
    const struct gap *a = x, *b = y;
    if (a->level != b->level)
        return (int)a->level - (int)b->level;
    int c = cmp_null_last(a->level == LEVEL_SITE ? a->site : a->clinician,
                          b->level == LEVEL_SITE ? b->site : b->clinician);
    if (c || (c = cmp_null_last(a->patient, b->patient)))
        return c;
    return strcmp(a->check, b->check);
}

struct keyed {
    uint64_t key;
    size_t at;
};

static int cmp_keyed(const void *a, const void *b)
{
    uint64_t x = ((const struct keyed *)a)->key, y = ((const struct keyed *)b)->key;
    return (x > y) - (x < y);
}

static const char *gap_group(const struct gap *g)
{
    return g->level == LEVEL_SITE ? g->site : g->clinician;
}

/* Sorting compares 64-bit keys built from the ranks of each gap's strings, so each string is
 * compared with strcmp only while ranking the distinct ones. */
void eval_gaps_sort(struct gap *gaps, size_t n, enum gap_order order)
{
    if (n < 2)
        return;
    struct ranks groups = {0}, patients = {0}, checks = {0};
    for (size_t i = 0; i < n; i++) {
        ranks_add(&groups, gap_group(&gaps[i]));
        ranks_add(&patients, gaps[i].patient);
        ranks_add(&checks, gaps[i].check);
    }
    ranks_finish(&groups);
    ranks_finish(&patients);
    ranks_finish(&checks);
    /* Ranks up to their counts (the count itself standing for NULL) must fit their fields:
     * 20 bits for groups, 24 for patients, 16 for checks, after 3 bits of level. */
    bool fits = groups.n < (1u << 20) && patients.n < (1u << 24) && checks.n < (1u << 16);
    struct keyed *k = xmalloc(n * sizeof *k);
    for (size_t i = 0; i < n && fits; i++) {
        const struct gap *g = &gaps[i];
        uint64_t lead = order == GAP_ORDER_SITES_LAST
                            ? ((uint64_t)(g->level == LEVEL_SITE) << 2) | (uint64_t)g->level
                            : (uint64_t)g->level << 2;
        uint64_t grp = rank_of(&groups, gap_group(g)), pat = rank_of(&patients, g->patient);
        uint64_t chk = rank_of(&checks, g->check);
        /* Sites last: site flag, group, level. By level: level, group. */
        uint64_t head = order == GAP_ORDER_SITES_LAST
                            ? ((lead >> 2) << 62) | (grp << 42) | ((lead & 3) << 40)
                            : (lead << 60) | (grp << 40);
        k[i].key = head | (pat << 16) | chk;
        k[i].at = i;
    }
    if (fits) {
        qsort(k, n, sizeof *k, cmp_keyed);
        struct gap *sorted = xmalloc(n * sizeof *sorted);
        for (size_t i = 0; i < n; i++)
            sorted[i] = gaps[k[i].at];
        memcpy(gaps, sorted, n * sizeof *gaps);
        free(sorted);
    } else {
        qsort(gaps, n, sizeof *gaps,
              order == GAP_ORDER_SITES_LAST ? cmp_gap_sites_last : cmp_gap_by_level);
    }
    free(k);
    ranks_free(&groups);
    ranks_free(&patients);
    ranks_free(&checks);
}

#define STRING_BLOCK 65536

static char *result_block(struct eval_result *r, size_t n)
{
    r->blocks = xrealloc(r->blocks, (r->nblocks + 1) * sizeof *r->blocks);
    return r->blocks[r->nblocks++] = xmalloc(n);
}

char *eval_result_strdup(struct eval_result *r, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *out;
    if (n > STRING_BLOCK / 4) {
        out = result_block(r, n); /* a long text gets a block of its own */
    } else {
        if (n > r->left) {
            r->free_at = result_block(r, STRING_BLOCK);
            r->left = STRING_BLOCK;
        }
        out = r->free_at;
        r->free_at += n;
        r->left -= n;
    }
    memcpy(out, s, n);
    return out;
}

void eval_result_add(struct eval_result *r, const struct gap *g)
{
    if (r->ngaps == r->capgaps) {
        r->capgaps = r->capgaps ? r->capgaps * 2 : 256;
        r->gaps = xrealloc(r->gaps, r->capgaps * sizeof *r->gaps);
    }
    struct gap *out = &r->gaps[r->ngaps++];
    *out = *g;
    out->check = eval_result_strdup(r, g->check);
    out->plugin = eval_result_strdup(r, g->plugin);
    out->patient = eval_result_strdup(r, g->patient);
    out->clinician = eval_result_strdup(r, g->clinician);
    out->site = eval_result_strdup(r, g->site);
    out->severity = eval_result_strdup(r, g->severity);
    out->detail = eval_result_strdup(r, g->detail);
}

void eval_result_free(struct eval_result *r)
{
    for (size_t i = 0; i < r->nblocks; i++)
        free(r->blocks[i]);
    free(r->blocks);
    free(r->gaps);
    memset(r, 0, sizeof *r);
}
