/* host_merge: the site's settings over their defaults, with the errors of the configuration and
 * of the check parameters. Each case builds both tables in Lua and merges them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <lauxlib.h>

#include "host.h"
#include "merge.h"

static const struct host_merge config = {
    .file = "sixbb.lua", .noun = "settings", .empty_is_map = true};
static const struct host_merge params = {
    .noun = "parameters", .quote_path = true, .flag = "enabled"};

/* Merges `site` over `defaults` (Lua expressions);
 * Returns host_merge's result. */
static int run(struct host *h, const struct host_merge *how, const char *defaults, const char *site,
               const char *path)
{
    lua_State *L = h->L;
    char code[512];
    snprintf(code, sizeof code, "return %s, %s", defaults, site);
    assert_int_equal(luaL_dostring(L, code), LUA_OK);
    int rc = host_merge(h, how, -2, -1, path);
    lua_settop(L, 0);
    return rc;
}

static void merges_nested_and_replaces_lists(void **state)
{
    struct host *h = *state;
    lua_State *L = h->L;
    assert_int_equal(luaL_dostring(L, "d = {a = 1, t = {x = 1, y = 2}, list = {1, 2, 3}, m = {}}"
                                      "s = {a = 5, t = {y = 9}, list = {7}, m = {k = 'v'}}"),
                     LUA_OK);
    lua_getglobal(L, "d");
    lua_getglobal(L, "s");
    assert_int_equal(host_merge(h, &config, -2, -1, ""), 0);
    lua_settop(L, 0);
    assert_int_equal(luaL_dostring(L, "assert(d.a == 5 and d.t.x == 1 and d.t.y == 9)"
                                      "assert(#d.list == 1 and d.list[1] == 7)"
                                      "assert(d.m.k == 'v')"),
                     LUA_OK);
}

static void config_errors(void **state)
{
    struct host *h = *state;
    assert_int_equal(
        run(h, &config, "{limits = {check_seconds = 1}}", "{limits = {check_secnds = 2}}", ""), -1);
    assert_string_equal(h->last_error, "sixbb.lua: unknown setting 'limits.check_secnds' (did you "
                                       "mean 'limits.check_seconds'?)");
    assert_int_equal(run(h, &config, "{a = 1}", "{a = 'x'}", ""), -1);
    assert_string_equal(h->last_error, "sixbb.lua: setting 'a' must be a number, got string");
    assert_int_equal(run(h, &config, "{a = 1}", "{[1] = 2}", ""), -1);
    assert_string_equal(h->last_error,
                        "sixbb.lua: setting (top level) has a number key; settings are named");
    assert_int_equal(run(h, &config, "{a = 1}", "{zzzzzz = 1}", ""), -1);
    assert_string_equal(h->last_error, "sixbb.lua: unknown setting 'zzzzzz'");
}

static void params_errors(void **state)
{
    struct host *h = *state;
    assert_int_equal(run(h, &params, "{days = 30}", "{enabled = false}", "checks['c']"), 0);
    assert_int_equal(run(h, &params, "{days = 30}", "{enabled = 1}", "checks['c']"), -1);
    assert_string_equal(h->last_error, "setting 'checks['c'].enabled' must be a boolean");
    /* "enabled" is offered first, so it wins the tie with a parameter as near. */
    assert_int_equal(run(h, &params, "{enabler = 1}", "{enablex = 1}", "checks['c']"), -1);
    assert_string_equal(
        h->last_error,
        "unknown setting 'checks['c'].enablex' (did you mean 'checks['c'].enabled'?)");
    /* An empty table in the parameters declares no keys. */
    assert_int_equal(run(h, &params, "{m = {}}", "{m = {k = 1}}", "checks['c']"), -1);
    assert_string_equal(h->last_error, "unknown setting 'checks['c'].m.k'");
    assert_int_equal(run(h, &params, "{days = 30}", "{[1] = 2}", "checks['c']"), -1);
    assert_string_equal(h->last_error,
                        "setting 'checks['c']' has a number key; parameters are named");
}

static void copy_is_deep(void **state)
{
    struct host *h = *state;
    lua_State *L = h->L;
    assert_int_equal(luaL_dostring(L, "src = {a = {b = 1}}"), LUA_OK);
    lua_getglobal(L, "src");
    host_push_copy(L, -1);
    lua_setglobal(L, "cp");
    lua_settop(L, 0);
    assert_int_equal(luaL_dostring(L, "cp.a.b = 2 assert(src.a.b == 1 and cp ~= src)"), LUA_OK);
}

static int setup(void **state)
{
    *state = host_new(NULL, NULL);
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    host_free(*state);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(merges_nested_and_replaces_lists),
        cmocka_unit_test(config_errors),
        cmocka_unit_test(params_errors),
        cmocka_unit_test(copy_is_deep),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
