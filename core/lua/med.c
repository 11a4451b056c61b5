/* sixbb.med: each function checks its Lua arguments, calls the C engine (which knows nothing of
 * Lua) and pushes the result. Arguments stay on the Lua stack while C borrows their strings, and
 * the only C-side buffers are on the C stack or in Lua userdata, so a Lua error can never leak. */
#include <lauxlib.h>
#include <lua.h>
#include <math.h>
#include <string.h>

#include "med_lua.h"
#include "host.h"
#include "med.h"

#define DB_UPVALUE lua_upvalueindex(1)
#define STD_UPVALUE lua_upvalueindex(2)

static const struct med_db *get_db(lua_State *L)
{
    return lua_touserdata(L, DB_UPVALUE);
}

static const struct med_standard *get_std(lua_State *L)
{
    return lua_touserdata(L, STD_UPVALUE);
}

/* ---------------------------------------------------------------- reading arguments */

/* Pushes t[key] and returns its string (numbers are accepted for codes and doses), or NULL when
 * nil. The value stays on the stack so the pointer stays valid. */
static const char *field_string(lua_State *L, int t, const char *key, bool numbers)
{
    int type = lua_getfield(L, t, key);
    if (type == LUA_TNIL)
        return NULL;
    if (type == LUA_TSTRING || (numbers && type == LUA_TNUMBER))
        return lua_tostring(L, -1);
    luaL_error(L, "sixbb.med: field '%s' must be a %s, not a %s", key,
               numbers ? "string or a number" : "string", luaL_typename(L, -1));
    return NULL;
}

static double field_number(lua_State *L, int t, const char *key)
{
    int type = lua_getfield(L, t, key);
    double v = NAN;
    if (type == LUA_TNUMBER)
        v = lua_tonumber(L, -1);
    else if (type != LUA_TNIL)
        luaL_error(L, "sixbb.med: field '%s' must be a number, not a %s", key,
                   luaL_typename(L, -1));
    lua_pop(L, 1);
    return v;
}

/* Reads a prescription table at index t into *in; leaves its strings on the stack. */
static void read_input(lua_State *L, int t, struct med_input *in)
{
    luaL_checkstack(L, 12, "sixbb.med");
    *in = med_input_empty();
    in->drug = field_string(L, t, "drug", false);
    in->ndc = field_string(L, t, "ndc", true);
    in->rxnorm = field_string(L, t, "rxnorm", true);
    in->strength_unit = field_string(L, t, "strength_unit", false);
    in->form = field_string(L, t, "form", false);
    in->dose = field_string(L, t, "dose", true);
    in->doses_per_day = field_string(L, t, "doses_per_day", true);
    in->strength = field_number(L, t, "strength");
    in->quantity = field_number(L, t, "quantity");
    in->days_supply = field_number(L, t, "days_supply");
    lua_getfield(L, t, "prn");
    in->prn = lua_toboolean(L, -1);
    lua_pop(L, 1);
}

/* ---------------------------------------------------------------- pushing results */

static void set_string(lua_State *L, const char *key, const char *v)
{
    if (v && *v)
        lua_pushstring(L, v);
    else
        lua_pushnil(L);
    lua_setfield(L, -2, key);
}

static void set_number(lua_State *L, const char *key, double v)
{
    if (isnan(v))
        lua_pushnil(L);
    else
        lua_pushnumber(L, v);
    lua_setfield(L, -2, key);
}

static void push_flags(lua_State *L, uint32_t flags)
{
    lua_newtable(L);
    int n = 0;
    for (unsigned i = 0; i < MED_FLAG_COUNT; i++)
        if (flags & (1u << i)) {
            lua_pushstring(L, med_flag_name(i));
            lua_rawseti(L, -2, ++n);
        }
}

static void push_result(lua_State *L, const struct med_result *r)
{
    char ar[512];
    bool ok = r->status == MED_OK;
    lua_createtable(L, 0, 14);
    set_number(L, "med", ok ? r->med : NAN);
    set_string(L, "status", med_status_name(r->status));
    set_string(L, "ingredient", r->product.ingredient);
    set_string(L, "class", med_class_name(r->product.cls));
    set_number(L, "daily_dose", ok ? r->daily_dose : NAN);
    set_string(L, "unit", med_result_unit(r));
    set_number(L, "factor", ok ? r->factor : NAN);
    set_string(L, "method", med_method_name(r->method));
    push_flags(L, r->flags);
    lua_setfield(L, -2, "flags");
    set_string(L, "arithmetic", med_result_arithmetic(r, ar, sizeof ar));
    set_string(L, "error", r->status == MED_ERROR ? r->error : NULL);
    set_string(L, "note", ok || r->status == MED_ERROR ? NULL : r->error);
    set_string(L, "standard", med_standard_name(r->std));
}

static void push_product(lua_State *L, const struct med_product *p, enum med_resolution res,
                         const char *why)
{
    lua_createtable(L, 0, 11);
    lua_pushboolean(L, res == MED_RESOLVED);
    lua_setfield(L, -2, "resolved");
    set_string(L, "reason", res == MED_RESOLVED ? NULL : why);
    set_string(L, "ingredient", p->ingredient);
    set_number(L, "strength", p->strength);
    set_string(L, "unit", med_unit_name(p->unit));
    set_string(L, "form", med_form_name(p->form));
    set_string(L, "acting", med_acting_name(p->acting));
    set_string(L, "class", med_class_name(p->cls));
    set_string(L, "source", med_source_name(p->source));
    set_string(L, "label", p->label);
    push_flags(L, p->flags);
    lua_setfield(L, -2, "flags");
}

/* ---------------------------------------------------------------- functions */

static int l_calc(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    struct med_input in;
    read_input(L, 1, &in);
    struct med_result r;
    med_compute(get_db(L), get_std(L), &in, &r);
    push_result(L, &r);
    return 1;
}

static int l_resolve(lua_State *L)
{
    struct med_input in = med_input_empty();
    if (lua_type(L, 1) == LUA_TTABLE)
        read_input(L, 1, &in);
    else
        in.drug = luaL_checkstring(L, 1);
    struct med_product p;
    char why[MED_ERROR_MAX];
    enum med_resolution res = med_resolve(get_db(L), &in, &p, why, sizeof why);
    push_product(L, &p, res, why);
    return 1;
}

static int l_standard(lua_State *L)
{
    const struct med_standard *s = get_std(L);
    lua_createtable(L, 0, 4);
    set_string(L, "name", med_standard_name(s));
    set_string(L, "version", med_standard_version(s));
    set_string(L, "source", med_standard_source(s));
    lua_pushboolean(L, med_standard_tiered(s));
    lua_setfield(L, -2, "methadone_tiers");
    return 1;
}

/* The second argument names a unit ("mg", "mcg", "mcg/hr") or a route ("transdermal", "nasal"
 * …); a unit of mcg/hr implies the transdermal route. */
static void route_and_unit(const char *arg, const char **route, enum med_unit *unit)
{
    *route = NULL;
    *unit = MED_UNIT_MG;
    if (!arg)
        return;
    if (!strcmp(arg, "mg"))
        *unit = MED_UNIT_MG;
    else if (!strcmp(arg, "mcg"))
        *unit = MED_UNIT_MCG;
    else if (!strcmp(arg, "mcg/hr")) {
        *unit = MED_UNIT_MCG_HR;
        *route = "transdermal";
    } else {
        *route = arg;
        *unit = !strcmp(arg, "transdermal") ? MED_UNIT_MCG_HR : MED_UNIT_NONE;
    }
}

static int l_factor(lua_State *L)
{
    const char *ing = luaL_checkstring(L, 1);
    const char *arg = luaL_optstring(L, 2, NULL);
    double total = luaL_optnumber(L, 3, NAN);
    const struct med_standard *s = get_std(L);
    const char *route;
    enum med_unit unit;
    route_and_unit(arg, &route, &unit);
    struct med_factor f = med_standard_factor(s, ing, route, unit);
    if (f.status == MED_FACTOR_NONE && unit == MED_UNIT_NONE) /* a route: mass units */
        for (enum med_unit u = MED_UNIT_MG; u <= MED_UNIT_MCG && f.status == MED_FACTOR_NONE; u++)
            f = med_standard_factor(s, ing, route, u);
    if (f.status == MED_FACTOR_OK) {
        lua_pushnumber(L, f.factor);
        return 1;
    }
    lua_pushnil(L);
    if (f.status == MED_FACTOR_TIERED && !isnan(total)) {
        double t = med_standard_methadone_factor(s, total);
        if (!isnan(t)) {
            lua_pop(L, 1);
            lua_pushnumber(L, t);
            return 1;
        }
    }
    if (f.status == MED_FACTOR_TIERED)
        lua_pushfstring(L, "%s depends on the total daily methadone under %s: pass it", ing,
                        med_standard_name(s));
    else if (f.status == MED_FACTOR_EXCLUDED)
        lua_pushfstring(L, "%s is left out of MED under %s: %s", ing, med_standard_name(s),
                        f.reason);
    else
        lua_pushfstring(L, "no factor for %s in %s", ing, med_standard_name(s));
    return 2;
}

/* total{ {drug=…}, {…} } -> total, results, not_computable: rows taken together. */
static int l_total(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_Integer n = luaL_len(L, 1);
    if (n < 0 || n > 100000)
        return luaL_error(L, "sixbb.med.total: expected a list of at most 100000 prescriptions");
    /* Userdata, so the results are collected even if a later argument raises an error. */
    struct med_result *res = lua_newuserdatauv(L, (size_t)(n ? n : 1) * sizeof *res, 0);
    int base = lua_gettop(L);
    for (lua_Integer i = 1; i <= n; i++) {
        if (lua_geti(L, 1, i) != LUA_TTABLE)
            return luaL_error(L, "sixbb.med.total: item %d is not a table", (int)i);
        struct med_input in;
        read_input(L, lua_gettop(L), &in);
        med_compute(get_db(L), get_std(L), &in, &res[i - 1]);
        lua_settop(L, base);
    }
    size_t bad;
    double total = med_combine(get_std(L), res, (size_t)n, &bad);
    lua_pushnumber(L, total);
    lua_createtable(L, (int)n, 0);
    for (lua_Integer i = 1; i <= n; i++) {
        push_result(L, &res[i - 1]);
        lua_rawseti(L, -2, i);
    }
    lua_pushinteger(L, (lua_Integer)bad);
    return 3;
}

int sixbb_med_open(lua_State *L, struct med_db *db, const struct med_standard *std)
{
    static const luaL_Reg fns[] = {{"calc", l_calc},         {"resolve", l_resolve},
                                   {"standard", l_standard}, {"factor", l_factor},
                                   {"total", l_total},       {NULL, NULL}};
    lua_createtable(L, 0, 5);
    lua_pushlightuserdata(L, db);
    lua_pushlightuserdata(L, (void *)std);
    luaL_setfuncs(L, fns, 2);
    return 1;
}

/* sixbb.med for plugins: the tables take tens of milliseconds to load, so they are loaded the
 * first time a plugin touches sixbb.med, under the site's configured standard. */
static int med_lazy_index(lua_State *L)
{
    lua_rawgetp(L, LUA_REGISTRYINDEX, (void *)med_lazy_index);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        struct host *h = host_from_lua(L);
        struct med_db *db;
        struct med_standard *std;
        char err[512];
        if (host_med(h, &db, &std, err, sizeof err) != 0)
            return luaL_error(L, "sixbb.med is not available: %s", err);
        sixbb_med_open(L, db, std);
        lua_pushvalue(L, -1);
        lua_rawsetp(L, LUA_REGISTRYINDEX, (void *)med_lazy_index);
    }
    lua_pushvalue(L, 2);
    lua_gettable(L, -2);
    return 1;
}

int luaopen_sixbb_med_lazy(lua_State *L)
{
    lua_newtable(L);
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, med_lazy_index);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);
    return 1;
}
