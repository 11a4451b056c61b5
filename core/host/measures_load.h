/* Reading measures' rule tables from Lua into the predicates evaluation runs in C. */
#ifndef SIXBB_MEASURES_LOAD_H
#define SIXBB_MEASURES_LOAD_H

#include <lua.h>

#include "measures_internal.h"

/* Compiles the rule table at t; names of params are looked up in the table at params. */
int rule_compile(lua_State *L, int t, int params, struct pred_list *pl, char *err, size_t errlen);

#endif
