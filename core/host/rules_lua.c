/* sixbb.rules and the per-patient rules hook (rules_lua.h). The built-in rules stay in C
 * (eval_facts.c) and run for every patient inside evaluation; Lua is called per patient only
 * when a plugin registers a rule of its own. */
#include "rules_lua.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts_push.h"
#include "util.h"

/* ------------------------------------------------------------------ reading a facts table */

static double field_num(lua_State *L, int t, const char *key, double fallback)
{
    lua_getfield(L, t, key);
    double v = lua_type(L, -1) == LUA_TNUMBER ? lua_tonumber(L, -1) : fallback;
    lua_pop(L, 1);
    return v;
}

static day_t field_date(lua_State *L, int t, const char *key)
{
    day_t d = DATE_NONE;
    lua_getfield(L, t, key);
    if (lua_type(L, -1) == LUA_TSTRING) {
        size_t len;
        const char *s = lua_tolstring(L, -1, &len);
        if (date_parse(s, len, &d) != 0)
            luaL_error(L, "sixbb.rules: p.%s is '%s'; expected a YYYY-MM-DD date", key, s);
    }
    lua_pop(L, 1);
    return d;
}

/* p.scores[instrument].score, when the patient has a scored assessment. */
static bool field_score(lua_State *L, int p, const char *instrument, double *out)
{
    int top = lua_gettop(L);
    bool has = false;
    if (lua_getfield(L, p, "scores") == LUA_TTABLE &&
        lua_getfield(L, -1, instrument) == LUA_TTABLE &&
        lua_getfield(L, -1, "score") == LUA_TNUMBER) {
        *out = lua_tonumber(L, -1);
        has = true;
    }
    lua_settop(L, top);
    return has;
}

static void read_risk_in(lua_State *L, int p, struct risk_in *in)
{
    memset(in, 0, sizeof *in);
    int top = lua_gettop(L);
    in->as_of = field_date(L, p, "as_of");
    if (in->as_of == DATE_NONE)
        luaL_error(L, "sixbb.rules.risk_tier: the facts table has no as_of date");
    in->med = field_num(L, p, "med", 0);
    in->benzo_overlap = (int)field_num(L, p, "benzo_overlap_days", 0);
    lua_getfield(L, p, "oud");
    in->oud = lua_toboolean(L, -1);
    lua_pop(L, 1);
    in->last_overdose = DATE_NONE;
    if (lua_getfield(L, p, "last") == LUA_TTABLE)
        in->last_overdose = field_date(L, lua_gettop(L), "overdose");
    lua_settop(L, top);
    in->has_ort = field_score(L, p, "ort", &in->ort);
    lua_settop(L, top);
    in->has_phq9 = field_score(L, p, "phq9", &in->phq9);
    lua_settop(L, top);
}

/* A threshold from params (shaped like the config's rules.risk), else from the config. */
static double threshold(lua_State *L, int params, const char *group, const char *key)
{
    double v = 0;
    bool found = false;
    if (params && lua_getfield(L, params, group) == LUA_TTABLE &&
        lua_getfield(L, -1, key) == LUA_TNUMBER) {
        v = lua_tonumber(L, -1);
        found = true;
    }
    if (params)
        lua_settop(L, params);
    if (!found) {
        char path[64];
        snprintf(path, sizeof path, "rules.risk.%s.%s", group, key);
        v = host_config_number(host_from_lua(L), path, 0);
    }
    return v;
}

static void read_thresholds(lua_State *L, int params, struct rules *ru)
{
    memset(ru, 0, sizeof *ru);
    ru->high_med = threshold(L, params, "high", "med");
    ru->high_benzo_days = (int)threshold(L, params, "high", "benzo_overlap_days");
    ru->high_overdose_days = (int)threshold(L, params, "high", "overdose_days");
    ru->high_ort = threshold(L, params, "high", "ort");
    ru->mod_med = threshold(L, params, "moderate", "med");
    ru->mod_ort = threshold(L, params, "moderate", "ort");
    ru->mod_phq9 = threshold(L, params, "moderate", "phq9");
}

/* ------------------------------------------------------------------ the built-in rules */

/* sixbb.rules.risk_tier(p [, params]) -> tier, reasons: the C risk tier on a facts table. */
static int l_risk_tier(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 2);
    if (!lua_isnil(L, 2))
        luaL_checktype(L, 2, LUA_TTABLE);
    struct risk_in in;
    read_risk_in(L, 1, &in);
    struct rules ru;
    read_thresholds(L, lua_isnil(L, 2) ? 0 : 2, &ru);
    struct facts f;
    memset(&f, 0, sizeof f);
    risk_tier_eval(&ru, &in, &f);
    lua_pushstring(L, risk_names[f.risk]);
    lua_createtable(L, f.nreasons, 0);
    for (int i = 0; i < f.nreasons; i++) {
        lua_pushstring(L, f.reasons[i]);
        lua_rawseti(L, -2, i + 1);
    }
    return 2;
}

/* sixbb.rules.ltot(p [, params]) -> bool, reason. The seed rule is decided from the facts (fill
 * rule or label); the coverage rules count days on the dose timeline, which the facts table does
 * not carry, so for them the answer is the one evaluation computed. */
static int l_ltot(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_getfield(L, 1, "ltot_rule");
    const char *rule = lua_isstring(L, -1) ? lua_tostring(L, -1) : "seed";
    bool seed = strcmp(rule, "seed") == 0;
    lua_getfield(L, 1, seed ? "meets_fill_rule" : "ltot");
    bool v = lua_toboolean(L, -1);
    lua_getfield(L, 1, "labeled");
    if (seed)
        v = v || lua_toboolean(L, -1);
    lua_pushboolean(L, v);
    lua_getfield(L, 1, "ltot_reason");
    return 2;
}

void rules_lua_push_api(lua_State *L)
{
    static const luaL_Reg fns[] = {{"risk_tier", l_risk_tier}, {"ltot", l_ltot}, {NULL, NULL}};
    luaL_newlib(L, fns);
}

/* ------------------------------------------------------------------ the hook */

/* Takes the rule a plugin names: a later plugin's rule replaces an earlier one, and naming
 * the built-in function restores it. */
static void take_rule(lua_State *L, const char *key, lua_CFunction builtin, const char *plugin,
                      int *ref, char **owner)
{
    if (lua_getfield(L, -1, key) != LUA_TFUNCTION) {
        lua_pop(L, 1);
        return;
    }
    luaL_unref(L, LUA_REGISTRYINDEX, *ref);
    free(*owner);
    *ref = LUA_NOREF;
    *owner = NULL;
    if (lua_tocfunction(L, -1) == builtin) {
        lua_pop(L, 1);
        return;
    }
    *ref = luaL_ref(L, LUA_REGISTRYINDEX);
    *owner = xstrdup(plugin);
}

static int config_ref(struct host *h, const char *path)
{
    host_push_config_path(h, path);
    return luaL_ref(h->L, LUA_REGISTRYINDEX);
}

void rules_hook_load(struct host *h, struct rules_hook *k)
{
    lua_State *L = h->L;
    memset(k, 0, sizeof *k);
    k->risk_ref = k->ltot_ref = k->risk_params = k->ltot_params = LUA_NOREF;
    for (size_t i = 0; i < h->nplugins; i++) {
        struct plugin *p = &h->plugins[i];
        if (!p->loaded)
            continue;
        lua_rawgeti(L, LUA_REGISTRYINDEX, p->ref);
        if (lua_getfield(L, -1, "rules") == LUA_TTABLE) {
            take_rule(L, "risk", l_risk_tier, p->id, &k->risk_ref, &k->risk_plugin);
            take_rule(L, "ltot", l_ltot, p->id, &k->ltot_ref, &k->ltot_plugin);
        }
        lua_pop(L, 2);
    }
    if (k->risk_ref != LUA_NOREF)
        k->risk_params = config_ref(h, "rules.risk");
    if (k->ltot_ref != LUA_NOREF)
        k->ltot_params = config_ref(h, "rules.ltot");
}

void rules_hook_free(struct host *h, struct rules_hook *k)
{
    luaL_unref(h->L, LUA_REGISTRYINDEX, k->risk_ref);
    luaL_unref(h->L, LUA_REGISTRYINDEX, k->ltot_ref);
    luaL_unref(h->L, LUA_REGISTRYINDEX, k->risk_params);
    luaL_unref(h->L, LUA_REGISTRYINDEX, k->ltot_params);
    free(k->risk_plugin);
    free(k->ltot_plugin);
    memset(k, 0, sizeof *k);
    k->risk_ref = k->ltot_ref = k->risk_params = k->ltot_params = LUA_NOREF;
}

static int rule_failed(struct host *h, struct rules_hook *k, const char *msg)
{
    /* Like a check's: the first few are shown, the count in the result covers the rest. */
    if (k->errors++ < 3)
        host_log("error", "%s", msg);
    return 1;
}

static int read_tier(const char *s)
{
    for (int i = 0; i < 3; i++)
        if (s && strcmp(s, risk_names[i]) == 0)
            return i;
    return -1;
}

/* Stack: tier, reasons. */
static int take_risk(struct host *h, struct rules_hook *k, struct facts *f)
{
    lua_State *L = h->L;
    int tier = read_tier(lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL);
    if (tier < 0 || !(lua_isnil(L, -1) || lua_istable(L, -1))) {
        char msg[300], got[80];
        if (lua_type(L, -2) == LUA_TSTRING)
            snprintf(got, sizeof got, "'%.40s'", lua_tostring(L, -2));
        else
            snprintf(got, sizeof got, "a %s", luaL_typename(L, -2));
        snprintf(msg, sizeof msg,
                 "plugin '%s', rules.risk: returned %s and a %s; expected \"high\", "
                 "\"moderate\" or \"low\" and a list of reasons",
                 k->risk_plugin, got, luaL_typename(L, -1));
        return rule_failed(h, k, msg);
    }
    f->risk = tier;
    f->nreasons = 0;
    lua_Integer n = lua_istable(L, -1) ? (lua_Integer)lua_rawlen(L, -1) : 0;
    for (lua_Integer i = 1; i <= n && f->nreasons < 6; i++) {
        if (lua_rawgeti(L, -1, i) == LUA_TSTRING)
            snprintf(f->reasons[f->nreasons++], sizeof f->reasons[0], "%s", lua_tostring(L, -1));
        lua_pop(L, 1);
    }
    return 0;
}

/* Stack: ltot, reason. */
static int take_ltot(struct host *h, struct rules_hook *k, struct facts *f)
{
    lua_State *L = h->L;
    if (lua_type(L, -2) != LUA_TBOOLEAN || !(lua_isnil(L, -1) || lua_isstring(L, -1))) {
        char msg[300];
        snprintf(msg, sizeof msg,
                 "plugin '%s', rules.ltot: returned a %s and a %s; expected a boolean and a reason",
                 k->ltot_plugin, luaL_typename(L, -2), luaL_typename(L, -1));
        return rule_failed(h, k, msg);
    }
    f->ltot = lua_toboolean(L, -2);
    snprintf(f->ltot_reason, sizeof f->ltot_reason, "%s",
             lua_isstring(L, -1) ? lua_tostring(L, -1) : "");
    return 0;
}

static int call_rule(struct host *h, struct rules_hook *k, int fn, int params, const char *owner,
                     const char *hook, const struct rules *ru, const struct patient_rows *pr,
                     struct facts *f, day_t as_of)
{
    lua_State *L = h->L;
    int top = lua_gettop(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, fn);
    facts_push(L, ru, pr, f, as_of);
    lua_rawgeti(L, LUA_REGISTRYINDEX, params);
    int failed;
    if (host_pcall(h, owner, hook, 2, 2, h->limits.check_seconds) != 0)
        failed = rule_failed(h, k, h->last_error);
    else
        failed = fn == k->risk_ref ? take_risk(h, k, f) : take_ltot(h, k, f);
    lua_settop(L, top);
    return failed;
}

int rules_hook_apply(struct host *h, struct rules_hook *k, const struct rules *ru,
                     const struct patient_rows *pr, struct facts *f, day_t as_of)
{
    int failed = 0;
    /* LtOT first: a risk rule may read whether the patient is on long-term therapy. */
    if (k->ltot_ref != LUA_NOREF)
        failed += call_rule(h, k, k->ltot_ref, k->ltot_params, k->ltot_plugin, "rules.ltot", ru, pr,
                            f, as_of);
    if (k->risk_ref != LUA_NOREF)
        failed += call_rule(h, k, k->risk_ref, k->risk_params, k->risk_plugin, "rules.risk", ru, pr,
                            f, as_of);
    return failed;
}
