/* One evaluation context per host, shared by the Lua modules that evaluate patients
 * (sixbb.report, sixbb.measures), opened on first use and freed with the Lua state. */
#ifndef SIXBB_LUA_SHARED_EVAL_H
#define SIXBB_LUA_SHARED_EVAL_H

#include <lua.h>

struct eval;

/* The context; raises a Lua error naming `module` when there is no site or it cannot open. */
struct eval *lua_shared_eval(lua_State *L, const char *module);

#endif
