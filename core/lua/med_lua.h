/* The sixbb.med Lua module: the MED engine as seen from plugins and site configuration.
 * The host calls sixbb_med_open() with its product database and standard, and stores the table
 * it pushes as sixbb.med; both objects must outlive the Lua state. */
#ifndef SIXBB_LUA_MED_H
#define SIXBB_LUA_MED_H

#include <lua.h>

struct med_db;
struct med_standard;

/* Pushes the module table (calc, resolve, standard, factor, total). Returns 1. */
int sixbb_med_open(lua_State *L, struct med_db *db, const struct med_standard *std);

#endif
