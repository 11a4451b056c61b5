/* Lua values to cJSON, for documents that plugins return (reports) and the C code that checks
 * and renders them. Only strings, finite numbers, booleans and tables convert; a table is a
 * list when its keys are exactly 1..n, otherwise every key must be a string. Errors name the
 * path of the offending value ("sections[2].blocks[1]"). */
#ifndef SIXBB_LUA_TOJSON_H
#define SIXBB_LUA_TOJSON_H

#include <cjson/cJSON.h>
#include <lua.h>
#include <stddef.h>

/* Converts the value at idx. An empty table becomes an empty list. Returns NULL with err set. */
cJSON *lua_to_json(lua_State *L, int idx, char *err, size_t errlen);

#endif
