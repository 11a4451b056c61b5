/* Handing a patient's facts to Lua. */
#ifndef SIXBB_FACTS_PUSH_H
#define SIXBB_FACTS_PUSH_H

#include <lua.h>

#include "eval_facts.h"

/* Pushes the Lua table `p` for checks (docs/facts.md). */
void facts_push(lua_State *L, const struct rules *ru, const struct patient_rows *pr,
                const struct facts *f, day_t as_of);

#endif
