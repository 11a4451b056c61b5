/* Settings tables: the site's values merged over declared defaults, refusing keys the defaults
 * do not declare and values of another type, and the deep copy that keeps registered defaults
 * from being changed by whoever receives them. Both the site configuration and the check
 * parameters go through here, each with its own wording of the errors. */
#ifndef SIXBB_HOST_MERGE_H
#define SIXBB_HOST_MERGE_H

#include <lua.h>
#include <stdbool.h>

struct host;

/* How one kind of settings is merged and how its errors read. */
struct host_merge {
    const char *file;  /* prefix of every message ("FILE: "), or NULL for none */
    const char *noun;  /* what keys name, in "…; <noun> are named" */
    bool quote_path;   /* the path in that message is quoted */
    const char *flag;  /* a boolean key allowed at the top level besides the defaults, or NULL */
    bool empty_is_map; /* an empty table in the defaults takes any table whole; otherwise it
                          declares no keys and is merged into like any other */
};

/* Writes the table at src over the table at dst (changed in place): a table in the defaults that
 * is not a list is merged key by key, anything else is replaced. path names src in messages ("" at
 * the top level). On error sets the host's last error, naming the full dotted path and the
 * nearest valid key, and returns -1 with the stack cut back to src; 0 otherwise. */
int host_merge(struct host *h, const struct host_merge *how, int dst, int src, const char *path);

/* Pushes a deep copy of the table at idx (values that are tables are copied too). */
void host_push_copy(lua_State *L, int idx);

#endif
