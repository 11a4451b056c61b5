/* Measures' rule tables compiled once into the predicates measures_rule.c evaluates in C. A rule
 * table is a conjunction: every key must hold. Numbers may be written in place or name one of
 * the measure's params, so a site can change them in its config. */
#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "measures_load.h"

static const char *const POPULATIONS[] = {"ltot", "fill_rule", "all", NULL};

/* A number in place, or the name of a numeric param. */
static int rule_number(lua_State *L, int v, int params, const char *key, double *out, char *err,
                       size_t errlen)
{
    if (lua_type(L, v) == LUA_TNUMBER) {
        *out = lua_tonumber(L, v);
        return 0;
    }
    if (lua_type(L, v) == LUA_TSTRING) {
        lua_getfield(L, params, lua_tostring(L, v));
        bool ok = lua_type(L, -1) == LUA_TNUMBER;
        *out = ok ? lua_tonumber(L, -1) : NAN;
        lua_pop(L, 1);
        if (ok)
            return 0;
        snprintf(err, errlen, "%s names param '%s', which is not a number in params", key,
                 lua_tostring(L, v));
        return -1;
    }
    snprintf(err, errlen, "%s must be a number or the name of a param", key);
    return -1;
}

static int rule_field_number(lua_State *L, int t, int params, const char *key, const char *field,
                             double *out, char *err, size_t errlen)
{
    lua_getfield(L, t, field);
    char path[64];
    snprintf(path, sizeof path, "%s.%s", key, field);
    int rc = rule_number(L, lua_gettop(L), params, path, out, err, errlen);
    lua_pop(L, 1);
    return rc;
}

static int rule_field_string(lua_State *L, int t, const char *key, const char *field, char *out,
                             size_t n, char *err, size_t errlen)
{
    lua_getfield(L, t, field);
    bool ok = lua_type(L, -1) == LUA_TSTRING;
    if (ok)
        snprintf(out, n, "%s", lua_tostring(L, -1));
    lua_pop(L, 1);
    if (!ok)
        snprintf(err, errlen, "%s.%s must be a string", key, field);
    return ok ? 0 : -1;
}

static struct pred *pred_add(struct pred_list *pl)
{
    pl->p = xrealloc(pl->p, (pl->n + 1) * sizeof *pl->p);
    memset(&pl->p[pl->n], 0, sizeof *pl->p);
    return &pl->p[pl->n++];
}

static int compile_any(lua_State *L, int v, int params, struct pred *p, char *err, size_t errlen)
{
    if (!lua_istable(L, v) || lua_rawlen(L, v) == 0) {
        snprintf(err, errlen, "any must be a list of rule tables");
        return -1;
    }
    p->op = P_ANY;
    p->nalts = lua_rawlen(L, v);
    p->alts = xcalloc(p->nalts, sizeof *p->alts);
    for (size_t i = 0; i < p->nalts; i++) {
        lua_rawgeti(L, v, (lua_Integer)i + 1);
        int rc = rule_compile(L, lua_gettop(L), params, &p->alts[i], err, errlen);
        lua_pop(L, 1);
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* One key of a rule table: the key at -2, its value at -1. */
static int compile_term(lua_State *L, int params, struct pred_list *pl, char *err, size_t errlen)
{
    int v = lua_gettop(L);
    const char *key = lua_tostring(L, v - 1);
    if (strcmp(key, "population") == 0) {
        const char *s = lua_tostring(L, v);
        for (int i = 0; s && POPULATIONS[i]; i++)
            if (strcmp(s, POPULATIONS[i]) == 0) {
                pl->population = i;
                return 0;
            }
        snprintf(err, errlen, "population must be \"ltot\", \"fill_rule\" or \"all\"");
        return -1;
    }
    struct pred *p = pred_add(pl);
    if (strcmp(key, "med_at_least") == 0) {
        p->op = P_MED_AT_LEAST;
        return rule_number(L, v, params, key, &p->num, err, errlen);
    }
    if (strcmp(key, "benzo_within") == 0) {
        p->op = P_BENZO_WITHIN;
        return rule_number(L, v, params, key, &p->num, err, errlen);
    }
    if (strcmp(key, "naloxone_within") == 0) {
        p->op = P_NALOXONE_WITHIN;
        return rule_number(L, v, params, key, &p->num, err, errlen);
    }
    if (strcmp(key, "labeled") == 0 || strcmp(key, "meets_fill_rule") == 0 ||
        strcmp(key, "oud") == 0) {
        p->op = key[0] == 'l' ? P_LABELED : key[0] == 'm' ? P_FILL_RULE : P_OUD;
        p->num = lua_toboolean(L, v);
        if (lua_isboolean(L, v))
            return 0;
        snprintf(err, errlen, "%s must be true or false", key);
        return -1;
    }
    if (strcmp(key, "event_within") == 0 || strcmp(key, "assessment_within") == 0) {
        bool ev = key[0] == 'e';
        p->op = ev ? P_EVENT_WITHIN : P_ASSESSMENT_WITHIN;
        if (!lua_istable(L, v)) {
            snprintf(err, errlen, "%s must be a table", key);
            return -1;
        }
        if (rule_field_string(L, v, key, ev ? "event" : "instrument", p->name, sizeof p->name, err,
                              errlen) != 0 ||
            rule_field_number(L, v, params, key, "days", &p->num, err, errlen) != 0)
            return -1;
        if (ev && (p->event = event_type_index(p->name)) < 0) {
            snprintf(err, errlen, "%s: unknown event type '%s'", key, p->name);
            return -1;
        }
        return 0;
    }
    if (strcmp(key, "any") == 0)
        return compile_any(L, v, params, p, err, errlen);
    snprintf(err, errlen,
             "unknown rule '%s' (known: population, med_at_least, benzo_within, "
             "naloxone_within, event_within, assessment_within, labeled, "
             "meets_fill_rule, oud, any)",
             key);
    return -1;
}

int rule_compile(lua_State *L, int t, int params, struct pred_list *pl, char *err, size_t errlen)
{
    memset(pl, 0, sizeof *pl);
    pl->population = -1;
    lua_pushnil(L);
    while (lua_next(L, t)) {
        if (lua_type(L, -2) != LUA_TSTRING) {
            snprintf(err, errlen, "rule keys must be names");
            lua_pop(L, 2);
            return -1;
        }
        if (compile_term(L, params, pl, err, errlen) != 0) {
            lua_pop(L, 2);
            return -1;
        }
        lua_pop(L, 1);
    }
    return 0;
}
