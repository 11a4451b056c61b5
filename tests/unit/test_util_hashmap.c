/* The shared hash table and the string set built on it: adding, replacing, growing past many
 * rehashes, the keys at both ends of the range, reserve, keys kept in the order they were added,
 * empty and binary keys, and two keys whose 64-bit hashes are forced to be equal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hashmap.h"
#include "keyset.h"
#include "util.h"

static void test_u64map_basic(void **state)
{
    (void)state;
    struct u64map m = {0};
    uint32_t v = 7;
    assert_false(u64map_get(&m, 1, &v));
    u64map_put(&m, 0, 10);
    u64map_put(&m, UINT64_MAX, 20);
    u64map_put(&m, UINT64_MAX - 1, 30);
    assert_true(u64map_get(&m, 0, &v));
    assert_int_equal(v, 10);
    assert_true(u64map_get(&m, UINT64_MAX, &v));
    assert_int_equal(v, 20);
    assert_true(u64map_get(&m, UINT64_MAX - 1, &v));
    assert_int_equal(v, 30);
    u64map_put(&m, 0, 11);
    assert_true(u64map_get(&m, 0, &v));
    assert_int_equal(v, 11);
    bool added = true;
    *u64map_slot(&m, UINT64_MAX, &added) += 1;
    assert_false(added);
    assert_true(u64map_get(&m, UINT64_MAX, &v));
    assert_int_equal(v, 21);
    u64map_free(&m);
    assert_false(u64map_get(&m, 0, &v));
}

static void test_u64map_grows(void **state)
{
    (void)state;
    struct u64map m = {0};
    const uint64_t n = 100000;
    for (uint64_t i = 0; i < n; i++)
        u64map_put(&m, i * 1000003ULL, (uint32_t)i);
    assert_int_equal(m.len, n);
    for (uint64_t i = 0; i < n; i++) {
        uint32_t v;
        assert_true(u64map_get(&m, i * 1000003ULL, &v));
        assert_int_equal(v, i);
    }
    uint32_t v;
    assert_false(u64map_get(&m, 5, &v));
    u64map_free(&m);

    u64map_reserve(&m, 5000);
    size_t cap = m.cap;
    for (uint64_t i = 0; i < 5000; i++) {
        bool added;
        *u64map_slot(&m, i, &added) = (uint32_t)i + 1;
        assert_true(added);
    }
    assert_int_equal(m.cap, cap); /* reserved: no rehash on the way */
    u64map_free(&m);
}

static void test_keyset(void **state)
{
    (void)state;
    struct keyset s;
    keyset_init(&s);
    uint32_t *v;
    assert_null(keyset_find(&s, "a", 1));
    assert_true(keyset_add(&s, "alpha", 5, &v));
    *v = 1;
    assert_true(keyset_add(&s, "", 0, &v));
    *v = 2;
    assert_true(keyset_add(&s, "a\0b", 3, &v));
    *v = 3;
    assert_false(keyset_add(&s, "alpha", 5, &v));
    assert_int_equal(*v, 1);
    assert_int_equal(*keyset_find(&s, "", 0), 2);
    assert_int_equal(*keyset_find(&s, "a\0b", 3), 3);
    assert_null(keyset_find(&s, "a", 1));
    assert_int_equal(keyset_count(&s), 3);
    size_t len;
    assert_string_equal(keyset_key(&s, 0, &len), "alpha");
    assert_int_equal(len, 5);
    assert_string_equal(keyset_key(&s, 1, NULL), "");
    assert_int_equal(*keyset_value(&s, 2), 3);
    keyset_free(&s);
}

static void test_keyset_many(void **state)
{
    (void)state;
    struct keyset s;
    keyset_init(&s);
    keyset_reserve(&s, 1000);
    char k[32];
    for (int i = 0; i < 50000; i++) {
        int n = snprintf(k, sizeof k, "patient-%d", i);
        uint32_t *v;
        assert_true(keyset_add(&s, k, (size_t)n, &v));
        *v = (uint32_t)i;
    }
    for (int i = 0; i < 50000; i++) {
        int n = snprintf(k, sizeof k, "patient-%d", i);
        uint32_t *v = keyset_find(&s, k, (size_t)n);
        assert_non_null(v);
        assert_int_equal(*v, i);
        assert_string_equal(keyset_key(&s, (size_t)i, NULL), k);
    }
    assert_null(keyset_find(&s, "patient-50000", 13));
    keyset_free(&s);
}

/* Two keys under one 64-bit hash share a chain: planted by hand, as real collisions are rare. */
static void test_keyset_same_hash(void **state)
{
    (void)state;
    struct keyset s;
    keyset_init(&s);
    uint32_t *v;
    assert_true(keyset_add(&s, "one", 3, &v));
    *v = 1;
    assert_true(keyset_add(&s, "two", 3, &v));
    *v = 2;
    /* Point the hash of "two" at a chain two -> one, then drop one's own slot. */
    uint32_t *two = u64map_slot(&s.index, hash_bytes("two", 3), NULL);
    s.entries[*two - 1].next = 1;
    uint32_t *one = u64map_slot(&s.index, hash_bytes("one", 3), NULL);
    *one = *two;
    assert_int_equal(*keyset_find(&s, "one", 3), 1);
    assert_int_equal(*keyset_find(&s, "two", 3), 2);
    assert_false(keyset_add(&s, "one", 3, &v));
    assert_int_equal(*v, 1);
    keyset_free(&s);
}

static void test_hash_functions(void **state)
{
    (void)state;
    assert_int_equal(hash_fnv1a32(""), 2166136261u);
    assert_int_equal(hash_fnv1a32("a"), 0xe40c292cu);
    assert_true(hash_fnv1a64("", 0, HASH_FNV64_SEED) == HASH_FNV64_SEED);
    assert_true(hash_fnv1a64("a", 1, HASH_FNV64_SEED) == 0x44bd8ad473cd9906ULL);
    assert_true(hash_bytes("abcdefgh1", 9) != hash_bytes("abcdefgh2", 9));
    assert_true(hash_bytes("", 0) != hash_bytes("\0", 1));
    assert_true(hash_u64(1) != hash_u64(2));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_u64map_basic),     cmocka_unit_test(test_u64map_grows),
        cmocka_unit_test(test_keyset),           cmocka_unit_test(test_keyset_many),
        cmocka_unit_test(test_keyset_same_hash), cmocka_unit_test(test_hash_functions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
