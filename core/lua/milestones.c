/* Milestones with status and evidence; see milestones.h. */
#include "milestones.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_program.h"
#include "util.h"

/* Pushes every milestone as a list of {id, title, description, block, plugin, local,
 * evidence(fn)}: the plugins' first, then the local ones for this site. */
static void push_milestones(struct host *h, struct store *s, const char *site_id)
{
    lua_State *L = h->L;
    host_push_registry(h, REG_MILESTONES);
    int list = lua_gettop(L);
    /* A milestone's block is its plugin, or the plugin that plugin extends. */
    for (lua_Integer i = 1; i <= (lua_Integer)lua_rawlen(L, list); i++) {
        lua_rawgeti(L, list, i);
        lua_getfield(L, -1, "plugin");
        struct plugin *p = lua_isstring(L, -1) ? host_find_plugin(h, lua_tostring(L, -1)) : NULL;
        if (p && p->extends) {
            lua_pop(L, 1);
            lua_pushstring(L, p->extends);
        }
        lua_setfield(L, -2, "block");
        lua_pop(L, 1);
    }
    cJSON *local = store_local_milestones(s, site_id);
    const cJSON *m;
    cJSON_ArrayForEach(m, local)
    {
        lua_createtable(L, 0, 5);
        static const char *const cols[] = {"milestone_id", "block", "title"};
        static const char *const names[] = {"id", "block", "title"};
        for (int k = 0; k < 3; k++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(m, cols[k]);
            if (cJSON_IsString(v))
                lua_pushstring(L, v->valuestring);
            else
                lua_pushnil(L);
            lua_setfield(L, -2, names[k]);
        }
        lua_pushboolean(L, 1);
        lua_setfield(L, -2, "local");
        lua_rawseti(L, list, (lua_Integer)lua_rawlen(L, list) + 1);
    }
    cJSON_Delete(local);
}

bool milestones_known(struct host *h, struct store *s, const char *id)
{
    lua_State *L = h->L;
    push_milestones(h, s, "");
    bool found = false;
    for (lua_Integer i = 1; !found && i <= (lua_Integer)lua_rawlen(L, -1); i++) {
        lua_rawgeti(L, -1, i);
        lua_getfield(L, -1, "id");
        found = lua_isstring(L, -1) && strcmp(lua_tostring(L, -1), id) == 0;
        lua_pop(L, 2);
    }
    lua_pop(L, 1);
    return found;
}

static char *lua_field_dup(lua_State *L, int idx, const char *k)
{
    lua_getfield(L, idx, k);
    char *v = lua_isstring(L, -1) ? xstrdup(lua_tostring(L, -1)) : NULL;
    lua_pop(L, 1);
    return v;
}

/* The program's order of the blocks; other plugins' milestones follow. */
static int block_rank(const char *b)
{
    static const char *const order[] = {"leadership", "policies", "tracking",
                                        "visits",     "complex",  "measuring"};
    for (size_t i = 0; b && i < ARRAY_LEN(order); i++)
        if (strcmp(order[i], b) == 0)
            return (int)i;
    return (int)ARRAY_LEN(order);
}

static void sort_rows(struct milestone_row *rows, size_t n)
{
    /* Insertion sort: stable, and the lists are short. */
    for (size_t i = 1; i < n; i++) {
        struct milestone_row x = rows[i];
        size_t j = i;
        while (j > 0 && block_rank(rows[j - 1].block) > block_rank(x.block)) {
            rows[j] = rows[j - 1];
            j--;
        }
        rows[j] = x;
    }
}

/* Calls the milestone's evidence function (at m) with the evidence table under the host's
 * limits. */
static char *evidence_of(struct host *h, int m, int ev_idx, const char *id)
{
    lua_State *L = h->L;
    if (lua_getfield(L, m, "evidence") != LUA_TFUNCTION) {
        lua_pop(L, 1);
        return NULL;
    }
    lua_pushvalue(L, ev_idx);
    char *owner = lua_field_dup(L, m, "plugin");
    char hook[160], *out = NULL;
    snprintf(hook, sizeof hook, "milestone '%s' evidence", id);
    if (host_pcall(h, owner, hook, 1, 1, 0) == 0) {
        if (lua_isstring(L, -1))
            out = xstrdup(lua_tostring(L, -1));
        lua_pop(L, 1);
    } else {
        out = xasprintf("(evidence unavailable: %s)", h->last_error);
    }
    free(owner);
    return out;
}

static size_t collect(struct host *h, struct store *s, const char *site, int ev_idx,
                      struct milestone_row **out)
{
    lua_State *L = h->L;
    push_milestones(h, s, site);
    int list = lua_gettop(L);
    size_t n = lua_rawlen(L, list);
    struct milestone_row *rows = xcalloc(n ? n : 1, sizeof *rows);
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, list, (lua_Integer)i + 1);
        int m = lua_gettop(L);
        struct milestone_row *r = &rows[i];
        r->id = lua_field_dup(L, m, "id");
        r->block = lua_field_dup(L, m, "block");
        r->title = lua_field_dup(L, m, "title");
        lua_getfield(L, m, "local");
        r->local = lua_toboolean(L, -1);
        lua_pop(L, 1);
        store_milestone_status(s, site, r->id, &r->status, &r->date, &r->note);
        r->evidence = evidence_of(h, m, ev_idx, r->id);
        lua_settop(L, m - 1);
    }
    lua_settop(L, list - 1);
    sort_rows(rows, n);
    *out = rows;
    return n;
}

int milestones_collect(struct host *h, struct store *s, struct eval *e, day_t as_of,
                       const char *site, struct milestone_row **out, size_t *n)
{
    int top = lua_gettop(h->L);
    if (eval_push_evidence(e, as_of, site) != 0) {
        lua_settop(h->L, top);
        return -1;
    }
    *n = collect(h, s, site, lua_gettop(h->L), out);
    lua_settop(h->L, top);
    return 0;
}

void milestones_free(struct milestone_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(rows[i].id);
        free(rows[i].block);
        free(rows[i].title);
        free(rows[i].status);
        free(rows[i].date);
        free(rows[i].note);
        free(rows[i].evidence);
    }
    free(rows);
}
