/* The risk tier and the LtOT rule as plugins see them: sixbb.rules.risk_tier and sixbb.rules.ltot
 * (the built-in C rules, callable from Lua with a facts table), and the per-patient hook that runs
 * a plugin's own rules in their place (docs/customizing.md, "Replacing the clinical rules"). */
#ifndef SIXBB_RULES_LUA_H
#define SIXBB_RULES_LUA_H

#include <lauxlib.h>
#include <lua.h>

#include "eval_facts.h"
#include "host.h"

/* Pushes the sixbb.rules table of built-in rule functions. */
void rules_lua_push_api(lua_State *L);

/* The rules the loaded plugins name. A rule left at its built-in costs nothing per patient. */
struct rules_hook {
    int risk_ref, ltot_ref;       /* the plugin's function, or LUA_NOREF for the built-in */
    int risk_params, ltot_params; /* config rules.risk / rules.ltot, passed as params */
    char *risk_plugin, *ltot_plugin;
    int errors;
};
void rules_hook_load(struct host *h, struct rules_hook *k);
void rules_hook_free(struct host *h, struct rules_hook *k);
static inline int rules_hook_active(const struct rules_hook *k)
{
    return k->risk_ref != LUA_NOREF || k->ltot_ref != LUA_NOREF;
}
/* Runs the plugin rules on one patient and writes their answers into f. A rule that fails or
 * answers in the wrong shape leaves the C result and returns the number of failed calls. */
int rules_hook_apply(struct host *h, struct rules_hook *k, const struct rules *ru,
                     const struct patient_rows *pr, struct facts *f, day_t as_of);

#endif
