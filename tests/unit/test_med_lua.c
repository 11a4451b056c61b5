/* sixbb.med from Lua: a plain Lua state with the module set as the global `med`; each snippet
 * asserts in Lua and must run without error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <lauxlib.h>
#include <lualib.h>

#include "med_lua.h"
#include "med_fixture.h"

static lua_State *L;

static int setup(void **state)
{
    if (fixture_setup(state) < 0)
        return -1;
    L = luaL_newstate();
    luaL_openlibs(L);
    sixbb_med_open(L, fx.db, fx.cdc2022);
    lua_setglobal(L, "med");
    return 0;
}

static int teardown(void **state)
{
    lua_close(L);
    return fixture_teardown(state);
}

static void run(const char *code)
{
    if (luaL_dostring(L, code) != LUA_OK) {
        const char *msg = lua_tostring(L, -1);
        fail_msg("%s", msg ? msg : "(no message)");
    }
}

static void calc(void **state)
{
    (void)state;
    run("local r = med.calc{drug='oxycodone 10 mg tablet', quantity=120, days_supply=30}\n"
        "assert(r.med == 60, r.med)\n"
        "assert(r.ingredient == 'oxycodone' and r.daily_dose == 40 and r.unit == 'mg')\n"
        "assert(r.factor == 1.5 and r.method == 'dispensing' and #r.flags == 0)\n"
        "assert(r.arithmetic == '10 mg × 120 ÷ 30 d × 1.5 = 60.0', r.arithmetic)\n"
        "assert(r.error == nil and r.standard == 'cdc2022' and r.status == 'ok')\n");
    run("local r = med.calc{drug='hydrocodone 5 mg/APAP 300', dose=1, doses_per_day=4}\n"
        "assert(r.med == 20 and r.method == 'sig')\n"
        "r = med.calc{drug='oxycodone 5 mg', dose='1-2', doses_per_day='q4-6h', prn=true}\n"
        "assert(r.med == 90, r.med)\n"
        "local seen = {} for _, f in ipairs(r.flags) do seen[f] = true end\n"
        "assert(seen.dose_range and seen.prn)\n"
        "r = med.calc{ndc='00093-6902-19'}\n"
        "assert(r.med == 180, r.med)\n"
        "r = med.calc{rxnorm=197696}\n"
        "assert(r.med == 180)\n"
        "r = med.calc{drug='oxycodone', strength=10, strength_unit='mg', form='tablet',\n"
        "             quantity=60, days_supply=30}\n"
        "assert(r.med == 30)\n");
}

static void errors_are_values(void **state)
{
    (void)state;
    run("local r = med.calc{drug='oxycodone 10 mg tablet', quantity=120, days_supply=0}\n"
        "assert(r.med == nil and r.status == 'error')\n"
        "assert(r.error:find('days supply is 0', 1, true), r.error)\n"
        "r = med.calc{drug='xyz'}\n"
        "assert(r.error:find(\"no opioid ingredient recognised in 'xyz'\", 1, true))\n"
        "r = med.calc{drug='Butrans 10 mcg/hr'}\n"
        "assert(r.med == nil and r.status == 'excluded' and r.note and r.error == nil)\n");
    /* wrong argument types raise a Lua error (caught here) */
    run("local ok, e = pcall(med.calc, {drug=42})\n"
        "assert(not ok and e:find(\"field 'drug' must be a string\", 1, true), e)\n"
        "ok, e = pcall(med.calc, {drug='oxycodone 5 mg', quantity='lots'})\n"
        "assert(not ok and e:find(\"field 'quantity' must be a number\", 1, true), e)\n"
        "ok = pcall(med.calc, 'oxycodone')\n"
        "assert(not ok)\n"
        "ok, e = pcall(med.total, {{drug='oxycodone 5 mg'}, 7})\n"
        "assert(not ok and e:find('item 2', 1, true), e)\n");
}

static void resolve(void **state)
{
    (void)state;
    run("local p = med.resolve('Percocet 10/325')\n"
        "assert(p.resolved and p.ingredient == 'oxycodone' and p.strength == 10)\n"
        "assert(p.class == 'opioid' and p.form == 'tablet' and p.acting == 'short')\n"
        "assert(p.source == 'text' and p.unit == 'mg')\n"
        "p = med.resolve{ndc='59385002160'}\n"
        "assert(p.class == 'buprenorphine_pain' and p.source == 'ndc')\n"
        "p = med.resolve('Suboxone 8 mg/2 mg')\n"
        "assert(p.class == 'moud')\n"
        "p = med.resolve('oxycodone tablet')\n"
        "assert(not p.resolved and p.reason:find('strength missing', 1, true))\n"
        "p = med.resolve('xyz')\n"
        "assert(not p.resolved and p.class == 'unresolved')\n");
}

static void standard_and_factor(void **state)
{
    (void)state;
    run("local s = med.standard()\n"
        "assert(s.name == 'cdc2022' and s.version == '2022' and s.methadone_tiers == false)\n"
        "assert(med.factor('oxycodone') == 1.5)\n"
        "assert(med.factor('fentanyl', 'mcg/hr') == 2.4)\n"
        "assert(med.factor('methadone') == 4.7)\n"
        "local f, why = med.factor('buprenorphine')\n"
        "assert(f == nil and why:find('left out', 1, true))\n"
        "f, why = med.factor('fentanyl', 'buccal')\n"
        "assert(f == nil and why:find('no factor', 1, true))\n");
}

static void tiered_standard(void **state)
{
    (void)state;
    lua_State *L2 = luaL_newstate();
    luaL_openlibs(L2);
    sixbb_med_open(L2, fx.db, fx.cdc2016);
    lua_setglobal(L2, "med");
    const char *code =
        "local f, why = med.factor('methadone')\n"
        "assert(f == nil and why:find('total daily methadone', 1, true))\n"
        "assert(med.factor('methadone', 'mg', 20.5) == 8)\n"
        "local total, rows, bad = med.total{\n"
        "  {drug='methadone 10 mg tablet', dose=1, doses_per_day=1},\n"
        "  {drug='methadone 5 mg tablet', dose=1, doses_per_day=3},\n"
        "  {drug='oxycodone 10 mg', dose=1, doses_per_day=2},\n"
        "  {drug='xyz'}}\n"
        "assert(total == 25 * 8 + 30, total)\n"
        "assert(rows[1].factor == 8 and rows[2].factor == 8 and bad == 1)\n"
        "assert(rows[4].error)\n";
    int rc = luaL_dostring(L2, code);
    if (rc != LUA_OK)
        fail_msg("%s", lua_tostring(L2, -1));
    lua_close(L2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(calc),
        cmocka_unit_test(errors_are_values),
        cmocka_unit_test(resolve),
        cmocka_unit_test(standard_and_factor),
        cmocka_unit_test(tiered_standard),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
