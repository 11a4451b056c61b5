/* The Lua host and its sandbox. The rules we enforce, and why:
 * - one allocator with a cap, so a memory bomb fails inside Lua instead of taking the process;
 * - a count hook that checks an instruction budget and a monotonic deadline; once a call is
 *   over its limits the hook keeps raising, and our pcall/xpcall/coroutine.resume re-raise, so
 *   a plugin cannot swallow the stop with its own pcall;
 * - environments built from an allow-list, text chunks only, read-only API tables whose
 *   metatables are hidden, and a string metatable that cannot be reached. */
#include "host.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "eval_config.h"
#include "med.h"
#include "paths.h"
#include "util.h"

#define HOOK_STEP 1000

static const char KEY_LOCKED = 0; /* registry: weak set of read-only proxies */
static const char KEY_API = 0;    /* registry: the real sixbb API table */
static const char KEY_LIBS = 0;   /* registry: the original standard library functions */

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void host_log(const char *level, const char *fmt, ...)
{
    char stamp[32];
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s %s ", stamp, level);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

struct host *host_from_lua(lua_State *L)
{
    return *(struct host **)lua_getextraspace(L);
}

void host_set_error(struct host *h, const char *fmt, ...)
{
    struct buf b = {0};
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    free(h->last_error);
    free(h->last_trace);
    h->last_error = b.data;
    h->last_trace = xstrdup(b.data ? b.data : "");
}

int host_fail(struct host *h, const char *fmt, ...)
{
    struct buf b = {0};
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    host_set_error(h, "%s", b.data ? b.data : "");
    buf_free(&b);
    if (h->on_error)
        h->on_error(h->last_error);
    return 1;
}

/* ---- memory ---- */

static void *host_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    struct host *h = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        h->mem_used -= old;
        return NULL;
    }
    if (nsize > old && h->limits.memory_bytes &&
        h->mem_used + (nsize - old) > h->limits.memory_bytes)
        return NULL;
    void *p = realloc(ptr, nsize);
    if (!p)
        return NULL;
    h->mem_used = h->mem_used - old + nsize;
    return p;
}

/* ---- the stop hook ---- */

static void where(lua_State *L, char *out, size_t n)
{
    lua_Debug ar;
    out[0] = 0;
    for (int level = 0; lua_getstack(L, level, &ar); level++) {
        if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
            snprintf(out, n, "%s:%d: ", ar.short_src, ar.currentline);
            return;
        }
    }
}

static void stop_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    struct host *h = host_from_lua(L);
    if (!h->in_call)
        return;
    h->instr_used += HOOK_STEP;
    if (!h->killed) {
        if (h->instr_limit > 0 && h->instr_used > h->instr_limit)
            h->killed = true;
        else if (now_seconds() > h->deadline)
            h->killed = true;
        else
            return;
    }
    char loc[256];
    where(L, loc, sizeof loc);
    if (h->instr_limit > 0 && h->instr_used > h->instr_limit)
        luaL_error(L, "%sstopped: exceeded the instruction budget of %I", loc,
                   (lua_Integer)h->instr_limit);
    luaL_error(L, "%sstopped: exceeded the time limit", loc);
}

/* ---- protected calls ---- */

static int msghandler(lua_State *L)
{
    const char *msg = lua_tostring(L, 1);
    if (!msg) {
        /* Never call __tostring here: it is plugin code and could misbehave again. */
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    luaL_traceback(L, L, msg, 1);
    return 1;
}

static void set_call_error(struct host *h, const char *plugin, const char *hook, const char *full)
{
    const char *nl = strstr(full, "\nstack traceback:");
    size_t n = nl ? (size_t)(nl - full) : strlen(full);
    struct buf b = {0}, t = {0};
    if (plugin)
        buf_printf(&b, "plugin '%s'", plugin);
    if (hook)
        buf_printf(&b, "%s%s", plugin ? ", " : "", hook);
    if (plugin || hook)
        buf_puts(&b, ": ");
    buf_puts(&t, b.data ? b.data : "");
    buf_append(&b, full, n);
    buf_puts(&t, full);
    free(h->last_error);
    free(h->last_trace);
    h->last_error = b.data;
    h->last_trace = t.data;
}

int host_pcall(struct host *h, const char *plugin, const char *hook, int nargs, int nresults,
               double seconds)
{
    lua_State *L = h->L;
    /* Save the outer call's state so host calls may nest (C API that calls back into Lua). */
    const char *o_plugin = h->cur_plugin, *o_hook = h->cur_hook;
    long long o_used = h->instr_used, o_limit = h->instr_limit;
    double o_deadline = h->deadline;
    bool o_in = h->in_call, o_killed = h->killed;

    if (seconds <= 0)
        seconds = h->limits.call_seconds;
    double deadline = now_seconds() + seconds;
    h->cur_plugin = plugin;
    h->cur_hook = hook;
    if (!o_in || deadline < o_deadline)
        h->deadline = deadline;
    h->instr_used = 0;
    h->instr_limit = h->limits.instructions;
    h->in_call = true;
    h->killed = false;
    lua_sethook(L, stop_hook, LUA_MASKCOUNT, HOOK_STEP);

    int base = lua_gettop(L) - nargs;
    lua_pushcfunction(L, msghandler);
    lua_insert(L, base);
    int status = lua_pcall(L, nargs, nresults, base);
    lua_remove(L, base);
    if (status != LUA_OK) {
        const char *msg = lua_tostring(L, -1);
        if (status == LUA_ERRMEM)
            msg = "not enough memory: the plugin exceeded the Lua memory limit";
        set_call_error(h, plugin, hook, msg ? msg : "unknown error");
        lua_pop(L, 1);
        /* Give memory back now so the next plugin starts with room. */
        lua_gc(L, LUA_GCCOLLECT);
    }

    h->cur_plugin = o_plugin;
    h->cur_hook = o_hook;
    h->instr_used = o_used + h->instr_used;
    h->instr_limit = o_limit;
    h->deadline = o_deadline;
    h->in_call = o_in;
    /* An inner call that was stopped must not stop its caller; the caller's own limits still
     * apply through its deadline and budget. */
    h->killed = o_killed;
    if (!o_in)
        lua_sethook(L, NULL, 0, 0);
    return status;
}

/* pcall, xpcall and coroutine.resume for sandboxed code: like the originals, except that once
 * the host has stopped the call, an error is passed on instead of returned. */
static int finish_pcall(lua_State *L, int status, lua_KContext extra)
{
    if (status != LUA_OK && status != LUA_YIELD) {
        if (host_from_lua(L)->killed || status == LUA_ERRMEM)
            return lua_error(L);
        lua_pushboolean(L, 0);
        lua_pushvalue(L, -2);
        return 2;
    }
    return lua_gettop(L) - (int)extra;
}

static int sb_pcall(lua_State *L)
{
    luaL_checkany(L, 1);
    lua_pushboolean(L, 1);
    lua_insert(L, 1);
    int status = lua_pcallk(L, lua_gettop(L) - 2, LUA_MULTRET, 0, 0, finish_pcall);
    return finish_pcall(L, status, 0);
}

/* Lua runs a message handler for an error raised from a hook with hooks switched off, so a
 * handler that loops could never be stopped. Once the host has stopped the call, the plugin's
 * handler is skipped and the error passes through unchanged. */
static int xpcall_handler(lua_State *L)
{
    if (host_from_lua(L)->killed)
        return 1;
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

static int sb_xpcall(lua_State *L)
{
    int n = lua_gettop(L);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 2);
    lua_pushcclosure(L, xpcall_handler, 1);
    lua_replace(L, 2);
    lua_pushboolean(L, 1);
    lua_pushvalue(L, 1);
    lua_rotate(L, 3, 2);
    int status = lua_pcallk(L, n - 2, LUA_MULTRET, 2, 2, finish_pcall);
    return finish_pcall(L, status, 2);
}

static int sb_resume(lua_State *L)
{
    /* Call the original coroutine.resume, kept as upvalue 1. */
    int n = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, n, LUA_MULTRET);
    if (host_from_lua(L)->killed && lua_isboolean(L, 1) && !lua_toboolean(L, 1)) {
        lua_settop(L, 2);
        return lua_error(L);
    }
    return lua_gettop(L);
}

/* Finalizers (__gc) run with hooks switched off, so their loops could not be stopped: the
 * sandbox refuses metatables that declare one. Lua only registers a finalizer when the
 * metatable already has __gc at setmetatable time, so checking here is enough. */
static int sb_setmetatable(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    int t = lua_type(L, 2);
    luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
    if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
        return luaL_error(L, "cannot change a protected metatable");
    if (t == LUA_TTABLE && lua_getfield(L, 2, "__gc") != LUA_TNIL)
        return luaL_error(L, "__gc metamethods are not allowed in the sandbox");
    lua_settop(L, 2);
    lua_setmetatable(L, 1);
    return 1;
}

static int sb_rawset(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_LOCKED);
    lua_pushvalue(L, 1);
    if (lua_rawget(L, -2) != LUA_TNIL)
        return luaL_error(L, "attempt to modify a read-only table");
    lua_pop(L, 2);
    luaL_checkany(L, 2);
    luaL_checkany(L, 3);
    lua_settop(L, 3);
    lua_rawset(L, 1);
    return 1;
}

static int sb_print_common(lua_State *L, FILE *f, const char *prefix)
{
    int n = lua_gettop(L);
    struct buf b = {0};
    for (int i = 1; i <= n; i++) {
        size_t len;
        const char *s = luaL_tolstring(L, i, &len);
        if (i > 1)
            buf_puts(&b, "\t");
        buf_append(&b, s, len);
        lua_pop(L, 1);
    }
    fprintf(f, "%s%s\n", prefix, b.data ? b.data : "");
    buf_free(&b);
    return 0;
}

static int sb_print_stdout(lua_State *L)
{
    return sb_print_common(L, stdout, "");
}

static int sb_print_log(lua_State *L)
{
    const char *owner = lua_tostring(L, lua_upvalueindex(1));
    char prefix[160];
    snprintf(prefix, sizeof prefix, "info [%s] ", owner ? owner : "lua");
    return sb_print_common(L, stderr, prefix);
}

/* ---- read-only proxies ---- */

static int ro_newindex(lua_State *L)
{
    return luaL_error(L, "attempt to modify a read-only table (field '%s')",
                      lua_isstring(L, 2) ? lua_tostring(L, 2) : luaL_typename(L, 2));
}

static int ro_len(lua_State *L)
{
    lua_getmetatable(L, 1);
    lua_getfield(L, -1, "__index");
    lua_pushinteger(L, (lua_Integer)lua_rawlen(L, -1));
    return 1;
}

static int ro_next(lua_State *L)
{
    /* upvalue 1: the real table */
    lua_settop(L, 2);
    if (lua_next(L, lua_upvalueindex(1)))
        return 2;
    lua_pushnil(L);
    return 1;
}

static int ro_pairs(lua_State *L)
{
    lua_getmetatable(L, 1);
    lua_getfield(L, -1, "__index");
    lua_pushcclosure(L, ro_next, 1);
    lua_pushnil(L);
    lua_pushnil(L);
    return 3;
}

void host_make_readonly(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    lua_newtable(L); /* proxy */
    lua_createtable(L, 0, 5);
    lua_pushvalue(L, idx);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, ro_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushcfunction(L, ro_len);
    lua_setfield(L, -2, "__len");
    lua_pushcfunction(L, ro_pairs);
    lua_setfield(L, -2, "__pairs");
    lua_pushliteral(L, "locked");
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_LOCKED);
    lua_pushvalue(L, -2);
    lua_pushboolean(L, 1);
    lua_rawset(L, -3);
    lua_pop(L, 1);
    lua_replace(L, idx);
}

static bool is_locked(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_LOCKED);
    lua_pushvalue(L, idx);
    bool locked = lua_rawget(L, -2) != LUA_TNIL;
    lua_pop(L, 2);
    return locked;
}

static void readonly_deep(lua_State *L, int idx, int depth)
{
    idx = lua_absindex(L, idx);
    if (depth < 16) { /* deeper (or a cycle) is left shallow */
        lua_newtable(L);
        int copy = lua_gettop(L);
        lua_pushnil(L);
        while (lua_next(L, idx)) {
            if (lua_type(L, -1) == LUA_TTABLE && !is_locked(L, -1))
                readonly_deep(L, -1, depth + 1);
            lua_pushvalue(L, -2);
            lua_insert(L, -2);
            lua_rawset(L, copy);
        }
        lua_replace(L, idx);
    }
    host_make_readonly(L, idx);
}

void host_make_readonly_deep(lua_State *L, int idx)
{
    readonly_deep(L, idx, 0);
}

/* ---- environments ---- */

static const char *const base_allowed[] = {
    "assert", "error",    "ipairs", "next",     "pairs",  "rawequal", "rawget", "rawlen",
    "select", "tonumber", "tostring", "type", "getmetatable", "_VERSION", NULL};
static const char *const libs_copied[] = {"string", "table", "math", "utf8", NULL};

static void copy_table(lua_State *L, int src, const char *skip)
{
    src = lua_absindex(L, src);
    lua_newtable(L);
    lua_pushnil(L);
    while (lua_next(L, src)) {
        if (skip && lua_type(L, -2) == LUA_TSTRING && strcmp(lua_tostring(L, -2), skip) == 0) {
            lua_pop(L, 1);
            continue;
        }
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, -4);
    }
}

/* require inside the sandbox: "sixbb" is the API; other names are the owner's own modules in
 * its folder (upvalue 1: module dir or nil, upvalue 2: the environment, upvalue 3: cache). */
static int sb_require(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    if (strcmp(name, "sixbb") == 0) {
        lua_getfield(L, lua_upvalueindex(2), "sixbb");
        return 1;
    }
    lua_pushvalue(L, 1);
    if (lua_rawget(L, lua_upvalueindex(3)) != LUA_TNIL)
        return 1;
    lua_pop(L, 1);
    const char *dir = lua_tostring(L, lua_upvalueindex(1));
    /* "lib.x" names a module shared by every plugin, kept in the installed plugins/lib/. */
    char *shared = NULL;
    if (strncmp(name, "lib.", 4) == 0 && name[4]) {
        shared = xasprintf("%s/lib", paths_data_dir("plugins"));
        dir = shared;
        name += 4;
    }
    bool valid = *name != 0;
    for (const char *c = name; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '_' || *c == '.'))
            valid = false;
    if (!dir || !valid || strstr(name, "..")) {
        free(shared);
        return luaL_error(L, "module '%s' is not available in the sandbox (only 'sixbb', 'lib.*' "
                             "and the plugin's own modules can be required)",
                          lua_tostring(L, 1));
    }
    struct buf path = {0};
    buf_printf(&path, "%s/", dir);
    free(shared);
    for (const char *c = name; *c; c++)
        buf_append(&path, *c == '.' ? "/" : c, 1);
    buf_puts(&path, ".lua");
    struct host *h = host_from_lua(L);
    if (!path_exists(path.data)) {
        lua_pushfstring(L, "module '%s' not found (looked for %s)", name, path.data);
        buf_free(&path);
        return lua_error(L);
    }
    int rc = host_load_file(h, path.data, lua_upvalueindex(2));
    buf_free(&path);
    if (rc != 0)
        return luaL_error(L, "%s", h->last_error);
    lua_pushstring(L, name);
    lua_call(L, 1, 1);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lua_pushboolean(L, 1);
    }
    lua_pushvalue(L, 1);
    lua_pushvalue(L, -2);
    lua_rawset(L, lua_upvalueindex(3));
    return 1;
}

void host_push_env(struct host *h, const char *owner, const char *moddir, bool print_stdout)
{
    lua_State *L = h->L;
    lua_newtable(L);
    int env = lua_gettop(L);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_LIBS);
    int libs = lua_gettop(L);
    for (int i = 0; base_allowed[i]; i++) {
        lua_getfield(L, libs, base_allowed[i]);
        lua_setfield(L, env, base_allowed[i]);
    }
    for (int i = 0; libs_copied[i]; i++) {
        lua_getfield(L, libs, libs_copied[i]);
        /* string.dump makes bytecode; nothing in the sandbox may produce or load it. */
        copy_table(L, -1, strcmp(libs_copied[i], "string") == 0 ? "dump" : NULL);
        lua_setfield(L, env, libs_copied[i]);
        lua_pop(L, 1);
    }
    /* os: time, date and clock only. */
    lua_getfield(L, libs, "os");
    lua_createtable(L, 0, 3);
    static const char *const os_allowed[] = {"time", "date", "clock"};
    for (size_t i = 0; i < ARRAY_LEN(os_allowed); i++) {
        lua_getfield(L, -2, os_allowed[i]);
        lua_setfield(L, -2, os_allowed[i]);
    }
    lua_setfield(L, env, "os");
    lua_pop(L, 1);
    /* coroutine, with a resume that passes on a host stop. */
    lua_getfield(L, libs, "coroutine");
    copy_table(L, -1, NULL);
    lua_getfield(L, -2, "resume");
    lua_pushcclosure(L, sb_resume, 1);
    lua_setfield(L, -2, "resume");
    lua_setfield(L, env, "coroutine");
    lua_pop(L, 1);

    lua_pushcfunction(L, sb_pcall);
    lua_setfield(L, env, "pcall");
    lua_pushcfunction(L, sb_xpcall);
    lua_setfield(L, env, "xpcall");
    lua_pushcfunction(L, sb_rawset);
    lua_setfield(L, env, "rawset");
    lua_pushcfunction(L, sb_setmetatable);
    lua_setfield(L, env, "setmetatable");
    if (print_stdout) {
        lua_pushcfunction(L, sb_print_stdout);
    } else {
        lua_pushstring(L, owner ? owner : "lua");
        lua_pushcclosure(L, sb_print_log, 1);
    }
    lua_setfield(L, env, "print");

    lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_API);
    host_make_readonly(L, -1);
    lua_setfield(L, env, "sixbb");

    if (moddir)
        lua_pushstring(L, moddir);
    else
        lua_pushnil(L);
    lua_pushvalue(L, env);
    lua_newtable(L);
    lua_pushcclosure(L, sb_require, 3);
    lua_setfield(L, env, "require");

    lua_pushvalue(L, env);
    lua_setfield(L, env, "_G");
    lua_pop(L, 1); /* libs */
}

int host_load_file(struct host *h, const char *path, int env_idx)
{
    lua_State *L = h->L;
    env_idx = lua_absindex(L, env_idx);
    size_t len;
    char *text = read_file(path, &len);
    if (!text) {
        host_set_error(h, "cannot read %s", path);
        return -1;
    }
    if (len > 0 && text[0] == LUA_SIGNATURE[0]) {
        free(text);
        host_set_error(h, "%s: precompiled (bytecode) chunks are not accepted; load the Lua source",
                       path);
        return -1;
    }
    char *chunkname = xasprintf("@%s", path);
    int rc = luaL_loadbufferx(L, text, len, chunkname, "t");
    free(chunkname);
    free(text);
    if (rc != LUA_OK) {
        host_set_error(h, "%s", lua_tostring(L, -1));
        lua_pop(L, 1);
        return -1;
    }
    lua_pushvalue(L, env_idx);
    lua_setupvalue(L, -2, 1); /* _ENV */
    return 0;
}

void host_api_add(struct host *h, const char *name, lua_CFunction opener)
{
    lua_State *L = h->L;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_API);
    lua_pushcfunction(L, opener);
    lua_call(L, 0, 1);
    if (lua_istable(L, -1))
        host_make_readonly(L, -1);
    lua_setfield(L, -2, name);
    lua_pop(L, 1);
}

/* Defined in core/lua/api.c: fills the sixbb API table (plugin, date, log, ...). */
void host_api_init(struct host *h, int api_idx);

struct host *host_new(struct store *store, const char *site_dir)
{
    struct host *h = xcalloc(1, sizeof *h);
    h->limits = (struct host_limits){
        .instructions = 0,
        .load_seconds = 0.5,
        .check_seconds = 0.5,
        .call_seconds = 60,
        .memory_bytes = (size_t)1024 * 1024 * 1024,
    };
    h->store = store;
    h->site_dir = site_dir ? xstrdup(site_dir) : NULL;
    h->config_ref = LUA_NOREF;
    h->pending_ref = LUA_NOREF;
    h->L = lua_newstate(host_alloc, h);
    if (!h->L) {
        free(h->site_dir);
        free(h);
        return NULL;
    }
    lua_State *L = h->L;
    *(struct host **)lua_getextraspace(L) = h;

    /* Open only the libraries the sandbox draws from; io, package and debug never exist. */
    static const luaL_Reg libs[] = {{LUA_GNAME, luaopen_base},     {LUA_STRLIBNAME, luaopen_string},
                                    {LUA_TABLIBNAME, luaopen_table}, {LUA_MATHLIBNAME, luaopen_math},
                                    {LUA_UTF8LIBNAME, luaopen_utf8}, {LUA_OSLIBNAME, luaopen_os},
                                    {LUA_COLIBNAME, luaopen_coroutine}};
    for (size_t i = 0; i < ARRAY_LEN(libs); i++) {
        luaL_requiref(L, libs[i].name, libs[i].func, 1);
        lua_pop(L, 1);
    }
    /* Strings reach the real string library through their metatable ("x"):dump(); bytecode is
     * never loaded, but nothing should hand it out either. */
    lua_getglobal(L, LUA_STRLIBNAME);
    lua_pushnil(L);
    lua_setfield(L, -2, "dump");
    lua_pop(L, 1);
    lua_pushglobaltable(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_LIBS);

    /* Hide the shared string metatable: getmetatable("") must not reach the real string table. */
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_pushliteral(L, "locked");
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 2);

    lua_newtable(L);
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_LOCKED);

    lua_newtable(L);
    host_api_init(h, lua_gettop(L));
    lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_API);
    return h;
}

void host_free(struct host *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->nplugins; i++) {
        struct plugin *p = &h->plugins[i];
        free(p->id);
        free(p->block);
        free(p->file);
        free(p->extends);
        free(p->error);
    }
    free(h->plugins);
    if (h->L)
        lua_close(h->L);
    /* After the state: the sixbb.med module points into these. */
    med_db_free(h->med_db);
    med_standard_free(h->med_std);
    free(h->site_dir);
    free(h->last_error);
    free(h->last_trace);
    free(h);
}

int host_med(struct host *h, struct med_db **db, struct med_standard **std, char *err,
             size_t errlen)
{
    if (!h->med_db && host_open_med(h, &h->med_db, &h->med_std, err, errlen) != 0)
        return -1;
    *db = h->med_db;
    *std = h->med_std;
    return 0;
}
