/* Loading plugins and validating what they register. A plugin file runs once in its own
 * environment and must call sixbb.plugin{...} exactly once; the record is checked field by field
 * and only kept when the whole file ran without error, so registration is all-or-nothing. */
#include <dirent.h>
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "util.h"

const char *const reg_kind_names[REG_NKINDS] = {"milestones", "assessment", "checks", "measures",
                                                "reports",    "jobs",       "instruments"};

/* F_RULE: a function, or a table the core compiles (measures' declarative rules, which the core
 * evaluates without calling Lua per patient). */
enum ftype { F_STRING, F_NUMBER, F_INTEGER, F_BOOLEAN, F_FUNCTION, F_TABLE, F_LIST, F_STRINGS, F_RULE };

struct schema;
struct field {
    const char *name;
    enum ftype type;
    bool required;
    const struct schema *items; /* for F_LIST: the schema of each element */
};
struct schema {
    const char *what;
    const struct field *fields;
    bool has_id; /* elements carry an `id` unique within the list */
};

static const struct field milestone_fields[] = {
    {"id", F_STRING, true, NULL},        {"title", F_STRING, true, NULL},
    {"description", F_STRING, false, NULL}, {"evidence", F_FUNCTION, false, NULL},
    {NULL, 0, 0, NULL}};
static const struct schema milestone_schema = {"milestone", milestone_fields, true};

static const struct field assessment_fields[] = {
    {"item", F_INTEGER, true, NULL},   {"topic", F_STRING, true, NULL},
    {"levels", F_STRINGS, true, NULL}, {"description", F_STRING, false, NULL},
    {NULL, 0, 0, NULL}};
static const struct schema assessment_schema = {"assessment item", assessment_fields, false};

static const struct field check_fields[] = {
    {"id", F_STRING, true, NULL},         {"title", F_STRING, true, NULL},
    {"run", F_FUNCTION, true, NULL},      {"applies", F_STRING, false, NULL},
    {"level", F_STRING, false, NULL},     {"severity", F_STRING, false, NULL},
    {"params", F_TABLE, false, NULL},     {"description", F_STRING, false, NULL},
    {"enabled", F_BOOLEAN, false, NULL},  {NULL, 0, 0, NULL}};
static const struct schema check_schema = {"check", check_fields, true};

static const struct field measure_fields[] = {
    {"id", F_STRING, true, NULL},          {"title", F_STRING, true, NULL},
    {"kind", F_STRING, false, NULL},       {"description", F_STRING, false, NULL},
    {"numerator", F_RULE, false, NULL},    {"denominator", F_RULE, false, NULL},
    {"value", F_RULE, false, NULL},        {"run", F_FUNCTION, false, NULL},
    {"standard", F_STRING, false, NULL},
    {"params", F_TABLE, false, NULL},      {"unit", F_STRING, false, NULL},
    {"better", F_STRING, false, NULL},     {NULL, 0, 0, NULL}};
static const struct schema measure_schema = {"measure", measure_fields, true};

static const struct field report_fields[] = {
    {"id", F_STRING, true, NULL},          {"title", F_STRING, true, NULL},
    {"run", F_FUNCTION, true, NULL},       {"description", F_STRING, false, NULL},
    {"params", F_TABLE, false, NULL},      {NULL, 0, 0, NULL}};
static const struct schema report_schema = {"report", report_fields, true};

static const struct field job_fields[] = {
    {"id", F_STRING, true, NULL},          {"title", F_STRING, false, NULL},
    {"schedule", F_STRING, true, NULL},    {"run", F_FUNCTION, true, NULL},
    {"description", F_STRING, false, NULL}, {"enabled", F_BOOLEAN, false, NULL},
    {"params", F_TABLE, false, NULL},      {NULL, 0, 0, NULL}};
static const struct schema job_schema = {"job", job_fields, true};

static const struct field instrument_fields[] = {
    {"id", F_STRING, true, NULL},          {"title", F_STRING, true, NULL},
    {"items", F_INTEGER, true, NULL},      {"score", F_FUNCTION, true, NULL},
    {"description", F_STRING, false, NULL}, {NULL, 0, 0, NULL}};
static const struct schema instrument_schema = {"instrument", instrument_fields, true};

/* Order matches enum reg_kind. */
static const struct schema *const kind_schemas[REG_NKINDS] = {
    &milestone_schema, &assessment_schema, &check_schema,     &measure_schema,
    &report_schema,    &job_schema,        &instrument_schema};

/* The clinical rules a plugin may provide in place of the built-in ones (rules_lua.c). */
static const struct field rules_fields[] = {
    {"risk", F_FUNCTION, false, NULL}, {"ltot", F_FUNCTION, false, NULL}, {NULL, 0, 0, NULL}};

static const struct field plugin_fields[] = {
    {"id", F_STRING, true, NULL},
    {"block", F_STRING, false, NULL},
    {"description", F_STRING, false, NULL},
    {"version", F_STRING, false, NULL},
    {"extends", F_STRING, false, NULL},
    {"params", F_TABLE, false, NULL},
    {"milestones", F_LIST, false, &milestone_schema},
    {"assessment", F_LIST, false, &assessment_schema},
    {"checks", F_LIST, false, &check_schema},
    {"measures", F_LIST, false, &measure_schema},
    {"reports", F_LIST, false, &report_schema},
    {"jobs", F_LIST, false, &job_schema},
    {"instruments", F_LIST, false, &instrument_schema},
    {"rules", F_TABLE, false, NULL},
    {NULL, 0, 0, NULL}};

static const char *type_name(enum ftype t)
{
    switch (t) {
    case F_STRING: return "a string";
    case F_NUMBER: return "a number";
    case F_INTEGER: return "an integer";
    case F_BOOLEAN: return "a boolean";
    case F_FUNCTION: return "a function";
    case F_TABLE: return "a table";
    case F_LIST: return "a list (table)";
    case F_STRINGS: return "a list of strings";
    case F_RULE: return "a function or a rule table";
    }
    return "?";
}

static bool type_ok(lua_State *L, int idx, enum ftype t)
{
    switch (t) {
    case F_STRING: return lua_type(L, idx) == LUA_TSTRING;
    case F_NUMBER: return lua_type(L, idx) == LUA_TNUMBER;
    case F_INTEGER: return lua_isinteger(L, idx);
    case F_BOOLEAN: return lua_type(L, idx) == LUA_TBOOLEAN;
    case F_FUNCTION: return lua_type(L, idx) == LUA_TFUNCTION;
    case F_TABLE: case F_LIST: case F_STRINGS: return lua_type(L, idx) == LUA_TTABLE;
    case F_RULE: return lua_type(L, idx) == LUA_TTABLE || lua_type(L, idx) == LUA_TFUNCTION;
    }
    return false;
}

static const char *nearest_field(const struct field *fields, const char *name)
{
    struct nearest n = nearest_start(name, 3);
    for (const struct field *f = fields; f->name; f++)
        nearest_offer(&n, f->name);
    return n.best;
}

static bool valid_id(const char *s)
{
    if (!*s)
        return false;
    for (const char *c = s; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' ||
              *c == '.'))
            return false;
    return true;
}

static int validate_record(lua_State *L, int idx, const struct field *fields, const char *path);

static int validate_list(lua_State *L, int idx, const struct schema *s, const char *path)
{
    idx = lua_absindex(L, idx);
    lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
    /* A list has only the keys 1..n: a stray key is almost always a typo or a map by mistake. */
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1 || lua_tointeger(L, -1) > n)
            return luaL_error(L, "sixbb.plugin: %s must be a list of %s tables (found key %s)",
                              path, s->what,
                              lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1)
                                                             : luaL_typename(L, -1));
    }
    lua_newtable(L); /* ids seen */
    int seen = lua_gettop(L);
    for (lua_Integer i = 1; i <= n; i++) {
        char sub[300];
        snprintf(sub, sizeof sub, "%.250s[%lld]", path, (long long)i);
        if (lua_rawgeti(L, idx, i) != LUA_TTABLE)
            return luaL_error(L, "sixbb.plugin: %s must be a table (a %s), got %s", sub, s->what,
                              luaL_typename(L, -1));
        validate_record(L, -1, s->fields, sub);
        if (s->has_id) {
            lua_getfield(L, -1, "id");
            const char *id = lua_tostring(L, -1);
            if (!valid_id(id))
                return luaL_error(L, "sixbb.plugin: %s.id '%s' may only use a-z, 0-9, '-', '_' "
                                     "and '.'", sub, id);
            lua_pushvalue(L, -1);
            if (lua_rawget(L, seen) != LUA_TNIL)
                return luaL_error(L, "sixbb.plugin: %s.id '%s' is used twice in %s", sub, id,
                                  path);
            lua_pop(L, 1);
            lua_pushboolean(L, 1);
            lua_rawset(L, seen);
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return 0;
}

static int validate_record(lua_State *L, int idx, const struct field *fields, const char *path)
{
    idx = lua_absindex(L, idx);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING)
            return luaL_error(L, "sixbb.plugin: %s has a %s key; only named fields are allowed",
                              path, luaL_typename(L, -1));
        const char *key = lua_tostring(L, -1);
        const struct field *f = fields;
        while (f->name && strcmp(f->name, key) != 0)
            f++;
        if (!f->name) {
            const char *near = nearest_field(fields, key);
            if (near)
                return luaL_error(L, "sixbb.plugin: unknown field '%s' in %s (did you mean '%s'?)",
                                  key, path, near);
            return luaL_error(L, "sixbb.plugin: unknown field '%s' in %s", key, path);
        }
    }
    for (const struct field *f = fields; f->name; f++) {
        lua_getfield(L, idx, f->name);
        if (lua_isnil(L, -1)) {
            if (f->required)
                return luaL_error(L, "sixbb.plugin: %s.%s is required (%s)", path, f->name,
                                  type_name(f->type));
        } else if (!type_ok(L, -1, f->type)) {
            return luaL_error(L, "sixbb.plugin: %s.%s must be %s, got %s", path, f->name,
                              type_name(f->type), luaL_typename(L, -1));
        } else if (f->type == F_LIST) {
            char sub[300];
            snprintf(sub, sizeof sub, "%.200s.%.60s", path, f->name);
            validate_list(L, -1, f->items, sub);
        } else if (f->type == F_STRINGS) {
            lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
            for (lua_Integer i = 1; i <= n; i++) {
                if (lua_rawgeti(L, -1, i) != LUA_TSTRING)
                    return luaL_error(L, "sixbb.plugin: %s.%s[%I] must be a string, got %s",
                                      path, f->name, (lua_Integer)i, luaL_typename(L, -1));
                lua_pop(L, 1);
            }
        }
        lua_pop(L, 1);
    }
    return 0;
}

/* Extra rules that a schema cannot say. */
static void validate_semantics(lua_State *L, int idx)
{
    lua_getfield(L, idx, "id");
    if (!valid_id(lua_tostring(L, -1)))
        luaL_error(L, "sixbb.plugin: id '%s' may only use a-z, 0-9, '-', '_' and '.'",
                   lua_tostring(L, -1));
    lua_pop(L, 1);
    lua_getfield(L, idx, "block");
    lua_getfield(L, idx, "extends");
    if (lua_isnil(L, -1) && lua_isnil(L, -2))
        luaL_error(L, "sixbb.plugin: plugin.block is required (a string) unless the plugin "
                      "extends another");
    lua_pop(L, 2);
    if (lua_getfield(L, idx, "rules") == LUA_TTABLE)
        validate_record(L, -1, rules_fields, "plugin.rules");
    lua_pop(L, 1);
    if (lua_getfield(L, idx, "assessment") == LUA_TTABLE) {
        lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
        for (lua_Integer i = 1; i <= n; i++) {
            lua_rawgeti(L, -1, i);
            lua_getfield(L, -1, "item");
            lua_Integer item = lua_tointeger(L, -1);
            if (item < 1 || item > 22)
                luaL_error(L, "sixbb.plugin: plugin.assessment[%I].item must be 1-22, got %I",
                           (lua_Integer)i, (lua_Integer)item);
            lua_getfield(L, -2, "levels");
            if (lua_rawlen(L, -1) != 4)
                luaL_error(L, "sixbb.plugin: plugin.assessment[%I].levels must have 4 level "
                              "descriptions, got %d", (lua_Integer)i, (int)lua_rawlen(L, -1));
            lua_pop(L, 3);
        }
    }
    lua_pop(L, 1);
}

/* sixbb.plugin{...}: validates and records the plugin being loaded. */
int api_plugin(lua_State *L)
{
    struct host *h = host_from_lua(L);
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    if (!h->loading)
        return luaL_error(L, "sixbb.plugin: plugins can only register while their file is "
                             "loading");
    if (h->pending_ref != LUA_NOREF)
        return luaL_error(L, "sixbb.plugin: called twice; a file registers exactly one plugin");
    validate_record(L, 1, plugin_fields, "plugin");
    validate_semantics(L, 1);
    lua_pushvalue(L, 1);
    h->pending_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return 1;
}

static char *dup_field(lua_State *L, int idx, const char *name)
{
    lua_getfield(L, idx, name);
    char *s = lua_isstring(L, -1) ? xstrdup(lua_tostring(L, -1)) : NULL;
    lua_pop(L, 1);
    return s;
}

static struct plugin *add_plugin(struct host *h, const char *file, bool builtin)
{
    h->plugins = xrealloc(h->plugins, (h->nplugins + 1) * sizeof *h->plugins);
    struct plugin *p = &h->plugins[h->nplugins++];
    memset(p, 0, sizeof *p);
    p->file = xstrdup(file);
    p->builtin = builtin;
    p->ref = LUA_NOREF;
    p->env_ref = LUA_NOREF;
    return p;
}

struct plugin *host_find_plugin(struct host *h, const char *id)
{
    /* The last loaded plugin with an id wins: site plugins come after built-ins. */
    for (size_t i = h->nplugins; i-- > 0;)
        if (h->plugins[i].loaded && h->plugins[i].id && strcmp(h->plugins[i].id, id) == 0)
            return &h->plugins[i];
    return NULL;
}

/* Whether the site config's disabled_plugins lists this id. */
static bool plugin_disabled(struct host *h, const char *id)
{
    lua_State *L = h->L;
    host_push_config_path(h, "disabled_plugins");
    bool found = false;
    if (lua_istable(L, -1)) {
        lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
        for (lua_Integer i = 1; i <= n && !found; i++) {
            lua_rawgeti(L, -1, i);
            found = lua_type(L, -1) == LUA_TSTRING && strcmp(lua_tostring(L, -1), id) == 0;
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);
    return found;
}

static void load_one(struct host *h, const char *file, const char *moddir, bool builtin,
                     const char *label)
{
    lua_State *L = h->L;
    int top = lua_gettop(L);
    size_t idx = h->nplugins;
    add_plugin(h, file, builtin);
    host_push_env(h, label, moddir, false);
    int env = lua_gettop(L);
    if (host_load_file(h, file, env) != 0)
        goto fail;
    h->loading = true;
    h->pending_ref = LUA_NOREF;
    int rc = host_pcall(h, label, "load", 0, 0, h->limits.load_seconds);
    h->loading = false;
    if (rc != 0) {
        if (h->pending_ref != LUA_NOREF) {
            luaL_unref(L, LUA_REGISTRYINDEX, h->pending_ref);
            h->pending_ref = LUA_NOREF;
        }
        goto fail;
    }
    if (h->pending_ref == LUA_NOREF) {
        host_set_error(h, "%s: the file did not call sixbb.plugin{...}", file);
        goto fail;
    }
    struct plugin *p = &h->plugins[idx];
    p->ref = h->pending_ref;
    h->pending_ref = LUA_NOREF;
    lua_rawgeti(L, LUA_REGISTRYINDEX, p->ref);
    int rec = lua_gettop(L);
    p->id = dup_field(L, rec, "id");
    p->block = dup_field(L, rec, "block");
    p->extends = dup_field(L, rec, "extends");
    for (int k = 0; k < REG_NKINDS; k++) {
        lua_getfield(L, rec, reg_kind_names[k]);
        p->counts[k] = lua_istable(L, -1) ? (int)lua_rawlen(L, -1) : 0;
        lua_pop(L, 1);
    }
    if (plugin_disabled(h, p->id)) {
        /* Loaded, so its mistakes still show, but nothing it declared is used. */
        p->disabled = true;
        luaL_unref(L, LUA_REGISTRYINDEX, p->ref);
        p->ref = LUA_NOREF;
        lua_settop(L, top);
        return;
    }
    if (p->extends && !host_find_plugin(h, p->extends)) {
        host_set_error(h, "%s: plugin '%s' extends '%s', which is not loaded", file, p->id,
                       p->extends);
        luaL_unref(L, LUA_REGISTRYINDEX, p->ref);
        p->ref = LUA_NOREF;
        goto fail;
    }
    struct plugin *prev = host_find_plugin(h, p->id);
    if (prev) {
        if (!builtin && prev->builtin) {
            prev->overridden = true;
            prev->loaded = false;
        } else {
            host_set_error(h, "%s: plugin id '%s' is already used by %s", file, p->id, prev->file);
            luaL_unref(L, LUA_REGISTRYINDEX, p->ref);
            p->ref = LUA_NOREF;
            goto fail;
        }
    }
    lua_pushvalue(L, env);
    p->env_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    p->loaded = true;
    lua_settop(L, top);
    return;
fail:
    h->plugins[idx].error = xstrdup(h->last_error ? h->last_error : "unknown error");
    if (!h->quiet)
        host_log("error", "plugin %s failed to load and was skipped: %s", file,
                 h->plugins[idx].error);
    lua_settop(L, top);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted entries of a directory (skipping dot files) so load order is stable. */
static char **sorted_entries(const char *dir, size_t *n)
{
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    char **names = NULL;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        names = xrealloc(names, (*n + 1) * sizeof *names);
        names[(*n)++] = xstrdup(e->d_name);
    }
    closedir(d);
    if (*n)
        qsort(names, *n, sizeof *names, cmp_str);
    return names;
}

static void load_dir(struct host *h, const char *dir, bool builtin, bool allow_files)
{
    size_t n;
    char **names = sorted_entries(dir, &n);
    for (size_t i = 0; i < n; i++) {
        char *full = xasprintf("%s/%s", dir, names[i]);
        if (is_dir(full)) {
            char *file = xasprintf("%s/plugin.lua", full);
            if (path_exists(file))
                load_one(h, file, full, builtin, names[i]);
            free(file);
        } else if (allow_files) {
            size_t len = strlen(names[i]);
            if (len > 4 && strcmp(names[i] + len - 4, ".lua") == 0) {
                names[i][len - 4] = 0; /* the label is the file's stem */
                load_one(h, full, NULL, builtin, names[i]);
            }
        }
        free(full);
        free(names[i]);
    }
    free(names);
}

int host_load_plugins(struct host *h, const char *builtin_dir, const char *site_plugins_dir)
{
    if (builtin_dir)
        load_dir(h, builtin_dir, true, false);
    if (site_plugins_dir && is_dir(site_plugins_dir))
        load_dir(h, site_plugins_dir, false, true);
    int failed = 0;
    for (size_t i = 0; i < h->nplugins; i++)
        if (h->plugins[i].error)
            failed++;
    return failed;
}

void host_push_registry(struct host *h, enum reg_kind kind)
{
    lua_State *L = h->L;
    lua_newtable(L); /* result list */
    int out = lua_gettop(L);
    lua_newtable(L); /* id -> position in out */
    int pos = lua_gettop(L);
    int n = 0;
    const struct schema *s = kind_schemas[kind];
    for (size_t i = 0; i < h->nplugins; i++) {
        struct plugin *p = &h->plugins[i];
        if (!p->loaded)
            continue;
        lua_rawgeti(L, LUA_REGISTRYINDEX, p->ref);
        if (lua_getfield(L, -1, reg_kind_names[kind]) != LUA_TTABLE) {
            lua_pop(L, 2);
            continue;
        }
        lua_Integer m = (lua_Integer)lua_rawlen(L, -1);
        for (lua_Integer j = 1; j <= m; j++) {
            lua_rawgeti(L, -1, j);
            /* Shallow copy so the owner can be named without touching the plugin's table. */
            lua_newtable(L);
            lua_pushnil(L);
            while (lua_next(L, -3)) {
                lua_pushvalue(L, -2);
                lua_insert(L, -2);
                lua_rawset(L, -4);
            }
            lua_pushstring(L, p->id);
            lua_setfield(L, -2, "plugin");
            lua_remove(L, -2);
            int slot = 0;
            if (s->has_id || kind == REG_ASSESSMENT) {
                lua_getfield(L, -1, kind == REG_ASSESSMENT ? "item" : "id");
                lua_pushvalue(L, -1);
                if (lua_rawget(L, pos) == LUA_TNUMBER)
                    slot = (int)lua_tointeger(L, -1);
                lua_pop(L, 1);
                if (!slot) {
                    lua_pushinteger(L, ++n);
                    lua_rawset(L, pos);
                    slot = n;
                } else {
                    lua_pop(L, 1);
                }
            } else {
                slot = ++n;
            }
            lua_rawseti(L, out, slot);
        }
        lua_pop(L, 2);
    }
    lua_settop(L, out);
}
